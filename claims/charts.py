"""A server-rendered range chart of figures: each figure's low-high range against its as-of date.

Only comparable figures share a chart (same measure, whose and scope: see claims.figures), one
series per side, told apart by a label and a marker shape, never by colour alone. An open end
("at least 60") is drawn as an arrow running off the plot. This module computes the geometry;
templates/claims/_range_chart.html draws it as SVG, with a table of the same figures beside it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from claims.models import Claim, Figure

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 18, 42
MARKER = 6  # marker half-size in px
ARROW = 9
SHAPES = ("circle", "square", "triangle", "diamond", "cross", "triangle-down")

QUALIFIER_SIGN = {
    Figure.Qualifier.EXACT: "",
    Figure.Qualifier.AT_LEAST: "≥",
    Figure.Qualifier.MORE_THAN: ">",
    Figure.Qualifier.OVER: ">",
    Figure.Qualifier.UP_TO: "≤",
    Figure.Qualifier.ABOUT: "~",
    Figure.Qualifier.NEARLY: "~",
    Figure.Qualifier.SOME: "~",
}


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    index: int

    @property
    def shape(self) -> str:
        return SHAPES[self.index % len(SHAPES)]

    def marker_path(self, x: float = 0.0, y: float = 0.0) -> str:
        return marker_path(self.shape, x, y)


@dataclass(frozen=True)
class Mark:
    """One figure as drawn: a vertical range line, a marker at its value, arrows on open ends."""

    figure: Figure
    series: Series
    day: date
    x: float
    y: float
    y_top: float
    y_bottom: float
    open_high: bool
    open_low: bool
    label: str
    description: str

    @property
    def marker(self) -> str:
        return self.series.marker_path(self.x, self.y)

    @property
    def arrow_up(self) -> str:
        x, y = self.x, self.y_top
        return f"M{x:.1f},{y - ARROW:.1f} L{x - 5:.1f},{y:.1f} L{x + 5:.1f},{y:.1f} Z"

    @property
    def arrow_down(self) -> str:
        x, y = self.x, self.y_bottom
        return f"M{x:.1f},{y + ARROW:.1f} L{x - 5:.1f},{y:.1f} L{x + 5:.1f},{y:.1f} Z"


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass
class RangeChart:
    title: str
    marks: list[Mark]
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    undated: list[Figure] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT

    @property
    def plot_top(self) -> int:
        return TOP

    @property
    def plot_bottom(self) -> int:
        return self.height - BOTTOM

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def marker_path(shape: str, x: float, y: float, r: float = MARKER) -> str:
    """An SVG path for a marker of ``shape`` centred on (x, y)."""
    match shape:
        case "circle":
            return f"M{x - r:.1f},{y:.1f} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0 Z"
        case "square":
            s = r * 0.85
            return f"M{x - s:.1f},{y - s:.1f} h{2 * s:.1f} v{2 * s:.1f} h{-2 * s:.1f} Z"
        case "triangle":
            return f"M{x:.1f},{y - r:.1f} L{x + r:.1f},{y + r * 0.8:.1f} L{x - r:.1f},{y + r * 0.8:.1f} Z"
        case "triangle-down":
            return f"M{x:.1f},{y + r:.1f} L{x + r:.1f},{y - r * 0.8:.1f} L{x - r:.1f},{y - r * 0.8:.1f} Z"
        case "diamond":
            return f"M{x:.1f},{y - r:.1f} L{x + r:.1f},{y:.1f} L{x:.1f},{y + r:.1f} L{x - r:.1f},{y:.1f} Z"
        case _:  # cross
            t = r / 3
            return (
                f"M{x - t:.1f},{y - r:.1f} h{2 * t:.1f} v{r - t:.1f} h{r - t:.1f} v{2 * t:.1f} h{t - r:.1f} "
                f"v{r - t:.1f} h{-2 * t:.1f} v{t - r:.1f} h{t - r:.1f} v{-2 * t:.1f} h{r - t:.1f} Z"
            )


def nice_step(span: float, target_ticks: int = 5) -> int:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``target_ticks`` ticks."""
    if span <= 0:
        return 1
    raw = span / target_ticks
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * power:
            return max(1, int(multiple * power))
    return max(1, int(10 * power))


def figure_day(figure: Figure) -> date | None:
    """When a figure held: its as-of date, else when it was said, else when it was published."""
    claim: Claim = figure.claim
    return figure.as_of or claim.said_on or claim.story.published_on


def value_label(figure: Figure) -> str:
    return f"{QUALIFIER_SIGN.get(figure.qualifier, '')}{figure.value:,}"


def range_chart(
    figures: Iterable[Figure],
    *,
    series_of: Callable[[Figure], tuple[str, str]],
    title: str,
    last_series: tuple[str, ...] = (),
) -> RangeChart | None:
    """Lay out one chart of ``figures`` (which should be comparable), or None when there is none.

    ``series_of(figure)`` gives the (key, label) of the series a figure belongs to: the side that
    says it, for the dispute page. Series are ordered by label, those in ``last_series`` last.
    """
    dated: list[tuple[Figure, date]] = []
    undated: list[Figure] = []
    for figure in figures:
        day = figure_day(figure)
        if day is None:
            undated.append(figure)
        else:
            dated.append((figure, day))
    if not dated:
        return None

    series_by_key: dict[str, Series] = {}

    def series_order(item: tuple[Figure, date]) -> tuple[bool, str]:
        key, label = series_of(item[0])
        return key in last_series, label

    for figure, _ in sorted(dated, key=series_order):
        key, label = series_of(figure)
        if key not in series_by_key:
            series_by_key[key] = Series(key=key, label=label, index=len(series_by_key))

    top_value = max(max(v for v in (f.low, f.high, f.value) if v is not None) for f, _ in dated)
    step = nice_step(top_value * 1.1 or 1)
    y_max = step * math.ceil((top_value * 1.1 or 1) / step)
    plot_top, plot_bottom = TOP, HEIGHT - BOTTOM
    plot_left, plot_right = LEFT, WIDTH - RIGHT

    def y_of(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * (value / y_max)

    days = sorted({day for _, day in dated})
    first, last = days[0], days[-1]
    span_days = (last - first).days
    pad = 36.0

    def x_of(day: date) -> float:
        if span_days == 0:
            return (plot_left + plot_right) / 2
        return plot_left + pad + (plot_right - plot_left - 2 * pad) * ((day - first).days / span_days)

    # Figures of several series on one day sit side by side rather than on top of each other.
    count = len(series_by_key)
    marks: list[Mark] = []
    for figure, day in sorted(dated, key=lambda item: (item[1], item[0].value)):
        key, _ = series_of(figure)
        series = series_by_key[key]
        x = x_of(day) + (series.index - (count - 1) / 2) * (MARKER * 2.5)
        open_high, open_low = figure.high is None, figure.low is None
        low = 0 if open_low else figure.low
        high = figure.high if not open_high else None
        y_top = plot_top + ARROW if open_high else y_of(high)
        y_bottom = plot_bottom - ARROW if open_low else y_of(low)
        claim = figure.claim
        description = (
            f"{series.label}: {figure.raw or value_label(figure)} ({value_label(figure)}), "
            f"as of {day:%d %b %Y}, {claim.story.outlet.name}"
        )
        marks.append(
            Mark(
                figure=figure,
                series=series,
                day=day,
                x=x,
                y=y_of(figure.value),
                y_top=y_top,
                y_bottom=y_bottom,
                open_high=open_high,
                open_low=open_low,
                label=value_label(figure),
                description=description,
            )
        )

    y_ticks = [Tick(y_of(v), f"{v:,}") for v in range(0, y_max + 1, step)]
    shown_days = days if len(days) <= 6 else [days[round(i * (len(days) - 1) / 5)] for i in range(6)]
    x_ticks = [Tick(x_of(day), f"{day.day} {day:%b %Y}") for day in shown_days]
    return RangeChart(
        title=title,
        marks=marks,
        series=list(series_by_key.values()),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        undated=undated,
    )


def group_title(figure: Figure) -> str:
    """What a group of comparable figures counts: "Killed, Azerbaijan civilians, in <scope>"."""
    parts = [figure.get_measure_display()]
    who = " ".join(
        part
        for part in (
            figure.whose.name if figure.whose_id else "",
            "" if figure.counted == Figure.Counted.UNSPECIFIED else figure.get_counted_display().lower(),
        )
        if part
    )
    if who:
        parts.append(who)
    if figure.scope_id:
        parts.append(f"in {figure.scope.label}")
    return ", ".join(parts)


def comparable_charts(
    figures: Iterable[Figure],
    *,
    series_of: Callable[[Figure], tuple[str, str]],
    last_series: tuple[str, ...] = (),
) -> tuple[list[RangeChart], list[Figure]]:
    """One chart per group of comparable totals; increments ("54 more") are returned apart."""
    groups: dict[tuple, list[Figure]] = defaultdict(list)
    increments: list[Figure] = []
    for figure in figures:
        if figure.tally == Figure.Tally.INCREMENT:
            increments.append(figure)
        else:
            groups[figure.comparable_key()].append(figure)
    charts = []
    for group in sorted(groups.values(), key=lambda g: (-len(g), group_title(g[0]))):
        chart = range_chart(group, series_of=series_of, title=group_title(group[0]), last_series=last_series)
        if chart is not None:
            charts.append(chart)
    return charts, increments
