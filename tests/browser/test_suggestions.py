"""The claim assistant in the story reader, in a real browser: the Suggestions panel lists what the
assistant found, marks the words in the text, and accepting, editing or dismissing works end to end."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims.models import Claim, SuggestionDismissal
from sources.models import Story
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

STORY_KEY = "trtworld-2020-10-02-hajiyev"


def watch_for_errors(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def open_reader(page, live_server, story):
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    items = page.locator("#suggestions li.suggestion")
    expect(items.first).to_be_visible()
    return items


def marked_words(page, item_id: str) -> str:
    return "".join(page.locator(f'#story-body mark.suggestion-mark[data-suggestion="{item_id}"]').all_text_contents())


def test_suggestions_are_listed_marked_accepted_and_dismissed(live_server, page, login, seeded, editor):
    problems = watch_for_errors(page)
    story = Story.objects.select_related("current_revision").get(key=STORY_KEY)
    body = story.current_revision.body
    logged_before = Claim.objects.filter(story=story).count()
    login(editor)
    items = open_reader(page, live_server, story)
    assert items.count() >= 3

    # In text order, and each one's words are marked in the story, apart from logged claims' marks.
    starts = [int(items.nth(n).get_attribute("data-start")) for n in range(items.count())]
    assert starts == sorted(starts)
    first, second = items.nth(0), items.nth(1)
    first_id = first.get_attribute("id")
    start, end = int(first.get_attribute("data-start")), int(first.get_attribute("data-end"))
    expect(page.locator(f'#story-body mark.suggestion-mark[data-suggestion="{first_id}"]').first).to_be_visible()
    assert marked_words(page, first_id) == body[start:end]
    assert page.locator("#story-body mark.suggestion-mark[data-claim]").count() == 0
    # the story text itself is unchanged by the marks (the reader's offsets rely on it)
    assert page.locator("#story-body").text_content() == body

    # Clicking a mark brings its suggestion forward in the panel.
    page.locator(f'#story-body mark.suggestion-mark[data-suggestion="{first_id}"]').first.click()
    expect(first).to_have_class(re.compile(r"\bis-active\b"))

    # "Edit first" fills the reader's log form instead of logging at once.
    second.get_by_role("link", name="Edit first").click()
    expect(page.locator("#log_quote")).to_have_value(
        body[int(second.get_attribute("data-start")) : int(second.get_attribute("data-end"))]
    )
    expect(page.locator("#log_quote")).to_be_focused()

    # Dismiss the second suggestion: it goes, and stays gone after a reload.
    dismissed = second.get_attribute("data-fingerprint")
    second.get_by_role("button", name="Dismiss").click()
    expect(page.locator(f'#suggestions [data-fingerprint="{dismissed}"]')).to_have_count(0)
    expect(page.locator("#suggestions")).to_contain_text("1 dismissed")
    assert SuggestionDismissal.objects.filter(story=story, fingerprint=dismissed, dismissed_by=editor).exists()
    items = open_reader(page, live_server, story)
    expect(page.locator(f'#suggestions [data-fingerprint="{dismissed}"]')).to_have_count(0)

    # The dismissed can be listed and restored.
    page.locator("#suggestions").get_by_role("link", name="list them").click()
    restored = page.locator(f'#suggestions .dismissed-list [data-fingerprint="{dismissed}"]')
    restored.get_by_role("button", name="Restore").click()
    expect(
        page.locator(f'#suggestions .suggestion-list:not(.dismissed-list) [data-fingerprint="{dismissed}"]')
    ).to_have_count(1)
    assert not SuggestionDismissal.objects.filter(story=story, fingerprint=dismissed).exists()

    # Accept the first: logged with everything prefilled; the editor stays in the reader.
    items = page.locator("#suggestions li.suggestion:not(.suggestion-dismissed)")
    accepted = items.nth(0).get_attribute("data-fingerprint")
    page.evaluate("window.__stillTheSamePage = true")
    items.nth(0).get_by_role("button", name="Accept").click()
    logged = page.locator("#suggestions .suggestion-logged")
    expect(logged).to_contain_text("Logged")
    claim = Claim.objects.get(story=story, from_suggestion=True)
    assert claim.created_by == editor
    assert (claim.start, claim.end) == (start, end)
    assert Claim.objects.filter(story=story).count() == logged_before + 1
    expect(page.locator(f'#story-body mark[data-claim="{claim.pk}"]').first).to_be_visible()
    expect(page.locator(f'#suggestions [data-fingerprint="{accepted}"]')).to_have_count(0)
    assert page.evaluate("window.__stillTheSamePage") is True

    # Undo: the claim is withdrawn as "undone" and the suggestion is offered again.
    logged.get_by_role("button", name="Undo").click()
    expect(page.locator("#suggestions")).to_contain_text("Undone")
    expect(page.locator(f'#suggestions li.suggestion[data-fingerprint="{accepted}"]')).to_have_count(1)
    expect(page.locator(f'#story-body mark[data-claim="{claim.pk}"]')).to_have_count(0)
    claim.refresh_from_db()
    assert claim.is_withdrawn and claim.withdrawal_reason == "undone"
    assert problems == []


def test_edit_first_opens_the_form_with_every_figure(live_server, page, login, seeded, editor):
    body = (
        "Shelling went on overnight. The health ministry said at least 60 civilians have been killed "
        "and 270 wounded since Sept. 27, and 13 people died in Saturday's strike."
    )
    story = StoryFactory(body=body)
    login(editor)
    open_reader(page, live_server, story)
    item = page.locator("#suggestions li.suggestion", has_text="270 wounded")
    item.get_by_role("link", name="Edit first").click()
    form = page.locator("#log-claim-form")
    expect(form.get_by_label("Quote")).to_be_focused()
    rows = form.locator("fieldset.figure-row")
    expect(rows).to_have_count(4)  # three figures and an empty row for another
    values = [rows.nth(n).get_by_label("Value").input_value() for n in range(3)]
    assert values == ["60", "270", "13"]
    form.get_by_role("button", name="Save", exact=True).click()
    expect(form.locator(".message.success")).to_contain_text("Claim logged")
    assert sorted(Claim.objects.get(story=story).figures.values_list("value", flat=True)) == [13, 60, 270]


def test_viewers_see_suggestions_without_actions(live_server, page, login, seeded, viewer):
    story = Story.objects.get(key=STORY_KEY)
    login(viewer)
    items = open_reader(page, live_server, story)
    expect(items.first.get_by_role("button", name="Accept")).to_have_count(0)
    expect(page.locator("#story-body mark.suggestion-mark").first).to_be_visible()
