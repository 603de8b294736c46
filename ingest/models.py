"""Ways copy comes in by itself: feeds, links pasted in the desk, pushes; and the jobs' failures."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey

from sources.models import Outlet, Story, StoryRevision


class Outcome(models.TextChoices):
    """What became of one item, link or push: the importer's outcome, or why it failed."""

    WAITING = "waiting", "Waiting"
    NEW_STORY = "new story", "New story"
    NEW_REVISION = "new revision", "New revision"
    UNCHANGED = "unchanged", "Unchanged"
    FAILED = "failed", "Failed"


class Feed(models.Model):
    """An outlet's RSS 2.0 or Atom feed, polled every ``interval_minutes``."""

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="feeds")
    url = models.URLField(max_length=1000)
    title = models.CharField(max_length=300, blank=True, help_text="The feed's own title, from its last poll.")
    interval_minutes = models.PositiveIntegerField(default=15)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True, help_text="Why the last poll failed; empty when it did not.")

    class Meta:
        ordering = ["outlet__name", "url"]
        constraints = [
            models.UniqueConstraint(fields=["outlet", "url"], name="ingest_feed_outlet_url"),
            models.CheckConstraint(
                condition=Q(interval_minutes__gte=1) & Q(interval_minutes__lte=10080),
                name="ingest_feed_interval_range",
            ),
        ]
        indexes = [
            # the periodic job's "which feeds are due": active feeds by next poll
            models.Index(fields=["next_poll_at"], condition=Q(active=True), name="ingest_feed_due"),
        ]

    def __str__(self) -> str:
        return f"{self.outlet}: {self.url}"


class FeedPoll(models.Model):
    """One reading of a feed: how many of its items were new, updated, skipped or failed.

    The item counts grow as the item jobs finish (``items - new - updated - skipped - failed``
    are still waiting)."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="polls")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the feed itself could not be read.")
    items = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            # the sources page: each feed's latest polls
            models.Index(F("feed"), F("started_at").desc(), name="ingest_poll_feed_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.feed} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def waiting(self) -> int:
        return max(0, self.items - self.new - self.updated - self.skipped - self.failed)


class FeedItem(models.Model):
    """An item a feed has listed, with what became of it the last time it was read."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items")
    guid = models.CharField(max_length=1000, help_text="The item's id in the feed, else its link.")
    url = models.URLField(max_length=1000)
    title = models.CharField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    fingerprint = models.CharField(max_length=64, help_text="Link, title and dates as last seen.")
    poll = models.ForeignKey(FeedPoll, on_delete=models.SET_NULL, null=True, blank=True, related_name="item_set")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.WAITING)
    reason = models.TextField(blank=True)
    story = models.ForeignKey(Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now, help_text="When the feed listed it (new or changed).")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-seen_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["feed", "guid"], name="ingest_feeditem_feed_guid")]
        indexes = [
            # the sources page: a poll's failed items with their reasons
            models.Index(fields=["poll", "outcome"], name="ingest_feeditem_poll_outcome"),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class LinkImport(models.Model):
    """A link an editor pasted in the desk, imported in the background."""

    url = models.URLField(max_length=1000)
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.WAITING)
    reason = models.TextField(blank=True)
    story = models.ForeignKey(Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            # the link import page: the editor's own recent links
            models.Index(F("requested_by"), F("requested_at").desc(), name="ingest_link_requester_recent"),
        ]

    def __str__(self) -> str:
        return self.url


class IngestKey(AbstractAPIKey):
    """A key an agency or a partner desk pushes stories with (never a partner's read key).

    With an ``outlet``, the key pushes that outlet's copy only."""

    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="Empty: any outlet."
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "ingest key"


class Push(models.Model):
    """A story pushed through the API. One per (outlet, URL or agency id, text): the same push
    again answers what the first did, and writes nothing."""

    key = models.ForeignKey(IngestKey, on_delete=models.PROTECT, related_name="pushes")
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=1000, help_text="The story's URL, else the agency's id for it.")
    content_hash = models.CharField(max_length=64)
    story = models.ForeignKey(Story, on_delete=models.PROTECT, related_name="+")
    revision = models.ForeignKey(StoryRevision, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # also the lookup that answers a repeated push
            models.UniqueConstraint(fields=["outlet", "ref", "content_hash"], name="ingest_push_once"),
        ]

    def __str__(self) -> str:
        return f"{self.outlet}: {self.ref}"


class JobFailure(models.Model):
    """A background job that raised: its error and traceback, for the admin (which can retry it).

    Procrastinate keeps a job's status and events but not its error; ``ingest.jobs`` records it."""

    job_id = models.BigIntegerField()
    task_name = models.CharField(max_length=128)
    args = models.JSONField(default=dict)
    attempt = models.PositiveIntegerField()
    error = models.TextField()
    traceback = models.TextField(blank=True)
    failed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-failed_at", "-id"]
        indexes = [
            # a job's failures, newest first (the admin's job link)
            models.Index(F("job_id"), F("failed_at").desc(), name="ingest_jobfailure_job"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.job_id}: {self.error[:80]}"


# What an editor sets on a feed keeps its history (who registered or changed it, and when); the
# bookkeeping each poll writes (last and next poll, title, last error) is left out.
pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    fields=["outlet", "url", "interval_minutes", "active", "created_by"],
    model_name="FeedEvent",
)(Feed)
