"""What the claim page shows for correcting a claim: a form per figure and per place in a dispute,
the forms to add one, and, when its words and figures disagree after a revision, what updating the
figures would do. The page (claim_pages) and the correction views (claim_corrections) share it;
a refused form comes back in ``bound`` and is shown with its errors, where it was."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from claims.corrections import figure_plan
from claims.forms import FigureEditForm, PlacementAddForm, PlacementForm
from claims.models import Claim, Scope, Side
from claims.views.stories import dispute_choice_lists

SCOPE_CHOICES_LIMIT = 500
NEW_FIGURE = "new"


def scopes_for(claim: Claim) -> list[Scope]:
    """The scopes a figure form offers: the first SCOPE_CHOICES_LIMIT by label, and those the
    claim's figures count over."""
    used = {f.scope for f in claim.figures.all() if f.scope_id}
    scopes = list(Scope.objects.order_by("label")[:SCOPE_CHOICES_LIMIT])
    return scopes + sorted(used - set(scopes), key=lambda s: s.label)


def figure_form(request: HttpRequest, key: Any, scopes: list[Scope], data: Any = None, **kwargs: Any) -> FigureEditForm:
    """The form for one figure (``key`` its id, or NEW_FIGURE)."""
    return FigureEditForm(
        data,
        prefix=f"figure-{key}",
        scopes=scopes,
        may_add_scope=request.user.has_perm("claims.add_scope"),
        **kwargs,
    )


def placement_add_form(claim: Claim, data: Any = None) -> PlacementAddForm:
    suggested, others = dispute_choice_lists(claim.story, speaker=claim.speaker, quote=claim.quote)
    placed = {p.dispute_id for p in claim.dispute_links.all()}
    return PlacementAddForm(
        data,
        prefix="place",
        suggested=[d for d in suggested if d.pk not in placed],
        others=[d for d in others if d.pk not in placed],
    )


def correction_context(request: HttpRequest, claim: Claim, bound: dict[Any, Any] | None = None) -> dict[str, Any]:
    """The forms for correcting ``claim``, as the user's role allows; ``bound`` replaces some by
    key: ("figure", id or NEW_FIGURE), ("placement", dispute id), "placement_add"."""
    bound = bound or {}
    user = request.user
    open_claim = not claim.is_withdrawn
    may = {
        action: open_claim and user.has_perm(f"claims.{action}")
        for action in (
            "add_figure",
            "change_figure",
            "delete_figure",
            "add_claimdispute",
            "change_claimdispute",
            "delete_claimdispute",
            "add_claim",
        )
    }
    figures = list(claim.figures.all())
    scopes = scopes_for(claim) if may["add_figure"] or may["change_figure"] else []
    figure_rows = [
        (f, bound.get(("figure", f.pk)) or figure_form(request, f.pk, scopes, initial=FigureEditForm.initial_for(f)))
        for f in figures
    ]
    placements = list(claim.dispute_links.all())
    placement_rows = [
        (
            p,
            bound.get(("placement", p.dispute_id))
            or PlacementForm(
                initial={"version": p.version, "stance": p.stance, "blames": p.blames_id},
                prefix=f"place-{p.dispute_id}",
            ),
        )
        for p in placements
    ]
    context: dict[str, Any] = {
        "may": may,
        "figure_rows": figure_rows if may["change_figure"] or may["delete_figure"] else [],
        "new_figure_form": (bound.get(("figure", NEW_FIGURE)) or figure_form(request, NEW_FIGURE, scopes))
        if may["add_figure"]
        else None,
        "placement_rows": placement_rows if may["change_claimdispute"] or may["delete_claimdispute"] else [],
        "placement_add_form": (bound.get("placement_add") or placement_add_form(claim))
        if may["add_claimdispute"]
        else None,
        "correction_error": bound.get("error"),
        "correction_done": bound.get("done"),
    }
    _share_side_choices(
        [form for _, form in figure_rows + placement_rows] + [context["new_figure_form"], context["placement_add_form"]]
    )
    if claim.figures_disagree and open_claim:
        context["plan"] = figure_plan(claim)
        context["may_resolve"] = may["add_figure"] and may["change_figure"] and may["delete_figure"]
    return context


def _share_side_choices(forms: list[Any]) -> None:
    """Read the sides once for every form on the page that offers them (whose, blames), rather
    than once per form."""
    forms = [form for form in forms if form is not None]
    if not forms:
        return
    choices = [("", "—"), *Side.objects.order_by("name").values_list("pk", "name")]
    for form in forms:
        for name in ("whose", "blames"):
            if name in form.fields:
                form.fields[name].choices = choices
