"""Anchors are found by the server from the quote; figures get bounds from their qualifier."""

from __future__ import annotations

import pytest

from claims.anchoring import AnchorError, find_anchor, reanchor
from claims.figures import figure_bounds

BODY = "He said “no”. Later he said “no” again, in Gəncə — 13 killed.\nThen 😀 said “no”."


def test_offsets_are_code_points_not_utf16_units():
    anchor = find_anchor(BODY, "said “no”.", prefix="Then 😀 ")
    assert BODY[anchor.start : anchor.end] == "said “no”."
    assert anchor.start == BODY.index("Then 😀 said") + len("Then 😀 ")


def test_repeated_quote_is_refused_without_a_way_to_tell_occurrences_apart():
    with pytest.raises(AnchorError, match="occurs 3 times"):
        find_anchor(BODY, "said “no”")


def test_occurrence_prefix_and_hint_each_pick_one_occurrence():
    second = BODY.index("said “no”", BODY.index("said “no”") + 1)
    assert find_anchor(BODY, "said “no”", occurrence=2).start == second
    assert find_anchor(BODY, "said “no”", prefix="Later he ").start == second
    assert find_anchor(BODY, "said “no”", hint_start=second + 2).start == second


def test_missing_or_empty_quote_is_refused():
    with pytest.raises(AnchorError, match="not found"):
        find_anchor(BODY, "14 killed")
    with pytest.raises(AnchorError, match="empty"):
        find_anchor(BODY, "  ")
    with pytest.raises(AnchorError, match="no occurrence 4"):
        find_anchor(BODY, "said “no”", occurrence=4)


def test_reanchor_follows_the_quote_into_a_new_revision_or_gives_up():
    old = find_anchor(BODY, "13 killed")
    new_body = "Update: more fighting. " + BODY
    moved = reanchor(new_body, old.quote, old.prefix, old.suffix)
    assert moved is not None and new_body[moved.start : moved.end] == "13 killed"
    assert reanchor(BODY.replace("13 killed", "15 killed"), old.quote, old.prefix, old.suffix) is None


@pytest.mark.parametrize(
    ("qualifier", "value", "expected"),
    [
        ("exact", 63, (63, 63, False)),
        ("at_least", 60, (60, None, False)),
        ("more_than", 40, (41, None, False)),
        ("over", 1700, (1701, None, False)),
        ("up_to", 30, (None, 30, False)),
        ("about", 1000, (1000, 1000, True)),
        ("nearly", 200, (200, 200, True)),
        ("some", 24, (24, 24, True)),
    ],
)
def test_figure_bounds_follow_the_qualifier(qualifier, value, expected):
    assert figure_bounds(qualifier, value) == expected


def test_unknown_qualifier_and_negative_counts_are_refused():
    with pytest.raises(ValueError, match="Unknown qualifier"):
        figure_bounds("roughly-ish", 3)
    with pytest.raises(ValueError, match="negative"):
        figure_bounds("exact", -1)
