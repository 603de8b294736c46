"""Merges of duplicate actors and disputes, recorded so that each can be undone exactly."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from claims.models.actors import Actor
from claims.models.disputes import Dispute
from core.history import track_history


class Merge(models.Model):
    """One duplicate merged into its survivor, with the ids of every row that moved.

    ``moved`` maps what moved to the primary keys that moved, e.g. ``{"claims": [4, 9],
    "aliases": [12]}``; undoing the merge moves exactly those rows back (the ones still on the
    survivor) and removes what the merge created (``created_aliases``).
    """

    class Kind(models.TextChoices):
        ACTOR = "actor", "Actor"
        DISPUTE = "dispute", "Dispute"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    survivor_actor = models.ForeignKey(Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="merges_in")
    duplicate_actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="merges_out"
    )
    survivor_dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, null=True, blank=True, related_name="merges_in"
    )
    duplicate_dispute = models.ForeignKey(
        Dispute, on_delete=models.PROTECT, null=True, blank=True, related_name="merges_out"
    )
    moved = models.JSONField(default=dict, blank=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="actor",
                        survivor_actor__isnull=False,
                        duplicate_actor__isnull=False,
                        survivor_dispute__isnull=True,
                        duplicate_dispute__isnull=True,
                    )
                    | Q(
                        kind="dispute",
                        survivor_dispute__isnull=False,
                        duplicate_dispute__isnull=False,
                        survivor_actor__isnull=True,
                        duplicate_actor__isnull=True,
                    )
                ),
                name="claims_merge_kind_matches_records",
            ),
            models.CheckConstraint(
                condition=~Q(survivor_actor=F("duplicate_actor")) & ~Q(survivor_dispute=F("duplicate_dispute")),
                name="claims_merge_not_into_self",
            ),
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True) | Q(undone_by__isnull=False),
                name="claims_merge_undone_has_who",
            ),
            # a duplicate is merged away at most once at a time
            models.UniqueConstraint(
                fields=["duplicate_actor"], condition=Q(undone_at__isnull=True), name="claims_merge_one_live_per_actor"
            ),
            models.UniqueConstraint(
                fields=["duplicate_dispute"],
                condition=Q(undone_at__isnull=True),
                name="claims_merge_one_live_per_dispute",
            ),
        ]
        triggers = [pgtrigger.Protect(name="claims_merge_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.duplicate} merged into {self.survivor}"

    @property
    def survivor(self) -> Actor | Dispute:
        return self.survivor_actor if self.kind == self.Kind.ACTOR else self.survivor_dispute

    @property
    def duplicate(self) -> Actor | Dispute:
        return self.duplicate_actor if self.kind == self.Kind.ACTOR else self.duplicate_dispute

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None

    def moved_counts(self) -> dict[str, int]:
        return {name: len(ids) for name, ids in self.moved.items() if ids}


track_history(Merge)
