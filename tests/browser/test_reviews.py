"""Reviews in a real browser: a fact-checker drafts a verdict, a second fact-checker approves it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims.models import Claim, Review

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_draft_verdict_is_published_once_a_second_person_approves_it(
    live_server, browser, page, login, seeded, factchecker, second_factchecker
):
    claim = Claim.objects.filter(is_published=True, reviews__isnull=True).order_by("pk").first()
    login(factchecker)
    page.goto(f"{live_server.url}/claims/{claim.pk}/reviews/new/")
    page.get_by_label("Rating").select_option("misleading")
    page.get_by_label("Reasoning").fill("Baku publishes no military losses; **no independent count** exists.")
    page.get_by_label("Evidence links").fill("https://example.org/evidence")
    page.get_by_role("button", name="Save as draft").click()

    expect(page).to_have_url(re.compile(r"/reviews/\d+/$"))
    expect(page.locator("main")).to_contain_text("another fact-checker or an editor must approve it")
    expect(page.get_by_role("button", name="Approve and publish")).to_have_count(0)
    review = Review.objects.get(claim=claim, reviewer=factchecker, rating="misleading")
    assert not review.is_published

    second = browser.new_context().new_page()
    login(second_factchecker, second)
    second.goto(f"{live_server.url}/reviews/{review.pk}/")
    expect(second.locator(".reasoning strong").first).to_have_text("no independent count")
    second.get_by_role("button", name="Approve and publish").click()

    expect(second.get_by_role("status")).to_contain_text("Approved and published.")
    expect(second.locator("main")).to_contain_text("approved by factchecker2")
    review.refresh_from_db()
    assert review.is_published and review.approved_by == second_factchecker
