"""The claims app's background jobs (procrastinate tasks, found by procrastinate's Django app).

The claim assistant reads each new story or revision here, in a worker, rather than during the
import that brought it: an import stays quick whatever the text, and reading scales with workers.
"""

from __future__ import annotations

from django.db import transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from claims.extraction.readings import story_read
from sources.models import Story, StoryRevision

# The assistant's reading fails only when something unexpected happens (the database restarting,
# a bug); retried after 2, 4 and 8 seconds, then left failed for the admin (with its error).
READ_RETRY = RetryStrategy(max_attempts=4, exponential_wait=2)


@app.task(queue="assistant", retry=READ_RETRY, name="claims.story_read")
def story_read_job(*, story_id: int, revision_id: int) -> None:
    """Read one revision of a story and store the assistant's reading. A revision that is no
    longer the story's current one (a newer arrived first) is not read: the newer one's job is."""
    story = Story.objects.filter(pk=story_id).first()
    if story is None or story.current_revision_id != revision_id:
        return
    revision = StoryRevision.objects.get(pk=revision_id)
    with transaction.atomic():
        story_read(story, revision)
