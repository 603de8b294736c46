"""The claims list assembles its items from ``values()`` rows (claims/api/claim_list.py); each item
must be exactly what the claim's serializer (the detail's) gives for it, lean and with every
``expand``, for partners and for the desk, on every page of the cursor."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from claims import services
from claims.api.audience import Audience
from claims.api.serializers import ClaimSerializer
from claims.archive import Generator, Plan
from claims.models import Claim, Dispute
from core.api.renderers import JSONRenderer
from tests.factories import ActorFactory, StoryFactory

pytestmark = pytest.mark.django_db

EXPANSIONS = ["", "via", "figures", "links,reviews", "annotations", "via,figures,links,reviews,annotations"]


def _every_page(api: APIClient, expand: str) -> tuple[list[dict], object]:
    """Every item of the list, following ``next``, and the last page's request."""
    items, url, params = [], "/api/v1/claims/", {"page_size": 150, **({"expand": expand} if expand else {})}
    while url:
        response = api.get(url, params)
        assert response.status_code == 200, response.content
        body = response.json()
        items += body["results"]
        url, params = body["next"], None
    return items, response.wsgi_request


def _as_serialised(items: list[dict], request, desk: bool, expand: str) -> list[dict]:
    """The same claims through ``ClaimSerializer``, as JSON, in the list's order."""
    nested = frozenset(filter(None, expand.split(",")))
    claims = Audience(desk=desk).claims_for_representation(nested=nested).filter(public_id__in=[i["id"] for i in items])
    data = ClaimSerializer(claims, many=True, context={"request": request, "nested": nested}).data
    by_id = {claim["id"]: claim for claim in json.loads(JSONRenderer().render(data))}
    return [by_id[item["id"]] for item in items]


@pytest.fixture
def archive(seeded, editor):
    """The seed dataset and a synthetic archive beside it: unpublished and withdrawn claims, claims
    without a speaker or a statement, via chains, links, blame, notes and reviews of every kind."""
    Generator(Plan(claims=320, actors=40, disputes=8, seed=21)).run(batch_claims=320)
    dispute = Dispute.objects.visible().order_by("pk").first()
    story = StoryFactory(body="A spokesman without a side said 40 people were hurt in the blast.")
    services.claim_log(
        story=story,
        author=editor,
        quote="40 people were hurt",
        speaker=ActorFactory(side=None),
        publish=True,
        disputes=[services.DisputeLink(dispute=dispute)],
    )
    shown = Claim.objects.visible().order_by("pk").first()
    services.claim_withdraw(claim=shown, expected_version=shown.version, user=editor, reason="Logged twice.")


@pytest.mark.parametrize("desk", [False, True], ids=["partner", "desk"])
def test_every_listed_claim_is_what_the_claim_serializer_gives_lean_and_expanded(archive, desk, partner_key, editor):
    api = APIClient()
    if desk:
        api.force_login(editor)
    else:
        api.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key}")

    for expand in EXPANSIONS:
        items, request = _every_page(api, expand)
        assert len({item["id"] for item in items}) == len(items) > 150  # more than one page, none twice
        assert items == _as_serialised(items, request, desk, expand), expand

    # the comparison covered the cases a row can take
    full, _ = _every_page(api, EXPANSIONS[-1])
    assert any(item["speaker"] is None for item in full) and any(item["speaker"] for item in full)
    assert any(item["speaker"] and item["speaker"]["side"] is None for item in full)
    assert any(item["statement"] is None for item in full) and any(item["statement"] for item in full)
    assert any(placed["blames"] for item in full for placed in item["disputes"])
    for name in ["via", "figures", "links", "reviews", "annotations"]:
        assert any(item[name] for item in full), name
    assert any(item["withdrawn"] for item in full) == desk
    assert any(not item["is_published"] for item in full) == desk


def test_the_list_and_a_claims_detail_agree_over_http(archive, partner_key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    items, _ = _every_page(api, "via,figures,links,reviews,annotations")
    for item in items[:: max(1, len(items) // 12)]:
        assert api.get(item["url"]).json() == item
