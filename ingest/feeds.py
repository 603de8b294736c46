"""Polling feeds: a poll reads the feed and queues a job per new or changed item.

A poll (one job per feed at a time: procrastinate's ``lock``, and at most one waiting:
``queueing_lock``) fetches the feed, records a ``FeedPoll``, and for each item the feed lists:
- unchanged since it was last imported (same link, title and dates): counted as skipped;
- new, changed, or not imported yet (it failed before): a ``FeedItem`` waiting, and an
  import job for it (``ingest.tasks.feed_item_import_job``), so items are fetched in parallel by
  as many workers as run.
Each item job fetches the article, imports it (one transaction) and records the outcome (new
story, new revision, unchanged, or failed with the reason) on the item and in its poll's counts.
A feed that cannot be fetched or read is recorded on the poll and the feed, and polled again at
its next time; one bad item never stops the others.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import feedparser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.errors import DomainError
from ingest.articles import article_fetch, article_store, clip
from ingest.fetching import FEED_TYPES, fetch
from ingest.models import Feed, FeedItem, FeedPoll, Outcome

# A feed listing more items than this has the rest ignored (and the poll says so).
MAX_ITEMS_PER_POLL = 2000
_GUID_MAX = FeedItem._meta.get_field("guid").max_length
_DONE = (Outcome.NEW_STORY, Outcome.NEW_REVISION, Outcome.UNCHANGED)
_COUNTER = {
    Outcome.NEW_STORY: "new",
    Outcome.NEW_REVISION: "updated",
    Outcome.UNCHANGED: "skipped",
    Outcome.FAILED: "failed",
}


def _entry_date(entry: feedparser.FeedParserDict) -> date | None:
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    if not parsed:
        return None
    try:
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    except ValueError:
        return None


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(part or "") for part in parts).encode()).hexdigest()


def feed_read(feed: Feed) -> feedparser.FeedParserDict:
    """Fetch and parse ``feed``; ``DomainError`` with the reason when it is not a feed."""
    page = fetch(feed.url, accept=FEED_TYPES)
    parsed = feedparser.parse(page.body, response_headers={"content-type": page.content_type})
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        problem = parsed.get("bozo_exception")
        raise DomainError(f"{feed.url} is not an RSS or Atom feed{f' ({problem})' if problem else ''}.")
    return parsed


def feed_poll(feed: Feed) -> FeedPoll:
    """Read ``feed`` once and queue its new and changed items (see the module docstring)."""
    from ingest.tasks import feed_item_import_job

    now = timezone.now()
    try:
        parsed = feed_read(feed)
    except DomainError as error:
        with transaction.atomic():
            poll = FeedPoll.objects.create(feed=feed, started_at=now, finished_at=now, error=error.message)
            Feed.objects.filter(pk=feed.pk).update(
                last_polled_at=now,
                next_poll_at=now + timedelta(minutes=feed.interval_minutes),
                last_error=error.message,
            )
        return poll

    entries = parsed.entries[:MAX_ITEMS_PER_POLL]
    listed: dict[str, tuple[str, str, date | None, str]] = {}
    unusable: list[str] = []
    for entry in entries:
        link = (entry.get("link") or "").strip()
        guid = (entry.get("id") or link).strip()[:_GUID_MAX]
        title = clip(entry.get("title"), 500)
        if not link or not guid:
            unusable.append(title or "an item")
            continue
        published = _entry_date(entry)
        dates = (dict.get(entry, "updated_parsed"), dict.get(entry, "published_parsed"))
        listed[guid] = (link, title, published, _fingerprint(link, title, *dates))

    with transaction.atomic():
        poll = FeedPoll.objects.create(feed=feed, started_at=now, items=len(listed), skipped=0)
        known = {item.guid: item for item in FeedItem.objects.filter(feed=feed, guid__in=list(listed))}
        queued: list[int] = []
        skipped = 0
        for guid, (link, title, published, fingerprint) in listed.items():
            item = known.get(guid)
            if item is not None and item.fingerprint == fingerprint and item.outcome in _DONE:
                skipped += 1
                continue
            if item is None:
                item = FeedItem(feed=feed, guid=guid)
            item.url, item.title, item.published_on, item.fingerprint = link[:1000], title, published, fingerprint
            item.poll, item.outcome, item.reason, item.seen_at, item.done_at = poll, Outcome.WAITING, "", now, None
            item.save()
            queued.append(item.pk)
        poll.skipped = skipped
        notes = []
        if unusable:
            notes.append(f"{len(unusable)} item(s) without a link were ignored: {', '.join(unusable[:5])}")
        if len(parsed.entries) > MAX_ITEMS_PER_POLL:
            notes.append(f"the feed lists {len(parsed.entries)} items; only the first {MAX_ITEMS_PER_POLL} were read")
        poll.error = "; ".join(notes)
        if not queued:
            poll.finished_at = now
        poll.save()
        Feed.objects.filter(pk=feed.pk).update(
            title=clip(parsed.feed.get("title"), 300),
            last_polled_at=now,
            next_poll_at=now + timedelta(minutes=feed.interval_minutes),
            last_error="",
        )
        # in this transaction: the items and their jobs commit together
        if queued:
            feed_item_import_job.batch_defer(*({"item_id": pk} for pk in queued))
    return poll


def _item_done(item: FeedItem, outcome: str, *, reason: str = "", story_id: int | None = None) -> None:
    now = timezone.now()
    FeedItem.objects.filter(pk=item.pk).update(outcome=outcome, reason=reason, story_id=story_id, done_at=now)
    if item.poll_id is None:
        return
    polls = FeedPoll.objects.filter(pk=item.poll_id)
    polls.update(**{_COUNTER[outcome]: F(_COUNTER[outcome]) + 1})
    polls.filter(finished_at__isnull=True, items__lte=F("new") + F("updated") + F("skipped") + F("failed")).update(
        finished_at=now
    )


def feed_item_import(item: FeedItem) -> str:
    """Fetch, extract and import one waiting item; record what became of it. Returns the outcome."""
    if item.outcome != Outcome.WAITING:
        return item.outcome  # done already (a job run twice after a worker died)
    try:
        article = article_fetch(item.url)
        with transaction.atomic():
            result = article_store(
                outlet=item.feed.outlet,
                url=item.url,
                article=article,
                headline=item.title,
                published_on=item.published_on,
                source_name=f"feed {item.feed.url}",
            )
            _item_done(item, result.outcome, story_id=result.story.pk)
            return result.outcome
    except DomainError as error:
        with transaction.atomic():
            _item_done(item, Outcome.FAILED, reason=error.message[:2000])
        return Outcome.FAILED
