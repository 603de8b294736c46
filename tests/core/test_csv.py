"""Spreadsheet cells that would run as formulas are neutralised (core.csv)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+3", "'+3"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("", ""),
        (12, 12),
    ],
)
def test_neutralise_cell(value, expected):
    from core.csv import neutralise_cell

    assert neutralise_cell(value) == expected
