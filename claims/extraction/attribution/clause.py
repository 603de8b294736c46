# ruff: noqa: RUF001, RUF002 - typographic quotes, apostrophes and dashes are what this code reads
"""A clause as the attribution rules see it: its tokens, quick predicates over them, and the
``Draft`` and ``Phrase`` the rules produce. Sentences are split into clauses where two claims meet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token

from claims.extraction import lexicon as lx
from claims.extraction.text import Layout, Sentence
from claims.models import Claim

Mode = Claim.Mode

CLOSERS = {"”", "»", '"', "’"}
ADDRESSEES = {
    "reporters",
    "journalists",
    "media",
    "press",
    "parliament",
    "lawmakers",
    "legislators",
    "delegates",
    "supporters",
    "crowd",
    "audience",
    "agency",
    "broadcaster",
    "newspaper",
    "television",
    "tv",
    "radio",
    "channel",
    "interviewer",
    "people",
    "nation",
    "citizens",
    "counterpart",
    "him",
    "her",
    "them",
    "us",
    "me",
}
SPEAKER_NOUNS = (
    lx.ORG_WORDS
    | lx.ANAPHOR_NOUNS
    | lx.TITLE_WORDS
    | lx.PERSON_ROLE_NOUNS
    | {
        "witnesses",
        "residents",
        "sources",
        "activists",
        "analysts",
        "observers",
        "diplomats",
        "experts",
        "monitors",
        "medics",
        "doctors",
        "rescuers",
        "prosecutors",
        "investigators",
        "spokesmen",
        "separatists",
        "rebels",
        "militants",
        "insurgents",
        "officers",
        "commanders",
        "lawmakers",
        "mps",
        "state",
        "media",
        "statement",
        "spokespeople",
        "agencies",
        "ministers",
        "presidents",
        "leaders",
        "leadership",
    }
)


@dataclass
class Phrase:
    """Words as written in the text: a speaker ("the country’s Defence Ministry"), or an agent."""

    start: int
    end: int
    text: str
    first_in_sentence: bool = False


@dataclass
class Draft:
    """A candidate before its speaker is resolved and its kind decided."""

    start: int
    end: int
    origin: str  # quote | standalone_quote | reported | nominal | lead_in | continuation | according | tweet | outlet
    mode: str  # a Claim.Mode
    paragraph: int
    sentence_start: int
    sentence_end: int
    speaker: Phrase | None = None
    cue: str = ""
    post: bool = False  # the speaker comes after the words: a pronoun cannot point into them
    via: list[Phrase] = field(default_factory=list)
    denial_cue: bool = False
    accusation_cue: bool = False


def lower(token: Token) -> str:
    return token.lower_.replace("’", "'")


def is_open(token: Token) -> bool:
    """An opening quotation mark of a quote the layout found."""
    return token.idx in token.doc.user_data.get("quote_open", ())


def is_close(token: Token) -> bool:
    """A closing quotation mark of a quote the layout found."""
    return token.idx in token.doc.user_data.get("quote_close", ())


def is_capitalised(token: Token) -> bool:
    text = token.text
    return bool(text) and (text[0].isupper() or (text[0] in "@#" and len(text) > 1))


def is_participle(token: Token) -> bool:
    return lower(token).endswith("ing") and len(token.text) > 4


class Clause:
    """The tokens of one clause, with quick predicates over them."""

    def __init__(self, layout: Layout, tokens: list[Token], sentence: Sentence, first_in_sentence: int):
        self.layout = layout
        self.tokens = tokens
        self.sentence = sentence
        self.first_in_sentence = first_in_sentence  # index of the sentence's first token in self.tokens, or -1
        self.inq = [layout.in_quote(t.idx) for t in tokens]

    @property
    def start(self) -> int:
        return self.tokens[0].idx

    @property
    def end(self) -> int:
        last = self.tokens[-1]
        return last.idx + len(last.text)

    def end_of(self, i: int) -> int:
        token = self.tokens[i]
        return token.idx + len(token.text)

    def phrase(self, i: int, j: int) -> Phrase:
        """Tokens i..j inclusive as a phrase."""
        start, end = self.tokens[i].idx, self.end_of(j)
        return Phrase(start, end, self.layout.text[start:end], first_in_sentence=(i == self.first_in_sentence))


def split_clauses(layout: Layout, tokens: list[Token]) -> list[list[Token]]:
    """Split a sentence where two claims meet: "; " and ", while/whereas", and ", but" when what
    follows has its own speech verb or number."""
    clauses: list[list[Token]] = []
    current: list[Token] = []
    n = len(tokens)
    for i, token in enumerate(tokens):
        inside = layout.in_quote(token.idx)
        nxt = tokens[i + 1] if i + 1 < n else None
        if not inside and nxt is not None and current:
            if token.text == ";" and lower(nxt) not in lx.CONJUNCTIONS:
                clauses.append(current)
                current = []
                continue
            if token.text == "," and lower(nxt) in {"while", "whereas"}:
                clauses.append(current)
                current = []
                continue
            if token.text == "," and lower(nxt) == "but":
                rest = tokens[i + 2 :]
                if any(lower(t) in lx.SPEECH_VERBS and lower(t) not in lx.AMBIGUOUS_FORMS for t in rest) or any(
                    t.like_num for t in rest
                ):
                    clauses.append(current)
                    current = []
                    continue
            if lower(token) == "but" and current[-1].text != "," and _opens_with_speech(nxt):
                # "confirmed the strike but denied it had hit civilians": a second claim
                clauses.append(current)
                current = []
                continue
        if not current and lower(token) in {"while", "whereas", "but"} and clauses:
            continue  # the conjunction that opened this clause is not part of it
        current.append(token)
    if current:
        clauses.append(current)
    return [c for c in clauses if c]


def _opens_with_speech(token: Token) -> bool:
    low = lower(token)
    return low in lx.SPEECH_VERBS and low not in lx.AMBIGUOUS_FORMS and not low.endswith("ing")


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim spaces, commas and a dangling closing mark at the ends of a span."""
    while start < end and text[start] in " \t,;:—–-":
        start += 1
    while end > start and text[end - 1] in " \t,;:—–-":
        end -= 1
    return start, end


def mode_of(clause: Clause, a: int, b: int) -> str:
    """Verbatim when quoted words make up most of tokens a..b."""
    if b < a:
        return Mode.PARAPHRASE
    inside = sum(1 for k in range(a, b + 1) if clause.inq[k])
    return Mode.VERBATIM if inside >= 0.7 * (b - a + 1) else Mode.PARAPHRASE


def draft(clause: Clause, start: int, end: int, origin: str, mode: str, **extra) -> Draft:
    text = clause.layout.text
    start, end = strip_span(text, start, end)
    if origin in {"quote", "standalone_quote"}:
        while end > start and text[end - 1] in CLOSERS | {",", " "}:
            end -= 1
    return Draft(
        start=start,
        end=end,
        origin=origin,
        mode=mode,
        paragraph=clause.sentence.paragraph,
        sentence_start=clause.sentence.start,
        sentence_end=clause.sentence.end,
        **extra,
    )


def quote_span(clause: Clause, stop: int) -> tuple[int, int]:
    """From the first quote's content to just before token index ``stop`` (the attribution)."""
    text = clause.layout.text
    tokens = clause.tokens
    start = tokens[0].idx + len(tokens[0].text) if is_open(tokens[0]) else tokens[0].idx
    last = stop - 1
    while last > 0 and (tokens[last].text in {",", ":", ";", "—", "–", "-"} or is_close(tokens[last])):
        last -= 1
    end = clause.end_of(last)
    return strip_span(text, start, end)


def quote_closes_before(clause: Clause, sa: int) -> bool:
    """The clause opens with a quote that closes before the speaker: "“...,” he said"."""
    tokens = clause.tokens
    if not is_open(tokens[0]):
        return False
    return any(not clause.inq[k] and is_close(tokens[k]) for k in range(1, sa))


def quote_runs_to_end(clause: Clause, q: int, slack: int = 2) -> bool:
    """Whether the quote opening at token q closes at (or within ``slack`` tokens of) the clause end."""
    tokens = clause.tokens
    for k in range(q + 1, len(tokens)):
        if is_close(tokens[k]) and not clause.inq[k]:
            rest = [t for t in tokens[k + 1 :] if not t.is_punct]
            return len(rest) <= slack
    return True  # runs to the paragraph's end
