"""Reviews: a fact-checker drafts a verdict, a second person approves and publishes it.

- ``review_draft`` writes a draft (rating from ``claims.ratings``, markdown reasoning, evidence
  links that must be http(s) URLs). A draft can be a correction of a published review
  (``supersedes``); the old verdict stays published and visible with its date.
- ``review_update`` changes a draft (reviewer only, refused on a stale version).
- ``review_approve`` is the second pair of eyes: someone with ``claims.approve_review`` who is
  not the reviewer approves and publishes the draft (the database refuses self-approval too).
"""

from __future__ import annotations

from collections.abc import Iterable

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
    if review.reviewer_id == approver.pk:
        raise DomainError("A review must be approved by a second person, not by its reviewer.")
    if review.approved_by_id is not None:
        raise DomainError("This review is already approved.")
    if review.withdrawn_at is not None:
        raise DomainError("This review was withdrawn.")
    now = timezone.now()
    review.approved_by = approver
    review.approved_at = now
    review.is_published = True
    review.published_at = now
    return save_versioned(
        review, expected_version=expected_version, fields=["approved_by", "approved_at", "is_published", "published_at"]
    )
