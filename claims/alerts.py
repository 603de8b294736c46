"""Alerts: new copy that matters to the desk, raised when the assistant reads a new revision.

An alert is a claim of contradiction or of news, so it abstains unless the comparison is positive:

- **figure**: a figure in the words (a total, not a part) whose dispute (the assistant's first
  dispute match, confident, ``claims.extraction.matching``) is published, where the dispute's
  visible figures of the same measure, people counted and whose all share one scope, and the new
  figure's range lies outside the range they span (``claims.figures.compare`` says "differ").
  An event's toll is compared whatever the date; a period's total (or one with no scope) only with
  the figures that hold on the story's date, since a later total above an earlier one is a trend,
  and only from above, since a figure below it may count a part of the period (one strike in a
  war: "killing four" in Tartar against 60 civilians killed since 27 Sept);
- **version**: words a resolved speaker said that the assistant confidently takes for a version of
  one of that speaker's statements, which has no version in this story yet;
- **denial**: a denial by a resolved speaker whose first dispute match is confident.

Alerts are raised whenever the assistant reads a story: a new revision, and a reading made again
because something it depends on changed (``readings_refresh``), so a dispute published, or a
figure added to it, after the story arrived still raises what the story's words call for. Each is
raised once per story, words and dispute (or statement): the alerts the story already has are left
out, and a unique index refuses a duplicate from a reading running at the same time; a resolved
alert is not raised again.

The published figures compared are looked up per (dispute, measure, people counted, whose) in one
indexed query with a limit (``COMPARED_MAX``), however many claims the dispute holds.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, Model, OuterRef
from django.utils import timezone

from claims.extraction import DISPUTE_CONFIDENCE, STATEMENT_CONFIDENCE, Candidate, FigureSuggestion
from claims.extraction.speakers import MIN_CONFIDENCE
from claims.figures import Kind, Reading, compare, compared_bounds, figure_day, range_text
from claims.models import Actor, Alert, AlertSeen, Claim, Dispute, Figure, Follow, Scope, Statement
from core.errors import DomainError
from core.versioning import save_versioned
from sources.models import Outlet, Story, StoryRevision


def _speaker_known(candidate: Candidate) -> bool:
    return (
        candidate.actor_id is not None
        and candidate.speaker_method not in (None, "unknown")
        and candidate.speaker_score >= MIN_CONFIDENCE
    )


def _top(matches: list[dict], bar: float) -> dict | None:
    return matches[0] if matches and matches[0]["score"] >= bar else None


# The most published figures one alert speaks for: a dispute with more totals of the same measure,
# people counted and whose than this is not compared (an alert from part of them could be wrong).
COMPARED_MAX = 200


def _published_totals(dispute_id: int, figure: FigureSuggestion) -> list[Figure] | None:
    """The totals of visible claims in the published dispute with the figure's measure, people
    counted and whose: one query, bounded (the dispute's placements by index, then each claim's
    figures by index, at most ``COMPARED_MAX + 1`` rows). None when there are more than
    ``COMPARED_MAX``: too many to speak for their range."""
    totals = list(
        Figure.objects.filter(
            tally=Figure.Tally.TOTAL,
            measure=figure.measure,
            counted=figure.counted,
            whose_id=figure.whose_id,
            claim__in=Claim.objects.visible().filter(dispute_links__dispute_id=dispute_id),
        )
        .select_related("scope", "claim__story")
        .order_by("pk")[: COMPARED_MAX + 1]
    )
    return None if len(totals) > COMPARED_MAX else totals


def figure_outside(figure: FigureSuggestion, published: list[Figure], day: date | None) -> str | None:
    """Why ``figure`` lies outside the range the published figures comparable with it span, or
    None when none is comparable for certain or it lies inside."""
    if figure.tally != Figure.Tally.TOTAL or figure.part_of is not None:
        return None
    same = [
        f
        for f in published
        if f.measure == figure.measure and f.counted == figure.counted and f.whose_id == figure.whose_id
    ]
    if len({f.scope_id for f in same}) != 1:
        return None  # nothing comparable, or several scopes: which one the words count is not known
    scope = same[0].scope
    if scope is None or scope.kind != Scope.Kind.EVENT:
        same = [f for f in same if day is not None and figure_day(f) == day]
        if not same:
            return None
    ranges = [compared_bounds(f.qualifier, f.value, f.low, f.high) for f in same]
    low = None if any(lo is None for lo, _ in ranges) else min(lo for lo, _ in ranges)
    high = None if any(hi is None for _, hi in ranges) else max(hi for _, hi in ranges)
    key = {"measure": figure.measure, "counted": figure.counted, "whose_key": figure.whose_id, "day": day}
    key["scope_key"] = scope.pk if scope else None
    new = Reading.of(figure.value, figure.qualifier, **key)
    span = Reading(value=low or 0, low=low, high=high, **key)
    verdict = compare([new, span])
    if verdict.kind != Kind.DIFFER:
        return None
    if (
        (scope is None or scope.kind != Scope.Kind.EVENT)
        and new.high is not None
        and low is not None
        and new.high < low
    ):
        # below a period's total: the words may count a part of it (one strike of the war), whose
        # scope the assistant cannot tell; only a figure above the total contradicts it for certain
        return None
    where = f" in {scope.label}" if scope else ""
    return (
        f"“{figure.raw}” ({new.what}{where}) is outside the published range {range_text(low, high)}: "
        f"{verdict.distance:,} between the nearest bounds."
    )


def alerts_raise(*, story: Story, revision: StoryRevision, candidates: list[Candidate]) -> list[Alert]:
    """Raise the alerts the words call for, on every reading of the story (a new revision, or a
    reading made again because what the desk knows changed), none twice; returns those raised now."""
    disputes = {m["id"] for c in candidates if (m := _top(c.dispute_matches, DISPUTE_CONFIDENCE))}
    published = set(Dispute.objects.visible().filter(pk__in=disputes).values_list("pk", flat=True))
    active = set(Dispute.objects.active().filter(pk__in=disputes).values_list("pk", flat=True))
    raised = set(Alert.objects.filter(story=story).values_list("words_key", "dispute_id", "statement_id"))
    totals: dict[tuple, list[Figure] | None] = {}
    alerts: list[Alert] = []

    def alert(candidate: Candidate, kind: str, detail: str, dispute_id=None, statement=None) -> None:
        key = (candidate.fingerprint, dispute_id, statement.pk if statement else None)
        if key in raised:
            return
        raised.add(key)
        alerts.append(
            Alert(
                kind=kind,
                story=story,
                revision=revision,
                start=candidate.start,
                end=candidate.end,
                quote=candidate.quote,
                words_key=candidate.fingerprint,
                speaker_id=candidate.actor_id if _speaker_known(candidate) else None,
                detail=detail,
                dispute_id=dispute_id,
                statement=statement,
            )
        )

    for candidate in candidates:
        top = _top(candidate.dispute_matches, DISPUTE_CONFIDENCE)
        if top and top["id"] in published:
            for figure in candidate.figures:
                if figure.tally != Figure.Tally.TOTAL or figure.part_of is not None:
                    continue  # a part or an increment is not compared with totals
                key = (top["id"], figure.measure, figure.counted, figure.whose_id)
                if key not in totals:
                    totals[key] = _published_totals(top["id"], figure)
                why = totals[key] and figure_outside(figure, totals[key], story.published_on)
                if why:
                    alert(candidate, Alert.Kind.FIGURE, why, dispute_id=top["id"])
                    break
        if candidate.kind == "denial" and top and top["id"] in active and _speaker_known(candidate):
            who = candidate.actor_name or candidate.speaker
            alert(candidate, Alert.Kind.DENIAL, f"{who} denies a claim in “{top['label']}”.", dispute_id=top["id"])
        statement = _top(candidate.statement_matches, STATEMENT_CONFIDENCE)
        if statement and _speaker_known(candidate):
            known = Statement.objects.filter(pk=statement["id"], speaker_id=candidate.actor_id).first()
            if known is not None and not Claim.objects.filter(statement=known, story=story).exists():
                detail = f"A new version of {candidate.actor_name}'s statement “{statement['label']}”."
                alert(candidate, Alert.Kind.VERSION, detail, statement=known)
    # raised meanwhile by another reading of the story: nothing (the unique indexes)
    Alert.objects.bulk_create(alerts, ignore_conflicts=True)
    return alerts


# --- What editors do with alerts ---------------------------------------------------------------
FOLLOWABLE = {"dispute": Dispute, "actor": Actor, "outlet": Outlet}


def follow_set(*, user: AbstractBaseUser, target: Model, follow: bool = True) -> bool:
    """Follow (or stop following) a dispute, an actor or an outlet; returns whether ``user`` now
    follows it. Asking twice changes nothing."""
    field = next(name for name, model in FOLLOWABLE.items() if isinstance(target, model))
    with transaction.atomic():
        if follow:
            Follow.objects.get_or_create(user=user, **{field: target})
        else:
            Follow.objects.filter(user=user, **{field: target}).delete()
    return follow


def follows(user: AbstractBaseUser, target: Model) -> bool:
    field = next(name for name, model in FOLLOWABLE.items() if isinstance(target, model))
    return Follow.objects.filter(user=user, **{field: target}).exists()


def followed(user: AbstractBaseUser, model: type[Model]) -> Exists:
    """Whether ``user`` follows the row, as an annotation for ``model``'s rows (``followed=``): the
    follow button then needs no query of its own."""
    field = next(name for name, followable in FOLLOWABLE.items() if followable is model)
    return Exists(Follow.objects.filter(user=user, **{field: OuterRef("pk")}))


def alert_seen(*, alert: Alert, user: AbstractBaseUser) -> None:
    """``user`` has seen the alert (once; seeing it again changes nothing)."""
    AlertSeen.objects.get_or_create(alert=alert, user=user)


@transaction.atomic
def alert_resolve(*, alert: Alert, expected_version: int, user: AbstractBaseUser, resolve: bool = True) -> Alert:
    """Resolve the alert (who and when, with history), or reopen it; a stale version: EditConflict."""
    if resolve == (alert.resolved_at is not None) and alert.version == expected_version:
        raise DomainError("This alert is already resolved." if resolve else "This alert is not resolved.")
    alert.resolved_at = timezone.now() if resolve else None
    alert.resolved_by = user if resolve else None
    save_versioned(alert, expected_version=expected_version, fields=["resolved_at", "resolved_by"])
    if resolve:
        alert_seen(alert=alert, user=user)
    return alert
