"""The claim assistant in the story reader: the "Suggestions" panel, accept and dismiss.

The reader's ``<section id="suggestions">`` loads the panel with htmx (and links to it as a page
without JavaScript). Each suggestion carries its offsets for static/js/suggestions.js, which
marks the spans in the story text. Accepting logs the claim with everything prefilled and keeps
the editor in the reader ("Logged", with an undo that withdraws it as "undone"); dismissing is
remembered for the story (with history) and can be undone from the list of dismissed suggestions.
Each acts on the suggestion's fingerprint only: the server runs the assistant again and never
trusts offsets or fields from the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from claims.extraction import DISPUTE_CONFIDENCE, STATEMENT_CONFIDENCE
from claims.extraction.offers import (
    Offer,
    SuggestionNotOffered,
    suggestion_accept,
    suggestion_dismiss,
    suggestion_restore,
    suggestion_undo,
    suggestions_offered,
)
from claims.models import Claim, Figure
from claims.views.common import claim_logged_message, posted_number
from claims.views.stories import reader_context
from core.errors import DomainError
from core.numbers import whole_number
from core.versioning import EditConflict
from sources.models import Story

KIND_LABELS = {
    "statement": "Statement",
    "figure": "Figure",
    "denial": "Denial",
    "accusation": "Accusation",
    "assertion": "Outlet's assertion",
}


def _story(pk: int) -> Story:
    return get_object_or_404(Story.objects.select_related("outlet", "current_revision"), pk=pk)


def _bounds(low: int | None, high: int | None) -> str:
    if low is not None and low == high:
        return f"{low:,}"
    if high is None:
        return f"{low:,} or more"
    if low is None:
        return f"up to {high:,}"
    return f"{low:,} to {high:,}"


def _items(offer: Offer) -> list[dict[str, Any]]:
    items = []
    for candidate in offer.suggestions:
        statement = candidate.statement_matches[0] if candidate.statement_matches else None
        dispute = candidate.dispute_matches[0] if candidate.dispute_matches else None
        items.append(
            {
                "candidate": candidate,
                "fingerprint": candidate.fingerprint,
                "anchor": f"suggestion-{candidate.fingerprint[:12]}",
                "kind_label": KIND_LABELS.get(candidate.kind, candidate.kind),
                "figures": [
                    {
                        "raw": f.raw,
                        "measure": Figure.Measure(f.measure).label.lower(),
                        "counted": Figure.Counted(f.counted).label.lower(),
                        "whose": f.whose,
                        "bounds": _bounds(f.low, f.high),
                        "approximate": f.approximate,
                        "increment": f.tally == "increment",
                        "part_of": candidate.figures[f.part_of].raw if f.part_of is not None else None,
                    }
                    for f in candidate.figures
                ],
                "statement": statement if statement and statement["score"] >= STATEMENT_CONFIDENCE else None,
                "dispute": dispute if dispute and dispute["score"] >= DISPUTE_CONFIDENCE else None,
            }
        )
    return items


def _logged(story: Story, raw_id: str | None) -> Claim | None:
    """The claim just logged from a suggestion of this story (for its "Logged" notice), if still active."""
    claim_id = whole_number(raw_id, digits=18)
    if claim_id is None:
        return None
    return Claim.objects.active().filter(pk=claim_id, story=story, from_suggestion=True).first()


def _render_panel(
    request: HttpRequest,
    offer: Offer,
    *,
    status: int = 200,
    error: str | None = None,
    logged: Claim | None = None,
    undone: bool = False,
    text_changed: bool = False,
) -> HttpResponse:
    """The panel; after a claim was logged or undone with htmx, the story text and claim list too
    (out of band), so the editor stays in the reader and sees the change."""
    context: dict[str, Any] = {
        "story": offer.story,
        "offer": offer,
        "items": _items(offer),
        "can_act": request.user.has_perm("claims.add_claim"),
        "can_create_actor": request.user.has_perms(["claims.add_claim", "claims.add_actor"]),
        "can_undo": request.user.has_perm("claims.publish_claim"),
        "error": error,
        "logged": logged,
        "undone": undone,
        "show_dismissed": request.GET.get("dismissed") == "1" or request.POST.get("dismissed") == "1",
        "dismissed_items": [
            {"candidate": c, "fingerprint": c.fingerprint, "kind_label": KIND_LABELS.get(c.kind, c.kind)}
            for c in offer.dismissed_suggestions
        ],
    }
    if request.htmx and text_changed:
        offer.story.refresh_from_db()
        context = {**reader_context(request, offer.story), **context}
        return render(request, "claims/_suggestions_changed.html", context, status=status)
    template = "claims/_suggestions.html" if request.htmx else "claims/suggestions.html"
    return render(request, template, context, status=status)


@require_GET
@login_required
@permission_required(["sources.view_story", "claims.view_claim"], raise_exception=True)
def story_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel (htmx) or a page of its own (no JavaScript): suggestions in text order; with
    ``?dismissed=1`` the dismissed ones too, each with "Restore"."""
    story = _story(pk)
    return _render_panel(request, suggestions_offered(story), logged=_logged(story, request.GET.get("logged")))


@require_POST
@login_required
@permission_required("claims.add_claim", raise_exception=True)
def suggestion_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Log the suggestion as a claim, every figure with it. The editor stays in the reader: the
    panel comes back saying "Logged", with an undo, and the text shows the new highlight. Without
    JavaScript, the suggestions page says the same. An unknown suggestion: 409."""
    story = _story(pk)
    try:
        claim = suggestion_accept(story=story, fingerprint=request.POST.get("fingerprint", ""), user=request.user)
    except DomainError as error:
        status = 409 if isinstance(error, SuggestionNotOffered) else 422
        return _render_panel(request, suggestions_offered(story), status=status, error=error.message)
    if request.htmx:
        return _render_panel(request, suggestions_offered(story), logged=claim, text_changed=True)
    claim_logged_message(request, claim, "Claim logged from a suggestion")
    return redirect(f"{reverse('claims:story_suggestions', args=[story.pk])}?logged={claim.pk}")


@require_POST
@login_required
@permission_required(["claims.add_claim", "claims.publish_claim"], raise_exception=True)
def suggestion_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo an accepted suggestion: its claim is withdrawn with the reason "undone" (kept, with its
    history) and the suggestion is offered again. A stale version: 409, nothing changed."""
    story = _story(pk)
    claim_id, version = posted_number(request, "claim"), posted_number(request, "version")
    try:
        if claim_id is None or version is None:
            raise DomainError("Say which claim to undo, and its version.", field="claim")
        suggestion_undo(story=story, claim_id=claim_id, expected_version=version, user=request.user)
    except DomainError as error:
        status = 409 if isinstance(error, EditConflict) else 422
        return _render_panel(request, suggestions_offered(story), status=status, error=error.message)
    if request.htmx:
        return _render_panel(request, suggestions_offered(story), undone=True, text_changed=True)
    messages.success(request, "Undone: the claim is withdrawn (reason “undone”) and the suggestion is offered again.")
    return redirect(reverse("claims:story_suggestions", args=[story.pk]))


@require_POST
@login_required
@permission_required("claims.add_claim", raise_exception=True)
def suggestion_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Dismiss the suggestion for this story; the panel comes back without it."""
    story = _story(pk)
    error = None
    status = 200
    try:
        suggestion_dismiss(story=story, fingerprint=request.POST.get("fingerprint", ""), user=request.user)
    except DomainError as exc:
        error, status = exc.message, 409 if isinstance(exc, SuggestionNotOffered) else 422
    if request.htmx or error:
        return _render_panel(request, suggestions_offered(story), status=status, error=error)
    messages.success(request, "Suggestion dismissed for this story.")
    return redirect(f"{reverse('claims:story_suggestions', args=[story.pk])}")


@require_POST
@login_required
@permission_required("claims.add_claim", raise_exception=True)
def suggestion_restore_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Offer a dismissed suggestion again (the dismissal stays in history). Not dismissed: 409."""
    story = _story(pk)
    error, status = None, 200
    try:
        suggestion_restore(story=story, fingerprint=request.POST.get("fingerprint", ""))
    except DomainError as exc:
        error, status = exc.message, 409
    if request.htmx or error:
        return _render_panel(request, suggestions_offered(story), status=status, error=error)
    messages.success(request, "Suggestion restored: it is offered again.")
    return redirect(f"{reverse('claims:story_suggestions', args=[story.pk])}?dismissed=1")


urlpatterns = [
    path("stories/<int:pk>/suggestions/", story_suggestions, name="story_suggestions"),
    path("stories/<int:pk>/suggestions/accept/", suggestion_accept_view, name="suggestion_accept"),
    path("stories/<int:pk>/suggestions/dismiss/", suggestion_dismiss_view, name="suggestion_dismiss"),
    path("stories/<int:pk>/suggestions/restore/", suggestion_restore_view, name="suggestion_restore"),
    path("stories/<int:pk>/suggestions/undo/", suggestion_undo_view, name="suggestion_undo"),
]
