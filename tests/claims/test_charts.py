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
