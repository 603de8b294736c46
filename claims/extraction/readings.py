"""The assistant's stored reading of a story: its suggestions per revision, read by every page.

The assistant reads a story when its text arrives (a new story or a new revision, whichever way
it is imported) and ``claims.StoryReading`` keeps its suggestions in full (spans, kinds,
speakers with method and confidence, figures, statement and dispute matches) and the stories the
text reprints. The inbox counts them (database triggers keep the count of those still waiting as
claims are logged, withdrawn or re-anchored and suggestions dismissed or restored); the
Suggestions panel, the API and accepting a suggestion read them (``stored_suggestions``) rather
than running the assistant on each load. A GET never writes.

A reading depends on what the assistant knows besides the text: actors, aliases, roles, sides,
outlets, disputes, statements. Triggers on those tables advance the sequence
``claims_reading_generation`` (migration 0014); a reading made at an older generation is stale.
A stale reading is not shown: the panel runs the assistant for that one story (bounded: one
story, as before readings were stored) while ``readings_refresh`` (a job, and
``manage.py read_stories``) reads the stale ones again, newest stories first. The staleness is
global, not per dependency, on purpose: a change can turn "unknown speaker" or "no dispute" into a
match in any story through fuzzy and ranked rules, so only reading again finds the stories it
affects (docs/assistant.md, "Why global and not per dependency").

The reading itself is a job (``claims.tasks.story_read_job``, deferred by ``on_story_text``), and
so is the refresh of stale ones (``claims.tasks.readings_refresh_job``, every minute). Every reading,
first or refreshed, raises the desk's alerts its words call for, none twice (``claims.alerts``).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from django.db import connection, transaction

from claims.alerts import alerts_raise
from claims.extraction import Candidate, FigureSuggestion, Suggestions, suggest
from claims.extraction.matching import Reprint
from claims.models import StoryReading
from sources.models import Story, StoryRevision

logger = logging.getLogger(__name__)

# How many stale readings one ``readings_refresh`` run reads again.
REFRESH_BATCH = 50


def current_generation() -> int:
    """Where ``claims_reading_generation`` stands: readings made before this are stale."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM claims_reading_generation")
        return cursor.fetchone()[0]


def _stored(candidate: Candidate) -> dict[str, Any]:
    return {**dataclasses.asdict(candidate), "fingerprint": candidate.fingerprint}


def _fields(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _candidate(data: dict[str, Any]) -> Candidate:
    figures = [FigureSuggestion(**_fields(FigureSuggestion, f)) for f in data.get("figures", [])]
    return Candidate(**{**_fields(Candidate, data), "figures": figures})


def stored_suggestions(story: Story) -> Suggestions | None:
    """The suggestions stored for the story's current text, or None when there is no fresh
    reading (none, of an older revision, or stale). Two queries; the assistant is not run."""
    if story.current_revision_id is None:
        return None
    generation = current_generation()
    reading = (
        StoryReading.objects.filter(story=story, revision_id=story.current_revision_id, generation__gte=generation)
        .only("candidates", "reprints")
        .first()
    )
    if reading is None:
        return None
    try:
        return Suggestions(
            [_candidate(c) for c in reading.candidates],
            [Reprint(story_id=r["story_id"], containment=r["containment"], body="") for r in reading.reprints],
        )
    except (TypeError, KeyError):  # stored by an assistant whose suggestions had another shape
        return None


def story_read(story: Story, revision: StoryRevision | None = None) -> StoryReading | None:
    """Read ``revision`` (the story's current one by default), store its suggestions and raise
    the alerts its words call for that the story does not have yet (``claims.alerts``).

    Returns the reading with its ``waiting`` count (worked out by the database), or None when the
    story has no text.
    """
    revision = revision or story.current_revision
    if revision is None:
        return None
    generation = current_generation()  # before reading: a change made while it reads makes it stale
    found = suggest(revision.body, published_on=story.published_on, story_id=story.pk)
    reading, _ = StoryReading.objects.update_or_create(
        story=story,
        defaults={
            "revision": revision,
            "candidates": [_stored(c) for c in found.candidates],
            "reprints": [{"story_id": r.story_id, "containment": r.containment} for r in found.reprints],
            "generation": generation,
        },
    )
    # every reading: a new revision, or the same words read again after the desk changed (the
    # alerts already raised are not raised again)
    alerts_raise(story=story, revision=revision, candidates=found.candidates)
    reading.refresh_from_db(fields=["waiting"])
    return reading


def readings_refresh(*, limit: int = REFRESH_BATCH) -> int:
    """Read again up to ``limit`` stale readings of stories' current texts, newest stories first,
    one story per transaction; returns how many were read. A job runs it until none is left."""
    generation = current_generation()
    stale = list(
        StoryReading.objects.stale(generation)
        .order_by("generation", "-story")
        .values_list("story_id", flat=True)[:limit]
    )
    done = 0
    for story in Story.objects.filter(pk__in=stale, current_revision__isnull=False).select_related("current_revision"):
        with transaction.atomic():
            story_read(story)
        done += 1
    return done


def on_story_text(sender: Any, *, story: Story, revision: StoryRevision, **kwargs: Any) -> None:
    """``story_added``/``revision_added`` handler (connected in ClaimsConfig.ready): defer the
    assistant's reading of the new text to a worker (``claims.tasks.story_read_job``).

    The job is written in the import's own transaction (procrastinate's Django connector uses the
    desk's connection), so it is there when the import commits and never when it rolls back; a
    worker takes it from then on. The import never waits for the assistant, nor fails with it."""
    from claims.tasks import story_read_job

    story_read_job.defer(story_id=story.pk, revision_id=revision.pk)
