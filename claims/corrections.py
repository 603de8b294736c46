"""Correcting a logged claim: its figures, its places in disputes, and its words against its figures
after a story's revision. The desk's claim page and the API both call these services.

- **Figures** are added, changed and removed one by one, each with its own ``version`` (a stale
  change is refused with ``EditConflict``). Bounds always come from the qualifier
  (``claims.figures.figure_bounds``, through ``services.figure_values``). A removed figure is
  deleted; django-pghistory keeps every version of it, and ``figure_restore`` puts any of them
  back, a removed one with its old ids.
- **Places in disputes**: a claim is put in a dispute, its stance and blamed side changed, or taken
  out, each place versioned like a figure.
- **Words and figures**: when an editor re-anchors a claim to a revision's words whose numbers
  differ from its figures ("at least 7" became "11"), the claim is flagged ``figures_disagree``
  (``Claim.objects.figures_disagree()`` lists them for the inbox) until an editor either updates
  the figures to the numbers read from the new words (``claim_figures_from_words``) or logs the new
  words as a new claim that revises the old one, which goes back to its old words
  (``claim_log_revision``). Both stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pghistory
from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from claims import services
from claims.extraction.figure_reading import ParsedFigure, read_figures
from claims.models import Claim, ClaimDispute, ClaimLink, Figure, Scope, Side
from claims.models.claims import figure_text
from claims.services import DisputeLink, FigureInput, figure_values
from core.errors import DomainError
from core.versioning import EditConflict, save_versioned

WITHDRAWN = "This claim was withdrawn; it can no longer be corrected."
# A figure's fields an editor sets (its bounds follow from the qualifier).
FIGURE_FIELDS = ("measure", "counted", "whose", "scope", "tally", "qualifier", "value", "raw", "as_of")


def _open(claim: Claim) -> None:
    if claim.is_withdrawn:
        raise DomainError(WITHDRAWN)


def figure_event_model() -> Any:
    return apps.get_model("claims", "FigureEvent")


# --- Figures -----------------------------------------------------------------------------------


def figure_input_of(figure: Figure, **changes: Any) -> FigureInput:
    """A figure's editable fields as a FigureInput, with ``changes`` over them (a partial update)."""
    values = {name: getattr(figure, name) for name in FIGURE_FIELDS}
    return FigureInput(**{**values, **changes})


@transaction.atomic
def figure_create(*, claim: Claim, figure: FigureInput) -> Figure:
    """Add a figure to a logged claim."""
    _open(claim)
    created = services.figure_add(claim=claim, figure=figure)
    _recheck(claim)
    return created


@transaction.atomic
def figure_update(*, figure: Figure, expected_version: int, changes: FigureInput) -> Figure:
    """Change every editable field of a figure to ``changes``; refuses a stale version."""
    _open(figure.claim)
    for name, value in figure_values(changes).items():
        setattr(figure, name, value)
    save_versioned(figure, expected_version=expected_version, fields=[*FIGURE_FIELDS, "low", "high", "approximate"])
    _recheck(figure.claim)
    return figure


@transaction.atomic
def figure_remove(*, figure: Figure, expected_version: int) -> None:
    """Remove a figure. Its history keeps it; ``figure_restore`` brings it back."""
    _open(figure.claim)
    if not Figure.objects.filter(pk=figure.pk, version=expected_version).delete()[0]:
        raise EditConflict(figure, expected_version, Figure.objects.filter(pk=figure.pk).first())
    _recheck(figure.claim)


# Why the claim page's history says a change was made: a figure brought back, and the two ways a
# disagreement between words and figures is resolved.
RESTORED = "restored from the history"
FIGURES_FROM_WORDS = "resolved: the figures updated to the new words"
LOGGED_AS_REVISION = "resolved: the new words logged as a revising claim"


@transaction.atomic
def figure_restore(*, claim: Claim, event_id: int, expected_version: int) -> Figure:
    """Put a figure of ``claim`` back as one of its history events holds it: a changed figure gets
    those values again (versioned), a removed one comes back with its old ids."""
    _open(claim)
    event = figure_event_model().objects.filter(pgh_id=event_id, claim_id=claim.pk).first()
    if event is None:
        raise DomainError("That version is not in this claim's history.", field="event")
    with pghistory.context(action=RESTORED):
        return _figure_put_back(claim, event, expected_version)


def _figure_put_back(claim: Claim, event: Any, expected_version: int) -> Figure:
    for name, model in (("whose", Side), ("scope", Scope)):
        pk = getattr(event, f"{name}_id")
        if pk is not None and not model.objects.filter(pk=pk).exists():
            raise DomainError(f"The {name} it had no longer exists.", field=name)
    old = FigureInput(**{name: getattr(event, name) for name in FIGURE_FIELDS})
    current = Figure.objects.select_for_update().filter(pk=event.pgh_obj_id).first()
    if current is not None:
        return figure_update(figure=current, expected_version=expected_version, changes=old)
    history = figure_event_model().objects.filter(pgh_obj_id=event.pgh_obj_id)
    last = history.order_by("-pgh_id").first()
    if last.version != expected_version:
        raise EditConflict(Figure(pk=event.pgh_obj_id), expected_version, None)
    figure = Figure(
        pk=event.pgh_obj_id,
        public_id=event.public_id,
        claim=claim,
        version=(history.aggregate(top=Max("version"))["top"] or 0) + 1,
        **figure_values(old),
    )
    try:
        with transaction.atomic():
            figure.save(force_insert=True)
    except IntegrityError:  # restored by someone else meanwhile
        raise EditConflict(figure, expected_version, Figure.objects.filter(pk=figure.pk).first()) from None
    _recheck(claim)
    return figure


@transaction.atomic
def scope_create(
    *, label: str, kind: str = Scope.Kind.PERIOD, place: str = "", start: date | None = None, end: date | None = None
) -> tuple[Scope, bool]:
    """A scope for figures to count over, made from the figure form or the API, and whether it is
    new: one with the same label and kind already on the desk is that one (no duplicates for a
    second editor typing the same)."""
    label = label.strip()
    if not label:
        raise DomainError("Name the scope: the event, or the period and place.", field="scope_label")
    services.check_choice(kind, Scope.Kind, "scope_kind")
    if start and end and start > end:
        raise DomainError("The scope cannot end before it starts.", field="scope_end")
    same = Scope.objects.filter(label__iexact=label, kind=kind).first()
    if same is not None:
        return same, False
    key = base = slugify(label)[:100] or "scope"
    number = 1
    while Scope.objects.filter(key=key).exists():
        number += 1
        key = f"{base}-{number}"
    return Scope.objects.create(key=key, label=label, kind=kind, place=place.strip(), start=start, end=end), True


# --- Places in disputes --------------------------------------------------------------------------


@transaction.atomic
def placement_add(*, claim: Claim, link: DisputeLink) -> ClaimDispute:
    """Put a logged claim in one more dispute, with its stance and blamed side."""
    _open(claim)
    if ClaimDispute.objects.filter(claim=claim, dispute=link.dispute).exists():
        raise DomainError("The claim is already in that dispute: change its stance there.", field="dispute")
    return services.claim_dispute_set(claim=claim, link=link)


@transaction.atomic
def placement_update(
    *, placement: ClaimDispute, expected_version: int, stance: str, blames: Side | None
) -> ClaimDispute:
    """Change how a claim sits in a dispute; refuses a stale version."""
    _open(placement.claim)
    services.check_choice(stance, ClaimDispute.Stance, "stance")
    placement.stance, placement.blames = stance, blames
    return save_versioned(placement, expected_version=expected_version, fields=["stance", "blames"])


@transaction.atomic
def placement_remove(*, placement: ClaimDispute, expected_version: int) -> None:
    """Take a claim out of a dispute (the history keeps the place it had)."""
    _open(placement.claim)
    if not ClaimDispute.objects.filter(pk=placement.pk, version=expected_version).delete()[0]:
        raise EditConflict(placement, expected_version, ClaimDispute.objects.filter(pk=placement.pk).first())


# --- Words against figures -----------------------------------------------------------------------


def _numbers(figures: Iterable[Any]) -> list[tuple[int, str]]:
    """What a comparison of words and figures looks at: each value with its qualifier."""
    return sorted((f.value, f.qualifier) for f in figures)


def words_disagree(quote: str, figures: Sequence[Figure]) -> bool:
    """Whether the numbers read from ``quote`` differ from ``figures``."""
    return _numbers(read_figures(quote)) != _numbers(figures)


def reanchored_figures_disagree(claim: Claim, old_quote: str) -> bool:
    """The flag for a claim just moved from ``old_quote`` to its current words: set when the numbers
    in the words changed and its figures do not say the new ones; otherwise as it was (the same
    numbers in other words change nothing, and figures never read from the words stay trusted)."""
    new_numbers = _numbers(read_figures(claim.quote))
    if new_numbers == _numbers(read_figures(old_quote)):
        return claim.figures_disagree
    return new_numbers != _numbers(claim.figures.all())


def _recheck(claim: Claim) -> None:
    """After a figure change on a flagged claim: once its figures say what its words do, the flag
    is cleared (bookkeeping, so the claim's version does not move and open forms stay valid)."""
    flagged = Claim.objects.filter(pk=claim.pk, figures_disagree=True)
    if flagged.exists() and not words_disagree(claim.quote, list(claim.figures.all())):
        flagged.update(figures_disagree=False)
        claim.figures_disagree = False


@dataclass(frozen=True)
class FigurePlan:
    """What updating a claim's figures to its words does: figures changed (old, new values), added
    and removed. Shown to the editor before they choose, applied by claim_figures_from_words."""

    changed: list[tuple[Figure, FigureInput]]
    added: list[FigureInput]
    removed: list[Figure]

    def lines(self) -> list[str]:
        """The plan in the desk's words, one line per figure."""
        return [
            *(f"{figure.label} becomes {figure_input_text(values)}" for figure, values in self.changed),
            *(f"add {figure_input_text(values)}" for values in self.added),
            *(f"remove {figure.label}" for figure in self.removed),
        ]


def _from_words(parsed: ParsedFigure, like: Figure | None) -> FigureInput:
    """A figure read from the words: its numbers, measure and who was counted from the words; whose,
    scope and as-of (which words rarely say) from the figure it replaces or, failing one, the
    claim's first figure."""
    counted = parsed.counted
    if counted == Figure.Counted.UNSPECIFIED and like is not None:
        counted = like.counted
    return FigureInput(
        measure=parsed.measure,
        value=parsed.value,
        qualifier=parsed.qualifier,
        counted=counted,
        tally=parsed.tally,
        raw=parsed.raw[:300],
        whose=like.whose if like else None,
        scope=like.scope if like else None,
        as_of=like.as_of if like else None,
    )


def figure_plan(claim: Claim) -> FigurePlan:
    """Pair the figures read from the claim's words with its figures: same measure first, then in
    order; the words' extra figures are added, the claim's extra ones removed."""
    existing = list(claim.figures.select_related("whose", "scope").order_by("id"))
    parsed = read_figures(claim.quote)
    pairs: list[tuple[Figure, ParsedFigure]] = []
    left = list(existing)
    unpaired: list[ParsedFigure] = []
    for reading in parsed:
        same = next((f for f in left if f.measure == reading.measure), None)
        if same is None:
            unpaired.append(reading)
        else:
            left.remove(same)
            pairs.append((same, reading))
    for reading in list(unpaired):
        if left:
            pairs.append((left.pop(0), reading))
            unpaired.remove(reading)
    first = existing[0] if existing else None
    return FigurePlan(
        changed=[(figure, _from_words(reading, figure)) for figure, reading in pairs],
        added=[_from_words(reading, first) for reading in unpaired],
        removed=left,
    )


def _flagged(claim: Claim, expected_version: int) -> None:
    _open(claim)
    if not claim.figures_disagree:
        raise DomainError("This claim's words and figures do not disagree: nothing to resolve.")
    if claim.version != expected_version:
        raise EditConflict(claim, expected_version, Claim.objects.filter(pk=claim.pk).first())


@transaction.atomic
def claim_figures_from_words(*, claim: Claim, expected_version: int) -> Claim:
    """Resolve a disagreement by making the figures say what the words now say (figure_plan)."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    _flagged(claim, expected_version)
    plan = figure_plan(claim)
    with pghistory.context(action=FIGURES_FROM_WORDS):
        # the flag first, with the new version: one entry in the claim's history says it was resolved
        # (cleared after the figures, _recheck would clear it as bookkeeping, an entry of its own)
        claim.figures_disagree = False
        claim = save_versioned(claim, expected_version=expected_version, fields=["figures_disagree"])
        for figure, values in plan.changed:
            figure_update(figure=figure, expected_version=figure.version, changes=values)
        for values in plan.added:
            services.figure_add(claim=claim, figure=values)
        for figure in plan.removed:
            figure_remove(figure=figure, expected_version=figure.version)
    return claim


def previous_anchor(claim: Claim) -> Any | None:
    """The claim's history event holding the words it had before the ones it has now."""
    events = apps.get_model("claims", "ClaimEvent").objects.filter(pgh_obj_id=claim.pk).order_by("-pgh_id")
    now = (claim.revision_id, claim.start, claim.end, claim.quote)
    for event in events.only("pgh_id", "revision_id", "start", "end", "quote", "prefix", "suffix").iterator():
        if (event.revision_id, event.start, event.end, event.quote) != now:
            return event
    return None


@transaction.atomic
def claim_log_revision(*, claim: Claim, expected_version: int, author: AbstractBaseUser | None) -> Claim:
    """Resolve a disagreement the newsroom's usual way: the new words become a new claim (same
    speaker, mode, statement, via and places in disputes, figures read from the words) that
    *revises* the old one, and the old claim goes back to the words it had, with its figures."""
    claim = Claim.objects.select_for_update().select_related("revision").get(pk=claim.pk)
    _flagged(claim, expected_version)
    before = previous_anchor(claim)
    if before is None:
        raise DomainError("The words this claim had before are not in its history; update its figures instead.")
    plan = figure_plan(claim)
    with pghistory.context(action=LOGGED_AS_REVISION):
        revision = claim.revision
        revised = services.claim_log(
            story=claim.story,
            author=author,
            quote=claim.quote,
            revision=revision,
            start_hint=claim.start,
            prefix=claim.prefix,
            suffix=claim.suffix,
            mode=claim.mode,
            speaker=claim.speaker,
            said_on=claim.said_on,
            statement=claim.statement,
            via=[via.outlet for via in claim.via.select_related("outlet")],
            disputes=[
                DisputeLink(p.dispute, p.stance, p.blames) for p in claim.dispute_links.select_related("dispute")
            ],
            figures=[values for _, values in plan.changed] + plan.added,
        )
        ClaimLink.objects.create(
            source=revised,
            target=claim,
            kind=ClaimLink.Kind.REVISES,
            recorded_by=author,
            noted_on=timezone.localdate(revision.created_at),
        )
        claim.revision_id, claim.start, claim.end = before.revision_id, before.start, before.end
        claim.quote, claim.prefix, claim.suffix = before.quote, before.prefix, before.suffix
        claim.figures_disagree = False
        save_versioned(
            claim,
            expected_version=expected_version,
            fields=["revision", "start", "end", "quote", "prefix", "suffix", "figures_disagree"],
        )
        return revised


def figure_input_text(values: FigureInput) -> str:
    """A figure not stored yet, in the desk's words (as Figure.label)."""
    return figure_text(
        qualifier=values.qualifier,
        value=values.value,
        measure=values.measure,
        counted=values.counted,
        whose=values.whose.name if values.whose else None,
        scope=values.scope.label if values.scope else None,
        tally=values.tally,
        as_of=values.as_of.isoformat() if values.as_of else None,
    )
