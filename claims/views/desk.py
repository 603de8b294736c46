"""The desk's home page: what needs attention now.

Four lists: disputes by newest activity, claims waiting to be grouped into a dispute, stories
with no claims logged yet, and recent notes. Each reads an index newest first, one keyset page at
a time (claims.views.common.keyset_page), so the page costs the same whatever the archive holds:
the waiting claims, the stories without claims and each dispute's claim count are kept by
database triggers (claims.models.desk, claims.DisputeActivity), never worked out by scanning.
Each list pages on its own with its own cursor (core.keyset): htmx swaps just that list (the
request names it as its target); without JavaScript the links reload the page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from claims.models import Annotation, DisputeActivity, StoryWithoutClaims, WaitingClaim
from core.keyset import BadCursor, Key, KeysetPage, keyset_page, parse_date_value, parse_datetime_value

PER_PAGE = 15
LISTS = ("disputes", "waiting", "stories", "notes")


def disputes_by_activity(request: HttpRequest) -> KeysetPage:
    """Active disputes, the most recently touched first: an edit of the dispute, a claim placed in
    it, or a note on it, with their claim counts (claims.DisputeActivity, kept by triggers)."""
    activity: QuerySet = DisputeActivity.objects.filter(dispute__merged_into__isnull=True).select_related("dispute")
    page = _page(request, "disputes", activity, (_when("touched_at"), _id("dispute_id")))
    for row in page.items:
        row.dispute.last_activity, row.dispute.claim_count = row.touched_at, row.claim_count
    page.items = [row.dispute for row in page.items]
    return page


def claims_waiting(request: HttpRequest) -> KeysetPage:
    """Claims in no dispute yet, newest first."""
    waiting = WaitingClaim.objects.select_related("claim__speaker__side", "claim__story__outlet")
    page = _page(request, "waiting", waiting, (_when("created_at"), _id("claim_id")))
    page.items = [row.claim for row in page.items]
    return page


def stories_without_claims(request: HttpRequest) -> KeysetPage:
    """Stories with no claims logged yet, newest first."""
    stories = StoryWithoutClaims.objects.select_related("story__outlet")
    page = _page(request, "stories", stories, (Key("dated", F("dated_on"), parse_date_value), _id("story_id")))
    page.items = [row.story for row in page.items]
    return page


def recent_notes(request: HttpRequest) -> KeysetPage:
    notes = Annotation.objects.active().select_related("author", "claim", "dispute")
    return _page(request, "notes", notes, (_when("created_at"), _id("id")))


def _when(field: str) -> Key:
    return Key("when", F(field), parse_datetime_value)


def _id(field: str) -> Key:
    return Key("row", F(field), int)


def _page(request: HttpRequest, name: str, rows: QuerySet, keys: tuple[Key, ...]) -> KeysetPage:
    """A page of one list, newest first, each list with its own cursor (``?<name>=``)."""
    return keyset_page(request, rows, keys=keys, per_page=PER_PAGE, salt=f"desk-{name}", param=name)


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
    target = request.htmx.target if request.htmx and not request.htmx.history_restore_request else None
    only = (target or "").removeprefix("desk-")
    context = {}
    for name, source in sources.items():
        if only in LISTS and name != only:
            continue
        try:
            context[name] = source(request)
        except BadCursor as error:
            return render(request, "refused.html", {"title": "Bad page link", "message": str(error)}, status=400)
    if only in LISTS:
        return render(request, f"claims/desk.html#{only}-list", context)
    return render(request, "claims/desk.html", context)


urlpatterns = [
    path("", desk, name="desk"),
]
