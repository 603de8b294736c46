"""Reviews: a fact-checker drafts a verdict, the review page, the queue; "How we rate".

The second person's answers (approve after a confirm step, or send back with a comment) and the
reviewer's resubmission are in claims.views.review_decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from claims.forms_reviews import ReviewForm, SendBackForm
from claims.models import Claim, Review
from claims.ratings import BEST, SCALE, WORST
from claims.reviewing import review_draft, review_resubmit, review_send_backs, review_update
from claims.views.common import paginate
from claims.views.people import PER_PAGE
from core.errors import DomainError
from core.numbers import whole_number
from core.versioning import EditConflict

NOT_PUBLIC_YET = "This verdict will not be public until the claim and a dispute it is in are published."


def apply_error(form: ReviewForm | SendBackForm, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _claim_forget_review(claim_id: int) -> Claim:
    return get_object_or_404(
        Claim.objects.select_related("speaker__side", "story__outlet").prefetch_related("speaker__roles"), pk=claim_id
    )


def _history(claim: Claim) -> list[Review]:
    """Every review of ``claim``, oldest first, each knowing what superseded it."""
    return list(
        Review.objects.filter(claim=claim)
        .select_related("reviewer", "approved_by", "supersedes", "superseded_by")
        .order_by("created_at", "pk")
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("claims.add_review", raise_exception=True)
def review_new(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Draft a verdict on a claim; ``?supersedes=<review>`` drafts a correction of a published one."""
    claim = _claim_forget_review(claim_id)
    supersedes = None
    raw = request.POST.get("supersedes") or request.GET.get("supersedes")
    if raw:
        pk = whole_number(raw, digits=18)
        if pk is None:
            return render(request, "claims/review_form.html", {"claim": claim, "error": "Unknown review."}, status=422)
        supersedes = Review.objects.filter(pk=pk, claim=claim).first()
        if supersedes is None:
            return render(
                request,
                "claims/review_form.html",
                {"claim": claim, "error": "There is no such review of this claim to correct."},
                status=422,
            )
    # A correction starts from the old evidence but not from the old rating: no rating is a default.
    initial = {"evidence": "\n".join(supersedes.evidence)} if supersedes else {}
    form = ReviewForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                review = review_draft(
                    claim=claim,
                    reviewer=request.user,
                    rating=form.cleaned_data["rating"],
                    reasoning=form.cleaned_data["reasoning"],
                    evidence=form.links(),
                    supersedes=supersedes,
                )
            except DomainError as error:
                apply_error(form, error)
            else:
                messages.success(request, "Draft saved. A second person must approve it before it is published.")
                return redirect("claims:review_detail", pk=review.pk)
        status = 422
    context = {"claim": claim, "form": form, "supersedes": supersedes, "history": _history(claim)}
    return render(request, "claims/review_form.html", context, status=status)


def can_answer(user: Any, review: Review) -> bool:
    """May ``user`` approve or send back ``review`` now (the rules of claims.reviewing, for the page)?"""
    return (
        user.has_perm("claims.approve_review")
        and review.reviewer_id != user.pk
        and not review.approved_by_id
        and review.withdrawn_at is None
        and review.returned_at is None
    )


def claim_is_visible(claim: Claim) -> bool:
    return Claim.objects.visible().filter(pk=claim.pk).exists()


def review_page_context(request: HttpRequest, review: Review, **extra: object) -> dict[str, object]:
    """What the review page needs; the confirm page (claims.views.review_decisions) shares it."""
    claim = _claim_forget_review(review.claim_id)
    user = request.user
    is_draft = not review.approved_by_id and review.withdrawn_at is None
    mine = review.reviewer_id == user.pk
    return {
        "review": review,
        "claim": claim,
        "history": _history(claim),
        "send_backs": review_send_backs(review),
        "can_approve": can_answer(user, review),
        "can_edit": user.has_perm("claims.change_review") and mine and not review.approved_by_id,
        "can_resubmit": user.has_perm("claims.change_review") and mine and is_draft and review.returned_at is not None,
        "can_correct": user.has_perm("claims.add_review")
        and review.is_published
        and not Review.objects.filter(supersedes=review).exists(),
        # approved or not, a verdict on a claim partners cannot see is not public yet: say so
        "not_public_yet": review.withdrawn_at is None and not claim_is_visible(claim),
        "not_public_yet_text": NOT_PUBLIC_YET,
        **extra,
    }


def get_review(pk: int) -> Review:
    return get_object_or_404(Review.objects.select_related("claim", "reviewer", "approved_by", "returned_by"), pk=pk)


@require_GET
@login_required
@permission_required("claims.view_review", raise_exception=True)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review(pk)
    context = review_page_context(request, review, send_back_form=SendBackForm(initial={"version": review.version}))
    return render(request, "claims/review_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("claims.change_review", raise_exception=True)
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer changes their draft (refused on a stale version, or once approved)."""
    review = get_review(pk)
    if review.reviewer_id != request.user.pk:
        raise PermissionDenied("Only the reviewer who wrote this draft can change it.")
    claim = _claim_forget_review(review.claim_id)
    initial = {
        "rating": review.rating,
        "reasoning": review.reasoning,
        "evidence": "\n".join(review.evidence),
        "version": review.version,
    }
    form = ReviewForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            resubmit = "resubmit" in request.POST and review.returned_at is not None
            try:
                with transaction.atomic():
                    review_update(
                        review=review,
                        expected_version=form.cleaned_data["version"] or 0,
                        user=request.user,
                        rating=form.cleaned_data["rating"],
                        reasoning=form.cleaned_data["reasoning"],
                        evidence=form.links(),
                    )
                    if resubmit:
                        review_resubmit(review=review, expected_version=review.version, user=request.user)
            except EditConflict as conflict:
                form.add_error(None, f"{conflict.message} Reload the page to see their changes.")
                status = 409
            except DomainError as error:
                apply_error(form, error)
                status = 422
            else:
                if resubmit:
                    messages.success(request, "Draft updated and resubmitted: it is waiting for approval again.")
                else:
                    messages.success(request, "Draft updated.")
                return redirect("claims:review_detail", pk=review.pk)
        else:
            status = 422
    context = {
        "claim": claim,
        "form": form,
        "review": review,
        "history": _history(claim),
        "send_backs": review_send_backs(review),
    }
    return render(request, "claims/review_form.html", context, status=status)


@require_GET
@login_required
@permission_required("claims.view_review", raise_exception=True)
def review_queue(request: HttpRequest) -> HttpResponse:
    """Drafts waiting for a second person, then the latest published verdicts."""
    base = Review.objects.select_related(
        "claim__speaker", "claim__story__outlet", "reviewer", "approved_by", "returned_by"
    )
    drafts = base.filter(approved_by__isnull=True, withdrawn_at__isnull=True)
    waiting = drafts.filter(returned_at__isnull=True).order_by("created_at", "pk")
    returned = drafts.filter(returned_at__isnull=False).order_by("-returned_at", "-pk")
    published = base.filter(is_published=True).order_by("-published_at", "-pk")
    context = {
        "waiting": paginate(request, waiting, param="waiting_page", per_page=PER_PAGE),
        "returned": paginate(request, returned, param="returned_page", per_page=PER_PAGE),
        "published": paginate(request, published, per_page=PER_PAGE),
        "mine_waiting": waiting.filter(~Q(reviewer=request.user)).count()
        if request.user.has_perm("claims.approve_review")
        else 0,
    }
    return render(request, "claims/reviews.html", context)


@require_GET
@login_required
def how_we_rate(request: HttpRequest) -> HttpResponse:
    """The rating scale, from claims.ratings (the same scale the ClaimReview JSON-LD uses)."""
    context = {"scale": SCALE, "best": BEST, "worst": WORST, "queue_url": reverse("claims:review_queue")}
    return render(request, "claims/how_we_rate.html", context)


urlpatterns = [
    path("how-we-rate/", how_we_rate, name="how_we_rate"),
    path("reviews/", review_queue, name="review_queue"),
    path("claims/<int:claim_id>/reviews/new/", review_new, name="review_new"),
    path("reviews/<int:pk>/", review_detail, name="review_detail"),
    path("reviews/<int:pk>/edit/", review_edit, name="review_edit"),
]
