"""Feeds end to end: a local feed and its article pages, a real worker in the test process, and
every bad case recorded with its reason, never half-imported, never stopping the other items."""

from __future__ import annotations

import pytest

from claims.models import StoryReading
from ingest.jobs import worker_run_until_idle
from ingest.models import Feed, FeedItem, FeedPoll, Outcome
from ingest.services import feed_register
from ingest.tasks import feed_poll_defer
from sources.models import Story, StoryRevision
from tests.factories import OutletFactory, UserFactory
from tests.ingest.conftest import article_html, rss

pytestmark = pytest.mark.django_db(transaction=True)

CLASHES = (
    "Armenia said 49 of its soldiers have been killed in the clashes on the border overnight, "
    "the defence ministry in Yerevan said in a statement on Tuesday morning.",
    "Azerbaijan's defence ministry said 50 of its servicemen were killed and accused Armenian forces "
    "of shelling its positions near Kalbajar and Lachin, a charge Yerevan denied.",
    "Officials in Baku said Armenian units had planted landmines on supply routes, while Armenia said "
    "Azerbaijani troops attacked the towns of Goris, Sotk and Jermuk with artillery and drones.",
)


def _feed_with_every_case(web) -> str:
    good = web.route("/world/clashes", article_html("Armenia and Azerbaijan trade blame for border clashes", *CLASHES))
    web.route("/world/ceasefire", article_html("Russia says ceasefire agreed", *reversed(CLASHES)))
    moved = web.redirect("/old/ceasefire", web.url("/world/ceasefire"))
    broken = web.route("/world/broken", "<html><body>Internal error</body></html>", status=500)
    huge = web.route("/world/huge", article_html("A very long page", "word " * 80_000))
    pdf = web.route("/world/report.pdf", b"%PDF-1.4 binary", content_type="application/pdf")
    to_file = web.redirect("/world/sneaky", "file:///etc/passwd")
    web.redirect("/loop/a", web.url("/loop/b"))
    loop = web.redirect("/loop/b", web.url("/loop/a"))
    empty = web.route("/world/empty", "<html><head><title>Nothing</title></head><body><nav>Home</nav></body></html>")
    slow = web.route("/world/slow", article_html("Slow", *CLASHES), delay=2.5)
    items = [
        ("Armenia and Azerbaijan trade blame", good),
        ("Ceasefire", moved),
        ("Broken", broken),
        ("Huge", huge),
        ("A PDF", pdf),
        ("Redirect to a file", to_file),
        ("Redirect loop", loop),
        ("No article", empty),
        ("Slow page", slow),
    ]
    return web.route("/feed.xml", rss("Wire", items), content_type="application/rss+xml")


def test_a_feed_fills_the_desk_and_every_bad_item_is_recorded_with_its_reason(web):
    outlet = OutletFactory(name="Test Wire")
    feed = feed_register(outlet=outlet, url=_feed_with_every_case(web), interval_minutes=15, author=UserFactory())
    worker_run_until_idle()

    poll = FeedPoll.objects.get(feed=feed)
    assert (poll.items, poll.new, poll.updated, poll.skipped, poll.failed) == (9, 2, 0, 0, 7)
    assert poll.finished_at is not None and poll.error == ""
    feed.refresh_from_db()
    assert feed.title == "Wire" and feed.last_polled_at and feed.next_poll_at > feed.last_polled_at

    stories = Story.objects.filter(outlet=outlet)
    assert sorted(stories.values_list("headline", flat=True)) == [
        "Armenia and Azerbaijan trade blame for border clashes",
        "Russia says ceasefire agreed",
    ]
    clashes = stories.get(url=web.url("/world/clashes"))
    revision = clashes.current_revision
    assert "49 of its soldiers" in revision.body and "Discussion about this post" not in revision.body
    assert "<nav>" in revision.raw_html  # the page is kept beside the text
    assert str(clashes.published_on) == "2022-09-14"
    # the redirected item is known by the link the feed gave
    assert stories.filter(url=web.url("/old/ceasefire")).exists()
    # the assistant read both: their suggestions are ready
    assert StoryReading.objects.filter(story__in=stories).count() == 2

    reasons = dict(FeedItem.objects.filter(feed=feed, outcome=Outcome.FAILED).values_list("title", "reason"))
    assert "500" in reasons["Broken"]
    assert "over the limit of 300,000 bytes" in reasons["Huge"]
    assert "application/pdf" in reasons["A PDF"]
    assert "Only http and https" in reasons["Redirect to a file"]
    assert "redirects more than" in reasons["Redirect loop"]
    assert "No article text" in reasons["No article"]
    assert "did not answer within 1 s" in reasons["Slow page"]
    # none half-imported: nothing of the failed items reached the desk
    failed_urls = FeedItem.objects.filter(feed=feed, outcome=Outcome.FAILED).values_list("url", flat=True)
    assert not Story.objects.filter(url__in=list(failed_urls)).exists()
    assert StoryRevision.objects.filter(story__outlet=outlet).count() == 2


def test_the_next_poll_skips_what_is_unchanged_and_makes_a_new_revision_of_a_changed_article(web):
    outlet = OutletFactory(name="Test Wire")
    story_url = web.route("/world/clashes", article_html("Border clashes", *CLASHES))
    other_url = web.route("/world/other", article_html("Other story", *reversed(CLASHES)))
    web.route("/feed.xml", rss("Wire", [("Border clashes", story_url), ("Other", other_url)]), content_type="text/xml")
    feed = feed_register(outlet=outlet, url=web.url("/feed.xml"), interval_minutes=5, author=UserFactory())
    worker_run_until_idle()
    assert Story.objects.filter(outlet=outlet).count() == 2

    # the agency corrects the toll and says so in the feed; the other item is as it was
    web.route("/world/clashes", article_html("Border clashes", CLASHES[0].replace("49", "71"), *CLASHES[1:]))
    web.route(
        "/feed.xml",
        rss("Wire", [("Border clashes (updated)", story_url), ("Other", other_url)]),
        content_type="text/xml",
    )
    assert feed_poll_defer(feed)
    worker_run_until_idle()

    latest = FeedPoll.objects.filter(feed=feed).order_by("-started_at").first()
    assert (latest.items, latest.new, latest.updated, latest.skipped, latest.failed) == (2, 0, 1, 1, 0)
    story = Story.objects.get(outlet=outlet, url=story_url)
    assert story.revisions.count() == 2 and "71 of its soldiers" in story.current_revision.body
    assert web.hits["/world/other"] == 1  # the unchanged item was not fetched again
    assert StoryReading.objects.get(story=story).revision == story.current_revision


def test_a_feed_that_times_out_or_is_not_a_feed_is_recorded_and_polled_again_later(web):
    outlet = OutletFactory(name="Test Wire")
    slow = web.route("/slow.xml", rss("Slow", []), content_type="application/rss+xml", delay=2.5)
    page = web.route("/page.html", article_html("Not a feed", *CLASHES))
    author = UserFactory()
    slow_feed = feed_register(outlet=outlet, url=slow, interval_minutes=10, author=author)
    page_feed = feed_register(outlet=outlet, url=page, interval_minutes=10, author=author)
    worker_run_until_idle()

    for feed, words in ((slow_feed, "did not answer within 1 s"), (page_feed, "is not an RSS or Atom feed")):
        feed.refresh_from_db()
        assert words in feed.last_error and words in feed.polls.get().error
        assert (feed.next_poll_at - feed.last_polled_at).total_seconds() == 600
    assert not Story.objects.filter(outlet=outlet).exists()


def test_one_poll_of_a_feed_waits_at_a_time(web):
    feed = Feed.objects.create(
        outlet=OutletFactory(), url=web.route("/f.xml", rss("F", [])), interval_minutes=5, created_by=UserFactory()
    )
    assert feed_poll_defer(feed)
    assert not feed_poll_defer(feed)  # queueing lock: a second waiting poll is refused
    worker_run_until_idle()
    assert feed_poll_defer(feed)  # once polled, it can be queued again
