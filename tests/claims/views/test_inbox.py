"""The inbox lists: /stories/ (the editors' front door) and /disputes/: what each row says, the
filters, keyset pages that reach every row once, refused input, and bounded queries at ten times
the seed data."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.extraction.offers import suggestion_dismiss, suggestions_offered
from claims.extraction.readings import story_read
from claims.models import Claim, ClaimDispute, Dispute, StoryReading
from sources.models import Story, StoryRevision
from sources.services import story_import
from tests.claims.views.helpers import PASHINIAN_STORY, assert_csp_safe, text_of
from tests.factories import DisputeFactory, OutletFactory, StoryFactory
from tests.jobs import run_jobs_here

pytestmark = pytest.mark.django_db

STORIES = reverse("claims:story_list")
DISPUTES = reverse("claims:dispute_list")


def rows(response) -> list[str]:
    """The text of each row of the list's table, in order."""
    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))).strip() for row in body.split("</tr>")[:-1]]


def next_link(response) -> str | None:
    found = re.search(r'<a rel="next" href="([^"]+)"', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else None


def previous_link(response) -> str | None:
    found = re.search(r'<a rel="prev" href="([^"]+)"', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else None


# --- /stories/ --------------------------------------------------------------------------------


def test_top_bar_leads_editors_to_the_stories_and_the_disputes(client, editor, seeded):
    client.force_login(editor)
    page = client.get("/").content.decode()
    assert f'href="{STORIES}">Stories</a>' in page
    assert f'href="{DISPUTES}">Disputes</a>' in page


def test_outsider_cannot_read_the_lists(client, outsider, seeded):
    client.force_login(outsider)
    assert client.get(STORIES).status_code == 403
    assert client.get(DISPUTES).status_code == 403


def test_stories_are_listed_newest_first_with_what_each_needs(client, editor, seeded):
    client.force_login(editor)
    response = client.get(STORIES)
    assert response.status_code == 200
    assert_csp_safe(response)
    listed = rows(response)
    stories = list(Story.objects.exclude(published_on=None).order_by("-published_on", "-id"))
    assert [row.split(" ")[0] for row in listed[: len(stories)]] == [s.headline.split(" ")[0] for s in stories]
    story = Story.objects.get(key=PASHINIAN_STORY)
    row = next(r for r in listed if r.startswith(story.headline))
    claims = Claim.objects.active().filter(story=story).count()
    waiting = len(suggestions_offered(story).suggestions)
    # outlet, date, revisions, claims logged, suggestions waiting
    assert f"{story.outlet.name}" in row
    assert f"{story.published_on:%-d %b %Y}" in row
    assert row.endswith(f"1 {claims} {waiting}")


def test_suggestions_waiting_follow_what_editors_log_and_dismiss(client, editor, seeded):
    """The stored count agrees with the Suggestions panel on every seed story, and moves as
    suggestions are dismissed and logged (database triggers, whoever writes)."""
    for story in Story.objects.filter(key__isnull=False):
        assert story.assistant_reading.waiting == len(suggestions_offered(story).suggestions), story.key
    text = (
        "The health ministry said 13 civilians were killed in the strike on Ganja. "
        "The defence ministry denied firing at civilians, calling the report baseless. "
        "Officials in Stepanakert said at least 7 soldiers had been wounded since Sunday.\n"
    )
    story = story_import(outlet=OutletFactory(), text=text, headline="Ganja strike", author=editor).story
    run_jobs_here()  # the assistant's reading job
    offer = suggestions_offered(story)
    before = len(offer.suggestions)
    assert before >= 2 and StoryReading.objects.get(story=story).waiting == before
    suggestion_dismiss(story=story, fingerprint=offer.suggestions[0].fingerprint, user=editor)
    assert StoryReading.objects.get(story=story).waiting == before - 1
    chosen = offer.suggestions[1]
    claim = services.claim_log(story=story, author=editor, quote=chosen.quote, start_hint=chosen.start)
    assert StoryReading.objects.get(story=story).waiting == before - 2
    services.claim_withdraw(claim=claim, expected_version=claim.version, user=editor, reason="logged by mistake")
    assert StoryReading.objects.get(story=story).waiting == before - 1
    assert StoryReading.objects.get(story=story).waiting == len(suggestions_offered(story).suggestions)


def test_a_new_story_is_read_by_a_job_after_import_and_a_new_revision_reread(editor, seeded):
    outlet = OutletFactory()
    text = "Officials said at least 7 civilians were killed in the strike on Monday."
    result = story_import(outlet=outlet, text=text, headline="Strike", url="https://example.org/s", author=editor)
    assert not StoryReading.objects.filter(story=result.story).exists()  # the import did not wait
    run_jobs_here()
    reading = StoryReading.objects.get(story=result.story)
    assert reading.revision == result.revision and reading.waiting >= 1
    second = story_import(
        outlet=outlet, text=text.replace("7", "11"), headline="Strike", url="https://example.org/s", author=editor
    )
    run_jobs_here()
    reading.refresh_from_db()
    assert second.outcome == "new revision" and reading.revision == second.revision


def test_a_story_not_read_says_so(client, editor, seeded):
    story = StoryFactory(headline="Unread wire copy from Velmora")
    client.force_login(editor)
    row = next(r for r in rows(client.get(STORIES, {"q": "Velmora"})) if "Velmora" in r)
    assert "not read" in row
    story_read(story)
    row = next(r for r in rows(client.get(STORIES, {"q": "Velmora"})) if "Velmora" in r)
    assert "not read" not in row


def test_filters_narrow_the_stories(client, editor, seeded):
    client.force_login(editor)
    outlet = OutletFactory(name="Velmora Wire")
    french = StoryFactory(
        outlet=outlet, headline="Bombardement à Quzbarat", language="fr", published_on=date(2021, 3, 4)
    )
    english = StoryFactory(outlet=outlet, headline="Quzbarat shelled again", published_on=date(2021, 5, 6))
    undated = StoryFactory(outlet=outlet, headline="Quzbarat undated note", published_on=None)

    def headlines(**params) -> list[str]:
        response = client.get(STORIES, params)
        assert response.status_code == 200
        return [row for row in rows(response)]

    by_outlet = headlines(outlet=outlet.pk)
    assert [r.split(" Velmora")[0] for r in by_outlet] == [english.headline, french.headline + " fr", undated.headline]
    assert [r.split(" Velmora")[0] for r in headlines(language="FR")] == [french.headline + " fr"]
    in_range = headlines(date_from="2021-05-01", date_to="2021-05-31")
    assert len(in_range) == 1 and in_range[0].startswith(english.headline)
    assert all(undated.headline not in r for r in headlines(date_to="2030-01-01"))
    assert len(headlines(q="shelled")) == 1


def test_stories_with_suggestions_or_flagged_claims_can_be_listed_alone(client, editor, seeded):
    client.force_login(editor)
    story = Story.objects.get(key=PASHINIAN_STORY)
    quiet = StoryFactory(headline="A quiet story")
    story_read(quiet)
    StoryReading.objects.filter(story=quiet).update(candidates=[])
    with_suggestions = rows(client.get(STORIES, {"suggestions": "on"}))
    assert any(r.startswith(story.headline) for r in with_suggestions)
    assert not any(r.startswith("A quiet story") for r in with_suggestions)

    assert rows(client.get(STORIES, {"flagged": "on"})) == []
    claim = Claim.objects.active().filter(story=story).first()
    Claim.objects.filter(pk=claim.pk).update(needs_reanchoring=True)
    flagged = rows(client.get(STORIES, {"flagged": "on"}))
    assert len(flagged) == 1 and flagged[0].startswith(story.headline)
    assert flagged[0].endswith("1 needs re-anchoring")
    other = Story.objects.filter(key__isnull=False).exclude(pk=story.pk).first()
    Claim.objects.filter(pk=Claim.objects.active().filter(story=other).first().pk).update(figures_disagree=True)
    flagged = rows(client.get(STORIES, {"flagged": "on"}))
    assert len(flagged) == 2
    row = next(r for r in flagged if r.startswith(other.headline))
    assert row.endswith("1 with figures that disagree with its words")


def test_keyset_pages_reach_every_story_once_in_order_and_back(client, editor, seeded):
    outlet = OutletFactory(name="Paging Wire")
    day = date(2019, 1, 1)
    made = [
        StoryFactory(outlet=outlet, headline=f"Paged story {n:03d}", published_on=day + timedelta(days=n // 3))
        for n in range(130)
    ]
    client.force_login(editor)
    seen: list[str] = []
    url = f"{STORIES}?outlet={outlet.pk}"
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(url)
        seen += [row.split(" Paging Wire")[0] for row in rows(response)]
        url = next_link(response)
        if url:
            url = STORIES + url
    expected = [s.headline for s in sorted(made, key=lambda s: (s.published_on, s.pk), reverse=True)]
    assert seen == expected and len(pages) == 3
    back = client.get(pages[-1])
    assert previous_link(back) is not None
    again = client.get(STORIES + previous_link(back))
    assert [row.split(" Paging Wire")[0] for row in rows(again)] == expected[50:100]


def test_bad_filters_and_cursors_are_refused_clearly(client, editor, seeded):
    client.force_login(editor)
    bad_date = client.get(STORIES, {"date_from": "2020-13-45"})
    assert bad_date.status_code == 422 and "Enter a valid date" in text_of(bad_date)
    inverted = client.get(STORIES, {"date_from": "2021-01-02", "date_to": "2021-01-01"})
    assert inverted.status_code == 422 and "ends before it starts" in text_of(inverted)
    for cursor in ("garbage", "x" * 5000, "é", "WyJhZnRlciIsWyIyMDIwLTAxLTAxIiwxXV0:bad:sig"):
        response = client.get(STORIES, {"cursor": cursor})
        assert response.status_code == 400, cursor
        assert "not one this list handed out" in text_of(response)
    # one list's cursor is not another's
    DisputeFactory.create_batch(2)
    StoryFactory.create_batch(60)
    story_cursor = next_link(client.get(STORIES)).split("cursor=")[1]
    assert client.get(DISPUTES, {"cursor": story_cursor}).status_code == 400
    assert client.get(STORIES, {"q": "x" * 301}).status_code == 422
    assert client.get(STORIES, {"outlet": "99999999999999999999"}).status_code == 422


def test_htmx_filtering_answers_with_the_rows_only(client, editor, seeded):
    client.force_login(editor)
    response = client.get(STORIES, {"q": "Pashinian"}, headers={"HX-Request": "true", "HX-Target": "story-rows"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="story-rows"') and "<html" not in html


# --- /disputes/ -------------------------------------------------------------------------------


def test_disputes_are_listed_by_last_activity_with_kind_status_and_claims(client, editor, seeded):
    client.force_login(editor)
    DisputeFactory(title="A quiet question", kind=Dispute.Kind.OTHER, is_published=False, published_at=None)
    busy = DisputeFactory(title="A busy question", status=Dispute.Status.CONTESTED)
    services.annotation_add(author=editor, body="Touch", dispute=busy)
    response = client.get(DISPUTES)
    assert response.status_code == 200
    assert_csp_safe(response)
    listed = rows(response)
    assert listed[0].startswith("A busy question Casualty count Contested Published 0")
    assert listed[1].startswith("A quiet question Other Open Unpublished 0")
    seeded_dispute = Dispute.objects.active().filter(key__isnull=False).first()
    count = ClaimDispute.objects.active().filter(dispute=seeded_dispute).count()
    assert any(r.startswith(f"{seeded_dispute.title} ") and f" {count} " in r for r in listed)


def test_dispute_filters(client, editor, seeded):
    client.force_login(editor)
    DisputeFactory(
        title="Unpublished territorial question",
        kind=Dispute.Kind.TERRITORIAL_CONTROL,
        is_published=False,
        published_at=None,
    )
    only = rows(client.get(DISPUTES, {"kind": "territorial_control", "published": "no"}))
    assert len(only) == 1 and only[0].startswith("Unpublished territorial question")
    published = rows(client.get(DISPUTES, {"kind": "territorial_control", "published": "yes"}))
    assert published and not any(r.startswith("Unpublished territorial question") for r in published)
    assert client.get(DISPUTES, {"kind": "no-such-kind"}).status_code == 422
    assert len(rows(client.get(DISPUTES, {"q": "territorial"}))) == 1


def test_merged_disputes_are_left_out(client, editor, seeded):
    client.force_login(editor)
    survivor, merged = DisputeFactory(title="Survivor question"), DisputeFactory(title="Merged question")
    Dispute.objects.filter(pk=merged.pk).update(merged_into=survivor)
    titles = " ".join(rows(client.get(DISPUTES)))
    assert "Survivor question" in titles and "Merged question" not in titles


# --- bounded at ten times the seed data ------------------------------------------------------


def _ten_times_the_seeds(editor) -> None:
    """Nine more copies of the seeds' stories, claims and disputes (bulk written: the lists must
    not care how rows arrived)."""
    seeds = list(Story.objects.filter(key__isnull=False).select_related("current_revision"))
    seed_claims = list(Claim.objects.filter(key__isnull=False))
    disputes = list(Dispute.objects.filter(key__isnull=False))
    outlets = [OutletFactory() for _ in range(5)]
    now = timezone.now()
    for copy in range(9):
        made = Story.objects.bulk_create(
            Story(
                outlet=outlets[i % 5],
                headline=f"{s.headline} (copy {copy})",
                published_on=s.published_on,
                language=s.language,
            )
            for i, s in enumerate(seeds)
        )
        revisions = StoryRevision.objects.bulk_create(
            StoryRevision(story=new, number=1, body=old.current_revision.body)
            for new, old in zip(made, seeds, strict=True)
        )
        for new, revision in zip(made, revisions, strict=True):
            new.current_revision = revision
        Story.objects.bulk_update(made, ["current_revision"])
        by_story = {old.pk: (new, revision) for old, new, revision in zip(seeds, made, revisions, strict=True)}
        claims = Claim.objects.bulk_create(
            Claim(
                story=by_story[c.story_id][0],
                revision=by_story[c.story_id][1],
                start=c.start,
                end=c.end,
                quote=c.quote,
                mode=c.mode,
                speaker_id=c.speaker_id,
                needs_reanchoring=(c.pk % 7 == 0),
                figures_disagree=(c.pk % 5 == 0),
            )
            for c in seed_claims
            if c.story_id in by_story
        )
        new_disputes = Dispute.objects.bulk_create(
            Dispute(title=f"{d.title} (copy {copy})", kind=d.kind, status=d.status) for d in disputes
        )
        ClaimDispute.objects.bulk_create(
            ClaimDispute(claim=claim, dispute=new_disputes[i % len(new_disputes)], created_at=now)
            for i, claim in enumerate(claims)
        )
        StoryReading.objects.bulk_create(
            StoryReading(story=new, revision=revision, candidates=[{"fingerprint": "f" * 64, "start": 0, "end": 5}])
            for new, revision in zip(made, revisions, strict=True)
        )


def test_the_lists_make_a_fixed_number_of_queries_at_ten_times_the_seeds(
    client, editor, seeded, django_assert_max_num_queries
):
    _ten_times_the_seeds(editor)
    assert Story.objects.count() >= 50 and Claim.objects.count() >= 800
    client.force_login(editor)
    # session, user, permissions, the page's rows (with their counts), the outlets for the filter,
    # the alerts on what the editor follows
    for params in (
        {},
        {"suggestions": "on"},
        {"flagged": "on", "language": "en"},
        {"q": "Armenia", "date_from": "2020-01-01"},
    ):
        with django_assert_max_num_queries(9):
            response = client.get(STORIES, params)
        assert response.status_code == 200
        url = next_link(response)
        if url:
            with django_assert_max_num_queries(9):
                assert client.get(STORIES + url).status_code == 200
    for params in ({}, {"kind": "casualty_count"}, {"published": "no"}):
        with django_assert_max_num_queries(7):
            response = client.get(DISPUTES, params)
        assert response.status_code == 200
        assert len(rows(response)) > 0
