"""Wire updates: a story's new revision re-anchors its claims, flags the rest, and an editor decides."""

from __future__ import annotations

import pghistory.models
import pytest
from django.urls import reverse

from claims import services
from claims.models import Claim
from claims.reanchoring import OffsetMap, sentence_around
from sources.importers import StoryMeta, import_story_file
from sources.models import Story
from sources.services import story_import
from tests.factories import OutletFactory

pytestmark = pytest.mark.django_db

FIRST = (
    "GANJA, Azerbaijan (AFP) — Azerbaijan said Saturday that 12 people were killed in the strike on Ganja.\n\n"
    "Armenia denied firing at the city, calling the report baseless.\n\n"
    "The foreign ministry said the attack violated the humanitarian ceasefire."
)
# The update: a new lead paragraph, a changed figure, the rest the same.
SECOND = (
    "UPDATED with new toll.\n\n"
    "GANJA, Azerbaijan (AFP) — Azerbaijan said Saturday that 13 people were killed in the strike on Ganja.\n\n"
    "Armenia denied firing at the city, calling the report baseless.\n\n"
    "The foreign ministry said the attack violated the humanitarian ceasefire."
)


@pytest.fixture
def wire_story(editor):
    outlet = OutletFactory(key="afp-test", name="AFP")
    story = story_import(
        outlet=outlet, text=FIRST, headline="Ganja strike", url="https://afp.example/ganja", author=editor
    ).story
    denial = services.claim_log(story=story, author=editor, quote="calling the report baseless")
    toll = services.claim_log(story=story, author=editor, quote="12 people were killed in the strike on Ganja")
    return story, denial, toll


def reimport(story: Story, text: str, user=None):
    return import_story_file(
        name="update.txt",
        data=text.encode(),
        author=user,
        meta=StoryMeta(outlet=story.outlet.key, headline=story.headline, url=story.url),
    )


def test_a_new_revision_moves_found_claims_and_flags_the_rest(editor, wire_story):
    story, denial, toll = wire_story
    old_revision = story.current_revision

    result = reimport(story, SECOND, editor)

    assert result.outcome == "new revision"
    new = result.revision
    denial.refresh_from_db()
    toll.refresh_from_db()
    # found again: moved to the new text, at offsets that hold the same words
    assert denial.revision == new and not denial.needs_reanchoring
    assert new.body[denial.start : denial.end] == "calling the report baseless"
    assert denial.start == FIRST.index("calling") + len("UPDATED with new toll.\n\n")
    assert denial.version == 2
    # not found: the figure changed; it stays on the old text, flagged for an editor
    assert toll.revision == old_revision and toll.needs_reanchoring
    assert old_revision.body[toll.start : toll.end] == toll.quote


def test_history_records_the_reanchoring(editor, wire_story):
    story, denial, _toll = wire_story
    old_revision = story.current_revision
    result = reimport(story, SECOND, editor)

    events = pghistory.models.Events.objects.tracks(denial).order_by("pgh_created_at")
    moves = [e.pgh_diff for e in events if e.pgh_diff and "revision_id" in e.pgh_diff]
    assert len(moves) == 1
    assert moves[0]["revision_id"] == [old_revision.pk, result.revision.pk]
    assert moves[0]["start"][1] - moves[0]["start"][0] == len("UPDATED with new toll.\n\n")


def test_importing_the_same_text_again_moves_nothing(editor, wire_story):
    story, denial, toll = wire_story
    assert reimport(story, FIRST, editor).outcome == "unchanged"
    denial.refresh_from_db()
    toll.refresh_from_db()
    assert denial.version == 1 and toll.version == 1 and not toll.needs_reanchoring


def test_the_revisions_page_shows_the_diff_and_the_changed_figure_old_vs_new(client, editor, wire_story):
    story, _denial, toll = wire_story
    reimport(story, SECOND, editor)
    client.force_login(editor)

    response = client.get(reverse("claims:story_revisions", args=[story.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert [item.claim.pk for item in response.context["items"]] == [toll.pk]
    assert "Needs attention: 1 claim" in html
    # the sentence around the flagged claim, old vs new, with the changed figure marked
    assert "<del>12 </del>" in html and "<ins>13 </ins>" in html
    item = response.context["items"][0]
    assert item.old_sentence.endswith("12 people were killed in the strike on Ganja.")
    assert item.new_sentence.endswith("13 people were killed in the strike on Ganja.")
    # the whole-story diff shows the new lead
    assert "<ins>UPDATED with new toll" in html


def test_an_editor_anchors_a_flagged_claim_to_the_new_words(client, editor, wire_story):
    story, _denial, toll = wire_story
    new = reimport(story, SECOND, editor).revision
    client.force_login(editor)
    hint = SECOND.index("13 people")

    response = client.post(
        reverse("claims:claim_reanchor", args=[story.pk, toll.pk]),
        {"quote": "13 people were killed in the strike on Ganja", "start": hint, "version": toll.version + 1},
    )

    assert response.status_code == 302
    toll.refresh_from_db()
    assert toll.revision == new and not toll.needs_reanchoring
    assert (toll.start, toll.quote) == (hint, "13 people were killed in the strike on Ganja")
    assert client.get(reverse("claims:story_revisions", args=[story.pk])).context["items"] == []


def test_an_editor_confirms_a_flagged_claim_stands_on_the_old_text(client, editor, wire_story):
    story, _denial, toll = wire_story
    old_revision = story.current_revision
    reimport(story, SECOND, editor)
    toll.refresh_from_db()
    client.force_login(editor)

    response = client.post(reverse("claims:claim_keep_anchor", args=[story.pk, toll.pk]), {"version": toll.version})

    assert response.status_code == 302
    toll.refresh_from_db()
    assert toll.revision == old_revision and not toll.needs_reanchoring


def test_bad_reanchoring_is_refused_and_changes_nothing(client, editor, wire_story):
    story, _denial, toll = wire_story
    reimport(story, SECOND, editor)
    toll.refresh_from_db()
    client.force_login(editor)
    url = reverse("claims:claim_reanchor", args=[story.pk, toll.pk])

    missing = client.post(url, {"quote": "99 people were killed", "version": toll.version})
    assert missing.status_code == 422 and "not found in the story text" in missing.content.decode()
    empty = client.post(url, {"quote": "  ", "version": toll.version})
    assert empty.status_code == 422
    stale = client.post(url, {"quote": "13 people were killed", "version": toll.version - 1})
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()
    bad_number = client.post(url, {"quote": "13 people", "start": "1e999", "version": "x"})
    assert bad_number.status_code == 409
    other_story = client.post(
        reverse("claims:claim_reanchor", args=[story.pk + 1000, toll.pk]), {"quote": "13", "version": toll.version}
    )
    assert other_story.status_code == 404

    fresh = Claim.objects.get(pk=toll.pk)
    assert (fresh.revision_id, fresh.start, fresh.needs_reanchoring, fresh.version) == (
        toll.revision_id,
        toll.start,
        True,
        toll.version,
    )


@pytest.mark.parametrize("who", ["factchecker", "viewer", "outsider"])
def test_only_editors_reanchor(client, request, editor, wire_story, who):
    story, _denial, toll = wire_story
    reimport(story, SECOND, editor)
    toll.refresh_from_db()
    client.force_login(request.getfixturevalue(who))

    for name in ("claims:claim_reanchor", "claims:claim_keep_anchor"):
        response = client.post(
            reverse(name, args=[story.pk, toll.pk]), {"quote": "13 people were killed", "version": toll.version}
        )
        assert response.status_code == 403
    toll.refresh_from_db()
    assert toll.needs_reanchoring
    expected = 403 if who == "outsider" else 200
    assert client.get(reverse("claims:story_revisions", args=[story.pk])).status_code == expected


def test_the_browser_upload_reports_what_was_reanchored(client, editor, wire_story):
    story, _denial, _toll = wire_story
    client.force_login(editor)

    response = client.post(
        "/stories/import/",
        {"outlet": story.outlet.pk, "headline": story.headline, "url": story.url, "text": SECOND},
        follow=True,
    )

    assert "New revision 2" in response.content.decode()
    assert "1 claim re-anchored in the new text; 1 needs an editor&#x27;s decision" in response.content.decode()


def test_sentence_and_offset_helpers():
    assert sentence_around(FIRST, FIRST.index("calling"), FIRST.index("baseless") + 8) == (
        FIRST.index("Armenia"),
        FIRST.index("baseless.") + len("baseless."),
    )
    moved = OffsetMap(FIRST, SECOND)
    assert moved(FIRST.index("Armenia denied")) == SECOND.index("Armenia denied")
    assert moved(FIRST.index("12 people")) == SECOND.index("13 people")
