"""Correcting claims in a real browser: a figure corrected in place and then restored from the
claim's history; a wire update raising a toll, the claims re-anchored to the new words, and the
disagreement between words and figures resolved both ways (figures updated; the new words logged
as a claim that revises the old one)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims import services
from claims.models import Claim, ClaimLink, Figure
from sources.services import story_import
from tests.browser.test_log_claim import watch_console
from tests.factories import DisputeFactory, OutletFactory

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = (
    "GANJA, Azerbaijan (AFP) - Officials said at least 7 people were killed in the missile strike on Ganja.\n\n"
    "Doctors said at least 20 people were wounded in the strike.\n\n"
    "Armenia denied firing at the city."
)
SECOND = FIRST.replace("at least 7 people were killed", "11 people were killed").replace(
    "at least 20 people were wounded", "31 people were wounded"
)


def import_story(outlet, text):
    return story_import(outlet=outlet, text=text, headline="Missile strike on Ganja", url="https://example.org/ganja")


@pytest.fixture
def story(db):
    return import_story(OutletFactory(name="AFP"), FIRST).story


def log(story, quote, measure, value):
    return services.claim_log(
        story=story,
        author=None,
        quote=quote,
        disputes=[services.DisputeLink(DisputeFactory(title=f"How many {measure} in Ganja?"))],
        figures=[services.FigureInput(measure=measure, value=value, qualifier="at_least", counted="people")],
    )


def test_a_figure_corrected_and_then_restored_from_history(live_server, page, login, editor, story):
    problems = watch_console(page)
    claim = log(story, "at least 7 people were killed in the missile strike on Ganja", "killed", 7)
    login(editor)
    page.goto(f"{live_server.url}{claim.get_absolute_url()}")
    page.evaluate("window.__stillTheSamePage = true")

    corrections = page.locator("#corrections")
    corrections.get_by_text("Correct “at least 7 killed people”").click()
    form = corrections.locator("form.figure-form").first
    form.get_by_label("Qualifier").select_option("exact")
    form.get_by_label("Value").fill("9")
    form.get_by_label("As written").fill("nine people were killed")
    form.get_by_role("button", name="Save figure").click()

    expect(corrections.get_by_role("status")).to_have_text("Figure saved.")
    expect(corrections.locator("table")).to_contain_text("exactly 9")
    history = page.locator("#history")
    expect(history).to_contain_text("Figure changed by editor")
    expect(history).to_contain_text("exactly 9 killed people")
    assert page.evaluate("window.__stillTheSamePage") is True  # corrected in place (htmx)
    assert Figure.objects.get(claim=claim).value == 9

    added = history.locator("li.history-entry", has_text="Figure added")
    added.get_by_role("button", name="Restore this figure as it was then").click()

    expect(corrections.get_by_role("status")).to_contain_text("Figure restored: at least 7 killed people")
    expect(corrections.locator("table")).to_contain_text("at least 7")
    expect(history.locator("li.history-entry").first).to_contain_text("Figure changed by editor")
    figure = Figure.objects.get(claim=claim)
    assert (figure.value, figure.qualifier, figure.low, figure.high, figure.version) == (7, "at_least", 7, None, 3)
    assert problems == []


def reanchor(page, claim_pk, words):
    item = page.locator(f"#attention-{claim_pk}")
    item.get_by_label("New words for the claim").fill(words)
    item.get_by_role("button", name="Anchor to these words").click()


def test_a_revision_raising_a_toll_reanchored_and_resolved_both_ways(live_server, page, login, editor, story):
    problems = watch_console(page)
    killed = log(story, "at least 7 people were killed in the missile strike on Ganja", "killed", 7)
    wounded = log(story, "at least 20 people were wounded in the strike", "wounded", 20)
    import_story(story.outlet, SECOND)  # the wire update raises both figures
    assert set(Claim.objects.filter(needs_reanchoring=True)) == {killed, wounded}

    login(editor)
    page.goto(f"{live_server.url}/stories/{story.pk}/revisions/")
    reanchor(page, killed.pk, "11 people were killed in the missile strike on Ganja")
    expect(page.locator(".messages")).to_contain_text("whose numbers differ from its figures")
    reanchor(page, wounded.pk, "31 people were wounded in the strike")
    listed = page.locator("section", has=page.get_by_role("heading", name=re.compile("Words and figures disagree")))
    expect(listed.get_by_role("listitem")).to_have_count(2)

    # the first: the figures follow the new words
    listed.get_by_role("link", name=f"Claim {killed.pk}").click()
    notice = page.locator(".words-disagree")
    expect(notice).to_contain_text("The words and the figures disagree")
    expect(notice).to_contain_text("at least 7 killed people becomes exactly 11 killed people")
    notice.get_by_role("button", name="Update the figures").click()
    expect(page.locator(".messages")).to_contain_text("The figures now say what the new words say.")
    expect(page.locator(".words-disagree")).to_have_count(0)
    expect(page.locator("#figures table")).to_contain_text("exactly 11")

    # the second: the new words become a claim that revises the old one; both stay
    page.goto(f"{live_server.url}{wounded.get_absolute_url()}")
    page.locator(".words-disagree").get_by_role("button", name="Log the new words as a revising claim").click()
    expect(page.locator(".messages")).to_contain_text(f"which revises claim {wounded.pk}")
    expect(page.locator("blockquote.claim-in-context mark")).to_have_text("31 people were wounded in the strike")
    expect(page.locator("#figures table")).to_contain_text("exactly 31")
    expect(page.locator("li", has_text="This claim revises")).to_be_visible()
    page.get_by_role("link", name=re.compile("at least 20 people were wounded")).click()
    expect(page.locator("blockquote.claim-in-context mark")).to_have_text(
        "at least 20 people were wounded in the strike"
    )
    expect(page.locator("#figures table")).to_contain_text("at least 20")
    expect(page.locator(".words-disagree")).to_have_count(0)

    revised = Claim.objects.exclude(pk__in=[killed.pk, wounded.pk]).get()
    assert ClaimLink.objects.filter(source=revised, target=wounded, kind="revises").exists()
    assert not Claim.objects.figures_disagree().exists()
    page.goto(f"{live_server.url}/stories/{story.pk}/revisions/")
    expect(page.get_by_role("heading", name=re.compile("Words and figures disagree"))).to_have_count(0)
    assert problems == []
