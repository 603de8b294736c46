"""The claims app's background jobs (procrastinate tasks, found by procrastinate's Django app).

The claim assistant reads each new story or revision here, in a worker, rather than during the
import that brought it: an import stays quick whatever the text, and reading scales with workers.
"""

from __future__ import annotations

from django.db import transaction
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from claims.extraction.readings import readings_refresh, story_read
from sources.models import Story, StoryRevision

# The assistant's reading fails only when something unexpected happens (the database restarting,
# a bug); retried after 2, 4 and 8 seconds, then left failed for the admin (with its error).
# Stale readings read again per minute by one worker (some 15 stories a second: docs/assistant.md).
REFRESH_PER_RUN = 500

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


@app.periodic(cron="* * * * *", periodic_id="readings_stale")
@app.task(queue="assistant", name="claims.readings_refresh", queueing_lock="claims.readings_refresh")
def readings_refresh_job(timestamp: int) -> int:
    """Every minute: read again stale readings (an actor, alias, dispute... changed since they were
    made), newest stories first, up to ``REFRESH_PER_RUN`` (about half a minute of reading), so a
    change that stales the whole archive is caught up over the next runs. Returns how many."""
    total = 0
    while total < REFRESH_PER_RUN:
        done = readings_refresh()
        if not done:
            break
        total += done
    return total
