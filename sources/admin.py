"""The Django admin for outlets and stories (the shared machinery is in core/admin.py).

- **Imports go through the importer.** Adding a story here uploads (or pastes) its text and runs
  ``sources.importers.import_story_file``, the same path as ``manage.py import_stories``;
  revisions are read-only and never deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.http import HttpRequest

from core.admin import DeskAdmin, DeskVersionedAdmin, ReadOnlyAdminMixin, VersionedAdminForm
from core.errors import DomainError
from sources.importers import StoryMeta, import_story_file, read_story_file
from sources.models import Outlet, Story, StoryRevision, StorySource

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
class StoryRevisionAdmin(ReadOnlyAdminMixin, DeskAdmin):
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


@admin.register(StorySource)
class StorySourceAdmin(DeskAdmin):
    list_display = ["story", "relation", "outlet"]
    list_select_related = ["story__outlet", "outlet"]
    list_filter = ["relation", "outlet"]
    search_fields = ["story__headline", "outlet__name"]
    autocomplete_fields = ["story", "outlet"]
