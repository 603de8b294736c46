"""The editors' front door: every story to work through (/stories/) and every dispute (/disputes/).

Both are keyset pages (core/keyset.py) over one fixed ordering that an index answers, so any page
costs the same at any archive size and nothing is counted over the whole table; each filter has
an index of its own. The per-row numbers (revisions, claims logged, suggestions waiting, flagged
claims; a dispute's claim count) are subqueries evaluated for the rows of the page only.
Suggestions waiting come from the assistant's stored reading (claims.StoryReading, kept by
triggers), never from running the assistant on a GET.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from claims.forms_inbox import DisputeFilterForm, StoryFilterForm
from claims.models import Claim, Dispute, StoryReading
from claims.views.alerts import inbox_alerts
from core.keyset import BadCursor, Key, keyset_page, parse_date_value, parse_datetime_value
from core.search import search_query
from sources.models import STORY_NEWEST, Story

PER_PAGE = 50
STORY_KEYS = (Key("newest", STORY_NEWEST, parse_date_value), Key("story_id", F("id"), int))
DISPUTE_KEYS = (
    Key("touched", F("activity__touched_at"), parse_datetime_value),
    Key("dispute_id", F("id"), int),
)


def needs_reanchoring() -> QuerySet[Claim]:
    """Claims in use whose words were not found in the story's new revision."""
    return Claim.objects.active().filter(needs_reanchoring=True)


def _count(qs: QuerySet, field_name: str = "story") -> Subquery:
    """The number of rows of ``qs`` for the outer row, as a subquery (run for the page's rows)."""
    counted = qs.filter(**{field_name: OuterRef("pk")}).order_by().values(field_name).annotate(n=Count("*"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def inbox_stories(data: dict) -> QuerySet[Story]:
    """The stories matching the inbox's filters (``StoryFilterForm.cleaned_data``), with what each
    row shows; unordered (the keyset page orders them)."""
    qs = Story.objects.select_related("outlet")
    if data.get("outlet"):
        qs = qs.filter(outlet=data["outlet"])
    if data.get("language"):
        qs = qs.filter(language=data["language"])
    # on the indexed expression, so the date range is an index range; undated stories fall outside
    if data.get("date_from"):
        qs = qs.alias(newest_on=STORY_NEWEST).filter(newest_on__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.alias(newest_on=STORY_NEWEST).filter(newest_on__lte=data["date_to"], published_on__isnull=False)
    if data.get("q"):
        qs = qs.filter(search_vector=search_query(data["q"]))
    reading = StoryReading.objects.filter(story=OuterRef("pk"), revision=OuterRef("current_revision"))
    if data.get("suggestions"):
        qs = qs.filter(Exists(reading.filter(waiting__gt=0)))
    if data.get("flagged"):
        # flagged: words not found again, or words and figures that disagree after a revision
        # (each a partial index over few claims)
        qs = qs.filter(
            Exists(needs_reanchoring().filter(story=OuterRef("pk")))
            | Exists(Claim.objects.figures_disagree().filter(story=OuterRef("pk")))
        )
    return qs.annotate(
        revision_count=F("current_revision__number"),
        claim_count=_count(Claim.objects.active()),
        reanchoring_count=_count(needs_reanchoring()),
        disagree_count=_count(Claim.objects.figures_disagree()),
        suggestions_waiting=Subquery(reading.values("waiting")[:1]),
    )


def _list_page(
    request: HttpRequest, form, source, keys, *, salt: str, template: str, name: str, extra: dict | None = None
) -> HttpResponse:
    """A filtered keyset list: the whole page, or (htmx) just its rows. Bad filters answer 422 with
    the form's messages; a page link the list did not hand out answers 400."""
    context: dict = {"form": form, "page": None, "error": "", **(extra or {})}
    status = 200
    if not form.is_valid():
        status = 422
    else:
        try:
            context["page"] = keyset_page(request, source(form.cleaned_data), keys=keys, per_page=PER_PAGE, salt=salt)
        except BadCursor as error:
            context["error"], status = str(error), 400
    context["filtered"] = form.is_bound and any(form.data.get(field) for field in form.fields)
    # the filter form and the pager's links ask htmx to swap only the rows (#<list>-rows)
    partial = request.htmx and request.htmx.target == f"{name}-rows" and not request.htmx.history_restore_request
    return render(request, f"{template}#rows" if partial else template, context, status=status)


@require_GET
@login_required
@permission_required(["sources.view_story", "claims.view_claim"], raise_exception=True)
def story_list(request: HttpRequest) -> HttpResponse:
    """The inbox: stories newest first (undated last), with their revisions, claims, suggestions
    waiting and flags, filtered by outlet, dates, language, headline words and what needs work;
    above them, the newest unresolved alerts on what the editor follows."""
    return _list_page(
        request,
        StoryFilterForm(request.GET),
        inbox_stories,
        STORY_KEYS,
        salt="stories",
        template="claims/story_list.html",
        name="story",
        extra={"alerts": inbox_alerts(request.user)},
    )


def dispute_list_rows(data: dict) -> QuerySet[Dispute]:
    """The disputes matching the list's filters, with kind, status, claim count and last activity."""
    # last activity and claim count are kept by triggers in claims.DisputeActivity
    qs = Dispute.objects.active().annotate(
        last_activity=F("activity__touched_at"), claim_count=F("activity__claim_count")
    )
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("published"):
        qs = qs.filter(is_published=data["published"] == "yes")
    if data.get("q"):
        qs = qs.filter(search_vector=search_query(data["q"]))
    return qs


@require_GET
@login_required
@permission_required(["claims.view_dispute", "claims.view_claim"], raise_exception=True)
def dispute_list(request: HttpRequest) -> HttpResponse:
    """Every dispute (merged ones left out), newest activity first, filtered by kind, status,
    published state and title words."""
    return _list_page(
        request,
        DisputeFilterForm(request.GET),
        dispute_list_rows,
        DISPUTE_KEYS,
        salt="disputes",
        template="claims/dispute_list.html",
        name="dispute",
    )


urlpatterns = [
    path("stories/", story_list, name="story_list"),
    path("disputes/", dispute_list, name="dispute_list"),
]
