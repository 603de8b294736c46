"""Reviews in a real browser: a fact-checker drafts a verdict (choosing a rating: there is no
default), a second fact-checker sends it back with a comment, the author sees it, edits and
resubmits, and the second approves after confirming; approving a verdict on a claim partners
cannot see says so."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims import services
from claims.models import Claim, Review
from claims.reviewing import review_draft
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.allow_console_errors(r"status of 422 \(Unprocessable")  # the rating left unchosen, on purpose
def test_a_draft_is_sent_back_changed_resubmitted_and_published_once_a_second_person_confirms(
    live_server, browser, page, login, seeded, factchecker, second_factchecker
):
    claim = Claim.objects.visible().filter(reviews__isnull=True).order_by("pk").first()
    login(factchecker)
    page.goto(f"{live_server.url}/claims/{claim.pk}/reviews/new/")
    expect(page.get_by_label("Rating")).to_have_value("")  # no default rating
    page.get_by_label("Reasoning").fill("Baku publishes no military losses; **no independent count** exists.")
    page.get_by_label("Evidence links").fill("https://example.org/evidence")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".field.has-error")).to_contain_text("Choose a rating: there is no default.")
    page.get_by_label("Rating").select_option("misleading")
    page.get_by_role("button", name="Save as draft").click()

    expect(page).to_have_url(re.compile(r"/reviews/\d+/$"))
    expect(page.locator("main")).to_contain_text("another fact-checker or an editor must approve it")
    expect(page.get_by_role("link", name="Approve and publish…")).to_have_count(0)
    review = Review.objects.get(claim=claim, reviewer=factchecker, rating="misleading")

    # the second fact-checker sends it back with a comment
    second = browser.new_context().new_page()
    login(second_factchecker, second)
    second.goto(f"{live_server.url}/reviews/{review.pk}/")
    expect(second.locator(".reasoning strong").first).to_have_text("no independent count")
    second.get_by_label("Comment for the reviewer").fill("Say whose count you compare it with.")
    second.get_by_role("button", name="Send back with this comment").click()
    expect(second.get_by_role("status")).to_contain_text("Sent back to factchecker")
    expect(second.get_by_role("link", name="Approve and publish…")).to_have_count(0)

    # the author sees the comment, edits and resubmits
    page.reload()
    expect(page.get_by_role("heading", name="Sent back to you")).to_be_visible()
    expect(page.locator(".review-returned")).to_contain_text("Say whose count you compare it with.")
    page.get_by_role("link", name="Edit the draft").click()
    expect(page.locator(".review-returned")).to_contain_text("Say whose count you compare it with.")
    page.get_by_label("Reasoning").fill("Baku publishes no military losses; Yerevan's count is its own.")
    page.get_by_role("button", name="Save and resubmit for approval").click()
    expect(page.get_by_role("status")).to_contain_text("resubmitted")
    expect(page.locator(".review-returned")).to_have_count(0)

    # the second approves, after confirming
    second.goto(f"{live_server.url}/reviews/{review.pk}/")
    expect(second.locator(".review-send-backs")).to_contain_text("Say whose count you compare it with.")
    second.get_by_role("link", name="Approve and publish…").click()
    expect(second.get_by_role("heading", name="Approve and publish this verdict?")).to_be_visible()
    review.refresh_from_db()
    assert not review.is_published
    second.get_by_role("button", name="Yes, approve and publish").click()

    expect(second.get_by_role("status")).to_contain_text("Approved and published.")
    expect(second.locator("main")).to_contain_text("approved by factchecker2")
    review.refresh_from_db()
    assert review.is_published and review.approved_by == second_factchecker
    assert review.reasoning == "Baku publishes no military losses; Yerevan's count is its own."
    events = review.events.order_by("pgh_id")
    assert "Say whose count you compare it with." in [e.return_comment for e in events]


def test_approving_a_verdict_on_a_claim_partners_cannot_see_says_so_and_links_to_the_claim(
    live_server, page, login, editor, factchecker, second_factchecker
):
    claim = services.claim_log(story=StoryFactory(), author=editor, quote="13 civilians were killed")
    review = review_draft(claim=claim, reviewer=factchecker, rating="mixed", reasoning="Two counts.")
    login(second_factchecker)
    page.goto(f"{live_server.url}/reviews/{review.pk}/approve/")

    notice = page.locator(".not-public-yet")
    expect(notice).to_contain_text(
        "This verdict will not be public until the claim and a dispute it is in are published."
    )
    page.get_by_role("button", name="Yes, approve and publish").click()
    expect(page.get_by_role("status")).to_contain_text("Approved. This verdict will not be public until")
    expect(page.locator(".not-public-yet")).to_be_visible()  # the review page keeps saying so
    page.get_by_role("link", name="Open the claim to publish it").click()
    expect(page).to_have_url(re.compile(rf"/claims/{claim.pk}/"))
