"""The dispute page, the heart of the desk: who says what, where, when, and how far apart.

Claim cards in columns by side (the outlets' own-voice claims in a column of their own) or by
outlet; who blames whom; range charts and spreads of comparable figures; versions of one
statement side by side with a word diff; the note thread; CSV and JSON exports.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Concat, DenseRank, JSONObject, RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_GET, require_POST

from claims.alerts import followed
from claims.charts import comparable_charts
from claims.exports import dispute_csv, dispute_export
from claims.figures import spreads
from claims.forms import AnnotationForm
from claims.models import ActorRole, Annotation, Claim, ClaimDispute, ClaimVia, Dispute, Figure, Review
from claims.ratings import Rating
from claims.views.notes import note_add, notes_context
from core.diffing import SideBySide, closest_pairs
from core.keyset import BadCursor, Key, KeysetPage, keyset_page, page_link, parse_date_value
from core.numbers import whole_number

FIRST_CARDS = 3  # cards each column shows at first
CARDS_PER_PAGE = 10  # cards each "Show more" adds to a column
COLUMNS_MAX = 12  # columns shown (the biggest) when a dispute's claims come from more voices or outlets
CHART_FIGURES = 150  # figures charted and compared, at most
CHARTS_SHOWN = 4  # charts drawn at first (the groups with most figures); "Show all charts" for the rest
STATEMENTS_SHOWN = 5
OUTLETS_PER_STATEMENT = 6
VERSIONS_PER_STATEMENT = 8
OWN_VOICE = "Outlets' own voice"
NO_SIDE = "No side"
BLAME_KINDS = {Dispute.Kind.ATTACK_ATTRIBUTION, Dispute.Kind.CEASEFIRE_VIOLATION}


# --- Reads -------------------------------------------------------------------------------------
#
# Every read below costs the same whatever the dispute holds: the columns' counts and first cards
# come from one windowed query, the rest of a column a keyset page at a time ("Show more"), the
# charts and spreads from a bounded summary of the figures, the statement versions from the few
# statements reported most, loaded when the reader reaches them.

CARD_ORDER = ("dated", "claim__story_id", "claim__start", "id")  # a column's order, oldest first


def _dated() -> Coalesce:
    """A card's date for ordering: its story's publication date (an undated story first)."""
    return Coalesce("claim__story__published_on", Value(date.min), output_field=DateField())


def voice_key() -> Case:
    """The column a claim sits in when arranged by side: the speaker's side, "no-side" for a
    speaker with none, "own-voice" for an outlet speaking for itself (as ``voice_of``)."""
    return Case(
        When(claim__speaker__isnull=True, then=Value("own-voice")),
        When(claim__speaker__side__isnull=True, then=Value("no-side")),
        default=Concat(Value("side-"), Cast("claim__speaker__side_id", CharField())),
        output_field=CharField(),
    )


def column_key(by: str) -> Any:
    if by == "outlet":
        return Concat(Value("outlet-"), Cast("claim__story__outlet_id", CharField()), output_field=CharField())
    return voice_key()


def column_filter(key: str) -> Q | None:
    """The placements of one column, from its key ("side-3", "no-side", "own-voice", "outlet-7");
    None for a key that names no column."""
    if key == "own-voice":
        return Q(claim__speaker__isnull=True)
    if key == "no-side":
        return Q(claim__speaker__isnull=False, claim__speaker__side__isnull=True)
    kind, _, number = key.partition("-")
    pk = whole_number(number, digits=18)
    if pk is None or kind not in ("side", "outlet"):
        return None
    return Q(claim__speaker__side_id=pk) if kind == "side" else Q(claim__story__outlet_id=pk)


def _card_rows(model: type[Any], order: tuple[str, ...], **fields: Any) -> ArraySubquery:
    """A card's rows of ``model`` (its figures, vias, reviews) as one array of JSON objects in the
    card's own row, rather than a query per kind of row for the whole page."""
    rows = model.objects.filter(claim=OuterRef("claim_id")).order_by(*order)
    if model is Review:
        rows = rows.filter(withdrawn_at__isnull=True)
    return ArraySubquery(rows.values(row=JSONObject(**fields)))


def placements_for(dispute: Dispute) -> QuerySet[ClaimDispute]:
    """The dispute's claims (withdrawn ones left out) with everything a card shows, in one query:
    the card's row, and in it the speaker's role on the day, the count of notes, the figures, the
    outlets it came via and the reviews (read by ``prepare_cards``)."""
    day = Coalesce("claim__said_on", "claim__story__published_on")
    role = ActorRole.objects.filter(
        Q(start__isnull=True) | Q(start__lte=OuterRef("card_day")),
        Q(end__isnull=True) | Q(end__gte=OuterRef("card_day")),
        actor=OuterRef("claim__speaker_id"),
    ).order_by("start", "id")
    notes = (
        Annotation.objects.active()
        .filter(claim=OuterRef("claim_id"))
        .order_by()
        .values("claim")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        ClaimDispute.objects.filter(dispute=dispute)
        .active()
        .select_related("blames", "claim__speaker__side", "claim__story__outlet")
        .annotate(
            dated=_dated(),
            card_day=day,
            role_title=Subquery(role.values("title")[:1]),
            note_count=Coalesce(Subquery(notes, output_field=IntegerField()), 0),
            figure_rows=_card_rows(
                Figure,
                ("id",),
                qualifier="qualifier",
                value="value",
                measure="measure",
                counted="counted",
                whose="whose__name",
                tally="tally",
                raw="raw",
                scope="scope__label",
                as_of="as_of",
            ),
            via_rows=_card_rows(ClaimVia, ("position", "id"), name="outlet__name", state="outlet__state_affiliated"),
            review_rows=_card_rows(
                Review,
                ("created_at", "id"),
                rating="rating",
                published="is_published",
                published_at="published_at",
                reviewer="reviewer__username",
            ),
        )
    )


def voice_of(claim: Claim) -> tuple[str, str]:
    """(key, label) of who makes the claim: the speaker's side, or the outlet's own voice."""
    if claim.speaker_id is None:
        return "own-voice", OWN_VOICE
    if claim.speaker.side_id is None:
        return "no-side", NO_SIDE
    return f"side-{claim.speaker.side_id}", claim.speaker.side.name


@dataclass
class Column:
    key: str
    label: str
    badge: str = ""
    count: int = 0
    cards: list[ClaimDispute] = field(default_factory=list)
    more_url: str | None = None  # the next keyset page of this column (plain link)
    more_hx: str | None = None  # the same, for htmx: just the cards and the next "Show more"
    first_url: str | None = None  # back to the column's first cards, when a later page is shown


def _label(placement: ClaimDispute, by: str) -> tuple[str, str]:
    claim = placement.claim
    if by == "outlet":
        outlet = claim.story.outlet
        return outlet.name, "State media" if outlet.state_affiliated else ""
    return voice_of(claim)[1], ""


def first_cards(dispute: Dispute, by: str) -> list[Column]:
    """Every column's count and first ``FIRST_CARDS`` cards, whatever the dispute holds; the
    biggest ``COLUMNS_MAX`` columns when there are more. Two queries: the first cards of each
    column ranked (a window per column) on the placements' keys alone, then those cards in full."""
    key = column_key(by)
    ranked = list(
        ClaimDispute.objects.filter(dispute=dispute)
        .active()
        .annotate(
            dated=_dated(),
            column=key,
            position=Window(RowNumber(), partition_by=[key], order_by=[F(k).asc() for k in CARD_ORDER]),
            column_count=Window(Count("*"), partition_by=[key]),
        )
        .filter(position__lte=FIRST_CARDS)
        .order_by("column", *CARD_ORDER)
        .values_list("pk", "column", "column_count")
    )
    cards = placements_for(dispute).filter(pk__in=[pk for pk, _, _ in ranked]).order_by().in_bulk()
    found: dict[str, Column] = {}
    for pk, key, count in ranked:
        placement = cards[pk]
        column = found.get(key)
        if column is None:
            label, badge = _label(placement, by)
            column = found[key] = Column(key, label, badge, count)
        column.cards.append(placement)
    last = {"own-voice": 2, "no-side": 1}
    biggest = sorted(found.values(), key=lambda c: -c.count)[:COLUMNS_MAX]
    return sorted(biggest, key=lambda c: (last.get(c.key, 0), c.label))


@dataclass(frozen=True)
class CardFigure:
    """A figure as a card shows it, its words ready: "at least 60 killed civilians (Azerbaijan)"."""

    headline: str
    kind: str  # what it counts, after the number: "killed civilians (Azerbaijan)"
    increment: bool
    raw: str
    scope: str | None
    as_of: date | None


@dataclass(frozen=True)
class CardReview:
    rating: str
    published: bool
    published_at: datetime | None
    reviewer: str | None


def _card_figure(row: dict[str, Any]) -> CardFigure:
    qualifier = Figure.Qualifier(row["qualifier"]).label
    kind = Figure.Measure(row["measure"]).label.lower()
    if row["counted"] != Figure.Counted.UNSPECIFIED:
        kind += f" {Figure.Counted(row['counted']).label.lower()}"
    if row["whose"]:
        kind += f" ({row['whose']})"
    return CardFigure(
        headline=f"{qualifier} {row['value']}",
        kind=kind,
        increment=row["tally"] == Figure.Tally.INCREMENT,
        raw=row["raw"],
        scope=row["scope"],
        as_of=date.fromisoformat(row["as_of"]) if row["as_of"] else None,
    )


def prepare_cards(placements: list[ClaimDispute]) -> None:
    """Turn what a card reads in its row (``placements_for``) into what its template shows: its
    figures in words, the outlets it came via, its published and draft reviews."""
    for placement in placements:
        placement.figures = [_card_figure(row) for row in placement.figure_rows]
        placement.vias = placement.via_rows
        reviews = [
            CardReview(
                rating=Rating(row["rating"]).label,
                published=row["published"],
                published_at=datetime.fromisoformat(row["published_at"]) if row["published_at"] else None,
                reviewer=row["reviewer"],
            )
            for row in placement.review_rows
        ]
        placement.published_reviews = [r for r in reviews if r.published]
        placement.draft_reviews = [r for r in reviews if not r.published]


@dataclass
class BlameRow:
    voice: str
    blames: dict[str, int] = field(default_factory=dict)
    denials: int = 0
    claims: int = 0


def who_blames_whom(dispute: Dispute) -> list[BlameRow]:
    """Each party's version of who did it: per voice, which side its claims hold responsible
    (counted in the database, one row per voice, side blamed and stance)."""
    rows: dict[str, BlameRow] = {}
    own_voice = Case(When(claim__speaker__isnull=True, then=F("claim__story__outlet__name")), default=Value(None))
    groups = (
        ClaimDispute.objects.filter(dispute=dispute)
        .active()
        .values_list(own_voice, "claim__speaker__side__name", "blames__name", "stance")
        .annotate(n=Count("*"))
        .order_by()
    )
    for outlet, side, blames, stance, n in groups:
        voice = f"{outlet} (own voice)" if outlet is not None else side or NO_SIDE
        row = rows.setdefault(voice, BlameRow(voice))
        row.claims += n
        if stance == ClaimDispute.Stance.DENIES:
            row.denials += n
        if blames:
            row.blames[blames] = row.blames.get(blames, 0) + n
    for row in rows.values():
        row.blames = dict(sorted(row.blames.items()))
    return sorted(rows.values(), key=lambda r: r.voice)


def _active_claim() -> dict[str, Any]:
    return dict(Claim.objects.active_condition().children)


# what the charts, spreads and increments read of a figure (not the claims' and stories' texts)
FIGURE_FIELDS = (
    *(f.name for f in Figure._meta.concrete_fields),
    "whose__name",
    "scope__label",
    "claim__speaker_id",
    "claim__said_on",
    "claim__story_id",
    "claim__speaker__name",
    "claim__speaker__side_id",
    "claim__speaker__side__name",
    "claim__story__published_on",
    "claim__story__outlet_id",
    "claim__story__outlet__name",
)


def figure_summary(dispute: Dispute) -> tuple[list[Figure], int]:
    """The figures the charts and spreads compare, bounded whatever the dispute holds: one per
    thing counted, source (speaker, or outlet in its own voice) and day, the latest reported (the
    same number carried by many outlets is one point), the ``CHART_FIGURES`` most recent days'.
    Also how many such figures the dispute's claims hold in all.

    Two queries: the one figure per thing, source and day as (id, day) pairs, then the most recent
    of them in full (a filter on the window's first row inside ``id IN (...)`` is planned as a
    nested loop over every pair of rows)."""
    # joined through the dispute's placements (its index), so the query starts from the dispute
    in_dispute = Figure.objects.filter(
        claim__dispute_links__dispute=dispute, **{f"claim__{k}": v for k, v in _active_claim().items()}
    )
    day = Coalesce("as_of", "claim__said_on", "claim__story__published_on")
    source = Coalesce("claim__speaker_id", -F("claim__story__outlet_id"))
    latest = Window(
        RowNumber(),
        partition_by=[F("measure"), F("counted"), F("whose_id"), F("scope_id"), F("tally"), source, day],
        order_by=[F("claim__story__published_on").desc(nulls_last=True), F("id").desc()],
    )
    one_each = list(in_dispute.annotate(latest=latest, day=day).filter(latest=1).values_list("pk", "day"))
    one_each.sort(key=lambda row: (row[1] is not None, row[1] or date.min, row[0]), reverse=True)
    shown = [pk for pk, _ in one_each[:CHART_FIGURES]]
    figures = list(
        Figure.objects.filter(pk__in=shown)
        .select_related("whose", "scope", "claim__speaker__side", "claim__story__outlet")
        .only(*FIGURE_FIELDS)
        .annotate(day=day)
    )
    figures.sort(key=lambda f: (f.as_of is None, f.as_of or date.min, f.pk))  # as_of, id: undated last
    return figures, len(one_each)


@dataclass
class OutletWordings:
    """One outlet's reports of a statement, in the order they appear in its story."""

    story: Any
    claims: list[Claim]
    more: int = 0


@dataclass
class StatementVersions:
    statement: Any
    outlets: list[OutletWordings]
    pairs: list[tuple[Claim, Claim, SideBySide]]


def statement_versions(dispute: Dispute) -> list[StatementVersions]:
    """Statements reported by this dispute's claims in more than one story: each outlet's wordings
    next to each other, and the closest wordings across outlets compared word by word.

    Bounded whatever the dispute holds: the ``STATEMENTS_SHOWN`` statements with the most reports
    in the dispute, ``VERSIONS_PER_STATEMENT`` wordings from each of at most ``OUTLETS_PER_STATEMENT``
    stories, in one query. Claims of one statement in the same story are different parts of it,
    not versions, so only wordings from different stories are paired (core.diffing.closest_pairs).
    """
    top = (
        ClaimDispute.objects.filter(dispute=dispute, claim__statement__isnull=False)
        .active()
        .values("claim__statement")
        .annotate(n=Count("*"))
        .order_by("-n", "claim__statement")
        .values("claim__statement")[:STATEMENTS_SHOWN]
    )
    in_story = Window(RowNumber(), partition_by=[F("statement_id"), F("story_id")], order_by=[F("start"), F("id")])
    story_rank = Window(
        DenseRank(),
        partition_by=[F("statement_id")],
        order_by=[F("story__published_on").asc(nulls_first=True), F("story_id")],
    )
    versions = (
        Claim.objects.active()
        .filter(statement__in=top)
        .select_related("statement__speaker", "story__outlet")
        .annotate(
            in_story=in_story,
            story_rank=story_rank,
            in_story_total=Window(Count("*"), partition_by=[F("statement_id"), F("story_id")]),
        )
        .filter(in_story__lte=VERSIONS_PER_STATEMENT, story_rank__lte=OUTLETS_PER_STATEMENT)
        .order_by("statement_id", "story__published_on", "story_id", "start")
    )
    grouped: dict[int, list[Claim]] = defaultdict(list)
    for claim in versions:
        grouped[claim.statement_id].append(claim)
    result = []
    for group in grouped.values():
        by_story: dict[int, list[Claim]] = defaultdict(list)
        for claim in group:
            by_story[claim.story_id].append(claim)
        if len(by_story) < 2:
            continue
        result.append(
            StatementVersions(
                statement=group[0].statement,
                outlets=[
                    OutletWordings(claims[0].story, claims, claims[0].in_story_total - len(claims))
                    for claims in by_story.values()
                ],
                pairs=closest_pairs(group, text=lambda c: c.quote, group=lambda c: c.story_id),
            )
        )
    return result


def _surviving(dispute: Dispute) -> Dispute:
    seen = set()
    while dispute.merged_into_id and dispute.pk not in seen:
        seen.add(dispute.pk)
        dispute = dispute.merged_into
    return dispute


# --- Pages -----------------------------------------------------------------------------------

CARDS_PARAM = "cards"  # the cursor of a column's next cards (core.keyset)


def card_keys() -> tuple[Key, ...]:
    """CARD_ORDER as keyset keys (their names apart from the cards' own annotations)."""
    return (
        Key("card_dated", _dated(), parse_date_value),
        Key("card_story", F("claim__story_id"), int),
        Key("card_start", F("claim__start"), int),
        Key("card_id", F("id"), int),
    )


def _salt(dispute: Dispute, key: str) -> str:
    return f"dispute-{dispute.pk}-{key}"  # a cursor is good for its own column only


def _more_links(request: HttpRequest, dispute: Dispute, column: Column, last: ClaimDispute) -> None:
    values = [last.dated, last.claim.story_id, last.claim.start, last.pk]
    extra = {"column": column.key}
    salt = _salt(dispute, column.key)
    column.more_url = page_link(request, values, salt=salt, param=CARDS_PARAM, extra=extra)
    column.more_hx = page_link(request, values, salt=salt, param=CARDS_PARAM, extra={**extra, "part": "column"})


def column_page(request: HttpRequest, dispute: Dispute, key: str) -> KeysetPage | None:
    """The cards of one column after the cursor in ``?cards=``: "Show more". None for a key that
    names no column; ``BadCursor`` for a cursor this column did not hand out."""
    condition = column_filter(key)
    if condition is None:
        return None
    placements = placements_for(dispute).filter(condition)
    page = keyset_page(
        request,
        placements,
        keys=card_keys(),
        per_page=CARDS_PER_PAGE,
        salt=_salt(dispute, key),
        descending=False,
        param=CARDS_PARAM,
    )
    prepare_cards(page.items)
    return page


def cards_context(request: HttpRequest, dispute: Dispute) -> dict[str, Any]:
    """The columns, each with its count, its first cards and a "Show more" for the rest; without
    JavaScript a "Show more" link reloads the page with that column's next cards."""
    by = "outlet" if request.GET.get("by") == "outlet" else "side"
    columns = first_cards(dispute, by)
    prepare_cards([card for column in columns for card in column.cards])
    for column in columns:
        if column.count > len(column.cards):
            _more_links(request, dispute, column, column.cards[-1])
    key = request.GET.get("column", "")
    if request.GET.get(CARDS_PARAM) and key in {c.key for c in columns}:
        page = column_page(request, dispute, key)
        column = next(c for c in columns if c.key == key)
        if page is not None and page.items:
            column.cards = page.items
            column.more_url = column.more_hx = None
            if page.next_url:
                _more_links(request, dispute, column, page.items[-1])
            column.first_url = page_link(request, None, salt="", param=CARDS_PARAM) + f"#column-{key}"
    return {
        "dispute": dispute,
        "by": by,
        "columns": columns,
        "columns_total": sum(c.count for c in columns),
    }


def figures_context(dispute: Dispute, *, all_charts: bool = False) -> dict[str, Any]:
    """The spreads of the dispute's figures and their charts: the ``CHARTS_SHOWN`` groups with
    most figures, or every group with ``all_charts`` ("Show all charts")."""
    figures, figure_total = figure_summary(dispute)
    charts, increments, charts_more = comparable_charts(
        figures,
        series_of=lambda f: voice_of(f.claim),
        last_series=("no-side", "own-voice"),
        limit=None if all_charts else CHARTS_SHOWN,
    )
    return {
        "charts": charts,
        "charts_more": charts_more,
        "increments": increments,
        "spreads": spreads(figures),
        "figures_charted": len(figures),
        "figure_total": figure_total,
    }


def page_context(
    request: HttpRequest,
    dispute: Dispute,
    *,
    note_form: AnnotationForm | None = None,
    with_statements: bool = False,
    all_charts: bool = False,
) -> dict[str, Any]:
    context = cards_context(request, dispute)
    context.update(
        **figures_context(dispute, all_charts=all_charts),
        blame_rows=who_blames_whom(dispute) if dispute.kind in BLAME_KINDS else [],
        statements=statement_versions(dispute) if with_statements else None,
        **notes_context(request, dispute, reverse("claims:dispute_note_add", args=[dispute.pk]), form=note_form),
        can_publish=request.user.has_perm("claims.publish_dispute"),
    )
    return context


@require_GET
@login_required
@permission_required(["claims.view_dispute", "claims.view_claim"], raise_exception=True)
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The page; with htmx, one part of it: the cards (``part=cards``), a column's next cards
    (``part=column``), every chart (``part=figures``) or the versions of statements
    (``part=statements``, loaded when reached). Without JavaScript, ``part=figures`` and
    ``part=statements`` give the whole page with that part in full."""
    disputes = Dispute.objects.select_related("merged_into").annotate(followed=followed(request.user, Dispute))
    dispute = get_object_or_404(disputes, pk=pk)
    if dispute.merged_into_id:
        return redirect(_surviving(dispute))
    try:
        return _dispute_part(request, dispute)
    except BadCursor as error:
        if request.htmx:
            return HttpResponse(str(error), status=400)
        return render(request, "refused.html", {"title": "Bad page link", "message": str(error)}, status=400)


def _dispute_part(request: HttpRequest, dispute: Dispute) -> HttpResponse:
    part = request.GET.get("part")
    if request.htmx and part == "cards":
        return render(request, "claims/dispute_detail.html#cards", cards_context(request, dispute))
    if request.htmx and part == "column":
        key = request.GET.get("column", "")
        page = column_page(request, dispute, key)
        if page is None:
            return HttpResponse("That column is not part of this dispute.", status=400)
        column = Column(key, "")
        if page.next_url:
            _more_links(request, dispute, column, page.items[-1])
        return render(request, "claims/dispute_detail.html#column-more", {"cards": page.items, "column": column})
    if request.htmx and part == "statements":
        return render(request, "claims/dispute_detail.html#statements", {"statements": statement_versions(dispute)})
    if request.htmx and part == "figures":
        return render(request, "claims/dispute_detail.html#figures", figures_context(dispute, all_charts=True))
    context = page_context(request, dispute, with_statements=part == "statements", all_charts=part == "figures")
    return render(request, "claims/dispute_detail.html", context)


@require_GET
@login_required
@permission_required(["claims.view_dispute", "claims.view_claim"], raise_exception=True)
def dispute_export_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The dispute as CSV or JSON. Internal notes only with ?internal=1, and labelled."""
    dispute = get_object_or_404(Dispute, pk=pk)
    include_internal = request.GET.get("internal") == "1"
    data = dispute_export(dispute, include_internal=include_internal)
    suffix = "-with-internal-notes" if include_internal else ""
    filename = f"dispute-{dispute.pk}{suffix}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(dispute_csv(data), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@login_required
@permission_required("claims.add_annotation", raise_exception=True)
def dispute_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a note to the dispute's thread (claims.views.notes)."""
    dispute = get_object_or_404(Dispute, pk=pk)

    def whole_page(form: AnnotationForm) -> HttpResponse:
        return render(request, "claims/dispute_detail.html", page_context(request, dispute, note_form=form), status=422)

    return note_add(request, dispute, whole_page=whole_page)


urlpatterns = [
    path("disputes/<int:pk>/", dispute_detail, name="dispute_detail"),
    re_path(r"^disputes/(?P<pk>[0-9]+)/export\.(?P<fmt>csv|json)$", dispute_export_view, name="dispute_export"),
    path("disputes/<int:pk>/notes/", dispute_note_add, name="dispute_note_add"),
]
