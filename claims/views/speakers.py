"""Creating a speaker the desk does not know, inline: from a suggestion whose speaker the
assistant proposes as a new actor ("Create actor '…' (side)"), and from the log form.

Both ask ``claims.models.actors.actors_like`` first and show "Did you mean …" with the actors
the name may duplicate, each with "Use this one"; creating anyway needs the editor to say it is a
different actor. The actor is written by ``claims.services.actor_create`` (history kept), with the
words as the story wrote them as an alias, and becomes the claim's speaker.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget

from claims.extraction.offers import FINGERPRINT, SuggestionNotOffered, suggestion_accept, suggestions_offered
from claims.forms import ActorCreateForm
from claims.views.common import claim_logged_message
from claims.views.new_actors import actor_chosen_or_created, check_duplicates
from claims.views.suggestions import _render_panel, _story
from core.errors import DomainError


def _render_form(
    request: HttpRequest, story, form: ActorCreateForm, fingerprint: str, *, status: int, error: str = ""
) -> HttpResponse:
    template = "claims/_suggestion_actor.html" if request.htmx else "claims/suggestion_actor.html"
    context = {"story": story, "actor_form": form, "fingerprint": fingerprint, "error": error}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(["claims.add_claim", "claims.add_actor"], raise_exception=True)
def suggestion_actor(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form for the speaker a suggestion proposes as new, filled as proposed, with the
    duplicate check's answer. POST: create the actor (or use the existing one picked) and log the
    suggestion with it as the speaker, in one transaction; the editor stays in the reader, as after
    "Accept". A suggestion no longer offered: 409 (404 for GET), nothing written."""
    story = _story(pk)
    posted = request.method == "POST"
    fingerprint = (request.POST if posted else request.GET).get("fingerprint", "")
    candidate = suggestions_offered(story).find(fingerprint) if FINGERPRINT.match(fingerprint) else None
    auto_id = f"actor-{fingerprint[:12]}-%s"
    if candidate is None or not candidate.proposed_actor:
        message = (
            "That suggestion is no longer offered with a new speaker: it was logged or dismissed, or the text changed."
        )
        return _render_form(request, story, None, fingerprint, status=409 if posted else 404, error=message)
    if not posted:
        form = check_duplicates(ActorCreateForm.proposed(candidate.proposed_actor, candidate.speaker, auto_id=auto_id))
        return _render_form(request, story, form, fingerprint, status=200)
    form = ActorCreateForm(request.POST, auto_id=auto_id)
    status, claim = 422, None
    with transaction.atomic():
        actor = actor_chosen_or_created(form, request.POST)
        if actor is not None:
            try:
                claim = suggestion_accept(story=story, fingerprint=fingerprint, user=request.user, speaker=actor)
            except DomainError as error:
                transaction.set_rollback(True)  # the new actor goes too: nothing written
                form.add_error(None, error.message)
                status = 409 if isinstance(error, SuggestionNotOffered) else 422
    if claim is None:
        return _render_form(request, story, form, fingerprint, status=status)
    if request.htmx:
        response = _render_panel(request, suggestions_offered(story), logged=claim, text_changed=True)
        return reswap(retarget(response, "#suggestions"), "innerHTML")
    claim_logged_message(request, claim, f"Claim logged from a suggestion, with {claim.speaker} as its speaker")
    return redirect(f"{reverse('claims:story_suggestions', args=[story.pk])}?logged={claim.pk}")


urlpatterns = [
    path("stories/<int:pk>/suggestions/actor/", suggestion_actor, name="suggestion_actor"),
]
