"""Optimistic concurrency for every model an editor changes.

Each such model carries a ``version`` number. A save names the version it was based on; the
database update only goes through while that is still the current version, so two editors
saving the same record never overwrite each other silently: the second gets ``EditConflict``
naming what changed since they opened it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import F

from core.errors import DomainError


class Versioned(models.Model):
    """Adds the version number used for optimistic concurrency."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class EditConflict(DomainError):
    """A save was based on a version that is no longer current."""

    def __init__(self, instance: models.Model, expected_version: int, current: models.Model | None):
        self.instance = instance
        self.expected_version = expected_version
        self.current = current
        current_version = getattr(current, "version", None)
        name = instance._meta.verbose_name
        if current is None:
            message = f"This {name} no longer exists."
        else:
            message = (
                f"This {name} was changed by someone else since you opened it "
                f"(you had version {expected_version}, it is now version {current_version})."
            )
        super().__init__(message)

    def changed_fields(self, attempted: dict[str, Any] | None = None) -> list[str]:
        """Fields whose current value differs from the one in the stale instance."""
        if self.current is None:
            return []
        names = attempted.keys() if attempted else [f.attname for f in self.current._meta.concrete_fields]
        return [
            name
            for name in names
            if name != "version" and getattr(self.current, name, None) != getattr(self.instance, name, None)
        ]


V = TypeVar("V", bound=Versioned)


def save_versioned(instance: V, *, expected_version: int, fields: list[str]) -> V:
    """Write ``fields`` of ``instance`` if the stored row is still at ``expected_version``.

    Raises ``EditConflict`` otherwise. On success the instance carries its new version.
    """
    model = type(instance)
    attnames = [model._meta.get_field(name).attname for name in fields]
    values = {attname: getattr(instance, attname) for attname in attnames}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        from django.utils import timezone

        values["updated_at"] = timezone.now()
        instance.updated_at = values["updated_at"]
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        **values, version=F("version") + 1
    )
    if updated != 1:
        current = model._default_manager.filter(pk=instance.pk).first()
        raise EditConflict(instance, expected_version, current)
    instance.version = expected_version + 1
    return instance
