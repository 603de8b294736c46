"""Measuring the assistant against the curated seed dataset (the gold standard).

For every story in the dataset, the assistant extracts candidates from the story's text alone
(it never sees the story's curated claims), and they are compared with the curated claims:

- **Spans.** A candidate matches a gold claim when they overlap by at least half of the shorter
  span. Matching is one-to-one (a maximum bipartite matching), so one long candidate cannot
  claim several gold claims.
- **Kinds.** A gold claim's kind: ``figure`` if it has figures; ``denial`` if it denies in a
  dispute; ``accusation`` if it asserts or counters in an attack-attribution or ceasefire-violation
  dispute with a side blamed; ``assertion`` in the outlet's own voice; ``statement`` otherwise.
  Precision, recall and F1 per kind count a match only between the same kinds; the "any" row
  ignores kinds (did the assistant find the claim at all).
- **Figures.** For each gold figure, the matched candidate's figure with the same value must have
  the same measure, counted, whose and bounds.
- **Speakers.** For each matched gold claim with a speaker, the candidate's resolved actor.
- **Versions.** For each gold claim whose statement has another version, rank statements for the
  claim (its words, speaker, date, story and place; the claim itself left out) and check that its
  statement comes first. The same for the matched candidates ("as extracted").
- **Disputes.** For each gold claim in a dispute, whether the top-ranked dispute is one of its own.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from claims.extraction import CANDIDATE_KINDS, Candidate, extract, match
from claims.extraction.matching import ATTRIBUTION_DISPUTES, rank_disputes, rank_statements
from claims.models import Claim, ClaimDispute
from core.text import squash


@dataclass
class Gold:
    id: int
    key: str
    story_id: int
    start: int
    end: int
    kind: str
    mode: str
    speaker_id: int | None
    statement_id: int | None
    dispute_ids: set[int]
    figures: list[dict[str, Any]]
    quote: str
    day: date | None


def gold_kind(*, has_figures: bool, mode: str, links: list[tuple[str, str, int | None]]) -> str:
    """The kind a curated claim counts as. ``links`` are (stance, dispute kind, blames side id)."""
    if has_figures:
        return "figure"
    if any(stance == ClaimDispute.Stance.DENIES for stance, _, _ in links):
        return "denial"
    if any(
        stance in (ClaimDispute.Stance.ASSERTS, ClaimDispute.Stance.COUNTERS)
        and dispute_kind in ATTRIBUTION_DISPUTES
        and blames
        for stance, dispute_kind, blames in links
    ):
        return "accusation"
    if mode == Claim.Mode.OUTLET_VOICE:
        return "assertion"
    return "statement"


def load_gold(claim_keys: set[str]) -> dict[int, list[Gold]]:
    """The curated claims (by dataset key), grouped by story, with their kinds."""
    from claims.models import Claim

    claims = (
        Claim.objects.active()
        .filter(key__in=claim_keys)
        .select_related("story", "speaker")
        .prefetch_related("figures", "dispute_links__dispute")
    )
    survivors = _survivor_map()
    by_story: dict[int, list[Gold]] = defaultdict(list)
    for claim in claims:
        links = [(link.stance, link.dispute.kind, link.blames_id) for link in claim.dispute_links.all()]
        figures = [
            {
                "measure": f.measure,
                "counted": f.counted,
                "whose": f.whose_id,
                "low": f.low,
                "high": f.high,
                "value": f.value,
            }
            for f in claim.figures.all()
        ]
        speaker = survivors.get(claim.speaker_id, claim.speaker_id)
        by_story[claim.story_id].append(
            Gold(
                id=claim.id,
                key=claim.key,
                story_id=claim.story_id,
                start=claim.start,
                end=claim.end,
                kind=gold_kind(has_figures=bool(figures), mode=claim.mode, links=links),
                mode=claim.mode,
                speaker_id=speaker,
                statement_id=claim.statement_id,
                dispute_ids={link.dispute_id for link in claim.dispute_links.all()},
                figures=figures,
                quote=claim.quote,
                day=claim.said_on or claim.story.published_on,
            )
        )
    return by_story


def _survivor_map() -> dict[int, int]:
    from claims.models import Actor

    merged = dict(Actor.objects.filter(merged_into__isnull=False).values_list("id", "merged_into_id"))
    result = {}
    for actor_id in merged:
        target, seen = actor_id, set()
        while target in merged and target not in seen:
            seen.add(target)
            target = merged[target]
        result[actor_id] = target
    return result


# --- Matching spans ---------------------------------------------------------------------------
def spans_match(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Overlap of at least half of the shorter span."""
    shared = min(a_end, b_end) - max(a_start, b_start)
    return shared > 0 and shared >= 0.5 * min(a_end - a_start, b_end - b_start)


def _iou(a_start: int, a_end: int, b_start: int, b_end: int) -> float:
    shared = max(0, min(a_end, b_end) - max(a_start, b_start))
    return shared / (max(a_end, b_end) - min(a_start, b_start))


def one_to_one(candidates: list[Candidate], gold: list[Gold]) -> dict[int, int]:
    """A maximum one-to-one matching (gold index -> candidate index) that prefers the pairs whose
    spans agree best: greedy by intersection-over-union, then augmenting paths (Kuhn) so no gold
    claim is left unmatched when a reshuffle could match it."""
    edges: dict[int, list[int]] = {}
    scored = []
    for g, claim in enumerate(gold):
        options = [c for c, cand in enumerate(candidates) if spans_match(cand.start, cand.end, claim.start, claim.end)]
        options.sort(key=lambda c: -_iou(candidates[c].start, candidates[c].end, claim.start, claim.end))
        edges[g] = options
        scored.extend((_iou(candidates[c].start, candidates[c].end, claim.start, claim.end), g, c) for c in options)
    owner: dict[int, int] = {}
    taken: set[int] = set()
    for _iou_value, g, c in sorted(scored, key=lambda t: (-t[0], t[1], t[2])):
        if g in taken or c in owner:
            continue
        owner[c] = g
        taken.add(g)

    def augment(g: int, seen: set[int]) -> bool:
        for c in edges[g]:
            if c in seen:
                continue
            seen.add(c)
            if c not in owner or augment(owner[c], seen):
                owner[c] = g
                return True
        return False

    for g in range(len(gold)):
        if g not in taken:
            augment(g, set())
    return {g: c for c, g in owner.items()}


# --- The report -------------------------------------------------------------------------------
@dataclass
class Score:
    tp: int = 0
    candidates: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.candidates if self.candidates else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Ratio:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 0.0

    def add(self, ok: bool, label: str) -> None:
        self.total += 1
        if ok:
            self.right += 1
        else:
            self.misses.append(label)


@dataclass
class Errors:
    """How many of the candidates checked went wrong in one way (a false attribution, a false match)."""

    wrong: int = 0
    checked: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.wrong / self.checked if self.checked else 0.0

    def add(self, wrong: bool, label: str) -> None:
        self.checked += 1
        if wrong:
            self.wrong += 1
            self.misses.append(label)

    def as_dict(self) -> dict[str, Any]:
        return {"wrong": self.wrong, "checked": self.checked, "rate": round(self.rate, 3)}


@dataclass
class Precision:
    """What the assistant attached that is not so: the measures of "precision before recall".

    - **false attributions**: a candidate resolved to an actor who did not say its words (a
      proposed new actor or no speaker is never false). Not false either: the government of the
      speaker's side when the text names only the side ("Vestria said"), as written;
    - **false dispute matches**: the dispute offered first (``Candidate.dispute_matches[0]``) is
      not one the words belong to, or the words belong to none;
    - **false statement matches**: the statement offered (the first, at ``STATEMENT_CONFIDENCE``
      or more, the one the panel shows and accepting links) is not the one the words report.

    ``judge`` takes the gold for one candidate, whatever the gold set (the seed dataset, the
    development set): who said the words, the disputes and the statements they belong to, each
    as a set of ids (empty: nobody known, no dispute, no statement) or None when the gold does
    not say.
    """

    attributions: Errors = field(default_factory=Errors)
    country_for_its_official: int = 0  # not counted false: "Vestria said", the gold naming its official
    disputes: Errors = field(default_factory=Errors)
    statements: Errors = field(default_factory=Errors)
    # The other side of the coin: of the candidates whose words belong to a dispute, how many are
    # offered that dispute first.
    disputes_offered: Ratio = field(default_factory=Ratio)

    def judge(
        self,
        candidate: Candidate,
        *,
        label: str,
        said_by: set[int] | None,
        disputes: set[int] | None = None,
        statements: set[int] | None = None,
    ) -> None:
        if said_by is not None:
            wrong = candidate.actor_id is not None and candidate.actor_id not in said_by
            if wrong and _country_for_its_official(candidate, said_by):
                self.country_for_its_official += 1
                wrong = False
            self.attributions.add(wrong, f"{label}: {candidate.speaker!r} resolved to {candidate.actor_name}")
        if disputes is not None:
            offered = candidate.dispute_matches[0] if candidate.dispute_matches else None
            wrong = offered is not None and offered["id"] not in disputes
            self.disputes.add(wrong, _false_dispute(label, candidate, offered, disputes) if wrong else label)
            if disputes:
                self.disputes_offered.add(offered is not None and offered["id"] in disputes, label)
        if statements is not None:
            from claims.extraction import STATEMENT_CONFIDENCE

            offered = next((m for m in candidate.statement_matches[:1] if m["score"] >= STATEMENT_CONFIDENCE), None)
            self.statements.add(
                offered is not None and offered["id"] not in statements,
                f"{label}: offered {offered['label'] if offered else ''!r} ({offered['score'] if offered else 0})",
            )

    def as_dict(self) -> dict[str, Any]:
        return {
            "false_attributions": self.attributions.as_dict(),
            "country_for_its_official": self.country_for_its_official,
            "false_dispute_matches": self.disputes.as_dict(),
            "false_statement_matches": self.statements.as_dict(),
            "own_dispute_offered": {
                "value": round(self.disputes_offered.value, 3),
                "right": self.disputes_offered.right,
                "total": self.disputes_offered.total,
            },
        }


def _false_dispute(label: str, candidate: Candidate, offered: dict[str, Any], own: set[int]) -> str:
    """A false dispute match as ``--misses`` lists it: the candidate (kind, words), the dispute
    offered with its score and reasons, and the disputes the gold puts the words in (or none)."""
    from claims.models import Dispute

    titles = sorted(Dispute.objects.filter(pk__in=own).values_list("title", flat=True)) if own else []
    return (
        f"{label} [{candidate.kind}] {candidate.quote[:100]!r}\n"
        f"      offered: {offered['label']!r} ({offered['score']}: {', '.join(offered['reasons']) or 'no reason'})\n"
        f"      gold:    {'; '.join(repr(t) for t in titles) or 'no dispute'}"
    )


def reported_inside(candidate: Candidate, start: int, end: int, text: str) -> bool:
    """One claim is reported inside the other's words, so who said the one is not who said the
    other; the gold claim over ``start``..``end`` does not say who said the candidate:

    - the gold claim lies in the candidate's speaker's words, well after the speaker ("An aide
      accused the premier of ... over his call to which there would be 'no solution'": the
      premier's claim inside the aide's): more than five words between speaker and gold words;
    - the candidate lies in the gold claim's words, with its own speaker ("Kyiv denied Moscow's
      claim that its forces had killed 400": Moscow's claim inside Kyiv's denial): the candidate
      and its speaker inside the gold span, two words or more after its start.
    """
    if candidate.speaker_end is None or candidate.speaker_start is None:
        return False
    if candidate.speaker_start >= candidate.start and start > candidate.speaker_end:
        return len(text[candidate.speaker_end : start].split()) > 5
    inside = start <= candidate.start and candidate.end <= end and start < candidate.speaker_start < end
    return inside and len(text[start : candidate.start].split()) >= 2


def _country_for_its_official(candidate: Candidate, said_by: set[int]) -> bool:
    """The speaker as written is a side's own name (or its government's alias, "Orlak") and the
    actor is that side's government, while the gold names the official who spoke for it."""
    from claims.extraction.speakers import gazetteer

    gaz = gazetteer()
    actor = gaz.actors.get(candidate.actor_id)
    if actor is None or candidate.actor_id not in gaz.government_of_side.get(actor.side_id, []):
        return False
    written = squash(candidate.speaker or "").removesuffix("'s")
    if gaz.side_keys.get(written) != actor.side_id and written not in actor.keys:
        return False
    return any(gaz.actors[a].side_id == actor.side_id for a in said_by if a in gaz.actors)


@dataclass
class Report:
    kinds: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in (*CANDIDATE_KINDS, "any")})
    figures: Ratio = field(default_factory=Ratio)
    figure_fields: dict[str, Ratio] = field(
        default_factory=lambda: {k: Ratio() for k in ("value", "measure", "counted", "whose", "bounds")}
    )
    speakers: Ratio = field(default_factory=Ratio)
    outlet_voice: Ratio = field(default_factory=Ratio)
    versions: Ratio = field(default_factory=Ratio)
    versions_extracted: Ratio = field(default_factory=Ratio)
    disputes: Ratio = field(default_factory=Ratio)
    precision: Precision = field(default_factory=Precision)
    stories: int = 0
    words: int = 0
    seconds: float = 0.0
    unmatched_gold: list[str] = field(default_factory=list)
    unmatched_candidates: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kinds": {
                k: {
                    "precision": round(s.precision, 3),
                    "recall": round(s.recall, 3),
                    "f1": round(s.f1, 3),
                    "tp": s.tp,
                    "candidates": s.candidates,
                    "gold": s.gold,
                }
                for k, s in self.kinds.items()
            },
            "figure_accuracy": round(self.figures.value, 3),
            "figure_fields": {k: round(r.value, 3) for k, r in self.figure_fields.items()},
            "speaker_accuracy": round(self.speakers.value, 3),
            "outlet_voice_accuracy": round(self.outlet_voice.value, 3),
            "version_matching": round(self.versions.value, 3),
            "version_matching_extracted": round(self.versions_extracted.value, 3),
            "dispute_matching": round(self.disputes.value, 3),
            **self.precision.as_dict(),
            "stories": self.stories,
            "words": self.words,
            "seconds": round(self.seconds, 3),
        }


def _figure_checks(report: Report, gold: Gold, candidate: Candidate | None) -> None:
    available = list(candidate.figures) if candidate else []
    for figure in gold.figures:
        label = f"{gold.key}: {figure['value']} {figure['measure']}"
        found = next((f for f in available if f.value == figure["value"]), None)
        report.figure_fields["value"].add(found is not None, label)
        if found is None:
            report.figures.add(False, label + " (not found)")
            for name in ("measure", "counted", "whose", "bounds"):
                report.figure_fields[name].add(False, label)
            continue
        available.remove(found)
        checks = {
            "measure": found.measure == figure["measure"],
            "counted": found.counted == figure["counted"],
            "whose": found.whose_id == figure["whose"],
            "bounds": (found.low, found.high) == (figure["low"], figure["high"]),
        }
        for name, ok in checks.items():
            report.figure_fields[name].add(ok, label)
        wrong = [name for name, ok in checks.items() if not ok]
        report.figures.add(not wrong, f"{label} (wrong {', '.join(wrong)})")


def evaluate(dataset: Path | None = None, *, with_extracted_versions: bool = True) -> Report:
    """Run the assistant over every story of the dataset and score it against the curated claims."""
    from claims.seeding import DATASET, read_dataset
    from sources.models import Story

    data = read_dataset(dataset or DATASET)
    story_keys = [row["key"] for row in data.get("stories", [])]
    gold_by_story = load_gold({row["key"] for row in data.get("claims", [])})
    report = Report()
    all_gold: list[Gold] = []
    bodies: dict[int, str] = {}
    stories = Story.objects.filter(key__in=story_keys).select_related("current_revision").order_by("key")
    for story in stories:
        text = story.current_revision.body
        bodies[story.id] = text
        gold = gold_by_story.get(story.id, [])
        all_gold.extend(gold)
        began = time.perf_counter()
        candidates = extract(text, published_on=story.published_on)
        report.seconds += time.perf_counter() - began
        report.stories += 1
        report.words += len(text.split())
        # spans, per kind and for any kind
        for kind in CANDIDATE_KINDS:
            mine = [c for c in candidates if c.kind == kind]
            theirs = [g for g in gold if g.kind == kind]
            pairs = one_to_one(mine, theirs)
            score = report.kinds[kind]
            score.tp += len(pairs)
            score.candidates += len(mine)
            score.gold += len(theirs)
        pairs = one_to_one(candidates, gold)
        score = report.kinds["any"]
        score.tp += len(pairs)
        score.candidates += len(candidates)
        score.gold += len(gold)
        report.unmatched_gold.extend(f"{g.key} ({g.kind})" for n, g in enumerate(gold) if n not in pairs)
        used = set(pairs.values())
        report.unmatched_candidates.extend(
            f"{story.key} {c.kind}: {c.quote[:90]}" for n, c in enumerate(candidates) if n not in used
        )
        for g_index, claim in enumerate(gold):
            candidate = candidates[pairs[g_index]] if g_index in pairs else None
            if claim.figures:
                _figure_checks(report, claim, candidate)
            if candidate is None:
                continue
            if claim.speaker_id is not None:
                report.speakers.add(
                    candidate.actor_id == claim.speaker_id,
                    f"{claim.key}: got {candidate.actor_name or candidate.speaker}",
                )
            elif claim.mode == Claim.Mode.OUTLET_VOICE:
                report.outlet_voice.add(
                    candidate.actor_id is None and candidate.proposed_actor is None,
                    f"{claim.key}: got {candidate.actor_name or candidate.speaker}",
                )
        # Candidates over curated words: their gold is what the curated claims over them say.
        judged = [(c, [g for g in gold if spans_match(c.start, c.end, g.start, g.end)]) for c in candidates]
        judged = [(c, over) for c, over in judged if over]
        if with_extracted_versions:
            match(
                [c for c, _ in judged],
                published_on=story.published_on,
                story_id=story.id,
                exclude_overlapping=True,
                text=text,
            )
        for candidate, over in judged:
            spoken = [g for g in over if not reported_inside(candidate, g.start, g.end, text)]
            report.precision.judge(
                candidate,
                label=f"{story.key} {'/'.join(g.key for g in over)}",
                said_by={g.speaker_id for g in spoken if g.speaker_id is not None} if spoken else None,
                disputes=set().union(*(g.dispute_ids for g in over)) if with_extracted_versions else None,
                statements={g.statement_id for g in over if g.statement_id is not None}
                if with_extracted_versions
                else None,
            )
        if with_extracted_versions:
            for g_index, c_index in pairs.items():
                claim = gold[g_index]
                if claim.statement_id is None or not _has_sibling(claim, gold_by_story):
                    continue
                top = candidates[c_index].statement_matches[:1]
                report.versions_extracted.add(bool(top) and top[0]["id"] == claim.statement_id, claim.key)
    for claim in all_gold:
        if claim.statement_id is not None and _has_sibling(claim, gold_by_story):
            ranked = rank_statements(
                text=claim.quote,
                speaker_id=claim.speaker_id,
                day=claim.day,
                story_id=claim.story_id,
                start=claim.start,
                exclude=[claim.id],
            )
            report.versions.add(bool(ranked) and ranked[0].id == claim.statement_id, claim.key)
        if claim.dispute_ids:
            ranked_disputes = rank_disputes(
                text=claim.quote,
                kind=claim.kind,
                speaker_id=claim.speaker_id,
                day=claim.day,
                measures={f["measure"] for f in claim.figures},
                exclude=[claim.id],
                context=bodies.get(claim.story_id, ""),
            )
            report.disputes.add(bool(ranked_disputes) and ranked_disputes[0].id in claim.dispute_ids, claim.key)
    return report


def _has_sibling(claim: Gold, gold_by_story: dict[int, list[Gold]]) -> bool:
    return any(
        other.statement_id == claim.statement_id and other.id != claim.id
        for golds in gold_by_story.values()
        for other in golds
    )
