"""What the desk's home page lists as waiting for an editor, kept by database triggers.

"Claims waiting to be grouped into a dispute" and "stories with no claims logged yet" are facts
about the absence of rows: asked of the whole archive on every request they are anti-joins over
every claim and placement (hundreds of milliseconds at 100k claims, growing with the archive).
Triggers on claims, placements and stories (migration 0007) keep them as small indexed tables
instead, in the same transaction as every write (the desk, the admin, the API, raw SQL), so the
desk reads them newest first through an index, one keyset page at a time. Derived data: no history.
"""

from __future__ import annotations

from django.db import models

from claims.models.claims import Claim
from sources.models import Story


class WaitingClaim(models.Model):
    """A claim in use that is in no dispute yet."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, primary_key=True, related_name="+")
    created_at = models.DateTimeField(help_text="When the claim was logged (the list's order).")

    class Meta:
        indexes = [
            # the desk's waiting list, newest first, keyset-paged
            models.Index(name="claims_waitingclaim_recent", fields=["-created_at", "-claim"]),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} waiting"


class StoryWithoutClaims(models.Model):
    """A story with no claim in use logged from it yet."""

    story = models.OneToOneField(Story, on_delete=models.CASCADE, primary_key=True, related_name="+")
    dated_on = models.DateField(help_text="The story's publication date, else the day it was imported.")

    class Meta:
        verbose_name_plural = "stories without claims"
        indexes = [
            # the desk's list, newest first, keyset-paged
            models.Index(name="claims_unclaimedstory_recent", fields=["-dated_on", "-story"]),
        ]

    def __str__(self) -> str:
        return f"story {self.story_id} without claims"
