# ruff: noqa: RUF001, RUF002 - typographic quotes, apostrophes and dashes are what this code reads
"""Finding claims and who they are attributed to, sentence by sentence, with rules over tokens.

The rules follow how wire copy attributes words: a speech verb with its speaker before it
("Hajiyev said Yerevan...") or after the words ("..., the ministry said on Friday."; "..., said
the statement."), "according to X", reporting nouns ("statements by X that...", "X reports
that..."), participles that add a second claim by the same speaker (", adding that..."; "Arguing
that..., X said..."), direct quotes opening a sentence, and standalone quote paragraphs that
belong to the last speaker. Sentences with no attribution become candidates in the outlet's own
voice only when they hold a figure, an accusation or a contested assertion (decided later).

The output is a list of ``Draft``: a span, how it was found, and the speaker phrase as written.
Nothing here touches the database; speakers are resolved in ``claims.extraction.speakers``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from spacy.tokens import Token

from claims.extraction import lexicon as lx
from claims.extraction.text import DATELINE, QUOTE_CHARS, Layout, Paragraph, Sentence
from claims.models import Claim

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
Mode = Claim.Mode
TWEET_TAIL = re.compile(r"(?:\s*(?:#\w+|pic\.twitter\.com/\S+|https?://\S+|@\w+))+\s*$")


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


def _low(token: Token) -> str:
    return token.lower_.replace("’", "'")


def _is_open(token: Token) -> bool:
    """An opening quotation mark of a quote the layout found."""
    return token.idx in token.doc.user_data.get("quote_open", ())


def _is_close(token: Token) -> bool:
    """A closing quotation mark of a quote the layout found."""
    return token.idx in token.doc.user_data.get("quote_close", ())


def _is_capitalised(token: Token) -> bool:
    text = token.text
    return bool(text) and (text[0].isupper() or (text[0] in "@#" and len(text) > 1))


class _Clause:
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


# --- Clause splitting -------------------------------------------------------------------------
def _split_clauses(layout: Layout, tokens: list[Token]) -> list[list[Token]]:
    """Split a sentence where two claims meet: "; " and ", while/whereas", and ", but" when what
    follows has its own speech verb or number."""
    clauses: list[list[Token]] = []
    current: list[Token] = []
    n = len(tokens)
    for i, token in enumerate(tokens):
        inside = layout.in_quote(token.idx)
        nxt = tokens[i + 1] if i + 1 < n else None
        if not inside and nxt is not None and current:
            if token.text == ";" and _low(nxt) not in lx.CONJUNCTIONS:
                clauses.append(current)
                current = []
                continue
            if token.text == "," and _low(nxt) in {"while", "whereas"}:
                clauses.append(current)
                current = []
                continue
            if token.text == "," and _low(nxt) == "but":
                rest = tokens[i + 2 :]
                if any(_low(t) in lx.SPEECH_VERBS and _low(t) not in lx.AMBIGUOUS_FORMS for t in rest) or any(
                    t.like_num for t in rest
                ):
                    clauses.append(current)
                    current = []
                    continue
        if not current and _low(token) in {"while", "whereas", "but"} and clauses:
            continue  # the conjunction that opened this clause is not part of it
        current.append(token)
    if current:
        clauses.append(current)
    return [c for c in clauses if c]


# --- Cues -------------------------------------------------------------------------------------
@dataclass
class Cue:
    index: int  # the verb (or "according", or the speech noun)
    last: int  # last token of the cue ("out" in "pointed out")
    form: str
    frame: str
    kind: str  # verb | according | nominal


def _verb_cues(clause: _Clause) -> list[Cue]:
    cues: list[Cue] = []
    tokens = clause.tokens
    for i, token in enumerate(tokens):
        if clause.inq[i]:
            continue
        low = _low(token)
        nxt = _low(tokens[i + 1]) if i + 1 < len(tokens) else ""
        if low in lx.SPEECH_PHRASES and nxt in lx.SPEECH_PHRASES[low]:
            cues.append(Cue(i, i + 1, f"{low} {nxt}", lx.SPEECH_PHRASES[low][nxt], "verb"))
            continue
        nxt2 = _low(tokens[i + 2]) if i + 2 < len(tokens) else ""
        if low in {"voiced", "expressed"} and nxt2 == "concern":
            cues.append(Cue(i, i + 2, f"{low} concern", lx.OBJECT, "verb"))
            continue
        if low == "according" and nxt == "to":
            cues.append(Cue(i, i + 1, "according to", lx.CLAUSE, "according"))
            continue
        if low not in lx.SPEECH_VERBS:
            continue
        if low in lx.AMBIGUOUS_FORMS:
            before = tokens[i - 1] if i > 0 else None
            if before is None or not (
                _is_capitalised(before)
                or _low(before) in lx.PERSON_PRONOUNS
                or _low(before) in lx.GROUP_PRONOUNS
                or _low(before) in SPEAKER_NOUNS
            ):
                continue
            if nxt in {"of", "by", "about", "from", "were", "are", "was", "is", "and", "or"} or (
                i + 1 < len(tokens) and tokens[i + 1].is_punct and not _is_open(tokens[i + 1])
            ):
                continue
        if token.text[0].isupper() and i != clause.first_in_sentence and i != 0:
            continue  # a capitalised "Says" mid-sentence is a name or a headline word
        if any(_low(t) in lx.NEGATORS for t in tokens[max(0, i - 3) : i]):
            continue  # "did not say", "declined to comment": nothing was said
        cues.append(Cue(i, i, low, lx.SPEECH_VERBS[low], "verb"))
    return cues


def _that_follows(clause: _Clause, i: int, window: int = 8) -> int | None:
    """Index of a "that", a colon or an opening quote soon after token i (the verb's content)."""
    tokens = clause.tokens
    for j in range(i + 1, min(len(tokens), i + 1 + window)):
        if clause.inq[j]:
            return j - 1 if j > 0 and _is_open(tokens[j - 1]) else j
        low = _low(tokens[j])
        if low in {"that", ":"} or _is_open(tokens[j]):
            return j
        if low in {".", ";"}:
            return None
        if low == "," and not (j + 1 < len(tokens) and _is_open(tokens[j + 1])):
            return None
    return None


def _is_participle(token: Token) -> bool:
    return _low(token).endswith("ing") and len(token.text) > 4


def _valid_speaker(clause: _Clause, i: int, j: int) -> bool:
    """Whether tokens i..j can name a speaker (not "the international community", not "World powers")."""
    tokens = clause.tokens[i : j + 1]
    if not tokens or len(tokens) > 22:
        return False
    lows = [_low(t) for t in tokens]
    if len(tokens) == 1 and (lows[0] in lx.PERSON_PRONOUNS or lows[0] in lx.GROUP_PRONOUNS):
        return True
    if any(low in SPEAKER_NOUNS for low in lows):
        return True
    for k, token in enumerate(tokens):
        if _is_capitalised(token) and lows[k] not in lx.DETERMINERS:
            if i + k != clause.first_in_sentence:
                return True
            if len(tokens) == 1 or (k + 1 < len(tokens) and _is_capitalised(tokens[k + 1])):
                return True  # "Hajiyev said", "Recep Tayyip Erdogan reiterated"
    return False


def _trim_phrase(clause: _Clause, i: int, j: int) -> tuple[int, int] | None:
    """Trim punctuation, conjunctions and fillers off both ends of tokens i..j."""
    tokens = clause.tokens
    while i <= j and (tokens[i].is_punct or _low(tokens[i]) in lx.CONJUNCTIONS | {"as", "for"}):
        i += 1
    while i <= j and ((tokens[j].is_punct and tokens[j].text not in {")"}) or _low(tokens[j]) in lx.SUBJECT_FILLERS):
        j -= 1
    return (i, j) if i <= j else None


def _segments(clause: _Clause, i: int, j: int) -> list[tuple[int, int]]:
    """Comma-separated segments of tokens i..j (outside quotes)."""
    segments, start = [], i
    for k in range(i, j + 1):
        if clause.tokens[k].text == "," and not clause.inq[k]:
            if start <= k - 1:
                segments.append((start, k - 1))
            start = k + 1
    if start <= j:
        segments.append((start, j))
    return segments


def _looks_like_description(clause: _Clause, i: int, j: int) -> bool:
    lows = [_low(t) for t in clause.tokens[i : j + 1]]
    return j - i < 16 and any(low in lx.TITLE_WORDS or low in lx.ORG_WORDS or low in lx.ROLE_CANON for low in lows)


def _looks_like_name(clause: _Clause, i: int, j: int) -> bool:
    tokens = clause.tokens[i : j + 1]
    caps = [t for t in tokens if _is_capitalised(t)]
    return 0 < len(tokens) <= 6 and len(caps) >= max(1, len(tokens) - 2)


def _skip_left_fillers(clause: _Clause, j: int) -> int:
    """Step left over auxiliaries and short time adverbials between a speaker and its verb."""
    tokens = clause.tokens
    while j >= 0:
        low = _low(tokens[j])
        if low in lx.SUBJECT_FILLERS:
            j -= 1
            continue
        if (
            low in lx.TIME_WORDS
            and j >= 1
            and _low(tokens[j - 1]) in {"on", "last", "this", "earlier", "late", "early"}
        ):
            j -= 2
            continue
        if low.isdigit() and j >= 2 and _low(tokens[j - 1]) in lx.MONTHS and _low(tokens[j - 2]) == "on":
            j -= 3
            continue
        if low == "day" and j >= 3 and _low(tokens[j - 3]) == "earlier":  # "earlier in the day"
            j -= 4
            continue
        break
    return j


def _subject_left(clause: _Clause, v: int) -> tuple[int, int] | None:
    """The speaker phrase before the verb at v, as token indices, or None."""
    tokens = clause.tokens
    j = _skip_left_fillers(clause, v - 1)
    if j >= 1 and tokens[j].text == "," and _appositive_before(clause, j):
        j -= 1  # "Hikmet Hajiyev, assistant to the president, responded"
    if j < 0 or clause.inq[j] or _is_close(tokens[j]) or tokens[j].text in {",", ":", ";"}:
        return None
    if _low(tokens[j]) in lx.PERSON_PRONOUNS | lx.GROUP_PRONOUNS:
        return (j, j)
    if _low(tokens[j]) in lx.CONJUNCTIONS:
        return _coordinated_subject(clause, j)
    # Walk left to the window's edge: clause start, a quote, "that", a colon, ", and".
    i = j
    while i - 1 >= 0:
        prev = tokens[i - 1]
        low = _low(prev)
        if clause.inq[i - 1] or prev.text in QUOTE_CHARS or low in {"that", ":", ";"}:
            break
        if low in lx.CONJUNCTIONS and i - 2 >= 0 and tokens[i - 2].text == ",":
            break
        i -= 1
        if j - i > 40:
            break
    segments = _segments(clause, i, j)
    # From the right: skip relative clauses and participle phrases set off by commas.
    chosen: list[tuple[int, int]] = []
    k = len(segments) - 1
    while k >= 0:
        a, b = segments[k]
        first = _low(tokens[a])
        if (
            (a == b and tokens[a].like_num and k > 0)
            or first in lx.RELATIVE_WORDS - {"that"}
            or (_is_participle(tokens[a]) and k > 0 and k == len(segments) - 1)
        ):
            k -= 1
            continue
        break
    if k < 0:
        return None
    if _low(tokens[segments[k][0]]) in {"and", "or", "nor"} and k > 0:
        return None  # "World powers, including Russia, France, and the US, have called": no one speaker
    head = _trim_phrase(clause, *segments[k])
    if head is None:
        return None
    a, b = head
    chosen.append((a, b))
    # A name and its description set off by a comma, either way round: "Hikmet Hajiyev, aide to
    # the president, told" / "the president's adviser, Hikmat Hajiyev, said".
    previous = _trim_phrase(clause, *segments[k - 1]) if k >= 1 else None
    if previous is not None:
        pa, pb = previous
        head_is_name = _looks_like_name(clause, a, b)
        name_after_description = (
            head_is_name and _looks_like_description(clause, pa, pb) and not _looks_like_description(clause, a, b)
        )
        description_after_name = (
            not head_is_name
            and _looks_like_description(clause, a, b)
            and _looks_like_name(clause, pa, pb)
            and _low(tokens[a]) not in {"the", "a", "an"} | lx.CONJUNCTIONS
        )
        scene_setting = _low(tokens[pa]) in lx.PREPOSITIONS or _is_participle(tokens[pa])
        if (name_after_description or description_after_name) and not scene_setting:
            chosen.insert(0, (pa, pb))
    start, end = chosen[0][0], chosen[-1][1]
    # Drop a leading preposition phrase glued to the subject ("Also on Friday, ..." is its own segment).
    while start < end and _low(tokens[start]) in lx.PREPOSITIONS and not _is_capitalised(tokens[start]):
        start += 1
    if not _valid_speaker(clause, start, end):
        return None
    return (start, end)


def _appositive_before(clause: _Clause, comma: int) -> bool:
    """Whether the comma at ``comma`` closes an appositive, relative clause or participle phrase
    set off after the speaker ("X, assistant to the president, said"; "the ministry, reiterating
    ..., stated")."""
    tokens = clause.tokens
    for k in range(comma - 1, max(-1, comma - 16), -1):
        if clause.inq[k] or tokens[k].text in QUOTE_CHARS:
            return False
        if tokens[k].text == ",":
            a, b = k + 1, comma - 1
            if a > b:
                return False
            first = tokens[a]
            if a == b and first.like_num:
                return True  # an age: "Kessler, 54, told"
            if _low(first) in lx.CONJUNCTIONS:
                return False  # "Russia, France, and the US, have called": the end of a list
            return (
                _looks_like_description(clause, a, b)
                or _looks_like_name(clause, a, b)
                or _low(first) in lx.RELATIVE_WORDS - {"that"}
                or _is_participle(first)
            )
    return False


def _coordinated_subject(clause: _Clause, conj: int) -> tuple[int, int] | None:
    """ "X had voiced concern ... and had called on ...": the subject is the noun phrase that opens
    the clause part before the conjunction."""
    tokens = clause.tokens
    start = 0
    for k in range(conj - 1, -1, -1):
        if clause.inq[k] or tokens[k].text in QUOTE_CHARS or tokens[k].text in {";", ":"}:
            start = k + 1
            break
        if tokens[k].text == "," and k + 1 < len(tokens) and _low(tokens[k + 1]) not in lx.CONJUNCTIONS:
            # keep going only while the comma sets off an opener ("On Tuesday, the ...")
            opener = _low(tokens[0]) in lx.PREPOSITIONS
            if not opener:
                start = k + 1
                break
            start = k + 1
            break
    end = start
    while end < conj and (
        _is_capitalised(tokens[end])
        or _low(tokens[end]) in lx.DETERMINERS | {"-", "'s", "’s", "of"}
        or _low(tokens[end]) in lx.TITLE_WORDS
        or _low(tokens[end]) in lx.ORG_WORDS
    ):
        end += 1
    trimmed = _trim_phrase(clause, start, end - 1) if end > start else None
    if trimmed and _valid_speaker(clause, *trimmed):
        return trimmed
    return None


def _subject_inverted(clause: _Clause, v: int) -> tuple[int, int] | None:
    """``..., said the ministry.``: the speaker right after a verb that follows the words."""
    tokens = clause.tokens
    if v == 0:
        return None
    prev = tokens[v - 1]
    if not (prev.text == "," or _is_close(prev)) or _low(tokens[v]) not in lx.INVERTING_VERBS:
        return None
    if v + 1 >= len(tokens) or clause.inq[v + 1] or _low(tokens[v + 1]) in {"that", ":"} or _is_open(tokens[v + 1]):
        return None
    nxt = tokens[v + 1]
    if not (_low(nxt) in lx.DETERMINERS or _is_capitalised(nxt)) or _low(nxt) in ADDRESSEES:
        return None
    end = len(tokens) - 1
    for k in range(v + 2, len(tokens)):
        low = _low(tokens[k])
        if (
            (tokens[k - 1].text == "," and (_is_participle(tokens[k]) or low in lx.RELATIVE_WORDS))
            or (low in {"on", "last", "this"} and k + 1 < len(tokens) and _low(tokens[k + 1]) in lx.TIME_WORDS)
            or (
                low in {"in", "during"}
                and any(
                    _low(t) in {"statement", "interview", "conference", "call", "speech"} for t in tokens[k + 1 : k + 4]
                )
            )
        ):
            end = k - 1
            break
    trimmed = _trim_phrase(clause, v + 1, end)
    if trimmed is None or trimmed[1] - trimmed[0] > 20 or not _valid_speaker(clause, *trimmed):
        return None
    if any(clause.inq[k] or tokens[k].text in QUOTE_CHARS for k in range(trimmed[0], trimmed[1] + 1)):
        return None
    return trimmed


def _content_follows(clause: _Clause, cue: Cue) -> bool:
    """Whether the verb has its words after it (not only "on Friday" or "to reporters")."""
    tokens = clause.tokens
    k = cue.last + 1
    if k >= len(tokens):
        return False
    if _that_follows(clause, cue.last) is not None:
        return True
    first = tokens[k]
    low = _low(first)
    if first.is_punct and not _is_open(first):
        return False
    # "told reporters during ...", "said on Friday.": no words of their own after the verb
    return not (low in lx.PREPOSITIONS or low in ADDRESSEES or low in lx.TIME_WORDS)


def _find_nominal(clause: _Clause) -> list[tuple[int, int, int, int]]:
    """Reporting nouns with their speaker: ``statements by X that``, ``X's claim that``, ``X reports that``.

    Returns (phrase_start, speaker_start, speaker_end, content_start) token indices.
    """
    found = []
    tokens = clause.tokens
    for i, token in enumerate(tokens):
        if clause.inq[i] or _low(token) not in lx.SPEECH_NOUNS:
            continue
        # "statements by X that ..."
        if i + 2 < len(tokens) and _low(tokens[i + 1]) == "by":
            for k in range(i + 2, min(len(tokens), i + 14)):
                if _low(tokens[k]) == "that" and not clause.inq[k]:
                    span = _trim_phrase(clause, i + 2, k - 1)
                    if span and _valid_speaker(clause, *span):
                        found.append((i, span[0], span[1], k + 1))
                    break
                if tokens[k].text in {",", ";", "."}:
                    break
            continue
        if i + 1 < len(tokens) and _low(tokens[i + 1]) == "that" and i >= 1:
            # "X reports that ...", "X's claim that ..."
            j = i - 1
            if _low(tokens[j]) in {"'s", "’s", "s"}:
                j -= 1
            a = j
            while (
                a - 1 >= 0
                and (_is_capitalised(tokens[a - 1]) or _low(tokens[a - 1]) in {"-", "of"})
                and not clause.inq[a - 1]
            ):
                a -= 1
            if a <= j and (_is_capitalised(tokens[j]) or _low(tokens[j]) in SPEAKER_NOUNS):
                while a <= j and not _is_capitalised(tokens[a]):
                    a += 1
                b = j
                if j + 1 < i and _low(tokens[j + 1]) not in {"'s", "’s"}:
                    b = i - 1
                # include a lower-case head noun such as "media" in "Indian media reports"
                if a <= b and _valid_speaker(clause, a, b):
                    found.append((a, a, b, i + 2))
    return found


def _continuations(clause: _Clause, after: int, any_frame: bool = False) -> list[int]:
    """Indices of ", <participle> (that)" openers after token ``after`` (a second claim, same speaker)."""
    tokens = clause.tokens
    found = []
    for k in range(after + 1, len(tokens) - 1):
        if clause.inq[k] or tokens[k].text != ",":
            continue
        low = _low(tokens[k + 1])
        # ", adding that ...", ", saying ..." open a claim of their own; ", calling it “absurd”"
        # only finishes the one before.
        opens_claim = any_frame or lx.SPEECH_VERBS.get(low) == lx.CLAUSE or _low(tokens[k + 2]) == "that"
        if low in lx.CONTINUATION_PARTICIPLES and opens_claim:
            found.append(k + 1)
    return found


def _content_start_after(clause: _Clause, p: int) -> int:
    """First token of the words a participle or verb at p introduces ("adding that X": X)."""
    tokens = clause.tokens
    k = p + 1
    if k < len(tokens) and _low(tokens[k]) in {"on", "for", "out"} and _low(tokens[p]) in {"calling", "pointing"}:
        k += 1
    if k < len(tokens) and _low(tokens[k]) == "that":
        k += 1
    return min(k, len(tokens) - 1)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim spaces, commas and a dangling closing mark at the ends of a span."""
    while start < end and text[start] in " \t,;:—–-":
        start += 1
    while end > start and text[end - 1] in " \t,;:—–-":
        end -= 1
    return start, end


def _quote_span(clause: _Clause, stop: int) -> tuple[int, int]:
    """From the first quote's content to just before token index ``stop`` (the attribution)."""
    text = clause.layout.text
    tokens = clause.tokens
    start = tokens[0].idx + len(tokens[0].text) if _is_open(tokens[0]) else tokens[0].idx
    last = stop - 1
    while last > 0 and (tokens[last].text in {",", ":", ";", "—", "–", "-"} or _is_close(tokens[last])):
        last -= 1
    end = clause.end_of(last)
    return _strip_span(text, start, end)


# --- The clause analysis ----------------------------------------------------------------------
def _draft(clause: _Clause, start: int, end: int, origin: str, mode: str, **extra) -> Draft:
    text = clause.layout.text
    start, end = _strip_span(text, start, end)
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


def _nothing_before(tokens: list[Token], sa: int) -> bool:
    """Only scene-setting before the speaker ("In a live video address on Facebook, X said"),
    or a participial lead-in ("Arguing that ..., X said"): the words come after the verb."""
    if sa <= 1:
        return True
    first = _low(tokens[0])
    return (
        first in lx.PREPOSITIONS
        or first in lx.CONTINUATION_PARTICIPLES
        or first
        in {
            "additionally",
            "meanwhile",
            "however",
            "also",
            "earlier",
            "separately",
            "regarding",
            "asked",
            "speaking",
        }
    )


def _quote_closes_before(clause: _Clause, sa: int) -> bool:
    """The clause opens with a quote that closes before the speaker: "“...,” he said"."""
    tokens = clause.tokens
    if not _is_open(tokens[0]):
        return False
    return any(not clause.inq[k] and _is_close(tokens[k]) for k in range(1, sa))


def _quote_after_verb(clause: _Clause, cue: Cue) -> int | None:
    """An opening quote that carries the verb's words: ``said: “...”``, ``said, “...”``, ``said “...”``."""
    tokens = clause.tokens
    for k in range(cue.last + 1, len(tokens)):
        if clause.inq[k]:
            return None
        if _is_open(tokens[k]):
            before = tokens[k - 1]
            if k == cue.last + 1 or before.text in {":", ","}:
                return k
            return None
        if _low(tokens[k]) == "that":
            return None
    return None


def _main_cue(clause: _Clause, cues: list[Cue]) -> tuple[Cue, tuple[int, int], str] | None:
    """The clause's attribution: (cue, speaker token span, position) with position one of
    left (speaker before the verb), inverted (", said the ministry"), according, reaction."""
    tokens = clause.tokens
    for cue in cues:
        if cue.kind == "according":
            k = cue.last + 1
            end = k
            while end < len(tokens) and tokens[end].text not in {",", ".", ";", ":"} and not clause.inq[end]:
                end += 1
            span = _trim_phrase(clause, k, end - 1) if end - 1 >= k else None
            if span and _valid_speaker(clause, *span):
                return cue, span, "according"
            continue
        first_word = cue.form.split()[0]
        if _is_participle(tokens[cue.index]) and first_word in lx.CONTINUATION_PARTICIPLES | {"telling"}:
            continue  # participles open lead-ins and continuations, handled by the caller
        frame_ok = (
            cue.frame != lx.THAT
            or _that_follows(clause, cue.last) is not None
            or (_quote_after_verb(clause, cue) is not None)
        )
        subject = _subject_left(clause, cue.index)
        if subject is None:
            inverted = _subject_inverted(clause, cue.index)
            if inverted is not None and frame_ok:
                return cue, inverted, "inverted"
            continue
        if first_word in lx.REACTION_VERBS and _that_follows(clause, cue.last, window=4) is None:
            return cue, subject, "reaction"
        if frame_ok:
            return cue, subject, "left"
    return None


def _via_phrases(clause: _Clause, cues: list[Cue], main: Cue) -> list[Phrase]:
    """Second attributions after the main one ("..., Russia's Interfax news agency said"): kept as
    possible intermediaries; the resolver keeps those that are outlets."""
    found = []
    for cue in cues:
        if cue.index <= main.last or cue.kind != "verb" or _is_participle(clause.tokens[cue.index]):
            continue
        if _content_follows(clause, cue):
            continue
        subject = _subject_left(clause, cue.index) or _subject_inverted(clause, cue.index)
        if subject is not None and subject[1] - subject[0] <= 8:
            found.append(clause.phrase(*subject))
    return found


def _clause_drafts(clause: _Clause) -> list[Draft]:
    from claims.extraction.figure_reading import parse_figures

    tokens = clause.tokens
    drafts: list[Draft] = []
    cues = _verb_cues(clause)
    chosen = _main_cue(clause, cues)
    has_figure = bool(parse_figures(tokens, clause.layout.text))

    if chosen is None:
        if _is_open(tokens[0]) and _quote_runs_to_end(clause, 0, slack=2):
            start = tokens[0].idx + len(tokens[0].text)
            drafts.append(_draft(clause, start, clause.end, "standalone_quote", Mode.VERBATIM))
        else:
            drafts.append(_draft(clause, clause.start, clause.end, "outlet", Mode.OUTLET_VOICE))
    else:
        cue, (sa, sb), position = chosen
        speaker = clause.phrase(sa, sb)
        via = _via_phrases(clause, cues, cue)
        first_word = cue.form.split()[0]
        flags = {"denial_cue": first_word in lx.DENIAL_VERBS, "accusation_cue": first_word in lx.ACCUSATION_VERBS}
        if position == "according":
            drafts.append(
                _draft(
                    clause,
                    clause.start,
                    clause.end,
                    "according",
                    Mode.PARAPHRASE,
                    speaker=speaker,
                    cue=cue.form,
                    post=cue.index > 2,
                    via=via,
                )
            )
        elif position == "reaction":
            # "X responded to statements by Y that ...": X's own words come only in a participle.
            conts = _continuations(clause, cue.last, any_frame=True)
            for n, p in enumerate(conts):
                stop = conts[n + 1] - 2 if n + 1 < len(conts) else len(tokens) - 1
                start = tokens[sa].idx if n == 0 else tokens[_content_start_after(clause, p)].idx
                drafts.append(
                    _draft(
                        clause,
                        start,
                        clause.end_of(stop),
                        "continuation",
                        Mode.PARAPHRASE,
                        speaker=speaker,
                        cue=_low(tokens[p]),
                        via=via,
                        denial_cue=_low(tokens[p]) in lx.DENIAL_VERBS,
                        accusation_cue=_low(tokens[p]) in lx.ACCUSATION_VERBS,
                    )
                )
        elif (
            position == "inverted"
            or _quote_closes_before(clause, sa)
            or (not _content_follows(clause, cue) and not _nothing_before(tokens, sa))
        ):
            # The words come first: "“...,” he said." / "..., the ministry said on Friday." / ", said X."
            words_end = sa if position == "left" else cue.index
            if _is_open(tokens[0]):
                start, end = _quote_span(clause, words_end)
                drafts.append(
                    _draft(
                        clause,
                        start,
                        end,
                        "quote",
                        Mode.VERBATIM,
                        speaker=speaker,
                        cue=cue.form,
                        post=True,
                        via=via,
                        **flags,
                    )
                )
            else:
                end_token = max(sb, cue.last) if position == "left" else len(tokens) - 1
                drafts.append(
                    _draft(
                        clause,
                        clause.start,
                        clause.end_of(end_token),
                        "reported",
                        Mode.PARAPHRASE,
                        speaker=speaker,
                        cue=cue.form,
                        post=True,
                        via=via,
                        **flags,
                    )
                )
            if position == "left":
                # Narration after the attribution: "..., he said, after four weeks of battles that ..."
                tail = max(sb, cue.last) + 1
                while tail < len(tokens) and tokens[tail].text != ",":
                    tail += 1
                if tail + 3 < len(tokens):
                    drafts.append(_draft(clause, tokens[tail + 1].idx, clause.end, "outlet", Mode.OUTLET_VOICE))
        else:
            quote_at = _quote_after_verb(clause, cue)
            if quote_at is not None and _quote_runs_to_end(clause, quote_at):
                start = tokens[quote_at].idx + len(tokens[quote_at].text)
                drafts.append(
                    _draft(
                        clause,
                        start,
                        clause.end,
                        "quote",
                        Mode.VERBATIM,
                        speaker=speaker,
                        cue=cue.form,
                        via=via,
                        **flags,
                    )
                )
            else:
                if _low(tokens[0]) in lx.CONTINUATION_PARTICIPLES and len(tokens) > 2 and _low(tokens[1]) == "that":
                    lead_end = sa - 1
                    while lead_end > 2 and (tokens[lead_end].text == "," or _is_close(tokens[lead_end])):
                        lead_end -= 1
                    if lead_end > 2:
                        drafts.append(
                            _draft(
                                clause,
                                tokens[2].idx,
                                clause.end_of(lead_end),
                                "lead_in",
                                _mode_of(clause, 2, lead_end),
                                speaker=speaker,
                                cue=_low(tokens[0]),
                            )
                        )
                conts = [] if has_figure else _continuations(clause, cue.last)
                main_end = conts[0] - 2 if conts else len(tokens) - 1
                drafts.append(
                    _draft(
                        clause,
                        tokens[sa].idx,
                        clause.end_of(main_end),
                        "reported",
                        _mode_of(clause, cue.last + 1, main_end),
                        speaker=speaker,
                        cue=cue.form,
                        via=via,
                        **flags,
                    )
                )
                for n, p in enumerate(conts):
                    stop = conts[n + 1] - 2 if n + 1 < len(conts) else len(tokens) - 1
                    cs = _content_start_after(clause, p)
                    drafts.append(
                        _draft(
                            clause,
                            tokens[cs].idx,
                            clause.end_of(stop),
                            "continuation",
                            _mode_of(clause, cs, stop),
                            speaker=speaker,
                            cue=_low(tokens[p]),
                            via=via,
                            denial_cue=_low(tokens[p]) in lx.DENIAL_VERBS,
                            accusation_cue=_low(tokens[p]) in lx.ACCUSATION_VERBS,
                        )
                    )

    # Reporting nouns inside the clause: their own claim, with their own speaker.
    for a, s0, s1, c0 in _find_nominal(clause):
        if c0 < len(tokens):
            drafts.append(
                _draft(
                    clause,
                    tokens[a].idx,
                    clause.end,
                    "nominal",
                    _mode_of(clause, c0, len(tokens) - 1),
                    speaker=clause.phrase(s0, s1),
                    cue="reports",
                )
            )
    return drafts


def _quote_runs_to_end(clause: _Clause, q: int, slack: int = 2) -> bool:
    """Whether the quote opening at token q closes at (or within ``slack`` tokens of) the clause end."""
    tokens = clause.tokens
    for k in range(q + 1, len(tokens)):
        if _is_close(tokens[k]) and not clause.inq[k]:
            rest = [t for t in tokens[k + 1 :] if not t.is_punct]
            return len(rest) <= slack
    return True  # runs to the paragraph's end


def _mode_of(clause: _Clause, a: int, b: int) -> str:
    """Verbatim when quoted words make up most of tokens a..b."""
    if b < a:
        return Mode.PARAPHRASE
    inside = sum(1 for k in range(a, b + 1) if clause.inq[k])
    return Mode.VERBATIM if inside >= 0.7 * (b - a + 1) else Mode.PARAPHRASE


# --- Whole text -------------------------------------------------------------------------------
def _strip_dateline(layout: Layout, sentence: Sentence, paragraph: Paragraph) -> list[Token]:
    tokens = sentence.tokens
    if sentence.start != paragraph.start:
        return tokens
    match = DATELINE.match(layout.text[paragraph.start : paragraph.end])
    if not match:
        return tokens
    cut = paragraph.start + match.end()
    return [t for t in tokens if t.idx >= cut]


def find_drafts(layout: Layout) -> list[Draft]:
    """Every candidate span in the text, in text order, with its speaker phrase as written."""
    drafts: list[Draft] = []
    paragraphs = layout.paragraphs
    credit_of: dict[int, Paragraph] = {}
    for paragraph, credit in pairwise(paragraphs):
        if paragraph.role == "tweet":
            credit_of[paragraph.index] = credit
    for sentence in layout.sentences:
        paragraph = paragraphs[sentence.paragraph]
        if paragraph.role == "tweet":
            if sentence.start != paragraph.start:
                continue
            credit = credit_of[paragraph.index]
            author = paragraph.tweet_author or ""
            a_start = credit.start + credit.text.find(author)
            tail = TWEET_TAIL.search(paragraph.text)
            end = paragraph.start + (tail.start() if tail else len(paragraph.text))
            drafts.append(
                Draft(
                    paragraph.start,
                    end,
                    "tweet",
                    Mode.VERBATIM,
                    paragraph.index,
                    paragraph.start,
                    paragraph.end,
                    speaker=Phrase(a_start, a_start + len(author), author),
                    cue="tweeted",
                )
            )
            continue
        if paragraph.role != "body":
            continue
        tokens = _strip_dateline(layout, sentence, paragraph)
        if not tokens:
            continue
        for number, clause_tokens in enumerate(_split_clauses(layout, tokens)):
            clause = _Clause(layout, clause_tokens, sentence, 0 if number == 0 else -1)
            drafts.extend(d for d in _clause_drafts(clause) if d.end > d.start)
    drafts.sort(key=lambda d: (d.start, d.end))
    return drafts
