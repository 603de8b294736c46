"""A claim's own page: everything about it, its other versions, reviews, history and notes.

Editing lives in claim_edit (with its conflicts), publishing and withdrawal in publishing, notes in
notes; the history entries are built by claims.history from the pghistory events the database
triggers write.
"""

from __future__ import annotations

from typing import Any

import pghistory.models
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Page
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from claims.forms import AnnotationForm, ClaimWithdrawForm
from claims.history import claim_history
from claims.models import Claim, ClaimDispute, Review
from claims.services import CLAIM_EDITABLE_FIELDS, editable_claim_fields
from claims.views.claim_parts import correction_context
from claims.views.common import paginate
from claims.views.notes import note_add, notes_context
from core.diffing import VERSION_SIMILARITY, side_by_side
from core.markdown import render_markdown

HISTORY_PER_PAGE = 15
CONTEXT_CHARS = 240


def claim_for_page(pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.with_card_data()
        .select_related("revision", "withdrawn_by", "created_by")
        .prefetch_related(Prefetch("dispute_links", ClaimDispute.objects.select_related("dispute", "blames"))),
        pk=pk,
    )


def in_context(claim: Claim) -> dict[str, str]:
    """The quote with some of the text around it, from the revision it is anchored in."""
    body = claim.revision.body
    start, end = claim.start, claim.end
    before_start = max(0, start - CONTEXT_CHARS)
    after_end = min(len(body), end + CONTEXT_CHARS)
    return {
        "before": ("…" if before_start else "") + body[before_start:start],
        "quote": body[start:end],
        "after": body[end:after_end] + ("…" if after_end < len(body) else ""),
    }


def other_versions(claim: Claim) -> dict[str, list]:
    """Other reports of the same statement: versions in other stories (the close ones compared word
    by word with this claim) and other parts of the statement in the same story."""
    if claim.statement_id is None:
        return {"close": [], "distant": [], "same_story": []}
    versions = list(
        Claim.objects.active()
        .filter(statement_id=claim.statement_id)
        .exclude(pk=claim.pk)
        .select_related("story__outlet", "speaker")
        .order_by("story__published_on", "story_id", "start")[:30]
    )
    compared = sorted(
        ((v, side_by_side(claim.quote, v.quote)) for v in versions if v.story_id != claim.story_id),
        key=lambda pair: -pair[1].similarity,
    )
    return {
        "close": [pair for pair in compared if pair[1].similarity >= VERSION_SIMILARITY],
        "distant": [v for v, diff in compared if diff.similarity < VERSION_SIMILARITY],
        "same_story": [v for v in versions if v.story_id == claim.story_id],
    }


def claim_reviews(claim: Claim) -> list[Review]:
    reviews = list(
        Review.objects.filter(claim=claim)
        .select_related("reviewer", "approved_by", "supersedes")
        .order_by("-created_at", "-id")
    )
    for review in reviews:
        review.html = render_markdown(review.reasoning)
    return reviews


def history_page(request: HttpRequest, claim: Claim) -> Page:
    """A page of the claim's history, newest first: its own changes and those of its figures,
    disputes, links and notes (``page.entries``, from claims.history)."""
    events = pghistory.models.Events.objects.references(claim).order_by("-pgh_created_at", "-pgh_id")
    page = paginate(request, events, per_page=HISTORY_PER_PAGE, param="history_page", hx={"part": "history"})
    page.entries = claim_history(list(page), claim)
    return page


def detail_context(
    request: HttpRequest, claim: Claim, *, note_form: AnnotationForm | None = None, bound: dict | None = None
) -> dict[str, Any]:
    day = claim.said_on or claim.story.published_on
    user = request.user
    editable = editable_claim_fields(user)
    return {
        "claim": claim,
        "role_then": claim.speaker.role_on(day) if claim.speaker_id else None,
        "context": in_context(claim),
        "placements": list(claim.dispute_links.all()),
        "links_out": list(claim.links_out.select_related("target__story__outlet", "recorded_by")),
        "links_in": list(claim.links_in.select_related("source__story__outlet", "recorded_by")),
        "versions": other_versions(claim),
        "reviews": claim_reviews(claim),
        **notes_context(request, claim, reverse("claims:claim_note_add", args=[claim.pk]), form=note_form),
        "history": history_page(request, claim),
        "withdraw_form": ClaimWithdrawForm(initial={"version": claim.version}, auto_id="withdraw_%s"),
        "can_edit": bool(editable),
        "can_restore": editable >= set(CLAIM_EDITABLE_FIELDS),
        "can_publish": user.has_perm("claims.publish_claim"),
        **correction_context(request, claim, bound),
    }


def detail_page(request: HttpRequest, pk: int, *, status: int = 200, **replace: Any) -> HttpResponse:
    """The whole claim page, with ``replace`` (a refused form, say) over its context."""
    context = detail_context(
        request, claim_for_page(pk), note_form=replace.pop("note_form", None), bound=replace.pop("bound", None)
    )
    context.update(replace)
    return render(request, "claims/claim_detail.html", context, status=status)


@require_GET
@login_required
@permission_required("claims.view_claim", raise_exception=True)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for_page(pk)
    if request.htmx and request.GET.get("panel"):
        day = claim.said_on or claim.story.published_on
        claim.role_then = claim.speaker.role_on(day) if claim.speaker_id else None
        return render(
            request, "claims/_claim_panel.html", {"claim": claim, "placements": list(claim.dispute_links.all())}
        )
    context = detail_context(request, claim)
    if request.htmx and request.GET.get("part") == "history":
        return render(request, "claims/claim_detail.html#history", context)
    return render(request, "claims/claim_detail.html", context)


@require_POST
@login_required
@permission_required("claims.add_annotation", raise_exception=True)
def claim_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    return note_add(request, claim, whole_page=lambda form: detail_page(request, pk, status=422, note_form=form))


urlpatterns = [
    path("claims/<int:pk>/", claim_detail, name="claim_detail"),
    path("claims/<int:pk>/notes/", claim_note_add, name="claim_note_add"),
]
