"""The API's query counts do not grow with the archive: the same pages at the seed dataset's size
and with ten times as many claims (a synthetic archive on top, claims/archive.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from claims.archive import Generator, Plan
from claims.figures import spreads
from claims.models import Claim, Dispute, Figure

pytestmark = pytest.mark.django_db


def _queries(api: APIClient, path: str, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path, params).status_code == 200
    return len(captured)


def _largest_dispute() -> Dispute:
    return Dispute.objects.visible().annotate(n=Count("claim_links")).order_by("-n", "pk").first()


def test_api_list_and_largest_dispute_take_the_same_queries_at_ten_times_the_claims(seeded, partner_key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    pages = {"/api/v1/claims/": {"page_size": 200}, "/api/v1/disputes/": {"page_size": 200}, "/api/v1/changes/": {}}
    before = {path: _queries(api, path, **params) for path, params in pages.items()}
    small = _largest_dispute()
    before["largest dispute"] = _queries(api, f"/api/v1/disputes/{small.public_id}/")

    Generator(Plan(claims=10 * Claim.objects.count(), actors=80, seed=5)).run(batch_claims=400)
    large = _largest_dispute()
    assert Claim.objects.count() >= 11 * 80 and large.claim_links.count() > 5 * small.claim_links.count()
    after = {path: _queries(api, path, **params) for path, params in pages.items()}
    after["largest dispute"] = _queries(api, f"/api/v1/disputes/{large.public_id}/")
    assert after == before


def test_a_large_disputes_sides_show_counts_and_the_first_claims_with_a_link_to_the_rest(seeded, partner_key):
    Generator(Plan(claims=600, actors=40, disputes=5, seed=8)).run(batch_claims=300)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    dispute = _largest_dispute()
    body = api.get(f"/api/v1/disputes/{dispute.public_id}/").json()
    visible = Claim.objects.visible().filter(dispute_links__dispute=dispute).count()
    assert sum(group["count"] for group in body["sides"]) == visible
    crowded = [group for group in body["sides"] if group["count"] > 20]
    assert crowded, "the largest dispute should have a side with more than 20 claims"
    for group in crowded:
        assert len(group["claims"]) == 20
        listed, url = [], group["more"]
        while url:
            # the link's own query (its filter, then its cursor) is kept: extra data would replace it
            page = api.get(url if "page_size=" in url else f"{url}&page_size=200").json()
            listed += [c["id"] for c in page["results"]]
            url = page["next"]
        assert {c["id"] for c in group["claims"]} <= set(listed)
        if group["side"]:  # the outlets' own voice links to all the dispute's claims
            assert len(listed) == group["count"]
    in_dispute = Claim.objects.visible().filter(dispute_links__dispute=dispute)
    for group in body["sides"]:  # each side's first claims: its oldest stories' (read with a window)
        side = Q(speaker__side__key=group["side"]["key"]) if group["side"] else Q(speaker__side__isnull=True)
        oldest = in_dispute.filter(side).order_by("story__published_on", "story_id", "start", "id")[:20]
        assert [c["id"] for c in group["claims"]] == [str(c.public_id) for c in oldest]
    # the spreads compare the figures of all the dispute's claims, not only of those shown
    figures = (
        Figure.objects.filter(claim__in=in_dispute)
        .select_related("whose", "scope", "claim__speaker", "claim__story__outlet")
        .order_by("claim__story__published_on", "claim__story_id", "claim__start", "claim_id", "id")
    )
    assert len(figures) > sum(len(c["figures"]) for group in body["sides"] for c in group["claims"])
    assert [spread["summary"] for spread in body["spreads"]] == [verdict.summary() for verdict in spreads(figures)]
