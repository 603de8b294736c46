"""The ways in as background jobs (procrastinate tasks, found by procrastinate's Django app).

- ``feeds_due`` (every minute) queues a poll of each active feed due nearer this run than the next
  (so a feed is polled at its interval, give or take half a minute, never a minute late);
- ``feed_poll_job`` polls one feed: ``lock`` keeps two workers from polling the same feed at once,
  ``queueing_lock`` keeps one poll of it waiting at most;
- ``feed_item_import_job`` imports one item of a feed, ``link_import_job`` one pasted link;
- ``drop_folder_scan_job`` (every minute, queue ``drops``) imports what agencies dropped in the
  drop folder: only workers on the machine that holds the folder should take that queue;
- ``stalled_jobs_retry`` (every minute) puts back in their queue the jobs of a worker that died
  mid-job (no heartbeat for ``STALLED_AFTER`` seconds: a machine lost, a process killed), so they
  run again elsewhere and a feed whose poll it held is not locked for ever.
Unexpected failures are retried with backoff (``ingest.jobs.RETRY``) and recorded for the admin;
expected ones (a page that cannot be fetched, a file that is not a story) are recorded where the
editor sees them, and are not errors of the job.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from procrastinate import exceptions as procrastinate_exceptions
from procrastinate import jobs
from procrastinate.contrib.django import app

from ingest.jobs import RETRY
from ingest.models import Feed, FeedItem, LinkImport


def feed_lock(feed_id: int) -> str:
    return f"ingest.feed.{feed_id}"


@app.task(queue="ingest", retry=RETRY, name="ingest.feed_poll")
def feed_poll_job(*, feed_id: int) -> None:
    from ingest.feeds import feed_poll

    feed = Feed.objects.select_related("outlet").filter(pk=feed_id, active=True).first()
    if feed is not None:
        feed_poll(feed)


def feed_poll_defer(feed: Feed) -> bool:
    """Queue a poll of ``feed`` now; False when one is already waiting."""
    lock = feed_lock(feed.pk)
    try:
        # a savepoint: the refused insert (the queueing lock's unique index) must not abort the
        # transaction this runs in
        with transaction.atomic():
            feed_poll_job.configure(lock=lock, queueing_lock=lock).defer(feed_id=feed.pk)
    except procrastinate_exceptions.AlreadyEnqueued:
        return False
    return True


FEEDS_DUE_EVERY = timedelta(minutes=1)  # the cron below


@app.periodic(cron="* * * * *", periodic_id="feeds_due")
@app.task(queue="ingest", name="ingest.feeds_due", queueing_lock="ingest.feeds_due")
def feeds_due(timestamp: int) -> int:
    """Queue a poll of every active feed whose next poll is nearer this run than the next: due by
    this run's scheduled minute (``timestamp``) plus half a minute. Returns how many were queued.
    (Only those already due would poll a feed read at 14:20:05 every minute at 14:22, not 14:21:
    its next poll, 14:21:05, is not yet due at the 14:21 run. Half a minute, not a whole one, keeps
    a feed read at 14:20:55 from being read again five seconds later at the 14:21 run. Counting
    from the scheduled minute, not from now, keeps a run that starts late from reading early.)"""
    queued = 0
    due_by = datetime.fromtimestamp(timestamp, tz=UTC) + FEEDS_DUE_EVERY / 2
    for feed in Feed.objects.filter(active=True, next_poll_at__lte=due_by).order_by("next_poll_at")[:500]:
        queued += feed_poll_defer(feed)
    return queued


@app.task(queue="ingest", retry=RETRY, name="ingest.feed_item_import")
def feed_item_import_job(*, item_id: int) -> None:
    from ingest.feeds import feed_item_import

    item = FeedItem.objects.select_related("feed__outlet").filter(pk=item_id).first()
    if item is not None:
        feed_item_import(item)


@app.task(queue="ingest", retry=RETRY, name="ingest.link_import")
def link_import_job(*, link_id: int) -> None:
    from ingest.services import link_import_run

    link = LinkImport.objects.select_related("outlet", "requested_by").filter(pk=link_id).first()
    if link is not None:
        link_import_run(link)


@app.periodic(cron="* * * * *", periodic_id="drop_folder")
@app.task(queue="drops", name="ingest.drop_folder_scan", lock="ingest.drop_folder", queueing_lock="ingest.drop_folder")
def drop_folder_scan_job(timestamp: int) -> int:
    """Import what lies in the drop folder (``settings.INGEST_DROP_DIR``), if one is set."""
    from ingest.drops import drop_folder_scan

    if not settings.INGEST_DROP_DIR:
        return 0
    return len(drop_folder_scan(Path(settings.INGEST_DROP_DIR)))


# A worker sends a heartbeat every 10 s (procrastinate's default); one silent this long is dead.
STALLED_AFTER = 60


@app.periodic(cron="* * * * *", periodic_id="stalled_jobs")
@app.task(queue="ingest", name="ingest.stalled_jobs_retry", queueing_lock="ingest.stalled_jobs_retry")
async def stalled_jobs_retry(timestamp: int) -> int:
    """Retry the jobs left "doing" by workers that stopped sending heartbeats (procrastinate's
    recipe for stalled jobs); returns how many. A job that is merely slow keeps its worker's
    heartbeat going and is left alone."""
    stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER)
    for job in stalled:
        try:
            await app.job_manager.retry_job(job)
        except procrastinate_exceptions.UniqueViolation:
            # the same job already waits (its queueing lock: a feed's next poll was queued while
            # this one was stuck): that one does the work, this one ends failed and frees its lock
            await app.job_manager.finish_job(job, status=jobs.Status.FAILED, delete_job=False)
    return len(stalled)
