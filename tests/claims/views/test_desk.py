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


def test_desk_lists_page_on_their_own_and_htmx_gets_one_list(client, editor, seeded):
    stories = [StoryFactory(headline=f"Unread story {n:02}") for n in range(20)]
    client.force_login(editor)
    first = text_of(client.get("/"))
    assert "Page 1 of" in first.split("Stories with no claims")[1]
    second = client.get("/", {"stories_page": "2"})
    assert second.status_code == 200
    fragment = client.get("/", {"stories_page": "2", "list": "stories"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert html.lstrip().startswith('<section id="desk-stories"')
    assert "Disputes, newest activity first" not in html
    shown = set(re.findall(r"Unread story \d\d", text_of(client.get("/")) + text_of(second)))
    assert shown == {s.headline for s in stories}
    assert client.get("/", {"stories_page": "nonsense"}).status_code == 200


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
