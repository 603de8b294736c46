"""Actor and outlet pages: who said what over time, and what each outlet published."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Page
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET

from claims.merging import survivor_of
from claims.models import Actor, Claim, Merge, Statement
from claims.views.common import paginate
from claims.views.inbox import _count
from core.keyset import BadCursor, Key, KeysetPage, keyset_page, parse_datetime_value
from sources.models import Outlet, Story

PER_PAGE = 25


def claims_for_list(qs: QuerySet) -> QuerySet:
    """Claims with what a list row shows, oldest first by when they were said (or published)."""
    return (
        qs.with_card_data()
        .prefetch_related("disputes")
        .annotate(when=Coalesce("said_on", "story__published_on"))
        .order_by("when", "story_id", "start", "pk")
    )


# An actor's claims, newest logged first, a keyset page at a time over claims_claim_speaker_created
# (speaker, created_at, id): the busiest speaker's page 100 costs what page 1 does. (Ordering by
# "said on, else published on" would need the story's date, which no index on claims holds.)
ACTOR_CLAIM_KEYS = (Key("logged", F("created_at"), parse_datetime_value), Key("row", F("id"), int))


def _with_roles(claims: Page | KeysetPage) -> Page | KeysetPage:
    for claim in claims:
        claim.role = claim.speaker.role_on(claim.when) if claim.speaker else None
    return claims


COUNT_CAP = 10_000


def _capped_count(qs: QuerySet) -> str:
    """How many rows, counted no further than ``COUNT_CAP`` ("10,000+")."""
    n = qs.order_by().values("pk")[: COUNT_CAP + 1].count()
    return f"{COUNT_CAP:,}+" if n > COUNT_CAP else f"{n:,}"


@require_GET
@login_required
@permission_required("claims.view_actor", raise_exception=True)
def actor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An actor's aliases, roles and side, and their claims and statements over time.

    A merged actor redirects to the one it was merged into.
    """
    actor = get_object_or_404(Actor.objects.select_related("side", "merged_into"), pk=pk)
    if actor.merged_into_id is not None:
        return redirect(survivor_of(actor))
    listed = (
        Claim.objects.filter(speaker=actor)
        .with_card_data()
        .prefetch_related("disputes")
        .annotate(when=Coalesce("said_on", "story__published_on"))
    )
    try:
        claims = _with_roles(
            keyset_page(
                request, listed, keys=ACTOR_CLAIM_KEYS, per_page=PER_PAGE, salt=f"actor-{actor.pk}", param="claims"
            )
        )
    except BadCursor as error:
        return render(request, "refused.html", {"title": "Bad page link", "message": str(error)}, status=400)
    statements = paginate(
        request,
        Statement.objects.filter(speaker=actor)
        .select_related("responds_to__speaker")
        # counted by a subquery, for the page's statements only: a GROUP BY over the join counted
        # every version of every statement of the actor first (43 ms for the busiest at 1M claims)
        .annotate(version_count=_count(Claim.objects.all(), "statement"))
        .order_by("-said_on", "-id"),
        param="statements_page",
        per_page=PER_PAGE,
    )
    merges = Merge.objects.filter(survivor_actor=actor).select_related("duplicate_actor", "merged_by", "undone_by")
    context = {
        "actor": actor,
        "aliases": [a for a in actor.aliases.all() if a.alias != actor.name],
        "roles": actor.roles.all(),
        "claims": claims,
        "statements": statements,
        "claim_total": _capped_count(Claim.objects.filter(speaker=actor)),
        "merges": merges[:20],
        "can_merge": request.user.has_perm("claims.merge_actor"),
    }
    return render(request, "claims/actor_detail.html", context)


@require_GET
@login_required
@permission_required("sources.view_outlet", raise_exception=True)
def outlet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An outlet: its stories, the claims in them, and where its copy was carried."""
    outlet = get_object_or_404(Outlet, pk=pk)
    claims = _with_roles(
        paginate(request, claims_for_list(Claim.objects.filter(story__outlet=outlet)), per_page=PER_PAGE)
    )
    stories = paginate(
        request,
        Story.objects.filter(outlet=outlet)
        .select_related("current_revision")
        .annotate(claim_count=Count("claims", filter=Claim.objects.active_condition("claims__")))
        .prefetch_related("sources__outlet")
        .order_by("-published_on", "-id"),
        param="stories_page",
        per_page=PER_PAGE,
    )
    carried_in = paginate(
        request,
        Story.objects.filter(sources__outlet=outlet)
        .select_related("outlet")
        .distinct()
        .order_by("-published_on", "-id"),
        param="carried_page",
        per_page=PER_PAGE,
    )
    context = {
        "outlet": outlet,
        "claims": claims,
        "stories": stories,
        "carried_in": carried_in,
        "via_count": Claim.objects.filter(via__outlet=outlet).count(),
    }
    return render(request, "claims/outlet_detail.html", context)


urlpatterns = [
    path("actors/<int:pk>/", actor_detail, name="actor_detail"),
    path("outlets/<int:pk>/", outlet_detail, name="outlet_detail"),
]
