"""What the desk writes about claims: annotations and fact-checkers' reviews."""

from __future__ import annotations

import uuid

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q

from claims import visibility
from claims.models.claims import Claim
from claims.models.disputes import Dispute
from claims.ratings import Rating
from core.history import track_history
from core.search import search_vector
from core.versioning import Versioned


class AnnotationQuerySet(models.QuerySet):
    def active(self) -> AnnotationQuerySet:
        return self.filter(withdrawn_at__isnull=True)

    def visible(self) -> AnnotationQuerySet:
        """Public notes on visible claims or disputes (claims/visibility.py); internal notes never leave."""
        return visibility.annotations(self)


class Annotation(Versioned):
    """An editor's markdown note on a claim or a dispute: internal, or public."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="annotations")
    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, null=True, blank=True, related_name="annotations")
    body = models.TextField(help_text="Markdown.")
    is_public = models.BooleanField(default=False, help_text="Internal notes never leave the desk.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=search_vector("body", weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False, dispute__isnull=True) | Q(claim__isnull=True, dispute__isnull=False),
                name="claims_annotation_on_claim_or_dispute",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="claims_annotation_body_not_empty"),
        ]
        indexes = [
            models.Index(name="claims_annotation_claim", fields=["claim", "created_at"]),
            models.Index(name="claims_annotation_dispute", fields=["dispute", "created_at"]),
            # desk: recent annotations
            models.Index(name="claims_annotation_recent", fields=["-created_at", "-id"]),
            GinIndex(name="claims_annotation_search", fields=["search_vector"]),
        ]
        triggers = [pgtrigger.Protect(name="claims_annotation_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        label = "public" if self.is_public else "internal"
        return f"{label} note by {self.author_id}: {self.body[:60]}"


class ReviewQuerySet(models.QuerySet):
    def visible(self) -> ReviewQuerySet:
        """Published reviews on visible claims (claims/visibility.py)."""
        return visibility.reviews(self)


class Review(Versioned):
    """A fact-checker's verdict on a claim, published only after a second person approves it.

    A correction is a new review that ``supersedes`` the old one; the old verdict stays visible
    with its date.

    Instead of approving, the second person may send the draft back to its reviewer with a
    comment (``returned_at``, ``returned_by``, ``return_comment``); it then waits for its reviewer,
    not for approval, until they resubmit it, which clears the three. History (pghistory) keeps
    every send-back as an event holding both the comment and the draft as it was then.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="reviews")
    rating = models.CharField(max_length=20, choices=Rating.choices)
    reasoning = models.TextField(help_text="Markdown.")
    evidence = models.JSONField(default=list, blank=True, help_text="Links to the evidence relied on.")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True, help_text="When it was sent back to its reviewer.")
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_comment = models.TextField(blank=True, help_text="Why it was sent back: what to change.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "created_at", "id"]
        permissions = [
            ("approve_review", "Can approve and publish another's review"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(approved_by__isnull=False, published_at__isnull=False),
                name="claims_review_published_is_approved",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("reviewer")),
                name="claims_review_approver_is_second_person",
            ),
            models.CheckConstraint(condition=~Q(supersedes=F("pk")), name="claims_review_not_superseding_self"),
            # sent back: by someone, with a comment, and only while it is an unapproved draft
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True, returned_by__isnull=True, return_comment="")
                | (
                    Q(returned_at__isnull=False, returned_by__isnull=False, approved_by__isnull=True)
                    & ~Q(return_comment="")
                    & ~Q(returned_by=F("reviewer"))
                ),
                name="claims_review_returned_by_second_person_with_comment",
            ),
        ]
        indexes = [models.Index(name="claims_review_claim", fields=["claim", "created_at"])]
        triggers = [pgtrigger.Protect(name="claims_review_no_delete", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} on claim {self.claim_id}"


class SuggestionDismissal(models.Model):
    """An assistant suggestion an editor dismissed for a story, so it is not offered again."""

    story = models.ForeignKey("sources.Story", on_delete=models.CASCADE, related_name="dismissed_suggestions")
    fingerprint = models.CharField(max_length=64, help_text="Identifies the suggestion: kind and quote.")
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "fingerprint"], name="claims_suggestiondismissal_unique"),
        ]

    def __str__(self) -> str:
        return f"dismissed {self.fingerprint} in story {self.story_id}"


class StoryReadingQuerySet(models.QuerySet):
    def fresh(self, generation: int) -> StoryReadingQuerySet:
        """Readings of their story's current text made since nothing they depend on changed."""
        return self.filter(revision=F("story__current_revision"), generation__gte=generation)

    def stale(self, generation: int) -> StoryReadingQuerySet:
        """Readings made before an actor, alias, role, side, outlet, dispute or statement changed."""
        return self.filter(generation__lt=generation)


class StoryReading(models.Model):
    """The assistant's reading of a story's text: its suggestions, where they are, how many wait.

    Made when a story or a new revision is imported (``claims.extraction.readings``), so the
    inbox can list and filter on suggestions waiting, and the Suggestions panel and the API can
    show them, without running the assistant on a page load. ``candidates`` holds each
    suggestion in full (span, kind, speaker as written and resolved, figures, statement and
    dispute matches: ``Candidate`` as a dict) in text order, ``reprints`` the stories the text
    reprints. ``waiting`` (those neither logged as a claim over the same words nor dismissed, the
    rule of ``claims.extraction.offers.suggestions_offered``) is kept by database triggers on
    claims, dismissals and this row, for every writer (migration 0008).

    ``generation`` is the value of the sequence ``claims_reading_generation`` when the reading
    began; triggers advance the sequence whenever what the assistant reads changes (actors,
    aliases, roles, sides, outlets, disputes, statements: migration 0014), so a reading whose
    generation is behind the sequence is stale and is read again (``readings_refresh``), and the
    panel meanwhile runs the assistant itself. 0: never a full reading (made before suggestions
    were stored). It is derived, so it has no history. A reading of an older revision than the
    story's current one is out of date: the inbox shows the story as not read.
    """

    story = models.OneToOneField(
        "sources.Story", on_delete=models.CASCADE, primary_key=True, related_name="assistant_reading"
    )
    revision = models.ForeignKey("sources.StoryRevision", on_delete=models.CASCADE, related_name="+")
    candidates = models.JSONField(
        default=list, help_text="The suggestions in text order, each with its fingerprint, start and end."
    )
    reprints = models.JSONField(default=list, help_text="[{story_id, containment}, ...]: stories this text reprints.")
    generation = models.BigIntegerField(default=0, help_text="claims_reading_generation when it was read.")
    waiting = models.PositiveIntegerField(
        default=0, help_text="Kept by triggers: suggestions not logged nor dismissed."
    )
    read_at = models.DateTimeField(auto_now=True)

    objects = StoryReadingQuerySet.as_manager()

    class Meta:
        indexes = [
            # the inbox's "has suggestions" filter
            models.Index(name="claims_storyreading_waiting", fields=["story", "revision"], condition=Q(waiting__gt=0)),
            # readings_refresh: the stale readings, newest stories first
            models.Index(name="claims_storyreading_generation", fields=["generation", "-story"]),
        ]

    def __str__(self) -> str:
        return f"story {self.story_id}: {self.waiting} suggestions waiting"


for _model in (Annotation, Review, SuggestionDismissal):
    track_history(_model)
