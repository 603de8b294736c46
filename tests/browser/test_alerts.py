"""Alerts in a real browser: an editor follows a dispute (htmx), a story whose figure contradicts
the dispute's published range arrives, the inbox shows the alert, the editor opens it (the story's
words and the dispute), marks it seen and resolves it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from playwright.sync_api import expect

from claims.models import Alert
from tests.claims.test_alerts import HIGHER, NEXT_DAY, _import, desk  # noqa: F401 - desk is a fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _arrives() -> int:
    """The contradicting story is imported and the assistant's job reads it (committed)."""
    try:
        return _import(HIGHER, NEXT_DAY).pk
    finally:
        connection.close()


def test_an_editor_follows_a_dispute_and_resolves_the_alert_a_new_story_raises(
    live_server,
    page,
    login,
    desk,  # noqa: F811 - the fixture imported above
    editor,
):
    dispute = desk["dispute"]
    login(editor)
    page.goto(f"{live_server.url}/disputes/{dispute.pk}/")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_role("button", name="Following · stop")).to_be_visible()

    with ThreadPoolExecutor(1) as thread:  # outside Playwright's event loop, as a worker would
        story_id = thread.submit(_arrives).result()
    alert = Alert.objects.get(story_id=story_id)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stories").click()
    row = page.locator(f"#alert-{alert.pk}")
    expect(row).to_contain_text("Figure outside the published range")
    expect(row).to_contain_text("New")
    row.get_by_role("link", name=dispute.title).click()

    expect(page.locator("mark")).to_have_text(HIGHER[: alert.end - alert.start])
    expect(page.get_by_role("link", name=dispute.title)).to_be_visible()
    expect(page.locator(".alert-detail")).to_contain_text("outside the published range 12")
    page.get_by_role("button", name="Mark seen").click()
    expect(page.get_by_text("Seen by you")).to_be_visible()
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text(f"Resolved by {editor}")).to_be_visible()
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Stories").click()
    expect(page.locator(f"#alert-{alert.pk}")).to_have_count(0)
