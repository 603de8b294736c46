"""Publishing and unpublishing claims and disputes, and withdrawing a claim logged in error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims import services
from tests.claims.views.helpers import build_dispute, fresh_claim, text_of

pytestmark = pytest.mark.django_db


# --- Claims -----------------------------------------------------------------------------------


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


# --- Disputes ---------------------------------------------------------------------------------


def test_factchecker_cannot_publish_a_dispute_but_editor_can_unpublish_it(client, editor, factchecker):
    dispute = build_dispute(editor, claims=1)
    url = reverse("claims:dispute_publish", args=[dispute.pk])
    client.force_login(factchecker)
    assert client.post(url, {"version": dispute.version, "publish": "0"}).status_code == 403
    client.force_login(editor)
    response = client.post(url, {"version": dispute.version, "publish": "0"})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert not dispute.is_published


def test_publishing_a_dispute_with_a_stale_version_changes_nothing(client, editor):
    dispute = build_dispute(editor, claims=1)
    stale = dispute.version
    services.dispute_publish(dispute=dispute, expected_version=stale, publish=False)
    client.force_login(editor)
    response = client.post(
        reverse("claims:dispute_publish", args=[dispute.pk]), {"version": stale, "publish": "1"}, follow=True
    )
    assert "changed by someone else" in text_of(response)
    dispute.refresh_from_db()
    assert not dispute.is_published


def test_publish_without_version_is_a_422(client, editor):
    dispute = build_dispute(editor, claims=1)
    client.force_login(editor)
    response = client.post(reverse("claims:dispute_publish", args=[dispute.pk]), {"version": "abc"})
    assert response.status_code == 422
