"""The assistant's writes: accepting a suggestion as a claim, and dismissing one.

The server is the authority on what a suggestion is: both take only the suggestion's
fingerprint, look it up among the suggestions for the story's current text (the stored reading's,
or the assistant's own when that reading is missing or stale), and act on the suggestion as it is
offered now. A fingerprint that is not offered (already logged, dismissed, or never made)
is refused, and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from claims import services
from claims.extraction import DISPUTE_CONFIDENCE, STATEMENT_CONFIDENCE, Candidate, Suggestions, suggest
from claims.extraction.evaluation import spans_match
from claims.extraction.matching import ATTRIBUTION_DISPUTES
from claims.extraction.readings import stored_suggestions
from claims.models import Actor, Claim, ClaimDispute, Dispute, Side, Statement, SuggestionDismissal
from core.errors import DomainError
from sources.models import Outlet, Story

FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


class SuggestionNotOffered(DomainError):
    """The suggestion is not offered (any more): logged, dismissed, or the text changed."""


@dataclass
class Offer:
    """What the assistant offers for a story now: the suggestions not yet logged nor dismissed."""

    story: Story
    suggestions: list[Candidate]
    reprints: list = field(default_factory=list)
    logged: int = 0  # suggestions hidden because a claim over the same words exists
    dismissed_suggestions: list[Candidate] = field(default_factory=list)

    @property
    def dismissed(self) -> int:
        return len(self.dismissed_suggestions)

    def find(self, fingerprint: str) -> Candidate | None:
        return next((c for c in self.suggestions if c.fingerprint == fingerprint), None)


def suggestions_offered(story: Story) -> Offer:
    """The assistant's suggestions for the story's current text, without those already logged as
    claims (overlapping a claim by half the shorter span) and those dismissed for this story.

    They are the stored reading's (``claims.extraction.readings``); only when that is missing or
    stale does the assistant read the text now (one story, nothing stored: a GET writes nothing)."""
    revision = story.current_revision
    if revision is None:
        return Offer(story, [])
    found: Suggestions | None = stored_suggestions(story)
    if found is None:
        found = suggest(revision.body, published_on=story.published_on, story_id=story.pk)
    claims = list(Claim.objects.active().filter(revision=revision).values_list("start", "end"))
    dismissed = set(SuggestionDismissal.objects.filter(story=story).values_list("fingerprint", flat=True))
    offer = Offer(story, [], found.reprints)
    for candidate in found.candidates:
        if any(spans_match(candidate.start, candidate.end, s, e) for s, e in claims):
            offer.logged += 1
        elif candidate.fingerprint in dismissed:
            offer.dismissed_suggestions.append(candidate)
        else:
            offer.suggestions.append(candidate)
    return offer


def _offered(story: Story, fingerprint: str) -> tuple[Offer, Candidate]:
    if not isinstance(fingerprint, str) or not FINGERPRINT.match(fingerprint):
        raise DomainError("That is not a suggestion's fingerprint.", field="fingerprint")
    offer = suggestions_offered(story)
    candidate = offer.find(fingerprint)
    if candidate is None:
        raise SuggestionNotOffered(
            "That suggestion is no longer offered: it was logged or dismissed, or the text changed.",
            field="fingerprint",
        )
    return offer, candidate


def _lock(story: Story) -> Story:
    """Serialise accepting and dismissing on one story, so a suggestion is acted on once."""
    return Story.objects.select_for_update(of=("self",)).select_related("current_revision").get(pk=story.pk)


def claim_inputs(candidate: Candidate, story: Story, *, with_disputes: bool = True) -> dict:
    """Everything ``claims.services.claim_log`` needs, prefilled from a suggestion."""
    speaker = Actor.objects.active().filter(pk=candidate.actor_id).first() if candidate.actor_id else None
    statement = None
    if speaker is not None and candidate.statement_matches:
        top = candidate.statement_matches[0]
        if top["score"] >= STATEMENT_CONFIDENCE:
            statement = Statement.objects.filter(pk=top["id"], speaker=speaker).first()
    sides = {
        side.pk: side
        for side in Side.objects.filter(
            pk__in={f.whose_id for f in candidate.figures if f.whose_id} | ({candidate.blames_id} - {None})
        )
    }
    links = []
    if with_disputes and candidate.dispute_matches and candidate.dispute_matches[0]["score"] >= DISPUTE_CONFIDENCE:
        dispute = Dispute.objects.active().filter(pk=candidate.dispute_matches[0]["id"]).first()
        if dispute is not None:
            stance = ClaimDispute.Stance.DENIES if candidate.kind == "denial" else ClaimDispute.Stance.ASSERTS
            blames = sides.get(candidate.blames_id) if dispute.kind in ATTRIBUTION_DISPUTES else None
            links.append(services.DisputeLink(dispute=dispute, stance=stance, blames=blames))
    mode = candidate.mode
    if speaker is not None and mode == Claim.Mode.OUTLET_VOICE:
        mode = Claim.Mode.PARAPHRASE
    return {
        "quote": candidate.quote,
        "start_hint": candidate.start,
        "mode": mode,
        "speaker": speaker,
        "statement": statement,
        "via": list(Outlet.objects.filter(pk__in=[v["id"] for v in candidate.via])),
        "disputes": links,
        "figures": [
            services.FigureInput(
                measure=f.measure,
                value=f.value,
                qualifier=f.qualifier,
                counted=f.counted,
                whose=sides.get(f.whose_id),
                tally=f.tally,
                raw=f.raw,
                as_of=story.published_on,
            )
            for f in candidate.figures
        ],
    }


@transaction.atomic
def suggestion_accept(*, story: Story, fingerprint: str, user: AbstractBaseUser, speaker: Actor | None = None) -> Claim:
    """Log the suggestion as a claim, everything prefilled, recorded as coming from a suggestion
    and accepted by ``user`` (``created_by``). ``speaker``, when given, is the editor's choice for
    a speaker the assistant proposed as new (an actor just created, or an existing one)."""
    story = _lock(story)
    _, candidate = _offered(story, fingerprint)
    inputs = claim_inputs(candidate, story, with_disputes=user.has_perm("claims.add_claimdispute"))
    if speaker is not None:
        inputs["speaker"] = speaker
        if inputs["mode"] == Claim.Mode.OUTLET_VOICE:
            inputs["mode"] = Claim.Mode.PARAPHRASE
    return services.claim_log(story=story, author=user, from_suggestion=True, **inputs)


@transaction.atomic
def suggestion_dismiss(*, story: Story, fingerprint: str, user: AbstractBaseUser) -> SuggestionDismissal:
    """Remember that the suggestion is not wanted for this story (asking twice changes nothing)."""
    story = _lock(story)
    existing = SuggestionDismissal.objects.filter(story=story, fingerprint=fingerprint).first()
    if existing is not None:
        return existing
    _offered(story, fingerprint)
    return SuggestionDismissal.objects.create(story=story, fingerprint=fingerprint, dismissed_by=user)


@transaction.atomic
def suggestion_restore(*, story: Story, fingerprint: str) -> None:
    """Offer a dismissed suggestion again. The dismissal's row goes; its history (who dismissed
    it, when, and who restored it) stays in the pghistory events (claims.models.notes)."""
    story = _lock(story)
    dismissal = SuggestionDismissal.objects.filter(story=story, fingerprint=fingerprint).first()
    if dismissal is None:
        raise SuggestionNotOffered("That suggestion is not dismissed for this story.", field="fingerprint")
    dismissal.delete()


UNDONE = "undone"


@transaction.atomic
def suggestion_undo(*, story: Story, claim_id: int, expected_version: int, user: AbstractBaseUser) -> Claim:
    """Take back a suggestion just accepted: its claim is withdrawn with the reason "undone" (kept,
    with its history, like every withdrawn claim), and the suggestion is offered again."""
    claim = Claim.objects.active().filter(pk=claim_id, story=story, from_suggestion=True).first()
    if claim is None:
        raise DomainError("There is no claim logged from a suggestion to undo here.", field="claim")
    return services.claim_withdraw(claim=claim, expected_version=expected_version, user=user, reason=UNDONE)
