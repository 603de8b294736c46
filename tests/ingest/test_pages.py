"""The desk's pages for the ways in: the sources page (feeds registered by editors, with what
their reads did) and importing a story from a link."""

from __future__ import annotations

import lxml.html
import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from ingest.models import Feed, FeedItem, FeedPoll, LinkImport, Outcome
from sources.models import Story
from tests.claims.views.helpers import text_of
from tests.factories import OutletFactory, UserFactory
from tests.ingest.conftest import article_html
from tests.ingest.test_feeds import CLASHES
from tests.jobs import run_jobs_here

pytestmark = pytest.mark.django_db


def test_an_editor_registers_a_feed_and_its_first_read_is_queued(client, editor):
    outlet = OutletFactory(name="Anadolu Agency")
    client.force_login(editor)
    answer = client.post(
        reverse("ingest:feed_add"),
        {"outlet": outlet.pk, "url": "https://www.aa.com.tr/en/rss/default?cat=world", "interval_minutes": "10"},
    )
    assert answer.status_code == 302
    feed = Feed.objects.get(outlet=outlet)
    assert feed.created_by == editor and feed.interval_minutes == 10
    event = apps.get_model("ingest", "FeedEvent").objects.get(pgh_obj_id=feed.pk)
    assert event.pgh_label == "insert" and event.pgh_context.metadata["user"] == editor.pk  # its history
    page = client.get(answer["Location"])
    assert "Feed added for Anadolu Agency" in text_of(page)


@pytest.mark.parametrize(
    ("url", "interval", "words"),
    [
        ("ftp://example.org/feed", "10", "starting with http:// or https://"),
        ("not a link", "10", "starting with http:// or https://"),
        ("https://example.org/feed.xml", "0", "greater than or equal to 1"),
        ("https://example.org/feed.xml", "99999999", "less than or equal to 10080"),
    ],
)
def test_a_bad_feed_is_refused_with_the_reason_and_nothing_written(client, editor, url, interval, words):
    outlet = OutletFactory()
    client.force_login(editor)
    answer = client.post(reverse("ingest:feed_add"), {"outlet": outlet.pk, "url": url, "interval_minutes": interval})
    assert answer.status_code == 422 and words in text_of(answer)
    assert "The feed was not added" in text_of(answer)
    assert not Feed.objects.exists()


def test_the_same_feed_twice_is_refused(client, editor):
    feed = Feed.objects.create(outlet=OutletFactory(), url="https://example.org/rss", created_by=editor)
    client.force_login(editor)
    answer = client.post(
        reverse("ingest:feed_add"), {"outlet": feed.outlet_id, "url": feed.url, "interval_minutes": "15"}
    )
    assert answer.status_code == 422 and "already has this feed" in text_of(answer)


def test_a_viewer_sees_the_sources_but_cannot_add_a_feed(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("ingest:sources")).status_code == 200
    answer = client.post(
        reverse("ingest:feed_add"), {"outlet": OutletFactory().pk, "url": "https://e.org/r", "interval_minutes": "5"}
    )
    assert answer.status_code == 403 and not Feed.objects.exists()


def test_the_sources_page_shows_each_feeds_latest_read_in_bounded_queries(
    client, editor, django_assert_max_num_queries
):
    for n in range(12):
        feed = Feed.objects.create(outlet=OutletFactory(), url=f"https://example.org/{n}.xml", created_by=editor)
        FeedPoll.objects.create(feed=feed, items=9, new=1, updated=1, skipped=1, failed=1)
        FeedPoll.objects.create(feed=feed, items=20, new=n, updated=2, skipped=3, failed=4)
        Feed.objects.filter(pk=feed.pk).update(last_polled_at=timezone.now(), last_error="")
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("ingest:sources"))
    row = lxml.html.fromstring(page.content).get_element_by_id(f"feed-{feed.pk}")
    # new, updated, skipped, failed, waiting of the latest read
    assert [cell.text_content().strip() for cell in row.find_class("num")] == ["11", "2", "3", "4", "0"]


def test_a_feeds_page_lists_its_failed_items_with_their_reasons(client, editor):
    feed = Feed.objects.create(outlet=OutletFactory(), url="https://example.org/rss", created_by=editor)
    poll = FeedPoll.objects.create(feed=feed, items=1, failed=1)
    FeedItem.objects.create(
        feed=feed, poll=poll, guid="x", url="https://example.org/x", title="Broken item", fingerprint="f",
        outcome=Outcome.FAILED, reason="https://example.org/x answered 500 Internal Server Error.",
    )  # fmt: skip
    client.force_login(editor)
    page = text_of(client.get(reverse("ingest:feed_detail", args=[feed.pk])))
    assert "Broken item : https://example.org/x answered 500 Internal Server Error." in page


def test_a_link_is_imported_in_the_background_and_the_editor_sees_the_story_or_the_reason(client, editor, web):
    outlet = OutletFactory(name="Daily Sabah")
    good = web.route("/2022/09/clashes", article_html("Border clashes kill dozens", *CLASHES))
    broken = web.route("/2022/09/gone", "gone", status=404)
    client.force_login(editor)
    for url in (good, broken):
        answer = client.post(reverse("ingest:link_import"), {"url": url, "outlet": outlet.pk})
        assert answer.status_code == 302
    waiting = text_of(client.get(reverse("ingest:link_import")))
    assert waiting.count("Waiting to be fetched") == 2

    run_jobs_here()
    page = text_of(client.get(reverse("ingest:link_import")))
    assert "New story: Border clashes kill dozens" in page
    assert f"Not imported: {broken} answered 404 Not Found." in page
    story = Story.objects.get(url=good)
    assert story.outlet == outlet and story.created_by == editor and story.current_revision.raw_html
    assert LinkImport.objects.get(url=broken).story is None

    # the same link again: nothing new
    client.post(reverse("ingest:link_import"), {"url": good, "outlet": outlet.pk})
    run_jobs_here()
    assert LinkImport.objects.filter(url=good).order_by("-id").first().outcome == Outcome.UNCHANGED


def test_a_link_to_the_desks_own_network_is_refused_when_fetched(client, editor, settings):
    settings.INGEST_FETCH_ALLOW_PRIVATE = False
    client.force_login(editor)
    client.post(reverse("ingest:link_import"), {"url": "http://169.254.169.254/latest/", "outlet": OutletFactory().pk})
    run_jobs_here()
    assert "private, loopback or link-local" in text_of(client.get(reverse("ingest:link_import")))


def test_a_link_page_of_another_editor_is_not_shown(client, editor):
    other = UserFactory()
    LinkImport.objects.create(url="https://example.org/theirs", outlet=OutletFactory(), requested_by=other)
    client.force_login(editor)
    assert "example.org/theirs" not in text_of(client.get(reverse("ingest:link_import")))


def test_read_now_twice_queues_one_read_and_says_so(client, editor):
    feed = Feed.objects.create(outlet=OutletFactory(), url="https://example.org/rss", created_by=editor)
    client.force_login(editor)
    url = reverse("ingest:feed_poll_now", args=[feed.pk])
    assert client.post(url).status_code == 302
    again = client.post(url, follow=True)
    assert "already waiting to be read" in text_of(again)
    assert Feed.objects.filter(pk=feed.pk).exists()  # the transaction goes on after the refused queueing
