"""The claim assistant in the story reader: the "Suggestions" panel, accept and dismiss.

The reader's ``<section id="suggestions">`` loads the panel with htmx (and links to it as a page
without JavaScript). Each suggestion carries its offsets for static/js/suggestions.js, which
marks the spans in the story text. Accepting logs the claim with everything prefilled and opens
it for editing; dismissing is remembered for the story. Both act on the suggestion's fingerprint
only: the server runs the assistant again and never trusts offsets or fields from the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from claims.extraction import DISPUTE_CONFIDENCE, STATEMENT_CONFIDENCE
from claims.extraction.offers import (
    Offer,
    SuggestionNotOffered,
    suggestion_accept,
    suggestion_dismiss,
    suggestions_offered,
)
from claims.models import Figure
from core.errors import DomainError
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


def _render_panel(request: HttpRequest, offer: Offer, *, status: int = 200, error: str | None = None) -> HttpResponse:
    context = {
        "story": offer.story,
        "offer": offer,
        "items": _items(offer),
        "can_act": request.user.has_perm("claims.add_claim"),
        "error": error,
    }
    template = "claims/_suggestions.html" if request.htmx else "claims/suggestions.html"
    return render(request, template, context, status=status)


@require_GET
@login_required
@permission_required(["sources.view_story", "claims.view_claim"], raise_exception=True)
def story_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel (htmx) or a page of its own (no JavaScript): suggestions in text order."""
    story = _story(pk)
    return _render_panel(request, suggestions_offered(story))


@require_POST
@login_required
@permission_required("claims.add_claim", raise_exception=True)
def suggestion_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Log the suggestion as a claim and open it for editing. An unknown suggestion: 409."""
    story = _story(pk)
    try:
        claim = suggestion_accept(story=story, fingerprint=request.POST.get("fingerprint", ""), user=request.user)
    except DomainError as error:
        status = 409 if isinstance(error, SuggestionNotOffered) else 422
        return _render_panel(request, suggestions_offered(story), status=status, error=error.message)
    edit_url = reverse("claims:claim_edit", args=[claim.pk])
    if request.htmx:
        return HttpResponseClientRedirect(edit_url)
    messages.success(request, f"Claim logged from a suggestion: {claim}")
    return redirect(edit_url)


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


urlpatterns = [
    path("stories/<int:pk>/suggestions/", story_suggestions, name="story_suggestions"),
    path("stories/<int:pk>/suggestions/accept/", suggestion_accept_view, name="suggestion_accept"),
    path("stories/<int:pk>/suggestions/dismiss/", suggestion_dismiss_view, name="suggestion_dismiss"),
]
