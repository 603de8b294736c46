"""Outlets and the stories they publish, each story's text kept exactly, revision by revision."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import DateField, F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from core.history import track_history
from core.search import search_vector
from core.versioning import Versioned


class Outlet(Versioned):
    """Who published a story: a wire agency, newspaper, broadcaster, state channel..."""

    class Kind(models.TextChoices):
        WIRE = "wire", "Wire agency"
        NEWSPAPER = "newspaper", "Newspaper"
        BROADCASTER = "broadcaster", "Broadcaster"
        STATE_CHANNEL = "state_channel", "State or government channel"
        OTHER = "other", "Other"

    class Licence(models.TextChoices):
        QUOTES_ONLY = "quotes_only", "Metadata, quoted words and a link only"
        FULL_TEXT = "full_text", "Full text may be redistributed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(max_length=80, unique=True, help_text="Stable short name, e.g. anadolu.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    state_affiliated = models.BooleanField(default=False)
    homepage = models.URLField(blank=True)
    licence = models.CharField(max_length=20, choices=Licence.choices, default=Licence.QUOTES_ONLY)
    licence_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            # trigram lookups of outlet names in the desk's filters and the importer
            GinIndex(name="sources_outlet_name_trgm", fields=["name"], opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("claims:outlet_detail", args=[self.pk])

    @property
    def allows_full_text(self) -> bool:
        return self.licence == self.Licence.FULL_TEXT


# A story's place in the newest-first lists: its publication date, undated stories last. The
# inbox's keyset pages compare on (this, id); the indexes below hold the same expression.
STORY_NEWEST = Coalesce("published_on", Value(date.min, output_field=DateField()))


class Story(Versioned):
    """One published text. Its words live in revisions; the newest is ``current_revision``."""

    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(max_length=120, unique=True, null=True, blank=True)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="stories")
    headline = models.CharField(max_length=500)
    url = models.URLField(max_length=1000, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    dateline = models.CharField(max_length=200, blank=True, help_text="Place the story was filed from.")
    published_on = models.DateField(null=True, blank=True)
    published_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    language = models.CharField(max_length=10, default="en")
    translated_from = models.CharField(max_length=10, blank=True, help_text="Language of the original.")
    machine_translated = models.BooleanField(default=False)
    carried_from = models.ManyToManyField(Outlet, through="StorySource", related_name="carried_in", blank=True)
    current_revision = models.ForeignKey(
        "StoryRevision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=search_vector("headline", weight="A") + search_vector("byline", "dateline", weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name_plural = "stories"
        indexes = [
            # re-import of the same URL finds its story
            models.Index(name="sources_story_outlet_url", fields=["outlet", "url"]),
            # the desk's story lists, newest first
            models.Index(name="sources_story_published", fields=["-published_on", "-id"]),
            # full-text search over headlines
            GinIndex(name="sources_story_search", fields=["search_vector"]),
            # the inbox (/stories/): newest first in keyset pages, whole or by outlet or language
            models.Index(STORY_NEWEST.desc(), F("id").desc(), name="sources_story_newest"),
            models.Index(F("outlet"), STORY_NEWEST.desc(), F("id").desc(), name="sources_story_outlet_newest"),
            models.Index(F("language"), STORY_NEWEST.desc(), F("id").desc(), name="sources_story_language_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.headline} ({self.outlet})"

    def get_absolute_url(self) -> str:
        return reverse("claims:story_detail", args=[self.pk])


class StorySource(models.Model):
    """An outlet a story carries copy from, or cites as its source."""

    class Relation(models.TextChoices):
        REPUBLISHES = "republishes", "Runs its copy"
        CITES = "cites", "Cites it as a source"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="sources")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(max_length=20, choices=Relation.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "outlet", "relation"], name="sources_storysource_unique")
        ]

    def __str__(self) -> str:
        return f"{self.story_id} {self.relation} {self.outlet}"


def content_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class StoryRevision(models.Model):
    """The text of a story as imported, byte for byte but for CRLF -> LF and a leading BOM.

    Revisions are never changed after import: a changed text is a new revision.
    """

    story = models.ForeignKey(Story, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    raw_html = models.TextField(blank=True, help_text="The source HTML, when the story came as HTML.")
    content_hash = models.CharField(max_length=64)
    source_name = models.CharField(max_length=500, blank=True, help_text="File or upload it came from.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    search_vector = models.GeneratedField(
        expression=search_vector("body", weight="C"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["story", "number"]
        constraints = [
            models.UniqueConstraint(fields=["story", "number"], name="sources_revision_story_number"),
            models.UniqueConstraint(fields=["story", "content_hash"], name="sources_revision_story_hash"),
            models.CheckConstraint(condition=Q(number__gte=1), name="sources_revision_number_positive"),
            models.CheckConstraint(condition=~Q(body=""), name="sources_revision_body_not_empty"),
        ]
        indexes = [
            # dedupe on import: the same text for the same outlet is a no-op
            models.Index(name="sources_revision_hash", fields=["content_hash"]),
            GinIndex(name="sources_revision_search", fields=["search_vector"]),
        ]
        triggers = [
            pgtrigger.ReadOnly(name="sources_revision_read_only", fields=["body", "content_hash", "story"]),
            pgtrigger.Protect(name="sources_revision_no_delete", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.story} r{self.number}"

    def save(self, *args, **kwargs) -> None:
        if not self.content_hash:
            self.content_hash = content_hash(self.body)
        super().save(*args, **kwargs)


track_history(Outlet)
track_history(Story)
track_history(StorySource)
