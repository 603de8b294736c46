"""The editor's everyday loop with JavaScript off, in a real browser: every htmx step also works as
plain HTML. The inbox filtered with its Show button, a claim logged from pasted words, the
assistant's suggestions accepted, undone, dismissed, listed, restored and edited first, and a
claim's figure corrected, removed and restored from its history, its stance changed."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from claims import services
from claims.models import Claim, ClaimDispute, Figure
from tests.factories import DisputeFactory, OutletFactory, StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

BODY = (
    "Shelling went on overnight. The health ministry said at least 60 civilians have been killed "
    "and 270 wounded since Sept. 27, and 13 people died in Saturday's strike. "
    "Officials in Stepanakert said 11 soldiers were wounded on Monday."
)
PASTED = "Officials in Stepanakert said 11 soldiers were wounded on Monday"


@pytest.fixture
def plain(browser, live_server, editor):
    """A page in a browser with JavaScript off, logged in as the editor."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def test_from_the_inbox_to_logged_and_suggested_claims_without_javascript(live_server, plain, seeded):
    page = plain
    story = StoryFactory(
        body=BODY,
        headline="Velmora shelling toll",
        outlet=OutletFactory(name="Velmora Wire"),
        published_on=date(2024, 5, 2),
    )

    # the inbox: a filter applied with the Show button, the row leads to the story
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stories").click()
    page.get_by_label("Words in the headline").fill("Velmora shelling")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/stories/\?q=Velmora\+shelling"))
    rows = page.locator("#story-rows tbody tr")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link", name="Velmora shelling toll").click()
    expect(page.locator("h1")).to_have_text("Velmora shelling toll")

    # a claim logged from pasted words (choosing them in the text needs JavaScript): the page comes back
    # with it listed
    form = page.locator("#log-claim-form")
    expect(form.get_by_label("Said on")).to_have_value("2024-05-02")
    form.get_by_label("Quote").fill(PASTED)
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/stories/{story.pk}/#claim-\d+$"))
    expect(page.locator(".message.success")).to_contain_text("Claim logged")
    pasted = Claim.objects.get(story=story)
    assert pasted.quote == PASTED
    expect(page.locator("#story-claims")).to_contain_text("Officials in Stepanakert said 11 soldiers")
    expect(page.locator(".message.success").get_by_role("link")).to_have_attribute("href", pasted.get_absolute_url())

    # the assistant's suggestions, on their own page: accept, undo, dismiss, list, restore
    page.get_by_role("link", name="Show the assistant's suggestions for this story").click()
    items = page.locator("li.suggestion")
    expect(items.first).to_be_visible()
    waiting = items.count()
    items.first.get_by_role("button", name="Accept").click()
    expect(page.locator(".suggestion-logged")).to_contain_text("Logged: ")
    accepted = Claim.objects.get(story=story, from_suggestion=True)
    page.get_by_role("button", name="Undo").click()
    expect(page.locator(".message").first).to_contain_text("Undone")
    accepted.refresh_from_db()
    assert accepted.is_withdrawn and accepted.withdrawal_reason == "undone"
    expect(page.locator("li.suggestion")).to_have_count(waiting)

    page.locator("li.suggestion").first.get_by_role("button", name="Dismiss").click()
    expect(page.locator("li.suggestion")).to_have_count(waiting - 1)
    page.get_by_role("link", name="list them").click()
    dismissed = page.locator("li.suggestion-dismissed")
    expect(dismissed).to_have_count(1)
    dismissed.first.get_by_role("button").click()
    expect(page.locator("li.suggestion:not(.suggestion-dismissed)")).to_have_count(waiting)

    # Edit first: the whole reader with the form holding every figure of the suggestion
    item = page.locator("li.suggestion", has_text="270 wounded")
    item.get_by_role("link", name="Edit first").click()
    form = page.locator("#log-claim-form")
    values = [v.input_value() for v in form.locator("fieldset.figure-row").get_by_label("Value").all()]
    assert values[:3] == ["60", "270", "13"]
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message.success")).to_contain_text("Claim logged")
    edited = Claim.objects.active().get(story=story, quote__contains="270 wounded")
    assert sorted(edited.figures.values_list("value", flat=True)) == [13, 60, 270]
    page.locator(".message.success").get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"{edited.get_absolute_url()}$"))


def test_a_claim_corrected_on_its_page_without_javascript(live_server, plain, editor, seeded):
    page = plain
    claim = services.claim_log(
        story=StoryFactory(body=BODY),
        author=editor,
        quote="at least 60 civilians have been killed",
        disputes=[services.DisputeLink(DisputeFactory(title="How many civilians died in Velmora?"))],
        figures=[services.FigureInput(measure="killed", value=60, qualifier="at_least", counted="civilians")],
    )
    figure = claim.figures.get()
    page.goto(f"{live_server.url}{claim.get_absolute_url()}")

    correction = page.locator(f"#figure-{figure.pk}")
    correction.locator("summary").click()
    correction.get_by_label("Value").fill("63")
    correction.get_by_label("Qualifier").select_option("exact")
    correction.get_by_role("button", name="Save figure").click()
    expect(page.locator("#figures table")).to_contain_text("exactly 63 (63 to 63)")

    correction = page.locator(f"#figure-{figure.pk}")
    correction.locator("summary").click()
    correction.get_by_role("button", name="Remove this figure").click()
    expect(page.locator("#figures")).not_to_contain_text("exactly 63")
    assert not Figure.objects.filter(pk=figure.pk).exists()
    page.locator("#history").get_by_role("button", name="Restore this figure", exact=True).click()
    expect(page.locator("#figures table")).to_contain_text("exactly 63 (63 to 63)")
    assert Figure.objects.get(pk=figure.pk).value == 63

    place = page.locator("li.placement")
    place.get_by_label("Stance").select_option("denies")
    place.get_by_role("button", name="Save").click()
    expect(page.locator("#history")).to_contain_text("Place in a dispute changed by editor")
    assert ClaimDispute.objects.get(claim=claim).stance == "denies"
