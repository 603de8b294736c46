"""The desk's one search box: claims, disputes, statements, actors, stories and annotations, each
in its own group with a count.

Matching. Each kind is searched through its stored, GIN-indexed ``search_vector`` (text search
configuration ``claimdesk`` over ``claimdesk_normalise``: English stemming over unaccented words,
spelling variants made one word, see core/search.py), with the words parsed as a web search
("quoted phrase", -excluded, or). A speaker's name or any alias also finds what that speaker
said: the words are first matched against actor aliases and names (their own GIN indexes), and
claims and statements by those actors match as well as those whose words match
(``speaker_id IN (...)`` beside the vector match: two indexes on one table, no vector OR'ed
across a join). A name typed with a misspelling or another transliteration ("Pashinjan",
"Hajiev") that matches nothing is looked up in the alias trigram index, and the search runs for
the closest alias, saying so ("Showing results for Hajiyev").

Bounded work. Each kind ranks at most ``CANDIDATES + 1`` matches (the first the index returns;
the newest when there are no words to rank by) and counts no further ("1,000+"), in the same query
as the rows shown. Stories rank on their headline, byline and dateline, the newest first among
equals, so their long texts are never read to rank them.
``ts_headline`` reads the whole text, so it runs only for the rows of the page shown.

Filters narrow each kind where they mean something and leave out kinds where they do not:

===========  =====================  =====================  =============  ============  ==========  ===============
filter       claims                 disputes               statements     actors        stories     annotations
===========  =====================  =====================  =============  ============  ==========  ===============
side         speaker's side         has a claim by it      speaker's      actor's       (left out)  their claim's
speaker      speaker                has a claim by them    speaker        that actor    (left out)  their claim's
outlet       story's outlet         has a claim from it    a version in   (left out)    outlet      their claim's
kind         in a dispute of it     of that kind           (left out)     (left out)    (left out)  their dispute's
status       claim status           (left out)             (left out)     (left out)    (left out)  their claim's
dates        said, else published   the event's dates      said on        (left out)    published   written on
===========  =====================  =====================  =============  ============  ==========  ===============
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
)
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Length, Lower, TruncDate
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from claims.models import Actor, ActorAlias, Annotation, Claim, ClaimDispute, Dispute, Side, Statement
from core.search import SEARCH_CONFIG, highlight_query, search_query, search_vector
from sources.models import Outlet, Story, StoryRevision

CLAIM, DISPUTE, STATEMENT, ACTOR, STORY, NOTE = "claim", "dispute", "statement", "actor", "story", "note"
RESULT_KINDS: dict[str, str] = {
    CLAIM: "Claims",
    DISPUTE: "Disputes",
    STATEMENT: "Statements",
    ACTOR: "Actors",
    STORY: "Stories",
    NOTE: "Annotations",
}
CANDIDATES = 1000  # matches counted exactly per kind; one more is ranked, to tell "more than"
GROUP_SIZE = 5  # rows per group when every kind is shown
PAGE_SIZE = 20  # rows per page when one kind is shown
SPEAKERS_MAX = 50  # actors a query may name
SPEAKER_RANK = 0.1  # a claim found only by its speaker's name ranks below most word matches

# ts_headline marks matches with these private-use characters; the snippet is escaped as plain
# text first and only then are they turned into <mark> elements, so a story's own "<" and "&"
# can never become markup.
_START, _STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)
# Words an editor might type as a name: letters, apostrophes, hyphens and spaces, no operators.
_PLAIN_NAME = re.compile(r"^[^\W\d_][\w'\u2019\- .]*$")


@dataclass(frozen=True)
class SearchFilters:
    """What the user asked for. An empty ``q`` with filters lists the matches newest first."""

    q: str = ""
    kind: str = ""
    side: Side | None = None
    speaker: Actor | None = None
    outlet: Outlet | None = None
    dispute_kind: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def has_filters(self) -> bool:
        return bool(
            self.side
            or self.speaker
            or self.outlet
            or self.dispute_kind
            or self.status
            or self.date_from
            or self.date_to
        )

    @property
    def is_empty(self) -> bool:
        return not (self.q.strip() or self.has_filters or self.kind)


@dataclass(frozen=True)
class Search:
    """A search ready to run: the words searched (corrected, when a name was misspelt) and the
    actors they name."""

    filters: SearchFilters
    words: str = ""
    speaker_ids: tuple[int, ...] = ()
    corrected_from: str = ""  # the words typed, when the search runs for a corrected name

    @property
    def query(self) -> SearchQuery | None:
        return search_query(self.words) if self.words else None


@dataclass
class SearchResult:
    kind: str
    obj: Any
    rank: float
    when: date | None
    snippet: SafeString
    title_snippet: SafeString | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Group:
    """One kind's results: its (capped) count, and the rows shown."""

    kind: str
    count: int
    results: list[SearchResult] = field(default_factory=list)

    @property
    def label(self) -> str:
        return RESULT_KINDS[self.kind]

    @property
    def capped(self) -> bool:
        return self.count > CANDIDATES

    @property
    def count_label(self) -> str:
        return f"{CANDIDATES:,}+" if self.capped else f"{self.count:,}"


@dataclass
class Outcome:
    search: Search | None
    groups: list[Group]
    page: Page | None = None  # when one kind is shown

    @property
    def results(self) -> list[SearchResult]:
        return [result for group in self.groups for result in group.results]


# --- what the words name ----------------------------------------------------------------------


def _folded(text: str) -> Func:
    return Lower(Func(Value(text), function="public.unaccent"))


def speakers_named(words: str) -> list[int]:
    """Actors (not merged away) whose name or an alias matches the words, through the GIN indexes
    on aliases and actors (an actor's own vector includes its description, so its name is checked
    again on the few rows found)."""
    if not words.strip():
        return []
    query = search_query(words)
    by_alias = ActorAlias.objects.filter(search_vector=query, actor__merged_into__isnull=True).values_list(
        "actor_id", flat=True
    )
    by_name = (
        Actor.objects.active()
        .filter(search_vector=query)
        .alias(name_vector=search_vector("name", weight="A"))
        .filter(name_vector=query)
        .values_list("pk", flat=True)
    )
    ids = set(by_alias[:SPEAKERS_MAX]) | set(by_name[:SPEAKERS_MAX])
    return sorted(ids)[:SPEAKERS_MAX]


def _anything_matches(words: str) -> bool:
    query = search_query(words)
    return (
        Claim.objects.filter(search_vector=query).exists()
        or StoryRevision.objects.filter(search_vector=query).exists()
        or Story.objects.filter(search_vector=query).exists()
    )


def closest_alias(words: str) -> str:
    """The alias nearest to a misspelt name (pg_trgm similarity over the folded aliases, with the
    ``%`` operator so the trigram index is used), or "" when none is near enough."""
    folded = _folded(words.strip())
    best = (
        ActorAlias.objects.filter(actor__merged_into__isnull=True, normalized__trigram_similar=folded)
        .annotate(
            similarity=TrigramSimilarity("normalized", folded),
            # of equally near aliases, one that is part of the actor's name ("Pashinyan", not "Pashinian")
            in_name=Case(When(actor__name__icontains=F("alias"), then=1), default=0),
        )
        .order_by("-similarity", "-in_name", Length("alias"), "alias")
        .values_list("alias", flat=True)
        .first()
    )
    return best or ""


def prepare(f: SearchFilters) -> Search:
    """Resolve the names in the words; correct a misspelt name when the words find nothing."""
    words = " ".join(f.q.split())
    if not words:
        return Search(f)
    speakers = speakers_named(words)
    if not speakers and _PLAIN_NAME.match(words) and len(words) >= 4 and not _anything_matches(words):
        alias = closest_alias(words)
        if alias and alias.casefold() != words.casefold():
            return Search(f, alias, tuple(speakers_named(alias)), corrected_from=words)
    return Search(f, words, tuple(speakers))


# --- one kind's matches -----------------------------------------------------------------------


def _claim_filter(f: SearchFilters, prefix: str = "") -> Q:
    """Conditions on a claim (reached through ``prefix``, e.g. "claim__") from the filters."""
    q = Q()
    if f.side:
        q &= Q(**{f"{prefix}speaker__side": f.side})
    if f.speaker:
        q &= Q(**{f"{prefix}speaker": f.speaker})
    if f.outlet:
        q &= Q(**{f"{prefix}story__outlet": f.outlet})
    if f.status:
        q &= Q(**{f"{prefix}status": f.status})
    return q


def _in_dispute_kind(kind: str, claim_ref: str = "pk") -> Exists:
    return Exists(ClaimDispute.objects.filter(claim=OuterRef(claim_ref), dispute__kind=kind))


def claim_words_condition(search: Search) -> Q:
    """A claim matches when its words do, or its speaker is an actor the words name."""
    condition = Q(search_vector=search.query)
    if search.speaker_ids:
        condition |= Q(speaker_id__in=search.speaker_ids)
    return condition


def _speaker_bonus(search: Search, field_name: str, bonus: float) -> Any:
    if not search.speaker_ids:
        return Value(0.0, output_field=FloatField())
    return Case(
        When(**{f"{field_name}__in": search.speaker_ids}, then=Value(bonus)),
        default=Value(0.0),
        output_field=FloatField(),
    )


@dataclass(frozen=True)
class _Kind:
    """How one kind is matched: its candidates (filtered, unordered), rank and date."""

    candidates: QuerySet
    rank: Any
    when: Any


def _claims(search: Search) -> _Kind | None:
    f, query = search.filters, search.query
    qs = Claim.objects.filter(_claim_filter(f))
    if query is not None:
        qs = qs.filter(claim_words_condition(search))
    if f.dispute_kind:
        qs = qs.filter(_in_dispute_kind(f.dispute_kind))
    when = Coalesce("said_on", "story__published_on")
    if f.date_from:
        qs = qs.alias(when=when).filter(when__gte=f.date_from)
    if f.date_to:
        qs = qs.alias(when=when).filter(when__lte=f.date_to)
    rank = SearchRank(F("search_vector"), query) + _speaker_bonus(search, "speaker_id", SPEAKER_RANK) if query else None
    return _Kind(qs, rank, when)


def _disputes(search: Search) -> _Kind | None:
    f, query = search.filters, search.query
    if f.status:
        return None
    qs = Dispute.objects.filter(merged_into__isnull=True)
    if query is not None:
        qs = qs.filter(search_vector=query)
    on_claims = _claim_filter(f, "claim__")
    if on_claims:
        qs = qs.filter(Exists(ClaimDispute.objects.filter(on_claims, dispute=OuterRef("pk"))))
    if f.dispute_kind:
        qs = qs.filter(kind=f.dispute_kind)
    if f.date_from:
        qs = qs.alias(event_until=Coalesce("event_end", "event_start")).filter(event_until__gte=f.date_from)
    if f.date_to:
        qs = qs.alias(event_from=Coalesce("event_start", "event_end")).filter(event_from__lte=f.date_to)
    when = Coalesce("event_start", TruncDate("created_at"))
    return _Kind(qs, SearchRank(F("search_vector"), query) if query else None, when)


def _statements(search: Search) -> _Kind | None:
    f, query = search.filters, search.query
    if f.dispute_kind or f.status:
        return None
    qs = Statement.objects.all()
    if query is not None:
        condition = Q(search_vector=query)
        if search.speaker_ids:
            condition |= Q(speaker_id__in=search.speaker_ids)
        qs = qs.filter(condition)
    if f.side:
        qs = qs.filter(speaker__side=f.side)
    if f.speaker:
        qs = qs.filter(speaker=f.speaker)
    if f.outlet:
        qs = qs.filter(Exists(Claim.objects.filter(statement=OuterRef("pk"), story__outlet=f.outlet)))
    if f.date_from:
        qs = qs.filter(said_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(said_on__lte=f.date_to)
    rank = SearchRank(F("search_vector"), query) + _speaker_bonus(search, "speaker_id", SPEAKER_RANK) if query else None
    return _Kind(qs, rank, F("said_on"))


def _actors(search: Search) -> _Kind | None:
    f, query = search.filters, search.query
    if f.outlet or f.dispute_kind or f.status or f.date_from or f.date_to:
        return None
    qs = Actor.objects.active()
    if query is not None:
        condition = Q(search_vector=query)
        if search.speaker_ids:
            condition |= Q(pk__in=search.speaker_ids)
        qs = qs.filter(condition)
    if f.side:
        qs = qs.filter(side=f.side)
    if f.speaker:
        qs = qs.filter(pk=f.speaker.pk)
    # an actor named by the words (by an alias too) ranks first
    rank = SearchRank(F("search_vector"), query) + _speaker_bonus(search, "pk", 1.0) if query else None
    return _Kind(qs, rank, Value(None, output_field=DateField()))


def _stories(search: Search) -> _Kind | None:
    f, query = search.filters, search.query
    if f.side or f.speaker or f.dispute_kind or f.status:
        return None
    qs = Story.objects.all()
    if query is not None:
        # headline matches and current-text matches, each found through its own GIN index and each
        # bounded (one more than the candidates, so "more than CANDIDATES" still shows), joined as
        # a UNION: OR'ed, the two became hashed filters on a walk of every story's primary key
        bound = CANDIDATES + 1
        in_headline = Story.objects.filter(search_vector=query).order_by().values("pk")[:bound]
        in_text = Story.objects.filter(current_revision__search_vector=query).order_by().values("pk")[:bound]
        qs = qs.filter(pk__in=in_headline.union(in_text))
    if f.outlet:
        qs = qs.filter(outlet=f.outlet)
    if f.date_from:
        qs = qs.filter(published_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(published_on__lte=f.date_to)
    # ranked on the headline, byline and dateline only, the newest first among equals (so a word
    # only in the text ranks the newest stories first): ranking on the text too read each
    # candidate's ~6 KB text vector, most of the page's database time for a common word
    return _Kind(qs, SearchRank(F("search_vector"), query) if query else None, F("published_on"))


def _notes(search: Search) -> _Kind | None:
    f, query = search.filters, search.query
    qs = Annotation.objects.active()
    if query is not None:
        qs = qs.filter(search_vector=query)
    on_claims = _claim_filter(f, "claim__")
    if f.side or f.speaker or f.outlet or f.status:
        # only notes on claims can match these
        qs = qs.filter(Q(claim__isnull=False) & on_claims)
    if f.dispute_kind:
        qs = qs.filter(Q(dispute__kind=f.dispute_kind) | Q(_in_dispute_kind(f.dispute_kind, "claim_id")))
    written = TruncDate("created_at")
    if f.date_from:
        qs = qs.alias(written=written).filter(written__gte=f.date_from)
    if f.date_to:
        qs = qs.alias(written=written).filter(written__lte=f.date_to)
    return _Kind(qs, SearchRank(F("search_vector"), query) if query else None, written)


_MATCHERS = {CLAIM: _claims, DISPUTE: _disputes, STATEMENT: _statements, ACTOR: _actors, STORY: _stories, NOTE: _notes}


def _kind(search: Search, kind: str) -> _Kind | None:
    if search.filters.is_empty or (search.filters.q.strip() and not search.words):
        return None
    return _MATCHERS[kind](search)


def _bounded(k: _Kind, limit: int) -> QuerySet:
    """At most ``limit`` candidates' ids: any the index yields first when ranking, else the newest."""
    candidates = k.candidates.order_by()
    if k.rank is None and isinstance(k.when, Value):  # undated (actors): the newest first
        candidates = candidates.order_by("-pk")
    elif k.rank is None:
        candidates = candidates.alias(hit_when=k.when).order_by(F("hit_when").desc(nulls_last=True), "-pk")
    return candidates.values("pk")[:limit]


def search_hits(search: Search, kind: str, *, with_total: bool = False) -> QuerySet:
    """One kind's (id, rank, date) rows, best first, among at most ``CANDIDATES + 1`` candidates
    (the one more tells "more than CANDIDATES" from exactly as many; pages show CANDIDATES).

    Slice it (a Paginator does) to fetch one page; ``load_results`` turns rows into results.
    """
    k = _kind(search, kind)
    model = _model(kind)
    if k is None:
        return model.objects.none().values_list("pk")
    rank = k.rank if k.rank is not None else Value(0.0, output_field=FloatField())
    ranked = (
        model.objects.filter(pk__in=_bounded(k, CANDIDATES + 1))
        .annotate(hit_rank=rank, hit_when=Cast(k.when, DateField()))
        .order_by(F("hit_rank").desc(), F("hit_when").desc(nulls_last=True), "-pk")
    )
    if with_total:
        # the number of candidates, in the same query as the best rows: the capped count
        return ranked.annotate(total=Window(Count("*"))).values_list("pk", "hit_rank", "hit_when", "total")
    return ranked.values_list("pk", "hit_rank", "hit_when")


def count_hits(search: Search, kind: str) -> int | None:
    """How many of a kind match, counting no further than ``CANDIDATES + 1``; None when left out."""
    k = _kind(search, kind)
    if k is None:
        return None
    return k.candidates.order_by().values("pk")[: CANDIDATES + 1].count()


def _model(kind: str) -> Any:
    return {CLAIM: Claim, DISPUTE: Dispute, STATEMENT: Statement, ACTOR: Actor, STORY: Story, NOTE: Annotation}[kind]


def run(f: SearchFilters, page_number: Any = 1) -> Outcome:
    """Every kind's count and best rows; or, when ``f.kind`` is set, every kind's count and one
    page of that kind. A fixed number of queries whatever the archive holds."""
    if f.is_empty:
        return Outcome(None, [])
    search = prepare(f)
    groups: list[Group] = []
    page = None
    for kind in RESULT_KINDS:
        if f.kind and kind != f.kind:
            count = count_hits(search, kind)
            if count:
                groups.append(Group(kind, count))
            continue
        if f.kind:
            count = count_hits(search, kind) or 0
            paginator = Paginator(search_hits(search, kind), PAGE_SIZE)
            paginator.count = min(count, CANDIDATES)  # counted just above: not counted again
            page = paginator.get_page(page_number)
            rows = list(page.object_list)
        else:
            rows = list(search_hits(search, kind, with_total=True)[:GROUP_SIZE])
            count = rows[0][3] if rows else 0  # the candidates: CANDIDATES + 1 means more
            rows = [row[:3] for row in rows]
        if count:
            groups.append(Group(kind, count, load_results(kind, rows, search)))
    return Outcome(search, groups, page)


# --- the rows shown ---------------------------------------------------------------------------


def _marked(text: str | None) -> SafeString:
    """Escape a ts_headline snippet as text, then mark the matched words."""
    if not text:
        return mark_safe("")
    escaped = escape(text)
    marked = _MARKED.sub(lambda m: f"<mark>{m.group(1)}</mark>", escaped)
    return mark_safe(marked.replace(_START, "").replace(_STOP, ""))  # noqa: S308 - escaped above


def _plain(text: str, limit: int = 240) -> SafeString:
    text = " ".join(text.split())
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def _headline(expression: Any, query: SearchQuery, **options: Any) -> SearchHeadline:
    return SearchHeadline(expression, query, config=SEARCH_CONFIG, start_sel=_START, stop_sel=_STOP, **options)


def load_results(kind: str, rows: Iterable[tuple], search: Search) -> list[SearchResult]:
    """Load one kind's rows (id, rank, date) with highlighted snippets, in the rows' order.

    A fixed number of queries whatever the page holds: one, plus prefetches. ``ts_headline`` runs
    over the text as written (never the normalised text, so snippets show the story's words).
    """
    rows = list(rows)
    if not rows:
        return []
    ids = [pk for pk, _rank, _when in rows]
    meta = {pk: (rank, when) for pk, rank, when in rows}
    hq = highlight_query(search.words) if search.words else None
    loaded: dict[int, SearchResult] = {}

    def add(obj: Any, snippet: SafeString, title: SafeString | None = None, **extra: Any) -> None:
        rank, when = meta[obj.pk]
        loaded[obj.pk] = SearchResult(kind, obj, rank, when, snippet, title, extra)

    def snippet(obj: Any, name: str, text: str) -> SafeString:
        return _marked(getattr(obj, name)) if hq is not None else _plain(text)

    if kind == CLAIM:
        # what a claim's result shows: speaker and side, outlet, disputes (not a card's figures)
        qs = (
            Claim.objects.filter(pk__in=ids)
            .select_related("speaker__side", "story__outlet")
            .defer("search_vector", "story__search_vector")
            .prefetch_related("disputes")
        )
        if hq is not None:
            qs = qs.annotate(snippet=_headline("quote", hq, highlight_all=True))
        for claim in qs:
            by_name = claim.speaker_id in search.speaker_ids
            add(claim, snippet(claim, "snippet", claim.quote), by_speaker=by_name)
    elif kind == DISPUTE:
        qs = Dispute.objects.filter(pk__in=ids).annotate(claim_count=Count("claim_links"))
        if hq is not None:
            qs = qs.annotate(
                title_snippet=_headline("title", hq, highlight_all=True),
                snippet=_headline("summary", hq, max_fragments=2, max_words=30, min_words=12),
            )
        for dispute in qs:
            title = _marked(dispute.title_snippet) if hq is not None else escape(dispute.title)
            add(dispute, snippet(dispute, "snippet", dispute.summary), title)
    elif kind == STATEMENT:
        qs = (
            Statement.objects.filter(pk__in=ids)
            .select_related("speaker__side")
            .annotate(version_count=Count("versions"))
        )
        if hq is not None:
            qs = qs.annotate(snippet=_headline("description", hq, highlight_all=True))
        for statement in qs:
            add(statement, snippet(statement, "snippet", statement.description))
    elif kind == ACTOR:
        qs = Actor.objects.filter(pk__in=ids).select_related("side").prefetch_related("aliases")
        if hq is not None:
            qs = qs.annotate(title_snippet=_headline("name", hq, highlight_all=True))
        for actor in qs:
            aliases = [a.alias for a in actor.aliases.all() if a.alias != actor.name]
            title = _marked(actor.title_snippet) if hq is not None else escape(actor.name)
            add(actor, _plain(actor.description), title, aliases=aliases)
    elif kind == STORY:
        qs = (
            Story.objects.filter(pk__in=ids)
            .select_related("outlet", "current_revision")
            .defer("search_vector", "current_revision__search_vector", "current_revision__raw_html")
        )
        if hq is not None:  # the snippet comes from the database: the text itself is not needed
            qs = qs.defer("current_revision__body").annotate(
                title_snippet=_headline("headline", hq, highlight_all=True),
                snippet=_headline("current_revision__body", hq, max_fragments=2, max_words=30, min_words=12),
            )
        for story in qs:
            if hq is not None:
                add(story, _marked(story.snippet), _marked(story.title_snippet))
            else:
                body = story.current_revision.body if story.current_revision else ""
                add(story, _plain(body), escape(story.headline))
    elif kind == NOTE:
        qs = Annotation.objects.filter(pk__in=ids).select_related("author", "claim__story", "dispute")
        if hq is not None:
            qs = qs.annotate(snippet=_headline("body", hq, max_fragments=2, max_words=30, min_words=12))
        for note in qs:
            add(note, snippet(note, "snippet", note.body))
    return [loaded[pk] for pk in ids if pk in loaded]


def claims_matching(qs: QuerySet, words: str) -> QuerySet:
    """Claims of ``qs`` the desk's search finds for ``words`` (the API's ``q``): the same words,
    names and corrected names."""
    search = prepare(SearchFilters(q=words))
    if not search.words:
        return qs.none()
    return qs.filter(claim_words_condition(search))
