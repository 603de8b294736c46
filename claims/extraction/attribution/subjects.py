# ruff: noqa: RUF001 - typographic quotes, apostrophes and dashes are what this code reads
"""Speaker phrases: the words naming who spoke, before the verb ("Hikmet Hajiyev, assistant to
the president, said") or after it (", said the ministry"), as token spans of a clause.
"""

from __future__ import annotations

from claims.extraction import lexicon as lx
from claims.extraction.attribution.clause import (
    ADDRESSEES,
    SPEAKER_NOUNS,
    Clause,
    is_capitalised,
    is_close,
    is_open,
    is_participle,
    lower,
)
from claims.extraction.text import QUOTE_CHARS


def valid_speaker(clause: Clause, i: int, j: int) -> bool:
    """Whether tokens i..j can name a speaker (not "the international community", not "World powers")."""
    tokens = clause.tokens[i : j + 1]
    if not tokens or len(tokens) > 22:
        return False
    lows = [lower(t) for t in tokens]
    if len(tokens) == 1 and (lows[0] in lx.PERSON_PRONOUNS or lows[0] in lx.GROUP_PRONOUNS):
        return True
    if any(low in SPEAKER_NOUNS for low in lows):
        return True
    if len(tokens) > 2 and is_capitalised(tokens[0]) and lows[1] == "'s":
        return True  # "Myanmar's junta", "Ukraine's air force"
    for k, token in enumerate(tokens):
        if is_capitalised(token) and lows[k] not in lx.DETERMINERS:
            if i + k != clause.first_in_sentence:
                return True
            if len(tokens) == 1 or (k + 1 < len(tokens) and is_capitalised(tokens[k + 1])):
                return True  # "Hajiyev said", "Recep Tayyip Erdogan reiterated"
    return False


def trim_phrase(clause: Clause, i: int, j: int) -> tuple[int, int] | None:
    """Trim punctuation, conjunctions and fillers off both ends of tokens i..j."""
    tokens = clause.tokens
    while i <= j and (tokens[i].is_punct or lower(tokens[i]) in lx.CONJUNCTIONS | {"as", "for"}):
        i += 1
    while i <= j and ((tokens[j].is_punct and tokens[j].text not in {")"}) or lower(tokens[j]) in lx.SUBJECT_FILLERS):
        j -= 1
    return (i, j) if i <= j else None


def _segments(clause: Clause, i: int, j: int) -> list[tuple[int, int]]:
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


def _looks_like_description(clause: Clause, i: int, j: int) -> bool:
    lows = [lower(t) for t in clause.tokens[i : j + 1]]
    return j - i < 16 and any(
        low in lx.TITLE_WORDS or low in lx.ORG_WORDS or low in lx.ROLE_CANON or low in lx.PERSON_ROLE_NOUNS
        for low in lows
    )


def _describes_a_person(clause: Clause, i: int, j: int) -> bool:
    """ "a spokesman for the army", "the town's mayor", "a doctor at the hospital": a person's post."""
    lows = [lower(t) for t in clause.tokens[i : j + 1]]
    return any(low in lx.ROLE_CANON or low in lx.PERSON_ROLE_NOUNS or low in lx.PERSON_ANAPHORS for low in lows) or any(
        low in lx.TITLE_WORDS and low not in lx.ORG_WORDS for low in lows[:4]
    )


def _looks_like_name(clause: Clause, i: int, j: int) -> bool:
    tokens = clause.tokens[i : j + 1]
    caps = [t for t in tokens if is_capitalised(t)]
    return 0 < len(tokens) <= 6 and len(caps) >= max(1, len(tokens) - 2)


def _skip_left_fillers(clause: Clause, j: int) -> int:
    """Step left over auxiliaries and short time adverbials between a speaker and its verb."""
    tokens = clause.tokens
    while j >= 0:
        low = lower(tokens[j])
        if low in lx.SUBJECT_FILLERS:
            j -= 1
            continue
        if (
            low in lx.TIME_WORDS
            and j >= 1
            and lower(tokens[j - 1]) in {"on", "last", "this", "earlier", "late", "early"}
        ):
            j -= 2
            continue
        if low.isdigit() and j >= 2 and lower(tokens[j - 1]) in lx.MONTHS and lower(tokens[j - 2]) == "on":
            j -= 3
            continue
        if low == "day" and j >= 3 and lower(tokens[j - 3]) == "earlier":  # "earlier in the day"
            j -= 4
            continue
        break
    return j


def subject_left(clause: Clause, v: int) -> tuple[int, int] | None:
    """The speaker phrase before the verb at v, as token indices, or None."""
    tokens = clause.tokens
    j = _skip_left_fillers(clause, v - 1)
    if j >= 1 and tokens[j].text == "," and _appositive_before(clause, j):
        j -= 1  # "Hikmet Hajiyev, assistant to the president, responded"
    if j < 0 or clause.inq[j] or is_close(tokens[j]) or tokens[j].text in {",", ":", ";"}:
        return None
    if lower(tokens[j]) in lx.PERSON_PRONOUNS | lx.GROUP_PRONOUNS:
        return (j, j)
    if lower(tokens[j]) in lx.CONJUNCTIONS:
        return _coordinated_subject(clause, j)
    segments = _segments(clause, _window_start(clause, j), j)
    k = _head_segment(clause, segments)
    if k < 0:
        return None
    if lower(tokens[segments[k][0]]) in {"and", "or", "nor"} and k > 0:
        return None  # "World powers, including Russia, France, and the US, have called": no one speaker
    head = trim_phrase(clause, *segments[k])
    if head is None:
        return None
    start, end = head
    previous = trim_phrase(clause, *segments[k - 1]) if k >= 1 else None
    if previous is not None and _in_apposition(clause, head, previous):
        start = previous[0]
    # Drop a leading preposition phrase glued to the subject ("Also on Friday, ..." is its own segment).
    while start < end and lower(tokens[start]) in lx.PREPOSITIONS and not is_capitalised(tokens[start]):
        start += 1
    if not valid_speaker(clause, start, end):
        return None
    return (start, end)


def _window_start(clause: Clause, j: int) -> int:
    """Walk left from token j to the window's edge: clause start, a quote, "that", a colon, ", and"."""
    tokens = clause.tokens
    i = j
    while i - 1 >= 0:
        prev = tokens[i - 1]
        word = lower(prev)
        if clause.inq[i - 1] or prev.text in QUOTE_CHARS or word in {"that", ":", ";"}:
            break
        if word in lx.SUBORDINATORS and prev.text.islower():
            break  # "Fighting went on as the junta denied ...": the speaker is after "as"
        if word in lx.CONJUNCTIONS and i - 2 >= 0 and tokens[i - 2].text == ",":
            break
        i -= 1
        if j - i > 40:
            break
    return i


def _head_segment(clause: Clause, segments: list[tuple[int, int]]) -> int:
    """The index of the segment naming the speaker, from the right: relative clauses and participle
    phrases set off by commas are skipped. -1 when there is none."""
    tokens = clause.tokens
    k = len(segments) - 1
    while k >= 0:
        a, b = segments[k]
        first = lower(tokens[a])
        if (
            (a == b and tokens[a].like_num and k > 0)
            or first in lx.RELATIVE_WORDS - {"that"}
            or (is_participle(tokens[a]) and k > 0 and k == len(segments) - 1)
        ):
            k -= 1
            continue
        break
    return k


def _in_apposition(clause: Clause, head: tuple[int, int], previous: tuple[int, int]) -> bool:
    """A name and its description set off by a comma, either way round: "Hikmet Hajiyev, aide to
    the president, told" / "the president's adviser, Hikmat Hajiyev, said"."""
    tokens = clause.tokens
    a, b = head
    pa, pb = previous
    head_is_name = _looks_like_name(clause, a, b)
    name_after_description = (
        head_is_name and _looks_like_description(clause, pa, pb) and not _looks_like_description(clause, a, b)
    )
    description_after_name = (
        not head_is_name
        and _looks_like_description(clause, a, b)
        and _looks_like_name(clause, pa, pb)
        and lower(tokens[a]) not in lx.CONJUNCTIONS
        # "Pavel Sirko, the town's mayor,": a person's post; "Teshin, the ministry said": no apposition
        and (lower(tokens[a]) not in {"the", "a", "an"} or _describes_a_person(clause, a, b))
    )
    scene_setting = lower(tokens[pa]) in lx.PREPOSITIONS or is_participle(tokens[pa])
    return (name_after_description or description_after_name) and not scene_setting


def _appositive_before(clause: Clause, comma: int) -> bool:
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
            if lower(first) in lx.CONJUNCTIONS:
                return False  # "Russia, France, and the US, have called": the end of a list
            return (
                _looks_like_description(clause, a, b)
                or _looks_like_name(clause, a, b)
                or lower(first) in lx.RELATIVE_WORDS - {"that"}
                or is_participle(first)
            )
    return False


def _coordinated_subject(clause: Clause, conj: int) -> tuple[int, int] | None:
    """ "X had voiced concern ... and had called on ...": the subject is the noun phrase that opens
    the clause part before the conjunction."""
    tokens = clause.tokens
    start = 0
    for k in range(conj - 1, -1, -1):
        if clause.inq[k] or tokens[k].text in QUOTE_CHARS or tokens[k].text in {";", ":"}:
            start = k + 1
            break
        if tokens[k].text == "," and k + 1 < len(tokens) and lower(tokens[k + 1]) not in lx.CONJUNCTIONS:
            # keep going only while the comma sets off an opener ("On Tuesday, the ...")
            opener = lower(tokens[0]) in lx.PREPOSITIONS
            if not opener:
                start = k + 1
                break
            start = k + 1
            break
    return _noun_phrase(clause, start, conj)


def opening_subject(clause: Clause) -> tuple[int, int] | None:
    """The names and titles that open the clause ("Ethiopia's government declared ..."), if they
    can name a speaker."""
    return _noun_phrase(clause, 0, len(clause.tokens))


def _noun_phrase(clause: Clause, start: int, stop: int) -> tuple[int, int] | None:
    """The run of names, titles and organisation words from ``start`` (before ``stop``), if it can
    name a speaker."""
    tokens = clause.tokens
    end = start
    while end < stop and (
        is_capitalised(tokens[end])
        or lower(tokens[end]) in lx.DETERMINERS | {"-", "'s", "’s", "of"}
        or lower(tokens[end]) in lx.TITLE_WORDS
        or lower(tokens[end]) in lx.ORG_WORDS
    ):
        end += 1
    trimmed = trim_phrase(clause, start, end - 1) if end > start else None
    if trimmed and valid_speaker(clause, *trimmed):
        return trimmed
    return None


def subject_inverted(clause: Clause, v: int) -> tuple[int, int] | None:
    """``..., said the ministry.``: the speaker right after a verb that follows the words."""
    tokens = clause.tokens
    if v == 0:
        return None
    prev = tokens[v - 1]
    if not (prev.text == "," or is_close(prev)) or lower(tokens[v]) not in lx.INVERTING_VERBS:
        return None
    if v + 1 >= len(tokens) or clause.inq[v + 1] or lower(tokens[v + 1]) in {"that", ":"} or is_open(tokens[v + 1]):
        return None
    nxt = tokens[v + 1]
    if not (lower(nxt) in lx.DETERMINERS or is_capitalised(nxt)) or lower(nxt) in ADDRESSEES:
        return None
    end = len(tokens) - 1
    for k in range(v + 2, len(tokens)):
        low = lower(tokens[k])
        if (
            (tokens[k - 1].text == "," and (is_participle(tokens[k]) or low in lx.RELATIVE_WORDS))
            or (low in {"on", "last", "this"} and k + 1 < len(tokens) and lower(tokens[k + 1]) in lx.TIME_WORDS)
            or (
                low in {"in", "during"}
                and any(
                    lower(t) in {"statement", "interview", "conference", "call", "speech"}
                    for t in tokens[k + 1 : k + 4]
                )
            )
        ):
            end = k - 1
            break
    trimmed = trim_phrase(clause, v + 1, end)
    if trimmed is None or trimmed[1] - trimmed[0] > 20 or not valid_speaker(clause, *trimmed):
        return None
    if any(clause.inq[k] or tokens[k].text in QUOTE_CHARS for k in range(trimmed[0], trimmed[1] + 1)):
        return None
    return trimmed
