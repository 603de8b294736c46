"""The assistant's stored reading of a story, for the inbox's "suggestions waiting".

The Suggestions panel runs the assistant on the story it shows; a list of fifty stories cannot.
So the assistant reads a story when its text arrives (a new story or a new revision, whichever
way it is imported) and ``claims.StoryReading`` keeps where each suggestion is; database triggers
keep the count of those still waiting as claims are logged, withdrawn or re-anchored and
suggestions dismissed or restored. A GET never writes: the inbox only reads the stored count.

The count is the assistant's as of its reading. A story whose text is longer than
``READ_AT_IMPORT_MAX_CHARS`` is not read at import (the import stays quick); it, and any story
read by an older assistant, is (re)read by ``manage.py read_stories``.
"""

from __future__ import annotations

import logging
from typing import Any

from claims.extraction import extract
from claims.models import StoryReading
from sources.models import Story, StoryRevision

logger = logging.getLogger(__name__)

# About 30,000 words, read in one to two seconds (docs/assistant.md: some 21,000 words a second).
READ_AT_IMPORT_MAX_CHARS = 200_000


def story_read(story: Story, revision: StoryRevision | None = None) -> StoryReading | None:
    """Read ``revision`` (the story's current one by default) and store where its suggestions are.

    Returns the reading with its ``waiting`` count (worked out by the database), or None when the
    story has no text.
    """
    revision = revision or story.current_revision
    if revision is None:
        return None
    candidates = extract(revision.body, published_on=story.published_on)
    spans = [{"fingerprint": c.fingerprint, "start": c.start, "end": c.end} for c in candidates]
    reading, _ = StoryReading.objects.update_or_create(
        story=story, defaults={"revision": revision, "candidates": spans}
    )
    reading.refresh_from_db(fields=["waiting"])
    return reading


def on_story_text(sender: Any, *, story: Story, revision: StoryRevision, **kwargs: Any) -> None:
    """``story_added``/``revision_added`` handler (connected in ClaimsConfig.ready): defer the
    assistant's reading of the new text to a worker (``claims.tasks.story_read_job``).

    The job is written in the import's own transaction (procrastinate's Django connector uses the
    desk's connection), so it is there when the import commits and never when it rolls back; a
    worker takes it from then on. The import never waits for the assistant, nor fails with it."""
    from claims.tasks import story_read_job

    story_read_job.defer(story_id=story.pk, revision_id=revision.pk)
