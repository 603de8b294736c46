"""What the reader's "Log a claim" form is prefilled with, from what the desk already knows.

Two ways in, one shape out (``Prefill``): words the editor selected (``selection_prefill``: the
assistant reads their figures and the speaker of the nearest attribution, ``read_span``) and a
suggestion the editor chose to edit before logging (``suggestion_prefill``). Both preselect the
dispute and statement the assistant's matching is confident of, and default the date the words
were said to the story's date. Nothing here writes: the form is only a proposal, all editable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from claims.extraction import DISPUTE_CONFIDENCE, STATEMENT_CONFIDENCE, Candidate, match
from claims.extraction.matching import ATTRIBUTION_DISPUTES
from claims.extraction.pipeline import read_span
from claims.models import ClaimDispute, Dispute, Statement
from sources.models import Story

# Characters of context either side of the words, as the reader sends them (static/js/reader.js).
CONTEXT = 32


@dataclass
class Prefill:
    """The log form's initial values, its figure rows, and a speaker the desk does not know yet."""

    initial: dict[str, Any]
    figures: list[dict[str, Any]] = field(default_factory=list)
    proposed_actor: dict[str, Any] | None = None
    dispute: Dispute | None = None  # the preselected dispute, so the form can offer it


def _confident(matches: list[dict[str, Any]], threshold: float) -> int | None:
    return matches[0]["id"] if matches and matches[0]["score"] >= threshold else None


def candidate_prefill(candidate: Candidate, story: Story) -> Prefill:
    """The form as ``candidate`` fills it, anchored where the candidate's words are."""
    body = story.current_revision.body if story.current_revision else ""
    start, end = candidate.start, candidate.end
    dispute_id = _confident(candidate.dispute_matches, DISPUTE_CONFIDENCE)
    dispute = Dispute.objects.active().filter(pk=dispute_id).first() if dispute_id else None
    statement_id = _confident(candidate.statement_matches, STATEMENT_CONFIDENCE)
    statement = (
        Statement.objects.filter(pk=statement_id, speaker_id=candidate.actor_id).first()
        if statement_id and candidate.actor_id
        else None
    )
    stance = ClaimDispute.Stance.DENIES if candidate.kind == "denial" else ClaimDispute.Stance.ASSERTS
    initial = {
        "quote": candidate.quote,
        "prefix": body[max(0, start - CONTEXT) : start],
        "suffix": body[end : end + CONTEXT],
        "start_hint": start,
        "mode": candidate.mode,
        "speaker": candidate.actor_name or "",
        "said_on": story.published_on,
        "statement": statement.pk if statement else None,
        "via": candidate.via[0]["id"] if candidate.via else None,
        "dispute": str(dispute.pk) if dispute else "",
        "stance": stance,
        "blames": candidate.blames_id if dispute is not None and dispute.kind in ATTRIBUTION_DISPUTES else None,
    }
    figures = [
        {
            "measure": f.measure,
            "qualifier": f.qualifier,
            "value": f.value,
            "counted": f.counted,
            "whose": f.whose_id,
            "tally": f.tally,
            "raw": f.raw,
            "as_of": story.published_on,
        }
        for f in candidate.figures
    ]
    return Prefill(initial, figures, candidate.proposed_actor, dispute)


def selection_prefill(story: Story, *, start: int, end: int) -> Prefill:
    """The form for the words ``start``..``end`` (code points) of the story's current text.
    ValueError when the span is not inside it."""
    revision = story.current_revision
    if revision is None:
        raise ValueError("The story has no text.")
    candidate = read_span(revision.body, start, end, published_on=story.published_on)
    match([candidate], published_on=story.published_on, story_id=story.pk)
    return candidate_prefill(candidate, story)
