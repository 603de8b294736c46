"""``manage.py read_stories [--all]``: the assistant reads stories for the inbox's suggestion counts.

By default it reads the stories whose current text it has not read (too long to read during
their import, imported before readings existed, or a reading that failed) and those whose reading
is stale (an actor, alias, dispute... changed since: ``claims.extraction.readings``); ``--all``
rereads every story, for after the assistant itself has changed. One story per transaction, in batches.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef

from claims.extraction.readings import current_generation, story_read
from claims.models import StoryReading
from sources.models import Story

BATCH = 200


class Command(BaseCommand):
    help = "Let the claim assistant read stories, so the inbox can count their suggestions waiting."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Reread every story, not only those not read or stale.")

    def handle(self, *args, **options) -> None:
        stories = Story.objects.filter(current_revision__isnull=False)
        if not options["all"]:
            fresh = StoryReading.objects.fresh(current_generation()).filter(story=OuterRef("pk"))
            stories = stories.filter(~Exists(fresh))
        done, last = 0, 0
        while True:
            batch = list(stories.filter(pk__gt=last).select_related("current_revision").order_by("pk")[:BATCH])
            if not batch:
                break
            for story in batch:
                with transaction.atomic():
                    story_read(story)
                done += 1
            last = batch[-1].pk
        self.stdout.write(f"Read {done} stor{'y' if done == 1 else 'ies'}.")
