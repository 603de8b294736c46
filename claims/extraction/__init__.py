"""The claim assistant: claims in a story's text, their speakers, figures, versions and disputes.

Rule-based, over a blank spaCy English pipeline (tokenizer, PhraseMatcher), ``text2num`` for
number words, and PostgreSQL (pg_trgm, unaccent, full-text search) for names and matching. No
statistical model is downloaded; the actors it knows come from the database. See
docs/assistant.md for the rules, the measured quality and the speed.

- ``extract`` (claims.extraction.pipeline): candidates in a text; reads, never writes.
- ``suggest``: candidates with their statement and dispute matches, and reprints of the text.
- ``claims.extraction.evaluation``: precision and recall against the curated seed dataset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from claims.extraction.matching import Matcher, Query, Reprint, find_reprints, reprint_positions, setting_of
from claims.extraction.pipeline import CANDIDATE_KINDS, Candidate, FigureSuggestion, extract
from claims.extraction.speakers import Gazetteer, gazetteer

# Scores at or above these are confident enough to prefill when a suggestion is accepted.
STATEMENT_CONFIDENCE = 0.6
DISPUTE_CONFIDENCE = 0.5
# Disputes scoring below this are not offered at all, not even listed (calibrated on the seeds and
# the development set: docs/assistant.md): the same bar as prefilling, so what is listed is what
# the panel shows. "No dispute" is the normal answer for a story from a war the desk has none for.
DISPUTE_OFFER = DISPUTE_CONFIDENCE
# Two disputes of the same event both offerable and this close: the words do not say which, so
# neither is offered (a guess between two is no answer, as for speakers).
DISPUTE_MARGIN = 0.05

__all__ = ["CANDIDATE_KINDS", "Candidate", "FigureSuggestion", "Suggestions", "extract", "match", "suggest"]


@dataclass
class Suggestions:
    candidates: list[Candidate]
    reprints: list[Reprint] = field(default_factory=list)


def match(
    candidates: list[Candidate],
    *,
    published_on: date | None,
    story_id: int | None = None,
    reprints: list[Reprint] | None = None,
    exclude_overlapping: bool = False,
    text: str = "",
    gaz: Gazetteer | None = None,
) -> None:
    """Fill each candidate's statement and dispute matches (best first, with reasons), loading
    what the scores need once for all the candidates.

    With ``exclude_overlapping`` the story's own claims over the same words are left out (the
    candidate must not find itself when measured against the curated claims). ``text`` is the
    story's: its places and sides say where the candidates are (else the candidates' own words).
    Only disputes about the same event are offered, only from ``DISPUTE_OFFER`` up, and none
    when two of them are within ``DISPUTE_MARGIN`` of each other. ``gaz``: the gazetteer the
    candidates were extracted with (else the current one).
    """
    from claims.models import Claim

    own: list[tuple[int, int, int]] = []
    if exclude_overlapping and story_id is not None:
        own = list(Claim.objects.filter(story_id=story_id).values_list("id", "start", "end"))
    gaz = gaz or gazetteer()
    setting = setting_of(text or "\n".join(c.quote for c in candidates), gaz=gaz)
    queries = [
        Query(
            text=c.quote,
            speaker_id=c.actor_id,
            day=published_on,
            kind=c.kind,
            story_id=story_id,
            start=c.start,
            measures={f.measure for f in c.figures},
            exclude={cid for cid, s, e in own if min(e, c.end) - max(s, c.start) > 0},
            reprint_of=reprint_positions(c.quote, reprints or []),
            setting=setting,
        )
        for c in candidates
    ]
    if not queries:
        return
    matcher = Matcher(queries, gaz=gaz)
    for candidate, query in zip(candidates, queries, strict=True):
        statements = matcher.statements(query)
        candidate.statement_matches = [m.as_json() for m in statements]
        confident = [m.id for m in statements[:1] if m.score >= STATEMENT_CONFIDENCE]
        offered = [m for m in matcher.disputes_for(query, confident) if m.score >= DISPUTE_OFFER]
        if len(offered) > 1 and offered[0].score - offered[1].score < DISPUTE_MARGIN:
            offered = []
        candidate.dispute_matches = [m.as_json() for m in offered]


def suggest(
    text: str, *, published_on: date | None = None, story_id: int | None = None, with_matches: bool = True
) -> Suggestions:
    """Everything the assistant offers for one text (a stored story's, or a file's)."""
    gaz = gazetteer()  # one look at whether the actors changed, for extraction and matching both
    candidates = extract(text, published_on=published_on, gaz=gaz)
    reprints = find_reprints(text, exclude_story=story_id) if with_matches else []
    if with_matches:
        match(candidates, published_on=published_on, story_id=story_id, reprints=reprints, text=text, gaz=gaz)
    return Suggestions(candidates, reprints)
