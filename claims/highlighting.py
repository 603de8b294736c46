"""Highlighting a story's text with the claims anchored in it, for the story reader.

The highlighted text is built here, not in a template, so that the text nodes in the page are
exactly the revision's body: the browser's selection offsets (static/js/reader.js) then count
the same code points as the server. Pure functions of the text and the claims (with speaker and
side loaded).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from claims.models import Claim

SIDE_CLASSES = 6  # static/css/desk.css has side-1 .. side-6
MAX_LANES = 4


def side_class(claim: Claim) -> str:
    """A stable CSS class for the side the claim speaks for (its colour and underline style)."""
    if claim.speaker_id is None:
        return "side-outlet"
    side_id = claim.speaker.side_id
    if side_id is None:
        return "side-none"
    return f"side-{(side_id - 1) % SIDE_CLASSES + 1}"


def side_tag(claim: Claim) -> str:
    """A short text label for the side, shown before each highlight (never colour alone)."""
    if claim.speaker_id is None:
        return "OUTLET"
    side = claim.speaker.side
    return side.key[:3].upper() if side else "—"


def side_label(claim: Claim) -> str:
    if claim.speaker_id is None:
        return "the outlet's own voice"
    side = claim.speaker.side
    return f"{claim.speaker.name} ({side.name})" if side else claim.speaker.name


def assign_lanes(claims: list[Claim]) -> dict[int, int]:
    """Give overlapping claims different lanes (stacked underlines), like an interval graph
    colouring: each claim takes the lowest lane free at its start."""
    lane_ends: list[int] = []
    lanes: dict[int, int] = {}
    for claim in sorted(claims, key=lambda c: (c.start, -c.end, c.pk)):
        for lane, end in enumerate(lane_ends):
            if end <= claim.start:
                lane_ends[lane] = claim.end
                lanes[claim.pk] = lane
                break
        else:
            lanes[claim.pk] = len(lane_ends)
            lane_ends.append(claim.end)
    return lanes


@dataclass(frozen=True)
class Segment:
    text: str
    start: int
    claims: tuple[Claim, ...]  # outermost (lowest lane) first


def segments(body: str, claims: list[Claim]) -> list[Segment]:
    """Cut ``body`` at every claim boundary; each piece knows every claim covering it.

    One sweep over the boundaries in order: a claim joins the covering set at its start and
    leaves it at its end, so the work grows with the claims and their overlaps, not with the
    claims times the pieces (a story with hundreds of claims stays fast)."""
    spans = [c for c in claims if 0 <= c.start < c.end <= len(body)]
    lanes = assign_lanes(spans)
    starts: dict[int, list[Claim]] = defaultdict(list)
    ends: dict[int, list[int]] = defaultdict(list)
    for claim in spans:
        starts[claim.start].append(claim)
        ends[claim.end].append(claim.pk)
    cuts = sorted({0, len(body), *starts, *ends})
    covering: dict[int, Claim] = {}
    result = []
    for start, end in itertools.pairwise(cuts):
        for pk in ends.get(start, ()):
            covering.pop(pk, None)
        for claim in starts.get(start, ()):
            covering[claim.pk] = claim
        ordered = tuple(sorted(covering.values(), key=lambda c: lanes[c.pk]))
        result.append(Segment(body[start:end], start, ordered))
    return result


def highlighted_body(body: str, claims: list[Claim]) -> SafeString:
    """The body as HTML: text escaped, each claim's span in nested <mark>s, nothing added between.

    The first piece of each claim carries ``id="claim-<id>"`` (the target of links from the dispute
    page) and is focusable; Enter or a click opens the claim (static/js/reader.js). Built in one
    pass: each claim's attributes are worked out once, then every piece wraps its text in them.
    """
    spans = [c for c in claims if 0 <= c.start < c.end <= len(body)]
    lanes = assign_lanes(spans)
    # one reverse() for the pattern, not one per claim and piece
    url_pattern = reverse("claims:claim_detail", args=[0])
    opening: dict[int, tuple[str, str]] = {}  # claim id -> (first piece's <mark>, later pieces' <mark>)
    for claim in spans:
        classes = f"hl {side_class(claim)} lane-{min(lanes[claim.pk], MAX_LANES - 1)}"
        if claim.status == Claim.Status.RETRACTED:
            classes += " hl-retracted"
        url = url_pattern.replace("/0/", f"/{claim.pk}/")
        title = f"Claim by {side_label(claim)}: {claim.get_status_display().lower()}"
        first = format_html(
            '<mark class="{} hl-start" id="claim-{}" data-claim="{}" data-href="{}" data-tag="{}" '
            'title="{}" tabindex="0" role="button">',
            classes,
            claim.pk,
            claim.pk,
            url,
            side_tag(claim),
            title,
        )
        later = format_html(
            '<mark class="{}" data-claim="{}" data-href="{}" title="{}">', classes, claim.pk, url, title
        )
        opening[claim.pk] = (str(first), str(later))
    opened: set[int] = set()
    parts: list[str] = []
    for segment in segments(body, spans):
        marks = []
        for claim in segment.claims:  # outermost first
            first, later = opening[claim.pk]
            marks.append(later if claim.pk in opened else first)
            opened.add(claim.pk)
        parts.append("".join(marks))
        parts.append(str(conditional_escape(segment.text)))
        parts.append("</mark>" * len(marks))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def legend(claims: list[Claim]) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for claim in claims:
        css = side_class(claim)
        if claim.speaker_id is None:
            name = "Outlet's own voice"
        elif claim.speaker.side_id is None:
            name = "No side"
        else:
            name = claim.speaker.side.name
        seen.setdefault(name, {"name": name, "css": css, "tag": side_tag(claim)})
    return sorted(seen.values(), key=lambda item: item["name"])
