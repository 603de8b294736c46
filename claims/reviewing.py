"""Reviews: a fact-checker drafts a verdict, a second person approves and publishes it.

- ``review_draft`` writes a draft (rating from ``claims.ratings``, markdown reasoning, evidence
  links that must be http(s) URLs). A draft can be a correction of a published review
  (``supersedes``); the old verdict stays published and visible with its date.
- ``review_update`` changes a draft (reviewer only, refused on a stale version).
- ``review_approve`` is the second pair of eyes: someone with ``claims.approve_review`` who is
  not the reviewer approves and publishes the draft (the database refuses self-approval too).
- ``review_send_back`` is the other answer the second pair of eyes can give: the same person
  returns the draft to its reviewer with a comment. A returned draft cannot be approved; its
  reviewer changes it (``review_update``) and ``review_resubmit``s it, which puts it back in the
  queue. History keeps every send-back (``review_send_backs``): the comment and the draft as it
  was when it was sent back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from claims.models import Claim, Review
from claims.ratings import Rating
from core.errors import DomainError
from core.versioning import save_versioned

MAX_EVIDENCE_LINKS = 20
MAX_RETURN_COMMENT = 5_000
MAX_URL_LENGTH = 1000
_url = URLValidator(schemes=["http", "https"])


def clean_evidence(links: Iterable[str]) -> list[str]:
    """Evidence links, stripped, without blanks or repeats; each must be an http(s) URL."""
    cleaned: list[str] = []
    for raw in links:
        link = (raw or "").strip()
        if not link or link in cleaned:
            continue
        if len(link) > MAX_URL_LENGTH:
            raise DomainError(f"An evidence link is longer than {MAX_URL_LENGTH} characters.", field="evidence")
        try:
            _url(link)
        except ValidationError as error:
            raise DomainError(f"“{link[:80]}” is not an http(s) link.", field="evidence") from error
        cleaned.append(link)
    if len(cleaned) > MAX_EVIDENCE_LINKS:
        raise DomainError(f"Give at most {MAX_EVIDENCE_LINKS} evidence links.", field="evidence")
    return cleaned


def _check(rating: str, reasoning: str) -> None:
    if rating not in Rating.values:
        raise DomainError(f"{rating!r} is not a rating on our scale.", field="rating")
    if not reasoning.strip():
        raise DomainError("Explain the verdict: the reasoning is empty.", field="reasoning")


@transaction.atomic
def review_draft(
    *,
    claim: Claim,
    reviewer: AbstractBaseUser,
    rating: str,
    reasoning: str,
    evidence: Iterable[str] = (),
    supersedes: Review | None = None,
) -> Review:
    """Draft a verdict on ``claim``; with ``supersedes``, a correction of a published review."""
    _check(rating, reasoning)
    links = clean_evidence(evidence)
    if claim.is_withdrawn:
        raise DomainError("The claim was withdrawn; it cannot be reviewed.", field="claim")
    if supersedes is not None:
        supersedes = Review.objects.select_for_update().get(pk=supersedes.pk)
        if supersedes.claim_id != claim.pk:
            raise DomainError("A correction must be about the same claim.", field="supersedes")
        if not supersedes.is_published:
            raise DomainError("Only a published review can be corrected; edit the draft instead.", field="supersedes")
        if Review.objects.filter(supersedes=supersedes).exists():
            raise DomainError("That review already has a correction.", field="supersedes")
    return Review.objects.create(
        claim=claim, reviewer=reviewer, rating=rating, reasoning=reasoning, evidence=links, supersedes=supersedes
    )


@transaction.atomic
def review_update(
    *,
    review: Review,
    expected_version: int,
    user: AbstractBaseUser,
    rating: str,
    reasoning: str,
    evidence: Iterable[str] = (),
) -> Review:
    """Change a draft. Only its reviewer may, and only until it is approved."""
    if review.reviewer_id != user.pk:
        raise DomainError("Only the reviewer who wrote this draft can change it.")
    if review.approved_by_id is not None:
        raise DomainError("This review is approved and published; write a correction instead.")
    _check(rating, reasoning)
    review.rating = rating
    review.reasoning = reasoning
    review.evidence = clean_evidence(evidence)
    return save_versioned(review, expected_version=expected_version, fields=["rating", "reasoning", "evidence"])


@transaction.atomic
def review_approve(*, review: Review, expected_version: int, approver: AbstractBaseUser) -> Review:
    """A second person approves the draft, which publishes it."""
    _check_second_person(review, approver, doing="approved", verb="approve")
    if review.returned_at is not None:
        raise DomainError("This draft was sent back to its reviewer; it can be approved once they resubmit it.")
    now = timezone.now()
    review.approved_by = approver
    review.approved_at = now
    review.is_published = True
    review.published_at = now
    return save_versioned(
        review, expected_version=expected_version, fields=["approved_by", "approved_at", "is_published", "published_at"]
    )


def _check_second_person(review: Review, user: AbstractBaseUser, *, doing: str, verb: str) -> None:
    """The rules both answers of the second pair of eyes share: approving and sending back."""
    if review.reviewer_id == user.pk:
        raise DomainError(f"A review must be {doing} by a second person, not by its reviewer.")
    if not user.has_perm("claims.approve_review"):
        raise DomainError(f"Only a fact-checker or an editor who may approve reviews can {verb} one.")
    if review.approved_by_id is not None:
        raise DomainError("This review is already approved.")
    if review.withdrawn_at is not None:
        raise DomainError("This review was withdrawn.")


@transaction.atomic
def review_send_back(*, review: Review, expected_version: int, user: AbstractBaseUser, comment: str) -> Review:
    """The second person returns the draft to its reviewer with ``comment`` instead of approving it."""
    comment = (comment or "").strip()
    if not comment:
        raise DomainError("Say what should change: the comment is empty.", field="comment")
    if len(comment) > MAX_RETURN_COMMENT:
        raise DomainError(f"Keep the comment under {MAX_RETURN_COMMENT} characters.", field="comment")
    _check_second_person(review, user, doing="sent back", verb="send back")
    if review.returned_at is not None:
        raise DomainError("This draft was already sent back to its reviewer.")
    review.returned_at = timezone.now()
    review.returned_by = user
    review.return_comment = comment
    return save_versioned(
        review, expected_version=expected_version, fields=["returned_at", "returned_by", "return_comment"]
    )


@transaction.atomic
def review_resubmit(*, review: Review, expected_version: int, user: AbstractBaseUser) -> Review:
    """The reviewer puts a draft that was sent back in the queue for approval again.

    The comment leaves the row but not the history: ``review_send_backs`` reads it from there.
    """
    if review.reviewer_id != user.pk:
        raise DomainError("Only the reviewer who wrote this draft can resubmit it.")
    if review.returned_at is None:
        raise DomainError("This draft was not sent back; it is already waiting for approval.")
    review.returned_at = None
    review.returned_by = None
    review.return_comment = ""
    return save_versioned(
        review, expected_version=expected_version, fields=["returned_at", "returned_by", "return_comment"]
    )


@dataclass(frozen=True)
class SendBack:
    """One time a draft was sent back: who, when, why, and the draft as it was then."""

    returned_at: datetime
    returned_by: AbstractBaseUser | None
    comment: str
    rating: str
    reasoning: str
    evidence: list[str]
    version: int

    @property
    def rating_label(self) -> str:
        return Rating(self.rating).label if self.rating in Rating.values else self.rating


def review_send_backs(review: Review) -> list[SendBack]:
    """Every send-back of ``review``, oldest first, read from its history (pghistory events)."""
    events = (
        review.events.filter(returned_at__isnull=False)
        .select_related("returned_by")
        .order_by("returned_at", "pgh_id")
        .distinct("returned_at")
    )
    return [
        SendBack(
            returned_at=event.returned_at,
            returned_by=event.returned_by,
            comment=event.return_comment,
            rating=event.rating,
            reasoning=event.reasoning,
            evidence=list(event.evidence or []),
            version=event.version,
        )
        for event in events
    ]
