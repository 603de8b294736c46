"""Word-level diffs: versions of one statement across outlets, and field changes in a claim's history.

Words are compared, not characters: "no diplomatic solution" vs "no way ... through diplomacy"
should read as words added and removed, the way an editor compares two wordings. Whitespace is
kept with the word before it so the diff reads back as the original text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Literal, TypeVar

# A word (letters and digits, with inner straight or curly apostrophes: "Armenia's"), or one other
# non-space character (punctuation, quote marks); each with the whitespace that follows it.
_TOKEN = re.compile(r"(?:\w+(?:['\u2019]\w+)*|[^\w\s])\s*|\s+")

Op = Literal["same", "added", "removed"]


@dataclass(frozen=True)
class DiffPart:
    op: Op
    text: str


def tokens(text: str) -> list[str]:
    """Split ``text`` into words and punctuation, each keeping its trailing whitespace."""
    return _TOKEN.findall(text)


def _key(token: str) -> str:
    # Compare words without their trailing whitespace: a line break is not a change of wording.
    return token.strip() or " "


def word_diff(old: str, new: str) -> list[DiffPart]:
    """The changes from ``old`` to ``new``, word by word.

    Joining the ``same`` and ``added`` parts gives ``new`` back exactly; ``same`` and ``removed``
    give ``old``'s words (with ``new``'s whitespace where the two agree).
    """
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(a=[_key(t) for t in a], b=[_key(t) for t in b], autojunk=False)
    parts: list[DiffPart] = []

    def emit(op: Op, items: list[str]) -> None:
        text = "".join(items)
        if not text:
            return
        if parts and parts[-1].op == op:
            parts[-1] = DiffPart(op, parts[-1].text + text)
        else:
            parts.append(DiffPart(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            emit("same", b[j1:j2])
        else:
            emit("removed", a[i1:i2])
            emit("added", b[j1:j2])
    return parts


def similarity(old: str, new: str) -> float:
    """How much of the wording two versions share, from 0 to 1, the same whichever comes first
    (SequenceMatcher's ratio alone depends on the order of its arguments)."""
    a, b = [_key(t) for t in tokens(old)], [_key(t) for t in tokens(new)]
    return max(
        difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio(),
        difflib.SequenceMatcher(a=b, b=a, autojunk=False).ratio(),
    )


@dataclass(frozen=True)
class SideBySide:
    """Two wordings next to each other: ``left`` marks the words only the first has (removed),
    ``right`` the words only the second has (added)."""

    left: list[DiffPart]
    right: list[DiffPart]
    similarity: float


def side_by_side(old: str, new: str) -> SideBySide:
    parts = word_diff(old, new)
    return SideBySide(
        left=[p for p in parts if p.op != "added"],
        right=[p for p in parts if p.op != "removed"],
        similarity=similarity(old, new),
    )


T = TypeVar("T")

# Below this share of words two reports are treated as different parts of a statement, not two
# versions of the same words (measured on the seed stories: versions of Pashinyan's 21 Oct 2020
# address across AP, AFP and Anadolu score 0.2-0.3; unrelated sentences of it about 0.1).
VERSION_SIMILARITY = 0.2


def closest_pairs(
    items: list[T],
    *,
    text: Callable[[T], str],
    group: Callable[[T], Hashable],
    threshold: float = VERSION_SIMILARITY,
    limit: int = 6,
) -> list[tuple[T, T, SideBySide]]:
    """Pairs of items from different groups (outlets) whose wordings are closest, best first;
    each item in at most one pair. Items keep their given order within a pair."""
    scored = []
    for i, first in enumerate(items):
        for second in items[i + 1 :]:
            if group(first) != group(second):
                scored.append((similarity(text(first), text(second)), first, second))
    scored.sort(key=lambda item: -item[0])
    used: set[int] = set()
    pairs = []
    for score, first, second in scored:
        if score < threshold or len(pairs) >= limit:
            break
        if id(first) in used or id(second) in used:
            continue
        used.update((id(first), id(second)))
        pairs.append((first, second, side_by_side(text(first), text(second))))
    return pairs
