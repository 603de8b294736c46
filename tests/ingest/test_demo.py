"""The demo feed ``make demo`` serves (ingest/demo.py): registered by the demo setup, polled by a
worker, it fills the inbox with stories whose suggestions are ready, and its contradicting toll
raises an alert in the inbox of the editors who follow the demo outlet."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.extraction.readings import stored_suggestions
from claims.models import Alert, Dispute
from ingest.demo import DEMO_OUTLET, DEMO_STORIES, DemoWire, demo_feed_register
from ingest.jobs import worker_run_until_idle
from ingest.models import FeedPoll
from sources.models import Story

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wire(settings):
    settings.INGEST_FETCH_ALLOW_PRIVATE = True  # as make demo sets it for its worker
    site = DemoWire()
    yield site
    site.close()


def test_the_demo_feed_fills_the_inbox_with_read_stories_and_raises_an_alert(client, seeded, editor, wire):
    feed = demo_feed_register(wire.feed_url, author=editor)
    worker_run_until_idle()

    poll = FeedPoll.objects.filter(feed=feed).earliest("started_at")  # a minute's turn may read it again
    assert (poll.items, poll.new, poll.failed) == (len(DEMO_STORIES), len(DEMO_STORIES), 0)
    stories = Story.objects.filter(outlet__name=DEMO_OUTLET)
    assert sorted(stories.values_list("headline", flat=True)) == sorted(s.headline for s in DEMO_STORIES)
    for story in stories:
        suggestions = stored_suggestions(story)  # read by the worker: ready before anyone opens it
        assert suggestions is not None and len(suggestions.candidates) >= 2, story.headline

    toll = stories.get(headline=DEMO_STORIES[0].headline)
    alert = Alert.objects.get(story=toll, kind=Alert.Kind.FIGURE)
    assert alert.dispute == Dispute.objects.get(key="soldiers-killed-2022-09-13")
    assert "105 of its soldiers" in alert.quote and "outside the published range 49" in alert.detail

    client.force_login(editor)  # the demo editor follows the demo outlet
    inbox = client.get(reverse("claims:story_list")).content.decode()
    assert f'id="alert-{alert.pk}"' in inbox
    for story in DEMO_STORIES:
        assert story.headline in inbox

    # make demo run again: the feed is not registered twice, and nothing is imported twice
    again = demo_feed_register(wire.feed_url, author=editor)
    worker_run_until_idle()
    assert again == feed and stories.count() == len(DEMO_STORIES)
    assert FeedPoll.objects.filter(feed=feed).order_by("-started_at").first().skipped == len(DEMO_STORIES)


def test_the_demo_feed_lists_its_stories_one_by_one(wire):
    slow = DemoWire(every=3600)
    try:
        assert [story.slug for story in slow.listed()] == [DEMO_STORIES[0].slug]
    finally:
        slow.close()
    assert len(wire.listed()) == len(DEMO_STORIES)
