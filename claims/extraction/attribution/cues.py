# ruff: noqa: RUF001 - typographic quotes, apostrophes and dashes are what this code reads
"""Attribution cues in a clause: speech verbs ("said", "pointed out", "according to"), the clause's
main attribution and its speaker, second attributions (intermediaries), participles that add a
claim by the same speaker (", adding that"), and reporting nouns ("statements by X that").
"""

from __future__ import annotations

from dataclasses import dataclass

from claims.extraction import lexicon as lx
from claims.extraction.attribution.clause import (
    ADDRESSEES,
    SPEAKER_NOUNS,
    Clause,
    Phrase,
    is_capitalised,
    is_open,
    is_participle,
    lower,
)
from claims.extraction.attribution.subjects import subject_inverted, subject_left, trim_phrase, valid_speaker


@dataclass
class Cue:
    index: int  # the verb (or "according", or the speech noun)
    last: int  # last token of the cue ("out" in "pointed out")
    form: str
    frame: str
    kind: str  # verb | according | nominal


def verb_cues(clause: Clause) -> list[Cue]:
    cues: list[Cue] = []
    tokens = clause.tokens
    for i, token in enumerate(tokens):
        if clause.inq[i]:
            continue
        low = lower(token)
        nxt = lower(tokens[i + 1]) if i + 1 < len(tokens) else ""
        if low in lx.SPEECH_PHRASES and nxt in lx.SPEECH_PHRASES[low]:
            cues.append(Cue(i, i + 1, f"{low} {nxt}", lx.SPEECH_PHRASES[low][nxt], "verb"))
            continue
        nxt2 = lower(tokens[i + 2]) if i + 2 < len(tokens) else ""
        if low in {"voiced", "expressed"} and nxt2 == "concern":
            cues.append(Cue(i, i + 2, f"{low} concern", lx.OBJECT, "verb"))
            continue
        if low == "according" and nxt == "to":
            cues.append(Cue(i, i + 1, "according to", lx.CLAUSE, "according"))
            continue
        if low in lx.CALLING_VERBS and nxt not in {"on", "for"} and _denial_word_follows(clause, i):
            cues.append(Cue(i, i, low, lx.OBJECT, "verb"))  # "called the reports fake news": a denial
            continue
        if low not in lx.SPEECH_VERBS:
            continue
        if low in lx.AMBIGUOUS_FORMS:
            before = tokens[i - 1] if i > 0 else None
            if before is None or not (
                is_capitalised(before)
                or lower(before) in lx.PERSON_PRONOUNS
                or lower(before) in lx.GROUP_PRONOUNS
                or lower(before) in SPEAKER_NOUNS
                or (before.text == "," and subject_left(clause, i) is not None)  # "The IDF, which ..., denies"
            ):
                continue
            if nxt in {"of", "by", "about", "from", "were", "are", "was", "is", "and", "or"} or (
                i + 1 < len(tokens) and tokens[i + 1].is_punct and not is_open(tokens[i + 1])
            ):
                continue
        if token.text[0].isupper() and i != clause.first_in_sentence and i != 0:
            continue  # a capitalised "Says" mid-sentence is a name or a headline word
        if any(lower(t) in lx.NEGATORS for t in tokens[max(0, i - 3) : i]):
            continue  # "did not say", "declined to comment": nothing was said
        cues.append(Cue(i, i, low, lx.SPEECH_VERBS[low], "verb"))
    return cues


def _denial_word_follows(clause: Clause, i: int, window: int = 10) -> bool:
    """A denial word ("a fabrication", “fake news”, "baseless") soon after token i, in its clause."""
    for k in range(i + 1, min(len(clause.tokens), i + 1 + window)):
        low = lower(clause.tokens[k])
        if low in {".", ";"}:
            return False
        if low in lx.DENIAL_WORDS:
            return True
    return False


def that_follows(clause: Clause, i: int, window: int = 8) -> int | None:
    """Index of a "that", a colon or an opening quote soon after token i (the verb's content)."""
    tokens = clause.tokens
    for j in range(i + 1, min(len(tokens), i + 1 + window)):
        if clause.inq[j]:
            return j - 1 if j > 0 and is_open(tokens[j - 1]) else j
        low = lower(tokens[j])
        if low in {"that", ":"} or is_open(tokens[j]):
            return j
        if low in {".", ";"}:
            return None
        if low == "," and not (j + 1 < len(tokens) and is_open(tokens[j + 1])):
            return None
    return None


def content_follows(clause: Clause, cue: Cue) -> bool:
    """Whether the verb has its words after it (not only "on Friday" or "to reporters")."""
    tokens = clause.tokens
    k = cue.last + 1
    if k >= len(tokens):
        return False
    if that_follows(clause, cue.last) is not None:
        return True
    first = tokens[k]
    low = lower(first)
    if first.is_punct and not is_open(first):
        return False
    # "told reporters during ...", "said on Friday.": no words of their own after the verb
    return not (low in lx.PREPOSITIONS or low in ADDRESSEES or low in lx.TIME_WORDS)


def quote_after_verb(clause: Clause, cue: Cue) -> int | None:
    """An opening quote that carries the verb's words: ``said: “...”``, ``said, “...”``, ``said “...”``."""
    tokens = clause.tokens
    for k in range(cue.last + 1, len(tokens)):
        if clause.inq[k]:
            return None
        if is_open(tokens[k]):
            before = tokens[k - 1]
            if k == cue.last + 1 or before.text in {":", ","}:
                return k
            return None
        if lower(tokens[k]) == "that":
            return None
    return None


def main_cue(clause: Clause, cues: list[Cue]) -> tuple[Cue, tuple[int, int], str] | None:
    """The clause's attribution: (cue, speaker token span, position) with position one of
    left (speaker before the verb), inverted (", said the ministry"), according, reaction."""
    tokens = clause.tokens
    for cue in cues:
        if cue.kind == "according":
            k = cue.last + 1
            end = k
            while end < len(tokens) and tokens[end].text not in {",", ".", ";", ":"} and not clause.inq[end]:
                end += 1
            span = trim_phrase(clause, k, end - 1) if end - 1 >= k else None
            if span and valid_speaker(clause, *span):
                return cue, span, "according"
            continue
        first_word = cue.form.split()[0]
        if is_participle(tokens[cue.index]) and first_word in lx.CONTINUATION_PARTICIPLES | {"telling"}:
            continue  # participles open lead-ins and continuations, handled by the caller
        frame_ok = (
            cue.frame != lx.THAT
            or that_follows(clause, cue.last) is not None
            or (quote_after_verb(clause, cue) is not None)
        )
        subject = subject_left(clause, cue.index)
        if subject is None:
            inverted = subject_inverted(clause, cue.index)
            if inverted is not None and frame_ok:
                return cue, inverted, "inverted"
            continue
        if first_word in lx.REACTION_VERBS and that_follows(clause, cue.last, window=4) is None:
            return cue, subject, "reaction"
        if frame_ok:
            return cue, subject, "left"
    return None


def via_phrases(clause: Clause, cues: list[Cue], main: Cue) -> list[Phrase]:
    """Second attributions after the main one ("..., Russia's Interfax news agency said"): kept as
    possible intermediaries; the resolver keeps those that are outlets."""
    found = []
    for cue in cues:
        if cue.index <= main.last or cue.kind != "verb" or is_participle(clause.tokens[cue.index]):
            continue
        if content_follows(clause, cue):
            continue
        subject = subject_left(clause, cue.index) or subject_inverted(clause, cue.index)
        if subject is not None and subject[1] - subject[0] <= 8:
            found.append(clause.phrase(*subject))
    return found


def continuations(clause: Clause, after: int, any_frame: bool = False) -> list[int]:
    """Indices of ", <participle> (that)" openers after token ``after`` (a second claim, same speaker)."""
    tokens = clause.tokens
    found = []
    for k in range(after + 1, len(tokens) - 1):
        if clause.inq[k] or tokens[k].text != ",":
            continue
        low = lower(tokens[k + 1])
        # ", adding that ...", ", saying ..." open a claim of their own; ", calling it “absurd”"
        # only finishes the one before.
        opens_claim = any_frame or lx.SPEECH_VERBS.get(low) == lx.CLAUSE or lower(tokens[k + 2]) == "that"
        if low in lx.CONTINUATION_PARTICIPLES and opens_claim:
            found.append(k + 1)
    return found


def content_start_after(clause: Clause, p: int) -> int:
    """First token of the words a participle or verb at p introduces ("adding that X": X)."""
    tokens = clause.tokens
    k = p + 1
    if k < len(tokens) and lower(tokens[k]) in {"on", "for", "out"} and lower(tokens[p]) in {"calling", "pointing"}:
        k += 1
    if k < len(tokens) and lower(tokens[k]) == "that":
        k += 1
    return min(k, len(tokens) - 1)


def find_nominal(clause: Clause) -> list[tuple[int, int, int, int]]:
    """Reporting nouns with their speaker: ``statements by X that``, ``X's claim that``, ``X reports that``.

    Returns (phrase_start, speaker_start, speaker_end, content_start) token indices.
    """
    found = []
    tokens = clause.tokens
    for i, token in enumerate(tokens):
        if clause.inq[i] or lower(token) not in lx.SPEECH_NOUNS:
            continue
        # "statements by X that ..."
        if i + 2 < len(tokens) and lower(tokens[i + 1]) == "by":
            for k in range(i + 2, min(len(tokens), i + 14)):
                if lower(tokens[k]) == "that" and not clause.inq[k]:
                    span = trim_phrase(clause, i + 2, k - 1)
                    if span and valid_speaker(clause, *span):
                        found.append((i, span[0], span[1], k + 1))
                    break
                if tokens[k].text in {",", ";", "."}:
                    break
            continue
        if i + 1 < len(tokens) and lower(tokens[i + 1]) == "that" and i >= 1:
            # "X reports that ...", "X's claim that ..."
            j = i - 1
            if lower(tokens[j]) in {"'s", "’s", "s"}:
                j -= 1
            a = j
            while (
                a - 1 >= 0
                and (is_capitalised(tokens[a - 1]) or lower(tokens[a - 1]) in {"-", "of"})
                and not clause.inq[a - 1]
            ):
                a -= 1
            if a <= j and (is_capitalised(tokens[j]) or lower(tokens[j]) in SPEAKER_NOUNS):
                while a <= j and not is_capitalised(tokens[a]):
                    a += 1
                b = j
                if j + 1 < i and lower(tokens[j + 1]) not in {"'s", "’s"}:
                    b = i - 1
                # include a lower-case head noun such as "media" in "Indian media reports"
                if a <= b and valid_speaker(clause, a, b):
                    found.append((a, a, b, i + 2))
    return found
