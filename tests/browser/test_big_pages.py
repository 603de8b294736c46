"""Big disputes and busy speakers in a real browser: a dispute column's "Show more" adds the next
cards in place (htmx), "Show all charts" the charts after the first few, and an actor's claims
page through keyset pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims import services
from claims.models import ClaimDispute
from claims.views.disputes import CARDS_PER_PAGE, CHARTS_SHOWN, FIRST_CARDS
from tests.claims.views.helpers import add_strikes, build_dispute
from tests.factories import ActorFactory, StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_show_more_adds_a_columns_next_cards_in_place(live_server, page, login, editor):
    dispute = build_dispute(editor, claims=60)
    login(editor)
    page.goto(f"{live_server.url}{dispute.get_absolute_url()}")
    page.evaluate("window.__stillTheSamePage = true")
    column = page.locator("section.column").first
    key = column.get_attribute("id").removeprefix("column-").removesuffix("-cards")
    total = int(re.search(r"\((\d+)\)", column.locator("h3").inner_text()).group(1))
    assert total > FIRST_CARDS + CARDS_PER_PAGE
    expect(column.locator("article.card")).to_have_count(FIRST_CARDS)

    column.get_by_role("link", name="Show more").click()
    expect(column.locator("article.card")).to_have_count(FIRST_CARDS + CARDS_PER_PAGE)
    while column.get_by_role("link", name="Show more").count():
        column.get_by_role("link", name="Show more").click()
        page.wait_for_load_state("networkidle")
    expect(column.locator("article.card")).to_have_count(total)
    assert page.evaluate("window.__stillTheSamePage") is True
    shown = [
        int(i.removeprefix("card-")) for i in column.locator("article.card").evaluate_all("els => els.map(e => e.id)")
    ]
    side = int(key.removeprefix("side-")) if key.startswith("side-") else None
    placements = ClaimDispute.objects.filter(dispute=dispute)
    placements = placements.filter(claim__speaker__side_id=side) if side else placements.filter(claim__speaker=None)
    assert sorted(shown) == sorted(placements.values_list("claim_id", flat=True))
    assert len(set(shown)) == len(shown)


def test_show_all_charts_adds_the_remaining_charts_in_place(live_server, page, login, editor):
    dispute = build_dispute(editor, claims=8)
    add_strikes(dispute, CHARTS_SHOWN + 2)
    login(editor)
    page.goto(f"{live_server.url}{dispute.get_absolute_url()}")
    page.evaluate("window.__stillTheSamePage = true")
    figures = page.locator("#figures")
    expect(figures.locator("figure.chart")).to_have_count(CHARTS_SHOWN)
    figures.get_by_role("link", name="Show all charts (3 more)").click()
    expect(page.locator("#figures figure.chart")).to_have_count(CHARTS_SHOWN + 3)
    expect(page.locator("#figures")).to_contain_text("Strike number 5")
    assert page.evaluate("window.__stillTheSamePage") is True


def test_actor_page_pages_through_a_busy_speakers_claims(live_server, page, login, editor):
    actor = ActorFactory(name="Very Busy Spokesman")
    sentences = [f"The spokesman said {n} people were hurt." for n in range(30)]
    story = StoryFactory(body=" ".join(sentences))
    for sentence in sentences:
        services.claim_log(story=story, author=editor, quote=sentence, speaker=actor)
    login(editor)
    page.goto(f"{live_server.url}{actor.get_absolute_url()}")
    rows = page.locator("ol.claim-list > li")
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("29 people were hurt")  # the newest logged first
    page.get_by_role("link", name="Earlier →").click()
    expect(rows).to_have_count(5)
    expect(rows.last).to_contain_text("said 0 people were hurt")
    page.get_by_role("link", name="← Later").click()
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("29 people were hurt")
