"""Public pages, in a real browser, logged out: a published dispute and a reviewed claim, with the
ClaimReview JSON-LD embedded, nothing unpublished, and no Content-Security-Policy violation."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim, Dispute, Review

pytestmark = pytest.mark.django_db(transaction=True)


def csp_violations(page: Page) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text) if "Content Security Policy" in msg.text else None)
    return messages


def test_anyone_reads_a_published_dispute_and_a_reviewed_claim(live_server, seeded, page: Page):
    violations = csp_violations(page)
    review = Review.objects.visible().select_related("claim").first()
    claim = review.claim
    dispute = Dispute.objects.visible().filter(claims=claim).first()
    hidden_here = Claim.objects.filter(dispute_links__dispute=dispute).exclude(pk__in=Claim.objects.visible())

    page.goto(f"{live_server.url}/public/disputes/{dispute.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(dispute.title)
    expect(page.get_by_role("heading", name="Who says what")).to_be_visible()
    for other in hidden_here:
        expect(page.get_by_text(other.quote, exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Log in")).to_have_count(0)

    page.get_by_role("link", name=claim.quote).first.click()
    page.wait_for_url(f"**/public/claims/{claim.public_id}/")
    expect(page.locator("blockquote.quote")).to_have_text(claim.quote)
    expect(page.get_by_role("heading", name="Our verdict")).to_be_visible()
    expect(page.locator(".rating").first).to_contain_text(review.get_rating_display())

    scripts = page.locator('script[type="application/ld+json"]')
    expect(scripts).to_have_count(Review.objects.visible().filter(claim=claim).count())
    data = json.loads(scripts.first.text_content())
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == claim.quote
    assert data["url"] == page.url
    assert violations == []


@pytest.mark.allow_console_errors(r"status of 404 \(Not Found\)")
def test_an_unpublished_dispute_has_no_public_page(live_server, seeded, page: Page):
    hidden = Dispute.objects.exclude(pk__in=Dispute.objects.visible()).first()
    response = page.goto(f"{live_server.url}/public/disputes/{hidden.public_id}/")
    assert response.status == 404
    expect(page.get_by_text(hidden.title)).to_have_count(0)
