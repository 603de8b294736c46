"""A claim's history as its page shows it, a newsroom record: the pghistory events of the claim and
of the rows that reference it (figures, places in disputes, links, notes), newest first, each with
who made it and what changed, field by field under the desk's labels, with values as the desk shows
them (speakers and disputes by name, choices by label, dates as dates, a figure in words), and no
internal keys or offsets. Earlier versions of the claim and of its figures (removed ones too) can
be restored from it.

The field diff is core.history's (one skip set for every history view). Building the entries is a
pure function of the events and the names (``history_entries``); ``load_names`` does the reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateField, DateTimeField, Model
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst

from claims.models import Actor, Claim, Dispute, Figure, Review, Scope, Side, Statement
from claims.models.claims import figure_text
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
# Columns the page does not show: the desk's keys, the anchor's offsets (the words are shown) and a
# figure's bounds (its text says them). A part's link to the claim is left out too (it is this one).
HIDDEN = {"key", "start", "end", "low", "high", "approximate"}
# Labels where the field's own name does not read well on the page.
LABELS = {
    "raw": "As written",
    "revision": "Story revision",
    "is_published": "Published",
    "is_public": "Public",
    "withdrawn_at": "Withdrawn",
    "withdrawn_by": "Withdrawn by",
    "withdrawal_reason": "Reason for withdrawal",
    "created_by": "Logged by",
    "needs_reanchoring": "Waiting to be re-anchored",
    "figures_disagree": "Words and figures disagree",
    "from_suggestion": "From an assistant suggestion",
    "as_of": "As of",
    "said_on": "Said on",
}
# References an entry's summary names although the event may not change them: a figure's whose and
# scope, and the dispute a changed place in a dispute is in.
SUMMARY_REFERENCES = {"claims.FigureEvent": ("whose", "scope"), "claims.ClaimDisputeEvent": ("dispute",)}
NO_USER = "the system"
UNKNOWN_USER = "the system (import or script)"
ACTIONS = {"insert": "added", "update": "changed", "delete": "removed"}


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
    action: str = ""
    summary: str = ""  # a figure in words, as the desk shows it; the dispute of a place changed
    why: str = ""  # what the system was doing, when it made the change
    figure_event: int | None = None  # a figure version that can be restored from here...
    figure_version: int | None = None  # ...with the version to check it against


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
        for name in SUMMARY_REFERENCES.get(event.pgh_model, ()):
            if (value := (event.pgh_data or {}).get(f"{name}_id")) is not None:
                wanted.setdefault(name, set()).add(value)
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


def _model_field(model: str, name: str) -> Any:
    try:
        return apps.get_model("claims", model)._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return None


def _label(model: str, name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    model_field = _model_field(model, name)
    verbose = getattr(model_field, "verbose_name", None) or name.replace("_", " ")
    return str(capfirst(verbose))


def _display(model: str, name: str, value: Any, names: Names) -> str:
    """A value as the desk shows it: records and users by name, choices by label, dates as dates."""
    if value is None or value == "":
        return "—"
    if name in REFERENCES:
        if REFERENCES[name] is None:
            return names.users.get(value, f"user #{value}")
        return names.records.get((name, value), f"#{value}")
    model_field = _model_field(model, name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, DateTimeField) and (moment := parse_datetime(str(value))):
        return date_format(timezone.localtime(moment), "j M Y, H:i")
    if isinstance(model_field, DateField) and (day := parse_date(str(value))):
        return date_format(day, "j M Y")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def figure_summary(data: dict[str, Any], names: Names) -> str:
    """A figure's values from a history event, in the words the desk uses for a figure."""
    if "value" not in data:
        return ""
    return figure_text(
        qualifier=data.get("qualifier", ""),
        value=data["value"],
        measure=data.get("measure", ""),
        counted=data.get("counted", ""),
        whose=_named(names, "whose", data.get("whose_id")),
        scope=_named(names, "scope", data.get("scope_id")),
        tally=data.get("tally", ""),
        as_of=_display("Figure", "as_of", data.get("as_of"), names) if data.get("as_of") else None,
    )


def _named(names: Names, name: str, pk: Any) -> str | None:
    return names.records.get((name, pk), f"#{pk}") if pk is not None else None


def history_entries(
    events: Iterable[Any],
    names: Names,
    *,
    current_version: int,
    figure_versions: Mapping[int, int | None] | None = None,
) -> list[HistoryEntry]:
    """The page's entries for ``events`` (pghistory ``Events`` rows, newest first). An earlier
    version of the claim itself can be restored; the current one cannot. So can a figure's, given
    ``figure_versions``: each figure's current version, or None for one removed (whose last
    version is then the one to check against: that of its removal)."""
    entries = []
    figure_versions = figure_versions or {}
    removed_at: dict[int, int] = {}
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
            action=("created" if model == "Claim" and event.pgh_label == "insert" else "")
            or ACTIONS.get(event.pgh_label, event.pgh_label),
            why=str((event.pgh_context or {}).get("action") or ""),
        )
        update = event.pgh_label == "update"
        for change in event_changes(event):
            name = change.column.removesuffix("_id")
            if name in HIDDEN or (name == "claim" and model != "Claim"):
                continue
            if model == "Figure" and not update:
                continue  # its summary says it all
            entry.changes.append(
                Change(
                    name=_label(model, name),
                    before=_display(model, name, change.before, names) if update else "",
                    after=_display(model, name, change.after, names),
                    diff=word_diff(str(change.before or ""), str(change.after or ""))
                    if update and change.column in TEXT_FIELDS
                    else None,
                )
            )
        if model == "Figure":
            entry.summary = figure_summary(data, names)
            _figure_restore(entry, event, data, figure_versions, removed_at)
        if model == "ClaimDispute" and update:
            entry.summary = _named(names, "dispute", data.get("dispute_id")) or ""  # which place changed
        if model == "Claim" and event.pgh_id and data.get("version") != current_version:
            entry.restorable_event = event.pgh_id
        entries.append(entry)
    return entries


def _figure_restore(
    entry: HistoryEntry, event: Any, data: dict, figure_versions: Mapping[int, int | None], removed_at: dict
) -> None:
    """Offer to restore a figure's version other than the current one; for a removed figure, each
    of its versions, checked against the version it was removed at (events come newest first)."""
    obj = data.get("id")
    if obj not in figure_versions or not event.pgh_id:
        return
    current = figure_versions[obj]
    if current is None:
        removed_at.setdefault(obj, data.get("version"))
        entry.figure_event, entry.figure_version = event.pgh_id, removed_at[obj]
    elif data.get("version") != current:
        entry.figure_event, entry.figure_version = event.pgh_id, current


def claim_history(events: list[Any], claim: Claim) -> list[HistoryEntry]:
    """The entries for a page of the claim's events, with the names they show and the figures'
    versions now (None for one removed; one query)."""
    figure_ids = {int(e.pgh_obj_id) for e in events if e.pgh_model == "claims.FigureEvent" and e.pgh_obj_id}
    current = dict(Figure.objects.filter(pk__in=figure_ids).values_list("pk", "version"))
    return history_entries(
        events,
        load_names(*wanted_names(events)),
        current_version=claim.version,
        figure_versions={pk: current.get(pk) for pk in figure_ids},
    )
