"""The admin machinery every app's admin shares: version checks on save, system fields
read-only, and the History button reading django-pghistory's events.

The admin is the desk's fallback editor, so it obeys the desk's rules:

- **No silent overwrite.** Every change form of a versioned model carries the version it was
  opened at (a hidden ``expected_version``). Saving locks the row and compares: if someone else
  saved since, the form shows an error naming the conflict (and which fields they changed)
  instead of overwriting; the save itself goes through ``core.versioning.save_versioned``.
- **History visible.** The "History" button shows the object's django-pghistory events (who,
  when, what changed, written by database triggers, so desk, API, import and raw SQL changes are
  all there), together with the events of the rows edited inline (aliases, figures, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import capfirst
from pghistory.models import Events

from core.history import event_changes, event_model_of, fields_changed_since
from core.versioning import EditConflict, save_versioned

# Fields the system keeps: shown, never edited in the admin.
SYSTEM_FIELDS = (
    "public_id",
    "version",
    "created_by",
    "created_at",
    "updated_at",
    "published_at",
    "withdrawn_at",
    "withdrawn_by",
)


class VersionedAdminForm(forms.ModelForm):
    """A change form that refuses to save over someone else's newer version."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version
            self.fields["expected_version"].required = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is None or "expected_version" not in cleaned:
            return cleaned
        expected = cleaned["expected_version"]
        model = type(self.instance)
        # The admin's change view runs in one transaction: the lock holds until the save is done,
        # so nobody can slip in between this check and the write.
        current = model._default_manager.select_for_update().filter(pk=self.instance.pk).first()
        if current is None or current.version != expected:
            conflict = EditConflict(self.instance, expected, current)
            message = conflict.message
            if current is not None:
                changed = fields_changed_since(self.instance, expected, current, self.fields)
                if changed:
                    message += f" Changed since you opened it: {', '.join(changed)}."
                message += " Your changes were not saved: open the page again to see theirs, then redo yours."
            raise ValidationError(message, code="edit_conflict")
        return cleaned


class VersionedAdmin(admin.ModelAdmin):
    """Admin for a ``Versioned`` model: version check on save, system fields read-only.

    Subclasses can add fields to write on save in :meth:`extra_save_fields` (for example
    ``published_at`` when ``is_published`` is switched on).
    """

    form = VersionedAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        own = list(super().get_readonly_fields(request, obj))
        names = {f.name for f in self.model._meta.get_fields()}
        return own + [name for name in SYSTEM_FIELDS if name in names and name not in own]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[Any, dict[str, Any]]]:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and "expected_version" not in flatten_fieldsets(fieldsets):
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [*options["fields"], "expected_version"]})
        return fieldsets

    def extra_save_fields(self, request: HttpRequest, obj: Any, form: forms.ModelForm) -> list[str]:
        """Fields set here on save besides the form's; published_at follows is_published."""
        if hasattr(obj, "is_published") and hasattr(obj, "published_at") and obj.is_published and not obj.published_at:
            obj.published_at = timezone.now()
            return ["published_at"]
        return []

    def save_model(self, request: HttpRequest, obj: Any, form: forms.ModelForm, change: bool) -> None:
        extra = self.extra_save_fields(request, obj, form)
        if not change:
            if hasattr(obj, "created_by_id") and obj.created_by_id is None:
                obj.created_by = request.user
            obj.save()
            return
        concrete = {f.name for f in self.model._meta.concrete_fields}
        fields = [name for name in form.changed_data if name in concrete] + extra
        # Every admin save counts as a new version, even one that only changed inline rows, so a
        # second editor holding the old page is told rather than overwriting.
        save_versioned(obj, expected_version=form.cleaned_data["expected_version"], fields=sorted(set(fields)))


# --- History from django-pghistory ------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class HistoryAdminMixin:
    """The History button shows the database-level history of the object and its inline rows."""

    history_template = "admin/claimdesk/object_history.html"
    history_limit = 300

    def _child_event_models(self) -> list[type[models.Model]]:
        children: list[type[models.Model]] = []
        for inline in self.inlines:
            event_model = event_model_of(inline.model)
            if event_model is not None and event_model not in children:
                children.append(event_model)
        return children

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        event_model = event_model_of(self.model)
        if event_model is None:
            return super().history_view(request, object_id, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        events = list(Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")[: self.history_limit])
        children = self._child_event_models()
        if children:
            events += list(
                Events.objects.references(obj).across(*children).order_by("-pgh_created_at")[: self.history_limit]
            )
            events.sort(key=lambda event: (event.pgh_created_at, event.pgh_id), reverse=True)
            events = events[: self.history_limit]
        user_ids = {(event.pgh_context or {}).get("user") for event in events if (event.pgh_context or {}).get("user")}
        users = get_user_model()._default_manager.in_bulk(user_ids)
        rows = []
        for event in events:
            context = event.pgh_context or {}
            tracked = event.pgh_obj_model.rsplit(".", 1)[-1]
            changes, values = [], []
            if event.pgh_label == "update":
                changes = [(c.column, _text(c.before), _text(c.after)) for c in event_changes(event)]
            else:
                values = [(c.column, _text(c.after)) for c in event_changes(event)][:8]
            rows.append(
                {
                    "when": event.pgh_created_at,
                    "label": event.pgh_label,
                    "what": tracked if event.pgh_obj_model != self.model._meta.label else "",
                    "object_id": event.pgh_obj_id,
                    "user": users.get(context.get("user")),
                    "source": context.get("command") or context.get("url") or "",
                    "changes": changes,
                    "values": values,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "rows": rows,
            "limited": len(rows) >= self.history_limit,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.history_template, context)


class ReadOnlyAdminMixin:
    """For records the system keeps (revisions, the change log, merges, dispute activity): shown in
    the admin, never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeskAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Admin for models without a version number (inline-sized rows)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class DeskVersionedAdmin(HistoryAdminMixin, VersionedAdmin):
    """Admin for versioned models."""
