"""Figures: bounds from qualifiers, and honest comparison of figures.

Figures are compared only within the same measure, whose and scope: Armenia's 49 dead soldiers
and Azerbaijan's 50 are each side's own losses, not a conflict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from claims.models import Figure

Q = Figure.Qualifier
APPROXIMATE = {Q.ABOUT, Q.NEARLY, Q.SOME}
# A figure's value and bounds are PostgreSQL integers: nothing larger can be stored.
MAX_FIGURE = 2**31 - 1


def figure_bounds(qualifier: str, value: int) -> tuple[int | None, int | None, bool]:
    """Inclusive (low, high, approximate) bounds for ``qualifier value``.

    exact n = n..n; at least n = n..; more than / over n = n+1..; up to n = ..n;
    about / nearly / some n = n..n flagged approximate.
    """
    if value < 0:
        raise ValueError("A figure counts something: it cannot be negative.")
    match qualifier:
        case Q.EXACT:
            return value, value, False
        case Q.AT_LEAST:
            return value, None, False
        case Q.MORE_THAN | Q.OVER:
            return value + 1, None, False
        case Q.UP_TO:
            return None, value, False
        case Q.ABOUT | Q.NEARLY | Q.SOME:
            return value, value, True
    raise ValueError(f"Unknown qualifier {qualifier!r}.")


def figure_range_error(qualifier: str, value: int) -> str | None:
    """Why ``qualifier value`` cannot be stored (a value or bound past MAX_FIGURE), or None."""
    low, high, _ = figure_bounds(qualifier, value)
    if max(bound for bound in (value, low, high) if bound is not None) <= MAX_FIGURE:
        return None
    return f"{Q(qualifier).label} {value:,} is beyond the largest figure the desk can store ({MAX_FIGURE:,})."


@dataclass(frozen=True)
class Spread:
    """How far apart comparable figures are."""

    figures: tuple[Figure, ...]
    low: int
    high: int
    sources: int

    @property
    def apart(self) -> int:
        return self.high - self.low

    @property
    def percent(self) -> int:
        return round(100 * self.apart / self.high) if self.high else 0

    def summary(self) -> str:
        first = self.figures[0]
        scope = f" in {first.scope.label}" if first.scope_id else ""
        whose = f" {first.whose.name}" if first.whose_id else ""
        counted = "" if first.counted == Figure.Counted.UNSPECIFIED else f" {first.get_counted_display().lower()}"
        span = f"{self.low:,}" if self.low == self.high else f"{self.low:,} to {self.high:,}"
        noun = "source" if self.sources == 1 else "sources"
        return (
            f"{span}{whose}{counted} {first.get_measure_display().lower()}{scope}: "
            f"{self.sources} {noun}, {self.apart:,} apart ({self.percent}%)"
        )


def _point(figure: Figure) -> int:
    """The figure's most specific number: its value, the bound a reader would quote."""
    return figure.value


def spreads(figures: Iterable[Figure]) -> list[Spread]:
    """Group figures by (measure, whose, scope) and summarise each group with two or more sources.

    Increments ("54 more") are never compared with totals.
    """
    groups: dict[tuple, list[Figure]] = defaultdict(list)
    for figure in figures:
        if figure.tally == Figure.Tally.TOTAL:
            groups[figure.comparable_key()].append(figure)
    result = []
    for group in groups.values():
        points = [_point(f) for f in group]
        sources = len({f.claim_id for f in group})
        if sources >= 2:
            result.append(Spread(tuple(group), min(points), max(points), sources))
    result.sort(key=lambda s: (-s.sources, s.figures[0].measure))
    return result
