"""The claim assistant in the story reader, in a real browser: the Suggestions panel lists what the
assistant found, marks the words in the text, and accepting, editing or dismissing works end to end."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims.models import Claim, SuggestionDismissal
from sources.models import Story

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

    # Accept the first: it is logged with everything prefilled and opened for editing.
    accepted = items.nth(0).get_attribute("data-fingerprint")
    items.nth(0).get_by_role("button", name="Accept").click()
    page.wait_for_url(re.compile(r"/claims/\d+/edit/$"))
    claim = Claim.objects.get(story=story, from_suggestion=True)
    assert claim.created_by == editor
    assert (claim.start, claim.end) == (start, end)
    assert Claim.objects.filter(story=story).count() == logged_before + 1

    # Back in the reader, it is a highlighted claim and no longer a suggestion.
    open_reader(page, live_server, story)
    expect(page.locator(f'#story-body mark[data-claim="{claim.pk}"]').first).to_be_visible()
    expect(page.locator(f'#suggestions [data-fingerprint="{accepted}"]')).to_have_count(0)
    expect(page.locator("#suggestions")).to_contain_text("1 dismissed")
    assert problems == []


def test_viewers_see_suggestions_without_actions(live_server, page, login, seeded, viewer):
    story = Story.objects.get(key=STORY_KEY)
    login(viewer)
    items = open_reader(page, live_server, story)
    expect(items.first.get_by_role("button", name="Accept")).to_have_count(0)
    expect(page.locator("#story-body mark.suggestion-mark").first).to_be_visible()
