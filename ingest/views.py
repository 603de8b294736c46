"""The desk's pages for the ways in: the sources page (feeds with what their polls did, the drop
folder, pushes) and importing a story from a link."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from ingest.drops import FAILED
from ingest.forms import FeedForm, LinkImportForm
from ingest.models import Feed, FeedItem, FeedPoll, IngestKey, LinkImport, Outcome
from ingest.services import feed_register, link_import_request
from ingest.tasks import feed_poll_defer

FEEDS_SHOWN = 200
RECENT_LINKS = 20
DROP_FAILURES_SHOWN = 10

app_name = "ingest"


def _feeds_with_latest_polls() -> tuple[list[Feed], bool]:
    """The feeds (at most FEEDS_SHOWN), each with ``latest`` poll: two queries whatever the count."""
    feeds = list(Feed.objects.select_related("outlet").order_by("outlet__name", "url")[: FEEDS_SHOWN + 1])
    more = len(feeds) > FEEDS_SHOWN
    feeds = feeds[:FEEDS_SHOWN]
    latest = {
        poll.feed_id: poll
        for poll in FeedPoll.objects.filter(feed__in=feeds).order_by("feed_id", "-started_at").distinct("feed_id")
    }
    for feed in feeds:
        feed.latest = latest.get(feed.pk)
    return feeds, more


def _drop_folder() -> dict | None:
    """The drop folder's state for the page: its path and its latest refusals, read from disk."""
    if not settings.INGEST_DROP_DIR:
        return None
    root = Path(settings.INGEST_DROP_DIR)
    failures = []
    failed = root / FAILED
    if failed.is_dir():
        reasons = sorted(failed.rglob("*.reason.txt"), key=lambda p: p.stat().st_mtime, reverse=True)
        for reason in reasons[:DROP_FAILURES_SHOWN]:
            name = str(reason.relative_to(failed)).removesuffix(".reason.txt")
            failures.append({"name": name, "reason": reason.read_text(errors="replace")[:500]})
    return {"path": root, "exists": root.is_dir(), "failures": failures}


def _sources_page(request: HttpRequest, form: FeedForm, *, status: int = 200) -> HttpResponse:
    feeds, more = _feeds_with_latest_polls()
    context = {
        "form": form,
        "feeds": feeds,
        "more_feeds": more,
        "drop": _drop_folder(),
        "ingest_keys": IngestKey.objects.filter(revoked=False).count(),
    }
    return render(request, "ingest/sources.html", context, status=status)


@require_GET
@login_required
@permission_required("ingest.view_feed", raise_exception=True)
def sources(request: HttpRequest) -> HttpResponse:
    return _sources_page(request, FeedForm())


@require_POST
@login_required
@permission_required("ingest.add_feed", raise_exception=True)
def feed_add(request: HttpRequest) -> HttpResponse:
    form = FeedForm(request.POST)
    if form.is_valid():
        try:
            feed = feed_register(author=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Feed added for {feed.outlet}: it is being read now.")
            return redirect(reverse("ingest:sources") + f"#feed-{feed.pk}")
    return _sources_page(request, form, status=422)


@require_GET
@login_required
@permission_required("ingest.view_feed", raise_exception=True)
def feed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(Feed.objects.select_related("outlet", "created_by"), pk=pk)
    polls = list(feed.polls.order_by("-started_at")[:20])
    problems = FeedItem.objects.none()
    if polls:
        problems = polls[0].item_set.filter(outcome=Outcome.FAILED).order_by("id")[:100]
    recent = feed.items.select_related("story").order_by("-seen_at", "-id")[:50]
    context = {"feed": feed, "polls": polls, "problems": problems, "recent": recent}
    return render(request, "ingest/feed_detail.html", context)


@require_POST
@login_required
@permission_required("ingest.change_feed", raise_exception=True)
def feed_poll_now(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(Feed, pk=pk)
    if feed_poll_defer(feed):
        messages.success(request, f"{feed.url} will be read in a moment.")
    else:
        messages.info(request, f"{feed.url} is already waiting to be read.")
    return redirect(reverse("ingest:sources") + f"#feed-{feed.pk}")


def _link_page(request: HttpRequest, form: LinkImportForm, *, status: int = 200) -> HttpResponse:
    links = list(
        LinkImport.objects.filter(requested_by=request.user)
        .select_related("outlet", "story")
        .order_by("-requested_at", "-id")[:RECENT_LINKS]
    )
    waiting = any(link.outcome == Outcome.WAITING for link in links)
    template = "ingest/link_import.html#recent-links" if request.htmx and request.method == "GET" else None
    context = {"form": form, "links": links, "waiting": waiting}
    return render(request, template or "ingest/link_import.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("ingest.add_linkimport", raise_exception=True)
def link_import(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _link_page(request, LinkImportForm())
    form = LinkImportForm(request.POST)
    if form.is_valid():
        try:
            link = link_import_request(author=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"{link.url} is being fetched; its result appears below.")
            return redirect("ingest:link_import")
    return _link_page(request, form, status=422)


urlpatterns = [
    path("sources/", sources, name="sources"),
    path("sources/feeds/", feed_add, name="feed_add"),
    path("sources/feeds/<int:pk>/", feed_detail, name="feed_detail"),
    path("sources/feeds/<int:pk>/poll/", feed_poll_now, name="feed_poll_now"),
    path("stories/import/link/", link_import, name="link_import"),
]
