"""``manage.py extract_claims PATH... [--json]``: the claim assistant on plain-text files or stored stories.

Reads only: nothing is written to the database. With ``--json``, one JSON object per line per
candidate; otherwise a readable table. Offsets are code points into the text as read (a file is
decoded as UTF-8 and not changed; a stored story's current revision text).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.extraction import Candidate, suggest
from claims.models import Claim

MAX_BYTES = 5 * 1024 * 1024


def _read(path: Path) -> str:
    if not path.exists():
        raise CommandError(f"{path}: no such file.")
    if not path.is_file():
        raise CommandError(f"{path}: not a file.")
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise CommandError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB; is it a story?")
    if b"\x00" in data:
        raise CommandError(f"{path}: contains NUL bytes; is it a binary file?")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start}).") from None


def _story(reference: str):
    """A stored story by id, key or public id."""
    from sources.models import Story

    stories = Story.objects.select_related("current_revision", "outlet")
    story = None
    if reference.isascii() and reference.isdigit():
        story = stories.filter(pk=int(reference)).first()
    if story is None:
        story = stories.filter(key=reference).first()
    if story is None:
        try:
            story = stories.filter(public_id=reference).first()
        except Exception:  # not a UUID
            story = None
    if story is None:
        raise CommandError(f"No story {reference!r} (give its id, key or public id).")
    if story.current_revision is None:
        raise CommandError(f"Story {reference!r} has no text.")
    return story


def _short(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


class Command(BaseCommand):
    help = "Find claim candidates in plain-text files (or stored stories with --story). Writes nothing."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Plain-text story files (UTF-8).")
        parser.add_argument(
            "--story",
            action="append",
            default=[],
            metavar="ID",
            help="A stored story's id, key or public id (repeatable).",
        )
        parser.add_argument("--json", action="store_true", help="One JSON object per line per candidate.")
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="Publication date of the files (for matching versions and disputes by date).",
        )
        parser.add_argument("--no-matches", action="store_true", help="Skip statement and dispute matching.")

    def handle(self, *args, **options):
        if not options["paths"] and not options["story"]:
            raise CommandError("Give at least one file, or --story ID.")
        sources: list[tuple[dict, str, date | None, int | None]] = []
        for name in options["paths"]:
            sources.append(({"file": name}, _read(Path(name)), options["date"], None))
        for reference in options["story"]:
            story = _story(reference)
            sources.append(
                ({"story": story.pk, "story_key": story.key}, story.current_revision.body, story.published_on, story.pk)
            )
        for origin, text, day, story_id in sources:
            found = suggest(text, published_on=day, story_id=story_id, with_matches=not options["no_matches"])
            if options["json"]:
                for candidate in found.candidates:
                    self.stdout.write(json.dumps({**origin, **candidate.as_json()}, ensure_ascii=False))
            else:
                self._table(origin, found.candidates, found.reprints)

    def _table(self, origin: dict, candidates: list[Candidate], reprints: list) -> None:
        out = self.stdout.write
        label = origin.get("file") or f"story {origin.get('story_key') or origin.get('story')}"
        out(self.style.MIGRATE_HEADING(f"{label}: {len(candidates)} candidates"))
        for reprint in reprints:
            out(f"  reprints story {reprint.story_id} ({round(100 * reprint.containment)}% the same words)")
        out(f"  {'span':>11}  {'kind':<10}  {'speaker':<34}  {'figure':<30}  quote")
        for c in candidates:
            who = c.actor_name or (
                f"new: {c.proposed_actor['name']}"
                if c.proposed_actor
                else ("(outlet)" if c.mode == Claim.Mode.OUTLET_VOICE else "?")
            )
            figure = c.figure
            fig = f"{figure.measure} {figure.counted} {figure.low}..{figure.high}" if figure else ""
            out(
                f"  {c.start:>5}-{c.end:<5}  {c.kind:<10}  {_short(who, 34):<34}  {_short(fig, 30):<30}  "
                f"{_short(c.quote, 70)}"
            )
            if c.statement_matches:
                top = c.statement_matches[0]
                out(f"  {'':>11}  statement {top['id']} ({top['score']:.2f}: {', '.join(top['reasons'])})")
            if c.dispute_matches:
                top = c.dispute_matches[0]
                out(f"  {'':>11}  dispute {top['id']} {_short(top['label'], 50)} ({top['score']:.2f})")
