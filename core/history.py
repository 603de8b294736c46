"""History of every change an editor makes: django-pghistory triggers record who, when, before and
after; these helpers register models with it and read field changes back out of it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pghistory
import pghistory.core
from django.db import models
from django.utils.text import capfirst


# Full history (who, when, before and after) for everything an editor changes, written by
# database triggers so bulk and raw writes are caught too.
def track_history(model: type[models.Model]) -> type[models.Model]:
    """Record insert, update and delete events of ``model`` (search vectors left out)."""
    exclude = [f.name for f in model._meta.concrete_fields if isinstance(f, models.GeneratedField)]
    pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), exclude=exclude or None)(
        model
    )
    return model


# Noise in a history diff: every save changes them.
HISTORY_SKIP = {"updated_at", "search_vector"}


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
    changed = []
    for name in names:
        try:
            field = type(instance)._meta.get_field(name)
        except Exception:  # noqa: S112 - a form-only field has no history
            continue
        if not field.concrete or field.many_to_many or name in HISTORY_SKIP:
            continue
        if getattr(then, field.attname, None) != getattr(current, field.attname, None):
            changed.append(str(capfirst(field.verbose_name)))
    return changed


def describe_values(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (key, "" if value is None else str(value))
        for key, value in data.items()
        if key not in HISTORY_SKIP and key not in {"id", "version"} and value not in (None, "", [], {})
    ][:8]
