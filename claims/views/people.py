"""Actor and outlet pages: who said what over time, and what each outlet published."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Page
from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET

from claims.merging import survivor_of
from claims.models import Actor, Claim, Merge, Statement
from claims.views.common import paginate
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


def _with_roles(claims: Page) -> Page:
    for claim in claims:
        claim.role = claim.speaker.role_on(claim.when) if claim.speaker else None
    return claims


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
    claims = _with_roles(paginate(request, claims_for_list(Claim.objects.filter(speaker=actor)), per_page=PER_PAGE))
    statements = paginate(
        request,
        Statement.objects.filter(speaker=actor)
        .select_related("responds_to__speaker")
        .annotate(version_count=Count("versions"))
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
        "claim_total": claims.paginator.count,
        "merges": merges[:20],
        "can_merge": request.user.has_perm("claims.merge_actor"),
    }
    if context["can_merge"]:
        context["merge_candidates"] = Actor.objects.active().exclude(pk=actor.pk).select_related("side")
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
