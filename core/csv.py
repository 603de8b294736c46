"""CSV cells safe to open in a spreadsheet.

A cell starting with =, +, -, @, a tab or a carriage return would run as a formula (CSV
injection); OWASP's advice is to prefix it with an apostrophe. Every CSV the desk writes goes
through ``neutralise_cell``.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """Prefix text a spreadsheet would evaluate with an apostrophe; None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
