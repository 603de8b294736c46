"""`manage.py benchmark`: the performance figures quoted in docs/performance.md, reproducible.

Builds a synthetic newsroom (stories, disputes, thousands of claims with figures and notes) inside
one transaction, measures, and rolls everything back: the configured database is left as it was.
Every figure is the median of several runs; ratios compare a design choice with its alternative
or a small dataset with a ten times larger one.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Actor, ActorAlias, Annotation, Claim, ClaimDispute, Dispute, Figure, Side
from sources.models import Outlet, Story, StoryRevision

WORDS = [
    "ministry",
    "officials",
    "said",
    "civilians",
    "were",
    "killed",
    "shelling",
    "ceasefire",
    "violated",
    "troops",
    "border",
    "village",
    "strike",
    "missile",
    "denied",
    "accused",
    "statement",
    "reporters",
    "spokesman",
    "casualties",
    "wounded",
]


class _Rollback(Exception):
    pass


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm caches and plans
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


class Command(BaseCommand):
    help = "Measure search, pages and the API on a synthetic dataset (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=5000, help="Claims in the large dataset.")
        parser.add_argument("--runs", type=int, default=7, help="Runs per measurement (median reported).")

    def handle(self, *args, **options):
        runs = options["runs"]
        settings.DEBUG = False  # time pages as production serves them (no query logging)
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        rows: list[tuple[str, str, str]] = []
        try:
            with transaction.atomic():
                small = self.build(options["claims"] // 10, label="small")
                rows += self.measure_pages("small", small, runs)
                large = self.build(options["claims"], label="large")
                rows += self.measure_pages("large", large, runs)
                rows += self.measure_search(runs)
                raise _Rollback
        except _Rollback:
            pass
        width = max(len(r[0]) for r in rows)
        self.stdout.write(f"{'measurement'.ljust(width)}  median      note")
        for name, value, note in rows:
            self.stdout.write(f"{name.ljust(width)}  {value:<10}  {note}")

    # --- data ------------------------------------------------------------------------------
    def build(self, claim_count: int, *, label: str) -> dict:
        sides = [Side.objects.get_or_create(key=f"bench-side-{i}", defaults={"name": f"Side {i}"})[0] for i in range(3)]
        outlet = Outlet.objects.create(key=f"bench-{label}", name=f"Bench wire {label}")
        actors = [Actor.objects.create(name=f"Speaker {label} {i}", side=sides[i % 3]) for i in range(30)]
        ActorAlias.objects.bulk_create(ActorAlias(actor=a, alias=a.name) for a in actors)
        sentence = "The ministry said {n} civilians were killed in the strike on {w}. "
        per_story = 50
        claims: list[Claim] = []
        disputes = [
            Dispute.objects.create(
                title=f"{label} dispute {i}",
                kind=Dispute.Kind.CASUALTY_COUNT,
                is_published=True,
                published_at=date.today(),
            )
            for i in range(max(1, claim_count // 50))
        ]
        for s in range(max(1, claim_count // per_story)):
            parts, spans = [], []
            offset = 0
            for n in range(per_story):
                text = sentence.format(n=n + 1, w=WORDS[(s + n) % len(WORDS)])
                spans.append((offset + 4, offset + len(text) - 2))
                parts.append(text)
                offset += len(text)
            body = "".join(parts)
            story = Story.objects.create(outlet=outlet, headline=f"{label} story {s}", published_on=date(2020, 10, 1))
            revision = StoryRevision.objects.create(story=story, number=1, body=body)
            Story.objects.filter(pk=story.pk).update(current_revision=revision)
            for n, (start, end) in enumerate(spans):
                claims.append(
                    Claim(
                        story=story,
                        revision=revision,
                        start=start,
                        end=end,
                        quote=body[start:end],
                        speaker=actors[n % len(actors)],
                        said_on=date(2020, 10, 1) + timedelta(days=n % 20),
                        is_published=True,
                        published_at=date.today(),
                    )
                )
        claims = Claim.objects.bulk_create(claims)
        ClaimDispute.objects.bulk_create(
            ClaimDispute(claim=c, dispute=disputes[i % len(disputes)]) for i, c in enumerate(claims)
        )
        Figure.objects.bulk_create(
            Figure(
                claim=c,
                measure="killed",
                counted="civilians",
                whose=sides[i % 3],
                value=i % 90 + 1,
                low=i % 90 + 1,
                high=i % 90 + 1,
            )
            for i, c in enumerate(claims)
        )
        user = get_user_model().objects.create(username=f"bench-{label}", is_staff=True, is_superuser=True)
        Annotation.objects.bulk_create(
            Annotation(claim=c, author=user, body=f"Check the {WORDS[i % len(WORDS)]} figure", is_public=i % 2 == 0)
            for i, c in enumerate(claims[: claim_count // 5])
        )
        return {"user": user, "dispute": disputes[0], "story": claims[0].story, "claim": claims[0]}

    # --- measurements ----------------------------------------------------------------------
    def measure_pages(self, label: str, data: dict, runs: int) -> list[tuple[str, str, str]]:
        client = Client()
        client.force_login(data["user"])
        pages = {
            "desk": reverse("claims:desk"),
            "dispute page": data["dispute"].get_absolute_url(),
            "story reader": data["story"].get_absolute_url(),
            "claim page": data["claim"].get_absolute_url(),
            "search": reverse("claims:search") + "?q=civilians+killed",
        }
        rows = []
        for name, url in pages.items():
            with CaptureQueriesContext(connection) as queries:
                status = client.get(url).status_code
            # read the count now: every request clears Django's query log when it starts
            query_count = len(queries)
            ms = median_ms(lambda url=url: client.get(url), runs)
            rows.append((f"{name} ({label})", f"{ms:.1f} ms", f"HTTP {status}, {query_count} queries"))
        return rows

    def measure_search(self, runs: int) -> list[tuple[str, str, str]]:
        stored = """SELECT id FROM claims_claim WHERE search_vector @@ websearch_to_tsquery('claimdesk', %s)
                    ORDER BY ts_rank(search_vector, websearch_to_tsquery('claimdesk', %s)) DESC LIMIT 20"""
        computed = """SELECT id FROM claims_claim
                      WHERE to_tsvector('claimdesk', quote) @@ websearch_to_tsquery('claimdesk', %s)
                      ORDER BY ts_rank(to_tsvector('claimdesk', quote), websearch_to_tsquery('claimdesk', %s)) DESC
                      LIMIT 20"""
        term = "missile strike"

        def run(sql: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, [term, term])
                cursor.fetchall()

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_claim")
        fast = median_ms(lambda: run(stored), runs)
        slow = median_ms(lambda: run(computed), runs)
        return [
            ("full-text search, stored vector + GIN", f"{fast:.2f} ms", f"{Claim.objects.count()} claims"),
            ("full-text search, vector computed per row", f"{slow:.2f} ms", f"ratio {slow / fast:.1f}x slower"),
        ]
