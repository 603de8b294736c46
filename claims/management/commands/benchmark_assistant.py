"""``manage.py benchmark_assistant``: how fast the claim assistant reads stories.

Runs the assistant over every seed story (the files in seeds/, dated as in the dataset) several
times and reports the median: stories per second (and the ratio to the 1 story/second floor),
words per second, and the time for one 1,000-word story. "Extraction" is finding candidates,
speakers and figures; "with matching" adds ranking statements and disputes in the database.
Reads only; the first run (loading the spaCy pipeline and the actors) is not counted.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from claims.extraction import extract, suggest
from claims.seeding import DATASET, SEEDS_DIR, read_dataset

FLOOR_STORIES_PER_SECOND = 1.0


def _median_seconds(action: Callable[[], object], runs: int) -> float:
    action()  # warm: the spaCy pipeline and the gazetteer load once per process
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def seed_texts() -> list[tuple[str, date | None]]:
    data = read_dataset(DATASET)
    texts = []
    for row in data.get("stories", []):
        path = SEEDS_DIR / row["file"]
        if path.is_file():
            published = row.get("published")
            day = published if isinstance(published, date) else (date.fromisoformat(published) if published else None)
            texts.append((path.read_bytes().decode("utf-8"), day))
    return texts


def thousand_words(texts: list[tuple[str, date | None]]) -> str:
    """A story of at least 1,000 words made of whole seed paragraphs."""
    paragraphs = [p for text, _ in texts for p in text.split("\n") if p.strip()]
    chosen, words = [], 0
    for paragraph in paragraphs:
        chosen.append(paragraph)
        words += len(paragraph.split())
        if words >= 1000:
            break
    return "\n\n".join(chosen)


class Command(BaseCommand):
    help = "Measure the claim assistant's speed over the seed stories (median of several runs)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=7, help="Runs per measurement (median reported).")
        parser.add_argument("--json", action="store_true", help="Print the numbers as one JSON object.")

    def handle(self, *args, **options):
        runs = max(1, options["runs"])
        texts = seed_texts()
        if not texts:
            raise CommandError("No seed stories found in seeds/.")
        words = sum(len(text.split()) for text, _ in texts)

        def extract_all() -> None:
            for text, day in texts:
                extract(text, published_on=day)

        def suggest_all() -> None:
            for text, day in texts:
                suggest(text, published_on=day)

        long_story = thousand_words(texts)
        extraction = _median_seconds(extract_all, runs)
        full = _median_seconds(suggest_all, runs)
        one = _median_seconds(lambda: extract(long_story), runs)
        one_full = _median_seconds(lambda: suggest(long_story), runs)
        result = {
            "stories": len(texts),
            "words": words,
            "runs": runs,
            "extraction_stories_per_second": round(len(texts) / extraction, 1),
            "extraction_words_per_second": round(words / extraction),
            "with_matching_stories_per_second": round(len(texts) / full, 1),
            "ratio_to_floor": round(len(texts) / full / FLOOR_STORIES_PER_SECOND, 1),
            "thousand_word_story_words": len(long_story.split()),
            "thousand_word_story_ms": round(one * 1000, 1),
            "thousand_word_story_with_matching_ms": round(one_full * 1000, 1),
        }
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        out = self.stdout.write
        out(f"Claim assistant over {len(texts)} seed stories ({words} words), median of {runs} runs:")
        out(
            f"  extraction:        {result['extraction_stories_per_second']:>8} stories/s"
            f"  ({result['extraction_words_per_second']} words/s)"
        )
        out(
            f"  with matching:     {result['with_matching_stories_per_second']:>8} stories/s"
            f"  ({result['ratio_to_floor']}x the 1 story/s floor)"
        )
        out(
            f"  one {result['thousand_word_story_words']}-word story: "
            f"{result['thousand_word_story_ms']} ms extraction, "
            f"{result['thousand_word_story_with_matching_ms']} ms with matching"
        )
