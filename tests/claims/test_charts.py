"""Range chart geometry (claims.charts)."""

from __future__ import annotations

from datetime import date

import pytest

from claims import services
from claims.models import Figure
from tests.factories import (
    ActorFactory,
    SideFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db


def test_range_chart_draws_open_ends_as_arrows_and_tells_series_apart_by_shape(editor):
    from claims.charts import range_chart

    story = StoryFactory(body="At least 60 died. Up to 70 died. Exactly 65 died.", published_on=date(2020, 10, 21))
    sides = [SideFactory(), SideFactory(), SideFactory()]
    qualifiers = [
        ("At least 60 died.", "at_least", 60),
        ("Up to 70 died.", "up_to", 70),
        ("Exactly 65 died.", "exact", 65),
    ]
    for side, (quote, qualifier, value) in zip(sides, qualifiers, strict=True):
        services.claim_log(
            story=story,
            author=editor,
            quote=quote,
            speaker=ActorFactory(side=side),
            figures=[services.FigureInput(measure="killed", value=value, qualifier=qualifier)],
        )
    figures = list(
        Figure.objects.filter(claim__story=story).select_related("claim__speaker__side", "claim__story__outlet")
    )
    chart = range_chart(
        figures, series_of=lambda f: (str(f.claim.speaker.side_id), f.claim.speaker.side.name), title="Killed"
    )
    marks = {m.figure.value: m for m in chart.marks}
    assert marks[60].open_high and not marks[60].open_low and marks[60].y_top < marks[60].y_bottom
    assert marks[70].open_low and not marks[70].open_high
    assert not marks[65].open_high and not marks[65].open_low and marks[65].y_top == marks[65].y_bottom
    assert len({s.shape for s in chart.series}) == 3
    assert marks[60].label == "≥60" and marks[70].label == "≤70"
    # every mark sits inside the plot
    assert all(chart.plot_top <= m.y_top <= m.y <= m.y_bottom <= chart.plot_bottom for m in chart.marks)


def test_a_chart_of_one_date_has_no_time_axis_draws_the_agreement_and_labels_that_never_overlap(editor):
    from claims.charts import _overlaps, range_chart

    story = StoryFactory(body="63 died. At least 60 died. About 61 died. 62 died.", published_on=date(2020, 10, 21))
    side = SideFactory()
    for quote, qualifier, value in [
        ("63 died.", "exact", 63),
        ("At least 60 died.", "at_least", 60),
        ("About 61 died.", "about", 61),
        ("62 died.", "exact", 62),
    ]:
        services.claim_log(
            story=story,
            author=editor,
            quote=quote,
            speaker=ActorFactory(side=side),
            figures=[services.FigureInput(measure="killed", value=value, qualifier=qualifier)],
        )
    figures = list(
        Figure.objects.filter(claim__story=story).select_related("claim__speaker__side", "claim__story__outlet")
    )
    chart = range_chart(figures, series_of=lambda f: ("one", "One side"), title="Killed")
    assert chart.x_ticks == [] and chart.one_day == date(2020, 10, 21)
    assert [v.kind for v in chart.verdicts] == ["differ"]  # 62 and 63 do not overlap
    assert chart.bands and chart.bands[0].label.text == "1 apart"
    boxes = [label.box for label in chart.labels]
    assert not any(_overlaps(a, b, 0) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert all(box[0] >= 0 and box[2] <= chart.width for box in boxes)
    # the side's class in the story reader names its colour and shape here too
    assert chart.series[0].css.startswith("side-")
