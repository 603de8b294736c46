"""``manage.py evaluate_assistant``: the claim assistant measured against the curated seed dataset
and the development set (claims/extraction/devset/devset.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.extraction.devset import DEVSET, SPLITS, DevReport, Scores, evaluate_devset
from claims.extraction.evaluation import Precision, Report, evaluate
from claims.seeding import DATASET


class Command(BaseCommand):
    help = (
        "Score the claim assistant against the curated seed dataset (loaded in the database): precision, "
        "recall and F1 per kind, figure, speaker, version and dispute matching accuracy, false attributions "
        "and false dispute and statement matches; and against the development set: figures, speakers and "
        "denials, overall, tuning and held-out parts, per pattern."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dataset", default=str(DATASET), help="Dataset file (default: seeds/dataset.yaml).")
        parser.add_argument(
            "--devset", default=str(DEVSET), help="Development set (default: claims/extraction/devset/devset.yaml)."
        )
        parser.add_argument("--only", choices=["seeds", "devset"], help="Score one of the two only.")
        parser.add_argument("--json", action="store_true", help="Print the numbers as one JSON object.")
        parser.add_argument("--misses", action="store_true", help="List what was missed or wrong.")

    def handle(self, *args, **options):
        results: dict[str, object] = {}
        if options["only"] in (None, "seeds"):
            path = Path(options["dataset"])
            if not path.is_file():
                raise CommandError(f"No dataset at {path}.")
            report = evaluate(path)
            if report.kinds["any"].gold == 0:
                raise CommandError("None of the dataset's claims is in the database: run `manage.py load_seeds` first.")
            results["seeds"] = report
        if options["only"] in (None, "devset"):
            path = Path(options["devset"])
            if not path.is_file():
                raise CommandError(f"No development set at {path}.")
            results["devset"] = evaluate_devset(path)
        if options["json"]:
            self.stdout.write(json.dumps({name: r.as_dict() for name, r in results.items()}, indent=2))  # type: ignore[attr-defined]
            return
        if "seeds" in results:
            self._seeds(results["seeds"], options["misses"])  # type: ignore[arg-type]
        if "devset" in results:
            self._devset(results["devset"], options["misses"])  # type: ignore[arg-type]

    def _seeds(self, report: Report, misses: bool) -> None:
        out = self.stdout.write
        out(
            f"Claim assistant on {report.stories} seed stories ({report.words} words), "
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
        out("")
        self._errors(report.precision, misses)
        if misses:
            out("\nGold claims not found: " + ("; ".join(report.unmatched_gold) or "none"))
            out("\nCandidates matching no gold claim:\n  " + "\n  ".join(report.unmatched_candidates))
            for label, ratio in rows:
                if ratio.misses:
                    out(f"\n{label}, wrong:\n  " + "\n  ".join(ratio.misses))

    def _errors(self, precision: Precision, misses: bool) -> None:
        """False attributions and false dispute and statement matches (claims.extraction.evaluation.Precision)."""
        out = self.stdout.write
        errors = [
            ("false attributions (resolved to an actor who did not say it)", precision.attributions),
            ("false dispute matches (the dispute offered is not its own)", precision.disputes),
            ("false statement matches (the statement offered is not its own)", precision.statements),
        ]
        for label, counted in errors:
            out(f"{label:<66}{counted.wrong:>4} of {counted.checked:<4} ({counted.rate:.3f})")
        offered = precision.disputes_offered
        label = "own dispute offered first (of the candidates that have one)"
        out(f"{label:<66}{offered.right:>4} of {offered.total:<4} ({offered.value:.3f})")
        out(
            "(a side's government for the official the gold names, not counted false: "
            f"{precision.country_for_its_official})"
        )
        if misses:
            for label, counted in errors:
                if counted.misses:
                    out(f"\n{label}:\n  " + "\n  ".join(counted.misses))

    def _devset(self, report: DevReport, misses: bool) -> None:
        out = self.stdout.write
        out(
            f"\nDevelopment set: {report.overall.items} items ({report.words} words), "
            f"extraction {report.seconds:.2f} s in all"
        )
        out("precision / recall (found / offered / gold); whose, counted, parts: accuracy on the figures found\n")
        header = f"{'':<20}{'items':>6}  {'claims':<25}{'figures':<25}{'speakers':<25}{'denials':<25}"
        out(header + f"{'whose':>7}{'counted':>8}{'parts':>7}")
        for name, scores in [("overall", report.overall), *((s, report.groups[s]) for s in SPLITS)]:
            out(self._row(name, scores))
        out("")
        self._errors(report.precision, misses)
        out("\nper pattern")
        for name, scores in report.patterns().items():
            out(self._row(name, scores))
        if misses:
            for item, lines in report.misses.items():
                if lines:
                    out(f"\n{item}:\n  " + "\n  ".join(lines))

    @staticmethod
    def _row(name: str, s: Scores) -> str:
        def pr(score) -> str:
            return f"{score.precision:.2f}/{score.recall:.2f} ({score.tp}/{score.candidates}/{score.gold})".ljust(25)

        def acc(ratio) -> str:
            return f"{ratio.value:.2f}" if ratio.total else "-"

        return (
            f"{name:<20}{s.items:>6}  {pr(s.claims)}{pr(s.figures)}{pr(s.speakers)}{pr(s.denials)}"
            f"{acc(s.whose):>7}{acc(s.counted):>8}{acc(s.parts):>7}"
        )
