from django.core.management.base import BaseCommand, CommandError

from claims.seeding import DATASET, SeedError, load_seeds


class Command(BaseCommand):
    help = "Load the curated seed dataset (seeds/dataset.yaml). Idempotent: running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DATASET), help="Dataset file (default: seeds/dataset.yaml).")

    def handle(self, *args, **options):
        from pathlib import Path

        path = Path(options["file"])
        try:
            counts = load_seeds(path, seeds_dir=path.parent)
        except SeedError as error:
            raise CommandError(f"Seed dataset not loaded: {error}") from error
        if counts:
            made = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
            self.stdout.write(self.style.SUCCESS(f"Seed dataset loaded: created {made}."))
        else:
            self.stdout.write("Seed dataset already loaded: nothing to do.")
