# ruff: noqa: RUF001, RUF002, RUF003 - typographic quotes, apostrophes and dashes are what this code reads
"""A story's text cut into paragraphs, quotations and sentences, all with code-point offsets.

Offsets are Python ``str`` indices into the text as given, the same the Claim model stores, so a
span found here anchors exactly. Nothing here changes the text: the folded copy used to find
names in it (``core.text.fold_aligned``) keeps, for each of its characters, the offset it came
from, so offsets found there carry over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

import spacy
from django.conf import settings
from spacy.language import Language
from spacy.tokens import Doc, Token

from core.text import fold_aligned

# --- The spaCy pipeline: a blank English tokenizer, loaded once per process -------------------
_NLP: Language | None = None


def nlp() -> Language:
    """The blank English pipeline (tokenizer and lexical attributes only; no statistical model)."""
    global _NLP
    if _NLP is None:
        _NLP = spacy.blank("en")
        # spaCy's 1,000,000-character guard is for its parser and NER models, which this pipeline
        # does not load; the tokenizer alone handles any story the desk accepts (STORY_MAX_BYTES).
        _NLP.max_length = 10 * settings.STORY_MAX_BYTES
    return _NLP


# --- Quotation marks --------------------------------------------------------------------------
OPENING_QUOTES = {"“", "«", "„"}
CLOSING_QUOTES = {"”", "»"}
STRAIGHT_QUOTE = '"'
QUOTE_CHARS = OPENING_QUOTES | CLOSING_QUOTES | {STRAIGHT_QUOTE}
_OPEN_BEFORE = set(" \t\n([{—–-/:") | OPENING_QUOTES


@dataclass
class Quote:
    """One quotation inside one paragraph: marks at ``mark_start`` and ``mark_end - 1``.

    A quotation spanning paragraphs (wire style: no closing mark at the end of the first
    paragraph, an opening mark at the start of the next) is several ``Quote`` pieces sharing
    ``group``; ``closed`` is False for a piece that runs to its paragraph's end.
    """

    mark_start: int
    content_start: int
    content_end: int
    mark_end: int
    paragraph: int
    group: int
    closed: bool = True


@dataclass
class Paragraph:
    index: int
    start: int
    end: int
    text: str
    role: str = "body"  # body | heading | debris | caption | tweet | tweet_credit
    tweet_author: str | None = None


@dataclass
class Sentence:
    start: int
    end: int
    paragraph: int
    tokens: list[Token] = field(default_factory=list)


@dataclass
class Layout:
    """The text's structure: paragraphs, quotes, sentences and the spaCy tokens."""

    text: str
    folded: str  # core.text.fold_aligned: accents, case and typographic marks folded, for finding names
    doc: Doc
    paragraphs: list[Paragraph]
    quotes: list[Quote]
    sentences: list[Sentence]
    _quote_at: list[int] = field(default_factory=list, repr=False)
    folded_from: list[int] = field(default_factory=list, repr=False)  # offset in text of each folded character

    def span_from_folded(self, start: int, end: int) -> tuple[int, int]:
        """A span of ``folded`` as the span of ``text`` it was folded from."""
        return self.folded_from[start], self.folded_from[end]

    def quote_at(self, offset: int) -> Quote | None:
        """The quote whose content holds ``offset``, if any."""
        index = self._quote_at[offset] if 0 <= offset < len(self._quote_at) else -1
        return self.quotes[index] if index >= 0 else None

    def in_quote(self, offset: int) -> bool:
        return 0 <= offset < len(self._quote_at) and self._quote_at[offset] >= 0


# --- Paragraph roles: scraper debris, headings, captions, tweet embeds ------------------------
_DEBRIS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^\[ad_\d+\]$",
        r"^read (more|also)\b",
        r"^(also read|see also|related( articles| posts| news| stories)?|recommended|more on this)\b",
        r"^discussion about this post$",
        r"^(administrator|admin|editor|staff)$",
        r"\bcopyright\b",
        r"all rights reserved",
        r"^\*?\s*(writing|reporting|editing|additional reporting) by\b",
        r"^published (in|on)\b",
        r"^(last )?update[ds]?\b",
        r"^(share|follow us|subscribe|sign up|click here|advertisement)\b",
        r"^[-—–]\s*[\w .&-]{2,40}$",  # sign-off: "— NNN-BERNAMA"
        r"^\(?(photo|image|video|file photo)[^)]*\)?$",
    )
]
_CAPTION_TAIL = re.compile(r"\((?:[\w .&/-]*\b)?(?:photo|photos|images|file photo|via)\b[^)]*\)\s*$", re.IGNORECASE)
_TWEET_CREDIT = re.compile(r"^[—–-]\s*(?P<author>[^()]{1,80}?)\s*\((?P<handle>@\w{1,30})\)\s*(?P<when>.*)$")
_TERMINAL = set('.?!:;"”’»…')
# A dateline opening a story: "KUALA LUMPUR, Sept 14 (NNN-Bernama) — " or "MOSCOW (Reuters) - ".
DATELINE = re.compile(
    r"^(?:[A-Z][A-Z’'.\- ]{1,40}[A-Z.](?:,\s*[\w’'. ]{1,40})?\s*(?:\([^)]{1,40}\))?\s*[—–-]{1,2}\s*"
    r"|[A-Z][A-Z’'.\- ]{1,40}[A-Z.]\s*\([^)]{1,40}\)\s*[:—–-]?\s*)"
)


def _paragraph_role(text: str) -> str:
    stripped = text.strip()
    if any(pattern.search(stripped) for pattern in _DEBRIS):
        return "debris"
    if _CAPTION_TAIL.search(stripped):
        return "caption"
    if stripped[-1] not in _TERMINAL and len(stripped.split()) <= 20:
        return "heading"
    return "body"


def _paragraphs(text: str) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    position = 0
    for line in text.split("\n"):
        line_start, position = position, position + len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        start = line_start + (len(line) - len(line.lstrip()))
        end = start + len(stripped)
        paragraphs.append(Paragraph(len(paragraphs), start, end, stripped, _paragraph_role(stripped)))
    # Tweet embeds: the tweet's text, then a "— Author (@handle) date" credit line.
    for previous, credit in pairwise(paragraphs):
        match = _TWEET_CREDIT.match(credit.text)
        if match:
            credit.role = "tweet_credit"
            previous.role = "tweet"
            previous.tweet_author = match.group("author").strip()
    return paragraphs


# --- Quotes -----------------------------------------------------------------------------------
def _is_opening_straight(text: str, index: int, paragraph_start: int) -> bool:
    return index == paragraph_start or text[index - 1] in _OPEN_BEFORE


SINGLE_QUOTES = {"‘"}


def _single_quote(text: str, index: int, paragraph: Paragraph) -> int | None:
    """British style: ‘words’ as a quotation. ‘ must open a word after a space (or the paragraph's
    start); the closing ’ is the first one not followed by a letter (an apostrophe is: "Vestria’s")."""
    if not (index == paragraph.start or text[index - 1] in " \t(—–-:"):
        return None
    if index + 1 >= paragraph.end or not text[index + 1].isalnum():
        return None
    for k in range(index + 1, paragraph.end):
        if text[k] == "’" and (k + 1 >= paragraph.end or not text[k + 1].isalpha()):
            return k if k - index > 12 else None  # a scare-quoted word or two is no quotation
        if text[k] in QUOTE_CHARS:
            return None
    return None


def _quotes(text: str, paragraphs: list[Paragraph]) -> list[Quote]:
    quotes: list[Quote] = []
    group = 0
    carried = False  # the previous paragraph ended inside a quotation that continues here
    for number, paragraph in enumerate(paragraphs):
        if paragraph.role in ("debris", "tweet_credit"):
            carried = False
            continue
        open_at: int | None = None
        skip_until = -1
        for index in range(paragraph.start, paragraph.end):
            ch = text[index]
            if index < skip_until:
                continue
            if ch in SINGLE_QUOTES and open_at is None:
                single = _single_quote(text, index, paragraph)
                if single is not None:
                    group += 1
                    quotes.append(Quote(index, index + 1, single, single + 1, number, group))
                    skip_until = single + 1
                continue
            if ch not in QUOTE_CHARS:
                continue
            opening = ch in OPENING_QUOTES or (
                ch == STRAIGHT_QUOTE and _is_opening_straight(text, index, paragraph.start)
            )
            if opening and open_at is None:
                open_at = index
                if not (carried and index == paragraph.start):
                    group += 1
            elif not opening and open_at is not None:
                quotes.append(Quote(open_at, open_at + 1, index, index + 1, number, group))
                open_at = None
        carried = False
        if open_at is not None:
            # Runs to the paragraph's end: continued if the next paragraph opens with a mark.
            following = paragraphs[number + 1] if number + 1 < len(paragraphs) else None
            end = paragraph.end
            quotes.append(Quote(open_at, open_at + 1, end, end, number, group, closed=False))
            carried = following is not None and text[following.start] in (OPENING_QUOTES | {STRAIGHT_QUOTE})
    return quotes


# --- Sentences --------------------------------------------------------------------------------
_ENDERS = {".", "!", "?", "…"}
# Words a full stop follows without ending the sentence: titles, initials, "No. 2".
ABBREVIATIONS = {
    "col",
    "gen",
    "lt",
    "maj",
    "sgt",
    "capt",
    "cpl",
    "pvt",
    "adm",
    "brig",
    "cmdr",
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "rev",
    "sen",
    "rep",
    "gov",
    "pres",
    "st",
    "no",
    "vs",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "inc",
    "co",
    "corp",
    "ltd",
    "jr",
    "sr",
    "amb",
    "hon",
    "ft",
    "mt",
}


def _starts_sentence(token: Token) -> bool:
    first = token.text[0]
    return first.isupper() or first.isdigit() or first in QUOTE_CHARS or first in "(['‘"


def _sentences(layout: Layout) -> list[Sentence]:
    """Sentences inside each paragraph. A full stop inside a quotation never ends the sentence
    around it, so a multi-sentence quote stays one unit with its attribution."""
    sentences: list[Sentence] = []
    paragraphs = layout.paragraphs
    tokens_by_paragraph: dict[int, list[Token]] = {p.index: [] for p in paragraphs}
    p_index = 0
    for token in layout.doc:
        if token.is_space:
            continue
        while p_index < len(paragraphs) and token.idx >= paragraphs[p_index].end:
            p_index += 1
        if p_index >= len(paragraphs):
            break
        if token.idx >= paragraphs[p_index].start:
            tokens_by_paragraph[paragraphs[p_index].index].append(token)
    for paragraph in paragraphs:
        tokens = tokens_by_paragraph[paragraph.index]
        current: list[Token] = []
        for position, token in enumerate(tokens):
            current.append(token)
            following = tokens[position + 1] if position + 1 < len(tokens) else None
            if following is None:
                break
            ends = token.text in _ENDERS and not layout.in_quote(token.idx)
            if ends and token.text == "." and len(current) > 1:
                word = current[-2].text
                if word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                    ends = False  # "Col. Tomas Reyl", "J. Smith"
            closes = (
                token.text in QUOTE_CHARS
                and len(current) > 1
                and current[-2].text in _ENDERS
                and not layout.in_quote(token.idx)
            )
            if not (ends or closes):
                continue
            if ends and following.text in QUOTE_CHARS and following.idx == token.idx + len(token.text):
                continue  # the closing mark belongs to this sentence: `war.”`
            if not _starts_sentence(following):
                continue
            sentences.append(Sentence(current[0].idx, token.idx + len(token.text), paragraph.index, current))
            current = []
        if current:
            last = current[-1]
            sentences.append(Sentence(current[0].idx, last.idx + len(last.text), paragraph.index, current))
    return sentences


def layout(text: str) -> Layout:
    """Cut ``text`` into paragraphs, quotes and sentences."""
    doc = nlp().make_doc(text)
    paragraphs = _paragraphs(text)
    quotes = _quotes(text, paragraphs)
    quote_at = [-1] * len(text)
    for index, quote in enumerate(quotes):
        for offset in range(quote.content_start, quote.content_end):
            quote_at[offset] = index
    # The quotation marks that open and close quotes, by offset: tokens are checked against
    # these, so an apostrophe (’) is never taken for a closing mark.
    doc.user_data["quote_open"] = {q.mark_start for q in quotes}
    doc.user_data["quote_close"] = {q.mark_end - 1 for q in quotes if q.closed}
    folded, folded_from = fold_aligned(text)
    result = Layout(text, folded, doc, paragraphs, quotes, [], quote_at, folded_from)
    result.sentences = _sentences(result)
    return result
