"""Publishing and unpublishing claims and disputes, and withdrawing a claim logged in error.

Each form carries the version the editor saw; a stale one changes nothing and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.decorators.http import require_POST

from claims import services
from claims.forms import ClaimWithdrawForm, VersionForm
from claims.models import Claim, Dispute
from claims.views.claim_pages import detail_page
from core.errors import DomainError
from core.versioning import EditConflict


def publish_toggle(
    request: HttpRequest, obj: Claim | Dispute, publish_service: Callable[..., Any], *, published: str, unpublished: str
) -> HttpResponse:
    """Publish or unpublish ``obj`` with ``publish_service`` (already bound to it) from a form
    carrying the version the editor saw."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        return HttpResponse("The form is missing the version you saw.", status=422)
    publish = request.POST.get("publish") == "1"
    try:
        publish_service(expected_version=form.cleaned_data["version"], publish=publish)
    except EditConflict as conflict:
        messages.error(request, f"{conflict.message} Nothing was changed: look again and retry.")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, published if publish else unpublished)
    return redirect(obj)


@require_POST
@login_required
@permission_required("claims.publish_claim", raise_exception=True)
def claim_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    return publish_toggle(
        request,
        claim,
        partial(services.claim_publish, claim=claim),
        published="Claim published.",
        unpublished="Claim unpublished.",
    )


@require_POST
@login_required
@permission_required("claims.publish_dispute", raise_exception=True)
def dispute_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(Dispute, pk=pk)
    return publish_toggle(
        request,
        dispute,
        partial(services.dispute_publish, dispute=dispute),
        published="Dispute published.",
        unpublished="Dispute unpublished: partners no longer see it.",
    )


@require_POST
@login_required
@permission_required("claims.publish_claim", raise_exception=True)
def claim_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    form = ClaimWithdrawForm(request.POST, auto_id="withdraw_%s")
    if form.is_valid():
        try:
            services.claim_withdraw(
                claim=claim,
                expected_version=form.cleaned_data["version"],
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except EditConflict as conflict:
            messages.error(request, f"{conflict.message} The claim was not withdrawn: look again and retry.")
            return redirect(claim)
        except DomainError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
    if not form.is_valid():
        return detail_page(request, pk, status=422, withdraw_form=form)
    messages.success(request, "Claim withdrawn. It stays in the record, hidden from partners.")
    return redirect(claim)


urlpatterns = [
    path("claims/<int:pk>/publish/", claim_publish_view, name="claim_publish"),
    path("claims/<int:pk>/withdraw/", claim_withdraw_view, name="claim_withdraw"),
    path("disputes/<int:pk>/publish/", dispute_publish_view, name="dispute_publish"),
]
