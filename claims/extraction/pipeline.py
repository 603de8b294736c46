# ruff: noqa: RUF001 - typographic quotes, apostrophes and dashes are what this code reads
"""From a story's text to claim candidates: spans, kinds, speakers, figures.

``extract(text, published_on=...)`` is the whole assistant for one text. It reads the database
(actors, aliases, roles, sides, outlets) but never writes, and never looks at claims already
logged for the story: what editors logged is not an input, so the assistant can be measured
against the curated claims honestly (see ``claims.extraction.evaluation``).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from claims.extraction import lexicon as lx
from claims.extraction.attribution import Draft, Phrase, find_drafts
from claims.extraction.figure_reading import AGENT_VERBS, FIGURE_JSON_FIELDS, ParsedFigure, parse_figures
from claims.extraction.speakers import Gazetteer, Hit, ParsedPhrase, Resolution, Resolver, gazetteer, parse_phrase
from claims.extraction.text import Layout, layout
from claims.models import Claim
from core.text import squash

CANDIDATE_KINDS = ("statement", "figure", "denial", "accusation", "assertion")
COUNT_NOUNS = {"casualties", "casualty", "deaths", "toll", "fatalities"}
LOCATION_WORDS = {
    "eastern",
    "western",
    "northern",
    "southern",
    "central",
    "occupied",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
}
_MINISTER = re.compile(
    r"((?:[A-Z][\w’'-]+\s+){1,3})(Foreign|Defen[cs]e|Interior|Justice|Health|Finance)\s+Minist(?:er|ry)\b"
)


@dataclass
class FigureSuggestion:
    measure: str
    counted: str
    value: int
    qualifier: str
    low: int | None
    high: int | None
    approximate: bool
    tally: str
    raw: str
    start: int
    end: int
    whose_id: int | None = None
    whose: str | None = None
    part_of: int | None = None  # a sub-count ("including three children") of the candidate's figure at this index

    def as_json(self) -> dict[str, Any]:
        return {
            "whose_id": self.whose_id,
            "whose": self.whose,
            "part_of": self.part_of,
            **{n: getattr(self, n) for n in FIGURE_JSON_FIELDS},
        }


@dataclass
class Candidate:
    """One suggested claim: where it is, what kind, who said it, its figures, its likely versions."""

    start: int
    end: int
    quote: str
    kind: str
    mode: str
    origin: str
    paragraph: int
    speaker: str | None = None  # as written
    speaker_start: int | None = None
    speaker_end: int | None = None
    actor_id: int | None = None
    actor_name: str | None = None
    speaker_method: str | None = None
    speaker_score: float = 0.0
    proposed_actor: dict[str, Any] | None = None  # name, title, kind, side_id, side (Resolution.proposal)
    via: list[dict[str, Any]] = field(default_factory=list)
    figures: list[FigureSuggestion] = field(default_factory=list)
    blames_id: int | None = None
    blames: str | None = None
    cue: str = ""
    statement_matches: list[dict[str, Any]] = field(default_factory=list)
    dispute_matches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """Identifies the suggestion across page loads (kind and quote), for dismissals."""
        return hashlib.sha256(f"{self.kind}\x1f{' '.join(self.quote.split())}".encode()).hexdigest()

    @property
    def figure(self) -> FigureSuggestion | None:
        return self.figures[0] if self.figures else None

    def as_json(self) -> dict[str, Any]:
        figure = self.figure
        return {
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "kind": self.kind,
            "mode": self.mode,
            "speaker": self.speaker,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "speaker_method": self.speaker_method,
            "speaker_confidence": round(self.speaker_score, 3),
            "proposed_actor": self.proposed_actor,
            "via": self.via,
            "figure": None
            if figure is None
            else {
                "measure": figure.measure,
                "counted": figure.counted,
                "low": figure.low,
                "high": figure.high,
                "approximate": figure.approximate,
                "whose_id": figure.whose_id,
                "value": figure.value,
                "qualifier": figure.qualifier,
                "tally": figure.tally,
                "raw": figure.raw,
            },
            "figures": [f.as_json() for f in self.figures],
            "blames_id": self.blames_id,
            "statement_matches": self.statement_matches,
            "dispute_matches": self.dispute_matches,
            "fingerprint": self.fingerprint,
        }


@dataclass
class _Speaker:
    """A resolved speaker as the discourse walk sees it."""

    resolution: Resolution
    start: int
    keys: set[str] = field(default_factory=set)


class _Story:
    """Everything known about one text while extracting from it."""

    def __init__(self, text: str, published_on: date | None, gaz: Gazetteer):
        self.text = text
        self.day = published_on
        self.gaz = gaz
        self.layout: Layout = layout(text)
        self.hits: list[Hit] = gaz.hits(self.layout)
        self.tokens = [t for t in self.layout.doc if not t.is_space]
        self.token_starts = [t.idx for t in self.tokens]
        self.party_sides = {sid for sid, side in gaz.sides.items() if side.kind == "party"}
        self._token_sides: list[tuple[int, int, int]] = []  # (start, end, side)
        for token in self.tokens:
            if token.is_alpha or token.text[:1] in "#@":
                side = gaz.side_of_word(token.text)
                if side is not None:
                    self._token_sides.append((token.idx, token.idx + len(token.text), side))
        named = Counter(side for _, _, side in self._token_sides)
        if sum(1 for side in named if side in self.party_sides) < 2:
            # A side recorded as a third party in one war is a party in another ("Russian drones"
            # in a story about Ukraine): the story's parties are the sides it names.
            self.party_sides |= set(named)
        counts = Counter({side: n for side, n in named.items() if side in self.party_sides})
        self.story_parties = [side for side, _ in counts.most_common()]

    def sides_between(self, start: int, end: int, parties_only: bool = False) -> list[tuple[int, int]]:
        """(offset, side) for side names and demonyms between two offsets."""
        return [
            (s, side)
            for s, e, side in self._token_sides
            if start <= s and e <= end and (not parties_only or side in self.party_sides)
        ]

    def recent_sides(self, before: int, window: int = 700) -> list[int]:
        return [side for _, side in self.sides_between(max(0, before - window), before)]


# --- Speakers ---------------------------------------------------------------------------------
def _resolve_speakers(story: _Story, drafts: list[Draft]) -> list[tuple[Draft, Resolution | None, ParsedPhrase | None]]:
    gaz = story.gaz
    resolver = Resolver(gaz, story.day)
    side_word = gaz.side_of_word
    parsed: list[ParsedPhrase | None] = [
        parse_phrase(d.speaker.text, side_word=side_word) if d.speaker else None for d in drafts
    ]
    explicit: list[tuple[ParsedPhrase, list[int]]] = []
    explicit_index: dict[int, int] = {}
    for n, (draft, p) in enumerate(zip(drafts, parsed, strict=True)):
        if p is not None and p.pronoun is None and p.reference is None:
            explicit_index[n] = len(explicit)
            explicit.append((p, story.recent_sides(draft.speaker.start)))
    # "the ministry": the ministry of the minister named last ("Russian Foreign Minister X" -> ministry).
    ministry_phrase: dict[int, int] = {}
    for n, (draft, p) in enumerate(zip(drafts, parsed, strict=True)):
        if p is not None and p.reference == "ministry":
            found = list(_MINISTER.finditer(story.text, 0, draft.speaker.start))
            if found:
                m = found[-1]
                ministry_phrase[n] = len(explicit)
                explicit.append((parse_phrase(f"{m.group(1).strip()} {m.group(2)} Ministry"), []))
    via_phrases: list[Phrase] = [v for d in drafts for v in d.via]
    resolutions = resolver.resolve_all(explicit + [(parse_phrase(v.text), []) for v in via_phrases])
    via_resolutions = resolutions[len(explicit) :]
    resolutions = resolutions[: len(explicit)]

    results: list[tuple[Draft, Resolution | None, ParsedPhrase | None]] = []
    history: list[_Speaker] = []
    via_cursor = 0
    for n, (draft, p) in enumerate(zip(drafts, parsed, strict=True)):
        resolution: Resolution | None = None
        if p is None:
            if draft.origin == "standalone_quote" and history:
                resolution = replace(history[-1].resolution, method="previous")
        elif p.pronoun is not None:
            resolution = _resolve_pronoun(story, draft, p.pronoun, history)
        elif p.reference is not None:
            resolution = _resolve_reference(
                story, draft, p.reference, history, resolutions[ministry_phrase[n]] if n in ministry_phrase else None
            )
        else:
            resolution = resolutions[explicit_index[n]]
            if resolution.method == "unknown" and p.name and " " not in p.name:
                # "Col. Tomas Reyl said ... Reyl told": the surname of a speaker met earlier.
                for speaker in reversed(history):
                    name = speaker.resolution.proposed_name or ""
                    if name.split() and name.split()[-1].lower() == p.name.lower():
                        resolution = replace(speaker.resolution, method="reference")
                        break
        # Intermediaries: keep those that are outlets ("Russia's Interfax news agency said").
        draft_via = []
        for _ in draft.via:
            via_res = via_resolutions[via_cursor]
            via_cursor += 1
            if via_res.outlet_id is not None:
                draft_via.append({"id": via_res.outlet_id, "name": gaz.outlets[via_res.outlet_id]})
        draft.via = draft_via  # type: ignore[assignment]
        if resolution is not None and resolution.outlet_id is not None:
            # An agency as the speaker: it is the channel, the speaker is not named.
            draft.via = [{"id": resolution.outlet_id, "name": gaz.outlets[resolution.outlet_id]}]  # type: ignore[list-item]
            resolution = None
        if resolution is not None and (resolution.actor_id is not None or resolution.proposed_name):
            keys = set(gaz.actors[resolution.actor_id].keys) if resolution.actor_id else {squash(p.text) if p else ""}
            history.append(_Speaker(resolution, draft.start, keys))
        results.append((draft, resolution, p))
    return results


def _outside_quotes(story: _Story, hit: Hit) -> bool:
    return not story.layout.in_quote(hit.start)


def _resolve_pronoun(story: _Story, draft: Draft, pronoun: str, history: list[_Speaker]) -> Resolution | None:
    gaz = story.gaz
    want_person = pronoun in lx.PERSON_PRONOUNS
    phrase_start = draft.speaker.start

    def fits(actor_id: int | None, is_person: bool | None) -> bool:
        if actor_id is not None:
            return gaz.actors[actor_id].is_person == want_person
        return bool(is_person) == want_person

    if not draft.post:
        # "As for Pashinyan, he calls for...": a name earlier in the same sentence.
        for hit in reversed(story.hits):
            if hit.actor_id is None or hit.end > phrase_start or hit.start < draft.sentence_start:
                continue
            if _outside_quotes(story, hit) and fits(hit.actor_id, None):
                return Resolution("pronoun", actor_id=hit.actor_id, score=0.8, is_person=want_person)
    for speaker in reversed(history):
        res = speaker.resolution
        if fits(res.actor_id, res.is_person):
            return replace(res, method="pronoun", score=min(res.score, 0.8) if res.score else 0.8)
    for hit in reversed(story.hits):
        if hit.actor_id is None or hit.end > phrase_start:
            continue
        if _outside_quotes(story, hit) and fits(hit.actor_id, None):
            return Resolution("pronoun", actor_id=hit.actor_id, score=0.6, is_person=want_person)
    return None


def _resolve_reference(
    story: _Story, draft: Draft, noun: str, history: list[_Speaker], ministry: Resolution | None
) -> Resolution | None:
    """ "the ministry", "the statement", "the spokesman": the last speaker (or named body) that fits."""
    gaz = story.gaz
    if noun in {"statement", "source", "sources"}:
        return replace(history[-1].resolution, method="reference") if history else None
    canon = lx.ROLE_CANON.get(noun, noun)

    def fits(actor_id: int | None) -> bool:
        if actor_id is None:
            return False
        actor = gaz.actors[actor_id]
        if any(noun in key.split() for key in actor.keys) or noun in squash(actor.name).split():
            return True
        return any(d.head == canon for d in actor.descriptors)

    for speaker in reversed(history):
        if fits(speaker.resolution.actor_id):
            return replace(speaker.resolution, method="reference")
    for hit in reversed(story.hits):
        if hit.end <= draft.speaker.start and fits(hit.actor_id):
            return Resolution(
                "reference", actor_id=hit.actor_id, score=0.7, is_person=gaz.actors[hit.actor_id].is_person
            )
    if ministry is not None and ministry.actor_id is not None:
        return replace(ministry, method="reference")
    # A speaker proposed as new earlier whose title says it ("Tomas Reyl, an army spokesman ...
    # the spokesman said"). Any other earlier speaker would be a guess: the description is
    # proposed as written instead.
    for speaker in reversed(history):
        res = speaker.resolution
        described = f"{res.proposed_title or ''} {res.proposed_name or ''}".lower().split()
        if res.actor_id is None and (noun in described or canon in {lx.ROLE_CANON.get(w) for w in described}):
            return replace(res, method="reference")
    return Resolution(
        "unknown",
        proposed_name=draft.speaker.text,
        proposed_kind="person" if noun in lx.PERSON_ANAPHORS else None,
        is_person=noun in lx.PERSON_ANAPHORS,
    )


# --- Kinds, figures, blame --------------------------------------------------------------------
def _words(story: _Story, start: int, end: int) -> list[str]:
    return [t.lower_.replace("’", "'") for t in _tokens(story, start, end)]


def _tokens(story: _Story, start: int, end: int):
    """The (non-space) tokens lying inside start..end, found by bisection on their offsets."""
    first = bisect_left(story.token_starts, start)
    found = []
    for token in story.tokens[first:]:
        if token.idx >= end:
            break
        if token.idx + len(token.text) <= end:
            found.append(token)
    return found


def _agent_before(story: _Story, offset: int, start: int, reach: int = 40) -> int | None:
    """The party named right before ``offset`` ("Armenia killed", "Armenian forces targeted")."""
    mentions = story.sides_between(max(start, offset - reach), offset, parties_only=True)
    return mentions[-1][1] if mentions else None


def _accusation(story: _Story, draft: Draft, speaker_side: int | None, has_speaker: bool) -> tuple[bool, int | None]:
    """Whether the span accuses a party of an attack or a broken truce, and which party."""
    tokens = _tokens(story, draft.start, draft.end)
    lows = [t.lower_ for t in tokens]
    if any(w in lx.RECIPROCAL_WORDS for w in lows) and not draft.accusation_cue:
        return False, None
    for k, token in enumerate(tokens):
        low = lows[k]
        if low not in lx.ATTACK_WORDS or low in {"killed", "killing"}:
            continue
        if low in {"broke", "broken"} and k + 1 < len(lows) and lows[k + 1] == "out":
            continue
        if any(w in {"its", "our", "we", "us", "own"} for w in lows[max(0, k - 6) : k]):
            continue  # the speaker's own strikes ("its forces had struck"): no accusation
        # the agent: a party just before the attack word, or "by <party>" after it
        floor = draft.speaker.end if draft.speaker and draft.speaker.end <= token.idx else draft.start
        agent = _agent_before(story, token.idx, floor, reach=60)
        if agent is None and k + 2 < len(tokens) and lows[k + 1] == "by":
            after = story.sides_between(tokens[k + 2].idx, min(draft.end, tokens[k + 2].idx + 30), parties_only=True)
            agent = after[0][1] if after else None
        if agent is not None and agent != speaker_side:
            return True, agent
        if has_speaker and agent is None:
            return True, None  # an attributed claim about an attack: an accusation, target unnamed
    return False, None


def _accused(story: _Story, draft: Draft) -> int | None:
    """The party named right after "accused"/"blamed" ("accused Russia of ...")."""
    for token in _tokens(story, draft.start, draft.end):
        if token.lower_ in lx.ACCUSATION_VERBS:
            after = story.sides_between(token.idx, min(draft.end, token.idx + 60), parties_only=True)
            return after[0][1] if after else None
    return None


def _whose(story: _Story, figure: ParsedFigure, draft: Draft, speaker_side: int | None) -> int | None:
    """The side whose people or buildings a figure counts.

    In order: a side word on the counted ("Azerbaijani civilians"); "its/their soldiers" (the
    speaker's side); "X lost N" (X's side); "X killed N" (the other side named, else the other
    party the story names most); a count noun's modifier ("Loranian military casualties"); the
    speaker's side, when it is a party; else the one party named in the claim, if only one is.
    """
    if figure.modifier_offsets:
        for _, side in story.sides_between(*figure.modifier_offsets):
            return side
    own_side_cue = figure.possessive in {"its", "their", "our", "his", "her"}
    if own_side_cue:
        if speaker_side is not None:
            return speaker_side
        before = story.sides_between(draft.start, figure.number_start)
        return before[-1][1] if before else None
    if figure.verb in {"lost", "lose", "losing"} and figure.verb_offset is not None:
        before = story.sides_between(draft.start, figure.verb_offset)
        return before[-1][1] if before else speaker_side
    if figure.verb in COUNT_NOUNS and figure.verb_offset is not None:
        # "Loranian military casualties reached 50": the words before the noun say whose.
        before = story.sides_between(max(draft.start, figure.verb_offset - 30), figure.verb_offset)
        if before:
            return before[-1][1]
    elif figure.verb in AGENT_VERBS and figure.verb_offset is not None:
        tokens = _tokens(story, max(draft.start, figure.verb_offset - 60), figure.verb_offset)
        agent = None
        if tokens:
            # the word right before the verb (past auxiliaries) names the agent, or a participle's subject
            k = len(tokens) - 1
            while k >= 0 and tokens[k].lower_ in lx.SUBJECT_FILLERS:
                k -= 1
            near = tokens[k] if k >= 0 else None
            if figure.verb.endswith("ing"):  # ", killing four and injuring four others": the clause's subject
                agent = _agent_before(story, figure.verb_offset, draft.start, reach=200)
            elif near is not None:
                window = story.sides_between(tokens[max(0, k - 1)].idx, near.idx + len(near.text), parties_only=True)
                j = k
                while j >= 1 and near.text[:1].isupper() and tokens[j - 1].text[:1].isupper():
                    j -= 1  # "in Gaza City killed": the word before the place's name
                before = tokens[j - 1].lower_ if j >= 1 else ""
                place = before in LOCATION_WORDS or before in {"in", "on", "at", "near", "across", "inside"}
                if window and place:
                    return window[-1][1]  # "a strike on a market in eastern Lorania killed": the place, not the agent
                agent = window[-1][1] if window else None
        if agent is not None:
            others = [
                side for _, side in story.sides_between(draft.start, draft.end, parties_only=True) if side != agent
            ]
            if others:
                return others[0]
            rest = [side for side in story.story_parties if side != agent]
            return rest[0] if rest else None
    if speaker_side is not None and speaker_side in story.party_sides:
        return speaker_side
    # Sides named in the span, except an attacker's adjective ("the Ukrainian attack on ...").
    attackers, mentioned = set(), set()
    for offset, side in story.sides_between(draft.start, draft.end, parties_only=True):
        following = _tokens(story, offset, min(draft.end, offset + 40))[1:3]
        if any(t.lower_ in lx.ATTACK_WORDS for t in following):
            attackers.add(side)
        else:
            mentioned.add(side)
    mentioned -= attackers
    if len(mentioned) == 1:
        return next(iter(mentioned))
    if attackers and not mentioned:
        rest = [side for side in story.story_parties if side not in attackers]
        return rest[0] if rest else None
    return None


def _kind(
    story: _Story, draft: Draft, has_speaker: bool, figures: list, speaker_side: int | None
) -> tuple[str | None, int | None]:
    if has_speaker and (draft.denial_cue or _denies_too(story, draft)):
        return "denial", None  # with its figures, if it carries the figure it denies
    if figures:
        return "figure", None
    words = set(_words(story, draft.start, draft.end))
    if has_speaker and words & lx.DENIAL_WORDS and (words & lx.DENIAL_TARGETS or draft.mode == Claim.Mode.VERBATIM):
        return "denial", None
    if draft.accusation_cue:
        return "accusation", _accused(story, draft)
    accuses, blamed = _accusation(story, draft, speaker_side, has_speaker)
    if accuses and (has_speaker or blamed is not None):
        return "accusation", blamed
    if has_speaker or draft.origin in {"standalone_quote", "quote", "tweet"}:
        return "statement", None
    if words & lx.ASSERTION_EVENT_NOUNS and words & lx.ASSERTION_EVENT_VERBS and not _background(story, words):
        return "assertion", None
    return None, None


def _denies_too(story: _Story, draft: Draft) -> bool:
    """The speaker also denies, in a second verb: "X said ... and dismissed the reports as lies"."""
    tokens = _tokens(story, draft.start, draft.end)
    return any(
        tokens[k - 1].lower_ in {"and", "but"}
        and tokens[k].lower_ in lx.DENIAL_VERBS
        and not story.layout.in_quote(tokens[k].idx)
        for k in range(1, len(tokens))
    )


def _background(story: _Story, words: set[str]) -> bool:
    """A background paragraph: it dates what it says to years before the story ("since 1991")."""
    if story.day is None:
        return False
    years = [int(w) for w in words if len(w) == 4 and w.isascii() and w.isdigit() and 1800 <= int(w) <= 2100]
    return any(year < story.day.year - 1 for year in years)


def _merge_quotes(candidates: list[Candidate]) -> list[Candidate]:
    """“A,” he said. “B.” in one paragraph, same speaker: one claim."""
    merged: list[Candidate] = []
    for candidate in candidates:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.origin in {"quote", "standalone_quote"}
            and candidate.origin in {"quote", "standalone_quote"}
            and previous.paragraph == candidate.paragraph
            and previous.kind == candidate.kind == "statement"
            and (previous.actor_id, previous.speaker if previous.actor_id is None else None)
            == (candidate.actor_id, candidate.speaker if candidate.actor_id is None else None)
        ):
            previous.end = candidate.end
            previous.figures.extend(candidate.figures)
            continue
        merged.append(candidate)
    return merged


def _candidate(
    story: _Story, draft: Draft, resolution: Resolution | None, *, kind_required: bool = True
) -> Candidate | None:
    """The candidate a draft makes, its speaker resolved: kind, mode, figures and whose they are.
    None when it is no kind of claim (unless ``kind_required`` is off: an editor's own selection)."""
    gaz, text = story.gaz, story.text
    actor = gaz.actors.get(resolution.actor_id) if resolution and resolution.actor_id else None
    has_speaker = resolution is not None and (actor is not None or bool(resolution.proposed_name))
    speaker_side = actor.side_id if actor else None
    figures = parse_figures(_tokens(story, draft.start, draft.end), text)
    kind, blamed = _kind(story, draft, has_speaker, figures, speaker_side)
    if kind is None:
        if kind_required:
            return None
        kind = "statement" if has_speaker else "assertion"
    mode = draft.mode
    if not has_speaker and draft.origin == "outlet":
        mode = Claim.Mode.OUTLET_VOICE
    elif has_speaker and mode == Claim.Mode.OUTLET_VOICE:
        mode = Claim.Mode.PARAPHRASE
    suggestions: list[FigureSuggestion] = []
    for figure in figures:
        totals = [n for n, s in enumerate(suggestions) if s.part_of is None]
        part_of = totals[-1] if figure.part_of_previous and totals else None
        whose = suggestions[part_of].whose_id if part_of is not None else _whose(story, figure, draft, speaker_side)
        suggestions.append(
            FigureSuggestion(
                measure=figure.measure,
                counted=figure.counted,
                value=figure.value,
                qualifier=figure.qualifier,
                low=figure.low,
                high=figure.high,
                approximate=figure.approximate,
                tally=figure.tally,
                raw=figure.raw,
                start=figure.start,
                end=figure.end,
                whose_id=whose,
                whose=gaz.sides[whose].name if whose in gaz.sides else None,
                part_of=part_of,
            )
        )
    candidate = Candidate(
        start=draft.start,
        end=draft.end,
        quote=text[draft.start : draft.end],
        kind=kind,
        mode=mode,
        origin=draft.origin,
        paragraph=draft.paragraph,
        cue=draft.cue,
        figures=suggestions,
        via=list(draft.via),
        blames_id=blamed,
        blames=gaz.sides[blamed].name if blamed in gaz.sides else None,
    )
    if draft.speaker is not None:
        candidate.speaker = draft.speaker.text
        candidate.speaker_start, candidate.speaker_end = draft.speaker.start, draft.speaker.end
    if resolution is not None:
        candidate.speaker_method = resolution.method
        candidate.speaker_score = resolution.score
        if actor is not None:
            candidate.actor_id, candidate.actor_name = actor.id, actor.name
        else:
            candidate.proposed_actor = resolution.proposal(gaz)
    return candidate


def extract(text: str, *, published_on: date | None = None, gaz: Gazetteer | None = None) -> list[Candidate]:
    """Claim candidates in ``text``, in text order. Reads the database; writes nothing."""
    gaz = gaz or gazetteer()
    story = _Story(text, published_on, gaz)
    drafts = find_drafts(story.layout)
    candidates: list[Candidate] = []
    for draft, resolution, _parsed in _resolve_speakers(story, drafts):
        candidate = _candidate(story, draft, resolution)
        if candidate is not None:
            candidates.append(candidate)
    candidates = _merge_quotes(candidates)
    for candidate in candidates:
        candidate.quote = text[candidate.start : candidate.end]
    # One span, one suggestion: a reported sentence and a reporting noun inside it keep both only
    # when they are different claims (different speakers).
    unique: list[Candidate] = []
    for candidate in candidates:
        if any(c.start == candidate.start and c.end == candidate.end for c in unique):
            continue
        unique.append(candidate)
    return unique


# How far (in characters) an attribution may lie from words an editor selected outside any
# candidate and still give them its speaker: about a short paragraph.
NEAREST_ATTRIBUTION = 400


def read_span(
    text: str, start: int, end: int, *, published_on: date | None = None, gaz: Gazetteer | None = None
) -> Candidate:
    """What the assistant reads in words an editor selected (``text[start:end]``): their figures,
    read as a suggestion's are, and the speaker of the nearest attribution: the candidate span the
    selection overlaps most, else the closest one in the same paragraph within
    ``NEAREST_ATTRIBUTION`` characters. Reads the database; writes nothing."""
    if not 0 <= start < end <= len(text):
        raise ValueError("The span is not inside the text.")
    gaz = gaz or gazetteer()
    story = _Story(text, published_on, gaz)
    resolved = _resolve_speakers(story, find_drafts(story.layout))

    def overlap(draft: Draft) -> int:
        return min(end, draft.end) - max(start, draft.start)

    def distance(draft: Draft) -> int:
        return max(draft.start - end, start - draft.end, 0)

    paragraph = next((p.index for p in story.layout.paragraphs if p.start <= start < p.end), None)
    best = max(resolved, key=lambda r: overlap(r[0]), default=None)
    if best is None or overlap(best[0]) <= 0:
        near = [r for r in resolved if r[0].paragraph == paragraph and distance(r[0]) <= NEAREST_ATTRIBUTION]
        best = min(near, key=lambda r: distance(r[0]), default=None)
    if best is None:
        draft, resolution = Draft(start, end, "outlet", Claim.Mode.PARAPHRASE, paragraph or 0, start, end), None
    else:
        draft, resolution = replace(best[0], start=start, end=end), best[1]
    candidate = _candidate(story, draft, resolution, kind_required=False)
    assert candidate is not None  # kind_required=False always gives one
    return candidate
