"""A published review as schema.org ClaimReview JSON-LD, built from the desk's rating scale.

Served at /api/v1/reviews/<id>.jsonld (or with ``Accept: application/ld+json``) and embedded in
the public page of the reviewed claim. The rating maps through ``claims.ratings``: ratingValue on
the scale WORST..BEST, alternateName the rating's name; "unproven" has no place on the scale and
carries its alternateName only.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from claims.models import Actor, Review
from claims.ratings import BEST, BY_RATING, WORST

_ACTOR_TYPES = {Actor.Kind.PERSON: "Person", Actor.Kind.ORGANISATION: "Organization"}


def _absolute(request: Any, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def newsroom() -> dict[str, Any]:
    author: dict[str, Any] = {"@type": "Organization", "name": settings.NEWSROOM_NAME}
    if settings.NEWSROOM_URL:
        author["url"] = settings.NEWSROOM_URL
    return author


def claim_review(review: Review, request: Any = None) -> dict[str, Any]:
    """The ClaimReview for ``review`` (its claim, speaker, story and outlet loaded)."""
    claim = review.claim
    story = claim.story
    step = BY_RATING[review.rating]
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": step.rating.label}
    if step.value is not None:
        rating.update(ratingValue=step.value, bestRating=BEST, worstRating=WORST)
    if claim.speaker is not None:
        claim_author = {
            "@type": _ACTOR_TYPES.get(claim.speaker.kind, "Organization"),
            "name": claim.speaker.name,
        }
    else:  # the outlet's own voice
        claim_author = {"@type": "Organization", "name": story.outlet.name}
    appearance: dict[str, Any] = {
        "@type": "CreativeWork",
        "headline": story.headline,
        "publisher": {"@type": "Organization", "name": story.outlet.name},
    }
    if story.url:
        appearance["url"] = story.url
    if story.published_on:
        appearance["datePublished"] = story.published_on.isoformat()
    item: dict[str, Any] = {"@type": "Claim", "author": claim_author, "appearance": appearance}
    said_on = claim.said_on or story.published_on
    if said_on:
        item["datePublished"] = said_on.isoformat()
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": _absolute(request, reverse("public:claim", args=[claim.public_id])),
        "claimReviewed": claim.quote,
        "itemReviewed": item,
        "reviewRating": rating,
        "author": newsroom(),
    }
    if review.published_at:
        data["datePublished"] = review.published_at.date().isoformat()
    return data


_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_data(data: Any) -> SafeString:
    """JSON safe to place inside a <script type="application/ld+json"> element."""
    return mark_safe(json.dumps(data, ensure_ascii=False, indent=2).translate(_SCRIPT_ESCAPES))  # noqa: S308
