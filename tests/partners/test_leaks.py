"""Nothing unpublished ever leaves the desk: with partner credentials, every endpoint (lists and
every page of them, details, nested representations, JSON-LD, exports, the change feed, the public
pages) is fetched over HTTP and every byte is searched for the seed dataset's unpublished and
internal text, and for the ids of records partners may not see."""

from __future__ import annotations

import contextlib
import json
from collections import deque

import pytest

from claims import visibility
from claims.models import Annotation, Claim, Dispute, Review
from tests.live_api import LiveApi, make_key

pytestmark = pytest.mark.django_db(transaction=True)

LISTS = [
    "/api/v1/disputes/",
    "/api/v1/claims/",
    "/api/v1/statements/",
    "/api/v1/actors/",
    "/api/v1/reviews/",
    "/api/v1/annotations/",
    "/api/v1/outlets/",
    "/api/v1/stories/",
]
EXTRAS = [
    "/api/v1/",
    "/api/v1/claims/?expand=via,figures,links,reviews,annotations",
    "/api/v1/changes/",
    "/api/v1/changes/head/",
    "/api/v1/claims/export/",
    "/api/v1/claims/export/?format=csv",
    "/api/v1/disputes/export/",
    "/api/v1/disputes/export/?format=csv",
]


def forbidden_strings() -> dict[str, str]:
    """What must never appear, read from the seed dataset as loaded: label -> text."""
    visible_claims = Claim.objects.visible()
    # published text the same words may legitimately appear in: other claims' quotes, headlines...
    shown_quotes = [
        *visible_claims.values_list("quote", flat=True),
        *visibility.stories().values_list("headline", flat=True),
    ]
    licensed_bodies = [
        story.current_revision.body
        for story in visibility.stories().select_related("outlet", "current_revision")
        if story.outlet.allows_full_text and story.current_revision
    ]

    def shown_anyway(text: str) -> bool:
        # the same words may legitimately be published elsewhere, or in a licensed story text
        return any(text in quote for quote in shown_quotes) or any(text in body for body in licensed_bodies)

    forbidden: dict[str, str] = {}
    for note in Annotation.objects.filter(is_public=False):
        forbidden[f"internal note {note.pk}"] = note.body
        forbidden[f"internal note id {note.pk}"] = str(note.public_id)
    for review in Review.objects.exclude(pk__in=Review.objects.visible()):
        forbidden[f"unpublished review {review.pk}"] = review.reasoning
        forbidden[f"unpublished review id {review.pk}"] = str(review.public_id)
    for dispute in Dispute.objects.exclude(pk__in=Dispute.objects.visible()):
        forbidden[f"unpublished dispute {dispute.pk}"] = dispute.title
        forbidden[f"unpublished dispute id {dispute.pk}"] = str(dispute.public_id)
        if dispute.summary:
            forbidden[f"unpublished dispute summary {dispute.pk}"] = dispute.summary
    for claim in Claim.objects.exclude(pk__in=visible_claims):
        forbidden[f"unpublished claim id {claim.pk}"] = str(claim.public_id)
        if not shown_anyway(claim.quote):
            forbidden[f"unpublished claim {claim.pk}"] = claim.quote
    return forbidden


def urls_in(body: bytes, base: str) -> set[str]:
    """Every URL of our own site mentioned in a JSON body."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value.startswith(base):
            found.add(value)

    with contextlib.suppress(ValueError):  # CSV and HTML bodies name no links to follow
        walk(json.loads(body))
    return found


def test_no_unpublished_or_internal_text_reaches_partners_or_the_public(live_server, seeded):
    forbidden = forbidden_strings()
    assert sum(label.startswith("internal note ") and "id" not in label for label in forbidden) >= 3
    assert any(label.startswith("unpublished review ") for label in forbidden)
    assert any(label.startswith("unpublished dispute ") for label in forbidden)
    assert any(label.startswith("unpublished claim ") and "id" not in label for label in forbidden)

    api = LiveApi(live_server.url, make_key(rate_limit=100_000))
    base = live_server.url
    queue = deque([base + path for path in LISTS + EXTRAS])
    for path in LISTS:  # the nested parts of a list, larger pages too
        queue.append(f"{base}{path}?page_size=200")
    seen: set[str] = set()
    fetched = 0
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = api.get(url)
        fetched += 1
        assert response.status_code in (200, 301), (url, response.status_code, response.text[:200])
        body = response.content
        text = body.decode("utf-8")
        for label, secret in forbidden.items():
            assert secret not in text, f"{label} leaked at {url}"
        for found in urls_in(body, base):
            if found.endswith(".jsonld") or "/api/" in found or "/public/" in found:
                queue.append(found)
        if "/api/v1/reviews/" in url and url.count("/") == 7 and "?" not in url and not url.endswith(".jsonld"):
            queue.append(url.rstrip("/") + ".jsonld")
        if "/api/v1/disputes/" in url and url.count("/") == 7 and "export" not in url and "?" not in url:
            queue.append(url + "export/?format=csv")
            queue.append(url + "export/")

    public_pages = [url for url in seen if "/public/" in url]
    jsonld = [url for url in seen if url.endswith(".jsonld")]
    assert fetched > 150, fetched
    assert len([u for u in public_pages if "/public/claims/" in u]) == Claim.objects.visible().count()
    assert len([u for u in public_pages if "/public/disputes/" in u]) == Dispute.objects.visible().count()
    assert len(jsonld) == Review.objects.visible().count(), jsonld


def test_hidden_records_answer_404_and_filters_do_not_reveal_them(live_server, seeded):
    forbidden = forbidden_strings()
    api = LiveApi(live_server.url, make_key(rate_limit=100_000))
    anonymous = LiveApi(live_server.url, None)
    hidden = {
        "disputes": Dispute.objects.exclude(pk__in=Dispute.objects.visible()),
        "claims": Claim.objects.exclude(pk__in=Claim.objects.visible()),
        "reviews": Review.objects.exclude(pk__in=Review.objects.visible()),
        "annotations": Annotation.objects.exclude(pk__in=Annotation.objects.visible()),
    }
    probes = []
    for resource, records in hidden.items():
        assert records.exists(), resource
        for record in records:
            probes.append(f"/api/v1/{resource}/{record.public_id}/")
            if resource == "reviews":
                probes.append(f"/api/v1/reviews/{record.public_id}.jsonld")
            if resource in ("disputes", "claims"):
                probes.append(f"/public/{resource}/{record.public_id}/")
    for path in probes:
        client = anonymous if path.startswith("/public/") else api
        response = client.get(path)
        assert response.status_code == 404, path
        for label, secret in forbidden.items():
            assert secret not in response.text, f"{label} leaked at {path}"

    for dispute in hidden["disputes"]:
        for path in (
            f"/api/v1/claims/?dispute={dispute.public_id}",
            f"/api/v1/reviews/?dispute={dispute.public_id}",
            f"/api/v1/annotations/?dispute={dispute.public_id}",
        ):
            response = api.get(path)
            assert response.status_code == 200 and response.json()["results"] == [], path
