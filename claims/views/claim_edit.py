"""Editing a claim safely, and restoring an earlier version of it.

Editing carries the version the editor opened. A stale save is refused (core.versioning) and
the editor sees what changed since, field by field, with who changed it; they can merge (re-open
the form with their changes applied over the current claim) or overwrite deliberately. Nothing
is lost silently. The comparison itself is claims.conflicts; who may change which field is
claims.services.editable_claim_fields.
"""

from __future__ import annotations

from typing import Any

import pghistory
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from claims import services
from claims.conflicts import Values, changed_fields, conflict_rows, merge_edits, values_of
from claims.forms import ClaimEditForm, RestoreForm
from claims.models import Actor, Claim, Statement
from claims.services import CLAIM_EDITABLE_FIELDS, editable_claim_fields
from claims.views.common import posted_number
from core.errors import DomainError
from core.versioning import EditConflict

WITHDRAWN = "This claim was withdrawn; it can no longer be edited."


def claim_event_model() -> type[Model]:
    return apps.get_model("claims", "ClaimEvent")


# --- Reading what the comparison needs ---------------------------------------------------------


def snapshot(claim: Claim, version: int) -> Values | None:
    """The claim's editable fields as they were at ``version`` (from its history)."""
    event = claim_event_model().objects.filter(pgh_obj_id=claim.pk, version=version).order_by("-pgh_id").first()
    return values_of(event) if event else None


def changed_by_since(claim: Claim, version: int) -> list[dict[str, Any]]:
    """Who saved the claim after ``version``, and when."""
    events = list(
        claim_event_model()
        .objects.filter(pgh_obj_id=claim.pk, version__gt=version)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    ids = {e.pgh_context.metadata.get("user") for e in events if e.pgh_context_id}
    users = {u.pk: u.get_username() for u in get_user_model().objects.filter(pk__in=[i for i in ids if i])}
    return [
        {
            "version": e.version,
            "when": e.pgh_created_at,
            "user": users.get(e.pgh_context.metadata.get("user"), "the system") if e.pgh_context_id else "the system",
        }
        for e in events
    ]


def labels(values: Values) -> dict[str, str]:
    """The values as the conflict table shows them: names, not ids."""
    speaker = Actor.objects.filter(pk=values["speaker"]).first() if values["speaker"] else None
    statement = Statement.objects.filter(pk=values["statement"]).first() if values["statement"] else None
    mode, status = values["mode"], values["status"]
    return {
        "mode": Claim.Mode(mode).label if mode in Claim.Mode.values else mode,
        "speaker": speaker.name if speaker else "— (no speaker)",
        "said_on": values["said_on"].isoformat() if values["said_on"] else "—",
        "statement": str(statement) if statement else "—",
        "status": Claim.Status(status).label if status in Claim.Status.values else status,
    }


def as_changes(values: Values, names: list[str]) -> dict[str, Any]:
    """Field values as claim_update wants them (records, not ids)."""
    changes: dict[str, Any] = {}
    for name in names:
        value = values[name]
        if name == "speaker":
            value = Actor.objects.get(pk=value) if value else None
        elif name == "statement":
            value = Statement.objects.get(pk=value) if value else None
        changes[name] = value
    return changes


def _initial(values: Values, version: int) -> dict[str, Any]:
    speaker = Actor.objects.filter(pk=values["speaker"]).first() if values["speaker"] else None
    return {**values, "speaker": speaker.name if speaker else "", "version": version}


# --- Pages -------------------------------------------------------------------------------------


def _edit_page(request: HttpRequest, claim: Claim, form: ClaimEditForm, status: int = 200, **extra: Any):
    return render(request, "claims/claim_edit.html", {"claim": claim, "form": form, **extra}, status=status)


def _conflict_page(
    request: HttpRequest, form: ClaimEditForm, conflict: EditConflict, expected: int, mine: Values
) -> HttpResponse:
    fresh = conflict.current
    if fresh is None:
        return HttpResponse("This claim no longer exists.", status=410)
    rows = conflict_rows(base=snapshot(fresh, expected), current=values_of(fresh), mine=mine, labels=labels)
    return _edit_page(
        request,
        fresh,
        form,
        status=409,
        conflict=conflict,
        current_version=fresh.version,
        rows=rows,
        changed_by=changed_by_since(fresh, expected),
    )


@require_http_methods(["GET", "POST"])
@login_required
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a claim's speaker, mode, date, statement and status, refusing stale saves."""
    editable = editable_claim_fields(request.user)
    if not editable:
        raise PermissionDenied
    claim = get_object_or_404(Claim.objects.select_related("speaker", "story__outlet"), pk=pk)
    if claim.is_withdrawn:
        messages.error(request, WITHDRAWN)
        return redirect(claim)
    initial = ClaimEditForm.initial_for(claim)
    if request.method == "GET":
        return _edit_page(request, claim, ClaimEditForm(initial=initial, auto_id="edit_%s", editable=editable))

    form = ClaimEditForm(request.POST, initial=initial, auto_id="edit_%s", editable=editable)
    resolve = request.POST.get("resolve", "")
    expected = form.cleaned_data["version"] if form.is_valid() else None
    if expected is not None and resolve == "overwrite":
        expected = posted_number(request, "current_version")
        if expected is None:
            form.add_error(None, "Overwriting needs the version you were shown.")
    if not form.is_valid():
        return _edit_page(request, claim, form, status=422)
    mine, current = form.values(), values_of(claim)
    fields = [name for name in CLAIM_EDITABLE_FIELDS if name in editable]

    if resolve == "merge":
        # Re-open the form: the current claim with this editor's own changes applied over it.
        merged = merge_edits(base=snapshot(claim, expected) or current, current=current, mine=mine, fields=fields)
        merged_form = ClaimEditForm(
            initial=_initial(merged.values, claim.version), auto_id="edit_%s", editable=editable
        )
        return _edit_page(request, claim, merged_form, merged=True, both_changed=merged.both_changed)

    changes = changed_fields(current, mine, fields)
    if not changes and expected == claim.version:
        messages.info(request, "Nothing changed.")
        return redirect(claim)
    try:
        services.claim_update(claim=claim, expected_version=expected, author=request.user, **as_changes(mine, changes))
    except EditConflict as conflict:
        return _conflict_page(request, form, conflict, expected, mine)
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _edit_page(request, claim, form, status=422)
    messages.success(request, "Claim saved.")
    return redirect(claim)


@require_POST
@login_required
def claim_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Put back the edited fields of an earlier version, through claim_update (versioned, recorded).
    Restoring may change any of them, so it needs a role that may change them all."""
    if not editable_claim_fields(request.user) >= set(CLAIM_EDITABLE_FIELDS):
        raise PermissionDenied
    claim = get_object_or_404(Claim, pk=pk)
    form = RestoreForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Say which version to restore, and the version you saw.", status=422)
    event = claim_event_model().objects.filter(pgh_obj_id=claim.pk, pgh_id=form.cleaned_data["event"]).first()
    if event is None:
        return HttpResponse("That version is not in this claim's history.", status=404)
    if claim.is_withdrawn:
        messages.error(request, WITHDRAWN)
        return redirect(claim)
    old = values_of(event)
    changes = changed_fields(values_of(claim), old)
    if not changes:
        messages.info(request, f"Version {event.version} has the same values as now: nothing to restore.")
        return redirect(claim)
    try:
        with pghistory.context(action=f"version {event.version} restored"):
            services.claim_update(
                claim=claim,
                expected_version=form.cleaned_data["version"],
                author=request.user,
                **as_changes(old, changes),
            )
    except EditConflict as conflict:
        messages.error(request, f"{conflict.message} Nothing was restored: look at the history again.")
        return redirect(claim)
    except DomainError as error:
        messages.error(request, f"Version {event.version} cannot be restored: {error.message}")
        return redirect(claim)
    messages.success(request, f"Restored {', '.join(changes)} from version {event.version}.")
    return redirect(claim)


urlpatterns = [
    path("claims/<int:pk>/edit/", claim_edit, name="claim_edit"),
    path("claims/<int:pk>/restore/", claim_restore, name="claim_restore"),
]
