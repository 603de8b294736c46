"""Logging a claim by keyboard only, in a real browser: from the desk's front page to a story, the
words chosen with the arrow keys, the log form opened by a key and prefilled (the figure read, the
speaker found, the story's date), Enter saves; the claim is logged and highlighted."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from claims.models import Actor, Claim
from tests.factories import OutletFactory, StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

BODY = (
    "Shelling hit the outskirts of Dovra overnight. "
    "Hikmet Hajiyev said at least 12 civilians were killed in the strike on the market. "
    "Rescue work continued into the morning."
)
WORDS = "Hikmet Hajiyev said at least 12 civilians were killed in the strike"


def tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element ``selector`` names has the focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def selected_text(page) -> str:
    return page.evaluate("window.getSelection().toString()")


def test_an_editor_logs_a_claim_from_the_desk_by_keyboard_only(live_server, page, login, seeded, editor):
    story = StoryFactory(
        body=BODY, headline="Shelling hits Dovra market", outlet=OutletFactory(), published_on=date(2024, 3, 9)
    )
    login(editor)
    page.goto(f"{live_server.url}/")
    tab_to(page, f'a[href="{story.get_absolute_url()}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/stories/{story.pk}/$"))

    # Tab to the story text; the arrow keys choose the words
    tab_to(page, "#story-body")
    page.keyboard.press("ArrowDown")  # the first sentence
    assert selected_text(page) == "Shelling hit the outskirts of Dovra overnight."
    page.keyboard.press("ArrowDown")  # the next one
    assert selected_text(page).startswith("Hikmet Hajiyev said") and selected_text(page).endswith("market.")
    for _ in range(4):  # shrink by a word, four times: ".", "market", "the", "on"
        page.keyboard.press("Shift+ArrowLeft")
    assert selected_text(page) == WORDS
    expect(page.locator("#selection-status")).to_contain_text("Selected: “Hikmet Hajiyev said")
    expect(page.locator("#story-body")).to_be_focused()

    # one key opens the log form, prefilled by the server from the selected words
    page.keyboard.press("l")
    form = page.locator("#log-claim-form")
    expect(form.get_by_label("Quote")).to_have_value(WORDS)
    speaker = form.get_by_label("Speaker")
    expect(speaker).to_be_focused()
    expect(speaker).to_have_value("Hikmet Hajiyev")
    expect(form.get_by_label("Said on")).to_have_value("2024-03-09")
    figure = form.locator("fieldset.figure-row").first
    expect(figure.get_by_label("Value")).to_have_value("12")
    expect(figure.get_by_label("Measure")).to_have_value("killed")
    expect(figure.get_by_label("Qualifier")).to_have_value("at_least")
    expect(figure.get_by_label("Counted")).to_have_value("civilians")

    # Enter in a text field saves the claim, in place
    page.keyboard.press("Enter")
    expect(page.locator("#log-claim-form .message.success")).to_contain_text("Claim logged")
    claim = Claim.objects.get(story=story)
    assert claim.quote == WORDS
    assert claim.speaker == Actor.objects.get(key="hajiyev")
    assert claim.said_on == date(2024, 3, 9)
    figure_row = claim.figures.get()
    assert (figure_row.measure, figure_row.qualifier, figure_row.value, figure_row.counted) == (
        "killed",
        "at_least",
        12,
        "civilians",
    )
    expect(page.locator(f"#story-body mark#claim-{claim.pk}")).to_be_visible()


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
