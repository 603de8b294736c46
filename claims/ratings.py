"""The desk's rating scale for reviews, and how it maps onto schema.org ClaimReview.

The "How we rate" page and the ClaimReview JSON-LD both read from here: one scale, one place.
``value`` is ClaimReview's reviewRating.ratingValue on a scale from WORST to BEST; a claim the
evidence cannot settle ("unproven") has no place on that scale and is published with its
alternateName only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

WORST = 1
BEST = 5


class Rating(models.TextChoices):
    FALSE = "false", "False"
    MISLEADING = "misleading", "Misleading"
    MIXED = "mixed", "Mixed"
    MOSTLY_TRUE = "mostly_true", "Mostly true"
    TRUE = "true", "True"
    UNPROVEN = "unproven", "Unproven"


@dataclass(frozen=True)
class RatingStep:
    rating: Rating
    value: int | None
    meaning: str


SCALE: tuple[RatingStep, ...] = (
    RatingStep(Rating.TRUE, 5, "Accurate, and nothing significant is missing."),
    RatingStep(Rating.MOSTLY_TRUE, 4, "Accurate, but needs clarification or additional information."),
    RatingStep(Rating.MIXED, 3, "Partly accurate: some elements are right, others wrong or unsupported."),
    RatingStep(Rating.MISLEADING, 2, "Contains an element of truth but leaves a false impression."),
    RatingStep(Rating.FALSE, 1, "Not accurate: the available evidence contradicts it."),
    RatingStep(Rating.UNPROVEN, None, "The evidence available to the desk can neither confirm nor refute it."),
)

BY_RATING = {step.rating.value: step for step in SCALE}
