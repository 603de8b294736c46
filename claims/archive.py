"""A synthetic archive at newsroom scale, for `manage.py generate_archive` and the scale benchmark.

Its shape follows a desk that has ingested wire copy for years: ~200 outlets, ~5,000 actors with
aliases, stories of 500-1,500 words built from the seed stories' vocabulary, 2-8 claims per story
each anchored to its exact span of the text, 30% of them with a figure that is in the words, claims
in one or two disputes whose sizes fall off like a newsroom's (a few with up to 2,000 claims, most
with a handful), half of the claims and disputes published, notes (internal and public), reviews
(published and drafts), links between claims, "via" chains and carried-from agencies.

Everything is written with COPY in batches, each committed, with every database trigger on (the
change log, history, anchors, dispute activity). The writes follow the order a desk works in, so
that the triggers do set-based work: disputes are built unpublished and published last, one UPDATE,
whose change-log trigger logs each dispute's claims (and what they make visible) in one go instead
of claim by claim.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import re
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections, models, transaction

from claims.anchoring import CONTEXT_CHARS
from claims.figures import figure_bounds
from claims.models import Figure, Scope, Side
from claims.ratings import Rating
from sources.models import content_hash

SEEDS = Path(settings.BASE_DIR) / "seeds"
MAX_DISPUTE_CLAIMS = 2000
STORY_MIN_WORDS = 500
CLAIMS_PER_DISPUTE = 50  # on average: 20k disputes at 1M claims
RARE_WORD = "Khndzoresk"  # a village name in about one claim in 2,000: the benchmark's rare search
SIDES = [
    ("azerbaijan", "Azerbaijan"),
    ("armenia", "Armenia"),
    ("nagorno-karabakh", "Nagorno-Karabakh authorities"),
    ("turkey", "Turkey"),
    ("russia", "Russia"),
    ("pakistan", "Pakistan"),
    ("un", "UN"),
    ("iran", "Iran"),
]
PLACES = [
    "Ganja",
    "Stepanakert",
    "Tartar",
    "Barda",
    "Shusha",
    "Hadrut",
    "Fizuli",
    "Jabrayil",
    "Agdam",
    "Lachin",
    "Kalbajar",
    "Goris",
    "Jermuk",
    "Vardenis",
    "Sotk",
    "Kapan",
    "Martuni",
    "Askeran",
    "Agdhare",
    "Mingachevir",
    "Terter",
    "Naftalan",
    "Beylagan",
    "Gubadli",
    "Zangilan",
    "Kelbajar",
]
FIRST = [
    "Nikol",
    "Hikmet",
    "Ilham",
    "Armen",
    "Leyla",
    "Anna",
    "Vagif",
    "Artsrun",
    "Shushan",
    "Elnur",
    "Davit",
    "Aysel",
    "Tigran",
    "Rashad",
    "Mariam",
    "Samir",
    "Lusine",
    "Farid",
    "Gohar",
    "Kamran",
    "Sergei",
    "Maria",
    "Mevlut",
    "Recep",
    "Imran",
    "Antonio",
    "Josep",
    "Olga",
    "Zaur",
    "Arayik",
]
LAST = [
    "Pashinyan",
    "Hajiyev",
    "Aliyev",
    "Grigoryan",
    "Mammadova",
    "Hovhannisyan",
    "Abdullayev",
    "Sargsyan",
    "Huseynov",
    "Mirzoyan",
    "Bayramov",
    "Harutyunyan",
    "Guliyev",
    "Stepanyan",
    "Ismayilov",
    "Petrosyan",
    "Rzayev",
    "Avetisyan",
    "Karimov",
    "Lavrov",
    "Zakharova",
    "Cavusoglu",
    "Borrell",
]
TITLES = ["spokesman", "defence ministry spokeswoman", "foreign minister", "presidential aide", "ombudsman"]
OUTLET_KINDS = ["wire", "newspaper", "broadcaster", "state_channel", "other"]
DISPUTE_KINDS = [
    ("casualty_count", "How many were killed in {place}?"),
    ("ceasefire_violation", "Who broke the ceasefire near {place}?"),
    ("attack_attribution", "Who shelled {place}?"),
    ("territorial_control", "Who holds {place}?"),
    ("position_statement", "Talks over {place}"),
]
MEASURES = [("killed", "killed"), ("wounded", "wounded"), ("missing", "missing"), ("displaced", "displaced")]
COUNTED = ["civilians", "soldiers", "people", "children"]
QUALIFIER_WORDS = {
    Figure.Qualifier.EXACT: "",
    Figure.Qualifier.AT_LEAST: "at least ",
    Figure.Qualifier.MORE_THAN: "more than ",
    Figure.Qualifier.OVER: "over ",
    Figure.Qualifier.UP_TO: "up to ",
    Figure.Qualifier.ABOUT: "about ",
    Figure.Qualifier.NEARLY: "nearly ",
    Figure.Qualifier.SOME: "some ",
}
ASSERTIONS = [
    "{side} forces had violated the ceasefire near {place}",
    "{side} troops fired first on positions outside {place}",
    "the shelling of {place} was carried out by {side} artillery",
    "{side} units had withdrawn from {place} overnight",
    "reports of {side} soldiers entering {place} were baseless",
    "talks on {place} would resume only after {side} stopped its attacks",
]
FIGURE_SHARE, SECOND_DISPUTE_SHARE, PUBLISHED_SHARE = 0.3, 0.5, 0.5


def seed_vocabulary() -> tuple[list[str], list[float]]:
    """The seed stories' words with their frequencies: generated text reads like wire copy to the
    search index (common words common, names and places rare)."""
    counts: dict[str, int] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        for word in re.findall(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]", path.read_text(encoding="utf-8")):
            counts[word] = counts.get(word, 0) + 1
    words = sorted(counts)
    return words, list(accumulate(counts[w] for w in words))


def dispute_sizes(total: int, count: int) -> list[float]:
    """Expected claims per dispute: a power-law fall-off (the biggest story of the war, then a long
    tail) whose largest dispute stays under ``MAX_DISPUTE_CLAIMS``; cumulative, for ``random.choices``.

    Zipf (exponent 1) scaled to ``total`` when its largest fits under the cap; otherwise the
    exponent that puts the largest at the cap (found by bisection: the tail is then flatter)."""
    cap = MAX_DISPUTE_CLAIMS * 0.95

    def weights(exponent: float) -> list[float]:
        return [1 / (rank + 1) ** exponent for rank in range(count)]

    exponent = 1.0
    if total / sum(weights(1.0)) > cap:
        low, high = 0.0, 1.0
        for _ in range(40):
            exponent = (low + high) / 2
            if sum(weights(exponent)) * cap < total:
                high = exponent  # too steep: the capped head holds too little
            else:
                low = exponent
    scale = total / sum(weights(exponent))
    return list(accumulate(w * scale for w in weights(exponent)))


@dataclass
class Plan:
    claims: int
    seed: int = 13
    outlets: int = 0
    actors: int = 0
    disputes: int = 0

    def __post_init__(self) -> None:
        self.outlets = self.outlets or min(200, max(10, self.claims // 50))
        self.actors = self.actors or min(5000, max(30, self.claims // 2))
        self.disputes = self.disputes or max(5, self.claims // CLAIMS_PER_DISPUTE)


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, n: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + n


def _reserve(cursor, table: str, n: int) -> int:
    """The first of ``n`` consecutive ids taken from ``table``'s identity sequence (under a session
    lock, so that batches written side by side never take the same ids)."""
    cursor.execute("SELECT pg_advisory_lock(hashtext('claims.archive.reserve'))")
    try:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
            [table, table, n],
        )
        return cursor.fetchone()[0] - n + 1
    finally:
        cursor.execute("SELECT pg_advisory_unlock(hashtext('claims.archive.reserve'))")


def _defaults(table: str, columns: Sequence[str]) -> list[models.Field]:
    """Columns of ``table``'s model that ``columns`` leaves out and the database cannot fill (NOT
    NULL, no database default, not generated), with their model defaults: a column added to the
    schema later never breaks the generator."""
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    extra = [
        f
        for f in model._meta.concrete_fields
        if f.column not in columns
        and not f.null
        and not f.generated
        and f.db_default is models.NOT_PROVIDED
        and f.has_default()
    ]
    return extra


def _copy(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    extra = _defaults(table, columns)
    quoted = ", ".join(f'"{c}"' for c in [*columns, *(f.column for f in extra)])
    n = 0
    with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([*row, *(f.get_default() for f in extra)] if extra else row)
            n += 1
    return n


class Generator:
    def __init__(self, plan: Plan, *, log: Callable[[str], None] = lambda _: None):
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.log = log
        self.report = Report()
        self.words, self.word_weights = seed_vocabulary()
        self.now = datetime.now(UTC)
        self.tag = uuid.uuid4().hex[:8]  # keys of this run's outlets, sides stay unique

    # --- the fixed cast: users, sides, scopes, outlets, actors, disputes -------------------------
    def cast(self) -> None:
        User = get_user_model()
        self.editor, _ = User.objects.get_or_create(username="archive-editor")
        self.checker, _ = User.objects.get_or_create(username="archive-factchecker")
        self.sides = [Side.objects.get_or_create(key=k, defaults={"name": n})[0].pk for k, n in SIDES]
        self.scopes = [
            Scope.objects.get_or_create(key=f"archive-{p.lower()}", defaults={"label": p, "place": p})[0].pk
            for p in PLACES[:12]
        ]
        rng, now = self.rng, self.now
        with connection.cursor() as cursor:
            first = _reserve(cursor, "sources_outlet", self.plan.outlets)
            self.outlets = list(range(first, first + self.plan.outlets))
            self.wires = self.outlets[: max(1, len(self.outlets) // 10)]
            rows = [
                (
                    pk,
                    1,
                    uuid.uuid4(),
                    f"archive-{self.tag}-{i}",
                    f"{rng.choice(PLACES)} {kind.title()} {i}",
                    kind,
                    "AZ",
                    kind == "state_channel",
                    "",
                    rng.choice(["quotes_only", "full_text"]),
                    "",
                    now,
                    now,
                )
                for i, pk in enumerate(self.outlets)
                for kind in [("wire" if pk in self.wires else rng.choice(OUTLET_KINDS))]
            ]
            self._copy(
                cursor,
                "sources_outlet",
                "id version public_id key name kind country state_affiliated "
                "homepage licence licence_note created_at updated_at",
                rows,
            )

            first = _reserve(cursor, "claims_actor", self.plan.actors)
            self.actors = list(range(first, first + self.plan.actors))
            self.actor_aliases: dict[int, list[str]] = {}
            actor_rows, alias_rows = [], []
            for i, pk in enumerate(self.actors):
                name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"
                if i >= len(FIRST) * len(LAST):
                    name += f" {i // (len(FIRST) * len(LAST)) + 1}"
                aliases = [name, name.split()[-1] if " " in name else name]
                if rng.random() < 0.5:
                    aliases.append(name.replace("yan", "ian").replace("ev", "iev"))
                self.actor_aliases[pk] = sorted(set(aliases))
                side = rng.choice(self.sides)
                actor_rows.append((pk, 1, uuid.uuid4(), name, "person", f"{rng.choice(TITLES)}", now, now, side))
                alias_rows += [(alias, "", pk) for alias in self.actor_aliases[pk]]
            self._copy(
                cursor,
                "claims_actor",
                "id version public_id name kind description created_at updated_at side_id",
                actor_rows,
            )
            self._copy(cursor, "claims_actoralias", "alias normalized actor_id", alias_rows)
            # speakers fall off like disputes do: a few officials speak in thousands of stories
            self.speaker_weights = list(accumulate(1 / (r + 1) ** 0.9 for r in range(len(self.actors))))

            n = self.plan.disputes
            first = _reserve(cursor, "claims_dispute", n)
            self.disputes = list(range(first, first + n))
            self.dispute_weights = dispute_sizes(int(self.plan.claims * (1 + SECOND_DISPUTE_SHARE)), n)
            # half published, the largest always (the benchmark reads it as a partner)
            self.published_disputes = [
                pk for i, pk in enumerate(self.disputes) if i < 3 or rng.random() < PUBLISHED_SHARE
            ]
            self.dispute_kind: dict[int, str] = {}
            rows = []
            for i, pk in enumerate(self.disputes):
                kind, title = DISPUTE_KINDS[i % len(DISPUTE_KINDS)]
                place = PLACES[i % len(PLACES)]
                self.dispute_kind[pk] = kind
                start = date(2020, 9, 27) + timedelta(days=i % 1500)
                rows.append(
                    (
                        pk,
                        1,
                        uuid.uuid4(),
                        f"{title.format(place=place)} ({start:%b %Y}, #{i + 1})",
                        kind,
                        start,
                        start + timedelta(days=rng.randint(0, 40)),
                        place,
                        rng.choice(["open", "contested", "settled"]),
                        f"Conflicting accounts of events in {place}.",
                        False,
                        None,
                        now,
                        now,
                        self.editor.pk,
                    )
                )
            self._copy(
                cursor,
                "claims_dispute",
                "id version public_id title kind event_start event_end place status "
                "summary is_published published_at created_at updated_at created_by_id",
                rows,
            )
            notes = [
                (
                    1,
                    uuid.uuid4(),
                    f"Sources in {PLACES[i % len(PLACES)]} still to be confirmed.",
                    rng.random() < 0.5,
                    now,
                    now,
                    self.editor.pk,
                    pk,
                )
                for i, pk in enumerate(self.disputes)
                if rng.random() < 0.3
            ]
            self._copy(
                cursor,
                "claims_annotation",
                "version public_id body is_public created_at updated_at author_id dispute_id",
                notes,
            )

    # --- stories and their claims ---------------------------------------------------------------
    def sentence(self, n: int) -> str:
        words = self.rng.choices(self.words, cum_weights=self.word_weights, k=n)
        return words[0][:1].upper() + words[0][1:] + " " + " ".join(words[1:]) + "."

    def claim_text(self, speaker: int | None, with_figure: bool) -> tuple[str, str, dict | None]:
        """(the sentence, the claim's words in it, the figure it states)."""
        rng = self.rng
        place = RARE_WORD if rng.random() < 0.0005 else rng.choice(PLACES)
        who = rng.choice(self.actor_aliases[speaker]) if speaker else "The agency"
        figure = None
        if with_figure:
            qualifier = rng.choice(list(QUALIFIER_WORDS))
            value = rng.choice([rng.randint(2, 60), rng.randint(60, 2000)])
            measure, verb = rng.choice(MEASURES)
            counted = rng.choice(COUNTED)
            raw = f"{QUALIFIER_WORDS[qualifier]}{value:,} {counted}"
            quote = f"{raw} were {verb} in {place}"
            low, high, approximate = figure_bounds(qualifier, value)
            figure = {
                "measure": measure,
                "counted": counted,
                "qualifier": qualifier,
                "value": value,
                "raw": raw,
                "low": low,
                "high": high,
                "approximate": approximate,
            }
        else:
            quote = rng.choice(ASSERTIONS).format(side=rng.choice(SIDES)[1], place=place)
        verb = "said" if speaker else "reported that"
        return f"{who} {verb} {quote}.", quote, figure

    def batch(self, claims: int) -> int:
        """Stories with ``claims`` claims between them (2-8 a story) and everything on the claims."""
        rng, now = self.rng, self.now
        per_story: list[int] = []
        total = 0
        while total < claims:
            per_story.append(min(rng.randint(2, 8), claims - total))
            total += per_story[-1]
        stories = len(per_story)
        with connection.cursor() as cursor:
            story0 = _reserve(cursor, "sources_story", stories)
            revision0 = _reserve(cursor, "sources_storyrevision", stories)
            claim0 = _reserve(cursor, "claims_claim", total)
            story_rows, revision_rows, source_rows, claim_rows, via_rows = [], [], [], [], []
            place_rows, figure_rows, note_rows, review_rows, link_rows = [], [], [], [], []
            statement_rows, statements = [], {}
            claim_id = claim0
            recent: dict[int, list[int]] = {}  # claims per dispute in this batch, for links
            links: set[tuple[str, int, int]] = set()
            for s, count in enumerate(per_story):
                story, revision = story0 + s, revision0 + s
                outlet = rng.choice(self.outlets)
                published_on = date(2020, 9, 27) + timedelta(days=rng.randint(0, 1500))
                disputes = rng.choices(self.disputes, cum_weights=self.dispute_weights, k=2)
                pieces: list[str] = []
                anchors = []
                offset = 0
                paragraphs = max(count, rng.randint(STORY_MIN_WORDS, 1500) // 45)
                claim_at = set(rng.sample(range(paragraphs), count))
                for paragraph in range(paragraphs):
                    text = " ".join(self.sentence(rng.randint(8, 24)) for _ in range(rng.randint(2, 4)))
                    if paragraph in claim_at:
                        speaker = (
                            None
                            if rng.random() < 0.1
                            else rng.choices(self.actors, cum_weights=self.speaker_weights)[0]
                        )
                        claim, quote, figure = self.claim_text(speaker, rng.random() < FIGURE_SHARE)
                        start = offset + len(text) + 1 + claim.index(quote)
                        anchors.append((start, start + len(quote), quote, speaker, figure))
                        text = f"{text} {claim}"
                    pieces.append(text)
                    offset += len(text) + 2
                # paragraphs vary in length: a short story gets more at its end (after every claim,
                # so no anchor moves) until it has the 500 words a story has at the least
                while sum(len(piece.split()) for piece in pieces) < STORY_MIN_WORDS:
                    pieces.append(" ".join(self.sentence(rng.randint(8, 24)) for _ in range(3)))
                body = "\n\n".join(pieces)
                headline = f"{rng.choice(PLACES)}: {anchors[0][2][:120]}" if anchors else self.sentence(8)
                story_rows.append(
                    (
                        story,
                        1,
                        uuid.uuid4(),
                        headline,
                        f"https://example.org/{self.tag}/{story}",
                        "",
                        rng.choice(PLACES),
                        published_on,
                        "day",
                        "en",
                        "",
                        False,
                        now,
                        now,
                        outlet,
                        revision,
                    )
                )
                revision_rows.append((revision, 1, body, "", content_hash(body), "", now, story))
                if rng.random() < 0.3:
                    source_rows.append(("republishes", rng.choice(self.wires), story))
                for start, end, quote, speaker, figure in anchors:
                    published = rng.random() < PUBLISHED_SHARE
                    statement = None
                    if speaker and rng.random() < 0.25:
                        statement = statements.get(speaker)
                        if statement is None:
                            statement = statements[speaker] = len(statements)
                            statement_rows.append((speaker, published_on))
                    claim_rows.append(
                        (
                            claim_id,
                            1,
                            uuid.uuid4(),
                            start,
                            end,
                            quote,
                            body[max(0, start - CONTEXT_CHARS) : start],
                            body[end : end + CONTEXT_CHARS],
                            "paraphrase" if speaker else "outlet_voice",
                            published_on,
                            rng.choice(["unverified", "unverified", "verified", "disputed", "false"]),
                            published,
                            now if published else None,
                            "",
                            False,
                            False,
                            now,
                            now,
                            self.editor.pk,
                            revision,
                            speaker,
                            story,
                            statement,
                        )
                    )
                    places = {disputes[0]} | ({disputes[1]} if rng.random() < SECOND_DISPUTE_SHARE else set())
                    for dispute in places:
                        blames = rng.choice(self.sides) if self.dispute_kind[dispute] == "attack_attribution" else None
                        place_rows.append(
                            (rng.choice(["asserts", "asserts", "denies", "counters"]), now, claim_id, dispute, blames)
                        )
                        earlier = recent.setdefault(dispute, [])
                        if earlier and rng.random() < 0.05:
                            link = (
                                rng.choice(["contradicts", "denies", "corroborates"]),
                                claim_id,
                                rng.choice(earlier[-50:]),
                            )
                            if link not in links:  # a claim in two disputes may draw the same earlier claim twice
                                links.add(link)
                                link_rows.append((link[0], published_on, now, self.editor.pk, link[1], link[2]))
                        earlier.append(claim_id)
                    if figure:
                        figure_rows.append(
                            (
                                figure["measure"],
                                figure["counted"],
                                "total",
                                figure["qualifier"],
                                figure["value"],
                                figure["raw"],
                                figure["low"],
                                figure["high"],
                                figure["approximate"],
                                published_on,
                                claim_id,
                                rng.choice(self.scopes) if rng.random() < 0.3 else None,
                                rng.choice(self.sides),
                            )
                        )
                    if rng.random() < 0.05:
                        via_rows.append((1, claim_id, rng.choice(self.wires)))
                    if rng.random() < 0.1:
                        note_rows.append(
                            (
                                1,
                                uuid.uuid4(),
                                "Check the figure against the ministry's daily bulletin.",
                                rng.random() < 0.5,
                                now,
                                now,
                                self.editor.pk,
                                claim_id,
                            )
                        )
                    if rng.random() < 0.05:
                        approved = published and rng.random() < 0.67
                        review_rows.append(
                            (
                                1,
                                uuid.uuid4(),
                                rng.choice(list(Rating)).value,
                                "The figure does not match the ministry's own count.",
                                "[]",
                                now if approved else None,
                                approved,
                                now if approved else None,
                                now,
                                now,
                                self.checker.pk if approved else None,
                                claim_id,
                                self.editor.pk,
                                "",
                            )
                        )
                    claim_id += 1

            if statement_rows:
                first = _reserve(cursor, "claims_statement", len(statement_rows))
                self._copy(
                    cursor,
                    "claims_statement",
                    "id version public_id occasion said_on description created_at updated_at speaker_id",
                    [
                        (first + i, 1, uuid.uuid4(), "official_statement", said, "", now, now, speaker)
                        for i, (speaker, said) in enumerate(statement_rows)
                    ],
                )
                claim_rows = [(*row[:-1], None if row[-1] is None else first + row[-1]) for row in claim_rows]
            self._copy(
                cursor,
                "sources_story",
                "id version public_id headline url byline dateline published_on "
                "published_precision language translated_from machine_translated created_at updated_at "
                "outlet_id current_revision_id",
                story_rows,
            )
            self._copy(
                cursor,
                "sources_storyrevision",
                "id number body raw_html content_hash source_name created_at story_id",
                revision_rows,
            )
            self._copy(cursor, "sources_storysource", "relation outlet_id story_id", source_rows)
            self._copy(
                cursor,
                "claims_claim",
                "id version public_id start end quote prefix suffix mode said_on status "
                "is_published published_at withdrawal_reason needs_reanchoring from_suggestion created_at "
                "updated_at created_by_id revision_id speaker_id story_id statement_id",
                claim_rows,
            )
            self._copy(cursor, "claims_claimvia", "position claim_id outlet_id", via_rows)
            self._copy(
                cursor,
                "claims_figure",
                "measure counted tally qualifier value raw low high approximate as_of claim_id scope_id whose_id",
                figure_rows,
            )
            self._copy(
                cursor,
                "claims_annotation",
                "version public_id body is_public created_at updated_at author_id claim_id",
                note_rows,
            )
            self._copy(
                cursor,
                "claims_review",
                "version public_id rating reasoning evidence approved_at is_published "
                "published_at created_at updated_at approved_by_id claim_id reviewer_id return_comment",
                review_rows,
            )
            self._copy(
                cursor, "claims_claimlink", "kind noted_on created_at recorded_by_id source_id target_id", link_rows
            )
            # last, and in the disputes' order: the dispute activity rows these placements update stay
            # locked until the batch commits, so a batch written alongside waits only for this
            # statement and the commit, and two batches lock the rows they share in the same order
            place_rows.sort(key=lambda row: row[3])
            self._copy(cursor, "claims_claimdispute", "stance created_at claim_id dispute_id blames_id", place_rows)
        return total

    def publish_disputes(self) -> None:
        """One UPDATE: the change log's trigger logs each dispute's claims, and what they make
        visible, as one set per dispute."""
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE claims_dispute SET is_published = true, published_at = %s, version = version + 1 "
                "WHERE id = ANY(%s)",
                [self.now, self.published_disputes],
            )

    def _copy(self, cursor, table: str, columns: str, rows: Sequence[Sequence]) -> None:
        if rows:
            self.report.add(table, _copy(cursor, table, columns.split(), rows))

    # --- the whole run ------------------------------------------------------------------------
    def attribute(self) -> None:
        """History events of this transaction name the command that wrote them (pghistory's
        context, as ``pghistory.context()`` sets it; COPY bypasses Django's execute wrappers), and
        pgtrigger's ignore list is set, empty, so its per-row check reads it instead of raising
        and catching an error for the unset setting.

        A context of its own for each transaction: pghistory upserts the context's row with the
        transaction's first event and keeps it locked until the commit, so batches sharing one
        context would wait for each other from their first write to their commit."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pghistory.context_id', %s, true), "
                "set_config('pghistory.context_metadata', %s, true), set_config('pgtrigger.ignore', '{}', true)",
                [str(uuid.uuid4()), json.dumps({"command": "generate_archive", "seed": self.plan.seed})],
            )

    def run_batch(self, index: int, claims: int) -> Report:
        self.rng = random.Random(f"{self.plan.seed}:{index}")  # the same archive whatever the jobs
        self.report = Report()
        with transaction.atomic():
            self.attribute()
            made = self.batch(claims)
        self.log(f"batch {index + 1}: {made:,} claims")
        return self.report

    def run(self, *, batch_claims: int = 5000, jobs: int = 1) -> Report:
        """The cast, then the batches (``jobs`` processes at once, each with its own connection),
        then the disputes' publication."""
        started = time.perf_counter()
        with transaction.atomic():
            self.attribute()
            self.cast()
        self.log(
            f"cast: {self.plan.outlets} outlets, {self.plan.actors} actors, {self.plan.disputes} disputes "
            f"in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        total = self.report
        sizes = [batch_claims] * (self.plan.claims // batch_claims)
        sizes += [self.plan.claims % batch_claims] if self.plan.claims % batch_claims else []
        work = list(enumerate(sizes))
        if jobs > 1:
            global _FORKED
            _FORKED = self  # the workers are forked copies of this process: nothing to pickle
            connections.close_all()  # each process opens its own
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                reports = pool.starmap(_run_forked_batch, work)
        else:
            reports = [self.run_batch(*args) for args in work]
        for report in reports:
            for table, n in report.counts.items():
                total.add(table, n)
        self.report = total
        self.log(f"claims: {self.plan.claims:,} in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with transaction.atomic():
            self.attribute()
            self.publish_disputes()
        self.log(f"published {len(self.published_disputes)} disputes in {time.perf_counter() - started:.1f} s")
        return total


_FORKED: Generator | None = None


def _run_forked_batch(index: int, claims: int) -> Report:
    assert _FORKED is not None
    return _FORKED.run_batch(index, claims)


def analyze() -> None:
    """Fresh planner statistics after a bulk load (outside a transaction block)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
