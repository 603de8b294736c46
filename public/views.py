"""Public pages for what the desk publishes: a dispute and a claim, no login, published content only.

They read through the same audience-filtered querysets as the partner API (never the desk's), so
what a logged-in editor sees here is exactly what the public sees.
"""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from claims.api.audience import Audience
from claims.api.jsonld import claim_review, script_data
from claims.figures import spreads
from claims.merging import survivor_of
from claims.models import Dispute
from core.markdown import render_markdown

PUBLIC = Audience(desk=False)


@require_GET
def dispute_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    dispute = PUBLIC.disputes_for_representation().filter(public_id=public_id).first()
    if dispute is None:
        merged = Dispute.objects.filter(public_id=public_id, merged_into__isnull=False).first()
        if merged is not None:
            survivor = survivor_of(merged)
            if PUBLIC.disputes().filter(pk=survivor.pk).exists():
                return redirect("public:dispute", public_id=survivor.public_id, permanent=True)
        raise Http404("No published dispute has this id.")
    groups: dict[int | None, dict] = {}
    for placed in dispute.shown_claims:
        side = placed.claim.speaker.side if placed.claim.speaker_id else None
        groups.setdefault(side.pk if side else None, {"side": side, "claims": []})["claims"].append(placed)
    sides = sorted(groups.values(), key=lambda g: (g["side"] is None, g["side"].name if g["side"] else ""))
    figures = [figure for placed in dispute.shown_claims for figure in placed.claim.shown_figures]
    for note in dispute.shown_annotations:
        note.body_html = render_markdown(note.body)
    return render(
        request,
        "public/dispute.html",
        {
            "dispute": dispute,
            "sides": sides,
            # only where sources disagree or agree: a lone figure is shown on its claim
            "spreads": spreads(figures),
            "notes": dispute.shown_annotations,
        },
    )


@require_GET
def claim_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    claim = PUBLIC.claims_for_representation().filter(public_id=public_id).first()
    if claim is None:
        raise Http404("No published claim has this id.")
    reviews = claim.shown_reviews
    for review in reviews:
        review.claim = claim  # the JSON-LD reads the claim's speaker, story and outlet, already loaded
        review.reasoning_html = render_markdown(review.reasoning)
    for note in claim.shown_annotations:
        note.body_html = render_markdown(note.body)
    claim_reviews = [script_data(claim_review(review, request)) for review in reviews]
    return render(
        request,
        "public/claim.html",
        {
            "claim": claim,
            "reviews": reviews,
            "claim_reviews": claim_reviews,
            "links": [("outgoing", link.kind, link.target) for link in claim.shown_links_out]
            + [("incoming", link.kind, link.source) for link in claim.shown_links_in],
            "notes": claim.shown_annotations,
        },
    )
