"""A server-rendered range chart of figures: each figure's compared range, against its as-of date.

Only figures that count the same thing share a chart (same measure, people counted, whose and
scope: see claims.figures), one series per side, told apart by a label and a marker shape, never
by colour alone; a side has the colour and the shape of its class in the story reader
(claims.highlighting.side_class), on every chart. Each figure is drawn as the range it is compared
on ("about 1,000" as 900..1,100, dashed), an open end ("at least 60") as an arrow running off the
plot, and the spread verdicts of claims.figures.compare_group are drawn too: where figures of one
date agree, a band shows the range they share; where they differ, a bracket shows the gap.

Time runs along the x axis only when the figures hold on more than one date; on one date they
stand side by side. Every text is at least ``FONT`` units high in a viewBox ``WIDTH`` wide, so on
a 390 px phone it stays at least 12 px; labels are placed so that none overlaps another (moved
to the other side of their mark or stacked above or below it, with a leader line).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from claims.figures import DEFAULT_WINDOW_DAYS, Kind, Reading, Verdict, compare_group, reading_of
from claims.highlighting import side_class
from claims.models import Figure

WIDTH = 400
HEIGHT = 260
RIGHT, TOP, BOTTOM = 8, 14, 40
FONT = 15  # user units: 15 * (332 / 400) = 12.45 px on a 390 px phone
CHAR = 0.62  # a generous average glyph width, in ems, for the label boxes
MARKER = 6  # marker half-size
ARROW = 9
COLUMN = 16  # distance between marks of one date
SHAPES = ("circle", "square", "triangle", "diamond", "cross", "triangle-down")
SHAPE_OF_CLASS = {f"side-{i + 1}": shape for i, shape in enumerate(SHAPES)} | {"side-outlet": "ring", "side-none": "x"}

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


def text_width(text: str, size: float = FONT) -> float:
    return len(text) * size * CHAR + 2


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    index: int
    css: str = ""  # the side's class in the story reader: side-1..side-6, side-outlet, side-none

    @property
    def shape(self) -> str:
        return SHAPE_OF_CLASS.get(self.css) or SHAPES[self.index % len(SHAPES)]

    @property
    def css_class(self) -> str:
        return self.css or f"series-{self.index}"

    def marker_path(self, x: float = 0.0, y: float = 0.0) -> str:
        return marker_path(self.shape, x, y)


@dataclass(frozen=True)
class Label:
    """A text placed so it overlaps no other: ``anchor`` start or end, ``leader`` from its mark."""

    text: str
    x: float
    y: float
    anchor: str = "start"
    leader: tuple[float, float, float, float] | None = None

    @property
    def box(self) -> tuple[float, float, float, float]:
        width, half = text_width(self.text), FONT * 0.65
        left = self.x if self.anchor == "start" else self.x - width if self.anchor == "end" else self.x - width / 2
        return left, self.y - half, left + width, self.y + half


@dataclass
class Mark:
    """One figure as drawn: a vertical range line, a marker at its value, arrows on open ends."""

    figure: Figure
    reading: Reading
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
    text: Label | None = None

    @property
    def approximate(self) -> bool:
        return self.reading.qualifier in (Figure.Qualifier.ABOUT, Figure.Qualifier.NEARLY, Figure.Qualifier.SOME)

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
class Band:
    """A verdict drawn: the shared range of figures that agree, or the gap between those that differ."""

    verdict: Verdict
    x1: float
    x2: float
    y1: float
    y2: float
    label: Label | None = None

    @property
    def kind(self) -> str:
        return self.verdict.kind.value

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return max(2.0, self.y2 - self.y1)


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
    left: int
    verdicts: list[Verdict] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    undated: list[Figure] = field(default_factory=list)
    one_day: date | None = None
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def plot_left(self) -> int:
        return self.left

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
    def x_tick_y(self) -> int:
        return self.plot_bottom + 26

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def labels(self) -> list[Label]:
        return [m.text for m in self.marks if m.text] + [b.label for b in self.bands if b.label]


def marker_path(shape: str, x: float, y: float, r: float = MARKER) -> str:
    """An SVG path for a marker of ``shape`` centred on (x, y)."""
    match shape:
        case "circle":
            return f"M{x - r:.1f},{y:.1f} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0 Z"
        case "ring":  # a circle with a hole (even-odd fill)
            i = r * 0.5
            return (
                f"M{x - r:.1f},{y:.1f} a{r},{r} 0 1,0 {2 * r},0 a{r},{r} 0 1,0 {-2 * r},0 Z "
                f"M{x - i:.1f},{y:.1f} a{i},{i} 0 1,1 {2 * i},0 a{i},{i} 0 1,1 {-2 * i},0 Z"
            )
        case "square":
            s = r * 0.85
            return f"M{x - s:.1f},{y - s:.1f} h{2 * s:.1f} v{2 * s:.1f} h{-2 * s:.1f} Z"
        case "triangle":
            return f"M{x:.1f},{y - r:.1f} L{x + r:.1f},{y + r * 0.8:.1f} L{x - r:.1f},{y + r * 0.8:.1f} Z"
        case "triangle-down":
            return f"M{x:.1f},{y + r:.1f} L{x + r:.1f},{y - r * 0.8:.1f} L{x - r:.1f},{y - r * 0.8:.1f} Z"
        case "diamond":
            return f"M{x:.1f},{y - r:.1f} L{x + r:.1f},{y:.1f} L{x:.1f},{y + r:.1f} L{x - r:.1f},{y:.1f} Z"
        case "x":  # a saltire
            t = r * 0.3
            return (
                f"M{x - r:.1f},{y - r + t:.1f} L{x - r + t:.1f},{y - r:.1f} L{x + r:.1f},{y + r - t:.1f} "
                f"L{x + r - t:.1f},{y + r:.1f} Z M{x + r - t:.1f},{y - r:.1f} L{x + r:.1f},{y - r + t:.1f} "
                f"L{x - r + t:.1f},{y + r:.1f} L{x - r:.1f},{y + r - t:.1f} Z"
            )
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


def value_label(figure: Figure) -> str:
    return f"{QUALIFIER_SIGN.get(figure.qualifier, '')}{figure.value:,}"


def _overlaps(a: tuple[float, ...], b: tuple[float, ...], gap: float = 2) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def place_label(
    text: str, x: float, y: float, *, taken: list[tuple[float, ...]], area: tuple[float, float, float, float]
) -> Label:
    """Put ``text`` beside the point (x, y), right then left, stacking it up or down a line at a
    time until it overlaps no box in ``taken`` and stays inside ``area``; the first free place wins."""
    line = FONT * 1.4
    candidates = []
    for step in range(0, 12):
        for dy in (step * line, -step * line) if step else (0,):
            for dx, anchor in ((MARKER + 4, "start"), (-MARKER - 4, "end")):
                candidates.append(Label(text, x + dx, y + dy, anchor))
    fallback = None
    for label in candidates:
        box = label.box
        inside = area[0] <= box[0] and box[2] <= area[2] and area[1] <= box[1] and box[3] <= area[3]
        if not inside:
            continue
        fallback = fallback or label
        if not any(_overlaps(box, other) for other in taken):
            fallback = label
            break
    label = fallback or candidates[0]
    if abs(label.y - y) > FONT / 2:
        end_x = label.box[0] if label.anchor == "start" else label.box[2]
        label = Label(label.text, label.x, label.y, label.anchor, (x, y, end_x, label.y))
    taken.append(label.box)
    return label


def range_chart(
    figures: Iterable[Figure],
    *,
    series_of: Callable[[Figure], tuple[str, str]],
    title: str,
    last_series: tuple[str, ...] = (),
    window_days: int = DEFAULT_WINDOW_DAYS,
    verdicts: list[Verdict] | None = None,
) -> RangeChart | None:
    """Lay out one chart of ``figures`` (which should count the same thing), or None when none is dated.

    ``series_of(figure)`` gives the (key, label) of the series a figure belongs to: the side that
    says it, for the dispute page. Series are ordered by label, those in ``last_series`` last.
    ``verdicts`` are those of claims.figures.compare_group on the same figures (computed if not given).
    """
    dated: list[tuple[Figure, Reading, date]] = []
    undated: list[Figure] = []
    readings: list[Reading] = []
    for figure in figures:
        reading = reading_of(figure)
        readings.append(reading)
        if reading.day is None:
            undated.append(figure)
        else:
            dated.append((figure, reading, reading.day))
    if not dated:
        return None
    if verdicts is None:
        verdicts = compare_group(readings, window_days=window_days)

    series_by_key: dict[str, Series] = {}

    def series_order(item: tuple[Figure, Reading, date]) -> tuple[bool, str]:
        key, label = series_of(item[0])
        return key in last_series, label

    for figure, _, _ in sorted(dated, key=series_order):
        key, label = series_of(figure)
        if key not in series_by_key:
            series_by_key[key] = Series(key=key, label=label, index=len(series_by_key), css=side_class(figure.claim))

    tops = [v for _, r, _ in dated for v in (r.low, r.high, r.value) if v is not None]
    top_value = max(tops)
    step = nice_step(top_value * 1.1 or 1)
    y_max = step * math.ceil((top_value * 1.1 or 1) / step)
    y_ticks_values = list(range(0, y_max + 1, step))
    left = math.ceil(max(text_width(f"{v:,}") for v in y_ticks_values) + 10)
    plot_top, plot_bottom = TOP, HEIGHT - BOTTOM
    plot_left, plot_right = left, WIDTH - RIGHT

    def y_of(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * (min(value, y_max) / y_max)

    days = sorted({day for _, _, day in dated})
    first, last = days[0], days[-1]
    span_days = (last - first).days
    pad = 40.0
    by_day: dict[date, list[tuple[Figure, Reading, date]]] = defaultdict(list)
    for item in sorted(dated, key=lambda i: (series_by_key[series_of(i[0])[0]].index, i[1].value, i[0].pk or 0)):
        by_day[item[2]].append(item)

    def x_of(day: date) -> float:
        if span_days == 0:
            return (plot_left + plot_right) / 2
        return plot_left + pad + (plot_right - plot_left - 2 * pad) * ((day - first).days / span_days)

    marks: list[Mark] = []
    for day in days:
        items = by_day[day]
        # on one date only, the figures share the width; over time, they stand close around their date
        spacing = min(COLUMN * 3, (plot_right - plot_left) / (len(items) + 1)) if span_days == 0 else COLUMN
        for i, (figure, reading, _) in enumerate(items):
            series = series_by_key[series_of(figure)[0]]
            x = x_of(day) + (i - (len(items) - 1) / 2) * spacing
            open_high, open_low = reading.high is None, reading.low is None
            y_top = plot_top + ARROW if open_high else y_of(reading.high)
            y_bottom = plot_bottom - ARROW if open_low else y_of(reading.low)
            claim = figure.claim
            description = (
                f"{series.label}: {figure.raw or value_label(figure)} ({value_label(figure)}), "
                f"as of {day:%d %b %Y}, {claim.story.outlet.name}"
            )
            marks.append(
                Mark(
                    figure=figure,
                    reading=reading,
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

    x_ticks: list[Tick] = []
    if span_days:
        taken: list[tuple[float, ...]] = []
        for day in days:
            text, x = f"{day.day} {day:%b %Y}", x_of(day)
            width = text_width(text)
            box = (x - width / 2, 0, x + width / 2, 1)
            if box[0] >= 0 and box[2] <= WIDTH and not any(_overlaps(box, other, 6) for other in taken):
                taken.append(box)
                x_ticks.append(Tick(x, text))

    # verdicts drawn: a band where figures of one date agree, a bracket across the gap where they differ
    bands: list[Band] = []
    mark_of = {id(m.reading): m for m in marks}
    taken = [(m.x - MARKER - 1, m.y - MARKER - 1, m.x + MARKER + 1, m.y + MARKER + 1) for m in marks]
    area = (plot_left + 2, 0, WIDTH - 2, plot_bottom - 2)
    for verdict in verdicts:
        shown = [mark_of[id(r)] for r in verdict.readings if id(r) in mark_of]
        if verdict.kind == Kind.NOT_COMPARABLE or len(shown) < 2:
            continue
        x1, x2 = min(m.x for m in shown) - MARKER - 3, max(m.x for m in shown) + MARKER + 3
        if verdict.kind == Kind.AGREE:
            y1 = plot_top if verdict.high is None else y_of(verdict.high) - 2
            y2 = plot_bottom if verdict.low is None else y_of(verdict.low) + 2
            bands.append(Band(verdict, x1, x2, y1, y2))
        else:
            y1, y2 = y_of(verdict.high), y_of(verdict.low)
            bands.append(Band(verdict, x1, x2, y1, y2))
    for mark in marks:
        mark.text = place_label(mark.label, mark.x, mark.y, taken=taken, area=area)
    for i, band in enumerate(bands):
        if band.verdict.kind == Kind.DIFFER:
            label = place_label(
                f"{band.verdict.distance:,} apart", band.x2, (band.y1 + band.y2) / 2, taken=taken, area=area
            )
            bands[i] = Band(band.verdict, band.x1, band.x2, band.y1, band.y2, label)

    return RangeChart(
        title=title,
        marks=marks,
        series=list(series_by_key.values()),
        x_ticks=x_ticks,
        y_ticks=[Tick(y_of(v), f"{v:,}") for v in y_ticks_values],
        left=left,
        verdicts=verdicts,
        bands=bands,
        undated=undated,
        one_day=first if span_days == 0 else None,
    )


def group_title(figure: Figure) -> str:
    """What a group of comparable figures counts: "Killed, Azerbaijan civilians, in <scope>"."""
    return reading_of(figure).what


def comparable_charts(
    figures: Iterable[Figure],
    *,
    series_of: Callable[[Figure], tuple[str, str]],
    last_series: tuple[str, ...] = (),
    window_days: int = DEFAULT_WINDOW_DAYS,
    limit: int | None = None,
) -> tuple[list[RangeChart], list[Figure], int]:
    """One chart per group of totals that count the same thing, the groups with most figures
    first; increments ("54 more") apart. With ``limit``, only the first ``limit`` groups are laid
    out; the third value is how many groups were left out."""
    groups: dict[tuple, list[Figure]] = defaultdict(list)
    increments: list[Figure] = []
    for figure in figures:
        if figure.tally == Figure.Tally.INCREMENT:
            increments.append(figure)
        else:
            groups[reading_of(figure).key].append(figure)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), group_title(g[0])))
    shown = ordered if limit is None else ordered[:limit]
    charts = []
    for group in shown:
        chart = range_chart(
            group,
            series_of=series_of,
            title=group_title(group[0]),
            last_series=last_series,
            window_days=window_days,
        )
        if chart is not None:
            charts.append(chart)
    return charts, increments, len(ordered) - len(shown)
