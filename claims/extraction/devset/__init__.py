"""The development set: wire-style sentences about several wars, annotated, and their scoring.

``devset.yaml`` (next to this module) holds a small desk fixture (sides, actors, disputes, in the
format of ``seeds/dataset.yaml``) and the annotated items; its header says how they are written.
``evaluate_devset`` loads the fixture into the database inside a transaction that is rolled back,
extracts each item's text on its own (dated), and scores the candidates against the gold claims,
overall, for the tuning and held-out parts, and per pattern:

- **claims**: one-to-one span matching as for the seeds (``one_to_one``: overlap of at least half
  of the shorter span);
- **figures**: a gold figure is found when a candidate over the gold claim's words (any overlap)
  offers a figure with the same value, measure and bounds; precision is over every figure offered
  (sub-counts marked as parts are not offered figures); *whose*, *counted* and *parts* are checked
  on the figures found;
- **speakers**: a gold claim's speaker is right when its matched candidate resolved the same actor,
  or proposed a new actor with the same name or title as written; precision is over every candidate
  that names a speaker (a speaker on words the gold says are the outlet's own is wrong);
- **denials**: a gold denial is found when its matched candidate is a denial; precision is over
  every denial offered.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from claims.extraction import match
from claims.extraction.evaluation import Precision, Ratio, Score, one_to_one, reported_inside, spans_match
from claims.extraction.pipeline import Candidate, extract
from core.text import squash

DEVSET = Path(__file__).with_name("devset.yaml")
SPLITS = ("tuning", "held_out")
DETERMINERS = ("the ", "a ", "an ")


@dataclass
class GoldFigure:
    value: int
    measure: str
    low: int | None
    high: int | None
    counted: str | None
    whose: int | None
    whose_given: bool
    parts: list[int]


@dataclass
class GoldClaim:
    item: str
    start: int
    end: int
    actor_id: int | None  # the actor who said it
    proposed: str | None  # or a new actor, by the name or title as written
    denial: bool
    dispute_id: int | None  # the dispute it belongs to (None: no dispute on the desk is its own)
    figures: list[GoldFigure]


@dataclass
class Item:
    key: str
    split: str
    conflict: str
    day: date
    patterns: list[str]
    text: str
    claims: list[GoldClaim]


@dataclass
class Scores:
    """The development set's measures for one group of items."""

    items: int = 0
    claims: Score = field(default_factory=Score)
    figures: Score = field(default_factory=Score)
    speakers: Score = field(default_factory=Score)
    denials: Score = field(default_factory=Score)
    whose: Ratio = field(default_factory=Ratio)
    counted: Ratio = field(default_factory=Ratio)
    parts: Ratio = field(default_factory=Ratio)

    def as_dict(self) -> dict[str, Any]:
        def pr(score: Score) -> dict[str, Any]:
            return {
                "precision": round(score.precision, 3),
                "recall": round(score.recall, 3),
                "found": score.tp,
                "offered": score.candidates,
                "gold": score.gold,
            }

        def ratio(r: Ratio) -> dict[str, Any]:
            return {"accuracy": round(r.value, 3), "right": r.right, "total": r.total}

        return {
            "items": self.items,
            "claims": pr(self.claims),
            "figures": pr(self.figures),
            "speakers": pr(self.speakers),
            "denials": pr(self.denials),
            "whose": ratio(self.whose),
            "counted": ratio(self.counted),
            "parts": ratio(self.parts),
        }


@dataclass
class DevReport:
    groups: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    seconds: float = 0.0
    words: int = 0
    precision: Precision = field(default_factory=Precision)  # false attributions and matches, every item

    @property
    def overall(self) -> Scores:
        return self.groups["all"]

    def patterns(self) -> dict[str, Scores]:
        return {k.split(":", 1)[1]: v for k, v in sorted(self.groups.items()) if k.startswith("pattern:")}

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.as_dict(),
            **{split: self.groups[split].as_dict() for split in SPLITS},
            "patterns": {name: scores.as_dict() for name, scores in self.patterns().items()},
            **self.precision.as_dict(),
            "words": self.words,
            "seconds": round(self.seconds, 3),
        }


# --- Reading the set --------------------------------------------------------------------------
class DevsetError(Exception):
    """The development set is wrong; the message names the item."""


def read_items(data: dict[str, Any], *, actors: dict[str, int], sides: dict[str, int], disputes: dict[str, int]):
    """The items of the set, with gold spans found in their texts and keys turned into ids."""
    items = []
    for row in data.get("items", []):
        key, text = row["key"], row["text"]
        claims = []
        for gold in row.get("claims") or []:
            quote = gold.get("quote") or text.strip()
            start = text.find(quote)
            if start < 0 or text.find(quote, start + 1) >= 0:
                raise DevsetError(f"item {key}: quote {quote[:40]!r} is not found exactly once in its text")
            speaker = gold.get("speaker") or {}
            if speaker.get("actor") and speaker["actor"] not in actors:
                raise DevsetError(f"item {key}: unknown actor {speaker['actor']!r}")
            dispute = gold.get("dispute")
            if dispute and dispute not in disputes:
                raise DevsetError(f"item {key}: unknown dispute {dispute!r}")
            figures = []
            for f in gold.get("figures") or []:
                low, high = f["bounds"]
                figures.append(
                    GoldFigure(
                        value=f["value"],
                        measure=f["measure"],
                        low=low,
                        high=high,
                        counted=f.get("counted"),
                        whose=sides[f["whose"]] if f.get("whose") else None,
                        whose_given="whose" in f,
                        parts=sorted(f.get("parts") or []),
                    )
                )
            claims.append(
                GoldClaim(
                    item=key,
                    start=start,
                    end=start + len(quote),
                    actor_id=actors[speaker["actor"]] if speaker.get("actor") else None,
                    proposed=speaker.get("proposed"),
                    denial=bool(gold.get("denial")),
                    dispute_id=disputes[dispute] if dispute else None,
                    figures=figures,
                )
            )
        day = row["date"] if isinstance(row["date"], date) else date.fromisoformat(str(row["date"]))
        split = row.get("split", "tuning")
        if split not in SPLITS:
            raise DevsetError(f"item {key}: split must be one of {', '.join(SPLITS)}")
        items.append(Item(key, split, row["conflict"], day, list(row.get("patterns") or []), text, claims))
    return items


# --- Scoring ----------------------------------------------------------------------------------
def _bare(name: str | None) -> str:
    folded = squash(name or "")
    for determiner in DETERMINERS:
        if folded.startswith(determiner):
            return folded[len(determiner) :]
    return folded


def speaker_right(candidate: Candidate, gold: GoldClaim) -> bool:
    if gold.actor_id is not None:
        return candidate.actor_id == gold.actor_id
    if gold.proposed is not None:
        proposed = candidate.proposed_actor or {}
        return candidate.actor_id is None and _bare(proposed.get("name")) == _bare(gold.proposed)
    return candidate.actor_id is None and candidate.proposed_actor is None


def _speaker_label(candidate: Candidate) -> str:
    if candidate.actor_id is not None:
        return f"actor {candidate.actor_name}"
    if candidate.proposed_actor:
        return f"proposed {candidate.proposed_actor.get('name')!r}"
    return "no speaker"


def _has_speaker(candidate: Candidate) -> bool:
    return candidate.actor_id is not None or bool(candidate.proposed_actor)


def score_item(item: Item, candidates: list[Candidate], groups: list[Scores], misses: list[str]) -> None:
    """Add one item's candidates, scored against its gold claims, to each of ``groups``."""
    pairs = one_to_one(candidates, item.claims)  # gold index -> candidate index
    matched_gold = {c: g for g, c in pairs.items()}
    counts = Scores(items=1)
    counts.claims = Score(len(pairs), len(candidates), len(item.claims))
    # Figures: every figure offered (parts aside) against every gold figure.
    offered = [(n, k) for n, c in enumerate(candidates) for k, f in enumerate(c.figures) if f.part_of is None]
    used: set[tuple[int, int]] = set()
    counts.figures.candidates = len(offered)
    for gold in item.claims:
        for figure in gold.figures:
            counts.figures.gold += 1
            label = f"{figure.value} {figure.measure} {[figure.low, figure.high]}"
            found = None
            for n, k in offered:
                c = candidates[n]
                f = c.figures[k]
                overlaps = min(c.end, gold.end) > max(c.start, gold.start)
                same = (f.value, f.measure, f.low, f.high) == (figure.value, figure.measure, figure.low, figure.high)
                if overlaps and same and (n, k) not in used:
                    found = (n, k)
                    break
            if found is None:
                misses.append(f"figure not found: {label}")
                continue
            used.add(found)
            counts.figures.tp += 1
            n, k = found
            got = candidates[n].figures[k]
            if figure.whose_given:
                counts.whose.add(got.whose_id == figure.whose, label)
                if got.whose_id != figure.whose:
                    misses.append(f"whose wrong for {label}: got {got.whose}")
            if figure.counted:
                counts.counted.add(got.counted == figure.counted, label)
            if figure.parts:
                parts = sorted(f.value for f in candidates[n].figures if f.part_of == k)
                counts.parts.add(parts == figure.parts, label)
                if parts != figure.parts:
                    misses.append(f"parts of {label}: got {parts}, want {figure.parts}")
    for n, k in offered:
        if (n, k) not in used:
            f = candidates[n].figures[k]
            misses.append(f"figure offered, not gold: {f.value} {f.measure} {[f.low, f.high]} ({f.raw!r})")
    # Speakers and denials.
    for g, gold in enumerate(item.claims):
        candidate = candidates[pairs[g]] if g in pairs else None
        quote = item.text[gold.start : gold.end][:60]
        if candidate is None:
            misses.append(f"claim not found: {quote!r}")
        if gold.actor_id is not None or gold.proposed is not None:
            counts.speakers.gold += 1
            if candidate is not None and speaker_right(candidate, gold):
                counts.speakers.tp += 1
            elif candidate is not None:
                misses.append(f"speaker wrong for {quote!r}: got {_speaker_label(candidate)}")
        if gold.denial:
            counts.denials.gold += 1
            if candidate is not None and candidate.kind == "denial":
                counts.denials.tp += 1
            elif candidate is not None:
                misses.append(f"denial not seen: {quote!r} (offered as {candidate.kind})")
    for n, candidate in enumerate(candidates):
        gold = item.claims[matched_gold[n]] if n in matched_gold else None
        if _has_speaker(candidate):
            counts.speakers.candidates += 1
            if gold is None:
                misses.append(f"speaker on words that are no gold claim: {candidate.quote[:60]!r}")
            elif gold.actor_id is None and gold.proposed is None:
                misses.append(f"speaker given to the outlet's own words: {_speaker_label(candidate)}")
        if candidate.kind == "denial":
            counts.denials.candidates += 1
            if gold is None or not gold.denial:
                misses.append(f"denial offered, not gold: {candidate.quote[:60]!r}")
    for group in groups:
        _add(group, counts)


def judge_item(item: Item, candidates: list[Candidate], precision: Precision) -> None:
    """False attributions and false dispute and statement matches, for every candidate over a
    gold claim's words: its gold says who spoke (an actor, or no known actor: a proposed one or
    the outlet's own voice), its dispute (or none) and its statement (none: the set has none)."""
    judged = [(c, [g for g in item.claims if spans_match(c.start, c.end, g.start, g.end)]) for c in candidates]
    judged = [(c, over) for c, over in judged if over]
    match([c for c, _ in judged], published_on=item.day, text=item.text)
    for candidate, over in judged:
        spoken = [g for g in over if not reported_inside(candidate, g.start, g.end, item.text)]
        precision.judge(
            candidate,
            label=f"{item.key}: {candidate.quote[:50]!r}",
            said_by={g.actor_id for g in spoken if g.actor_id is not None} if spoken else None,
            disputes={g.dispute_id for g in over if g.dispute_id is not None},
            statements=set(),
        )


def _add(total: Scores, part: Scores) -> None:
    total.items += part.items
    for name in ("claims", "figures", "speakers", "denials"):
        into, add = getattr(total, name), getattr(part, name)
        into.tp += add.tp
        into.candidates += add.candidates
        into.gold += add.gold
    for name in ("whose", "counted", "parts"):
        into_r, add_r = getattr(total, name), getattr(part, name)
        into_r.right += add_r.right
        into_r.total += add_r.total
        into_r.misses.extend(add_r.misses)


def evaluate_devset(path: Path = DEVSET) -> DevReport:
    """Load the set's fixture (rolled back afterwards), extract every item and score it."""
    from claims.models import Actor, Dispute, Side
    from claims.seeding import SEEDS_DIR, _Loader, read_dataset

    data = read_dataset(path)
    report = DevReport()
    with transaction.atomic():
        fixture = {name: data.get(name, []) for name in ("sides", "actors", "disputes")}
        _Loader(fixture, SEEDS_DIR).load()
        items = read_items(
            data,
            actors=dict(Actor.objects.filter(key__isnull=False).values_list("key", "id")),
            sides=dict(Side.objects.values_list("key", "id")),
            disputes=dict(Dispute.objects.filter(key__isnull=False).values_list("key", "id")),
        )
        for item in items:
            began = time.perf_counter()
            candidates = extract(item.text, published_on=item.day)
            report.seconds += time.perf_counter() - began
            report.words += len(item.text.split())
            groups = [report.groups["all"], report.groups[item.split]]
            groups += [report.groups[f"pattern:{p}"] for p in item.patterns]
            score_item(item, candidates, groups, report.misses[f"{item.key} ({item.split})"])
            judge_item(item, candidates, report.precision)
        transaction.set_rollback(True)
    return report
