"""Logging a claim by keyboard only, in a real browser: from the inbox (the top bar's Stories) to a
story, the words chosen with the arrow keys, the log form opened by a key and prefilled (the figure
read with its qualifier, the speaker of the nearest attribution, the story's date, the best
dispute), Enter saves; the claim is logged, highlighted and listed on the story with its figure."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from claims.models import Actor, Claim, Dispute
from tests.factories import OutletFactory, StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

BODY = (
    "Shelling hit the outskirts of Dovra overnight. "
    "Hikmet Hajiyev said at least 12 civilians were killed in the strike on the market. "
    "Rescue work continued into the morning."
)

BORDER_BODY = (
    "Fighting flared again on the Armenia-Azerbaijan border overnight. "
    "Armenia said at least 49 of its soldiers have been killed in the clashes with Azerbaijani forces. "
    "Talks were expected later in the week."
)
BORDER_WORDS = "Armenia said at least 49 of its soldiers have been killed in the clashes with Azerbaijani forces"


def tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element ``selector`` names has the focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def selected_text(page) -> str:
    return page.evaluate("window.getSelection().toString()")


def test_an_editor_goes_from_the_inbox_to_a_logged_claim_by_keyboard_only(live_server, page, login, seeded, editor):
    story = StoryFactory(
        body=BORDER_BODY,
        headline="Border clashes: Armenia counts its dead",
        outlet=OutletFactory(name="Velmora Wire"),
        published_on=date(2022, 9, 14),
    )
    dispute = Dispute.objects.get(key="soldiers-killed-2022-09-13")
    login(editor)

    # the top bar's Stories link, then the story's row, by Tab and Enter
    tab_to(page, 'nav[aria-label="Main"] a[href="/stories/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/stories/")
    tab_to(page, f'#story-rows a[href="{story.get_absolute_url()}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/stories/{story.pk}/$"))

    # Tab to the story text; the arrow keys choose the words: the second sentence, less its full stop
    tab_to(page, "#story-body")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert selected_text(page) == BORDER_WORDS + "."
    page.keyboard.press("Shift+ArrowLeft")
    assert selected_text(page) == BORDER_WORDS
    expect(page.locator("#selection-status")).to_contain_text("Selected: “Armenia said at least 49")

    # one key opens the log form, prefilled by the server from the selected words
    page.keyboard.press("l")
    form = page.locator("#log-claim-form")
    expect(form.get_by_label("Quote")).to_have_value(BORDER_WORDS)
    speaker = form.get_by_label("Speaker")
    expect(speaker).to_be_focused()
    armenia = Actor.objects.get(key="armenia-government")
    expect(speaker).to_have_value(armenia.name)  # the nearest attribution: "Armenia said"
    expect(form.get_by_label("Said on")).to_have_value("2022-09-14")  # the story's date
    expect(form.get_by_label("Dispute", exact=True)).to_have_value(str(dispute.pk))  # the best dispute
    figure = form.locator("fieldset.figure-row").first
    expect(figure.get_by_label("Measure")).to_have_value("killed")
    expect(figure.get_by_label("Qualifier")).to_have_value("at_least")
    expect(figure.get_by_label("Value")).to_have_value("49")
    expect(figure.get_by_label("Counted")).to_have_value("soldiers")
    expect(figure.get_by_label("As written")).to_have_value(re.compile(r"^at least 49 "))

    # Enter in a text field saves the claim, in place
    page.keyboard.press("Enter")
    expect(page.locator("#log-claim-form .message.success")).to_contain_text("Claim logged")
    claim = Claim.objects.get(story=story)
    assert (claim.quote, claim.speaker, claim.said_on) == (BORDER_WORDS, armenia, date(2022, 9, 14))
    assert list(claim.disputes.all()) == [dispute]
    logged = claim.figures.get()
    # bounds from the qualifier: "at least 49" is 49 or more
    assert (logged.measure, logged.qualifier, logged.value, logged.low, logged.high) == (
        "killed",
        "at_least",
        49,
        49,
        None,
    )
    expect(page.locator(f"#story-body mark#claim-{claim.pk}")).to_be_visible()

    # the claim is listed on the story, with its figure
    listed = page.locator("#story-claims li").filter(has=page.locator(f'a[href="{claim.get_absolute_url()}"]'))
    expect(listed).to_contain_text(armenia.name)
    expect(listed.locator(".badge.figure")).to_have_text("at least 49 killed soldiers (Armenia), as of 2022-09-14")
    page.reload()
    expect(listed.locator(".badge.figure")).to_have_text("at least 49 killed soldiers (Armenia), as of 2022-09-14")


def test_the_keyboard_help_lists_the_keys_and_the_shortcut_can_be_turned_off(live_server, page, login, editor):
    story = StoryFactory(body=BODY)
    login(editor)
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    help_panel = page.locator(".keyboard-help")
    help_panel.get_by_text("Keyboard", exact=True).click()
    expect(help_panel).to_contain_text("extend or shrink the selection by a word")
    shortcut = help_panel.get_by_label(re.compile("Single-key shortcut"))
    shortcut.uncheck()
    page.locator("h1").click()
    page.keyboard.press("l")
    expect(page.get_by_label("Quote")).not_to_be_focused()
    page.reload()  # the choice is kept in this browser
    help_panel.get_by_text("Keyboard", exact=True).click()
    expect(shortcut).not_to_be_checked()
    shortcut.check()
    page.locator("h1").click()
    page.keyboard.press("l")
    expect(page.get_by_label("Quote")).to_be_focused()
