"""Disputes, the contested questions that group claims, and the scopes figures count over."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import DateRangeField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import Case, F, Func, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from claims import visibility
from core.history import track_history
from core.search import search_vector
from core.versioning import Versioned


class Scope(Versioned):
    """What a figure counts over: one event (the 17 Oct Ganja strike) or a period and place.

    Figures are compared only with figures of the same measure, whose and scope.
    """

    class Kind(models.TextChoices):
        EVENT = "event", "One event"
        PERIOD = "period", "A period and place"

    key = models.SlugField(max_length=120, unique=True, null=True, blank=True)
    label = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERIOD)
    place = models.CharField(max_length=300, blank=True)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(start__lte=F("end")),
                name="claims_scope_start_le_end",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class DisputePeriod(Func):
    """A dispute's dates as a range (``event_start``..``event_end``, both included; one day when
    it has no end). Unbounded when it has no start: such a dispute is dated by its claims, so
    any period may be its own. Indexed (``claims_dispute_period``)."""

    function = "daterange"
    output_field = DateRangeField()

    def __init__(self) -> None:
        end = Case(When(event_start__isnull=True, then=Value(None)), default=Coalesce(F("event_end"), F("event_start")))
        super().__init__(F("event_start"), end, Value("[]"))


class DisputeQuerySet(models.QuerySet):
    def active(self) -> DisputeQuerySet:
        """Disputes not merged into another."""
        return self.filter(merged_into__isnull=True)

    def in_period(self, first: date, last: date) -> DisputeQuerySet:
        """Disputes whose dates meet ``first``..``last`` (or that have none), through the period index."""
        return self.alias(period=DisputePeriod()).filter(period__overlap=DateRange(first, last, "[]"))

    def visible(self) -> DisputeQuerySet:
        """What may leave the desk (claims/visibility.py): published and not merged away."""
        return visibility.disputes(self)


class Dispute(Versioned):
    """The contested question that groups claims and counterclaims."""

    class Kind(models.TextChoices):
        CASUALTY_COUNT = "casualty_count", "Casualty count"
        CEASEFIRE_VIOLATION = "ceasefire_violation", "Ceasefire violation"
        ATTACK_ATTRIBUTION = "attack_attribution", "Attack attribution"
        TERRITORIAL_CONTROL = "territorial_control", "Territorial control"
        POSITION_STATEMENT = "position_statement", "Position or statement"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONTESTED = "contested", "Contested"
        SETTLED = "settled", "Settled"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(max_length=120, unique=True, null=True, blank=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    event_start = models.DateField(null=True, blank=True)
    event_end = models.DateField(null=True, blank=True)
    place = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    summary = models.TextField(blank=True, help_text="A short public summary; no verdict needed.")
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_disputes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=search_vector("title", weight="A") + search_vector("summary", "place", weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("publish_dispute", "Can publish and unpublish disputes"),
            ("merge_dispute", "Can merge duplicate disputes"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(event_start__isnull=True) | Q(event_end__isnull=True) | Q(event_start__lte=F("event_end")),
                name="claims_dispute_event_start_le_end",
            ),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="claims_dispute_not_merged_into_self"),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="claims_dispute_published_has_date",
            ),
        ]
        indexes = [
            # the desk's dispute list: newest activity first
            models.Index(name="claims_dispute_updated", fields=["-updated_at", "-id"]),
            # API filters by kind and status over published disputes
            models.Index(name="claims_dispute_kind_status", fields=["kind", "status"]),
            GinIndex(name="claims_dispute_search", fields=["search_vector"]),
            # the claim assistant's candidate disputes: those whose dates meet a story's
            GistIndex(DisputePeriod(), name="claims_dispute_period"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("claims:dispute_detail", args=[self.pk])


class DisputeActivity(models.Model):
    """When anything last happened in a dispute (an edit, a claim placed in it or moved, a note),
    and how many claims in use it holds.

    The desk lists disputes by it. It is internal, so it lives apart from the dispute's own row:
    a note on the dispute (internal ones included) must not change what partners see. Database
    triggers keep it current for every writer (migrations 0004 and 0007); it is derived, so it has
    no history.
    """

    dispute = models.OneToOneField(Dispute, on_delete=models.CASCADE, primary_key=True, related_name="activity")
    touched_at = models.DateTimeField()
    claim_count = models.PositiveIntegerField(db_default=0, help_text="Claims placed in it and not withdrawn.")

    class Meta:
        verbose_name_plural = "dispute activity"
        indexes = [
            # the desk's dispute list: newest activity first
            models.Index(name="claims_disputeactivity_recent", fields=["-touched_at", "dispute"]),
        ]

    def __str__(self) -> str:
        return f"dispute {self.dispute_id} touched {self.touched_at:%Y-%m-%d %H:%M}"


track_history(Scope)
track_history(Dispute)
