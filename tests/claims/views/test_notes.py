"""Notes on claims and disputes: one implementation, added with or without htmx, edited in place,
stale saves losing nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims import services
from claims.models import Annotation
from tests.claims.views.helpers import build_dispute, fresh_claim

pytestmark = pytest.mark.django_db


# --- On a claim -------------------------------------------------------------------------------


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


# --- On a dispute -----------------------------------------------------------------------------


def test_factchecker_adds_a_note_with_htmx_and_gets_the_thread_back(client, editor, factchecker):
    dispute = build_dispute(editor, claims=2)
    client.force_login(factchecker)
    url = reverse("claims:dispute_note_add", args=[dispute.pk])
    response = client.post(
        url, {"body": "Baku publishes no military losses.", "visibility": "internal"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Baku publishes no military losses." in response.content.decode()
    note = Annotation.objects.get(body="Baku publishes no military losses.")
    assert note.dispute == dispute and note.author == factchecker and not note.is_public


def test_empty_note_is_refused_with_422_and_nothing_saved(client, editor):
    dispute = build_dispute(editor, claims=1)
    client.force_login(editor)
    before = Annotation.objects.count()
    url = reverse("claims:dispute_note_add", args=[dispute.pk])
    response = client.post(url, {"body": "   ", "visibility": "public"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()
    plain = client.post(url, {"body": "", "visibility": "nonsense"})
    assert plain.status_code == 422
    assert Annotation.objects.count() == before


def test_viewer_cannot_add_a_note_or_publish_a_dispute(client, editor, viewer):
    dispute = build_dispute(editor, claims=1)
    client.force_login(viewer)
    assert client.get(dispute.get_absolute_url()).status_code == 200
    response = client.post(reverse("claims:dispute_note_add", args=[dispute.pk]), {"body": "x", "visibility": "public"})
    assert response.status_code == 403
    response = client.post(reverse("claims:dispute_publish", args=[dispute.pk]), {"version": dispute.version})
    assert response.status_code == 403
