"""Wire updates: keeping claims anchored when their story gets a new revision.

When a story is imported again with changed text (``sources.services.story_import`` sends
``revision_added``), every claim anchored to an older revision is looked for in the new text by
its quote and the words around it (``claims.anchoring.reanchor``):

- found: the claim moves to the new revision, at its new offsets;
- not found (or ambiguous): the claim stays on the old revision, flagged ``needs_reanchoring``,
  and an editor decides on the story's revisions page: anchor it to new words (often the news,
  e.g. a changed figure), or confirm it stands on the old text. A claim a later one revises
  (claims.corrections.claim_log_revision) stands on its old words and is not flagged again.

Anchored to new words whose numbers differ from its figures, a claim is flagged
``figures_disagree`` until an editor resolves it on the claim page (claims.corrections).

All writes go through ``save_versioned``, so history records them and open edit forms conflict.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import pghistory
from django.db import transaction
from django.db.models import Exists, OuterRef

from claims.anchoring import AnchorError, find_anchor, reanchor
from claims.corrections import reanchored_figures_disagree
from claims.models import Claim, ClaimLink
from core.diffing import DiffPart, tokens, word_diff
from core.errors import DomainError
from core.versioning import save_versioned
from sources.models import StoryRevision

_ANCHOR_FIELDS = ["revision", "start", "end", "quote", "prefix", "suffix", "needs_reanchoring", "figures_disagree"]


@dataclass
class ReanchorReport:
    revision: StoryRevision
    moved: list[Claim] = field(default_factory=list)
    flagged: list[Claim] = field(default_factory=list)


def _place(claim: Claim, revision: StoryRevision, anchor: Any) -> None:
    old_quote = claim.quote
    claim.revision = revision
    claim.start, claim.end = anchor.start, anchor.end
    claim.quote, claim.prefix, claim.suffix = anchor.quote, anchor.prefix, anchor.suffix
    claim.needs_reanchoring = False
    if anchor.quote != old_quote:
        claim.figures_disagree = reanchored_figures_disagree(claim, old_quote)


@transaction.atomic
def claims_reanchor(*, revision: StoryRevision) -> ReanchorReport:
    """Move the story's claims on older revisions to ``revision`` where their words are found."""
    report = ReanchorReport(revision)
    with pghistory.context(action="re-anchor after a new revision", revision=revision.pk):
        _reanchor_into(revision, report)
    return report


def _reanchor_into(revision: StoryRevision, report: ReanchorReport) -> None:
    older = (
        Claim.objects.select_for_update(of=("self",))
        .filter(story_id=revision.story_id, revision__number__lt=revision.number)
        .annotate(revised=Exists(ClaimLink.objects.filter(target=OuterRef("pk"), kind=ClaimLink.Kind.REVISES)))
        .order_by("pk")
    )
    for claim in older:
        anchor = reanchor(revision.body, claim.quote, claim.prefix, claim.suffix)
        if anchor is None and claim.revised:
            continue  # revised by a later claim: it stands on its old words
        if anchor is not None:
            _place(claim, revision, anchor)
            save_versioned(claim, expected_version=claim.version, fields=_ANCHOR_FIELDS)
            report.moved.append(claim)
        elif not claim.needs_reanchoring:
            claim.needs_reanchoring = True
            save_versioned(claim, expected_version=claim.version, fields=["needs_reanchoring"])
            report.flagged.append(claim)
        else:
            report.flagged.append(claim)


def on_revision_added(sender: Any, *, revision: StoryRevision, **kwargs: Any) -> None:
    """``sources.services.revision_added`` handler (connected in ClaimsConfig.ready)."""
    claims_reanchor(revision=revision)


@transaction.atomic
def claim_reanchor(
    *,
    claim: Claim,
    expected_version: int,
    quote: str,
    start_hint: int | None = None,
    revision: StoryRevision | None = None,
) -> Claim:
    """An editor anchors a flagged claim to words they chose in the story's current text."""
    revision = revision or claim.story.current_revision
    if revision is None or revision.story_id != claim.story_id:
        raise DomainError("That revision belongs to another story.", field="revision")
    try:
        anchor = find_anchor(revision.body, quote, hint_start=start_hint)
    except AnchorError as error:
        raise DomainError(str(error), field="quote") from error
    _place(claim, revision, anchor)
    return save_versioned(claim, expected_version=expected_version, fields=_ANCHOR_FIELDS)


@transaction.atomic
def claim_anchor_confirm(*, claim: Claim, expected_version: int) -> Claim:
    """An editor confirms a flagged claim stands on the old revision's words as they were."""
    if not claim.needs_reanchoring:
        raise DomainError("This claim is not waiting for a decision.")
    claim.needs_reanchoring = False
    return save_versioned(claim, expected_version=expected_version, fields=["needs_reanchoring"])


# --- Showing what changed around a flagged claim ----------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"\u201d\u2019)]*\s+|\n\s*\n")


def sentence_around(body: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the sentence (or paragraph line) holding ``start..end`` in ``body``."""
    begin = 0
    for match in _SENTENCE_END.finditer(body, 0, start):
        begin = match.end()
    found = _SENTENCE_END.search(body, end)
    finish = found.start() if found else len(body)
    if "\n" in body[begin:start]:
        begin = body.rindex("\n", begin, start) + 1
    newline = body.find("\n", end, finish)
    if newline != -1:
        finish = newline
    return begin, max(finish, end)


class OffsetMap:
    """Maps offsets in an old text to the likely same place in a new one, through a word diff."""

    def __init__(self, old: str, new: str):
        old_tokens, new_tokens = tokens(old), tokens(new)
        self._old_starts = _starts(old_tokens)
        self._new_starts = _starts(new_tokens)
        self._new_length = len(new)
        matcher = difflib.SequenceMatcher(
            a=[t.strip() for t in old_tokens], b=[t.strip() for t in new_tokens], autojunk=False
        )
        self._opcodes = matcher.get_opcodes()

    def __call__(self, offset: int) -> int:
        index = max(0, bisect.bisect_right(self._old_starts, offset) - 1)
        for tag, i1, i2, j1, _j2 in self._opcodes:
            if i1 <= index < i2:
                target = j1 + (index - i1) if tag == "equal" else j1
                return self._new_starts[target] if target < len(self._new_starts) else self._new_length
        return self._new_length


def _starts(parts: list[str]) -> list[int]:
    starts, position = [], 0
    for part in parts:
        starts.append(position)
        position += len(part)
    return starts


@dataclass(frozen=True)
class AttentionItem:
    """A flagged claim with its old sentence and the sentence now at that place in the new text,
    and the word diff between the two (a changed figure shows as words removed and added)."""

    claim: Claim
    old_sentence: str
    new_sentence: str
    new_start: int
    diff: list[DiffPart]


def attention_items(claims: list[Claim], current: StoryRevision) -> list[AttentionItem]:
    items = []
    maps: dict[int, OffsetMap] = {}
    for claim in claims:
        old_body = claim.revision.body
        begin, finish = sentence_around(old_body, claim.start, claim.end)
        if claim.revision_id not in maps:
            maps[claim.revision_id] = OffsetMap(old_body, current.body)
        mapped = maps[claim.revision_id](claim.start)
        new_begin, new_finish = sentence_around(current.body, mapped, min(mapped + 1, len(current.body)))
        old_sentence, new_sentence = old_body[begin:finish], current.body[new_begin:new_finish]
        items.append(AttentionItem(claim, old_sentence, new_sentence, new_begin, word_diff(old_sentence, new_sentence)))
    return items
