"""``manage.py evaluate_assistant``: the claim assistant measured against the curated seed dataset."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.extraction.evaluation import evaluate
from claims.seeding import DATASET


class Command(BaseCommand):
    help = (
        "Score the claim assistant against the curated seed dataset (loaded in the database): precision, "
        "recall and F1 per kind, figure, speaker, version and dispute matching accuracy."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dataset", default=str(DATASET), help="Dataset file (default: seeds/dataset.yaml).")
        parser.add_argument("--json", action="store_true", help="Print the numbers as one JSON object.")
        parser.add_argument("--misses", action="store_true", help="List what was missed or wrong.")

    def handle(self, *args, **options):
        path = Path(options["dataset"])
        if not path.is_file():
            raise CommandError(f"No dataset at {path}.")
        report = evaluate(path)
        if report.kinds["any"].gold == 0:
            raise CommandError("None of the dataset's claims is in the database: run `manage.py load_seeds` first.")
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
            return
        out = self.stdout.write
        out(
            f"Claim assistant on {report.stories} stories ({report.words} words), "
            f"extraction {report.seconds:.2f} s in all\n"
        )
        out(f"{'kind':<12}{'precision':>10}{'recall':>10}{'F1':>8}{'found':>8}{'offered':>9}{'gold':>6}")
        for kind, score in report.kinds.items():
            out(
                f"{kind:<12}{score.precision:>10.3f}{score.recall:>10.3f}{score.f1:>8.3f}"
                f"{score.tp:>8}{score.candidates:>9}{score.gold:>6}"
            )
        out("")
        rows = [
            ("figure accuracy (measure, counted, whose, bounds)", report.figures),
            ("speaker accuracy", report.speakers),
            ("outlet's own voice left without a speaker", report.outlet_voice),
            ("version matching (curated claims, leave-one-out)", report.versions),
            ("version matching (as extracted)", report.versions_extracted),
            ("dispute matching (top dispute is one of the claim's)", report.disputes),
        ]
        for label, ratio in rows:
            out(f"{label:<56}{ratio.value:>7.3f}  ({ratio.right}/{ratio.total})")
        out("figure fields: " + ", ".join(f"{k} {r.value:.3f}" for k, r in report.figure_fields.items()))
        if options["misses"]:
            out("\nGold claims not found: " + ("; ".join(report.unmatched_gold) or "none"))
            out("\nCandidates matching no gold claim:\n  " + "\n  ".join(report.unmatched_candidates))
            for label, ratio in rows:
                if ratio.misses:
                    out(f"\n{label}, wrong:\n  " + "\n  ".join(ratio.misses))
