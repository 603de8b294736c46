"""The desk's home page: what needs attention now.

Four paginated lists: disputes by newest activity, claims waiting to be grouped into a dispute,
stories with no claims logged yet, and recent notes. Each list pages on its own (htmx swaps just
that list; without JavaScript the links reload the page).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from claims.models import Annotation, Claim, ClaimDispute, Dispute
from claims.views.common import paginate
from sources.models import Story

PER_PAGE = 15
LISTS = ("disputes", "waiting", "stories", "notes")


def disputes_by_activity():
    """Active disputes, the most recently touched first: an edit of the dispute, a claim placed in
    it, or a note on it (claims.DisputeActivity, kept by database triggers and indexed); claim
    counts are worked out for the rows of the page only."""
    claim_count = (
        ClaimDispute.objects.filter(dispute=OuterRef("pk"))
        .active()
        .values("dispute")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        Dispute.objects.active()
        .annotate(
            last_activity=F("activity__touched_at"),
            claim_count=Coalesce(Subquery(claim_count, output_field=IntegerField()), 0),
        )
        .order_by("-activity__touched_at", "-id")
    )


def claims_waiting():
    """Claims in no dispute yet, newest first."""
    return (
        Claim.objects.active()
        .filter(~Exists(ClaimDispute.objects.filter(claim=OuterRef("pk"))))
        .select_related("speaker__side", "story__outlet")
        .order_by("-created_at", "-id")
    )


def stories_without_claims():
    return (
        Story.objects.filter(~Exists(Claim.objects.active().filter(story=OuterRef("pk"))))
        .select_related("outlet")
        .order_by("-published_on", "-id")
    )


def recent_notes():
    return Annotation.objects.active().select_related("author", "claim", "dispute").order_by("-created_at", "-id")


@require_GET
@login_required
@permission_required(["claims.view_claim", "claims.view_dispute", "sources.view_story"], raise_exception=True)
def desk(request: HttpRequest) -> HttpResponse:
    sources = {
        "disputes": disputes_by_activity,
        "waiting": claims_waiting,
        "stories": stories_without_claims,
        "notes": recent_notes,
    }
    only = request.GET.get("list") if request.htmx else None
    context = {}
    for name, source in sources.items():
        if only in LISTS and name != only:
            continue
        context[name] = paginate(request, source(), per_page=PER_PAGE, param=f"{name}_page", hx={"list": name})
    if only in LISTS:
        return render(request, f"claims/desk.html#{only}-list", context)
    return render(request, "claims/desk.html", context)


urlpatterns = [
    path("", desk, name="desk"),
]
