"""Alerts (new copy that matters to a dispute or a statement) and what each editor follows.

Both are the desk's own: nothing here ever leaves it (claims/visibility.py lets no alert or follow
through; no API resource or public page reads them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from claims.models.actors import Actor
from claims.models.claims import Statement
from claims.models.disputes import Dispute
from core.history import track_history
from core.versioning import Versioned


class Follow(models.Model):
    """An editor follows a dispute, an actor or an outlet: the inbox shows their alerts."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    outlet = models.ForeignKey("sources.Outlet", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(dispute__isnull=False, actor__isnull=True, outlet__isnull=True)
                | Q(dispute__isnull=True, actor__isnull=False, outlet__isnull=True)
                | Q(dispute__isnull=True, actor__isnull=True, outlet__isnull=False),
                name="claims_follow_one_target",
            ),
            # each also the index of "what does this user follow" per kind
            models.UniqueConstraint(
                fields=["user", "dispute"], condition=Q(dispute__isnull=False), name="claims_follow_dispute"
            ),
            models.UniqueConstraint(
                fields=["user", "actor"], condition=Q(actor__isnull=False), name="claims_follow_actor"
            ),
            models.UniqueConstraint(
                fields=["user", "outlet"], condition=Q(outlet__isnull=False), name="claims_follow_outlet"
            ),
        ]

    def __str__(self) -> str:
        target = (self.dispute_id and f"dispute {self.dispute_id}") or (self.actor_id and f"actor {self.actor_id}")
        return f"user {self.user_id} follows {target or f'outlet {self.outlet_id}'}"


class AlertQuerySet(models.QuerySet):
    def followed_by(self, user) -> AlertQuerySet:
        """Alerts on what ``user`` follows: its disputes, its actors (as speakers), its outlets."""
        follows = Follow.objects.filter(user=user)
        return self.filter(
            Q(dispute__in=follows.filter(dispute__isnull=False).values("dispute"))
            | Q(speaker__in=follows.filter(actor__isnull=False).values("actor"))
            | Q(story__outlet__in=follows.filter(outlet__isnull=False).values("outlet"))
        )

    def unresolved(self) -> AlertQuerySet:
        return self.filter(resolved_at__isnull=True)


class Alert(Versioned):
    """New copy that matters: a figure outside a published dispute's range, a new version of a
    known statement, or a denial by a known speaker of a claim in a dispute. Raised by the
    assistant's reading of a new revision (``claims.alerts``), once per words and dispute (or
    statement); resolved by an editor, with history."""

    class Kind(models.TextChoices):
        FIGURE = "figure", "Figure outside the published range"
        VERSION = "version", "New version of a statement"
        DENIAL = "denial", "Denial"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    story = models.ForeignKey("sources.Story", on_delete=models.CASCADE, related_name="alerts")
    revision = models.ForeignKey("sources.StoryRevision", on_delete=models.CASCADE, related_name="+")
    start = models.PositiveIntegerField(help_text="The words' first code point in the revision.")
    end = models.PositiveIntegerField()
    quote = models.TextField()
    words_key = models.CharField(
        max_length=64, help_text="The suggestion's fingerprint: the same words in any revision."
    )
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts")
    speaker = models.ForeignKey(Actor, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts")
    detail = models.TextField(help_text="Why: the figure against the range, the statement, the denial.")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dispute__isnull=False) | Q(statement__isnull=False), name="claims_alert_has_subject"
            ),
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="claims_alert_start_lt_end"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="claims_alert_resolved_by_someone",
            ),
            # no alert twice for the same words and dispute (or statement)
            models.UniqueConstraint(
                fields=["story", "words_key", "dispute"], condition=Q(dispute__isnull=False), name="claims_alert_once"
            ),
            models.UniqueConstraint(
                fields=["story", "words_key", "statement"],
                condition=Q(dispute__isnull=True),
                name="claims_alert_once_per_statement",
            ),
        ]
        indexes = [
            # the alert list: newest first
            models.Index(name="claims_alert_recent", fields=["-created_at", "-id"]),
            # followed disputes, speakers, outlets (through the story)
            models.Index(name="claims_alert_dispute", fields=["dispute", "-created_at"]),
            models.Index(name="claims_alert_speaker", fields=["speaker", "-created_at"]),
            models.Index(name="claims_alert_story", fields=["story", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.quote[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("claims:alert_detail", args=[self.pk])


class AlertSeen(models.Model):
    """An editor has seen an alert (each editor's own "seen")."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="seen_by")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="claims_alertseen_once")]

    def __str__(self) -> str:
        return f"alert {self.alert_id} seen by {self.user_id}"


for _model in (Follow, Alert):
    track_history(_model)
