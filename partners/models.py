"""Partner newsrooms' API keys, and the change log behind the partner change feed.

``Change`` rows are written by PostgreSQL triggers (migration 0002) whenever something a partner
can see may have changed, so no writer (desk, admin, API, raw SQL) can forget to log a change.
Each row carries the id of the transaction that wrote it, which is what lets the feed serve rows
in an order that never skips a transaction that commits late (see ``partners.feed``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Func
from django.db.models.functions import Now
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager


class PartnerKeyManager(BaseAPIKeyManager):
    def get_usable_keys(self) -> models.QuerySet:
        """Keys neither revoked nor expired."""
        return super().get_usable_keys().exclude(expiry_date__lt=Now())


def default_rate_limit() -> int:
    return settings.PARTNER_RATE_LIMIT_PER_MINUTE


class PartnerKey(AbstractAPIKey):
    """A partner newsroom's read-only API key. Only a hash is stored; the key is shown once.

    Every request made with the key bumps ``request_count`` and ``last_used_at`` and counts
    against ``rate_limit`` in fixed one-minute windows, all in one atomic UPDATE of this row
    (see ``partners.auth``), so every server process shares the same count.
    """

    partner = models.CharField(max_length=200, help_text="The partner newsroom this key belongs to.")
    contact_email = models.EmailField(blank=True)
    rate_limit = models.PositiveIntegerField(
        default=default_rate_limit, help_text="Requests allowed per minute with this key."
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    request_count = models.PositiveBigIntegerField(default=0, editable=False)
    window_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    objects = PartnerKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "partner API key"
        verbose_name_plural = "partner API keys"

    def __str__(self) -> str:
        return f"{self.partner}: {self.name} ({self.prefix})"


class Xid8Field(models.Field):
    """PostgreSQL's 64-bit transaction id (``xid8``), read back as an int."""

    description = "PostgreSQL transaction id (xid8)"

    def db_type(self, connection) -> str:
        return "xid8"

    def from_db_value(self, value, expression, connection):
        return None if value is None else int(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        # sent as an untyped literal, which PostgreSQL reads as xid8 (it has no int8 = xid8 operator)
        return None if value is None else str(int(value))


class Change(models.Model):
    """Something a partner may see changed: one resource, named by its public id.

    Whether the change is an upsert or a tombstone is decided when the row is served, from what
    is visible then (and from ``Exposure``: what was never visible is never mentioned).
    """

    class Resource(models.TextChoices):
        DISPUTE = "dispute", "Dispute"
        CLAIM = "claim", "Claim"
        REVIEW = "review", "Review"
        STATEMENT = "statement", "Statement"
        ACTOR = "actor", "Actor"
        STORY = "story", "Story"
        OUTLET = "outlet", "Outlet"

    id = models.BigAutoField(primary_key=True)
    txid = Xid8Field(db_default=Func(function="pg_current_xact_id"), editable=False)
    resource = models.CharField(max_length=20, choices=Resource.choices)
    public_id = models.UUIDField()
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["txid", "id"]
        constraints = [
            # one row per resource and transaction: the triggers insert with ON CONFLICT DO NOTHING
            models.UniqueConstraint(fields=["txid", "resource", "public_id"], name="partners_change_once_per_tx"),
        ]
        indexes = [
            # the feed reads rows after a cursor in (txid, id) order
            models.Index(name="partners_change_position", fields=["txid", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.public_id} (tx {self.txid})"


class Exposure(models.Model):
    """A resource that has been visible outside the desk at least once.

    Recorded at commit time by a deferred trigger on ``Change`` and again whenever the feed
    serves an upsert. Only exposed resources ever become tombstones in the feed.
    """

    resource = models.CharField(max_length=20, choices=Change.Resource.choices)
    public_id = models.UUIDField()
    first_seen_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "public_id"], name="partners_exposure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.public_id}"
