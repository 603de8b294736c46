"""History of every change an editor makes: django-pghistory triggers record who, when, before and
after; these helpers register models with it and read field changes back out of it.

``field_changes`` is the one field diff: the admin's History page and its edit-conflict message
(core.admin) and the claim page's history (claims.history) all use it, with one skip set."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pghistory
import pghistory.core
from django.db import models
from django.utils.text import capfirst

# Facts the database keeps on a row from other rows (claims/visibility.py's ``partner_visible``):
# not an editor's change, so not history; the changes that move them are recorded where they happen.
MAINTAINED_FIELDS = frozenset({"partner_visible"})


# Full history (who, when, before and after) for everything an editor changes, written by
# database triggers so bulk and raw writes are caught too.
def track_history(model: type[models.Model]) -> type[models.Model]:
    """Record insert, update and delete events of ``model`` (search vectors and maintained facts left out)."""
    exclude = [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.GeneratedField) or f.name in MAINTAINED_FIELDS
    ]
    pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), exclude=exclude or None)(
        model
    )
    return model


# Bookkeeping left out of every history diff: the admin's History page, the claim page's history
# and the admin's "changed since you opened it" all read field changes through field_changes()
# below, so they agree on what counts as a change. Left out are the columns every save changes
# (version, updated_at, the generated search vector), those the system sets once (id, public_id,
# created_at, the event's link to its row) and a claim's prefix and suffix, which follow from its
# anchor (start, end and quote, which are shown).
HISTORY_SKIP = frozenset(
    {
        "id",
        "version",
        "created_at",
        "updated_at",
        "public_id",
        "search_vector",
        "pgh_obj",
        "pgh_obj_id",
        "prefix",
        "suffix",
    }
)
# Values a new row's fields hold when nothing was set: not worth a line in its history. (``in``
# compares with ==, so 0 counts as unset too, like False.)
UNSET = (None, "", False, [], {})


@dataclass(frozen=True)
class FieldChange:
    """One column's value before and after (``before`` is None for a row's first values)."""

    column: str
    before: Any
    after: Any


def field_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[FieldChange]:
    """The columns whose value differs between two snapshots of a row, sorted by column, HISTORY_SKIP
    left out. With ``before=None`` (a row as created, or as deleted) the columns holding a value."""
    if before is None:
        return [
            FieldChange(column, None, value)
            for column, value in sorted(after.items())
            if column not in HISTORY_SKIP and value not in UNSET
        ]
    return [
        FieldChange(column, before.get(column), after.get(column))
        for column in sorted(before.keys() | after.keys())
        if column not in HISTORY_SKIP and before.get(column) != after.get(column)
    ]


def event_changes(event: Any) -> list[FieldChange]:
    """What one django-pghistory event changed (an aggregate ``Events`` row): an update's columns
    before and after; an insert's or a delete's values."""
    if event.pgh_label == "update":
        diff = event.pgh_diff or {}
        return field_changes({c: old for c, (old, _) in diff.items()}, {c: new for c, (_, new) in diff.items()})
    return field_changes(None, event.pgh_data or {})


def event_model_of(model: type[models.Model]) -> type[models.Model] | None:
    """The pghistory event model that tracks ``model`` (with a pgh_obj link), if any."""
    found = [m for m in pghistory.core.event_models(tracks_model=model) if hasattr(m, "pgh_obj")]
    return found[0] if found else None


def fields_changed_since(
    instance: models.Model, version: int, current: models.Model, names: Iterable[str]
) -> list[str]:
    """Labels of the fields among ``names`` whose value changed after ``version`` (from history)."""
    event_model = event_model_of(type(instance))
    if event_model is None:
        return []
    then = event_model.objects.filter(pgh_obj_id=instance.pk, version=version).order_by("-pgh_id").first()
    if then is None:
        return []
    fields = []
    for name in names:
        try:
            field = type(instance)._meta.get_field(name)
        except Exception:  # noqa: S112 - a form-only field has no history
            continue
        if field.concrete and not field.many_to_many:
            fields.append(field)
    changed = {
        change.column
        for change in field_changes(
            {f.attname: getattr(then, f.attname, None) for f in fields},
            {f.attname: getattr(current, f.attname, None) for f in fields},
        )
    }
    return [str(capfirst(f.verbose_name)) for f in fields if f.attname in changed]
