"""Creating a speaker inline, the part the suggestion panel (claims.views.speakers) and the log
form (claims.views.stories) share: the duplicate check, and the actor picked or created."""

from __future__ import annotations

from django.http import QueryDict

from claims import services
from claims.forms import ActorCreateForm
from claims.models import Actor
from claims.models.actors import actors_like
from core.errors import DomainError
from core.numbers import whole_number
from sources.services import PossibleDuplicate


def check_duplicates(form: ActorCreateForm) -> ActorCreateForm:
    """Run the duplicate check for the name and alias the (unbound) form shows."""
    form.matches = actors_like(form.initial.get("name") or "", form.initial.get("alias") or "")
    form.checked = True
    return form


def actor_chosen_or_created(form: ActorCreateForm, posted: QueryDict) -> Actor | None:
    """The actor the editor picked among the possible duplicates (``use_actor``), or the one created
    from the form (``claims.services.actor_create``); None, with the form's errors and its
    "Did you mean …" matches set, when neither."""
    form.is_valid()
    if "use_actor" in posted:
        actor_id = whole_number(posted.get("use_actor"), digits=18)
        actor = Actor.objects.active().filter(pk=actor_id).first() if actor_id else None
        if actor is None:
            form.add_error(None, "That actor is not on the desk (any more): choose another.")
        return actor
    if form.errors:
        return None
    data = form.cleaned_data
    try:
        actor = services.actor_create(
            name=data["name"],
            kind=data["kind"],
            side=data["side"],
            title=data["title"],
            aliases=[data["alias"]],
            not_a_duplicate=data["not_a_duplicate"],
        )
    except PossibleDuplicate as error:
        form.matches, form.checked = list(error.matches), True
        form.add_error(None, error.message)
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    else:
        return actor
    return None
