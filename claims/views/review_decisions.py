"""The second person's answers to a draft: approve it (after a confirm step that works without
JavaScript) or send it back to its reviewer with a comment; and the reviewer's resubmission."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from claims.forms_reviews import ApproveForm, SendBackForm
from claims.models import Review
from claims.reviewing import review_approve, review_resubmit, review_send_back
from claims.views.common import posted_number
from claims.views.reviews import NOT_PUBLIC_YET, apply_error, claim_is_visible, get_review, review_page_context
from core.errors import DomainError
from core.versioning import EditConflict


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("claims.approve_review", raise_exception=True)
def review_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirm step (GET), then the approval that publishes the draft (POST, ticked box)."""
    review = get_review(pk)
    if review.reviewer_id == request.user.pk:
        raise PermissionDenied("A review must be approved by a second person, not by its reviewer.")
    form = ApproveForm(request.POST or None, initial={"version": review.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                review_approve(review=review, expected_version=form.cleaned_data["version"], approver=request.user)
            except EditConflict as conflict:
                form.add_error(None, f"{conflict.message} Read it again before approving.")
                review = get_review(pk)
                form = _fresh(ApproveForm, form, review)
                status = 409
            except DomainError as error:
                form.add_error(None, error.message)
                status = 422
            else:
                if claim_is_visible(review.claim):
                    messages.success(request, "Approved and published.")
                else:
                    messages.warning(request, f"Approved. {NOT_PUBLIC_YET}")
                return redirect("claims:review_detail", pk=review.pk)
        else:
            status = 422
    context = review_page_context(request, review, approve_form=form)
    return render(request, "claims/review_approve.html", context, status=status)


@require_POST
@login_required
@permission_required("claims.approve_review", raise_exception=True)
def review_send_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The second person returns the draft to its reviewer with a comment."""
    review = get_review(pk)
    if review.reviewer_id == request.user.pk:
        raise PermissionDenied("A review must be sent back by a second person, not by its reviewer.")
    form = SendBackForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            review_send_back(
                review=review,
                expected_version=form.cleaned_data["version"],
                user=request.user,
                comment=form.cleaned_data["comment"],
            )
        except EditConflict as conflict:
            form.add_error(None, f"{conflict.message} Read it again before sending it back.")
            review = get_review(pk)
            form = _fresh(SendBackForm, form, review)
            status = 409
        except DomainError as error:
            apply_error(form, error)
        else:
            messages.success(request, f"Sent back to {review.reviewer.get_username()} with your comment.")
            return redirect("claims:review_detail", pk=review.pk)
    context = review_page_context(request, review, send_back_form=form)
    return render(request, "claims/review_detail.html", context, status=status)


@require_POST
@login_required
@permission_required("claims.change_review", raise_exception=True)
def review_resubmit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer puts a draft that was sent back in the queue again, as it is."""
    review = get_review(pk)
    if review.reviewer_id != request.user.pk:
        raise PermissionDenied("Only the reviewer who wrote this draft can resubmit it.")
    version = posted_number(request, "version") or 0
    try:
        review_resubmit(review=review, expected_version=version, user=request.user)
    except EditConflict as conflict:
        messages.error(request, f"{conflict.message} Read it again before resubmitting.")
        return redirect("claims:review_detail", pk=review.pk)
    except DomainError as error:
        context = review_page_context(request, review, send_back_form=None, page_error=error.message)
        return render(request, "claims/review_detail.html", context, status=422)
    messages.success(request, "Resubmitted: it is waiting for approval again.")
    return redirect("claims:review_detail", pk=review.pk)


def _fresh(form_class: type[forms.Form], stale: forms.Form, review: Review) -> forms.Form:
    """The form again for the current version, keeping what was typed and the conflict message."""
    data = stale.data.copy()
    data["version"] = str(review.version)
    form = form_class(data)
    form.is_valid()
    for error in stale.non_field_errors():
        form.add_error(None, error)
    return form


urlpatterns = [
    path("reviews/<int:pk>/approve/", review_approve_view, name="review_approve"),
    path("reviews/<int:pk>/send-back/", review_send_back_view, name="review_send_back"),
    path("reviews/<int:pk>/resubmit/", review_resubmit_view, name="review_resubmit"),
]
