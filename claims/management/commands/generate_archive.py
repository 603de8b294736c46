"""`manage.py generate_archive --claims N`: a synthetic archive at newsroom scale, committed.

See claims/archive.py for its shape. Writes with every trigger on; reports claims per second.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from claims.archive import Generator, Plan, analyze


class Command(BaseCommand):
    help = "Add a synthetic archive of N claims (stories, actors, disputes, figures, notes, reviews), committed."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, required=True, help="How many claims to add.")
        parser.add_argument("--seed", type=int, default=13, help="Random seed (the same seed, the same archive).")
        parser.add_argument("--batch", type=int, default=5000, help="Claims per committed batch.")
        parser.add_argument("--jobs", type=int, default=2, help="Batches written at once, each by its own process.")

    def handle(self, *args, **options):
        plan = Plan(claims=options["claims"], seed=options["seed"])
        started = time.perf_counter()
        generator = Generator(
            plan, log=lambda line: self.stdout.write(f"  {line}") if options["verbosity"] > 1 else None
        )
        report = generator.run(batch_claims=options["batch"], jobs=options["jobs"])
        written = time.perf_counter() - started
        analyze()
        for table, count in sorted(report.counts.items()):
            self.stdout.write(f"{table:<24} {count:>10,}")
        claims = report.counts.get("claims_claim", 0)
        self.stdout.write(
            f"{claims:,} claims in {written:.1f} s: {claims / written:,.0f} claims/s (triggers on; ANALYZE after)"
        )
