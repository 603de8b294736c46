"""``manage.py benchmark_ingest``: a local feed of 1,000 items, end to end, with 1 then 2 workers.

Serves a feed and its article pages from a web server in this process, registers the feed for
a fresh outlet, starts N worker processes (``manage.py procrastinate worker``), queues the poll,
and waits until every item is imported and read by the assistant. Measured per run:
- items/s end to end: items / (last reading done - poll queued);
- from an item appearing in the feed (the poll queued) to its suggestions being ready (its
  reading job done, per procrastinate's event), p50 and p95. All items appear at once, so this
  is a burst: the p50 is about half the run, whatever the per-item cost.
Medians over ``--runs`` runs go into docs/performance.md between its ``benchmark-ingest``
markers. Run it on its own database (``make benchmark-ingest`` uses ``var/bench-ingest``): each
run adds its stories.
"""

from __future__ import annotations

import os
import re
import signal
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from ingest.demo import LocalSite
from ingest.models import Feed, FeedItem, FeedPoll
from ingest.tasks import feed_poll_defer
from sources.models import Outlet

SIDES = [("Armenia", "Azerbaijani"), ("Azerbaijan", "Armenian"), ("Russia", "Ukrainian"), ("Ukraine", "Russian")]
PLACES = ["Ganja", "Goris", "Jermuk", "Kalbajar", "Lachin", "Stepanakert", "Sotk", "Tartar", "Fuzuli", "Shusha"]


def article(run: str, n: int) -> tuple[str, str]:
    side, other = SIDES[n % len(SIDES)]
    place = PLACES[n % len(PLACES)]
    headline = f"{side} says {n % 90 + 10} killed in {place} shelling ({run} #{n})"
    paragraphs = [
        f"{side}'s defence ministry said on Tuesday that {n % 90 + 10} civilians were killed and "
        f"{n % 300 + 20} wounded when {other} forces shelled {place} overnight, in report {n} of {run}.",
        f"{other} officials denied the claim, calling it baseless, and said at least {n % 40 + 3} of their "
        f"soldiers had died since Sunday in attacks on positions near {place}.",
        f"A spokesman, Hikmet Hajiyev, told reporters that more than {n % 1500 + 100} houses had been damaged. "
        f'"There is no way now to settle the issue through diplomacy," the prime minister said in a video address.',
        f"The United Nations called for restraint. Some two dozen people were evacuated from {place}, "
        "according to local authorities, who said the figures could rise.",
    ]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    html = (
        f"<!doctype html><html><head><title>{escape(headline)}</title>"
        '<meta property="article:published_time" content="2022-09-14"></head><body>'
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{escape(headline)}</h1>{body}</article>"
        "<aside>READ MORE: other stories</aside><footer>Copyright. Discussion about this post</footer></body></html>"
    )
    return headline, html


class Site(LocalSite):
    """The feed and its pages, served from a thread of this process."""

    def publish(self, run: str, items: int) -> str:
        when = format_datetime(timezone.now())
        entries = []
        for n in range(items):
            headline, html = article(run, n)
            path = f"/{run}/{n}.html"
            self.pages[path] = ("text/html; charset=utf-8", html.encode())
            link = escape(self.url(path))
            entries.append(
                f"<item><title>{escape(headline)}</title><link>{link}</link><guid>{link}</guid>"
                f"<pubDate>{when}</pubDate></item>"
            )
        feed = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Benchmark wire</title>'
            f"<link>{escape(self.url('/'))}</link><description>bench</description>{''.join(entries)}</channel></rss>"
        )
        self.pages[f"/{run}/feed.xml"] = ("application/rss+xml", feed.encode())
        return self.url(f"/{run}/feed.xml")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Ingestion end to end over a local feed: items/s with one and two workers, time to suggestions."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--items", type=int, default=1000)
        parser.add_argument("--runs", type=int, default=3, help="Runs per worker count; medians are reported.")
        parser.add_argument("--workers", default="1,2", help="Worker counts to compare, e.g. 1,2.")
        parser.add_argument("--no-write", action="store_true", help="Print only; leave docs/performance.md.")

    def handle(self, *args, **options) -> None:
        site = Site()
        author, _ = get_user_model().objects.get_or_create(username="benchmark-ingest")
        counts = [int(c) for c in options["workers"].split(",")]
        results: dict[int, list[dict]] = {count: [] for count in counts}
        for run_number in range(options["runs"]):
            for count in counts:
                result = self._run(site, author, count, options["items"], f"r{int(time.time())}w{count}n{run_number}")
                results[count].append(result)
                self.stdout.write(
                    f"{count} worker(s), run {run_number + 1}: {result['rate']:.1f} items/s, "
                    f"{result['elapsed']:.1f} s; to suggestions p50 {result['p50']:.1f} s, p95 {result['p95']:.1f} s; "
                    f"{result['new']} new, {result['failed']} failed"
                )
        table = self._table(results, options["items"])
        self.stdout.write(table)
        if not options["no_write"]:
            self._write(table)

    def _run(self, site: Site, author, workers: int, items: int, run: str) -> dict:
        outlet = Outlet.objects.create(key=f"bench-{run}", name=f"Benchmark wire {run}", created_by=author)
        feed = Feed.objects.create(
            outlet=outlet, url=site.publish(run, items), interval_minutes=10080, created_by=author,
            next_poll_at=timezone.now() + timedelta(days=7),
        )  # fmt: skip
        env = {**os.environ, "CLAIMDESK_FETCH_ALLOW_PRIVATE": "1", "DJANGO_LOG_LEVEL": "WARNING"}
        procs = [
            subprocess.Popen(
                [sys.executable, "manage.py", "procrastinate", "worker"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        try:
            self._wait_for_workers(workers)
            started = timezone.now()
            feed_poll_defer(feed)
            while True:
                time.sleep(0.5)
                poll = FeedPoll.objects.filter(feed=feed).first()
                if poll is not None and poll.finished_at is not None:
                    stories = list(
                        FeedItem.objects.filter(feed=feed, story__isnull=False).values_list("story_id", flat=True)
                    )
                    ready = self._readings_done(stories)
                    if len(ready) >= len(stories):
                        break
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
        latencies = [(at - started).total_seconds() for at in ready.values()]
        elapsed = max(latencies)
        return {
            "rate": items / elapsed,
            "elapsed": elapsed,
            "p50": percentile(latencies, 0.5),
            "p95": percentile(latencies, 0.95),
            "new": poll.new,
            "failed": poll.failed,
        }

    def _wait_for_workers(self, count: int) -> None:
        deadline = time.monotonic() + 120
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM procrastinate_workers WHERE last_heartbeat < now() - interval '60 seconds'")
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM procrastinate_workers WHERE last_heartbeat > now() - interval '30 s'"
                )
                if cursor.fetchone()[0] >= count:
                    return
            time.sleep(0.2)
        raise RuntimeError("The workers did not start within two minutes.")

    def _readings_done(self, story_ids: list[int]) -> dict:
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT (j.args->>'story_id')::bigint, max(e.at)
                     FROM procrastinate_jobs j JOIN procrastinate_events e ON e.job_id = j.id
                    WHERE j.task_name = 'claims.story_read' AND e.type = 'succeeded'
                      AND (j.args->>'story_id')::bigint = ANY(%s)
                 GROUP BY 1""",
                [story_ids],
            )
            return dict(cursor.fetchall())

    def _table(self, results: dict[int, list[dict]], items: int) -> str:
        cores = os.cpu_count()
        lines = [
            f"{items} feed items, fetch + extract (trafilatura) + import + the assistant's reading, "
            f"median of {len(next(iter(results.values())))} run(s) on {cores} cores, {time.strftime('%Y-%m-%d')}:",
            "",
            "| workers | items/s | run (s) | item to suggestions p50 (s) | p95 (s) | failed |",
            "|---|---|---|---|---|---|",
        ]
        medians = {}
        for count, runs in results.items():
            med = {key: statistics.median(run[key] for run in runs) for key in ("rate", "elapsed", "p50", "p95")}
            medians[count] = med
            failed = max(run["failed"] for run in runs)
            cells = [f"{med[key]:.1f}" for key in ("rate", "elapsed", "p50", "p95")]
            lines.append(f"| {count} | {' | '.join(cells)} | {failed} |")
        if len(medians) >= 2:
            low, high = min(medians), max(medians)
            ratio = medians[high]["rate"] / medians[low]["rate"]
            lines += ["", f"{high} workers / {low}: **{ratio:.2f}x** items/s."]
        return "\n".join(lines) + "\n"

    def _write(self, table: str) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "performance.md"
        text = path.read_text()
        block = f"<!-- benchmark-ingest:start -->\n{table}<!-- benchmark-ingest:end -->"
        pattern = re.compile(r"<!-- benchmark-ingest:start -->.*?<!-- benchmark-ingest:end -->", re.S)
        text = pattern.sub(block, text) if pattern.search(text) else text + "\n" + block + "\n"
        path.write_text(text)
        self.stdout.write(f"Written to {path}.")
