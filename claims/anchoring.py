"""Anchoring a claim to its exact words in a story revision.

The server is the authority on offsets: it finds the quote in the text, using the prefix and
suffix around it (the W3C Web Annotation TextQuoteSelector idea), an explicit occurrence number,
or a browser's offsets as a hint, and refuses when the quote is missing or ambiguous.
Offsets are in Unicode code points (Python ``str`` indices), as in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT_CHARS = 32


class AnchorError(ValueError):
    """The quote cannot be anchored in the text."""


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str


def occurrences(body: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of ``quote`` in ``body`` (overlapping ones included)."""
    found, position = [], body.find(quote)
    while position != -1:
        found.append(position)
        position = body.find(quote, position + 1)
    return found


def anchor_at(body: str, start: int, end: int) -> Anchor:
    if not (0 <= start < end <= len(body)):
        raise AnchorError(f"Offsets {start}..{end} are outside the text ({len(body)} characters).")
    return Anchor(
        start=start,
        end=end,
        quote=body[start:end],
        prefix=body[max(0, start - CONTEXT_CHARS) : start],
        suffix=body[end : end + CONTEXT_CHARS],
    )


def _context_score(body: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """How many characters of the given prefix and suffix match around ``start..end``."""
    score = 0
    before = body[:start]
    for length in range(len(prefix), 0, -1):
        if before.endswith(prefix[-length:]):
            score += length
            break
    after = body[end:]
    for length in range(len(suffix), 0, -1):
        if after.startswith(suffix[:length]):
            score += length
            break
    return score


def find_anchor(
    body: str,
    quote: str,
    *,
    occurrence: int | None = None,
    prefix: str = "",
    suffix: str = "",
    hint_start: int | None = None,
) -> Anchor:
    """Anchor ``quote`` in ``body``.

    Picks, in order: the given 1-based ``occurrence``; the only occurrence; the one whose
    surroundings best match ``prefix``/``suffix``; the one nearest ``hint_start``. Raises
    ``AnchorError`` when the quote is absent, or when it occurs more than once and nothing
    tells the occurrences apart.
    """
    if not quote or not quote.strip():
        raise AnchorError("The quote is empty.")
    starts = occurrences(body, quote)
    if not starts:
        raise AnchorError("The quote was not found in the story text.")
    if occurrence is not None:
        if not 1 <= occurrence <= len(starts):
            raise AnchorError(f"The quote occurs {len(starts)} time(s); there is no occurrence {occurrence}.")
        chosen = starts[occurrence - 1]
    elif len(starts) == 1:
        chosen = starts[0]
    else:
        candidates = starts
        if prefix or suffix:
            scores = {s: _context_score(body, s, s + len(quote), prefix, suffix) for s in starts}
            best = max(scores.values())
            candidates = [s for s in starts if scores[s] == best]
        if len(candidates) > 1 and hint_start is not None:
            nearest = min(abs(s - hint_start) for s in candidates)
            candidates = [s for s in candidates if abs(s - hint_start) == nearest]
        if len(candidates) > 1:
            raise AnchorError(f"The quote occurs {len(starts)} times; say which occurrence is meant.")
        chosen = candidates[0]
    return anchor_at(body, chosen, chosen + len(quote))


def reanchor(body: str, quote: str, prefix: str, suffix: str) -> Anchor | None:
    """Find a claim's quote again in a new revision's text, or None when it is gone or ambiguous."""
    try:
        return find_anchor(body, quote, prefix=prefix, suffix=suffix)
    except AnchorError:
        return None
