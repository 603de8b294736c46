"""`manage.py benchmark_scale`: the in-process half of `make benchmark-scale` (scripts/benchmark_scale.py).

``--prepare N`` makes sure the configured database holds an archive of at least N claims
(generate_archive otherwise), creates the benchmark's editor session and partner key, and prints
the pages to measure as JSON. ``--queries`` prints, as JSON, the SQL queries each of those pages runs
(Django's test client, DEBUG off), the time raw psycopg takes to fetch the API list page's rows and
fields, the change-log write rate (placements logged through the service, rolled back) with
the trigger functions' generic plans on and, for comparison, off, the claim assistant's speed on
this archive (``manage.py benchmark_assistant``), and the import rate: ``manage.py import_stories``
reading generated wire stories into a new outlet, in a transaction rolled back after each run.
"""

from __future__ import annotations

import io
import json
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import roles, services, visibility
from claims.archive import RARE_WORD
from claims.management.commands.benchmark_assistant import seed_texts
from claims.models import Actor, Claim, Dispute
from partners.models import PartnerKey
from sources.models import Outlet, Story

EDITOR = "bench-editor"
IMPORT_STORIES = 200  # files per import run
IMPORT_RUNS = 3
IMPORT_OUTLET = "benchmark-wire"
API_LIST_SQL = """
    SELECT c.public_id, c.quote, c.start, c."end", c.prefix, c.suffix, c.mode, c.status, c.said_on,
           c.is_published, c.published_at, c.created_at, c.updated_at, c.version,
           a.public_id, a.name, s.public_id, s.headline, s.url, s.published_on, o.public_id, o.name, r.number
      FROM claims_claim c
      LEFT JOIN claims_actor a ON a.id = c.speaker_id
      JOIN sources_story s ON s.id = c.story_id JOIN sources_outlet o ON o.id = s.outlet_id
      JOIN claims_storyrevision_placeholder r ON r.id = c.revision_id
     WHERE c.partner_visible
  ORDER BY c.public_id LIMIT 50
""".replace("claims_storyrevision_placeholder", "sources_storyrevision")


def _median_ms(action, runs: int = 15) -> float:
    action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Prepare the archive and measure in-process figures for the scale benchmark (scripts/benchmark_scale.py)."

    def add_arguments(self, parser):
        parser.add_argument("--prepare", type=int, metavar="CLAIMS", help="Ensure an archive of at least CLAIMS.")
        parser.add_argument("--queries", action="store_true", help="Print SQL query counts and in-process times.")

    def handle(self, *args, **options):
        if options["prepare"]:
            self.stdout.write(json.dumps(self.prepare(options["prepare"])))
        if options["queries"]:
            self.stdout.write(json.dumps(self.measure()))

    # --- the archive and what to ask for ------------------------------------------------------
    def prepare(self, claims: int) -> dict:
        have = Claim.objects.count()
        if have < claims:
            call_command("generate_archive", "--claims", str(claims - have), stdout=self.stderr)
        editor, _ = get_user_model().objects.get_or_create(username=EDITOR, defaults={"is_staff": True})
        editor.groups.set([Group.objects.get(name=roles.EDITOR)])
        client = Client()
        client.force_login(editor)
        PartnerKey.objects.filter(name="benchmark").delete()
        _, key = PartnerKey.objects.create_key(name="benchmark", partner="Benchmark", rate_limit=10**9)
        return {"claims": Claim.objects.count(), "session": client.cookies["sessionid"].value, "key": key,
                "pages": self.pages()}  # fmt: skip

    def pages(self) -> dict[str, dict]:
        published = Dispute.objects.visible().annotate(n=Count("claim_links"))
        largest = published.order_by("-n", "pk").first()
        near_200 = min(published.filter(n__gte=100, n__lte=400)[:200], key=lambda d: abs(d.n - 200), default=largest)
        story = Story.objects.annotate(n=Count("claims")).order_by("-n", "pk").first()
        actor = Actor.objects.annotate(n=Count("claims")).order_by("-n", "pk").first()
        desk, api = "desk", "api"
        dispute_page, story_page = "claims:dispute_detail", "claims:story_detail"
        return {
            "desk /": {"path": "/", "as": desk},
            f"dispute page ({near_200.n} claims)": {"path": reverse(dispute_page, args=[near_200.pk]), "as": desk},
            f"largest dispute ({largest.n} claims)": {"path": reverse(dispute_page, args=[largest.pk]), "as": desk},
            f"story reader ({story.n} claims)": {"path": reverse(story_page, args=[story.pk]), "as": desk},
            "search `killed` (common)": {"path": "/search/?q=killed", "as": desk},
            f"search `{RARE_WORD}` (rare)": {"path": f"/search/?q={RARE_WORD}", "as": desk},
            f"actor page ({actor.n} claims)": {"path": reverse("claims:actor_detail", args=[actor.pk]), "as": desk},
            "API claims list, page of 50": {"path": "/api/v1/claims/", "as": api},
            f"API largest dispute ({largest.n} claims)": {"path": f"/api/v1/disputes/{largest.public_id}/", "as": api},
            "API change feed from the start": {"path": "/api/v1/changes/", "as": api},
            "bare JsonResponse, same 50 claims": {"path": "/benchmark/bare-claims/", "as": api},
        }  # fmt: skip

    # --- in-process measures ------------------------------------------------------------------
    def measure(self) -> dict:
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        editor = get_user_model().objects.get(username=EDITOR)
        desk = Client()
        desk.force_login(editor)
        _, key = PartnerKey.objects.create_key(name="benchmark-queries", partner="Benchmark", rate_limit=10**9)
        api = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
        queries = {}
        for name, page in self.pages().items():
            if page["path"].startswith("/benchmark/"):
                continue
            client = desk if page["as"] == "desk" else api
            with CaptureQueriesContext(connection) as captured:
                status = client.get(page["path"]).status_code
            with CaptureQueriesContext(connection) as warm:  # the slowest query once plans are cached
                client.get(page["path"])
            queries[name] = {"queries": len(captured), "status": status, **self.slowest(warm.captured_queries)}

        def raw() -> None:
            with connection.cursor() as cursor:
                cursor.cursor.execute(API_LIST_SQL)
                cursor.cursor.fetchall()

        return {
            "queries": queries,
            "raw_api_list_ms": _median_ms(raw),
            "writes": self.writes(),
            "assistant": self.assistant(),
            "imports": self.imports(),
        }

    def assistant(self) -> dict:
        """``manage.py benchmark_assistant`` on this archive: the seed stories with matching."""
        out = io.StringIO()
        call_command("benchmark_assistant", "--json", "--runs", "5", stdout=out)
        return json.loads(out.getvalue())

    def imports(self) -> dict:
        """Stories imported per second by ``manage.py import_stories`` (a file and its sidecar
        each, 500 to 1,500 words of seed paragraphs), median of ``IMPORT_RUNS`` runs. Each run
        imports them into a new wire outlet in a transaction rolled back after it, so the archive
        is unchanged (and the commits' flushes to disk are not counted)."""
        paragraphs = [p for text, _ in seed_texts() for p in text.split("\n") if p.strip()]
        rng = random.Random(13)
        samples = []
        with tempfile.TemporaryDirectory() as folder:
            for n in range(IMPORT_STORIES):
                chosen, words, goal = [f"Wire story {n} of the import benchmark."], 0, rng.randint(500, 1500)
                while words < goal:
                    chosen.append(rng.choice(paragraphs))
                    words += len(chosen[-1].split())
                path = Path(folder) / f"{n:04}.txt"
                path.write_text("\n\n".join(chosen))
                meta = {"outlet": IMPORT_OUTLET, "headline": f"Wire story {n}", "published": "2022-09-14",
                        "url": f"https://wire.example.org/{n}"}  # fmt: skip
                Path(f"{path}.meta.json").write_text(json.dumps(meta))
            for _ in range(IMPORT_RUNS):
                try:
                    with transaction.atomic():
                        Outlet.objects.create(key=IMPORT_OUTLET, name="Benchmark wire", kind=Outlet.Kind.WIRE)
                        started = time.perf_counter()
                        call_command("import_stories", folder, "--quiet", stdout=io.StringIO())
                        samples.append(time.perf_counter() - started)
                        imported = Story.objects.filter(outlet__key=IMPORT_OUTLET).count()
                        raise _Rollback
                except _Rollback:
                    pass
        if imported != IMPORT_STORIES:
            raise RuntimeError(f"The import benchmark imported {imported} of {IMPORT_STORIES} stories.")
        seconds = statistics.median(samples)
        return {"stories": IMPORT_STORIES, "runs": IMPORT_RUNS, "stories_per_s": IMPORT_STORIES / seconds,
                "ms_per_story": seconds * 1000 / IMPORT_STORIES}  # fmt: skip

    def slowest(self, captured: list[dict]) -> dict:
        """The request's slowest query: its time as the request ran it, its SQL, and its
        EXPLAIN (ANALYZE, BUFFERS) run again now."""
        reads = [q for q in captured if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
        if not reads:
            return {}
        query = max(reads, key=lambda q: float(q["time"]))
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        return {"slowest_ms": float(query["time"]) * 1000, "slowest_sql": query["sql"], "slowest_plan": plan}

    def writes(self) -> dict:
        """Claims logged per second through the service, each placed in a published dispute (so the
        change log's triggers do their whole work), rolled back; generic plans on, then off."""
        dispute = Dispute.objects.visible().order_by("pk").first()
        story = Story.objects.filter(claims__in=visibility.claims()).order_by("pk").first()
        claim = Claim.objects.filter(story=story).first()
        result = {}
        for mode in ("force_generic_plan", "auto"):
            connection.close()  # a fresh session: no plan cached from the other mode
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT string_agg(format('ALTER FUNCTION %%s SET plan_cache_mode = %%s',"
                            " p.oid::regprocedure, %s), '; ')"
                            " FROM pg_proc p WHERE 'plan_cache_mode=force_generic_plan' = ANY(p.proconfig)",
                            [mode],
                        )
                        (alter,) = cursor.fetchone()
                        if alter:
                            cursor.execute(alter)
                    count = 60
                    started = time.perf_counter()
                    for i in range(count):
                        services.claim_log(
                            story=story, author=None, quote=claim.quote, prefix=claim.prefix, suffix=claim.suffix,
                            said_on=date(2020, 10, 1 + i % 28), publish=True,
                            disputes=[services.DisputeLink(dispute=dispute)],
                        )  # fmt: skip
                    elapsed = time.perf_counter() - started
                    raise _Rollback
            except _Rollback:
                pass
            result[mode] = {"claims_per_s": count / elapsed, "ms_per_claim": elapsed * 1000 / count}
        return result
