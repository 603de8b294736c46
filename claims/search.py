"""The desk's one search box: claims, stories, actors and annotations in one ranked list.

Each kind is searched through its stored, GIN-indexed ``search_vector`` (text search configuration
``claimdesk``: English stemming over unaccented words, so "Hajiyev" finds "Hajíyev"), with the
words parsed as a web search ("quoted phrase", -excluded, or). The four kinds are put in one list
with a UNION of (kind, id, rank, date) rows, ranked by ``SearchRank`` and paginated in the
database; only the rows of the page shown are then loaded in full, and only they get
``ts_headline`` snippets (which read the whole text, so are never computed for every match).

Filters narrow each kind where they mean something and leave out kinds where they do not:

==========  =================================  ===============  =====================  ========================
filter      claims                             stories          actors                 annotations
==========  =================================  ===============  =====================  ========================
side        speaker's side                     (left out)       actor's side           their claim's speaker's side
speaker     speaker                            (left out)       that actor             their claim's speaker
outlet      story's outlet                     outlet           (left out)             their claim's story's outlet
kind        in a dispute of that kind          (left out)       (left out)             their dispute's (or claim's) kind
status      claim status                       (left out)       (left out)             their claim's status
dates       said on, else published on         published on     (left out)             written on
==========  =================================  ===============  =====================  ========================
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db.models import (
    DateField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from claims.models import Actor, ActorAlias, Annotation, Claim, ClaimDispute, Side
from core.search import SEARCH_CONFIG
from sources.models import Outlet, Story

CLAIM, STORY, ACTOR, NOTE = "claim", "story", "actor", "note"
RESULT_KINDS: dict[str, str] = {CLAIM: "Claims", STORY: "Stories", ACTOR: "Actors", NOTE: "Annotations"}

# ts_headline marks matches with these private-use characters; the snippet is escaped as plain
# text first and only then are they turned into <mark> elements, so a story's own "<" and "&"
# can never become markup.
_START, _STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)


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
    def is_empty(self) -> bool:
        return not (
            self.q.strip()
            or self.side
            or self.speaker
            or self.outlet
            or self.dispute_kind
            or self.status
            or self.date_from
            or self.date_to
            or self.kind
        )

    def query(self) -> SearchQuery | None:
        if not self.q.strip():
            return None
        return SearchQuery(self.q, config=SEARCH_CONFIG, search_type="websearch")


@dataclass
class SearchResult:
    kind: str
    obj: Any
    rank: float
    when: date | None
    snippet: SafeString
    title_snippet: SafeString | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _vector_concat(*vectors: Any) -> CombinedExpression:
    empty = Cast(Value(""), SearchVectorField())
    combined = Coalesce(vectors[0], empty)
    for vector in vectors[1:]:
        combined = CombinedExpression(combined, "||", Coalesce(vector, empty), output_field=SearchVectorField())
    return combined


def _rank(vector: Any, query: SearchQuery | None) -> Any:
    if query is None:
        return Value(0.0, output_field=FloatField())
    return SearchRank(vector, query)


def _hits(qs: QuerySet, kind: str, rank: Any, when: Any) -> QuerySet:
    # All four parts of the UNION select the same annotated columns in the same order.
    return (
        qs.order_by()
        .annotate(hit_kind=Value(kind), hit_id=F("pk"), hit_rank=rank, hit_when=Cast(when, DateField()))
        .values_list("hit_kind", "hit_id", "hit_rank", "hit_when")
    )


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


def _claim_hits(f: SearchFilters, query: SearchQuery | None) -> QuerySet:
    qs = Claim.objects.filter(_claim_filter(f))
    if query is not None:
        qs = qs.filter(search_vector=query)
    if f.dispute_kind:
        qs = qs.filter(_in_dispute_kind(f.dispute_kind))
    when = Coalesce("said_on", "story__published_on")
    if f.date_from:
        qs = qs.alias(when=when).filter(when__gte=f.date_from)
    if f.date_to:
        qs = qs.alias(when=when).filter(when__lte=f.date_to)
    return _hits(qs, CLAIM, _rank(F("search_vector"), query), when)


def _story_hits(f: SearchFilters, query: SearchQuery | None) -> QuerySet | None:
    if f.side or f.speaker or f.dispute_kind or f.status:
        return None
    qs = Story.objects.all()
    if query is not None:
        # each side of the OR can use its own GIN index
        qs = qs.filter(Q(search_vector=query) | Q(current_revision__search_vector=query))
    if f.outlet:
        qs = qs.filter(outlet=f.outlet)
    if f.date_from:
        qs = qs.filter(published_on__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(published_on__lte=f.date_to)
    vector = _vector_concat(F("search_vector"), F("current_revision__search_vector"))
    return _hits(qs, STORY, _rank(vector, query), F("published_on"))


def _actor_hits(f: SearchFilters, query: SearchQuery | None) -> QuerySet | None:
    if f.outlet or f.dispute_kind or f.status or f.date_from or f.date_to:
        return None
    qs = Actor.objects.active()
    rank: Any = _rank(F("search_vector"), query)
    if query is not None:
        # Aliases (spellings, transliterations, descriptions) count as much as the name. The
        # alias table is small, so its vectors are computed on the fly.
        alias_vector = SearchVector("alias", weight="A", config=SEARCH_CONFIG)
        aliases = ActorAlias.objects.filter(actor=OuterRef("pk")).annotate(v=alias_vector)
        qs = qs.filter(Q(search_vector=query) | Exists(aliases.filter(v=query)))
        best_alias = aliases.annotate(r=SearchRank(alias_vector, query)).order_by("-r").values("r")[:1]
        rank = Greatest(rank, Coalesce(Subquery(best_alias, output_field=FloatField()), Value(0.0)))
    if f.side:
        qs = qs.filter(side=f.side)
    if f.speaker:
        qs = qs.filter(pk=f.speaker.pk)
    return _hits(qs, ACTOR, rank, Value(None, output_field=DateField()))


def _note_hits(f: SearchFilters, query: SearchQuery | None) -> QuerySet:
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
    return _hits(qs, NOTE, _rank(F("search_vector"), query), written)


def search_hits(f: SearchFilters) -> QuerySet:
    """One ranked list of (kind, id, rank, date) rows for the filters, best first.

    Slice it (a Paginator does) to fetch one page; ``load_results`` turns a page into results.
    """
    query = f.query()
    parts: dict[str, QuerySet | None] = {
        CLAIM: _claim_hits(f, query),
        STORY: _story_hits(f, query),
        ACTOR: _actor_hits(f, query),
        NOTE: _note_hits(f, query),
    }
    chosen = [qs for kind, qs in parts.items() if qs is not None and (not f.kind or f.kind == kind)]
    if f.is_empty or not chosen:
        return Claim.objects.none().values_list("pk")
    combined = chosen[0].union(*chosen[1:], all=True) if len(chosen) > 1 else chosen[0]
    return combined.order_by(F("hit_rank").desc(), F("hit_when").desc(nulls_last=True), "hit_kind", "-hit_id")


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


def load_results(rows: Iterable[tuple], f: SearchFilters) -> list[SearchResult]:
    """Load the objects of one page of ``search_hits`` rows, with highlighted snippets.

    A fixed number of queries whatever the page holds: one per kind present, plus prefetches.
    """
    rows = list(rows)
    query = f.query()
    ids: dict[str, list[int]] = defaultdict(list)
    for kind, pk, _rank_value, _when in rows:
        ids[kind].append(pk)
    loaded: dict[tuple[str, int], SearchResult] = {}
    meta: Mapping[tuple[str, int], tuple[float, date | None]] = {(k, pk): (r, w) for k, pk, r, w in rows}

    def add(kind: str, obj: Any, snippet: SafeString, title: SafeString | None = None, **extra: Any) -> None:
        rank, when = meta[(kind, obj.pk)]
        loaded[(kind, obj.pk)] = SearchResult(kind, obj, rank, when, snippet, title, extra)

    if ids[CLAIM]:
        qs = Claim.objects.filter(pk__in=ids[CLAIM]).with_card_data().prefetch_related("disputes")
        if query is not None:
            qs = qs.annotate(snippet=_headline("quote", query, highlight_all=True))
        for claim in qs:
            add(CLAIM, claim, _marked(claim.snippet) if query is not None else _plain(claim.quote))
    if ids[STORY]:
        qs = Story.objects.filter(pk__in=ids[STORY]).select_related("outlet", "current_revision")
        if query is not None:
            qs = qs.annotate(
                title_snippet=_headline("headline", query, highlight_all=True),
                snippet=_headline("current_revision__body", query, max_fragments=2, max_words=30, min_words=12),
            )
        for story in qs:
            if query is not None:
                add(STORY, story, _marked(story.snippet), _marked(story.title_snippet))
            else:
                body = story.current_revision.body if story.current_revision else ""
                add(STORY, story, _plain(body), escape(story.headline))
    if ids[ACTOR]:
        qs = Actor.objects.filter(pk__in=ids[ACTOR]).select_related("side").prefetch_related("aliases")
        if query is not None:
            qs = qs.annotate(title_snippet=_headline("name", query, highlight_all=True))
        for actor in qs:
            aliases = [a.alias for a in actor.aliases.all() if a.alias != actor.name]
            title = _marked(actor.title_snippet) if query is not None else escape(actor.name)
            add(ACTOR, actor, _plain(actor.description), title, aliases=aliases)
    if ids[NOTE]:
        qs = Annotation.objects.filter(pk__in=ids[NOTE]).select_related("author", "claim__story", "dispute")
        if query is not None:
            qs = qs.annotate(snippet=_headline("body", query, max_fragments=2, max_words=30, min_words=12))
        for note in qs:
            add(NOTE, note, _marked(note.snippet) if query is not None else _plain(note.body))
    return [loaded[(kind, pk)] for kind, pk, _r, _w in rows if (kind, pk) in loaded]
