"""When two editors change a claim at once: a three-way comparison of its editable fields.

``base`` is the claim as the editor opened it (from its history), ``current`` as it is now, and
``mine`` what the editor submitted. Values are by field name, with records as ids, so everything
here is a pure function of plain dicts; the edit view reads the values and names the records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from claims.services import CLAIM_EDITABLE_FIELDS

# The claim's editable fields and the attribute holding each (a claim or a history event row).
ATTNAMES = {
    "mode": "mode",
    "speaker": "speaker_id",
    "said_on": "said_on",
    "statement": "statement_id",
    "status": "status",
}
assert set(ATTNAMES) == set(CLAIM_EDITABLE_FIELDS)

Values = dict[str, Any]


def values_of(source: Any) -> Values:
    """The editable fields of a claim or of one of its history events, by field name."""
    return {name: getattr(source, ATTNAMES[name]) for name in CLAIM_EDITABLE_FIELDS}


def changed_fields(before: Values, after: Values, fields: Iterable[str] = CLAIM_EDITABLE_FIELDS) -> list[str]:
    """The fields among ``fields`` whose value differs, in the order given."""
    return [name for name in fields if before[name] != after[name]]


@dataclass
class MergedEdit:
    values: Values
    both_changed: list[str] = field(default_factory=list)  # changed by both editors, to different values


def merge_edits(*, base: Values, current: Values, mine: Values, fields: Iterable[str]) -> MergedEdit:
    """The current values with this editor's own changes (against ``base``) applied over them, for
    the ``fields`` they may change. Where both changed a field differently, theirs is replaced by
    mine and the field is named, so the editor can look at it again."""
    merged = MergedEdit(values=dict(current))
    for name in changed_fields(base, mine, fields):
        merged.values[name] = mine[name]
        if current[name] != base[name] and current[name] != mine[name]:
            merged.both_changed.append(name.replace("_", " "))
    return merged


@dataclass
class ConflictRow:
    name: str
    opened: str
    now: str
    yours: str
    changed_since: bool
    you_changed: bool


def conflict_rows(
    *, base: Values | None, current: Values, mine: Values, labels: Callable[[Values], dict[str, str]]
) -> list[ConflictRow]:
    """One row a field: its value when opened, now and in the editor's form, as ``labels`` shows
    them, and who changed it. Without ``base`` (its history is gone) the current values stand in."""
    base = base or current
    opened, now, yours = labels(base), labels(current), labels(mine)
    return [
        ConflictRow(
            name=name.replace("_", " "),
            opened=opened[name],
            now=now[name],
            yours=yours[name],
            changed_since=base[name] != current[name],
            you_changed=mine[name] != base[name],
        )
        for name in CLAIM_EDITABLE_FIELDS
    ]
