"""Flat rows of claims and disputes for the API's CSV and JSON exports (published content only for
partners: the rows come from the same audience-filtered querysets as the API's lists)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from claims.models import Claim, Dispute

MAX_EXPORT_ROWS = 5000


def claim_rows(claims: list[Claim], request: Any) -> list[dict[str, Any]]:
    """One row per claim and dispute it sits in (a claim in two disputes gives two rows)."""
    rows = []
    for claim in claims:
        placements = claim.shown_disputes or [None]
        for placed in placements:
            rows.append(
                {
                    "claim_id": str(claim.public_id),
                    "claim_url": request.build_absolute_uri(reverse("api:claim-detail", args=[claim.public_id])),
                    "dispute_id": str(placed.dispute.public_id) if placed else "",
                    "dispute": placed.dispute.title if placed else "",
                    "stance": placed.stance if placed else "",
                    "blames": placed.blames.name if placed and placed.blames_id else "",
                    "speaker": claim.speaker.name if claim.speaker_id else "",
                    "speaker_side": claim.speaker.side.name if claim.speaker_id and claim.speaker.side_id else "",
                    "mode": claim.mode,
                    "outlet": claim.story.outlet.name,
                    "via": " > ".join(v.outlet.name for v in claim.shown_via),
                    "story": claim.story.headline,
                    "story_link": claim.story.url,
                    "published_on": claim.story.published_on.isoformat() if claim.story.published_on else "",
                    "said_on": claim.said_on.isoformat() if claim.said_on else "",
                    "quote": claim.quote,
                    "figures": "; ".join(f.label for f in claim.shown_figures),
                    "status": claim.status,
                    "ratings": "; ".join(r.rating for r in claim.shown_reviews),
                }
            )
    return rows


def dispute_rows(disputes: list[Dispute], request: Any) -> list[dict[str, Any]]:
    return [
        {
            "dispute_id": str(dispute.public_id),
            "dispute_url": request.build_absolute_uri(reverse("api:dispute-detail", args=[dispute.public_id])),
            "title": dispute.title,
            "kind": dispute.kind,
            "status": dispute.status,
            "place": dispute.place,
            "event_start": dispute.event_start.isoformat() if dispute.event_start else "",
            "event_end": dispute.event_end.isoformat() if dispute.event_end else "",
            "summary": dispute.summary,
            "claims": dispute.claim_count,  # the claims the reader may see
            "published_at": dispute.published_at.isoformat() if dispute.published_at else "",
        }
        for dispute in disputes
    ]
