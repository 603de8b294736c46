"""The public pages: a published dispute or claim for anyone, without logging in; nothing else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.html import escape

from claims import services
from claims.merging import dispute_merge
from claims.models import Annotation, Claim, Dispute

pytestmark = pytest.mark.django_db


def test_a_published_dispute_shows_its_published_claims_and_public_notes_only(seeded, editor):
    unpublished = Claim.objects.filter(is_published=False)
    dispute = Dispute.objects.visible().filter(claims__in=unpublished).distinct().order_by("id").first()
    assert dispute is not None, "the seed dataset has a published dispute holding an unpublished claim"
    shown = Claim.objects.visible().filter(dispute_links__dispute=dispute)
    hidden = Claim.objects.filter(dispute_links__dispute=dispute).exclude(pk__in=shown)
    internal = services.annotation_add(
        author=editor, dispute=dispute, body="Internal: the ministry's figure is unverified.", is_public=False
    )

    page = Client().get(f"/public/disputes/{dispute.public_id}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert dispute.title in html
    assert shown and hidden, "the seed dispute has published and unpublished claims"
    for claim in shown:
        assert str(claim.public_id) in html
    for claim in hidden:
        assert str(claim.public_id) not in html
    assert internal.body not in html
    for note in Annotation.objects.visible().filter(dispute=dispute):
        assert escape(note.body[:30]) in html


def test_unpublished_disputes_and_claims_are_not_found(seeded):
    dispute = Dispute.objects.filter(is_published=False).first()
    claim = Claim.objects.exclude(pk__in=Claim.objects.visible()).first()
    assert dispute is not None and claim is not None
    assert Client().get(f"/public/disputes/{dispute.public_id}/").status_code == 404
    assert Client().get(f"/public/claims/{claim.public_id}/").status_code == 404


def test_a_merged_dispute_redirects_to_its_published_survivor(seeded, editor):
    survivor, duplicate = Dispute.objects.visible().order_by("id")[:2]
    dispute_merge(survivor=survivor, duplicate=duplicate, user=editor)
    response = Client().get(f"/public/disputes/{duplicate.public_id}/")
    assert response.status_code == 301
    assert response["Location"].endswith(f"/public/disputes/{survivor.public_id}/")


def test_a_published_claim_page_carries_its_claimreview_for_search_engines(seeded):
    claim = Claim.objects.visible().filter(reviews__is_published=True).first()
    assert claim is not None, "the seed dataset has a published review on a visible claim"
    html = Client().get(f"/public/claims/{claim.public_id}/").content.decode()
    assert escape(claim.quote[:40]) in html
    assert '"@type": "ClaimReview"' in html or '"@type":"ClaimReview"' in html
