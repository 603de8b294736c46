"""Notes in a real browser: a fact-checker adds a note to a dispute and edits it in place (htmx),
internal and public clearly told apart; markdown rendered, scripts never run."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims.models import Annotation, Claim, Dispute
from tests.browser.test_log_claim import watch_console

pytestmark = pytest.mark.django_db(transaction=True)


def test_factchecker_adds_an_internal_note_then_makes_it_public_in_place(live_server, page, login, seeded, factchecker):
    problems = watch_console(page)
    dispute = Dispute.objects.get(key="military-dead-2020")
    login(factchecker)
    page.goto(f"{live_server.url}{dispute.get_absolute_url()}")
    page.evaluate("window.__stillTheSamePage = true")

    notes = page.locator("#notes")
    text = "**Baku** publishes no military losses. <script>window.__pwned = 1</script>"
    notes.get_by_role("textbox", name="Note").fill(text)
    expect(notes.get_by_label("Internal: stays on the desk")).to_be_checked()
    notes.get_by_role("button", name="Add note").click()

    expect(notes).to_contain_text("publishes no military losses.")
    note = Annotation.objects.get(dispute=dispute, body=text)
    article = page.locator(f"#note-{note.pk}")
    expect(article).to_be_visible()
    expect(article).to_contain_text("Internal: stays on the desk")
    expect(article.locator("strong")).to_have_text("Baku")
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("window.__stillTheSamePage") is True
    assert not note.is_public
    expect(notes.get_by_role("textbox", name="Note")).to_have_value("")  # a fresh form for the next note

    # edit it in place and make it public
    article.get_by_role("link", name="Edit note").click()
    editing = page.locator(f"form#note-{note.pk}")
    expect(editing.get_by_role("textbox", name="Note")).to_have_value(re.compile(r"^\*\*Baku\*\* publishes"))
    editing.get_by_role("textbox", name="Note").fill("Baku publishes no military losses; Yerevan publishes its own.")
    editing.get_by_label("Public: may be published").check()
    editing.get_by_role("button", name="Save note").click()
    article = page.locator(f"article#note-{note.pk}")
    expect(article).to_contain_text("Public")
    expect(article).to_contain_text("Yerevan publishes its own.")
    expect(article).not_to_contain_text("Internal")
    note.refresh_from_db()
    assert note.is_public and note.version == 2
    assert page.evaluate("window.__stillTheSamePage") is True
    assert problems == []


def test_a_note_on_a_claim_with_the_keyboard(live_server, page, login, seeded, factchecker):
    problems = watch_console(page)
    claim = Claim.objects.get(key="trtworld-interfax-54-more")
    login(factchecker)
    page.goto(f"{live_server.url}{claim.get_absolute_url()}")
    box = page.locator("#notes").get_by_role("textbox", name="Note")
    box.focus()
    page.keyboard.type("Interfax figure: second-hand, check the original.")
    page.keyboard.press("Tab")  # to the visibility choice
    page.keyboard.press("ArrowDown")  # public
    page.locator("#notes").get_by_role("button", name="Add note").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#notes")).to_contain_text("Interfax figure: second-hand, check the original.")
    note = Annotation.objects.get(claim=claim, body="Interfax figure: second-hand, check the original.")
    assert note.is_public
    assert problems == []


def test_a_viewer_sees_notes_but_no_form(live_server, page, login, seeded, viewer):
    problems = watch_console(page)
    dispute = Dispute.objects.get(key="military-dead-2020")
    login(viewer)
    page.goto(f"{live_server.url}{dispute.get_absolute_url()}")
    expect(page.locator("#notes h2")).to_have_text("Notes")
    expect(page.locator("#notes form")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit note")).to_have_count(0)
    assert problems == []
