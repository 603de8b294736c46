"""A dispute exported for a spreadsheet (CSV) or another program (JSON).

This is the desk's export, for staff: unpublished claims are included and marked as such.
Internal notes are left out unless asked for, and then labelled as internal on every line.
Withdrawn claims (logged in error) are left out. CSV cells a spreadsheet would run as a formula
are neutralised with a leading apostrophe (OWASP's advice for CSV injection).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from claims.models import Annotation, Claim, ClaimDispute, Dispute, Figure, Review
from core.csv import neutralise_cell

INTERNAL_LABEL = "INTERNAL (not for publication)"

CSV_COLUMNS = [
    "record",
    "claim_id",
    "claim_public_id",
    "stance",
    "blames",
    "speaker",
    "speaker_side",
    "mode",
    "outlet",
    "outlet_state_affiliated",
    "via",
    "story",
    "story_url",
    "published_on",
    "said_on",
    "quote",
    "figures",
    "status",
    "published",
    "reviews",
    "note_visibility",
    "note",
]


def _note(annotation: Annotation) -> dict[str, Any]:
    return {
        "visibility": "public" if annotation.is_public else "internal",
        "label": "public" if annotation.is_public else INTERNAL_LABEL,
        "author": annotation.author.get_username(),
        "created_at": annotation.created_at.isoformat(),
        "body": annotation.body,
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "measure": figure.measure,
        "counted": figure.counted,
        "whose": figure.whose.name if figure.whose_id else None,
        "scope": figure.scope.label if figure.scope_id else None,
        "tally": figure.tally,
        "qualifier": figure.qualifier,
        "value": figure.value,
        "low": figure.low,
        "high": figure.high,
        "approximate": figure.approximate,
        "raw": figure.raw,
        "as_of": _iso(figure.as_of),
        "text": figure.label,
    }


def _claim(placement: ClaimDispute) -> dict[str, Any]:
    """One claim of the dispute, with its place in it, figures, published reviews and notes."""
    claim: Claim = placement.claim
    speaker = claim.speaker
    return {
        "id": claim.pk,
        "public_id": str(claim.public_id),
        "stance": placement.stance,
        "blames": placement.blames.name if placement.blames_id else None,
        "speaker": speaker.name if speaker else None,
        "speaker_side": speaker.side.name if speaker and speaker.side_id else None,
        "mode": claim.mode,
        "outlet": claim.story.outlet.name,
        "outlet_state_affiliated": claim.story.outlet.state_affiliated,
        "via": [via.outlet.name for via in claim.via.all()],
        "story": claim.story.headline,
        "story_url": claim.story.url,
        "published_on": _iso(claim.story.published_on),
        "said_on": _iso(claim.said_on),
        "quote": claim.quote,
        "figures": [_figure(f) for f in claim.figures.all()],
        "status": claim.status,
        "published": claim.is_published,
        "reviews": [{"rating": r.rating, "published_at": _iso(r.published_at)} for r in claim.reviews.all()],
        "notes": [_note(a) for a in claim.annotations.all()],
    }


def dispute_export(dispute: Dispute, *, include_internal: bool = False) -> dict[str, Any]:
    """The dispute, its claims (with figures, reviews and notes) and its notes, as plain data."""
    notes = Annotation.objects.active().select_related("author").order_by("created_at", "id")
    if not include_internal:
        notes = notes.filter(is_public=True)
    published_reviews = Review.objects.filter(is_published=True, withdrawn_at__isnull=True).order_by("published_at")
    claims = Claim.objects.with_card_data().prefetch_related(
        Prefetch("reviews", published_reviews), Prefetch("annotations", notes)
    )
    placements = (
        ClaimDispute.objects.filter(dispute=dispute)
        .active()
        .select_related("blames")
        .prefetch_related(Prefetch("claim", claims))
        .order_by("claim__story__published_on", "claim__story_id", "claim__start", "claim_id")
    )
    return {
        "dispute": {
            "id": dispute.pk,
            "public_id": str(dispute.public_id),
            "title": dispute.title,
            "kind": dispute.kind,
            "status": dispute.status,
            "place": dispute.place,
            "event_start": _iso(dispute.event_start),
            "event_end": _iso(dispute.event_end),
            "summary": dispute.summary,
            "published": dispute.is_published,
        },
        "includes_internal_notes": include_internal,
        "exported_at": timezone.now().isoformat(),
        "claims": [_claim(placement) for placement in placements],
        "notes": [_note(a) for a in notes.filter(dispute=dispute)],
    }


def dispute_csv(data: dict[str, Any]) -> str:
    """One row per claim (notes on a claim each get a row of their own after it), then the
    dispute's own notes."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)

    def write(row: dict[str, Any]) -> None:
        writer.writerow([neutralise_cell(row.get(column, "")) for column in CSV_COLUMNS])

    for claim in data["claims"]:
        write(
            {
                "record": "claim",
                "claim_id": claim["id"],
                "claim_public_id": claim["public_id"],
                "stance": claim["stance"],
                "blames": claim["blames"] or "",
                "speaker": claim["speaker"] or "(outlet's own voice)",
                "speaker_side": claim["speaker_side"] or "",
                "mode": claim["mode"],
                "outlet": claim["outlet"],
                "outlet_state_affiliated": "yes" if claim["outlet_state_affiliated"] else "no",
                "via": " > ".join(claim["via"]),
                "story": claim["story"],
                "story_url": claim["story_url"],
                "published_on": claim["published_on"] or "",
                "said_on": claim["said_on"] or "",
                "quote": claim["quote"],
                "figures": "; ".join(f["text"] for f in claim["figures"]),
                "status": claim["status"],
                "published": "yes" if claim["published"] else "no",
                "reviews": "; ".join(r["rating"] for r in claim["reviews"]),
            }
        )
        for note in claim["notes"]:
            write(
                {
                    "record": "claim note",
                    "claim_id": claim["id"],
                    "claim_public_id": claim["public_id"],
                    "note_visibility": note["label"],
                    "note": note["body"],
                }
            )
    for note in data["notes"]:
        write({"record": "dispute note", "note_visibility": note["label"], "note": note["body"]})
    return out.getvalue()
