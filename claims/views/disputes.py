"""The dispute page, the heart of the desk: who says what, where, when, and how far apart.

Claim cards in columns by side (the outlets' own-voice claims in a column of their own) or by
outlet; who blames whom; range charts and spreads of comparable figures; versions of one
statement side by side with a word diff; the note thread; CSV and JSON exports.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_GET, require_POST

from claims.charts import comparable_charts
from claims.exports import dispute_csv, dispute_export
from claims.figures import spreads
from claims.forms import AnnotationForm
from claims.models import Claim, ClaimDispute, Dispute, Figure, Review
from claims.views.common import paginate
from claims.views.notes import note_add, notes_context
from core.diffing import SideBySide, closest_pairs

CARDS_PER_PAGE = 60
VERSIONS_PER_STATEMENT = 8
OWN_VOICE = "Outlets' own voice"
NO_SIDE = "No side"
BLAME_KINDS = {Dispute.Kind.ATTACK_ATTRIBUTION, Dispute.Kind.CEASEFIRE_VIOLATION}


# --- Reads -------------------------------------------------------------------------------------


def placements_for(dispute: Dispute) -> QuerySet[ClaimDispute]:
    """The dispute's claims (withdrawn ones left out) with everything a card shows."""
    reviews = Review.objects.filter(withdrawn_at__isnull=True).select_related("reviewer").order_by("created_at")
    return (
        ClaimDispute.objects.filter(dispute=dispute)
        .active()
        .select_related("blames")
        .prefetch_related(
            Prefetch("claim", Claim.objects.with_card_data().prefetch_related(Prefetch("reviews", reviews)))
        )
        .annotate(note_count=Count("claim__annotations", filter=Q(claim__annotations__withdrawn_at__isnull=True)))
        .order_by("claim__speaker__side__name", "claim__story__published_on", "claim__story_id", "claim__start")
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
    cards: list[ClaimDispute] = field(default_factory=list)


def columns(placements: list[ClaimDispute], by: str) -> list[Column]:
    """Group cards into columns by side (own voice and no side last) or by outlet."""
    found: dict[str, Column] = {}
    for placement in placements:
        claim = placement.claim
        if by == "outlet":
            outlet = claim.story.outlet
            key, label = f"outlet-{outlet.pk}", outlet.name
            badge = "State media" if outlet.state_affiliated else ""
        else:
            (key, label), badge = voice_of(claim), ""
        found.setdefault(key, Column(key, label, badge)).cards.append(placement)
    last = {"own-voice": 2, "no-side": 1}
    return sorted(found.values(), key=lambda c: (last.get(c.key, 0), c.label))


def prepare_cards(placements: list[ClaimDispute]) -> None:
    """Attach what a card needs that the template cannot compute: the role held on the day."""
    for placement in placements:
        claim = placement.claim
        day = claim.said_on or claim.story.published_on
        claim.role_then = claim.speaker.role_on(day) if claim.speaker_id else None
        reviews = list(claim.reviews.all())
        claim.published_reviews = [r for r in reviews if r.is_published]
        claim.draft_reviews = [r for r in reviews if not r.is_published]


@dataclass
class BlameRow:
    voice: str
    blames: dict[str, int] = field(default_factory=dict)
    denials: int = 0
    claims: int = 0


def who_blames_whom(dispute: Dispute) -> list[BlameRow]:
    """Each party's version of who did it: per voice, which side its claims hold responsible."""
    rows: dict[str, BlameRow] = {}
    placements = (
        ClaimDispute.objects.filter(dispute=dispute)
        .active()
        .values_list(
            "claim__speaker_id", "claim__speaker__side__name", "claim__story__outlet__name", "blames__name", "stance"
        )
    )
    for speaker_id, side, outlet, blames, stance in placements:
        voice = f"{outlet} (own voice)" if speaker_id is None else side or NO_SIDE
        row = rows.setdefault(voice, BlameRow(voice))
        row.claims += 1
        if stance == ClaimDispute.Stance.DENIES:
            row.denials += 1
        if blames:
            row.blames[blames] = row.blames.get(blames, 0) + 1
    return sorted(rows.values(), key=lambda r: r.voice)


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

    Claims of one statement in the same story are different parts of it, not versions, so only
    wordings from different stories are paired (core.diffing.closest_pairs).
    """
    versions = (
        Claim.objects.active()
        .filter(statement__in=Claim.objects.filter(dispute_links__dispute=dispute).values("statement"))
        .select_related("statement__speaker", "story__outlet")
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
                    OutletWordings(
                        claims[0].story, claims[:VERSIONS_PER_STATEMENT], max(0, len(claims) - VERSIONS_PER_STATEMENT)
                    )
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


def cards_context(request: HttpRequest, dispute: Dispute) -> dict[str, Any]:
    by = "outlet" if request.GET.get("by") == "outlet" else "side"
    page = paginate(request, placements_for(dispute), per_page=CARDS_PER_PAGE, hx={"part": "cards"})
    placements = list(page)
    prepare_cards(placements)
    return {"dispute": dispute, "by": by, "page": page, "columns": columns(placements, by)}


def page_context(request: HttpRequest, dispute: Dispute, *, note_form: AnnotationForm | None = None) -> dict[str, Any]:
    context = cards_context(request, dispute)
    figures = list(
        Figure.objects.filter(claim__in=Claim.objects.active().filter(dispute_links__dispute=dispute))
        .select_related("whose", "scope", "claim__speaker__side", "claim__story__outlet")
        .order_by("as_of", "id")
    )
    charts, increments = comparable_charts(
        figures, series_of=lambda f: voice_of(f.claim), last_series=("no-side", "own-voice")
    )
    context.update(
        charts=charts,
        increments=increments,
        spreads=spreads(figures),
        blame_rows=who_blames_whom(dispute) if dispute.kind in BLAME_KINDS else [],
        statements=statement_versions(dispute),
        **notes_context(request, dispute, reverse("claims:dispute_note_add", args=[dispute.pk]), form=note_form),
        can_publish=request.user.has_perm("claims.publish_dispute"),
    )
    return context


@require_GET
@login_required
@permission_required(["claims.view_dispute", "claims.view_claim"], raise_exception=True)
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(Dispute.objects.select_related("merged_into"), pk=pk)
    if dispute.merged_into_id:
        return redirect(_surviving(dispute))
    if request.htmx and request.GET.get("part") == "cards":
        return render(request, "claims/dispute_detail.html#cards", cards_context(request, dispute))
    return render(request, "claims/dispute_detail.html", page_context(request, dispute))


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
