"""The desk's home page: who may see it, its lists, paging on their own, bounded queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import services
from sources.models import Story
from tests.claims.views.helpers import (
    PASHINIAN_STORY,
    assert_csp_safe,
    build_dispute,
    text_of,
)
from tests.factories import ActorFactory, DisputeFactory, StoryFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_log_in(client, seeded):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    story = Story.objects.get(key=PASHINIAN_STORY)
    assert client.get(story.get_absolute_url()).status_code == 302


def test_outsider_without_a_role_cannot_see_the_desk_or_a_story(client, outsider, seeded):
    client.force_login(outsider)
    assert client.get("/").status_code == 403
    story = Story.objects.get(key=PASHINIAN_STORY)
    assert client.get(story.get_absolute_url()).status_code == 403
    assert client.get(reverse("claims:speaker_options"), {"speaker": "Pash"}).status_code == 403


def test_viewer_reads_the_desk_and_the_story_but_gets_no_log_form(client, viewer, seeded):
    client.force_login(viewer)
    assert client.get("/").status_code == 200
    story = Story.objects.get(key=PASHINIAN_STORY)
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert 'id="log-claim-form"' not in response.content.decode()


def test_desk_lists_disputes_by_activity_waiting_claims_bare_stories_and_notes(client, editor, seeded):
    quiet = DisputeFactory(title="A quiet dispute nobody touched")
    busy = DisputeFactory(title="A dispute with a fresh note")
    services.annotation_add(author=editor, body="Fresh internal note on the busy one", dispute=busy)
    bare = StoryFactory(headline="A story nobody has read yet")
    story = StoryFactory(headline="A story with an ungrouped claim")
    waiting = services.claim_log(story=story, author=editor, quote="13 civilians were killed", speaker=ActorFactory())
    client.force_login(editor)
    response = client.get("/")
    page = text_of(response)
    disputes = page.split("Disputes, newest activity first")[1].split("Claims waiting")[0]
    assert disputes.index(busy.title) < (disputes.index(quiet.title) if quiet.title in disputes else len(disputes))
    assert str(waiting) in page.split("Claims waiting to be grouped")[1].split("Stories with no claims")[0]
    assert bare.headline in page.split("Stories with no claims logged yet")[1].split("Recent notes")[0]
    notes = page.split("Recent notes")[1]
    assert "Internal Fresh internal note on the busy one" in notes
    assert_csp_safe(response)


def _next_link(html: str, list_id: str) -> str | None:
    section = html.split(f'id="{list_id}"')[1].split("</section>")[0]
    found = re.search(r'<a rel="next" href="([^"]+)"', section)
    return found.group(1).replace("&amp;", "&") if found else None


def test_desk_lists_page_on_their_own_newest_first_and_htmx_gets_one_list(client, editor, seeded):
    stories = [StoryFactory(headline=f"Unread story {n:02}") for n in range(40)]
    client.force_login(editor)
    first = client.get("/").content.decode()
    following = _next_link(first, "desk-stories")
    assert following is not None and "stories=" in following
    second = client.get("/" + following)
    assert second.status_code == 200
    fragment = client.get("/" + following, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="desk-stories")
    html = fragment.content.decode()
    assert html.lstrip().startswith('<section id="desk-stories"')
    assert "Disputes, newest activity first" not in html
    # every story once, page after page, the newest first, until there is no "Older" link
    shown, url = [], "/"
    while url:
        response = client.get(url)
        listed = text_of(response).split("Stories with no claims")[1].split("Recent notes")[0]
        shown += re.findall(r"Unread story \d\d", listed)
        link = _next_link(response.content.decode(), "desk-stories")
        url = "/" + link if link else None
    assert shown == [s.headline for s in reversed(stories)]
    # a page link the desk did not hand out (or one of another list) is refused, saying so
    for damaged in ("nonsense", "W10", following.split("stories=")[1][:-3], "=" * 50, "\u00e9" * 10):
        refused = client.get("/", {"stories": damaged})
        assert refused.status_code == 400 and "not one this list handed out" in text_of(refused)
    assert client.get("/", {"notes": following.split("stories=")[1]}).status_code == 400


def test_a_story_leaves_the_list_when_a_claim_is_logged_and_comes_back_when_it_is_withdrawn(client, editor, seeded):
    story = StoryFactory(headline="A story soon claimed")
    client.force_login(editor)
    assert story.headline in text_of(client.get("/"))
    claim = services.claim_log(story=story, author=editor, quote="13 civilians were killed")
    page = text_of(client.get("/"))
    assert story.headline not in page.split("Stories with no claims")[1]
    assert str(claim) in page.split("Claims waiting to be grouped")[1].split("Stories with no claims")[0]
    services.claim_withdraw(claim=claim, user=editor, reason="logged twice", expected_version=claim.version)
    page = text_of(client.get("/"))
    assert story.headline in page.split("Stories with no claims")[1]
    assert str(claim) not in page.split("Claims waiting to be grouped")[1].split("Stories with no claims")[0]


def test_desk_queries_are_bounded_and_do_not_grow_with_data(client, editor, django_assert_max_num_queries, seeded):
    def add_data(n: int) -> None:
        build_dispute(editor, claims=max(2, n))
        for i in range(n):
            StoryFactory(headline=f"Bare {i}")
            claim = services.claim_log(story=StoryFactory(), author=editor, quote="13 civilians were killed")
            services.annotation_add(author=editor, body=f"note {i}", claim=claim)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    client.force_login(editor)
    add_data(1)  # every list has something to show
    client.get("/")
    few = count()
    add_data(30)
    with django_assert_max_num_queries(12):
        client.get("/")
    assert count() == few


def test_dispute_claim_counts_follow_placements_withdrawals_and_merges(client, editor, seeded):
    from claims.merging import dispute_merge, merge_undo
    from claims.models import DisputeActivity

    first, second = DisputeFactory(title="Counted dispute one"), DisputeFactory(title="Counted dispute two")
    story = StoryFactory(body="One said 5 died. Two said 6 died. Three said 7 died. Four said 8 died.")
    claims = [
        services.claim_log(story=story, author=editor, quote=quote, disputes=[services.DisputeLink(dispute=d)])
        for quote, d in (("One said 5 died.", first), ("Two said 6 died.", first), ("Three said 7 died.", second))
    ]

    def counts() -> tuple[int, int]:
        rows = dict(DisputeActivity.objects.filter(dispute__in=[first, second]).values_list("dispute", "claim_count"))
        return rows[first.pk], rows[second.pk]

    assert counts() == (2, 1)
    client.force_login(editor)
    assert re.search(r"Counted dispute one [^·]+ · 2 claims", text_of(client.get("/")))
    services.claim_withdraw(claim=claims[0], expected_version=claims[0].version, user=editor, reason="Twice.")
    assert counts() == (1, 1)
    merge = dispute_merge(survivor=first, duplicate=second, user=editor)
    assert counts() == (2, 0)
    merge_undo(merge=merge, user=editor)
    assert counts() == (1, 1)
    # the same count as working it out from the placements
    for dispute in (first, second):
        live = dispute.claim_links.filter(claim__withdrawn_at__isnull=True).count()
        assert DisputeActivity.objects.get(dispute=dispute).claim_count == live
