"""Whole numbers a user typed or posted: plain ASCII digits only, and no more than the column holds."""

from __future__ import annotations

import pytest

from core.numbers import whole_number


@pytest.mark.parametrize(
    ("raw", "digits", "expected"),
    [
        ("42", 9, 42),
        ("007", 9, 7),
        ("999999999", 9, 999_999_999),
        ("1000000000", 9, None),  # ten digits may not fit an integer column
        ("1000000000", 18, 1_000_000_000),
        ("¹²³", 9, None),  # digits to str.isdigit, not to int()
        ("٣", 9, None),  # an Arabic-Indic three
        ("-3", 9, None),
        ("3.0", 9, None),
        (" 3", 9, None),
        ("", 9, None),
        (None, 9, None),
    ],
)
def test_only_plain_digits_that_fit_are_a_number(raw, digits, expected):
    assert whole_number(raw, digits=digits) == expected
