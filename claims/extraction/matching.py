# ruff: noqa: RUF001 - typographic dashes and apostrophes are what this code reads
"""Which statement a claim reports, which disputes it belongs to, and whether a story is a reprint.

Statements: an utterance reported by several outlets in different words. For a candidate (or
any claim) the existing claims linked to a statement are scored by what versions of one utterance
share: the same speaker, a close date, overlapping words, the same story and nearby paragraphs
(one story reports one occasion per speaker, mostly in a run), the same figure measure, and
identical wording in a republished copy. Statements are ranked by their best version.

Disputes: scored by words shared with the dispute's question and summary and with its claims, the
speaker already having a claim there, the matched statement's versions being there, the kind of
claim fitting the kind of dispute (a figure and a casualty count of the same measure; an
accusation and an attack attribution), and the date falling in the dispute's event window.

Every score comes with its reasons, so an editor sees why a match is offered. Claims listed in
``exclude`` never count: the claim being matched itself (leave-one-out). The same ranking suggests
disputes in the desk's "Log claim" form (``suggested_disputes``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import combinations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q
from spacy.lang.en.stop_words import STOP_WORDS

from claims.extraction import lexicon as lx
from claims.extraction.speakers import Gazetteer, gazetteer
from claims.extraction.text import nlp
from claims.models import Actor, Dispute
from core.search import SEARCH_CONFIG, search_query
from core.text import fold
from sources.models import Story

SHINGLE = 5
REPRINT_CONTAINMENT = 0.6
MAX_CANDIDATE_CLAIMS = 300
MAX_CANDIDATE_DISPUTES = 40  # of the same place and period, the best by the subject's words
MAX_CLAIMS_PER_DISPUTE = 60
CONTENT_WORDS_CACHE = 10_000  # quotes whose words are remembered (about 1 KB each)
RELATED_ALIKE = 0.15  # a claim this alike the words says its speaker and statement are about them too
STATEMENT_DAYS = 7  # versions of one statement are reported within a week of it
MAX_SPEAKER_STATEMENTS = 300  # the speakers' newest statements of the period whose versions are read
VERSIONS_PER_STATEMENT = 8  # the newest versions of each (more wordings of one statement add little)
ATTRIBUTION_DISPUTES = {Dispute.Kind.ATTACK_ATTRIBUTION, Dispute.Kind.CEASEFIRE_VIOLATION}


# --- Words ------------------------------------------------------------------------------------
def _stem(word: str) -> str:
    for suffix, repl in (("'s", ""), ("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: len(word) - len(suffix)] + repl
    return word


# Words of attribution ("said", "statement", "told reporters") are shared by every version of every
# statement a speaker makes, so they say nothing about which utterance a claim reports.
_ATTRIBUTION_WORDS = (
    set(lx.SPEECH_VERBS)
    | lx.SPEECH_NOUNS
    | {
        "according",
        "reporter",
        "journalist",
        "spokesman",
        "ministry",
        "another",
        "separate",
        "further",
        "also",
    }
)


def content_words(text: str, *, ignore: AbstractSet[str] | None = None) -> frozenset[str]:
    """Folded, stemmed words that carry meaning (no stop words, attribution words, numbers)."""
    if not ignore:
        return _content_words(text)
    return frozenset(_stem(word) for word in _plain_content_words(text) if word not in ignore)


@lru_cache(maxsize=CONTENT_WORDS_CACHE)
def _content_words(text: str) -> frozenset[str]:
    """``content_words`` of a text, remembered: the claims of the disputes and statements in a
    story's period are matched against every story of that period."""
    return frozenset(_stem(word) for word in _plain_content_words(text))


def _plain_content_words(text: str) -> list[str]:
    words = []
    for token in nlp().make_doc(fold(text)):
        word = token.text.strip("'\"")
        if len(word) < 3 or not word.replace("-", "").isalpha() or word in STOP_WORDS:
            continue
        if word not in _ATTRIBUTION_WORDS:
            words.append(word)
    return words


def _mentions_attack(words: AbstractSet[str]) -> bool:
    return bool(words & _ATTACK_STEMS)


_ATTACK_STEMS = {_stem(w) for w in lx.ATTACK_WORDS}


def overlap(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """Share of the smaller word set found in the other (0..1)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def dice(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """Dice similarity of two word sets (0..1): shared words over the average size."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def search_words(text: str) -> set[str]:
    """Folded, unstemmed words worth searching for (PostgreSQL stems them itself)."""
    return {
        t.text
        for t in nlp().make_doc(fold(text))
        if t.is_alpha
        and t.is_ascii
        and len(t.text) >= 4
        and t.text not in STOP_WORDS
        and t.text not in _ATTRIBUTION_WORDS
    }


def _searchable(words: Iterable[str], limit: int) -> list[str]:
    """The ``limit`` longest plain words (ASCII letters only, so a to_tsquery of them is always valid)."""
    return sorted({w for w in words if w.isalpha() and w.isascii() and len(w) >= 4}, key=lambda w: (-len(w), w))[:limit]


def _or_query(words: Iterable[str], limit: int = 24) -> str:
    """A to_tsquery OR-expression: any of the words."""
    return " | ".join(_searchable(words, limit))


def _pairs_query(words: Iterable[str], limit: int = 24) -> str:
    """A to_tsquery expression: any two of the words (one alone when there is only one)."""
    clean = _searchable(words, limit)
    return " | ".join(f"({a} & {b})" for a, b in combinations(clean, 2)) or " | ".join(clean)


# --- Where and when: the setting of a story and of a dispute ----------------------------------
# Words that say where without naming a place, and capitalised words that are no place.
_NOT_PLACES = (
    lx.MONTHS
    | lx.WEEKDAYS
    | lx.DETERMINERS
    | lx.TITLE_WORDS
    | lx.ORG_WORDS
    | lx.GROUP_NOUNS
    | set(STOP_WORDS)
    | {
        "region",
        "regions",
        "city",
        "town",
        "village",
        "villages",
        "district",
        "province",
        "area",
        "areas",
        "border",
        "borders",
        "surroundings",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "occupied",
        "upper",
        "lower",
        "greater",
        "republic",
        "sept",
        "oct",
        "nov",
        "dec",
        "jan",
        "feb",
        "aug",
        "ap",
        "afp",
        "reuters",
    }
)
# A period: the dispute's dates, widened a little before (reports lead the event by a day or two)
# and more after (tallies and denials follow for weeks).
PERIOD_BEFORE = timedelta(days=7)
PERIOD_AFTER = timedelta(days=60)


@dataclass(frozen=True)
class Setting:
    """Where a text is: the sides it names (demonyms, capitals) and its place words (folded)."""

    sides: frozenset[int] = frozenset()
    places: frozenset[str] = frozenset()

    def agrees(self, other: Setting) -> bool:
        return bool(self.places & other.places or self.sides & other.sides)


def _place_words(word: str) -> set[str]:
    return {w for w in fold(word).replace("–", "-").replace("’", "'").split("-") if len(w) >= 3 and w.isalpha()}


def setting_of(text: str, *, every_word: bool = False, gaz: Gazetteer | None = None) -> Setting:
    """The sides and place words of a text: its capitalised words (a dispute's ``place`` field:
    ``every_word``) less those that are no place, and the sides they name."""
    gaz = gaz or gazetteer()
    sides, places = set(), set()
    for token in nlp().make_doc(text):
        word = token.text.removesuffix("’s").removesuffix("'s")
        if not word[:1].isalpha() or not (every_word or word[:1].isupper()):
            continue
        side = gaz.side_of_word(word) if len(word) > 2 else None
        if side is not None:
            sides.add(side)
        places |= {w for w in _place_words(word) if w not in _NOT_PLACES}
    return Setting(frozenset(sides), frozenset(places))


def _dispute_setting(title: str, place: str, gaz: Gazetteer) -> Setting:
    """A dispute's places and sides: its ``place`` field's words and its title's names."""
    written, named = setting_of(place, every_word=True, gaz=gaz), setting_of(title, gaz=gaz)
    return Setting(written.sides | named.sides, written.places | named.places)


# --- Statements -------------------------------------------------------------------------------
@dataclass
class Match:
    id: int
    score: float
    reasons: list[str] = field(default_factory=list)
    claim_id: int | None = None  # for statements: the best matching version
    label: str = ""

    def as_json(self) -> dict:
        data = {"id": self.id, "score": round(self.score, 3), "reasons": self.reasons, "label": self.label}
        if self.claim_id is not None:
            data["claim_id"] = self.claim_id
        return data


@dataclass
class _Version:
    claim_id: int
    statement_id: int
    speaker_id: int | None
    story_id: int
    start: int
    day: date | None
    quote: str
    label: str
    measures: set[str]


@dataclass
class _DisputeInfo:
    id: int
    title: str
    kind: str
    event_start: date | None
    event_end: date | None
    words: AbstractSet[str]
    setting: Setting
    claims: list[tuple[int, int | None, int | None, AbstractSet[str], set[str]]] = field(default_factory=list)
    # (claim id, speaker id, statement id, words, figure measures)
    claim_days: list[date] = field(default_factory=list)

    @property
    def asked_measures(self) -> set[str]:
        """The figure measures the question names ("How many were killed ...": killed)."""
        return {lx.MEASURE_WORDS[w] for w in fold(self.title).replace("?", " ").split() if w in lx.MEASURE_WORDS}

    def period(self) -> tuple[date, date] | None:
        """The dispute's dates, or the dates of its claims when it has none."""
        if self.event_start is not None:
            return self.event_start, self.event_end or self.event_start
        if self.claim_days:
            return min(self.claim_days), max(self.claim_days)
        return None


@dataclass
class Query:
    """What is matched: a candidate's (or a claim's) words, speaker, date, place and figures."""

    text: str
    speaker_id: int | None
    day: date | None
    kind: str = "statement"
    story_id: int | None = None
    start: int | None = None
    measures: set[str] = field(default_factory=set)
    exclude: set[int] = field(default_factory=set)  # claims that must not count (the claim itself)
    reprint_of: dict[int, int] = field(default_factory=dict)  # story id -> offset of the same words there
    setting: Setting | None = None  # the story's sides and places (None: those of ``text``)


class Matcher:
    """Ranks statements and disputes for many queries with a fixed number of database queries.

    Everything the scores need (speakers and the actors merged into them, their names, the claims
    linked to statements, the disputes worth considering and their claims) is loaded once for all
    the queries; the scoring itself is in Python.
    """

    def __init__(self, queries: list[Query], *, gaz: Gazetteer | None = None):
        self.queries = queries
        self.gaz = gaz or gazetteer()
        for q in queries:
            if q.setting is None:
                q.setting = setting_of(q.text, gaz=self.gaz)
        speakers = sorted({q.speaker_id for q in queries if q.speaker_id is not None})
        self.family = self._families(speakers)
        everyone = sorted({a for members in self.family.values() for a in members})
        self.names = self._names(everyone)
        unattributed = (
            set().union(*(search_words(q.text) for q in queries if q.speaker_id is None))
            if any(q.speaker_id is None for q in queries)
            else set()
        )
        days = [q.day for q in queries]
        period = (min(days), max(days)) if days and None not in days else None  # type: ignore[type-var]
        reprinted = sorted({story for q in queries for story in q.reprint_of})
        self.versions = self._versions(everyone, unattributed, period, reprinted)
        self._words: dict[int, AbstractSet[str]] = {}
        self.disputes = self._disputes(queries)
        self._postings: dict[str, list[tuple[int, tuple]]] | None = None  # word -> (dispute, claim)
        self._by_speaker: dict[int | None, list[int]] | None = None  # speaker -> versions
        self._version_postings: dict[str, list[int]] | None = None  # word -> versions

    # -- loading ---------------------------------------------------------------------------
    @staticmethod
    def _families(speakers: list[int]) -> dict[int, list[int]]:
        """Each speaker with every actor merged into it (one recursive query)."""
        if not speakers:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH RECURSIVE family(root, id) AS (
                    SELECT s, s FROM unnest(%s::bigint[]) AS s
                    UNION SELECT f.root, a.id FROM claims_actor a JOIN family f ON a.merged_into_id = f.id
                ) SELECT root, id FROM family
                """,
                [speakers],
            )
            family: dict[int, list[int]] = defaultdict(list)
            for root, actor_id in cursor.fetchall():
                family[root].append(actor_id)
        return dict(family)

    @staticmethod
    def _names(actors: list[int]) -> dict[int, set[str]]:
        """Folded words of each actor's names and aliases: no evidence of which statement.

        Folded here, as the words they are compared with are (``content_words``), from the alias
        as written: never PostgreSQL's ``normalized`` (core.text says why)."""
        names: dict[int, set[str]] = defaultdict(set)
        if actors:
            with connection.cursor() as cursor:
                cursor.execute("SELECT actor_id, alias FROM claims_actoralias WHERE actor_id = ANY(%s)", [actors])
                for actor_id, alias in cursor.fetchall():
                    names[actor_id].update(w.strip("'") for w in fold(alias).split())
        return names

    @staticmethod
    def _versions(
        speakers: list[int], words: set[str], period: tuple[date, date] | None = None, reprinted: Iterable[int] = ()
    ) -> list[_Version]:
        """Claims linked to a statement: by the speakers (and the actors merged into them), and
        for unattributed words, by full-text search; said within ``STATEMENT_DAYS`` of the
        queries' ``period`` (or undated), or in a story they reprint: no other can be the same
        statement (``statements``)."""
        # Two searches, each through its own index (the speakers' statements; the full-text index
        # of the claims), each bounded; an OR of the two would walk every claim with a statement.
        limit = MAX_CANDIDATE_CLAIMS * 4
        window, window_params = "", []
        if period is not None:
            window = """AND (coalesce(st.said_on, c.said_on, s.published_on) IS NULL
                         OR coalesce(st.said_on, c.said_on, s.published_on) BETWEEN %s AND %s
                         OR c.story_id = ANY(%s))"""
            span = timedelta(days=STATEMENT_DAYS)
            window_params = [period[0] - span, period[1] + span, list(reprinted)]
        searches, params = [], []
        if speakers:
            # The speakers' claims through their statements: the newest statements that can be of
            # the period (a dated statement's own date decides; an undated one's claims are
            # checked), then each one's newest versions, so a speaker quoted thousands of times
            # costs no more than one quoted a few hundred.
            statement_window, statement_params = "", []
            if period is not None:
                statement_window = """AND (st.said_on IS NULL OR st.said_on BETWEEN %s AND %s
                                       OR st.id IN (SELECT statement_id FROM claims_claim WHERE story_id = ANY(%s)))"""
                statement_params = window_params
            searches.append(f"""
                (SELECT c.id
                   FROM (SELECT st.id FROM claims_statement st
                          WHERE st.speaker_id = ANY(%s) {statement_window}
                          ORDER BY st.id DESC LIMIT {MAX_SPEAKER_STATEMENTS}) picked
                  CROSS JOIN LATERAL (
                        SELECT c.id FROM claims_claim c
                          JOIN claims_statement st ON st.id = c.statement_id
                          JOIN sources_story s ON s.id = c.story_id
                         WHERE c.statement_id = picked.id AND c.withdrawn_at IS NULL {window}
                         ORDER BY c.id DESC LIMIT {VERSIONS_PER_STATEMENT}) c)""")
            params += [speakers, *statement_params, *window_params]
        query = _pairs_query(words)
        if query:
            # The words' claims through the full-text index of the claims with a statement (a
            # subquery of its own, OFFSET 0: else the planner walks every claim with a statement in
            # statement order, testing the words on each).
            searches.append(f"""
                (SELECT c.id FROM (SELECT id, statement_id, story_id, said_on FROM claims_claim
                                    WHERE statement_id IS NOT NULL AND withdrawn_at IS NULL
                                      AND search_vector @@ to_tsquery('claimdesk', %s) OFFSET 0) c
                   JOIN claims_statement st ON st.id = c.statement_id
                   JOIN sources_story s ON s.id = c.story_id
                  WHERE TRUE {window}
                  ORDER BY c.id + 0 DESC LIMIT {limit})""")  # + 0: through the index searched, not the newest first
            params += [query, *window_params]
        if not searches:
            return []
        sql = f"""
            SELECT c.id, c.statement_id, st.speaker_id, c.story_id, c.start,
                   coalesce(st.said_on, c.said_on, s.published_on), c.quote, st.description,
                   array(SELECT DISTINCT f.measure FROM claims_figure f WHERE f.claim_id = c.id)
              FROM claims_claim c
              JOIN claims_statement st ON st.id = c.statement_id
              JOIN sources_story s ON s.id = c.story_id
             WHERE c.id = ANY(array({" UNION ".join(searches)}))
             ORDER BY c.id DESC
             LIMIT {limit}
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [_Version(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] or "", set(r[8] or [])) for r in rows]

    def _disputes(self, queries: list[Query]) -> list[_DisputeInfo]:
        """The disputes that could be about the queries' event, at most ``MAX_CANDIDATE_DISPUTES``,
        each with its latest claims (at most ``MAX_CLAIMS_PER_DISPUTE``).

        The same evidence as ``same_event`` bounds the search, through indexes: dates that meet
        the queries' period (``DisputeQuerySet.in_period``, the period index) and a place or side
        of the queries' setting in the dispute's words (its full-text index; a dispute with no
        place written may be placed by its speakers, so it is kept); the subject's words rank
        them (``ts_rank``). ``same_event`` then checks place and period exactly."""
        places: set[str] = set()
        prefixes: set[str] = set()
        for q in queries:
            setting = q.setting or Setting()
            places |= setting.places
            for side in setting.sides:
                words, stems = self.gaz.side_terms(side)
                places |= words
                prefixes |= stems
        if not places and not prefixes:
            return []  # a text that names no place and no side is about no dispute's event
        where = Q(place="")
        if places:
            where |= Q(search_vector=search_query(" or ".join(sorted(places))))
        prefix_query = " | ".join(f"{p}:*" for p in sorted(prefixes) if p.isalpha() and p.isascii())
        if prefix_query:
            where |= Q(search_vector=SearchQuery(prefix_query, search_type="raw", config=SEARCH_CONFIG))
        candidates = Dispute.objects.active().filter(where)
        days = sorted({q.day for q in queries if q.day is not None})
        if days and all(q.day is not None for q in queries):
            candidates = candidates.in_period(days[0] - PERIOD_AFTER, days[-1] + PERIOD_BEFORE)
        subject = _or_query(set().union(*(search_words(q.text) for q in queries)), limit=60)
        if not subject and not self.family:
            return []  # neither words nor a speaker: nothing says which dispute
        if subject:
            rank = SearchRank(F("search_vector"), SearchQuery(subject, search_type="raw", config=SEARCH_CONFIG))
            candidates = candidates.order_by(rank.desc(), "-updated_at", "-id")
        else:
            candidates = candidates.order_by("-updated_at", "-id")
        rows = candidates.values_list("id", "title", "kind", "event_start", "event_end", "summary", "place")
        disputes = {
            r[0]: _DisputeInfo(
                r[0], r[1], r[2], r[3], r[4], content_words(f"{r[1]} {r[5]}"), _dispute_setting(r[1], r[6], self.gaz)
            )
            for r in rows[:MAX_CANDIDATE_DISPUTES]
        }
        if not disputes:
            return []
        with connection.cursor() as cursor:
            # Each dispute's latest claims (a dispute may hold thousands): the words and speakers
            # they bring, and the dates of a dispute that has none of its own.
            cursor.execute(
                f"""
                SELECT d.id, c.id, c.speaker_id, c.statement_id, c.quote, coalesce(c.said_on, s.published_on),
                       array(SELECT DISTINCT f.measure FROM claims_figure f WHERE f.claim_id = c.id)
                  FROM unnest(%s::bigint[]) AS d(id)
                  CROSS JOIN LATERAL (
                      SELECT cd.claim_id FROM claims_claimdispute cd
                       WHERE cd.dispute_id = d.id ORDER BY cd.claim_id DESC LIMIT {MAX_CLAIMS_PER_DISPUTE}
                  ) cd
                  JOIN claims_claim c ON c.id = cd.claim_id
                  JOIN sources_story s ON s.id = c.story_id
                 WHERE c.withdrawn_at IS NULL
                """,
                [list(disputes)],
            )
            for dispute_id, claim_id, speaker_id, statement_id, quote, day, measures in cursor.fetchall():
                dispute = disputes[dispute_id]
                dispute.claims.append((claim_id, speaker_id, statement_id, content_words(quote), set(measures or [])))
                if day is not None:
                    dispute.claim_days.append(day)
        gaz = self.gaz
        for dispute in disputes.values():
            if not dispute.setting.places and not dispute.setting.sides:
                # No place written: the sides of the parties speaking in it.
                sides = {gaz.actors[a].side_id for _, a, *_ in dispute.claims if a in gaz.actors}
                dispute.setting = Setting(frozenset(sides - {None}), frozenset())
        return list(disputes.values())

    def _versions_of(self, family: list[int], words: AbstractSet[str]) -> list[_Version]:
        """The versions worth scoring, in their order: the speaker's (and the actors merged into
        it), or with no speaker those sharing a word with ``words``; found through an index
        built once, not by going over every version for every query."""
        if family:
            if self._by_speaker is None:
                self._by_speaker = defaultdict(list)
                for n, version in enumerate(self.versions):
                    self._by_speaker[version.speaker_id].append(n)
            found = {n for actor in family for n in self._by_speaker.get(actor, ())}
        else:
            if self._version_postings is None:
                self._version_postings = defaultdict(list)
                for n, version in enumerate(self.versions):
                    for word in self._quote_words(version):
                        self._version_postings[word].append(n)
            found = {n for word in words for n in self._version_postings.get(word, ())}
        return [self.versions[n] for n in sorted(found)]

    def _alike(self, words: AbstractSet[str], exclude: set[int]) -> dict[int, dict[int, float]]:
        """For each dispute, the Dice similarity of ``words`` with each of its claims sharing a word
        with them (the rest are 0): found through the words, not by comparing with every claim of
        every dispute."""
        if self._postings is None:
            self._postings = defaultdict(list)
            for dispute in self.disputes:
                for claim in dispute.claims:
                    for word in claim[3]:
                        self._postings[word].append((dispute.id, claim))
        shared: dict[tuple[int, int], list] = {}
        for word in words:
            for dispute_id, claim in self._postings.get(word, ()):
                key = (dispute_id, claim[0])
                if key in shared:
                    shared[key][0] += 1
                else:
                    shared[key] = [1, claim]
        found: dict[int, dict[int, float]] = defaultdict(dict)
        for (dispute_id, claim_id), (count, claim) in shared.items():
            if claim_id not in exclude:
                found[dispute_id][claim_id] = 2 * count / (len(words) + len(claim[3]))
        return found

    def _quote_words(self, version: _Version) -> AbstractSet[str]:
        if version.claim_id not in self._words:
            self._words[version.claim_id] = content_words(version.quote)
        return self._words[version.claim_id]

    # -- scoring ---------------------------------------------------------------------------
    def statements(self, q: Query, limit: int = 5) -> list[Match]:
        """Statements the words most likely report, best first, each with its score and reasons."""
        family = self.family.get(q.speaker_id, []) if q.speaker_id is not None else []
        names = set().union(*(self.names.get(a, set()) for a in family)) if family else set()
        words = content_words(q.text, ignore=names)
        attack = _mentions_attack(words)
        plain_words = content_words(q.text)
        best: dict[int, Match] = {}
        for version in self._versions_of(family, plain_words):
            if version.claim_id in q.exclude:
                continue
            score, reasons = 0.0, []
            if family:
                score += 0.30
                reasons.append("same speaker")
            theirs = self._quote_words(version) - names
            shared = overlap(words, theirs)
            reprinted = version.story_id in q.reprint_of and abs(version.start - q.reprint_of[version.story_id]) < 200
            # The same utterance is reported within days of it (a reprint may come any time):
            # otherwise no score makes it the same statement.
            if q.day and version.day and abs((q.day - version.day).days) > STATEMENT_DAYS and not reprinted:
                continue
            if _mentions_attack(theirs) == attack:
                score += 0.05  # both about an attack, or neither
            if shared:
                score += 0.35 * shared
                if shared >= 0.25:
                    reasons.append(f"{round(100 * shared)}% words shared")
            if q.day and version.day:
                gap = abs((q.day - version.day).days)
                if gap == 0:
                    score += 0.20
                    reasons.append("same day")
                elif gap <= 2:
                    score += 0.12
                    reasons.append(f"{gap} days apart")
                elif gap <= 7:
                    score += 0.05
                elif gap > 30:
                    score -= 0.20
            if q.story_id is not None and version.story_id == q.story_id:
                score += 0.15
                reasons.append("same story")
                if q.start is not None:
                    score += 0.15 * max(0.0, 1 - abs(version.start - q.start) / 1500)
            if reprinted:
                score += 0.5
                reasons.append("same words in a republished copy")
            if q.measures & version.measures:
                score += 0.05
                reasons.append("same figure measure")
            current = best.get(version.statement_id)
            if current is None or score > current.score:
                best[version.statement_id] = Match(
                    version.statement_id, score, reasons, version.claim_id, version.label
                )
        return sorted(best.values(), key=lambda m: (-m.score, m.id))[:limit]

    def same_event(self, q: Query, dispute: _DisputeInfo) -> bool:
        """The words can only be about the dispute's event when place and period agree: the
        story names the dispute's place or one of its sides, and its date falls in the dispute's
        dates (a little before, some weeks after). A dispute with no place, written or from its
        claims' speakers, agrees with nothing."""
        setting = q.setting if q.setting is not None else setting_of(q.text, gaz=self.gaz)
        if not setting.agrees(dispute.setting):
            return False
        period = dispute.period()
        if q.day is not None and period is not None:
            return period[0] - PERIOD_BEFORE <= q.day <= period[1] + PERIOD_AFTER
        return True

    def disputes_for(self, q: Query, statement_ids: Iterable[int] = (), limit: int = 5) -> list[Match]:
        """Disputes about the same event (``same_event``) the words most likely belong to, best
        first, each with its score and reasons; the subject is the score."""
        words = content_words(q.text)
        if not words and q.speaker_id is None:
            return []  # the place and the dates alone say nothing of the subject
        statement_ids = set(statement_ids)
        speakers = set(self.family.get(q.speaker_id, [])) if q.speaker_id is not None else set()
        events = [d for d in self.disputes if self.same_event(q, d)]
        alike = self._alike(words, q.exclude) if events else {}
        ranked = []
        for dispute in events:
            claims = [c for c in dispute.claims if c[0] not in q.exclude]
            score, reasons = 0.0, []
            topic = dice(words, dispute.words)
            score += 0.6 * topic
            if topic >= 0.1:
                reasons.append("words of the question")
            near = alike.get(dispute.id, {})  # claim id -> Dice similarity, for the claims sharing a word
            similar = sorted(near.values(), reverse=True)[:2]  # the two most alike
            score += 0.5 * (sum(similar) / 2 if similar else 0.0)
            if similar and similar[0] >= 0.2:
                reasons.append(f"{round(100 * similar[0])}% alike a claim in it")
            # Who said it is not what it is about: a speaker (or a statement) with claims in several
            # disputes counts for those where what it said is alike these words.
            related = [c for c in claims if near.get(c[0], 0.0) >= RELATED_ALIKE]
            if speakers and any(s in speakers for _, s, _, _, _ in related):
                score += 0.15
                reasons.append("speaker already in it")
            if statement_ids and any(st in statement_ids for _, _, st, _, _ in related):
                score += 0.20
                reasons.append("same statement in it")
            if q.measures:
                if dispute.kind == Dispute.Kind.CASUALTY_COUNT:
                    # the measures of its claims' figures, else those its question asks about
                    measures = set().union(*(m for *_, m in claims)) if claims else dispute.asked_measures
                    shared = q.measures & measures
                    if shared:
                        score += 0.25
                        reasons.append(f"same figure measure ({', '.join(sorted(shared))})")
                else:
                    score -= 0.10
            elif dispute.kind == Dispute.Kind.CASUALTY_COUNT:
                score -= 0.10
            if q.kind in {"accusation", "denial"} and dispute.kind in ATTRIBUTION_DISPUTES:
                score += 0.10
                reasons.append("an accusation in an attribution dispute")
            if q.kind == "statement" and dispute.kind == Dispute.Kind.POSITION_STATEMENT:
                score += 0.05
            period = dispute.period()
            if q.day and period and period[0] - timedelta(days=3) <= q.day <= period[1] + timedelta(days=14):
                score += 0.10
                reasons.append("in the event's dates")
            if score > 0:
                ranked.append(Match(dispute.id, score, reasons, label=dispute.title))
        ranked.sort(key=lambda m: (-m.score, m.id))
        return ranked[:limit]


def rank_statements(
    *,
    text: str,
    speaker_id: int | None,
    day: date | None,
    story_id: int | None = None,
    start: int | None = None,
    measures: Iterable[str] = (),
    exclude: Iterable[int] = (),
    limit: int = 5,
) -> list[Match]:
    """Statements for one text (see ``Matcher.statements``)."""
    query = Query(text, speaker_id, day, story_id=story_id, start=start, measures=set(measures), exclude=set(exclude))
    return Matcher([query]).statements(query, limit=limit)


def rank_disputes(
    *,
    text: str,
    kind: str,
    speaker_id: int | None,
    day: date | None,
    measures: Iterable[str] = (),
    statement_ids: Iterable[int] = (),
    exclude: Iterable[int] = (),
    context: str = "",
    limit: int = 5,
) -> list[Match]:
    """Disputes for one text (see ``Matcher.disputes_for``); ``context`` is the story the text is
    from, whose places and sides say where it is (else the text's own)."""
    query = Query(
        text,
        speaker_id,
        day,
        kind=kind,
        measures=set(measures),
        exclude=set(exclude),
        setting=setting_of(context) if context else None,
    )
    return Matcher([query]).disputes_for(query, statement_ids, limit=limit)


def suggested_disputes(story: Story, *, speaker: Actor | None = None, quote: str = "", limit: int = 6) -> list[Dispute]:
    """Disputes a claim being logged from ``story`` probably belongs to, best first: the
    assistant's dispute ranking (``Matcher.disputes_for``) for the words and the speaker typed so
    far, on the story's date. The desk's "Log claim" form offers these; nothing when there are no
    words and no speaker yet."""
    ranked = rank_disputes(
        text=quote,
        kind="",  # not known while logging: no kind earns or loses a dispute anything
        speaker_id=speaker.pk if speaker is not None else None,
        day=story.published_on,
        context=story.current_revision.body if story.current_revision_id else "",
        limit=limit,
    )
    found = Dispute.objects.active().in_bulk([m.id for m in ranked])
    return [found[m.id] for m in ranked if m.id in found]


# --- Republished copy -------------------------------------------------------------------------
_WORD = re.compile(r"[^\W_]+")


def _shingles(text: str) -> set[int]:
    # The words by a regular expression, not spaCy's tokenizer: the same text for both sides of
    # the comparison, at a third of the time (up to 20 stored stories are read for each story).
    words = _WORD.findall(fold(text))
    return {hash(tuple(words[i : i + SHINGLE])) for i in range(max(0, len(words) - SHINGLE + 1))}


@dataclass
class Reprint:
    story_id: int
    containment: float  # share of this text's word 5-grams found in the other story
    body: str


def find_reprints(text: str, *, exclude_story: int | None = None) -> list[Reprint]:
    """Stored stories whose current text this text largely reprints (or that reprint it)."""
    distinctive = sorted(search_words(text), key=lambda w: (-len(w), w))[:6]
    if len(distinctive) < 3:
        return []
    query = " & ".join(distinctive)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.id, r.body FROM sources_story s JOIN sources_storyrevision r ON r.id = s.current_revision_id
             WHERE r.search_vector @@ to_tsquery('claimdesk', %s) AND s.id <> coalesce(%s, -1)
             LIMIT 20
            """,
            [query, exclude_story],
        )
        rows = cursor.fetchall()
    mine = _shingles(text)
    found = []
    for story_id, body in rows:
        theirs = _shingles(body)
        if not mine or not theirs:
            continue
        containment = len(mine & theirs) / min(len(mine), len(theirs))
        if containment >= REPRINT_CONTAINMENT:
            found.append(Reprint(story_id, round(containment, 3), body))
    return sorted(found, key=lambda r: -r.containment)


def reprint_positions(quote: str, reprints: list[Reprint]) -> dict[int, int]:
    """Where ``quote`` appears verbatim in each reprinted story."""
    positions = {}
    for reprint in reprints:
        at = reprint.body.find(quote)
        if at >= 0:
            positions[reprint.story_id] = at
    return positions
