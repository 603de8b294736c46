"""Figures: bounds from qualifiers, and an honest comparison of figures.

A spread compares **ranges**, not values. Each figure is read as the inclusive range its words
allow (exact 63 = 63..63, at least 60 = 60.., up to 50 = ..50; "about", "some" and "nearly"
widen it by ``TOLERANCE_PERCENT``), and two figures conflict only when their ranges do not
overlap. ``compare`` is the one comparison: the dispute page, the public page, the range chart
and the API's ``spreads`` all read its ``Verdict``:

- **agree**: the ranges overlap ("63" and "at least 60");
- **differ**: they do not, by the distance between the nearest bounds ("63" and "up to 50": 13);
- **not comparable**, and why: a different measure or people counted, a different whose (Armenia's
  49 dead soldiers and Azerbaijan's 50 are each side's own losses), a different scope, a different
  as-of date (cumulative totals are compared only on the same date, or within ``window_days``),
  or an increment ("54 more"), which is never compared with a total.

Totals one source gave on different dates are a trend, not a disagreement: "63 on 21 Oct 2020,
up from 49 on 9 Oct 2020"; a later total below an earlier one from the same source is flagged
(``Trend.fell``): a correction or a revision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from claims.models import Figure

Q = Figure.Qualifier
APPROXIMATE = {Q.ABOUT, Q.NEARLY, Q.SOME}
# A figure's value and bounds are PostgreSQL integers: nothing larger can be stored.
MAX_FIGURE = 2**31 - 1

TOLERANCE_PERCENT = 10
"""How far "about n" and "some n" reach either side of n, and "nearly n" below it: 10% of n,
rounded, and at least 1. "about 1,000" = 900..1,100; "nearly 200" = 180..200; "some 24" = 22..26."""

DEFAULT_WINDOW_DAYS = 0
"""Cumulative totals are compared only when they hold on the same as-of date (a window of 0 days)."""


def figure_bounds(qualifier: str, value: int) -> tuple[int | None, int | None, bool]:
    """Inclusive (low, high, approximate) bounds for ``qualifier value``, as stored on a figure.

    exact n = n..n; at least n = n..; more than / over n = n+1..; up to n = ..n;
    about / nearly / some n = n..n flagged approximate (the comparison widens these by
    ``TOLERANCE_PERCENT``: see ``compared_bounds``).
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


def tolerance(value: int) -> int:
    """How far an approximate figure reaches: ``TOLERANCE_PERCENT`` of it, rounded, at least 1."""
    return max(1, (value * TOLERANCE_PERCENT + 50) // 100)


def compared_bounds(qualifier: str, value: int, low: int | None, high: int | None) -> tuple[int | None, int | None]:
    """The range a figure is compared on: its stored bounds, widened for "about", "some", "nearly"."""
    if qualifier in (Q.ABOUT, Q.SOME):
        reach = tolerance(value)
        return max(0, (value if low is None else low) - reach), (value if high is None else high) + reach
    if qualifier == Q.NEARLY:
        return max(0, value - tolerance(value)), value if high is None else high
    return low, high


WORDS = {Q.EXACT: "", Q.AT_LEAST: "at least ", Q.MORE_THAN: "more than ", Q.OVER: "over ", Q.UP_TO: "up to "}
WORDS.update({Q.ABOUT: "about ", Q.NEARLY: "nearly ", Q.SOME: "some "})


def day_text(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else "no date"


def range_text(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return "any number"
    if low is None:
        return f"up to {high:,}"
    if high is None:
        return f"{low:,} or more"
    return f"{low:,}" if low == high else f"{low:,} to {high:,}"


# --- What is compared --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One figure as the comparison sees it: what it counts, its compared range, when and who."""

    value: int
    qualifier: str = Q.EXACT
    low: int | None = None  # compared bounds (None: open end)
    high: int | None = None
    measure: str = Figure.Measure.KILLED
    counted: str = Figure.Counted.UNSPECIFIED
    whose: str = ""  # the side the counted belong to ("" for none, or all sides combined)
    scope: str = ""
    tally: str = Figure.Tally.TOTAL
    day: date | None = None
    source: str = ""  # who gives the figure: the speaker, or the outlet in its own voice
    whose_key: Any = None  # identities behind the labels (ids), when labels could repeat
    scope_key: Any = None
    figure: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, value: int, qualifier: str = Q.EXACT, **kwargs: Any) -> Reading:
        """A reading with bounds derived from the qualifier, as a figure would have them."""
        low, high, _ = figure_bounds(qualifier, value)
        low, high = compared_bounds(qualifier, value, low, high)
        return cls(value=value, qualifier=qualifier, low=low, high=high, **kwargs)

    @property
    def words(self) -> str:
        """The figure as a reader would quote it: "at least 60", "about 1,000", "63"."""
        return f"{WORDS.get(self.qualifier, '')}{self.value:,}"

    @property
    def is_increment(self) -> bool:
        return self.tally == Figure.Tally.INCREMENT

    @property
    def key(self) -> tuple:
        """What must be equal for two totals to be compared, the date apart."""
        whose = self.whose if self.whose_key is None else self.whose_key
        scope = self.scope if self.scope_key is None else self.scope_key
        return (self.measure, self.counted, whose, scope)

    @property
    def what(self) -> str:
        """What the figure counts: "Killed, Azerbaijan civilians, in the war since 27 Sept 2020"."""
        parts = [Figure.Measure(self.measure).label if self.measure in Figure.Measure.values else self.measure]
        counted = "" if self.counted == Figure.Counted.UNSPECIFIED else Figure.Counted(self.counted).label.lower()
        who = " ".join(p for p in (self.whose, counted) if p)
        if who:
            parts.append(who)
        if self.scope:
            parts.append(f"in {self.scope}")
        return ", ".join(parts)

    def cited(self, *, with_day: bool = False) -> str:
        """ "at least 60 (Azerbaijani authorities, 21 Oct 2020)"."""
        details = [d for d in (self.source, day_text(self.day) if with_day else "") if d]
        return f"{self.words} ({', '.join(details)})" if details else self.words


def figure_day(figure: Figure) -> date | None:
    """When a figure held: its as-of date, else when it was said, else when it was published."""
    claim = figure.claim
    return figure.as_of or claim.said_on or claim.story.published_on


def figure_source(figure: Figure) -> str:
    """Who gives the figure: the speaker, or the outlet speaking in its own voice."""
    claim = figure.claim
    return claim.speaker.name if claim.speaker_id else claim.story.outlet.name


def reading_of(figure: Figure) -> Reading:
    """A figure (with its claim's speaker, story and outlet, and its whose and scope loaded)."""
    low, high = compared_bounds(figure.qualifier, figure.value, figure.low, figure.high)
    return Reading(
        value=figure.value,
        qualifier=figure.qualifier,
        low=low,
        high=high,
        measure=figure.measure,
        counted=figure.counted,
        whose=figure.whose.name if figure.whose_id else "",
        scope=figure.scope.label if figure.scope_id else "",
        tally=figure.tally,
        day=figure_day(figure),
        source=figure_source(figure),
        whose_key=figure.whose_id,
        scope_key=figure.scope_id,
        figure=figure,
    )


# --- The verdict -------------------------------------------------------------------------------


class Kind(StrEnum):
    AGREE = "agree"
    DIFFER = "differ"
    NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True)
class Step:
    reading: Reading
    direction: str  # "up", "down", "level": the later range above, below, or overlapping the earlier


@dataclass(frozen=True)
class Trend:
    """One source's totals on different dates, oldest first. ``fell``: a later total lies wholly
    below an earlier one (a correction or a revision), which the desk should look at."""

    source: str
    readings: tuple[Reading, ...]

    @property
    def steps(self) -> list[Step]:
        result = []
        for earlier, later in zip(self.readings, self.readings[1:], strict=False):
            if _gap(earlier, later) is None:
                direction = "level"
            else:
                direction = (
                    "up" if later.low is not None and earlier.high is not None and later.low > earlier.high else "down"
                )
            result.append(Step(later, direction))
        return result

    @property
    def fell(self) -> bool:
        return any(step.direction == "down" for step in self.steps)

    def summary(self) -> str:
        """ "Ministry: 63 on 21 Oct 2020, up from 49 on 9 Oct 2020", latest first."""
        words = {"up": "up from", "down": "down from", "level": "in line with"}
        readings = list(reversed(self.readings))
        steps = list(reversed(self.steps))
        text = f"{readings[0].words} on {day_text(readings[0].day)}"
        for step, earlier in zip(steps, readings[1:], strict=True):
            text += f", {words[step.direction]} {earlier.words} on {day_text(earlier.day)}"
        text = f"{self.source}: {text}" if self.source else text[0].upper() + text[1:]
        if self.fell:
            text += ". A later total is below an earlier one: a correction or a revision"
        return text + "."


@dataclass(frozen=True)
class Verdict:
    """How figures relate. ``distance``: 0 when they agree, the gap between the nearest bounds
    when they differ, None when they cannot be compared; ``low``/``high``: the range all of them
    allow (agree) or the nearest bounds (differ); ``reason``: why they cannot be compared."""

    kind: Kind
    readings: tuple[Reading, ...]
    distance: int | None = None
    low: int | None = None
    high: int | None = None
    reason: str = ""
    trends: tuple[Trend, ...] = ()

    @property
    def what(self) -> str:
        first = self.readings[0]
        if all(r.key == first.key for r in self.readings):
            return first.what
        return Figure.Measure(first.measure).label if first.measure in Figure.Measure.values else first.measure

    @property
    def day(self) -> date | None:
        days = {r.day for r in self.readings}
        return days.pop() if len(days) == 1 else None

    @property
    def fell(self) -> bool:
        return any(t.fell for t in self.trends)

    @property
    def percent(self) -> int | None:
        """The distance as a share of the higher nearest bound (differ only)."""
        if self.kind != Kind.DIFFER or not self.high:
            return None
        return round(100 * (self.distance or 0) / max(self.low or 0, self.high))

    @property
    def headline(self) -> str:
        """ "Agree", "Differ by 13", "Cannot be compared"."""
        if self.kind == Kind.AGREE:
            return "Agree"
        if self.kind == Kind.DIFFER:
            return f"Differ by {self.distance:,}"
        return "Cannot be compared"

    @property
    def detail(self) -> str:
        with_day = self.day is None
        figures = "; ".join(r.cited(with_day=with_day) for r in self.readings)
        when = f", as of {day_text(self.day)}" if self.day else ""
        if self.kind == Kind.AGREE:
            return f"{self.what}{when}: {figures}. The ranges overlap ({range_text(self.low, self.high)})."
        if self.kind == Kind.DIFFER:
            return (
                f"{self.what}{when}: {figures}. The ranges do not overlap: "
                f"{self.distance:,} between the nearest bounds ({self.high:,} and {self.low:,})."
            )
        return f"{self.what}: {figures}. {self.reason[0].upper()}{self.reason[1:]}."

    def summary(self) -> str:
        return f"{self.headline}. {self.detail}"


def _gap(a: Reading, b: Reading) -> int | None:
    """The distance between the nearest bounds of two ranges, or None when they overlap."""
    if a.high is not None and b.low is not None and a.high < b.low:
        return b.low - a.high
    if b.high is not None and a.low is not None and b.high < a.low:
        return a.low - b.high
    return None


def _label(value: str, empty: str) -> str:
    return value or empty


def _why_not(readings: Sequence[Reading], window_days: int) -> list[str]:
    """Why these readings cannot be compared (empty when they can)."""
    increments = [r for r in readings if r.is_increment]
    if increments:
        words = ", ".join(f"“{r.words} more”" for r in increments)
        return [
            f"{words} {'is an increment' if len(increments) == 1 else 'are increments'}, never compared with a total"
        ]
    reasons = []

    def differing(attribute: str, empty: str) -> list[str]:
        values = {getattr(r, attribute) for r in readings}
        return sorted(_label(v, empty) for v in values) if len(values) > 1 else []

    measures = {(r.measure, r.counted) for r in readings}
    if len(measures) > 1:
        labels = sorted({Reading(0, measure=m, counted=c).what for m, c in measures})
        reasons.append(f"different measures ({' vs '.join(labels)})")
    if len({r.whose_key if r.whose_key is not None else r.whose for r in readings}) > 1:
        reasons.append(f"different whose ({' vs '.join(differing('whose', 'all sides') or ['two sides named alike'])})")
    if len({r.scope_key if r.scope_key is not None else r.scope for r in readings}) > 1:
        reasons.append(
            f"different scopes ({' vs '.join(differing('scope', 'no scope') or ['two scopes named alike'])})"
        )
    days = [r.day for r in readings]
    if None in days:
        reasons.append("a figure has no as-of date")
    elif (max(days) - min(days)).days > window_days:
        within = f" more than {window_days} days apart" if window_days else ""
        reasons.append(f"different as-of dates{within} ({' vs '.join(day_text(d) for d in sorted(set(days)))})")
    return reasons


def compare(
    readings: Sequence[Reading], *, window_days: int = DEFAULT_WINDOW_DAYS, trends: Sequence[Trend] = ()
) -> Verdict:
    """The verdict on two or more figures: agree (their ranges share a number), differ (by the
    distance between the nearest bounds of the two farthest apart), or not comparable (and why).

    Intervals on a line that overlap pairwise share a number, so a group agrees exactly when every
    pair does; when they do not, the widest gap is the highest low bound minus the lowest high one.
    """
    readings = tuple(readings)
    if not readings:
        raise ValueError("Nothing to compare.")
    reasons = _why_not(readings, window_days)
    if reasons:
        return Verdict(Kind.NOT_COMPARABLE, readings, reason="; ".join(reasons), trends=tuple(trends))
    lows = [r.low for r in readings if r.low is not None]
    highs = [r.high for r in readings if r.high is not None]
    low, high = (max(lows) if lows else None), (min(highs) if highs else None)
    if low is None or high is None or low <= high:
        return Verdict(Kind.AGREE, readings, distance=0, low=low, high=high, trends=tuple(trends))
    # the nearest bounds of the farthest pair: the lowest high and the highest low
    return Verdict(Kind.DIFFER, readings, distance=low - high, low=high, high=low, trends=tuple(trends))


# --- A dispute's figures ------------------------------------------------------------------------


def _clusters(readings: list[Reading], window_days: int) -> list[list[Reading]]:
    """Readings grouped by date: each cluster spans at most ``window_days`` from its first day."""
    clusters: list[list[Reading]] = []
    for reading in sorted(readings, key=lambda r: (r.day, r.value)):
        if clusters and (reading.day - clusters[-1][0].day).days <= window_days:
            clusters[-1].append(reading)
        else:
            clusters.append([reading])
    return clusters


def trends_of(readings: Iterable[Reading]) -> list[Trend]:
    """Per source, its totals on more than one date, oldest first (one reading per date: the last
    given, on the most specific range, when a source gave several that day)."""
    by_source: dict[str, dict[date, Reading]] = defaultdict(dict)
    for reading in sorted(readings, key=lambda r: (r.day, r.value)):
        if reading.day is not None:
            by_source[reading.source][reading.day] = reading
    return [
        Trend(source, tuple(days[d] for d in sorted(days)))
        for source, days in sorted(by_source.items())
        if len(days) > 1
    ]


def compare_group(readings: Sequence[Reading], *, window_days: int = DEFAULT_WINDOW_DAYS) -> list[Verdict]:
    """The verdicts on totals that count the same thing (same ``Reading.key``): one per date they
    share (agree or differ); when sources never share a date, one "not comparable" over each
    source's latest figure; trends per source go with the group's last verdict."""
    dated = [r for r in readings if r.day is not None]
    undated = [r for r in readings if r.day is None]
    trends = trends_of(dated)
    verdicts = [compare(c, window_days=window_days) for c in _clusters(dated, window_days) if len(c) > 1]
    sources = {r.source for r in readings}
    if not verdicts and (len(sources) > 1 or undated or trends):
        latest: dict[str, Reading] = {}
        for reading in sorted(dated, key=lambda r: r.day):
            latest[reading.source] = reading
        shown = sorted(latest.values(), key=lambda r: r.day) + undated
        if len(shown) > 1:
            verdicts.append(compare(shown, window_days=window_days))
        else:  # one source over time: nothing to compare, only a trend
            verdicts.append(Verdict(Kind.NOT_COMPARABLE, tuple(shown), reason="one source only: its trend is below"))
    if verdicts and trends:
        verdicts[-1] = replace(verdicts[-1], trends=tuple(trends))
    return verdicts


def spreads(figures: Iterable[Figure], *, window_days: int = DEFAULT_WINDOW_DAYS) -> list[Verdict]:
    """Every verdict on a dispute's figures, for its page, the public page and the API.

    Totals counting the same thing are compared (``compare_group``); figures of one measure that
    count different people, sides or scopes get one "not comparable" saying why; each increment is
    said not to be compared with totals. Differences first, then agreements, then the rest.
    """
    readings = [reading_of(f) for f in figures]
    totals = [r for r in readings if not r.is_increment]
    groups: dict[tuple, list[Reading]] = defaultdict(list)
    for reading in totals:
        groups[reading.key].append(reading)
    result: list[Verdict] = []
    for group in groups.values():
        result.extend(compare_group(group, window_days=window_days))
    by_measure: dict[str, list[list[Reading]]] = defaultdict(list)
    for group in groups.values():
        by_measure[group[0].measure].append(group)
    for measure_groups in by_measure.values():
        if len(measure_groups) > 1:
            latest = [max(g, key=lambda r: (r.day or date.min, r.value)) for g in measure_groups]
            result.append(compare(latest, window_days=window_days))
    if readings:
        for increment in (r for r in readings if r.is_increment):
            result.append(compare([increment]))
    order = {Kind.DIFFER: 0, Kind.AGREE: 1, Kind.NOT_COMPARABLE: 2}
    result.sort(key=lambda v: (order[v.kind], v.what))
    return result
