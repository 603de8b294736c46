"""Editing a claim: who may change which field, and edit conflicts that lose nothing; restoring an earlier version."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from claims import services
from claims.models import Claim
from tests.claims.views.helpers import edit_data, fresh_claim, text_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


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
    assert "Status Unverified Disputed" in page  # labelled, as the desk shows them, before and after
    assert "status unverified disputed" not in page  # not the stored values


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


# --- Restoring an earlier version -------------------------------------------------------------


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
    history = " ".join(text_of(client.get(claim.get_absolute_url())).split("History", 1)[1].split())
    assert "· version 4 (version 1 restored) Field Before After" in history
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
    assert client.post(url, {"version": "one"}).status_code == 422
    client.force_login(factchecker)
    assert client.post(url, {"version": "1", "event": claim.events.get().pgh_id}).status_code == 403


def test_the_edit_page_follows_the_one_rule_for_who_may_change_which_field(client, editor):
    """A role that may change a claim's content but not its status (claims.services.editable_claim_fields)
    gets the status disabled, and a status posted anyway is ignored, as the API refuses it."""
    user = UserFactory(username="content-only")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="claims", codename__in=["view_claim", "change_claim"])
    )
    claim = fresh_claim(editor)
    client.force_login(user)
    url = reverse("claims:claim_edit", args=[claim.pk])
    form = client.get(url).content.decode()
    assert re.search(r'<select name="status"[^>]*disabled', form)
    assert not re.search(r'<select name="mode"[^>]*disabled', form)

    response = client.post(url, edit_data(claim, status="false", said_on="2020-10-21"))

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.said_on) == ("unverified", date(2020, 10, 21))
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "Edit claim" in page and "Restore version" not in page
