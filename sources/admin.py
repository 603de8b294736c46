"""The Django admin for outlets and stories, and the admin machinery the claims app shares.

The admin is the desk's fallback editor, so it obeys the desk's rules:

- **No silent overwrite.** Every change form of a versioned model carries the version it was
  opened at (a hidden ``expected_version``). Saving locks the row and compares: if someone else
  saved since, the form shows an error naming the conflict (and which fields they changed)
  instead of overwriting; the save itself goes through ``sources.versioning.save_versioned``.
- **History visible.** The "History" button shows the object's django-pghistory events (who,
  when, what changed, written by database triggers, so desk, API, import and raw SQL changes are
  all there), together with the events of the rows edited inline (aliases, figures, ...).
- **Imports go through the importer.** Adding a story here uploads (or pastes) its text and runs
  ``sources.importers.import_story_file``, the same path as ``manage.py import_stories``;
  revisions are read-only and never deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pghistory.core
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import capfirst
from pghistory.models import Events

from sources.errors import DomainError
from sources.importers import StoryMeta, import_story_file, read_story_file
from sources.models import Outlet, Story, StoryRevision, StorySource
from sources.versioning import EditConflict, Versioned, save_versioned

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
# Noise in a history diff: every save changes them.
_HISTORY_SKIP = {"updated_at", "search_vector"}


# --- Optimistic concurrency -------------------------------------------------------------------


def _event_model(model: type[models.Model]) -> type[models.Model] | None:
    """The pghistory event model that tracks ``model`` (with a pgh_obj link), if any."""
    found = [m for m in pghistory.core.event_models(tracks_model=model) if hasattr(m, "pgh_obj")]
    return found[0] if found else None


def fields_changed_since(instance: Versioned, version: int, current: Versioned, names: Iterable[str]) -> list[str]:
    """Labels of the fields among ``names`` whose value changed after ``version`` (from history)."""
    event_model = _event_model(type(instance))
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
        if not field.concrete or field.many_to_many or name in _HISTORY_SKIP:
            continue
        if getattr(then, field.attname, None) != getattr(current, field.attname, None):
            changed.append(str(capfirst(field.verbose_name)))
    return changed


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


def _describe_values(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (key, "" if value is None else str(value))
        for key, value in data.items()
        if key not in _HISTORY_SKIP and key not in {"id", "version"} and value not in (None, "", [], {})
    ][:8]


class HistoryAdminMixin:
    """The History button shows the database-level history of the object and its inline rows."""

    history_template = "admin/claimdesk/object_history.html"
    history_limit = 300

    def _child_event_models(self) -> list[type[models.Model]]:
        children: list[type[models.Model]] = []
        for inline in self.inlines:
            event_model = _event_model(inline.model)
            if event_model is not None and event_model not in children:
                children.append(event_model)
        return children

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        event_model = _event_model(self.model)
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
            if event.pgh_label == "update":
                changes = [
                    (key, "" if old is None else str(old), "" if new is None else str(new))
                    for key, (old, new) in sorted((event.pgh_diff or {}).items())
                    if key not in _HISTORY_SKIP
                ]
                values = []
            else:
                changes = []
                values = _describe_values(event.pgh_data or {})
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


class DeskAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Admin for models without a version number (inline-sized rows)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class DeskVersionedAdmin(HistoryAdminMixin, VersionedAdmin):
    """Admin for versioned models."""


# --- Outlets and stories ----------------------------------------------------------------------


@admin.register(Outlet)
class OutletAdmin(DeskVersionedAdmin):
    list_display = ["name", "key", "kind", "country", "state_affiliated", "licence"]
    list_filter = ["kind", "state_affiliated", "licence", "country"]
    search_fields = ["name", "key", "homepage"]
    ordering = ["name"]


class StorySourceInline(admin.TabularInline):
    model = StorySource
    fk_name = "story"
    extra = 0
    autocomplete_fields = ["outlet"]
    verbose_name = "carried from"
    verbose_name_plural = "carried from (agency copy it runs, outlets it cites)"


class StoryRevisionInline(admin.TabularInline):
    """The story's texts, newest last; read-only (a changed text is imported as a new revision)."""

    model = StoryRevision
    extra = 0
    fields = ["number", "created_at", "source_name", "content_hash", "created_by"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StoryImportForm(VersionedAdminForm):
    """Adding a story in the admin imports its text, as ``manage.py import_stories`` does."""

    url = forms.URLField(
        required=False,
        max_length=Story._meta.get_field("url").max_length,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    file = forms.FileField(required=False, help_text="A UTF-8 plain-text or HTML file.")
    text = forms.CharField(
        required=False, widget=forms.Textarea, help_text="Or paste the text here, exactly as published."
    )

    class Meta:
        model = Story
        fields = [
            "outlet",
            "headline",
            "url",
            "published_on",
            "published_precision",
            "byline",
            "dateline",
            "language",
            "translated_from",
            "machine_translated",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("text")
        if bool(upload) == bool(text):
            raise ValidationError("Give the story's text: upload a file or paste it, not both.")
        name = upload.name if upload else "pasted text"
        data = upload.read() if upload else text.encode("utf-8")
        try:
            read_story_file(name, data)
        except DomainError as error:
            raise ValidationError({"file" if upload else "text": error.message}) from error
        cleaned["_story_file"] = (name, data)
        return cleaned


@admin.register(Story)
class StoryAdmin(DeskVersionedAdmin):
    list_display = ["headline", "outlet", "published_on", "language", "machine_translated", "revision_count"]
    list_filter = ["outlet", "published_precision", "language", "machine_translated", "published_on"]
    list_select_related = ["outlet"]
    search_fields = ["headline", "url", "byline", "dateline", "key", "outlet__name"]
    autocomplete_fields = ["outlet"]
    date_hierarchy = "published_on"
    inlines = [StorySourceInline, StoryRevisionInline]
    readonly_fields = ["current_revision"]
    exclude = ["carried_from"]  # edited through the inline, with the relation

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).annotate(revision_total=models.Count("revisions"))

    @admin.display(description="revisions", ordering="revision_total")
    def revision_count(self, story: Story) -> int:
        return story.revision_total

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = StoryImportForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        if obj is None:
            return [*StoryImportForm.Meta.fields, "file", "text"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list:
        return [] if obj is None else super().get_inlines(request, obj)

    def save_model(self, request: HttpRequest, obj: Story, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        name, data = form.cleaned_data["_story_file"]
        data_fields = form.cleaned_data
        meta = StoryMeta(
            outlet=data_fields["outlet"].key,
            headline=data_fields["headline"],
            url=data_fields.get("url") or None,
            published=data_fields.get("published_on"),
            published_precision=data_fields.get("published_precision"),
            byline=data_fields.get("byline") or None,
            dateline=data_fields.get("dateline") or None,
            language=data_fields.get("language") or None,
            translated_from=data_fields.get("translated_from") or None,
            machine_translated=data_fields.get("machine_translated"),
        )
        result = import_story_file(name=name, data=data, meta=meta, author=request.user)
        obj.pk = result.story.pk
        obj.refresh_from_db()
        obj._state.adding = False
        if result.outcome == "unchanged":
            self.message_user(
                request,
                f"This text was already imported for {result.story.outlet} as “{result.story.headline}”: "
                "nothing was added.",
                messages.WARNING,
            )
        elif result.outcome == "new revision":
            self.message_user(
                request,
                f"The URL is an existing story's: its text was added as revision {result.revision.number}.",
                messages.WARNING,
            )
        elif result.republication_of:
            originals = ", ".join(str(story.outlet) for story in result.republication_of)
            self.message_user(request, f"Recognised as republication of copy from {originals}.", messages.INFO)


@admin.register(StoryRevision)
class StoryRevisionAdmin(DeskAdmin):
    """Revisions are immutable (a database trigger refuses changes to the text) and never deleted."""

    list_display = ["story", "number", "created_at", "source_name", "created_by"]
    list_select_related = ["story__outlet", "created_by"]
    list_filter = ["story__outlet"]
    search_fields = ["story__headline", "source_name", "content_hash"]
    readonly_fields = [
        "story",
        "number",
        "body",
        "raw_html",
        "content_hash",
        "source_name",
        "created_by",
        "created_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StorySource)
class StorySourceAdmin(DeskAdmin):
    list_display = ["story", "relation", "outlet"]
    list_select_related = ["story__outlet", "outlet"]
    list_filter = ["relation", "outlet"]
    search_fields = ["story__headline", "outlet__name"]
    autocomplete_fields = ["story", "outlet"]
