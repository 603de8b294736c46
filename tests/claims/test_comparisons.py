"""The spread verdict (claims.figures.compare): ranges, not values; totals only on one date."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.figures import Kind, Reading, compare, compare_group, compared_bounds, tolerance, trends_of

OCT9, OCT21 = date(2020, 10, 9), date(2020, 10, 21)


def r(value, qualifier="exact", **kwargs):
    kwargs.setdefault("day", OCT21)
    return Reading.of(value, qualifier, **kwargs)


CASES = [
    # (a, b, kind, distance)
    (r(63), r(60, "at_least"), Kind.AGREE, 0),
    (r(63), r(50, "up_to"), Kind.DIFFER, 13),
    (r(63), r(63), Kind.AGREE, 0),
    (r(63), r(60), Kind.DIFFER, 3),
    (r(60), r(60, "more_than"), Kind.DIFFER, 1),
    (r(61), r(60, "more_than"), Kind.AGREE, 0),
    (r(60, "over"), r(50, "up_to"), Kind.DIFFER, 11),
    (r(60, "at_least"), r(70, "at_least"), Kind.AGREE, 0),  # both open above
    (r(60, "up_to"), r(70, "up_to"), Kind.AGREE, 0),
    (r(60, "at_least"), r(60, "up_to"), Kind.AGREE, 0),  # they touch at 60
    (r(1000, "about"), r(1100), Kind.AGREE, 0),  # about 1,000 reaches 900..1,100
    (r(1000, "about"), r(1150), Kind.DIFFER, 50),
    (r(200, "nearly"), r(185), Kind.AGREE, 0),  # nearly 200 = 180..200
    (r(200, "nearly"), r(210), Kind.DIFFER, 10),
    (r(24, "some"), r(13), Kind.DIFFER, 9),  # some 24 = 22..26
]


@pytest.mark.parametrize(("a", "b", "kind", "distance"), CASES)
def test_a_verdict_compares_ranges_not_values(a, b, kind, distance):
    verdict = compare([a, b])
    assert verdict.kind == kind
    assert verdict.distance == distance


@pytest.mark.parametrize(
    ("b", "reason"),
    [
        (r(54, tally="increment"), "“54 more” is an increment, never compared with a total"),
        (r(60, measure="wounded"), "different measures (Killed vs Wounded)"),
        (r(60, counted="soldiers"), "different measures (Killed vs Killed, soldiers)"),
        (r(60, whose="Azerbaijan"), "different whose (Armenia vs Azerbaijan)"),
        (r(60, scope="Ganja"), "different scopes (Ganja vs no scope)"),
        (r(49, day=OCT9), "different as-of dates (9 Oct 2020 vs 21 Oct 2020)"),
        (r(49, day=None), "a figure has no as-of date"),
    ],
)
def test_figures_that_do_not_count_the_same_thing_on_the_same_date_are_not_compared(b, reason):
    a = r(63, whose="Armenia") if "whose" in reason else r(63)
    if "whose" not in reason:
        b = Reading(**{**b.__dict__})
    verdict = compare([a, b])
    assert verdict.kind == Kind.NOT_COMPARABLE
    assert verdict.distance is None
    assert verdict.reason == reason


def test_totals_on_different_dates_are_compared_within_the_window_the_dispute_sets():
    assert compare([r(63), r(49, day=OCT9)], window_days=12).kind == Kind.DIFFER
    assert compare([r(63), r(49, day=OCT9)], window_days=11).kind == Kind.NOT_COMPARABLE


def test_one_sources_totals_on_different_dates_are_a_trend_and_a_fall_is_flagged():
    rising = [r(49, day=OCT9, source="Ministry"), r(63, source="Ministry")]
    (verdict,) = compare_group(rising)
    assert verdict.kind == Kind.NOT_COMPARABLE
    (trend,) = verdict.trends
    assert trend.summary() == "Ministry: 63 on 21 Oct 2020, up from 49 on 9 Oct 2020."
    assert not trend.fell
    (falling,) = trends_of([r(63, day=OCT9, source="Ministry"), r(50, "up_to", source="Ministry")])
    assert falling.fell
    assert "down from 63 on 9 Oct 2020. A later total is below an earlier one" in falling.summary()
    (level,) = trends_of([r(63, day=OCT9, source="M"), r(60, "at_least", source="M")])
    assert not level.fell and "in line with" in level.summary()


def test_a_group_compares_on_each_shared_date_and_states_the_trends():
    readings = [
        r(49, day=OCT9, source="Ministry"),
        r(63, source="Ministry"),
        r(60, "at_least", source="Prosecutor"),
    ]
    (verdict,) = compare_group(readings)
    assert verdict.kind == Kind.AGREE
    assert verdict.low == 63 and verdict.high == 63
    assert [t.source for t in verdict.trends] == ["Ministry"]
    assert verdict.summary().startswith(
        "Agree. Killed, as of 21 Oct 2020: at least 60 (Prosecutor); 63 (Ministry). The ranges overlap (63)."
    )


def test_sources_that_never_share_a_date_cannot_be_compared():
    (verdict,) = compare_group([r(200, "nearly", day=date(2020, 10, 2), source="TRT"), r(1000, "about", source="AFP")])
    assert verdict.kind == Kind.NOT_COMPARABLE
    assert verdict.reason == "different as-of dates (2 Oct 2020 vs 21 Oct 2020)"
    assert "apart" not in verdict.summary()


def test_tolerance_is_ten_percent_rounded_and_at_least_one():
    assert [tolerance(v) for v in (0, 5, 24, 200, 1000)] == [1, 1, 2, 20, 100]
    assert compared_bounds("about", 1000, 1000, 1000) == (900, 1100)
    assert compared_bounds("nearly", 200, 200, 200) == (180, 200)
    assert compared_bounds("at_least", 60, 60, None) == (60, None)


QUALIFIERS = ["exact", "at_least", "more_than", "over", "up_to", "about", "nearly", "some"]
readings = st.builds(
    lambda value, qualifier: Reading.of(value, qualifier, day=OCT21),
    st.integers(min_value=0, max_value=5000),
    st.sampled_from(QUALIFIERS),
)


def _intersect(a: Reading, b: Reading) -> bool:
    low = max(x for x in (a.low, b.low, -1) if x is not None)
    high = min(x for x in (a.high, b.high, 10**9) if x is not None)
    return low <= high


@given(readings, readings)
def test_a_verdict_is_symmetric_and_agrees_exactly_when_the_ranges_intersect(a, b):
    one, other = compare([a, b]), compare([b, a])
    assert (one.kind, one.distance, one.low, one.high) == (other.kind, other.distance, other.low, other.high)
    assert (one.kind == Kind.AGREE) == _intersect(a, b)
    if one.kind == Kind.DIFFER:
        assert one.distance == one.high - one.low > 0


@given(st.lists(readings, min_size=2, max_size=6))
def test_a_group_agrees_exactly_when_every_pair_does_and_differs_by_the_widest_gap(group):
    verdict = compare(group)
    pairs = [compare([a, b]) for i, a in enumerate(group) for b in group[i + 1 :]]
    assert (verdict.kind == Kind.AGREE) == all(p.kind == Kind.AGREE for p in pairs)
    if verdict.kind == Kind.DIFFER:
        assert verdict.distance == max(p.distance for p in pairs)
