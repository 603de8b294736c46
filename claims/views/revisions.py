"""A story's revisions (wire updates): the word diff, and the claims to re-anchor or keep."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from claims.models import Claim
from claims.reanchoring import attention_items, claim_anchor_confirm, claim_reanchor
from claims.views.common import posted_number
from core.diffing import word_diff
from core.errors import DomainError
from core.numbers import whole_number
from core.versioning import EditConflict
from sources.models import Story, StoryRevision


@require_GET
@login_required
@permission_required("sources.view_story", raise_exception=True)
def story_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    """A story's revisions, the word diff of one against the one before, and the claims that need an
    editor's decision after a wire update."""
    return _revisions_page(request, pk)


def _revisions_page(request: HttpRequest, pk: int, status: int = 200) -> HttpResponse:
    story = get_object_or_404(Story.objects.select_related("outlet", "current_revision"), pk=pk)
    revisions = list(
        StoryRevision.objects.filter(story=story)
        .select_related("created_by")
        .annotate(claim_count=Count("claims"))
        .order_by("-number")
        .defer("raw_html")
    )
    by_number = {r.number: r for r in revisions}
    chosen = by_number.get(whole_number(request.GET.get("rev"))) or story.current_revision
    previous = by_number.get(chosen.number - 1) if chosen else None
    diff = word_diff(previous.body, chosen.body) if previous and chosen else []
    flagged = list(
        Claim.objects.filter(story=story, needs_reanchoring=True)
        .select_related("revision", "speaker")
        .order_by("start", "pk")
    )
    current = story.current_revision
    items = attention_items(flagged, current) if current and flagged else []
    disagreeing = list(Claim.objects.figures_disagree().filter(story=story).select_related("speaker").order_by("id"))
    context = {
        "story": story,
        "revisions": revisions,
        "chosen": chosen,
        "previous": previous,
        "diff": diff,
        "changed": any(part.op != "same" for part in diff),
        "items": items,
        "disagreeing": disagreeing,
        "can_reanchor": request.user.has_perm("claims.change_claim"),
    }
    return render(request, "sources/story_revisions.html", context, status=status)


def _flagged_claim(story_pk: int, claim_pk: int) -> Claim:
    return get_object_or_404(Claim.objects.select_related("story__current_revision"), pk=claim_pk, story_id=story_pk)


def _version(request: HttpRequest) -> int:
    return posted_number(request, "version") or 0  # none: refused as stale (409), like any wrong version


@require_POST
@login_required
@permission_required("claims.change_claim", raise_exception=True)
def claim_reanchor_view(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    """Anchor a flagged claim to the words the editor chose in the current text."""
    claim = _flagged_claim(pk, claim_pk)
    quote = request.POST.get("quote", "")
    hint = posted_number(request, "start")
    target = reverse("claims:story_revisions", args=[pk])
    try:
        claim_reanchor(claim=claim, expected_version=_version(request), quote=quote, start_hint=hint)
    except EditConflict as conflict:
        messages.error(request, f"{conflict.message} Nothing was changed; look again.")
        return _revisions_page(request, pk, 409)
    except DomainError as error:
        messages.error(request, f"Claim {claim.pk} was not re-anchored: {error.message}")
        return _revisions_page(request, pk, 422)
    if claim.figures_disagree:
        messages.warning(
            request,
            f"Claim {claim.pk} is anchored to the new text, whose numbers differ from its figures: "
            "decide on its page (listed below).",
        )
    else:
        messages.success(request, f"Claim {claim.pk} is anchored to the new text.")
    return redirect(target)


@require_POST
@login_required
@permission_required("claims.change_claim", raise_exception=True)
def claim_keep_anchor_view(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    """Confirm a flagged claim stands on the old revision's words."""
    claim = _flagged_claim(pk, claim_pk)
    target = reverse("claims:story_revisions", args=[pk])
    try:
        claim_anchor_confirm(claim=claim, expected_version=_version(request))
    except EditConflict as conflict:
        messages.error(request, f"{conflict.message} Nothing was changed; look again.")
        return _revisions_page(request, pk, 409)
    except DomainError as error:
        messages.error(request, error.message)
        return _revisions_page(request, pk, 422)
    messages.success(request, f"Claim {claim.pk} stays on revision {claim.revision.number}'s words.")
    return redirect(target)


urlpatterns = [
    path("stories/<int:pk>/revisions/", story_revisions, name="story_revisions"),
    path("stories/<int:pk>/revisions/claims/<int:claim_pk>/reanchor/", claim_reanchor_view, name="claim_reanchor"),
    path("stories/<int:pk>/revisions/claims/<int:claim_pk>/keep/", claim_keep_anchor_view, name="claim_keep_anchor"),
]
