"""An edit conflict between two browsers: two editors open the same claim; the first saves; the
second is told what changed since they opened it, by whom, and merges or overwrites deliberately."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from claims import roles
from claims.models import Claim
from tests.browser.test_log_claim import watch_console
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def second_editor(db):
    user = UserFactory(username="editor2")
    user.is_staff = True
    user.save()
    user.groups.set([Group.objects.get(name=roles.EDITOR)])
    return user


@pytest.fixture
def two_pages(browser, live_server, login, editor, second_editor):
    first, second = browser.new_context(), browser.new_context()
    pages = first.new_page(), second.new_page()
    problems: list[str] = []
    for page in pages:
        watch_console(page, problems)
    login(editor, pages[0])
    login(second_editor, pages[1])
    yield pages, problems
    first.close()
    second.close()


def open_edit_form(page, live_server, claim):
    page.goto(f"{live_server.url}/claims/{claim.pk}/edit/")
    expect(page.get_by_role("heading", name="Edit claim")).to_be_visible()


@pytest.mark.allow_console_errors(r"status of 409 \(Conflict\)")
def test_second_save_sees_the_conflict_and_merges(live_server, seeded, two_pages):
    (alice, bob), problems = two_pages
    claim = Claim.objects.get(key="dailysabah-pashinyan-no-way-diplomacy")
    open_edit_form(alice, live_server, claim)
    open_edit_form(bob, live_server, claim)

    alice.get_by_label("Status").select_option("disputed")
    alice.get_by_role("button", name="Save", exact=True).click()
    expect(alice.locator(".messages")).to_contain_text("Claim saved.")

    bob.get_by_label("Said on").fill("2020-10-20")
    bob.get_by_role("button", name="Save", exact=True).click()
    conflict = bob.locator("#conflict")
    expect(conflict).to_contain_text("Someone else saved this claim since you opened it")
    expect(conflict).to_contain_text("Saved since by: editor")
    status_row = conflict.locator("tr", has=bob.get_by_role("rowheader", name="status"))
    expect(status_row).to_contain_text("changed since you opened it")
    expect(status_row).to_contain_text("Disputed")
    said_row = conflict.locator("tr", has=bob.get_by_role("rowheader", name="said on"))
    expect(said_row).to_contain_text("your change")
    expect(bob.get_by_label("Said on")).to_have_value("2020-10-20")  # nothing lost
    claim.refresh_from_db()
    assert claim.status == "disputed" and str(claim.said_on) == "2020-10-21"

    bob.get_by_role("button", name="Merge: keep their changes, apply mine, and review").click()
    expect(bob.locator(".notice")).to_contain_text("Merged.")
    expect(bob.get_by_label("Status")).to_have_value("disputed")
    expect(bob.get_by_label("Said on")).to_have_value("2020-10-20")
    bob.get_by_role("button", name="Save", exact=True).click()
    expect(bob.locator(".messages")).to_contain_text("Claim saved.")
    claim.refresh_from_db()
    assert claim.status == "disputed" and str(claim.said_on) == "2020-10-20"
    # the history names both editors
    expect(bob.locator("#history")).to_contain_text("changed by editor2")
    expect(bob.locator("#history")).to_contain_text("changed by editor")
    # the 409 of the refused save is the only thing the console may mention
    assert [p for p in problems if "409" not in p] == []


@pytest.mark.allow_console_errors(r"status of 409 \(Conflict\)")
def test_second_save_can_overwrite_deliberately(live_server, seeded, two_pages):
    (alice, bob), problems = two_pages
    claim = Claim.objects.get(key="dailysabah-pashinyan-no-way-diplomacy")
    open_edit_form(alice, live_server, claim)
    open_edit_form(bob, live_server, claim)
    alice.get_by_label("Status").select_option("disputed")
    alice.get_by_role("button", name="Save", exact=True).click()
    expect(alice.locator(".messages")).to_contain_text("Claim saved.")

    bob.get_by_label("Status").select_option("false")
    bob.get_by_role("button", name="Save", exact=True).click()
    expect(bob.locator("#conflict")).to_be_visible()
    bob.get_by_role("button", name="Overwrite with my version").click()
    expect(bob.locator(".messages")).to_contain_text("Claim saved.")
    claim.refresh_from_db()
    assert claim.status == "false" and claim.version == 3
    assert [p for p in problems if "409" not in p] == []
