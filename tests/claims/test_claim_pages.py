"""The claim page: everything about a claim, its versions, history and restore, publishing and
withdrawal, notes edited in place, and edit conflicts that lose nothing."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from claims import services
from claims.models import Annotation, Claim
from sources.models import Story
from tests.claims.test_dispute_page import assert_csp_safe, text_of
from tests.factories import ActorFactory, StoryFactory

pytestmark = pytest.mark.django_db


def seed_claim(key: str) -> Claim:
    return Claim.objects.get(key=key)


def fresh_claim(editor, **kwargs) -> Claim:
    story = StoryFactory(body="The ministry said 13 civilians were killed in the strike. The other side denied it.")
    return services.claim_log(
        story=story, author=editor, quote="13 civilians were killed in the strike", speaker=ActorFactory(), **kwargs
    )


def edit_data(claim: Claim, **overrides) -> dict:
    data = {
        "version": str(claim.version),
        "mode": claim.mode,
        "speaker": claim.speaker.name if claim.speaker_id else "",
        "said_on": claim.said_on.isoformat() if claim.said_on else "",
        "statement": str(claim.statement_id or ""),
        "status": claim.status,
    }
    data.update(overrides)
    return data


# --- Reading ------------------------------------------------------------------------------------------


def test_claim_page_shows_everything_about_the_claim(client, factchecker, seeded):
    claim = seed_claim("dailysabah-pashinyan-no-way-diplomacy")
    client.force_login(factchecker)
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    page = text_of(response)
    assert "Nikol Pashinyan" in page and "Prime Minister of Armenia" in page and "Armenia" in page
    assert "Daily Sabah" in page
    assert "Has diplomacy over Nagorno-Karabakh run its course?" in page
    assert "Other versions of this statement" in page  # AP, Anadolu and AFP wordings
    assert "corroborates this claim" in page
    assert "History" in page and "Claim created" in page
    html = response.content.decode()
    assert f'href="/stories/{claim.story_id}/#claim-{claim.pk}"' in html
    assert "<ins>" in html and "<del>" in html
    assert_csp_safe(response)


def test_draft_reviews_and_internal_notes_are_marked_on_the_desk(client, editor, seeded):
    claim = seed_claim("dailysabah-azerbaijan-60-civilians")
    client.force_login(editor)
    response = client.get(claim.get_absolute_url())
    page = text_of(response)
    assert "Draft: not published" in page and "DRAFT-REVIEW" in page
    notes = re.findall(r'<article class="note note-internal".*?</article>', response.content.decode(), re.S)
    assert any("Internal: stays on the desk" in note and "INTERNAL: revises direction" in note for note in notes)


def test_viewer_sees_the_claim_but_no_way_to_change_it(client, viewer, editor):
    claim = fresh_claim(editor)
    client.force_login(viewer)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Edit claim" not in html and "Withdraw claim" not in html and "Publish claim" not in html
    assert "Restore version" not in html
    assert client.get(reverse("claims:claim_edit", args=[claim.pk])).status_code == 403
    assert (
        client.post(reverse("claims:claim_edit", args=[claim.pk]), edit_data(claim, status="false")).status_code == 403
    )
    claim.refresh_from_db()
    assert claim.status == "unverified"


def test_outsider_cannot_read_a_claim(client, outsider, editor):
    claim = fresh_claim(editor)
    client.force_login(outsider)
    assert client.get(claim.get_absolute_url()).status_code == 403


def test_unknown_claim_is_404(client, editor):
    client.force_login(editor)
    assert client.get("/claims/999999/").status_code == 404


def test_reader_panel_gets_a_fragment_of_the_claim(client, editor):
    claim = fresh_claim(editor)
    client.force_login(editor)
    response = client.get(claim.get_absolute_url(), {"panel": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Open the claim page" in html and claim.quote in html


# --- Editing and conflicts -------------------------------------------------------------------------------


def test_editor_edits_a_claim_and_history_records_who_changed_what(client, editor):
    claim = fresh_claim(editor)
    client.force_login(editor)
    response = client.post(
        reverse("claims:claim_edit", args=[claim.pk]), edit_data(claim, status="disputed", said_on="2020-10-21")
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.said_on, claim.version) == ("disputed", date(2020, 10, 21), 2)
    page = text_of(client.get(claim.get_absolute_url()))
    assert re.search(r"Claim changed by editor ?, .* version 2", page)
    assert "status Unverified Disputed" not in page  # raw values are shown...
    assert "status unverified disputed" in page  # ...before and after, word by word


def test_factchecker_may_change_the_status_but_nothing_else(client, editor, factchecker):
    claim = fresh_claim(editor)
    client.force_login(factchecker)
    form = client.get(reverse("claims:claim_edit", args=[claim.pk])).content.decode()
    assert re.search(r'<select name="mode"[^>]*disabled', form)
    response = client.post(
        reverse("claims:claim_edit", args=[claim.pk]),
        edit_data(claim, status="false", mode="verbatim", speaker="", said_on="1999-01-01"),
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "false"
    assert claim.mode == "paraphrase" and claim.said_on is None and claim.speaker_id is not None


def test_edit_with_bad_input_is_a_422_and_changes_nothing(client, editor):
    claim = fresh_claim(editor)
    client.force_login(editor)
    url = reverse("claims:claim_edit", args=[claim.pk])
    for bad in (
        {"status": "fabulous"},
        {"said_on": "yesterday"},
        {"speaker": "Nobody Atall"},
        {"version": "x"},
        {"mode": "outlet_voice"},
    ):
        response = client.post(url, edit_data(claim, **bad))
        assert response.status_code == 422, bad
    claim.refresh_from_db()
    assert claim.version == 1


def test_a_stale_save_shows_what_changed_and_who_changed_it_and_saves_nothing(client, editor, second_factchecker):
    claim = fresh_claim(editor)
    opened = edit_data(claim)
    # someone else saves first
    services.claim_update(
        claim=Claim.objects.get(pk=claim.pk), expected_version=1, author=second_factchecker, status="verified"
    )
    client.force_login(editor)
    response = client.post(reverse("claims:claim_edit", args=[claim.pk]), {**opened, "said_on": "2020-10-20"})
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else saved this claim since you opened it" in page
    assert "you had version 1, it is now version 2" in page
    assert re.search(r"status Unverified Verified changed since you opened it Unverified", page)
    assert re.search(r"said on — — 2020-10-20 your change", page)
    # their value stands, mine is still in the form
    claim.refresh_from_db()
    assert (claim.status, claim.said_on, claim.version) == ("verified", None, 2)
    assert 'value="2020-10-20"' in response.content.decode()


def test_merge_reopens_the_form_with_my_changes_over_the_current_claim(client, editor, second_factchecker):
    claim = fresh_claim(editor)
    opened = edit_data(claim)
    services.claim_update(
        claim=Claim.objects.get(pk=claim.pk), expected_version=1, author=second_factchecker, status="verified"
    )
    client.force_login(editor)
    url = reverse("claims:claim_edit", args=[claim.pk])
    response = client.post(url, {**opened, "said_on": "2020-10-20", "resolve": "merge", "current_version": "2"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Merged." in html
    assert re.search(r'<input type="hidden" name="version" value="2"', html)
    assert 'value="2020-10-20"' in html
    assert re.search(r'<option value="verified" selected>', html)
    claim.refresh_from_db()
    assert claim.version == 2 and claim.said_on is None  # nothing saved until they press Save
    saved = client.post(url, edit_data(claim, said_on="2020-10-20"))
    assert saved.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.said_on, claim.version) == ("verified", date(2020, 10, 20), 3)


def test_overwrite_saves_my_version_deliberately(client, editor, second_factchecker):
    claim = fresh_claim(editor)
    opened = edit_data(claim)
    services.claim_update(
        claim=Claim.objects.get(pk=claim.pk), expected_version=1, author=second_factchecker, status="verified"
    )
    client.force_login(editor)
    url = reverse("claims:claim_edit", args=[claim.pk])
    response = client.post(url, {**opened, "status": "false", "resolve": "overwrite", "current_version": "2"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("false", 3)
    # overwriting against a version that is stale by now is refused again
    response = client.post(url, {**opened, "status": "disputed", "resolve": "overwrite", "current_version": "2"})
    assert response.status_code == 409
    claim.refresh_from_db()
    assert claim.status == "false"


def test_restore_puts_back_an_earlier_version_through_the_versioned_update(client, editor):
    claim = fresh_claim(editor)
    client.force_login(editor)
    url = reverse("claims:claim_edit", args=[claim.pk])
    client.post(url, edit_data(claim, status="disputed"))
    claim.refresh_from_db()
    client.post(url, edit_data(claim, status="false", said_on="2020-10-01"))
    claim.refresh_from_db()
    assert claim.version == 3
    first = claim.events.get(version=1)
    response = client.post(reverse("claims:claim_restore", args=[claim.pk]), {"version": "3", "event": first.pgh_id})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.said_on, claim.version) == ("unverified", None, 4)
    # a restore based on a stale version changes nothing
    second = claim.events.get(version=2)
    client.post(reverse("claims:claim_restore", args=[claim.pk]), {"version": "3", "event": second.pgh_id})
    claim.refresh_from_db()
    assert claim.version == 4 and claim.status == "unverified"


def test_restore_refuses_other_claims_events_and_bad_input(client, editor, factchecker):
    claim, other = fresh_claim(editor), fresh_claim(editor)
    client.force_login(editor)
    url = reverse("claims:claim_restore", args=[claim.pk])
    event = other.events.get(version=1)
    assert client.post(url, {"version": "1", "event": event.pgh_id}).status_code == 404
    assert client.post(url, {"version": "one"}).status_code == 400
    client.force_login(factchecker)
    assert client.post(url, {"version": "1", "event": claim.events.get().pgh_id}).status_code == 403


def test_history_pages_and_htmx_gets_only_the_history(client, editor):
    claim = fresh_claim(editor)
    client.force_login(editor)
    for n in range(20):
        claim.refresh_from_db()
        client.post(
            reverse("claims:claim_edit", args=[claim.pk]), edit_data(claim, status=["disputed", "verified"][n % 2])
        )
    page = text_of(client.get(claim.get_absolute_url()))
    assert "Page 1 of 2" in page
    fragment = client.get(claim.get_absolute_url(), {"history_page": "2", "part": "history"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert html.lstrip().startswith('<section id="history"') and "Claim created" in text_of(fragment)


# --- Publishing, withdrawal, retraction --------------------------------------------------------------------


def test_factchecker_cannot_publish_a_claim_and_editor_can(client, editor, factchecker):
    claim = fresh_claim(editor)
    url = reverse("claims:claim_publish", args=[claim.pk])
    client.force_login(factchecker)
    assert client.post(url, {"version": "1", "publish": "1"}).status_code == 403
    claim.refresh_from_db()
    assert not claim.is_published
    client.force_login(editor)
    assert client.post(url, {"version": "1", "publish": "1"}).status_code == 302
    claim.refresh_from_db()
    assert claim.is_published and claim.published_at is not None


def test_withdrawal_needs_a_reason_and_keeps_the_claim_visible_as_withdrawn(client, editor):
    claim = fresh_claim(editor)
    client.force_login(editor)
    url = reverse("claims:claim_withdraw", args=[claim.pk])
    response = client.post(url, {"version": "1", "reason": "  "})
    assert response.status_code == 422
    claim.refresh_from_db()
    assert not claim.is_withdrawn
    response = client.post(url, {"version": "1", "reason": "Logged from the wrong story."}, follow=True)
    page = text_of(response)
    assert "Withdrawn on" in page and "Logged from the wrong story." in page
    assert "Edit claim" not in page
    claim.refresh_from_db()
    assert claim.is_withdrawn and claim.withdrawn_by == editor
    # a withdrawn claim cannot be published
    client.post(reverse("claims:claim_publish", args=[claim.pk]), {"version": str(claim.version), "publish": "1"})
    claim.refresh_from_db()
    assert not claim.is_published


def test_factchecker_cannot_withdraw_a_claim(client, editor, factchecker):
    claim = fresh_claim(editor)
    client.force_login(factchecker)
    assert (
        client.post(reverse("claims:claim_withdraw", args=[claim.pk]), {"version": "1", "reason": "x"}).status_code
        == 403
    )


def test_a_claim_retracted_by_its_speaker_is_shown_as_retracted(client, editor):
    claim = fresh_claim(editor)
    retraction = fresh_claim(editor)
    services.claim_link_add(source=retraction, target=claim, kind="retracts", user=editor)
    client.force_login(editor)
    page = text_of(client.get(claim.get_absolute_url()))
    assert "Retracted by the speaker." in page and "the retraction in" in page


# --- Notes on a claim ---------------------------------------------------------------------------------------


def test_factchecker_adds_and_edits_a_note_in_place(client, editor, factchecker):
    claim = fresh_claim(editor)
    client.force_login(factchecker)
    response = client.post(
        reverse("claims:claim_note_add", args=[claim.pk]),
        {"body": "Check the **prosecutor's** figures.", "visibility": "public"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    note = Annotation.objects.get(claim=claim)
    assert note.is_public
    assert "<strong>prosecutor" in response.content.decode()
    form = client.get(reverse("claims:note_edit", args=[note.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert form.lstrip().startswith(f'<form id="note-{note.pk}"') and 'name="version" value="1"' in form
    saved = client.post(
        reverse("claims:note_edit", args=[note.pk]),
        {"body": "Checked: matches.", "visibility": "internal", "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200 and "Internal: stays on the desk" in saved.content.decode()
    note.refresh_from_db()
    assert (note.body, note.is_public, note.version) == ("Checked: matches.", False, 2)


def test_a_stale_note_save_shows_both_texts_and_can_overwrite(client, editor, factchecker):
    claim = fresh_claim(editor)
    note = services.annotation_add(author=editor, body="First text", claim=claim)
    services.annotation_update(annotation=note, expected_version=1, body="Their newer text", is_public=False)
    client.force_login(factchecker)
    url = reverse("claims:note_edit", args=[note.pk])
    response = client.post(url, {"body": "My text", "visibility": "internal", "version": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Their newer text" in html and "My text" in html
    note.refresh_from_db()
    assert note.body == "Their newer text"
    response = client.post(
        url,
        {"body": "My text", "visibility": "internal", "version": "1", "resolve": "overwrite", "current_version": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    note.refresh_from_db()
    assert (note.body, note.version) == ("My text", 3)


def test_viewer_cannot_add_or_edit_notes(client, editor, viewer):
    claim = fresh_claim(editor)
    note = services.annotation_add(author=editor, body="A note", claim=claim)
    client.force_login(viewer)
    assert (
        client.post(
            reverse("claims:claim_note_add", args=[claim.pk]), {"body": "x", "visibility": "public"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("claims:note_edit", args=[note.pk]), {"body": "x", "visibility": "public", "version": "1"}
        ).status_code
        == 403
    )
    note.refresh_from_db()
    assert note.body == "A note"


def test_a_note_with_a_script_is_sanitised_on_the_claim_page(client, editor):
    claim = fresh_claim(editor)
    services.annotation_add(
        author=editor, body='<script>alert(1)</script><img src=x onerror="alert(2)"> ok', claim=claim
    )
    client.force_login(editor)
    response = client.get(claim.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert" not in html
    assert not re.search(r"<img[^>]*onerror", html)
    assert "ok" in text_of(response)
    assert_csp_safe(response)


def test_note_edit_without_javascript_has_its_own_page_and_redirects_back(client, editor):
    claim = fresh_claim(editor)
    note = services.annotation_add(author=editor, body="A note", claim=claim)
    client.force_login(editor)
    page = client.get(reverse("claims:note_edit", args=[note.pk]))
    assert page.status_code == 200 and "<html" in page.content.decode()
    response = client.post(
        reverse("claims:note_edit", args=[note.pk]), {"body": "Edited", "visibility": "public", "version": "1"}
    )
    assert response.status_code == 302 and response.url == f"{claim.get_absolute_url()}#note-{note.pk}"
    missing_version = client.post(
        reverse("claims:note_edit", args=[note.pk]), {"body": "Again", "visibility": "public"}
    )
    assert missing_version.status_code == 422


def test_story_of_a_seed_claim_links_back(client, editor, seeded):
    claim = seed_claim("dailysabah-pashinyan-no-way-diplomacy")
    story = Story.objects.get(pk=claim.story_id)
    client.force_login(editor)
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'id="claim-{claim.pk}"' in html and f'data-href="/claims/{claim.pk}/"' in html
