# ruff: noqa: RUF001 - typographic quotes, apostrophes and dashes are what this code reads
"""Reading casualty and damage figures: number, qualifier, measure, who was counted.

Numbers in digits ("1,700", "2.5 million") and in words ("fifty", "two dozen", "one hundred and
twenty", read by ``text2num``), qualified ("at least 60", "more than 40", "nearly 200", "some two
dozen", "exceeded ten"), with the measure found nearest the number ("63 civilians were killed and
292 wounded": 292 is wounded, not killed) and the counted noun after it or, failing that, before
it in the clause ("targeted civilians ..., killing four"). A number with no casualty or damage
word near it (a date, a year, "25-day clash", "billions of dollars") is not a figure.

Whose the counted are needs the sides in the database; this module records the cues (a
possessive "of its soldiers", a modifier "Azerbaijani civilians", the verb: "lost", "killed")
and ``claims.extraction.pipeline`` decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token
from text_to_num import text2num

from claims.extraction import lexicon as lx
from claims.extraction.text import nlp
from claims.figures import figure_bounds

_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$|^\d+\.\d+$")
_YEAR = re.compile(r"^(1[89]|20|21)\d\d$")
PERSON_COUNTED = {"civilians", "soldiers", "people", "children"}
# Nouns for people that make up lists of counts ("nine men, five women and two boys").
PERSON_NOUNS = {word for word, counted in lx.COUNTED_NOUNS.items() if counted in PERSON_COUNTED} - {
    "others",
    "military",
    "service",
}
AGENT_VERBS = {
    "killed",
    "kill",
    "kills",
    "killing",
    "wounded",
    "wounding",
    "injured",
    "injuring",
    "injures",
    "captured",
    "displaced",
    "destroyed",
    "damaged",
}
# "casualties reached 50", "the death toll rose to 57": a count noun, then the number it reached.
TOLL_LINKS = {
    "reached",
    "rose",
    "risen",
    "climbed",
    "stood",
    "stands",
    "hit",
    "topped",
    "exceeded",
    "was",
    "is",
    "has",
    "had",
    "now",
    "to",
    "at",
    "of",
    "jumped",
    "increased",
    "grew",
}


# What a figure read from text says, as the assistant's JSON output and the suggestions panel show it.
FIGURE_JSON_FIELDS = ("measure", "counted", "value", "qualifier", "low", "high", "approximate", "tally", "raw")


@dataclass
class ParsedFigure:
    start: int
    end: int
    raw: str
    value: int
    qualifier: str
    measure: str
    counted: str
    tally: str
    low: int | None
    high: int | None
    approximate: bool
    number_start: int  # offset of the number itself
    possessive: str | None = None  # "its", "their", "our": the counted belong to the subject's side
    modifier_offsets: tuple[int, int] | None = None  # words right before the counted noun ("Azerbaijani")
    verb: str | None = None  # the measure word when it is a verb before the number ("lost", "killed")
    verb_offset: int | None = None
    passive: bool = False
    part_of_previous: bool = False  # "…, including three children": a part of the figure before

    def as_json(self) -> dict:
        return {name: getattr(self, name) for name in FIGURE_JSON_FIELDS}


def _low(token: Token) -> str:
    return token.lower_.replace("’", "'")


@dataclass
class _Number:
    first: int  # token indices
    last: int
    value: int


def _word_number(words: list[str]) -> int | None:
    if not words:
        return None
    if words[-1] in ("dozen", "dozens"):
        head = words[:-1]
        if not head or head == ["a"]:
            return 12
        if head == ["half", "a"]:
            return 6
        inner = _word_number(head)
        return inner * 12 if inner else None
    if words[0] == "a" and len(words) > 1 and words[1] in lx.SCALE_WORDS:
        words = ["one", *words[1:]]
    try:
        return text2num(" ".join(words).replace(" - ", "-"), "en")
    except ValueError:
        return None


def _numbers(tokens: list[Token]) -> list[_Number]:
    """Number expressions among the tokens, as token index ranges with their values."""
    found: list[_Number] = []
    n = len(tokens)
    i = 0
    while i < n:
        token = tokens[i]
        text = token.text
        if _DIGITS.match(text):
            value = float(text.replace(",", ""))
            last = i
            if i + 1 < n and _low(tokens[i + 1]) in lx.SCALE_WORDS:
                value *= lx.SCALE_WORDS[_low(tokens[i + 1])]
                last = i + 1
            found.append(_Number(i, last, int(value)))
            i = last + 1
            continue
        low = _low(token)
        if low in ("a", "an") and _one_person(tokens, i):
            found.append(_Number(i, i, 1))
            i += 1
            continue
        if low in lx.NUMBER_WORDS or (low in ("a", "half") and i + 1 < n and _low(tokens[i + 1]) in {"dozen", "a"}):
            j = i
            words: list[str] = []
            while j < n:
                w = _low(tokens[j])
                if w in lx.NUMBER_WORDS or w in ("dozen", "a", "half"):
                    words.append(w)
                elif w in ("-", "and") and words and j + 1 < n and _low(tokens[j + 1]) in lx.NUMBER_WORDS:
                    if w == "-":
                        words.append("-")
                    elif words[-1] not in ("hundred", "thousand", "million"):
                        break
                else:
                    break
                j += 1
            while words and words[-1] in ("a", "half", "-"):
                words.pop()
                j -= 1
            value = _word_number([w for w in words])
            if value is not None and words:
                found.append(_Number(i, j - 1, value))
                i = j
                continue
        i += 1
    return found


def _person_noun_at(tokens: list[Token], k: int, limit: int = 3) -> int | None:
    """Index of a person noun ("women", "girl") at k or after up to two lower-case words before it."""
    for j in range(k, min(len(tokens), k + limit)):
        low = _low(tokens[j])
        if low in PERSON_NOUNS:
            return j
        if not tokens[j].is_alpha or not tokens[j].text.islower():
            return None
    return None


def _one_person(tokens: list[Token], i: int) -> bool:
    """ "a farmer" counts one where it is counted: the object of a killing verb ("killing a
    farmer") or the last of a list of counts ("three women and a child")."""
    if i == 0 or _person_noun_at(tokens, i + 1) is None:
        return False
    before = _low(tokens[i - 1])
    if before in lx.KILLING_VERBS:
        return True
    return before in {"and", ","} and i >= 2 and _low(tokens[i - 2]) in PERSON_NOUNS


def _is_excluded(tokens: list[Token], number: _Number) -> bool:
    before = _low(tokens[number.first - 1]) if number.first > 0 else ""
    after = _low(tokens[number.last + 1]) if number.last + 1 < len(tokens) else ""
    after2 = _low(tokens[number.last + 2]) if number.last + 2 < len(tokens) else ""
    if before in lx.NOT_A_COUNT_BEFORE or after in lx.NOT_A_COUNT_AFTER:
        return True
    if after == "-" and after2:  # "25-day clash", "four-week war"
        return True
    if _YEAR.match(tokens[number.first].text) and after not in lx.COUNTED_NOUNS:
        return True
    if _low(tokens[number.first]) == "one" and after in {"of", "another", "side", "day", "hand"}:
        return True
    return before == "no." or after in {"th", "st", "nd", "rd"}


def _qualifier(tokens: list[Token], first: int) -> tuple[str, int]:
    """The qualifier right before the number and the index where it starts."""
    for words, qualifier in lx.QUALIFIERS:
        k = len(words)
        if first - k < 0:
            continue
        if tuple(_low(t) for t in tokens[first - k : first]) == words:
            return qualifier, first - k
    return "exact", first


def _parenthesis_end(tokens: list[Token], comma: int, stop: int) -> int | None:
    """The comma closing a parenthesis that opens at ``comma`` ("36 people, among them 12
    children, were killed"), when the count's verb follows it; None otherwise."""
    if comma + 1 >= stop or _low(tokens[comma + 1]) not in lx.PARENTHESIS_OPENERS:
        return None
    for k in range(comma + 2, min(len(tokens) - 1, comma + 14)):
        low = _low(tokens[k])
        if low in {".", ";", ":"}:
            return None
        if low == ",":
            following = tokens[k + 1]
            if _low(following) in lx.CONJUNCTIONS or not following.text.islower():
                return None  # ", and injuring 27", ", the ministry said": not this count's verb
            return k
    return None


def _measure_near(tokens: list[Token], number: _Number, q_start: int, stop_before: int, stop_after: int):
    """The measure word nearest the number: (measure, index, distance, side) or None."""
    best = None
    # after the number, skipping the counted noun, a parenthesis ("..., most of them farmers, had
    # been killed") and a few words
    distance = 0
    k, limit = number.last, min(stop_after, number.last + 9)
    while k + 1 < limit:
        k += 1
        low = _low(tokens[k])
        if low == ",":
            close = _parenthesis_end(tokens, k, stop_after)
            if close is not None:
                limit = min(stop_after, limit + close - k + 1)
                k = close
                continue
        if low in {",", ".", ";", ":"} or (
            k > number.last + 1 and tokens[k].like_num and _DIGITS.match(tokens[k].text)
        ):
            break
        if low in lx.COUNTED_NOUNS or low in lx.INCREMENT_AFTER or low in {"of", "its", "their", "our", "his", "her"}:
            continue
        distance += 1
        if low in lx.MEASURE_WORDS and low not in {"lost", "lose", "losing", "toll", "kill", "kills"}:
            best = (lx.MEASURE_WORDS[low], k, distance, "after")
            break
    # before the number (and its qualifier)
    for distance, k in enumerate(range(q_start - 1, max(stop_before - 1, q_start - 6), -1), start=1):
        low = _low(tokens[k])
        if low in {".", ";", ":"} or (tokens[k].like_num and _DIGITS.match(tokens[k].text)):
            break
        between = {_low(t) for t in tokens[k + 1 : q_start]}
        noun_before = low in {"casualties", "casualty", "deaths", "toll", "fatalities"} and between <= TOLL_LINKS
        if low in lx.MEASURE_WORDS and (
            low not in {"dead", "missing", "casualties", "casualty", "deaths", "lives", "fatalities"} or noun_before
        ):
            candidate = (lx.MEASURE_WORDS[low], k, distance, "before")
            if best is None or distance < best[2]:
                best = candidate
            break
        if low in {",", "and"} and distance > 1:
            break
    return best


def _counted_after(tokens: list[Token], number: _Number, stop: int):
    """(counted, index, possessive, modifier_start) from the words after the number."""
    k = number.last + 1
    possessive = None
    if k < stop and _low(tokens[k]) in lx.INCREMENT_AFTER:
        k += 1
    if k < stop and _low(tokens[k]) == "of":
        k += 1
        if k < stop and _low(tokens[k]) in {"its", "their", "our", "his", "her", "the"}:
            possessive = _low(tokens[k]) if _low(tokens[k]) != "the" else None
            k += 1
    modifier_start = k
    for j in range(k, min(stop, k + 3)):
        low = _low(tokens[j])
        if low in lx.COUNTED_NOUNS:
            # "military casualties": "military" is the counted, "casualties" the measure
            return lx.COUNTED_NOUNS[low], j, possessive, (modifier_start if j > modifier_start else None)
        if tokens[j].is_punct or low in lx.MEASURE_WORDS or low in {"were", "have", "had", "was", "been", "are"}:
            break
    return None, None, possessive, None


def _counted_before(tokens: list[Token], first: int, stop: int):
    for k in range(first - 1, max(stop - 1, first - 25), -1):
        low = _low(tokens[k])
        if low in lx.COUNTED_NOUNS and low not in {"others", "military", "service"}:
            return lx.COUNTED_NOUNS[low], k
        if low in {".", ";"}:
            break
    return None, None


def _parsed(text: str, start: int, end: int, qualifier: str, value: int, **fields) -> ParsedFigure:
    """A figure read from ``text[start:end]``, with its bounds from the qualifier."""
    low, high, approximate = figure_bounds(qualifier, value)
    return ParsedFigure(
        start=start,
        end=end,
        raw=text[start:end],
        value=value,
        qualifier=qualifier,
        low=low,
        high=high,
        approximate=approximate,
        **fields,
    )


def _part_opener(tokens: list[Token], q_start: int) -> bool:
    """Whether the words before a count open a sub-count ("including", "among them")."""
    for words in lx.PART_OPENERS:
        k = len(words)
        if q_start - k >= 0 and tuple(_low(t) for t in tokens[q_start - k : q_start]) == words:
            return True
    return False


def _lists(tokens: list[Token], numbers: list[_Number]) -> dict[int, int]:
    """Lists of counts of people ("nine men, five women and two boys", "three women and a child"):
    the position of each list's first number -> its last."""
    groups: dict[int, int] = {}
    position = 0
    while position < len(numbers) - 1:
        last = position
        while last + 1 < len(numbers):
            noun = _person_noun_at(tokens, numbers[last].last + 1)
            between = [_low(t) for t in tokens[(noun or 0) + 1 : numbers[last + 1].first]]
            if noun is None or between not in (["and"], [","], [",", "and"]):
                break
            last += 1
        if last > position and _person_noun_at(tokens, numbers[last].last + 1) is not None:
            groups[position] = last
            position = last + 1
        else:
            position += 1
    return groups


def parse_figures(tokens: list[Token], text: str) -> list[ParsedFigure]:
    """Figures among ``tokens`` (one clause or sentence), in text order.

    A list of counts of people is one figure, their sum, with each count as a part of it (counts of
    soldiers and of civilians in one list stay separate figures); a count opened by "including" or
    "among them" after a figure is a part of that figure.
    """
    numbers = [n for n in _numbers(tokens) if not _is_excluded(tokens, n)]
    qualifiers = [_qualifier(tokens, n.first) for n in numbers]
    parts = [_part_opener(tokens, q_start) for _, q_start in qualifiers]
    lists = _lists(tokens, numbers)
    figures: list[ParsedFigure] = []
    total_at: int | None = None  # the position of the last count read as a figure of its own
    position = 0
    while position < len(numbers):
        if position in lists:
            last = lists[position]
            figures.extend(_list_figures(tokens, text, numbers, qualifiers, position, last))
            total_at = None
            position = last + 1
            continue
        owner = total_at if parts[position] and total_at is not None else None
        if parts[position] and owner is not None:
            between = [k for k in range(owner + 1, position) if not parts[k]]
            owner = None if between else owner
        stop_after = len(tokens)
        for later in range(position + 1, len(numbers)):
            if parts[position] or not parts[later]:
                stop_after = numbers[later].first
                break
        figure = _figure(tokens, text, numbers, qualifiers, position, stop_after, figures, owner is not None)
        if figure is not None:
            figures.append(figure)
            if not figure.part_of_previous:
                total_at = position
        position += 1
    return figures


def _list_figures(
    tokens: list[Token],
    text: str,
    numbers: list[_Number],
    qualifiers: list[tuple[str, int]],
    first: int,
    last: int,
) -> list[ParsedFigure]:
    """The figures of a list of counts: their sum with each count as a part, or, when it mixes
    soldiers with others, each count on its own."""
    members = []
    for position in range(first, last + 1):
        stop_after = numbers[position + 1].first if position + 1 < len(numbers) else len(tokens)
        counted, counted_index, _, _ = _counted_after(tokens, numbers[position], stop_after)
        members.append((position, counted or "people", counted_index))
    stop_after = numbers[last + 1].first if last + 1 < len(numbers) else len(tokens)
    stop_before = numbers[first - 1].last + 1 if first > 0 else 0
    hit = _measure_near(tokens, numbers[last], qualifiers[last][1], numbers[last].first, stop_after)
    if hit is None or hit[3] != "after":
        hit = _measure_near(tokens, numbers[first], qualifiers[first][1], stop_before, numbers[first].first + 1)
    if hit is None or hit[0] == "houses_damaged":
        return []
    measure, m_index, _, where = hit
    verb = _low(tokens[m_index]) if where == "before" else None
    verb_offset = tokens[m_index].idx if where == "before" else None
    kinds = {counted for _, counted, _ in members}

    def figure(value: int, qualifier: str, counted: str, start: int, end: int, part: bool) -> ParsedFigure:
        return _parsed(
            text,
            start,
            end,
            qualifier,
            value,
            measure=measure,
            counted=counted,
            tally="total",
            number_start=start,
            verb=verb,
            verb_offset=verb_offset,
            part_of_previous=part,
        )

    def span(position: int, counted_index: int | None) -> tuple[int, int]:
        first_token = tokens[qualifiers[position][1]]
        end_token = tokens[counted_index] if counted_index is not None else tokens[numbers[position].last]
        return first_token.idx, end_token.idx + len(end_token.text)

    if "soldiers" in kinds and len(kinds) > 1:
        return [
            figure(numbers[p].value, qualifiers[p][0], counted, *span(p, index), False) for p, counted, index in members
        ]
    start = span(first, members[0][2])[0]
    m_token = tokens[m_index]
    end = max(span(last, members[-1][2])[1], m_token.idx + len(m_token.text))
    qualifier = qualifiers[first][0] if qualifiers[first][0] in {"at_least", "more_than", "over"} else "exact"
    counted = kinds.pop() if len(kinds) == 1 else "people"
    total = figure(sum(numbers[p].value for p, _, _ in members), qualifier, counted, start, end, False)
    return [total] + [figure(numbers[p].value, "exact", c, *span(p, index), True) for p, c, index in members]


def _figure(
    tokens: list[Token],
    text: str,
    numbers: list[_Number],
    qualifiers: list[tuple[str, int]],
    position: int,
    stop_after: int,
    figures: list[ParsedFigure],
    part_of_previous: bool,
) -> ParsedFigure | None:
    """The figure a count reads as (None when it counts no casualties or buildings)."""
    number = numbers[position]
    stop_before = numbers[position - 1].last + 1 if position > 0 else 0
    qualifier, q_start = qualifiers[position]
    increment = False
    if q_start > 0 and _low(tokens[q_start - 1]) in lx.INCREMENT_BEFORE:
        increment = True
    if number.last + 1 < len(tokens) and _low(tokens[number.last + 1]) in lx.INCREMENT_AFTER:
        increment = True
    counted, counted_index, possessive, modifier_start = _counted_after(tokens, number, stop_after)
    totals = [f for f in figures if not f.part_of_previous]  # the figures before, not their parts
    if counted == "people" and _low(tokens[counted_index]) == "others" and totals:
        counted = totals[-1].counted
    measure_hit = _measure_near(tokens, number, q_start, stop_before, stop_after)
    measure = None
    verb = verb_offset = None
    passive = False
    if measure_hit is not None:
        measure, m_index, _distance, where = measure_hit
        if where == "before":
            verb, verb_offset = _low(tokens[m_index]), tokens[m_index].idx
        else:
            passive = m_index > 0 and _low(tokens[m_index - 1]) in {"been", "were", "was", "are", "is"}
    # Buildings: "houses damaged ... reached over 1,700", "destroyed 90 homes".
    building_counted = counted in (None, "buildings")
    if building_counted:
        window = tokens[max(stop_before, number.first - 12) : min(stop_after, number.last + 6)]
        lows = [_low(t) for t in window]
        if any(w in lx.BUILDING_NOUNS for w in lows) and any(w in lx.BUILDING_MEASURES for w in lows):
            measure = "houses_damaged"
            counted = "buildings"
    if measure is None and q_start > 0 and _low(tokens[q_start - 1]) in TOLL_LINKS:
        # "the death toll from Friday's shelling had risen to 17": the count noun further back
        for k in range(q_start - 1, max(stop_before - 1, q_start - 14), -1):
            if _low(tokens[k]) in {"toll", "casualties", "deaths", "fatalities"}:
                measure, verb, verb_offset = "killed", _low(tokens[k]), tokens[k].idx
                break
    if part_of_previous and figures:
        # "killed at least 10 people, including three children": a part of the figure before
        measure = figures[-1].measure
    if measure is None:
        # A toll with no measure word: "claimed 30 lives", "resulted in about 1,000 people".
        for k in range(q_start - 1, max(stop_before - 1, q_start - 4), -1):
            if _low(tokens[k]) in lx.TOLL_VERBS and (
                counted in PERSON_COUNTED
                or (number.last + 1 < len(tokens) and _low(tokens[number.last + 1]) == "lives")
            ):
                measure = "killed"
                break
    if measure is None:
        return None
    if counted is None:
        if totals and totals[-1].end <= tokens[number.first].idx and totals[-1].counted != "unspecified":
            counted = totals[-1].counted  # "63 civilians were killed and 292 wounded"
        else:
            found, counted_index = _counted_before(tokens, number.first, stop_before if stop_before else 0)
            counted = found or "unspecified"
            modifier_start = None
    if measure == "houses_damaged":
        counted = "buildings"
    elif counted == "buildings":
        return None  # a person measure on a building noun: not a casualty figure
    if qualifier == "less_than":
        qualifier, value = "up_to", max(0, number.value - 1)
    else:
        value = number.value
    pieces = [tokens[q_start].idx, tokens[number.last].idx + len(tokens[number.last].text)]
    if counted_index is not None and counted_index > number.last and counted_index - number.last <= 5:
        pieces.append(tokens[counted_index].idx + len(tokens[counted_index].text))
    if measure_hit is not None:
        m_token = tokens[measure_hit[1]]
        pieces.extend([m_token.idx, m_token.idx + len(m_token.text)])
    start, end = min(pieces), max(pieces)
    modifier_offsets = None
    if modifier_start is not None and counted_index is not None and modifier_start < counted_index:
        modifier_offsets = (
            tokens[modifier_start].idx,
            tokens[counted_index - 1].idx + len(tokens[counted_index - 1].text),
        )
    return _parsed(
        text,
        start,
        end,
        qualifier,
        value,
        measure=measure,
        counted=counted,
        tally="increment" if increment else "total",
        number_start=tokens[number.first].idx,
        possessive=possessive,
        modifier_offsets=modifier_offsets,
        verb=verb,
        verb_offset=verb_offset,
        passive=passive,
        part_of_previous=part_of_previous,
    )


def read_figures(words: str) -> list[ParsedFigure]:
    """The figures in a span of words (a claim's quote), read as the assistant reads a story's:
    "at least 7 civilians were killed" gives one figure, killed, civilians, at least 7."""
    return parse_figures(list(nlp().make_doc(words)), words)
