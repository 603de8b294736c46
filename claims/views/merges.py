"""Merging duplicate actors and disputes (review, confirm, undo)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.merging import MergeConflict, actor_merge, dispute_merge, merge_preview, merge_undo
from claims.models import Actor, Dispute, Merge
from claims.views.common import paginate
from claims.views.people import PER_PAGE
from core.errors import DomainError
from core.numbers import whole_number

DISPUTE_CANDIDATES = 200  # disputes offered in the merge picker: the most recently active


def _pick(model: type[Actor] | type[Dispute], raw: str | None) -> Actor | Dispute | None:
    """The record numbered ``raw``; for actors also the one actor a name or alias names."""
    pk = whole_number((raw or "").strip(), digits=18)
    if pk is not None:
        return model.objects.filter(pk=pk).first()
    if model is Actor and raw and raw.strip():
        named = list(Actor.objects.matching(raw.strip()[:300])[:2])
        return named[0] if len(named) == 1 else None
    return None


def _merge_page(request: HttpRequest, survivor: Actor | Dispute, kind: str, candidates: object) -> HttpResponse:
    """The merge review page (GET) and the merge itself (POST)."""
    duplicate = _pick(type(survivor), request.POST.get("duplicate") or request.GET.get("duplicate"))
    context = {"survivor": survivor, "kind": kind, "candidates": candidates, "duplicate": duplicate, "counts": {}}
    status = 200
    raw = request.POST.get("duplicate") or request.GET.get("duplicate")
    if raw and duplicate is None:
        context["error"] = (
            f"No single actor goes by “{raw[:60]}”: pick one from the suggestions, or give its number."
            if kind == "actor"
            else f"There is no {kind} numbered “{raw[:30]}”."
        )
        status = 422
    if duplicate is not None:
        context["counts"] = merge_preview(survivor=survivor, duplicate=duplicate)
    if request.method == "POST" and duplicate is not None:
        try:
            merger = actor_merge if kind == "actor" else dispute_merge
            merge = merger(survivor=survivor, duplicate=duplicate, user=request.user)
        except DomainError as error:
            context["error"] = error.message
            # 409 when the records changed under the request (a crossing merge won); 422 for a bad choice
            status = 409 if isinstance(error, MergeConflict) else 422
        else:
            moved = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in merge.moved_counts().items())
            messages.success(request, f"Merged {duplicate} into {survivor}: {moved or 'nothing else'} moved.")
            return redirect(survivor)
    elif request.method == "POST":
        context["error"] = context.get("error") or f"Choose the duplicate {kind} to merge."
        status = 422
    return render(request, "claims/merge_confirm.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("claims.merge_actor", raise_exception=True)
def actor_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Review, then confirm, merging a duplicate actor into this one."""
    survivor = get_object_or_404(Actor, pk=pk)
    # no list of candidates: the archive's actors are too many; a name is typed, with suggestions
    return _merge_page(request, survivor, "actor", None)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("claims.merge_dispute", raise_exception=True)
def dispute_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Review, then confirm, merging a duplicate dispute into this one."""
    survivor = get_object_or_404(Dispute, pk=pk)
    candidates = Dispute.objects.active().exclude(pk=pk).order_by("-activity__touched_at", "-id")[:DISPUTE_CANDIDATES]
    return _merge_page(request, survivor, "dispute", candidates)


@require_POST
@login_required
def merge_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_object_or_404(Merge, pk=pk)
    permission = "claims.merge_actor" if merge.kind == Merge.Kind.ACTOR else "claims.merge_dispute"
    if not request.user.has_perm(permission):
        raise PermissionDenied
    try:
        back = merge_undo(merge=merge, user=request.user)
    except DomainError as error:
        status = 409 if isinstance(error, MergeConflict) else 422
        return render(request, "claims/merge_list.html", _list_context(request, error.message), status=status)
    moved = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in back.items() if n)
    messages.success(
        request, f"Undid the merge of {merge.duplicate} into {merge.survivor}: {moved or 'nothing'} moved back."
    )
    return redirect(merge.duplicate)


def _list_context(request: HttpRequest, error: str = "") -> dict:
    merges = Merge.objects.select_related(
        "survivor_actor", "duplicate_actor", "survivor_dispute", "duplicate_dispute", "merged_by", "undone_by"
    )
    return {
        "merges": paginate(request, merges, per_page=PER_PAGE),
        "error": error,
        "can_merge_actors": request.user.has_perm("claims.merge_actor"),
        "can_merge_disputes": request.user.has_perm("claims.merge_dispute"),
    }


@require_GET
@login_required
@permission_required("claims.view_actor", raise_exception=True)
def merge_list(request: HttpRequest) -> HttpResponse:
    """Every merge, newest first, with undo for those who may."""
    return render(request, "claims/merge_list.html", _list_context(request))


urlpatterns = [
    path("actors/<int:pk>/merge/", actor_merge_view, name="actor_merge"),
    path("disputes/<int:pk>/merge/", dispute_merge_view, name="dispute_merge"),
    path("merges/", merge_list, name="merge_list"),
    path("merges/<int:pk>/undo/", merge_undo_view, name="merge_undo"),
]
