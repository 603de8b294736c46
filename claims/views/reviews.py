"""Reviews: a fact-checker drafts a verdict, a second person approves and publishes it; "How we rate"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.forms_reviews import ReviewForm
from claims.models import Claim, Review
from claims.ratings import BEST, SCALE, WORST
from claims.reviewing import review_approve, review_draft, review_update
from claims.views.common import paginate, posted_number
from claims.views.people import PER_PAGE
from core.errors import DomainError
from core.versioning import EditConflict


def _apply_error(form: ReviewForm, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _claim_for_review(claim_id: int) -> Claim:
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
    claim = _claim_for_review(claim_id)
    supersedes = None
    raw = request.POST.get("supersedes") or request.GET.get("supersedes")
    if raw:
        if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
            return render(request, "claims/review_form.html", {"claim": claim, "error": "Unknown review."}, status=422)
        supersedes = Review.objects.filter(pk=int(raw), claim=claim).first()
        if supersedes is None:
            return render(
                request,
                "claims/review_form.html",
                {"claim": claim, "error": "There is no such review of this claim to correct."},
                status=422,
            )
    initial = {"rating": supersedes.rating, "evidence": "\n".join(supersedes.evidence)} if supersedes else {}
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
                _apply_error(form, error)
            else:
                messages.success(request, "Draft saved. A second person must approve it before it is published.")
                return redirect("claims:review_detail", pk=review.pk)
        status = 422
    context = {"claim": claim, "form": form, "supersedes": supersedes, "history": _history(claim)}
    return render(request, "claims/review_form.html", context, status=status)


@require_GET
@login_required
@permission_required("claims.view_review", raise_exception=True)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.select_related("claim", "reviewer", "approved_by"), pk=pk)
    claim = _claim_for_review(review.claim_id)
    user = request.user
    context = {
        "review": review,
        "claim": claim,
        "history": _history(claim),
        "can_approve": (
            user.has_perm("claims.approve_review")
            and review.reviewer_id != user.pk
            and not review.approved_by_id
            and review.withdrawn_at is None
        ),
        "can_edit": user.has_perm("claims.change_review")
        and review.reviewer_id == user.pk
        and not review.approved_by_id,
        "can_correct": user.has_perm("claims.add_review")
        and review.is_published
        and not Review.objects.filter(supersedes=review).exists(),
    }
    return render(request, "claims/review_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("claims.change_review", raise_exception=True)
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer changes their draft (refused on a stale version, or once approved)."""
    review = get_object_or_404(Review, pk=pk)
    if review.reviewer_id != request.user.pk:
        raise PermissionDenied("Only the reviewer who wrote this draft can change it.")
    claim = _claim_for_review(review.claim_id)
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
            try:
                review_update(
                    review=review,
                    expected_version=form.cleaned_data["version"] or 0,
                    user=request.user,
                    rating=form.cleaned_data["rating"],
                    reasoning=form.cleaned_data["reasoning"],
                    evidence=form.links(),
                )
            except EditConflict as conflict:
                form.add_error(None, f"{conflict.message} Reload the page to see their changes.")
                status = 409
            except DomainError as error:
                _apply_error(form, error)
                status = 422
            else:
                messages.success(request, "Draft updated.")
                return redirect("claims:review_detail", pk=review.pk)
        else:
            status = 422
    context = {"claim": claim, "form": form, "review": review, "history": _history(claim)}
    return render(request, "claims/review_form.html", context, status=status)


@require_POST
@login_required
@permission_required("claims.approve_review", raise_exception=True)
def review_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A second person approves a draft, which publishes it."""
    review = get_object_or_404(Review, pk=pk)
    version = posted_number(request, "version") or 0
    try:
        review_approve(review=review, expected_version=version, approver=request.user)
    except EditConflict as conflict:
        messages.error(request, f"{conflict.message} Read it again before approving.")
        return redirect("claims:review_detail", pk=review.pk)
    except DomainError as error:
        if review.reviewer_id == request.user.pk:
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
        return redirect("claims:review_detail", pk=review.pk)
    messages.success(request, "Approved and published.")
    return redirect("claims:review_detail", pk=review.pk)


@require_GET
@login_required
@permission_required("claims.view_review", raise_exception=True)
def review_queue(request: HttpRequest) -> HttpResponse:
    """Drafts waiting for a second person, then the latest published verdicts."""
    base = Review.objects.select_related("claim__speaker", "claim__story__outlet", "reviewer", "approved_by")
    waiting = base.filter(approved_by__isnull=True, withdrawn_at__isnull=True).order_by("created_at", "pk")
    published = base.filter(is_published=True).order_by("-published_at", "-pk")
    context = {
        "waiting": paginate(request, waiting, param="waiting_page", per_page=PER_PAGE),
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
    path("reviews/<int:pk>/approve/", review_approve_view, name="review_approve"),
]
