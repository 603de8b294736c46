# ruff: noqa: RUF001, RUF002 - typographic quotes, apostrophes and dashes are what this code reads
"""Who said it: speaker phrases as written, resolved to known actors from the database.

Everything the assistant knows about people and bodies comes from the database: actors, their
aliases (``ActorAlias.normalized`` is the alias folded by ``core.text.FOLD_SQL``, trigram-indexed),
their roles over time, their sides, and the outlets. A phrase is resolved, in order, by

1. the whole phrase, a comma segment of it, or its proper-name part ("Turkey’s presidential
   spokesman Ibrahim Kalin" -> "Ibrahim Kalin") naming an actor exactly, looked up as the desk's
   speaker field looks a name up (``Actor.objects.matching``); a name several actors share names
   none of them, unless only one held a dated role on the story's date;
2. its description matched against roles held on the story's date ("An Azerbaijani
   presidential aide" ~ "Assistant to the Azerbaijani president": same head role, same
   modifiers, same side);
3. trigram similarity in PostgreSQL (``normalized % 'hajivev'``), for typos and transliterations;
4. a bare country name standing for that side's only government body.

An unresolved phrase comes back as a proposed new actor, with the name and title as written.
Pronouns and descriptions that point back ("he", "the ministry", "the statement") are resolved
in ``claims.extraction.pipeline`` against the speakers met so far.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db import connection
from rapidfuzz.distance import OSA
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from claims.extraction import lexicon as lx
from claims.extraction.text import Layout, nlp
from claims.models.actors import actors_named
from core.text import fold, fold_sql, squash

NAME_PARTICLES = {"de", "da", "del", "der", "van", "von", "al", "el", "bin", "ibn", "la", "le", "di", "du", "-"}
ADJUNCT_NOUNS = {
    "statement",
    "interview",
    "conference",
    "call",
    "speech",
    "post",
    "tweet",
    "briefing",
    "address",
    "video",
    "message",
    "letter",
    "meeting",
    "session",
    "broadcast",
}
DEMONYM_ENDINGS = {"", "s", "e", "es", "i", "is", "n", "ns", "an", "ans", "ian", "ians", "ese", "ish"}
# Resolutions below this confidence come back as a proposed new actor, never as a guess.
MIN_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Descriptor:
    """A role description reduced to what identifies a post: head role, modifiers, portfolio, sides."""

    head: str | None
    modifiers: frozenset[str] = frozenset()
    portfolio: frozenset[str] = frozenset()
    sides: frozenset[int] = frozenset()
    start: date | None = None
    end: date | None = None

    def active_on(self, day: date | None) -> bool:
        if day is None:
            return True
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass
class ActorInfo:
    id: int
    name: str
    kind: str  # person | organisation | government_body
    side_id: int | None
    keys: set[str] = field(default_factory=set)
    descriptors: list[Descriptor] = field(default_factory=list)

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


@dataclass
class SideInfo:
    id: int
    name: str
    kind: str


@dataclass
class Hit:
    """A known name found in the text."""

    start: int
    end: int
    actor_id: int | None = None
    outlet_id: int | None = None


@dataclass
class Resolution:
    """A speaker phrase resolved: a known actor, an outlet (then it is a "via"), or a proposal."""

    method: str  # alias | name | role | typo | country | pronoun | reference | previous | unknown
    actor_id: int | None = None
    outlet_id: int | None = None
    score: float = 0.0  # confidence, 0..1; below MIN_CONFIDENCE nothing is resolved
    proposed_name: str | None = None
    proposed_title: str | None = None
    proposed_side_id: int | None = None
    proposed_kind: str | None = None  # person | organisation | government_body
    is_person: bool | None = None

    @property
    def known(self) -> bool:
        return self.actor_id is not None

    def proposal(self, gaz: Gazetteer) -> dict[str, object] | None:
        """The proposed new actor as the suggestion carries it (see docs/assistant.md), or None."""
        if self.actor_id is not None or not self.proposed_name:
            return None
        side = gaz.sides.get(self.proposed_side_id) if self.proposed_side_id else None
        return {
            "name": self.proposed_name,
            "title": self.proposed_title,
            "kind": self.proposed_kind,
            "side_id": side.id if side else None,
            "side": side.name if side else None,
        }


SIDE_OF_WORD_CACHE = 50_000  # words whose side (or none) a gazetteer remembers


class Gazetteer:
    """The actors, aliases, roles, sides and outlets in the database, ready for matching text.

    Built once and cached per process until any of those tables changes (the pghistory event
    tables' highest ids say so in one cheap query).
    """

    def __init__(self) -> None:
        self.actors: dict[int, ActorInfo] = {}
        # Names folded in Python, for finding actors mentioned in running text (hits, sides, roles);
        # a speaker phrase is looked up by name with Actor.objects.matching instead.
        self.key_to_actors: dict[str, set[int]] = defaultdict(set)
        self.outlets: dict[int, str] = {}
        self.outlet_keys: dict[str, int] = {}
        self.sides: dict[int, SideInfo] = {}
        self.side_keys: dict[str, int] = {}
        self.single_word_sides: dict[str, int] = {}
        self.government_of_side: dict[int, list[int]] = defaultdict(list)
        self.matcher = PhraseMatcher(nlp().vocab, attr="ORTH")
        self._load()

    # -- building ---------------------------------------------------------------------------
    def _load(self) -> None:
        Actor = apps.get_model("claims", "Actor")
        ActorAlias = apps.get_model("claims", "ActorAlias")
        ActorRole = apps.get_model("claims", "ActorRole")
        Side = apps.get_model("claims", "Side")
        Outlet = apps.get_model("sources", "Outlet")
        for side in Side.objects.only("id", "name", "kind"):
            self.sides[side.id] = SideInfo(side.id, side.name, side.kind)
            key = squash(side.name)
            self.side_keys[key] = side.id
            if " " not in key:
                self.single_word_sides[key] = side.id
        survivor: dict[int, int] = {}
        rows = list(Actor.objects.values_list("id", "name", "kind", "side_id", "merged_into_id"))
        merged = {row[0]: row[4] for row in rows}
        for actor_id, _name, _kind, _side, _merged in rows:
            target, seen = actor_id, set()
            while merged.get(target) and target not in seen:
                seen.add(target)
                target = merged[target]
            survivor[actor_id] = target
        for actor_id, name, kind, side_id, merged_into in rows:
            if merged_into is None:
                self.actors[actor_id] = ActorInfo(actor_id, name, kind, side_id)
        self._survivor = survivor
        for actor_id, name, *_ in rows:
            self._add_key(survivor[actor_id], name)
        for actor_id, alias in ActorAlias.objects.values_list("actor_id", "alias"):
            self._add_key(survivor.get(actor_id, actor_id), alias)
        for info in self.actors.values():
            if info.kind == "government_body" and info.side_id and self._is_the_government(info):
                self.government_of_side[info.side_id].append(info.id)
        for outlet_id, name in Outlet.objects.values_list("id", "name"):
            self.outlets[outlet_id] = name
            self.outlet_keys[squash(name)] = outlet_id
            self.matcher.add(f"O{outlet_id}", [nlp().make_doc(squash(name))])
        # Descriptions: roles (dated), names of bodies, and aliases that describe a post.
        for actor_id, title, start, end in ActorRole.objects.values_list("actor_id", "title", "start", "end"):
            actor = self.actors.get(survivor.get(actor_id, actor_id))
            if actor is not None:
                d = self.describe(title)
                if d.head:
                    actor.descriptors.append(Descriptor(d.head, d.modifiers, d.portfolio, d.sides, start, end))
        for actor in self.actors.values():
            for key in [actor.name, *actor.keys]:
                d = self.describe(key)
                if d.head and d not in actor.descriptors:
                    actor.descriptors.append(d)
        for key, ids in self.key_to_actors.items():
            for actor_id in ids:
                self.matcher.add(f"A{actor_id}", [nlp().make_doc(key)])

    def _is_the_government(self, info: ActorInfo) -> bool:
        """A body that is its side's government ("Government of Vestria", or one going by the
        side's own name), not one of its ministries or agencies."""
        side_key = squash(self.sides[info.side_id].name) if info.side_id in self.sides else None
        for key in [squash(info.name), *info.keys]:
            words = set(key.replace("'s", "").split())
            if key == side_key or (words & lx.GOVERNMENT_WORDS and not words & (lx.ORG_WORDS - lx.GOVERNMENT_WORDS)):
                return True
        return False

    def _add_key(self, actor_id: int, text: str) -> None:
        key = squash(text)
        if not key or actor_id not in self.actors:
            return
        self.key_to_actors[key].add(actor_id)
        self.actors[actor_id].keys.add(key)
        if key.startswith("the "):
            self.key_to_actors[key[4:]].add(actor_id)

    # -- text ------------------------------------------------------------------------------
    def hits(self, layout: Layout) -> list[Hit]:
        """Known actors and outlets named in the text (longest match wins), in text order."""
        doc = nlp().make_doc(layout.folded)
        spans = []
        for match_id, start, end in self.matcher(doc):
            span = doc[start:end]
            span.label_ = nlp().vocab.strings[match_id]
            spans.append(span)
        result = []
        for span in filter_spans(spans):
            label = span.label_
            first = doc[span.start]
            last = doc[span.end - 1]
            hit = Hit(*layout.span_from_folded(first.idx, last.idx + len(last.text)))
            if label.startswith("A"):
                hit.actor_id = int(label[1:])
            else:
                hit.outlet_id = int(label[1:])
            result.append(hit)
        return result

    def side_of_word(self, word: str) -> int | None:
        """The side a word names: a side's name, its demonym ("Azerbaijani", "Armenians"), or the
        alias of a government body or an armed group ("Baku", "RSF"). Remembered per word: the
        gazetteer does not change once built (a changed table builds a new one), and a story's
        capitalised words, and the disputes' it is compared with, come back story after story."""
        known = self.__dict__.setdefault("_side_of_word", {})
        if word not in known:
            if len(known) >= SIDE_OF_WORD_CACHE:
                known.clear()
            known[word] = self._side_of(word)
        return known[word]

    def _side_of(self, word: str) -> int | None:
        key = fold(word).strip(" .,;:'\"")
        if key.endswith("'s"):
            key = key[:-2]
        key = key.lstrip("#@")
        if not key:
            return None
        if key in self.side_keys:
            return self.side_keys[key]
        for actor_id in self.key_to_actors.get(key, ()):
            actor = self.actors[actor_id]
            if actor.kind != "person" and actor.side_id:  # "Baku", "RSF fighters", "Hamas gunmen"
                return actor.side_id
        for name, side_id in self.single_word_sides.items():
            common = 0
            for a, b in zip(key, name, strict=False):
                if a != b:
                    break
                common += 1
            # A demonym is the name (less a letter or two) and a demonym ending: "Azerbaijani",
            # "Armenians", "Turkish", "Ukrainian". A surname that merely starts like a country
            # ("Armenakyan", "Russo") names no side.
            if common >= max(4, len(name) - 2) and key[common:] in DEMONYM_ENDINGS:
                return side_id
        return None

    def side_terms(self, side_id: int) -> tuple[set[str], set[str]]:
        """What ``side_of_word`` reads as the side, for a full-text search: whole words (its
        one-word name, the one-word aliases of its bodies and groups: "baku", "rsf") and the
        prefix every demonym of its one-word name starts with ("azerbaij" for "Azerbaijani")."""
        if not hasattr(self, "_side_terms"):
            words: dict[int, set[str]] = defaultdict(set)
            for key, ids in self.key_to_actors.items():
                if " " in key:
                    continue
                for actor_id in ids:
                    actor = self.actors[actor_id]
                    if actor.kind != "person" and actor.side_id:
                        words[actor.side_id].add(key)
            prefixes: dict[int, set[str]] = defaultdict(set)
            for name, sid in self.single_word_sides.items():
                words[sid].add(name)
                if len(name) >= 4:
                    prefixes[sid].add(name[: max(4, len(name) - 2)])
            self._side_terms = (words, prefixes)
        words, prefixes = self._side_terms
        return words.get(side_id, set()), prefixes.get(side_id, set())

    def describe(self, text: str) -> Descriptor:
        """Reduce a description ("foreign affairs aide to the president of Azerbaijan") to its post."""
        words = [t.text for t in nlp().make_doc(squash(text))]
        roles: list[tuple[int, str, bool]] = []  # (position, canon, adjective)
        portfolio = set()
        sides = set()
        preposition_at = None
        i = 0
        while i < len(words):
            w = words[i]
            pair = f"{w} {words[i + 1]}" if i + 1 < len(words) else ""
            if pair in lx.ROLE_CANON:
                roles.append((i, lx.ROLE_CANON[pair], False))
                i += 2
                continue
            if w in lx.ROLE_CANON:
                roles.append((i, lx.ROLE_CANON[w], w.endswith(("ial", "ential"))))
            elif (
                w in lx.PORTFOLIO_CANON
                and i + 1 < len(words)
                and (words[i + 1] in lx.ROLE_CANON or words[i + 1] in {"affairs", "policy", "ministry", "office"})
            ):
                portfolio.add(lx.PORTFOLIO_CANON[w])
            elif w in {"of", "to", "for", "at", "in", "with"} and preposition_at is None and roles:
                preposition_at = i
            side = self.side_of_word(w) if w.isalpha() and len(w) > 2 else None
            if side is not None:
                sides.add(side)
            i += 1
        for key in self._name_runs(text):
            for actor_id in self.key_to_actors.get(key, ()):
                if self.actors[actor_id].side_id:
                    sides.add(self.actors[actor_id].side_id)
        if not roles:
            return Descriptor(None, frozenset(), frozenset(portfolio), frozenset(sides))
        nouns = [r for r in roles if not r[2]] or roles
        before = [r for r in nouns if preposition_at is None or r[0] < preposition_at]
        head = (before or nouns)[-1][1]
        modifiers = frozenset(r[1] for r in roles if r[1] != head)
        return Descriptor(head, modifiers, frozenset(portfolio), frozenset(sides))

    @staticmethod
    def _name_runs(text: str) -> list[str]:
        """Capitalised word runs in a description ("President Ilham Aliyev" -> "ilham aliyev", ...)."""
        runs, current = [], []
        for token in nlp().make_doc(text):
            if token.text[:1].isupper() and token.text.lower() not in lx.TITLE_WORDS:
                current.append(token.text)
            else:
                if current:
                    runs.append(current)
                current = []
        if current:
            runs.append(current)
        keys = []
        for run in runs:
            keys.append(squash(" ".join(run)))
            keys.append(squash(run[-1]))
        return keys


_CACHE_LOCK = threading.Lock()
_CACHE: dict[str, object] = {}


def _fingerprint() -> tuple:
    tables = [
        apps.get_model(app, name)._meta.db_table
        for app, name in (
            ("claims", "ActorEvent"),
            ("claims", "ActorAliasEvent"),
            ("claims", "ActorRoleEvent"),
            ("claims", "SideEvent"),
            ("sources", "OutletEvent"),
        )
    ]
    base = [
        apps.get_model(app, name)._meta.db_table
        for app, name in (
            ("claims", "Actor"),
            ("claims", "ActorAlias"),
            ("claims", "ActorRole"),
            ("claims", "Side"),
            ("sources", "Outlet"),
        )
    ]
    parts = [f"(SELECT max(pgh_id) FROM {table})" for table in tables]
    parts += [f"(SELECT count(*) FROM {table})" for table in base]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return (connection.settings_dict["NAME"], *cursor.fetchone())


def gazetteer() -> Gazetteer:
    """The gazetteer for the current database state (rebuilt only when actors or aliases change)."""
    key = _fingerprint()
    with _CACHE_LOCK:
        if _CACHE.get("key") != key:
            _CACHE["value"] = Gazetteer()
            _CACHE["key"] = key
        return _CACHE["value"]  # type: ignore[return-value]


# --- Parsing a phrase -------------------------------------------------------------------------
@dataclass
class ParsedPhrase:
    text: str  # as written, without trailing adjuncts
    lookup_keys: list[str]  # as written: the whole phrase, without determiner, comma segments, the name
    name: str | None  # proper-name part
    description: str | None
    pronoun: str | None
    reference: str | None  # "ministry", "statement", "spokesperson" in "the ministry"...


def parse_phrase(text: str, side_word=None) -> ParsedPhrase:
    """Split a speaker phrase into lookup keys, a proper-name part and a description.

    ``side_word`` (the gazetteer's ``side_of_word``) keeps demonyms out of names: "Ukrainian
    officials" has no name, it is a description."""
    tokens = [t.text for t in nlp().make_doc(text.replace("\u00a0", " "))]
    # Drop adjuncts that follow a speaker in inverted attributions ("the ministry in a statement").
    for k, token in enumerate(tokens):
        if k > 0 and token.lower() in {"in", "on", "during", "via"} and k + 1 < len(tokens):
            rest = [t.lower() for t in tokens[k + 1 : k + 4]]
            if any(r in ADJUNCT_NOUNS or r in lx.TIME_WORDS for r in rest):
                tokens = tokens[:k]
                break
    while tokens and tokens[-1] in {",", ".", ";", ":"}:
        tokens.pop()
    clean = _join(tokens)
    lows = [t.lower().replace("’", "'") for t in tokens]
    if len(tokens) == 1 and lows[0] in lx.PERSON_PRONOUNS | lx.GROUP_PRONOUNS:
        return ParsedPhrase(clean, [], None, None, lows[0], None)
    content = [w for w in lows if w not in lx.DETERMINERS and w not in {"same", "said", "other"}]
    reference = None
    if lows and lows[0] in lx.DETERMINERS and not any(t[:1].isupper() for t in tokens[1:]):
        tail = " ".join(content)
        if tail in lx.ANAPHOR_NOUNS:
            reference = tail
        elif (
            content
            and content[-1] in lx.ANAPHOR_NOUNS
            and all(w in lx.ANAPHOR_NOUNS | {"foreign", "defence", "defense"} for w in content)
        ):
            reference = content[-1]
    keys = [clean]
    if lows and lows[0] in lx.DETERMINERS:
        keys.append(_join(tokens[1:]))
    segments = [s.strip() for s in clean.split(",") if s.strip()]
    if len(segments) > 1:
        keys.extend(segments)
    name, description, modifier = _name_part(tokens)
    if name and side_word is not None and all(side_word(w) is not None for w in name.split()):
        name, description = None, clean  # "Vestrian officials": a description, not a name
    if name:
        keys.append(name)
    elif modifier:
        keys.append(modifier)  # "Russia's Interfax news agency": Interfax, if the desk knows it
    # Looked up as written (the database folds them, as it folds the aliases); one per folded form.
    unique: dict[str, str] = {}
    for key in keys:
        unique.setdefault(squash(key), " ".join(key.split()))
    unique.pop("", None)
    return ParsedPhrase(clean, list(unique.values()), name, description, None, reference)


def _without_possessive(key: str) -> str | None:
    """ "Pashinyan’s" without its "’s", or None."""
    if not squash(key).endswith("'s"):
        return None
    return key[:-2].strip() or None


def _run_is(tokens: list[str], run: list[int]) -> str | None:
    """What a capitalised run of a speaker phrase is (see ``_name_part``): "name", "modifier" of
    the common noun after it, or None (a place or employer after a preposition, a capitalised
    first word of a description)."""
    k = run[0] - 1
    while k >= 0 and (tokens[k].lower() in lx.DETERMINERS or tokens[k] in {"-", "al", "el"}):
        k -= 1
    if k >= 0 and tokens[k].lower() in lx.PREPOSITIONS:
        return None
    after = []
    for token in tokens[run[-1] + 1 :]:
        if token in {",", ";", "(", "—", "–"}:
            break
        after.append(token.lower())
    if run == [0] and after and after[0] not in {"'s", "’s"} and after[0].isalpha():
        return None
    if any(w in lx.ORG_WORDS or w in lx.PERSON_ROLE_NOUNS or w in {"officials", "sources"} for w in after):
        return "modifier"
    # A post written right after it: "the Valmoran defence minister" (a demonym or a place the
    # desk does not know, qualifying the post), not a second name beside the speaker's own.
    post = []
    for word in after:
        if not word.isalpha() or word in lx.DETERMINERS or word in lx.PREPOSITIONS or word in lx.CONJUNCTIONS:
            break
        post.append(word)
    if any(w in lx.TITLE_WORDS for w in post):
        return "modifier"
    return "name"


def _join(tokens: list[str]) -> str:
    out = ""
    for token in tokens:
        if out and token not in {",", ".", "'s", "’s", "-", ")"} and not out.endswith(("-", "(")):
            out += " "
        out += token
    return out


def _name_part(tokens: list[str]) -> tuple[str | None, str | None, str | None]:
    """The personal or proper name in a speaker phrase, and the rest as its description.

    Not a name: a run after a preposition ("a doctor at Ayder hospital in Mekelle": places and
    employers), a run that a common noun follows ("the U.N. refugee agency", "Houthi health
    officials": it describes), a capitalised first word followed by lower-case words ("Local
    monitors", "Rescuers and a local official")."""
    best: list[int] = []
    modifier: list[int] = []
    current: list[int] = []
    for k, token in enumerate([*tokens, " "]):  # a blank at the end closes the last run
        low = token.lower()
        capital = token[:1].isupper() or token[:1] in {"@", "#"}
        if capital or (current and low in NAME_PARTICLES) or (current and low.startswith(("d’", "d'"))):
            current.append(k)
            continue
        # a run followed by 's is a possessor: "President Aliyev's adviser"
        if current and low not in {"'s", "’s"}:
            what = _run_is(tokens, current)
            if what == "name":
                best = current
            elif what == "modifier":
                modifier = current
        current = []
    if not best:
        return None, " ".join(tokens) or None, _join([tokens[k] for k in modifier]) or None
    # Strip titles and organisation words from the left of the run; an all-title run is no name.
    run = [tokens[k] for k in best]
    while run and (
        run[0].lower().strip(".") in lx.TITLE_WORDS
        or run[0].lower() in lx.ORG_WORDS
        or run[0].lower() in NAME_PARTICLES
        or run[0].lower() in lx.DETERMINERS
    ):
        run = run[1:]
    last_title = max((i for i, w in enumerate(run) if w.lower() in lx.TITLE_WORDS | lx.ORG_WORDS), default=-1)
    run = run[last_title + 1 :]
    while run and run[-1].lower() in NAME_PARTICLES:
        run = run[:-1]
    if not run:
        return None, " ".join(tokens), None
    name = _join(run)
    rest = [t for i, t in enumerate(tokens) if i not in best]
    while rest and (rest[0].lower() in lx.DETERMINERS or rest[0] in {",", ";"}):
        rest = rest[1:]
    description = _join(rest).strip(" ,") or None
    return name, description, None


# --- Resolution -------------------------------------------------------------------------------
class Resolver:
    """Resolves speaker phrases for one story: exact, role, trigram (batched), country."""

    def __init__(self, gaz: Gazetteer, day: date | None):
        self.gaz = gaz
        self.day = day
        self._named: dict[str, set[int]] = {}

    def _actors_named(self, key: str) -> set[int]:
        """The actors ``key`` names (``Actor.objects.matching``, the desk's one lookup by name)."""
        if key not in self._named:
            self._look_up([key])
        return {i for i in self._named[key] if i in self.gaz.actors}

    def _look_up(self, keys: list[str]) -> None:
        """Look names up in one query (``claims.models.actors.actors_named``), for ``_actors_named``."""
        missing = [k for k in dict.fromkeys(keys) if k not in self._named]
        found = actors_named(missing)
        for key in missing:
            self._named[key] = found.get(key, set())

    def _one_of(self, ids: set[int]) -> int | None:
        """The actor a name names: the only one, or among several sharing the name the only one
        holding a dated role on the story's day. Never a guess between them (the desk's speaker
        field refuses a shared name too)."""
        if len(ids) == 1:
            return next(iter(ids))
        active = [i for i in ids if any(d.active_on(self.day) and d.start for d in self.gaz.actors[i].descriptors)]
        return active[0] if len(active) == 1 else None

    def exact(self, parsed: ParsedPhrase) -> Resolution | None:
        """A key of the phrase (or the key without a possessive "'s") that names an actor."""
        for n, key in enumerate(parsed.lookup_keys):
            method, ids = ("alias" if n == 0 else "name"), self._actors_named(key)
            if not ids and _without_possessive(key):
                method, ids = "alias", self._actors_named(_without_possessive(key))
            if ids:
                actor_id = self._one_of(ids)
                return Resolution(method, actor_id=actor_id, score=1.0) if actor_id is not None else None
        for key in parsed.lookup_keys:
            if squash(key) in self.gaz.outlet_keys:
                return Resolution("alias", outlet_id=self.gaz.outlet_keys[squash(key)], score=1.0)
        return None

    def by_role(self, parsed: ParsedPhrase, recent_sides: list[int]) -> Resolution | None:
        if parsed.name and parsed.description and looks_like_a_name(parsed.name):
            # "Amina Yusuf, a spokeswoman for ...": a person the desk does not know by that name
            # is not whoever holds a like post (a misspelt name is found as a typo instead)
            return None
        if parsed.name is None and self._qualified_by_the_unknown(parsed.text):
            # "the Valmoran defence minister": the post of a side or place the desk does not
            # know is nobody's the desk knows, whoever holds a defence portfolio elsewhere
            return None
        text = parsed.description if parsed.name and parsed.description else parsed.text
        wanted = self.gaz.describe(text)
        if wanted.head is None:
            return None
        scored: list[tuple[float, int]] = []
        for actor in self.gaz.actors.values():
            best = 0.0
            for d in actor.descriptors:
                if d.head != wanted.head or not d.active_on(self.day):
                    continue
                if wanted.portfolio and d.portfolio and not (wanted.portfolio & d.portfolio):
                    continue
                if wanted.portfolio and not d.portfolio:
                    continue
                actor_sides = set(d.sides) | ({actor.side_id} if actor.side_id else set())
                if wanted.sides and actor_sides and not (wanted.sides & actor_sides):
                    continue
                score = 1.0 + len(wanted.modifiers & d.modifiers) - 0.5 * len(d.modifiers - wanted.modifiers)
                score += 1.0 if wanted.sides and wanted.sides & actor_sides else 0.0
                score += 1.0 if wanted.portfolio and wanted.portfolio & d.portfolio else 0.0
                best = max(best, score)
            if best > 0:
                scored.append((best, actor.id))
        if not scored:
            return None
        scored.sort(reverse=True)
        if not wanted.sides and not wanted.portfolio and scored[0][0] < 2:
            return None  # "the president", "the regional governor" alone say too little, whoever spoke last
        top = [actor_id for score, actor_id in scored if score == scored[0][0]]
        if len(top) > 1:
            # "the country's Defence Ministry": the side named most recently before it decides.
            for side in reversed(recent_sides):
                preferred = [a for a in top if self.gaz.actors[a].side_id == side]
                if len(preferred) == 1:
                    return Resolution("role", actor_id=preferred[0], score=0.8)
            return None
        return Resolution("role", actor_id=top[0], score=0.8)

    def _qualified_by_the_unknown(self, text: str) -> bool:
        """A post qualified by a capitalised word right before it ("the Valmoran defence
        minister") that is no title or organisation word and names no side and no actor the desk
        knows. (A place after a preposition, "the governor of the Dnipro region", is no qualifier.)"""
        words = [t.text for t in nlp().make_doc(text)]
        for k, word in enumerate(words[:-1]):
            low = word.lower()
            if not word[:1].isupper() or not word.isalpha() or words[k + 1].lower() not in lx.TITLE_WORDS:
                continue
            if low in lx.TITLE_WORDS or low in lx.ORG_WORDS or low in lx.DETERMINERS or low in lx.GROUP_NOUNS:
                continue
            if k > 0 and words[k - 1].lower() in lx.PREPOSITIONS:
                continue
            if self.gaz.side_of_word(word) is None and squash(word) not in self.gaz.key_to_actors:
                return True
        return False

    def by_country(self, parsed: ParsedPhrase) -> Resolution | None:
        """A side's own name as the speaker ("Vestria said") stands for its government, where
        the desk has that actor: never for one of its ministries. Otherwise the government is
        proposed as a new actor, on that side."""
        words = parsed.text.split()
        if len(words) != 1:
            return None
        side = self.gaz.side_keys.get(squash(words[0]).removesuffix("'s"))
        if side is None:
            return None
        bodies = self.gaz.government_of_side.get(side, [])
        if len(bodies) == 1:
            return Resolution("country", actor_id=bodies[0], score=0.7)
        return Resolution(
            "unknown",
            proposed_name=parsed.text,
            proposed_side_id=side,
            proposed_kind="government_body",
            is_person=False,
        )

    def typo_candidates(self, names: list[str]) -> list[list[tuple[int, str]]]:
        """For each name, the aliases of people close to it by trigrams (one query, through the
        trigram index): the candidates ``name_typo`` then checks letter by letter."""
        if not names:
            return []
        distinct = list(dict.fromkeys(names))  # a story names the same person many times: looked up once
        # A one-word name (a surname, "Kipper") is also compared word by word with each alias
        # ("oleh kiper"): word_similarity (`<%`). The eight closest by the greater of the two are
        # among the eight closest by each, which the trigram GiST index gives nearest first
        # (`<->`, `<<->`) without scoring every alias that shares a trigram with the name (a
        # common surname is in hundreds).
        sql = f"""
            SELECT q.i, m.actor_id, m.alias
              FROM unnest(%s::text[]) WITH ORDINALITY AS t(phrase, i)
              CROSS JOIN LATERAL (
                  SELECT t.i, {fold_sql("t.phrase")} AS folded,
                         position(' ' in btrim(t.phrase)) = 0 AS single
              ) q
              CROSS JOIN LATERAL (
                  SELECT near.actor_id, near.alias FROM (
                      (SELECT a.actor_id, a.alias, a.normalized FROM claims_actoralias a
                        WHERE a.normalized %% q.folded ORDER BY a.normalized <-> q.folded LIMIT 8)
                      UNION
                      (SELECT a.actor_id, a.alias, a.normalized FROM claims_actoralias a
                        WHERE q.single AND q.folded <%% a.normalized ORDER BY q.folded <<-> a.normalized LIMIT 8)
                  ) near
                   ORDER BY greatest(similarity(near.normalized, q.folded),
                                     CASE WHEN q.single THEN word_similarity(q.folded, near.normalized) ELSE 0 END) DESC
                   LIMIT 8
              ) m
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [distinct])
            rows = cursor.fetchall()
        found: list[list[tuple[int, str]]] = [[] for _ in distinct]
        for i, actor_id, alias in rows:
            found[int(i) - 1].append((self.gaz._survivor.get(actor_id, actor_id), alias))
        at = {name: n for n, name in enumerate(distinct)}
        return [found[at[name]] for name in names]

    def by_typo(self, name: str, candidates: list[tuple[int, str]]) -> Resolution | None:
        """A person whose name ``name`` misspells by a letter or two (``name_typo``); never a
        guess between two people."""
        best: dict[int, int] = {}
        for actor_id, alias in candidates:
            actor = self.gaz.actors.get(actor_id)
            if actor is None or not actor.is_person:
                continue
            edits = name_typo(name, alias)
            if edits is not None:
                best[actor_id] = min(edits, best.get(actor_id, edits))
        if not best:
            return None
        fewest = min(best.values())
        closest = [a for a, e in best.items() if e == fewest]
        if len(closest) != 1:
            return None
        return Resolution("typo", actor_id=closest[0], score=0.8 if fewest <= 1 else 0.65)

    def resolve_all(self, items: list[tuple[ParsedPhrase, list[int]]]) -> list[Resolution]:
        """Resolve parsed phrases (with the sides named before each) that are not pronouns or
        references. Only positive evidence resolves: an alias or name, a role held on the day, a
        typo of a person's name, a side's own name for its government; anything else, or anything
        below MIN_CONFIDENCE, comes back as a proposed new actor."""
        results: list[Resolution | None] = []
        keys = [key for parsed, _ in items for key in parsed.lookup_keys]
        self._look_up(keys + [k for k in map(_without_possessive, keys) if k])
        for parsed, recent_sides in items:
            results.append(self.exact(parsed) or self.by_role(parsed, recent_sides) or self.by_country(parsed))
        pending = [
            n
            for n, ((parsed, _), resolution) in enumerate(zip(items, results, strict=True))
            if resolution is None and parsed.name and looks_like_a_name(parsed.name)
        ]
        candidates = self.typo_candidates([items[n][0].name or "" for n in pending])
        for n, found in zip(pending, candidates, strict=True):
            results[n] = self.by_typo(items[n][0].name or "", found)
        final = []
        for (parsed, _), resolution in zip(items, results, strict=True):
            if resolution is not None and resolution.actor_id is not None and resolution.score < MIN_CONFIDENCE:
                resolution = None
            if resolution is None or (resolution.actor_id is None and resolution.outlet_id is None):
                resolution = self.propose(parsed, resolution)
            elif resolution.actor_id is not None:
                resolution.is_person = self.gaz.actors[resolution.actor_id].is_person
            final.append(resolution)
        return final

    def propose(self, parsed: ParsedPhrase, given: Resolution | None = None) -> Resolution:
        """A proposed new actor: the name and title as written, its side when the words say it."""
        if given is not None and given.proposed_name:
            return given
        personal = _looks_personal(parsed)
        words = parsed.description if parsed.name else parsed.text  # a name's own side is not known
        sides = self.gaz.describe(words).sides if words else frozenset()
        return Resolution(
            "unknown",
            proposed_name=parsed.name or parsed.text,
            proposed_title=parsed.description if parsed.name else None,
            proposed_side_id=next(iter(sides)) if len(sides) == 1 else None,
            proposed_kind="person" if personal else ("organisation" if parsed.name else None),
            is_person=personal,
        )


def _edits(a: str, b: str) -> int:
    """Letters inserted, deleted, replaced or swapped to turn ``a`` into ``b``."""
    return OSA.distance(a, b)


def _name_words(text: str) -> list[str]:
    return [w for w in squash(text).replace("-", " ").split() if w not in NAME_PARTICLES]


def name_typo(name: str, alias: str) -> int | None:
    """How many letters ``name`` gets wrong in the person's ``alias``, when that is a typo or a
    transliteration slip: the same number of words (or a lone surname against the alias's last
    word), each starting with the same letter and of similar length, one letter wrong in a name
    of up to eight letters, two in a longer one, none in one of four. None when it is not such a slip."""
    mine = _name_words(name)
    theirs = [w for w in _name_words(alias) if w not in lx.TITLE_WORDS]
    if not mine or not theirs or any(w in lx.ORG_WORDS or w in lx.GROUP_NOUNS for w in theirs):
        return None
    if len(mine) == 1 and len(theirs) > 1:
        theirs = theirs[-1:]
    if len(mine) != len(theirs):
        return None
    total = 0
    for a, b in zip(mine, theirs, strict=True):
        if a[0] != b[0] or abs(len(a) - len(b)) > 2:
            return None
        total += _edits(a, b)
    letters = sum(len(w) for w in mine)
    allowed = 0 if letters <= 4 else 1 if letters <= 8 else 2
    return total if total <= allowed else None


def looks_like_a_name(text: str) -> bool:
    """A proper name that could be a person's: capitalised words, none of them a title, an
    organisation word or a group of people ("Residents", "Medics", "the Army")."""
    words = text.split()
    if not words or not all(w[:1].isupper() for w in words if w.lower() not in NAME_PARTICLES):
        return False
    lows = [w.lower().strip(".,'’") for w in words]
    return not any(w in lx.TITLE_WORDS or w in lx.ORG_WORDS or w in lx.GROUP_NOUNS for w in lows)


def _looks_personal(parsed: ParsedPhrase) -> bool:
    words = parsed.text.lower().split()
    if any(w in lx.GROUP_NOUNS or w in lx.ORG_WORDS for w in words) and not parsed.name:
        return False
    if not parsed.name:
        return any(w in lx.TITLE_WORDS for w in words)
    words = parsed.name.lower().split()
    return len(words) >= 2 and not any(w in lx.ORG_WORDS for w in words)
