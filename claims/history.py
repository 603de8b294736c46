"""A claim's history as its page shows it: the pghistory events of the claim and of the rows that
reference it (figures, places in disputes, links, notes), newest first, each with who made it and
what changed, field by field, with names for the records a column points at.

The field diff is core.history's (one skip set for every history view). Building the entries is a
pure function of the events and the names (``history_entries``); ``load_names`` does the reading.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model

from claims.models import Actor, Claim, Dispute, Review, Scope, Side, Statement
from core.diffing import word_diff
from core.history import event_changes
from sources.models import Outlet, Story, StoryRevision

# Columns in history events that point at other records: shown by name, not number (None: a user).
REFERENCES: dict[str, type[Model] | None] = {
    "speaker": Actor,
    "statement": Statement,
    "whose": Side,
    "blames": Side,
    "scope": Scope,
    "dispute": Dispute,
    "outlet": Outlet,
    "story": Story,
    "revision": StoryRevision,
    "claim": Claim,
    "source": Claim,
    "target": Claim,
    "supersedes": Review,
    "withdrawn_by": None,
    "created_by": None,
    "author": None,
    "reviewer": None,
    "approved_by": None,
    "recorded_by": None,
}
# Text columns whose changes are shown word by word.
TEXT_FIELDS = {"quote", "body", "reasoning", "withdrawal_reason", "description"}
# What each kind of history event is called on the page.
HISTORY_NAMES = {
    "ClaimDispute": "Place in a dispute",
    "ClaimLink": "Link",
    "ClaimVia": "Via",
    "Annotation": "Note",
}
NO_USER = "the system"
UNKNOWN_USER = "the system (import or script)"


@dataclass
class Change:
    name: str
    before: str
    after: str
    diff: list | None = None


@dataclass
class HistoryEntry:
    what: str
    label: str
    when: Any
    user: str
    changes: list[Change] = field(default_factory=list)
    restorable_event: int | None = None
    version: int | None = None


@dataclass
class Names:
    """Display names for referenced records, by (reference name, id), and for users, by id."""

    records: dict[tuple[str, Any], str] = field(default_factory=dict)
    users: dict[Any, str] = field(default_factory=dict)


def _reference(column: str) -> str | None:
    """The reference a column holds ("speaker" for speaker_id), or None for a plain value."""
    name = column.removesuffix("_id")
    return name if column.endswith("_id") and name in REFERENCES else None


def _user_of(event: Any) -> Any:
    return (event.pgh_context or {}).get("user")


def wanted_names(events: Iterable[Any]) -> tuple[dict[str, set[Any]], set[Any]]:
    """The ids whose names the entries will show: records by reference name, and users."""
    wanted: dict[str, set[Any]] = {}
    users: set[Any] = set()
    for event in events:
        if _user_of(event) is not None:
            users.add(_user_of(event))
        for change in event_changes(event):
            name = _reference(change.column)
            if name is None:
                continue
            for value in (change.before, change.after):
                if value is not None:
                    (users if REFERENCES[name] is None else wanted.setdefault(name, set())).add(value)
    return wanted, users


def load_names(wanted: dict[str, set[Any]], user_ids: set[Any]) -> Names:
    """Names for the records and users wanted: one query per kind of record."""
    by_model: dict[type[Model], set[Any]] = {}
    for name, ids in wanted.items():
        by_model.setdefault(REFERENCES[name], set()).update(ids)
    names = Names()
    for model, ids in by_model.items():
        found = {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}
        for name, ids_for_name in wanted.items():
            if REFERENCES[name] is model:
                names.records.update({(name, pk): found.get(pk, f"#{pk}") for pk in ids_for_name})
    if user_ids:
        names.users = {u.pk: u.get_username() for u in get_user_model().objects.filter(pk__in=user_ids)}
    return names


def _display(name: str, value: Any, names: Names) -> str:
    if value is None or value == "":
        return "—"
    if name not in REFERENCES:
        return str(value)
    if REFERENCES[name] is None:
        return names.users.get(value, f"user #{value}")
    return names.records.get((name, value), f"#{value}")


def history_entries(events: Iterable[Any], names: Names, *, current_version: int) -> list[HistoryEntry]:
    """The page's entries for ``events`` (pghistory ``Events`` rows, newest first). An earlier
    version of the claim itself can be restored; the current one cannot."""
    entries = []
    for event in events:
        model = event.pgh_model.split(".")[-1].removesuffix("Event")
        data = event.pgh_data or {}
        user_id = _user_of(event)
        entry = HistoryEntry(
            what=HISTORY_NAMES.get(model, model),
            label=event.pgh_label,
            when=event.pgh_created_at,
            user=names.users.get(user_id, UNKNOWN_USER) if user_id is not None else NO_USER,
            version=data.get("version") if model == "Claim" else None,
        )
        update = event.pgh_label == "update"
        for change in event_changes(event):
            name = change.column.removesuffix("_id")
            entry.changes.append(
                Change(
                    name=name.replace("_", " "),
                    before=_display(name, change.before, names) if update else "",
                    after=_display(name, change.after, names),
                    diff=word_diff(str(change.before or ""), str(change.after or ""))
                    if update and change.column in TEXT_FIELDS
                    else None,
                )
            )
        if model == "Claim" and event.pgh_id and data.get("version") != current_version:
            entry.restorable_event = event.pgh_id
        entries.append(entry)
    return entries


def claim_history(events: list[Any], claim: Claim) -> list[HistoryEntry]:
    """The entries for a page of the claim's events, with the names they show."""
    return history_entries(events, load_names(*wanted_names(events)), current_version=claim.version)
