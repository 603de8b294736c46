"""The inbox in a real browser: the top bar's Stories link, filters that update the rows in
place (the URL follows, so the view can be shared), and keyset pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from claims.models import Claim
from sources.models import Story
from tests.claims.views.helpers import PASHINIAN_STORY
from tests.factories import OutletFactory, StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_inbox_lists_filters_and_pages_the_stories(live_server, page, login, seeded, editor):
    outlet = OutletFactory(name="Velmora Wire")
    for n in range(55):
        StoryFactory(
            outlet=outlet, headline=f"Velmora bulletin {n:02d}", published_on=date(2024, 1, 1) + timedelta(days=n)
        )
    flagged = Story.objects.get(key=PASHINIAN_STORY)
    Claim.objects.filter(pk=Claim.objects.active().filter(story=flagged).first().pk).update(needs_reanchoring=True)
    login(editor)
    page.evaluate("window.__stillTheSamePage = true")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stories").click()
    expect(page).to_have_url(f"{live_server.url}/stories/")
    rows = page.locator("#story-rows tbody tr")
    expect(rows.first).to_contain_text("Velmora bulletin 54")  # newest first
    page.evaluate("window.__stillTheSamePage = true")

    # one filter: only the story with a claim that needs re-anchoring, swapped in place
    page.get_by_label("Has flagged claims").check()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(flagged.headline)
    expect(rows.first).to_contain_text("1 needs re-anchoring")
    expect(page).to_have_url(re.compile(r"flagged=on"))
    assert page.evaluate("window.__stillTheSamePage") is True
    page.get_by_label("Has flagged claims").uncheck()

    # an outlet and words in the headline
    page.get_by_label("Outlet", exact=True).select_option(label="Velmora Wire")
    expect(page).to_have_url(re.compile(rf"outlet={outlet.pk}"))
    expect(page.locator("#story-rows")).not_to_contain_text(flagged.headline)
    expect(rows).to_have_count(50)
    page.get_by_role("link", name="Older →").click()
    expect(rows).to_have_count(5)
    expect(rows.last).to_contain_text("Velmora bulletin 00")
    page.get_by_role("link", name="← Newer").click()
    expect(rows.first).to_contain_text("Velmora bulletin 54")
    page.get_by_label("Words in the headline").fill("bulletin 07")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=bulletin(\+|%20)07"))

    # the row leads to the story
    rows.first.get_by_role("link", name="Velmora bulletin 07").click()
    expect(page.locator("h1")).to_have_text("Velmora bulletin 07")


def test_the_dispute_list_filters_by_kind(live_server, page, login, seeded, editor):
    login(editor)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Disputes").click()
    rows = page.locator("#dispute-rows tbody tr")
    expect(rows.first).to_be_visible()
    page.get_by_label("Kind").select_option(label="Territorial control")
    expect(page).to_have_url(re.compile(r"kind=territorial_control"))
    for text in rows.all_inner_texts():
        assert "Territorial control" in text
