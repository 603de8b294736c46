"""``manage.py import_stories PATH...``: import plain-text and HTML story files.

The files are imported in batches (``--batch``, 50 by default), one transaction for each, through
``sources.importers.story_file_arguments`` and ``sources.services.story_import_many`` (the new
stories of a batch are inserted together); a bad file is reported with its reason and skipped,
rolled back alone, the others go on. The exit status is 1 when any file failed, 0 otherwise.

A file is reported done ("new story: ...") only after its batch's transaction committed, so what
was reported survives a crash of the database server. When the connection to the server is lost
the run stops at once (the remaining files would all fail the same way); running the same command
again skips what was committed (same text: "unchanged") and imports the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pghistory
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection, transaction
from tqdm import tqdm

from core.errors import DomainError
from sources.importers import StoryMeta, is_sidecar, parse_published, read_sidecar, sidecar_for, story_file_arguments
from sources.models import Outlet, Story
from sources.services import ImportResult, story_import_many

BATCH = 50  # files a transaction


def _connection_lost() -> bool:
    """After a database error: True when the server is gone, not merely refusing one file."""
    if connection.connection is not None and connection.is_usable():
        return False
    connection.close()
    try:
        connection.ensure_connection()
    except DatabaseError:
        return True
    return False


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun.replace('story', 'storie')}s"


class Command(BaseCommand):
    help = (
        "Import story files (plain text, or simple HTML whose readable text is extracted and whose "
        "source is kept). Metadata comes from a sidecar next to each file (<file>.meta.json or "
        "<file>.meta.yaml with outlet, headline, url, published, byline, dateline, language, "
        "translated_from, machine_translated) and from the flags below, which apply to every file "
        "and override the sidecar. A directory imports every story file in it. Re-importing the same "
        "text is a no-op; the same URL with new text is a new revision. Exits 1 if any file failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Story files or directories of them.")
        parser.add_argument("--outlet", help="Outlet key, e.g. anadolu.")
        parser.add_argument("--headline", help="Headline (an HTML file's <title> is used when none is given).")
        parser.add_argument("--url", help="The story's URL.")
        parser.add_argument("--date", dest="published", help="Publication date: YYYY-MM-DD, YYYY-MM or YYYY.")
        parser.add_argument("--precision", choices=Story.Precision.values, help="Precision of --date.")
        parser.add_argument("--byline")
        parser.add_argument("--dateline", help="Place the story was filed from.")
        parser.add_argument("--language", help="Language code of the text (default en).")
        parser.add_argument("--translated-from", help="Language code of the original, for a translation.")
        parser.add_argument(
            "--machine-translated", action="store_true", default=None, help="The text is a machine translation."
        )
        parser.add_argument("--user", help="Username recorded as the importer (created_by and history).")
        parser.add_argument("--quiet", action="store_true", help="No progress bar and no per-file lines.")
        parser.add_argument(
            "--batch", type=int, default=BATCH, help=f"Files imported in one transaction (default {BATCH})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        flags = self._flags(options)
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"There is no user {options['user']!r}.")
        quiet = options["quiet"]
        verbose = options["verbosity"] >= 1 and not quiet
        files = list(self._expand(options["paths"]))
        counts: Counter[str] = Counter()
        lost = False
        show_bar = not quiet and len(files) > 1 and self.stderr.isatty()
        bar = tqdm(total=len(files), unit="file", disable=not show_bar, file=self.stderr._out, leave=False)

        def say(line: str, *, error: bool = False) -> None:
            if show_bar:
                bar.write(line, file=(self.stderr if error else self.stdout)._out)
            elif error:
                self.stderr.write(line)
            else:
                self.stdout.write(line)

        def failed(label: str, error: DomainError) -> None:
            counts["failed"] += 1
            message = error.message if error.message.startswith(label) else f"{label}: {error.message}"
            say(self.style.ERROR(f"failed: {message}"), error=True)

        outlets: dict[str, Outlet] = {}
        size = max(1, options["batch"])
        for start in range(0, len(files), size):
            batch: list[tuple[str, dict[str, Any]]] = []  # (label, story_import's arguments)
            for path, problem in files[start : start + size]:
                label = str(path)
                try:
                    if problem:
                        raise DomainError(problem)
                    batch.append((label, self._arguments(path, flags, user, outlets)))
                except DomainError as error:
                    failed(label, error)
            outcomes: list[Any] = []
            try:
                if batch:
                    context = pghistory.context(command="import_stories", user=getattr(user, "pk", None))
                    with context, transaction.atomic():
                        outcomes = story_import_many([arguments for _, arguments in batch])
            except DatabaseError as error:  # the commit: the whole batch is rolled back
                outcomes = [error] * len(batch)
            for (label, _), outcome in zip(batch, outcomes, strict=True):
                if isinstance(outcome, DomainError):
                    failed(label, outcome)
                elif isinstance(outcome, DatabaseError):
                    counts["failed"] += 1
                    reason = str(outcome).strip().splitlines()[0] if str(outcome).strip() else type(outcome).__name__
                    if lost or _connection_lost():
                        say(
                            self.style.ERROR(f"failed: {label}: the database connection was lost: {reason}"), error=True
                        )
                        lost = True
                    else:
                        # A rule only the database knows about; the file was rolled back.
                        say(self.style.ERROR(f"failed: {label}: the database refused it: {reason}"), error=True)
                else:
                    counts[outcome.outcome] += 1
                    if verbose:
                        say(self._describe(label, outcome))
            bar.update(min(size, len(files) - start))
            if lost:
                break
        bar.close()

        summary = ", ".join(
            [
                _plural(counts["new story"], "new story"),
                _plural(counts["new revision"], "new revision"),
                f"{counts['unchanged']} unchanged",
                f"{counts['failed']} failed",
            ]
        )
        if lost:
            self.stdout.write(summary)
            done = counts["new story"] + counts["new revision"] + counts["unchanged"]
            raise CommandError(
                f"The database connection was lost after {done} of {len(files)} files. The files reported above "
                "are imported; the one in progress may or may not be (its commit may have reached the server). "
                "Run the same command again when the database is back: what was imported is skipped as unchanged."
            )
        if counts["failed"]:
            self.stdout.write(summary)
            raise CommandError(f"{counts['failed']} of {len(files)} files failed; see the messages above.")
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(summary))

    def _flags(self, options: dict[str, Any]) -> StoryMeta:
        published, precision = None, options["precision"]
        if options["published"]:
            try:
                published, implied = parse_published(options["published"], source="--date")
            except DomainError as error:
                raise CommandError(error.message) from error
            precision = precision or implied
        return StoryMeta(
            outlet=options["outlet"],
            headline=options["headline"],
            url=options["url"],
            published=published,
            published_precision=precision,
            byline=options["byline"],
            dateline=options["dateline"],
            language=options["language"],
            translated_from=options["translated_from"],
            machine_translated=options["machine_translated"],
        )

    def _expand(self, paths: list[str]) -> Iterator[tuple[Path, str | None]]:
        """Each story file to import, with a problem to report instead when it cannot be read."""
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                found = sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and not is_sidecar(p) and not any(part.startswith(".") for part in p.parts)
                )
                if not found:
                    yield path, "the directory holds no story files."
                yield from ((p, None) for p in found)
            elif not path.exists():
                yield path, "no such file."
            elif not path.is_file():
                yield path, "not a regular file."
            else:
                yield path, None

    def _arguments(self, path: Path, flags: StoryMeta, user: Any, outlets: dict[str, Outlet]) -> dict[str, Any]:
        sidecar = sidecar_for(path)
        meta = read_sidecar(sidecar) if sidecar else StoryMeta()
        meta = meta.merged(flags)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DomainError(f"cannot be read ({error.strerror}).") from error
        return story_file_arguments(name=str(path), data=data, meta=meta, author=user, outlets=outlets)

    def _describe(self, label: str, result: ImportResult) -> str:
        story = result.story
        if result.outcome == "unchanged":
            return f"unchanged: {label} (same text as story {story.pk}, revision {result.revision.number})"
        if result.outcome == "new revision":
            return f"new revision: {label} -> story {story.pk} revision {result.revision.number}"
        line = f"new story: {label} -> story {story.pk} “{story.headline}” ({story.outlet})"
        if result.republication_of:
            originals = "; ".join(f"story {s.pk} ({s.outlet})" for s in result.republication_of)
            line += f", recognised as republication of {originals}"
        return line
