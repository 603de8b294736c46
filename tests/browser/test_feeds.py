"""An editor adds a feed on the sources page; a worker reads it; the inbox lists its stories with
the assistant's suggestions ready."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ingest.jobs import worker_run_until_idle
from tests.factories import OutletFactory
from tests.ingest.conftest import LocalWeb, article_html, rss
from tests.ingest.test_feeds import CLASHES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def web(settings):
    settings.INGEST_FETCH_ALLOW_PRIVATE = True  # the live server runs in this process: same settings
    server = LocalWeb()
    yield server
    server.close()


def test_a_feed_added_on_the_sources_page_fills_the_inbox(live_server, page, login, seeded, editor, web):
    OutletFactory(name="Velmora Wire")
    first = web.route("/a.html", article_html("Velmora says 49 soldiers killed in border clashes", *CLASHES))
    second = web.route("/b.html", article_html("Velmora denies shelling Goris", *reversed(CLASHES)))
    broken = web.route("/c.html", "oops", status=500)
    feed = web.route("/feed.xml", rss("Velmora wire", [("A", first), ("B", second), ("C", broken)]))
    login(editor)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sources").click()
    expect(page.get_by_role("heading", name="Sources", level=1)).to_be_visible()
    page.get_by_label("Outlet").select_option(label="Velmora Wire")
    page.get_by_label("Feed address").fill(feed)
    page.get_by_label("Poll every (minutes)").fill("5")
    page.get_by_role("button", name="Add the feed").click()
    expect(page.get_by_role("status")).to_contain_text("Feed added for Velmora Wire")

    worker_run_until_idle()

    page.reload()
    row = page.locator("table.feed-table tbody tr", has_text="Velmora wire")
    expect(row.locator("td.num")).to_have_text(["2", "0", "0", "1", "0"])  # new, updated, skipped, failed, waiting
    row.get_by_role("link", name="Velmora wire").click()
    expect(page.locator("#problems + ul")).to_contain_text("answered 500")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stories").click()
    story_row = page.locator("#story-rows tbody tr", has_text="Velmora says 49 soldiers killed")
    expect(story_row).to_contain_text("Velmora Wire")
    expect(story_row.locator("td.num").nth(2)).not_to_have_text("not read")  # suggestions ready
    expect(page.locator("#story-rows tbody tr", has_text="Velmora denies shelling Goris")).to_have_count(1)
