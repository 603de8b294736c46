"""Correcting a claim on its page: its figures (add, change, remove, restore from history), its
places in disputes (add, change stance and blamed side, take out), and, after a revision, words that
no longer say what its figures do (update the figures, or log the new words as a revising claim).

Every form carries the version the editor saw; the services (claims.corrections) refuse a stale
one and nothing is overwritten silently. With htmx a form's answer is the page's corrections part,
with the history swapped out of band; without JavaScript it is a redirect to the page, or the whole
page again with the refused form (422) or the conflict (409) where the editor left it.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from claims import corrections
from claims.forms import FigureEditForm, PlacementAddForm, PlacementForm, RestoreForm, VersionForm
from claims.models import Claim, ClaimDispute, Dispute, Figure
from claims.services import DisputeLink, FigureInput
from claims.views.claim_pages import claim_for_page, detail_context, detail_page
from claims.views.claim_parts import NEW_FIGURE, figure_form, placement_add_form, scopes_for
from core.errors import DomainError
from core.versioning import EditConflict

STALE = "Nothing was changed; look at it again."


def _answer(request: HttpRequest, pk: int, *, status: int = 200, bound: dict | None = None, done: str = "") -> Any:
    """The answer to a correction: see the module's docstring."""
    if request.htmx:
        context = detail_context(request, claim_for_page(pk), bound={**(bound or {}), "done": done})
        html = render_to_string("claims/claim_detail.html#corrections", context, request)
        html += render_to_string("claims/claim_detail.html#history", {**context, "oob": True}, request)
        return HttpResponse(html, status=status)
    if status == 200:
        messages.success(request, done)
        return redirect(reverse("claims:claim_detail", args=[pk]) + "#corrections")
    return detail_page(request, pk, status=status, bound=bound or {})


def _refused(request: HttpRequest, pk: int, error: DomainError, bound: dict | None = None) -> Any:
    """A correction the services refused: 409 for a stale version, 422 for a rule it breaks."""
    status = 409 if isinstance(error, EditConflict) else 422
    message = f"{error.message} {STALE}" if status == 409 else error.message
    return _answer(request, pk, status=status, bound={**(bound or {}), "error": message})


# --- Figures -----------------------------------------------------------------------------------


def _figure_input(data: dict[str, Any], scope: Any) -> FigureInput:
    return FigureInput(
        measure=data["measure"],
        value=data["value"],
        qualifier=data["qualifier"],
        counted=data["counted"],
        whose=data.get("whose"),
        scope=scope,
        tally=data["tally"],
        raw=data.get("raw") or "",
        as_of=data.get("as_of"),
    )


def _save_figure(request: HttpRequest, claim: Claim, form: FigureEditForm, figure: Figure | None) -> Any:
    key = ("figure", figure.pk if figure else NEW_FIGURE)
    if not form.is_valid():
        return _answer(request, claim.pk, status=422, bound={key: form})
    data = form.cleaned_data
    if figure is not None and data.get("version") is None:
        form.add_error(None, "The form lost the version you opened: open the claim again.")
        return _answer(request, claim.pk, status=422, bound={key: form})
    if data["new_scope"] and not request.user.has_perm("claims.add_scope"):
        form.add_error("scope", "Your role may not make scopes: choose one of the list.")
        return _answer(request, claim.pk, status=422, bound={key: form})
    try:
        with transaction.atomic():
            scope = data["scope"]
            if data["new_scope"]:
                scope, _ = corrections.scope_create(
                    label=data["scope_label"],
                    kind=data["scope_kind"],
                    place=data.get("scope_place") or "",
                    start=data.get("scope_start"),
                    end=data.get("scope_end"),
                )
            if figure is None:
                corrections.figure_create(claim=claim, figure=_figure_input(data, scope))
            else:
                corrections.figure_update(
                    figure=figure, expected_version=data["version"], changes=_figure_input(data, scope)
                )
    except EditConflict as conflict:
        return _figure_conflict(request, claim, figure, form, conflict)
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _answer(request, claim.pk, status=422, bound={key: form})
    return _answer(request, claim.pk, done="Figure saved." if figure else "Figure added.")


def _figure_conflict(
    request: HttpRequest, claim: Claim, figure: Figure, form: FigureEditForm, conflict: EditConflict
) -> Any:
    """A stale figure edit: say what the figure is now; the editor's values stay in the form, which
    now carries the current version, so saving again replaces the other change knowingly."""
    current = Figure.objects.select_related("whose", "scope").filter(pk=figure.pk).first()
    if current is None:
        message = "Someone removed this figure since you opened it. Nothing was saved; restore it from the history."
        return _answer(request, claim.pk, status=409, bound={"error": message})
    data = request.POST.copy()
    data[f"{form.prefix}-version"] = str(current.version)
    again = figure_form(request, figure.pk, scopes_for(claim), data)
    again.is_valid()
    message = (
        f"{conflict.message} It now reads: {current.label}. Nothing was saved: your values are still in the "
        "form below; save again to replace the other change with yours, or cancel."
    )
    return _answer(request, claim.pk, status=409, bound={("figure", figure.pk): again, "error": message})


@require_POST
@login_required
@permission_required("claims.add_figure", raise_exception=True)
def figure_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.prefetch_related("figures__scope"), pk=pk)
    return _save_figure(request, claim, figure_form(request, NEW_FIGURE, scopes_for(claim), request.POST), None)


def _figure_or_gone(request: HttpRequest, pk: int, figure_pk: int) -> Figure | HttpResponse:
    """The claim's figure, or the answer when it is not there: 409 when someone removed it, 404
    when it never was this claim's."""
    figure = Figure.objects.select_related("claim").filter(pk=figure_pk, claim_id=pk).first()
    if figure is not None:
        return figure
    if not apps.get_model("claims", "FigureEvent").objects.filter(pgh_obj_id=figure_pk, claim_id=pk).exists():
        raise Http404("No such figure on this claim.")
    message = "Someone removed this figure since you opened the page. Nothing was changed; see the history."
    return _answer(request, pk, status=409, bound={"error": message})


@require_POST
@login_required
@permission_required("claims.change_figure", raise_exception=True)
def figure_change(request: HttpRequest, pk: int, figure_pk: int) -> HttpResponse:
    figure = _figure_or_gone(request, pk, figure_pk)
    if not isinstance(figure, Figure):
        return figure
    form = figure_form(request, figure.pk, scopes_for(figure.claim), request.POST)
    return _save_figure(request, figure.claim, form, figure)


@require_POST
@login_required
@permission_required("claims.delete_figure", raise_exception=True)
def figure_remove(request: HttpRequest, pk: int, figure_pk: int) -> HttpResponse:
    figure = _figure_or_gone(request, pk, figure_pk)
    if not isinstance(figure, Figure):
        return figure
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _answer(request, pk, status=422, bound={"error": "Say which version of the figure you saw."})
    try:
        corrections.figure_remove(figure=figure, expected_version=form.cleaned_data["version"])
    except DomainError as error:
        return _refused(request, pk, error)
    return _answer(request, pk, done="Figure removed. It stays in the history, where it can be restored.")


@require_POST
@login_required
@permission_required("claims.add_figure", raise_exception=True)
@permission_required("claims.change_figure", raise_exception=True)
def figure_restore(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    form = RestoreForm(request.POST)
    if not form.is_valid():
        return _answer(request, pk, status=422, bound={"error": "Say which version to restore, and the one you saw."})
    try:
        figure = corrections.figure_restore(
            claim=claim, event_id=form.cleaned_data["event"], expected_version=form.cleaned_data["version"]
        )
    except DomainError as error:
        return _refused(request, pk, error)
    return _answer(request, pk, done=f"Figure restored: {figure.label}.")


# --- Places in disputes --------------------------------------------------------------------------


@require_POST
@login_required
@permission_required("claims.add_claimdispute", raise_exception=True)
def placement_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.select_related("story", "speaker"), pk=pk)
    form: PlacementAddForm = placement_add_form(claim, request.POST)
    dispute = None
    if form.is_valid():
        dispute = Dispute.objects.active().filter(pk=form.cleaned_data["dispute"]).first()
    if dispute is None:
        if form.is_valid():
            form.add_error("dispute", "Choose a dispute.")
        return _answer(request, pk, status=422, bound={"placement_add": form})
    data = form.cleaned_data
    try:
        corrections.placement_add(claim=claim, link=DisputeLink(dispute, data["stance"], data.get("blames")))
    except DomainError as error:
        form.add_error("dispute" if error.field == "dispute" else None, error.message)
        return _answer(request, pk, status=422, bound={"placement_add": form})
    return _answer(request, pk, done=f"Placed in “{dispute.title}”.")


def _placement(pk: int, dispute_pk: int) -> ClaimDispute:
    return get_object_or_404(
        ClaimDispute.objects.select_related("claim", "dispute"), claim_id=pk, dispute_id=dispute_pk
    )


@require_POST
@login_required
@permission_required("claims.change_claimdispute", raise_exception=True)
def placement_change(request: HttpRequest, pk: int, dispute_pk: int) -> HttpResponse:
    placement = _placement(pk, dispute_pk)
    form = PlacementForm(request.POST, prefix=f"place-{dispute_pk}")
    bound = {("placement", dispute_pk): form}
    if not form.is_valid():
        return _answer(request, pk, status=422, bound=bound)
    data = form.cleaned_data
    try:
        corrections.placement_update(
            placement=placement, expected_version=data["version"], stance=data["stance"], blames=data.get("blames")
        )
    except DomainError as error:
        if isinstance(error, EditConflict) and error.current is not None:
            fresh = request.POST.copy()
            fresh[f"{form.prefix}-version"] = str(error.current.version)
            bound = {("placement", dispute_pk): PlacementForm(fresh, prefix=form.prefix)}
        return _refused(request, pk, error, bound)
    return _answer(request, pk, done=f"Saved how it sits in “{placement.dispute.title}”.")


@require_POST
@login_required
@permission_required("claims.delete_claimdispute", raise_exception=True)
def placement_remove(request: HttpRequest, pk: int, dispute_pk: int) -> HttpResponse:
    placement = _placement(pk, dispute_pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _answer(request, pk, status=422, bound={"error": "Say which version of the place you saw."})
    try:
        corrections.placement_remove(placement=placement, expected_version=form.cleaned_data["version"])
    except DomainError as error:
        return _refused(request, pk, error)
    return _answer(request, pk, done=f"Taken out of “{placement.dispute.title}”.")


# --- Words against figures -----------------------------------------------------------------------


@require_POST
@login_required
@permission_required("claims.add_figure", raise_exception=True)
@permission_required("claims.change_figure", raise_exception=True)
@permission_required("claims.delete_figure", raise_exception=True)
def words_update_figures(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the figures say what the claim's new words say."""
    claim = get_object_or_404(Claim, pk=pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _answer(request, pk, status=422, bound={"error": "Say which version of the claim you saw."})
    try:
        corrections.claim_figures_from_words(claim=claim, expected_version=form.cleaned_data["version"])
    except DomainError as error:
        return _refused(request, pk, error)
    return _answer(request, pk, done="The figures now say what the new words say.")


@require_POST
@login_required
@permission_required("claims.add_claim", raise_exception=True)
def words_log_revision(request: HttpRequest, pk: int) -> HttpResponse:
    """Log the new words as a new claim that revises this one, which goes back to its old words."""
    claim = get_object_or_404(Claim, pk=pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _answer(request, pk, status=422, bound={"error": "Say which version of the claim you saw."})
    try:
        revised = corrections.claim_log_revision(
            claim=claim, expected_version=form.cleaned_data["version"], author=request.user
        )
    except DomainError as error:
        return _refused(request, pk, error)
    messages.success(
        request, f"The new words are logged as this claim, which revises claim {claim.pk}; that one keeps its words."
    )
    return redirect(revised)


urlpatterns = [
    path("claims/<int:pk>/figures/", figure_add, name="claim_figure_add"),
    path("claims/<int:pk>/figures/<int:figure_pk>/", figure_change, name="claim_figure_change"),
    path("claims/<int:pk>/figures/<int:figure_pk>/remove/", figure_remove, name="claim_figure_remove"),
    path("claims/<int:pk>/figures/restore/", figure_restore, name="claim_figure_restore"),
    path("claims/<int:pk>/disputes/", placement_add, name="claim_placement_add"),
    path("claims/<int:pk>/disputes/<int:dispute_pk>/", placement_change, name="claim_placement_change"),
    path("claims/<int:pk>/disputes/<int:dispute_pk>/remove/", placement_remove, name="claim_placement_remove"),
    path("claims/<int:pk>/words/update-figures/", words_update_figures, name="claim_words_update_figures"),
    path("claims/<int:pk>/words/log-revision/", words_log_revision, name="claim_words_log_revision"),
]
