"""Whole numbers typed or posted by a user (ids, versions, revision numbers)."""

from __future__ import annotations


def whole_number(raw: str | None, *, digits: int = 9) -> int | None:
    """``raw`` as a whole number when it is plain ASCII digits, at most ``digits`` of them (9 fits an
    integer column, 18 a bigint key), else None. ``str.isdigit`` alone also accepts '¹²³'."""
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= digits:
        return int(raw)
    return None
