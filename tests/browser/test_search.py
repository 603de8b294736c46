"""Search in a real browser: typing updates the results in place, the URL follows, filters apply."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims.models import Actor, Side

pytestmark = pytest.mark.django_db(transaction=True)


def watch_for_csp_violations(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console", lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_typing_in_the_box_updates_results_and_url_without_a_reload(live_server, page, login, seeded, editor):
    problems = watch_for_csp_violations(page)
    login(editor)
    page.goto(f"{live_server.url}/search/")
    # a marker that a full page load would wipe out
    page.evaluate("window.__stillTheSamePage = true")

    page.get_by_label("Search claims, stories, actors and notes").fill("Hajiyev")

    results = page.locator("#search-results")
    expect(results.locator(".result").first).to_be_visible()
    expect(results).to_contain_text("Hajiyev")
    expect(results.locator("mark").first).to_have_text(re.compile("Hajiyev", re.IGNORECASE))
    expect(page).to_have_url(re.compile(r"/search/\?.*q=Hajiyev"))
    assert page.evaluate("window.__stillTheSamePage") is True

    # an accented spelling finds the same
    page.get_by_label("Search claims, stories, actors and notes").fill("Hajíyev")
    expect(page).to_have_url(re.compile(r"q=Haj%C3%ADyev"))
    expect(results).to_contain_text("Hajiyev")

    # pick a filter: only actors
    page.get_by_label("Show", exact=True).select_option("actor")
    expect(page).to_have_url(re.compile(r"kind=actor"))
    expect(results.locator(".result-claim")).to_have_count(0)
    expect(results.locator(".result-actor").first).to_contain_text("Hajiyev")
    assert page.evaluate("window.__stillTheSamePage") is True

    # the URL is bookmarkable: loading it gives the same results
    page.goto(page.url)
    expect(page.get_by_label("Show", exact=True)).to_have_value("actor")
    expect(page.locator("#search-results .result-actor").first).to_contain_text("Hajiyev")
    assert problems == []


@pytest.mark.allow_console_errors(r"status of 422 \(Unprocessable")
def test_side_filter_and_a_bad_date_range(live_server, page, login, seeded, editor):
    problems = watch_for_csp_violations(page)
    armenia = Side.objects.get(key="armenia")
    login(editor)
    page.goto(f"{live_server.url}/search/?q=killed")
    results = page.locator("#search-results")
    expect(results.locator(".result").first).to_be_visible()

    page.get_by_label("Side", exact=True).select_option(str(armenia.pk))

    expect(page).to_have_url(re.compile(rf"side={armenia.pk}"))
    expect(results.locator(".result").first).to_be_visible()
    for text in results.locator(".result-claim .meta").all_inner_texts():
        assert "(Armenia)" in text

    # a date range that ends before it starts: a clear message in place of the results
    page.get_by_label("From", exact=True).fill("2022-01-01")
    page.get_by_label("To", exact=True).fill("2021-01-01")
    expect(results).to_contain_text("The date range ends before it starts.")
    assert problems == []


def test_compare_selected_claims_from_the_results(live_server, page, login, seeded, editor):
    login(editor)
    page.goto(f"{live_server.url}/search/?q=killed&kind=claim")
    boxes = page.locator("#search-results input[name=claims]")
    expect(boxes.first).to_be_visible()
    boxes.nth(0).check()
    boxes.nth(1).check()

    page.get_by_role("button", name="Compare selected").click()

    expect(page).to_have_url(re.compile(r"/compare/\?claims=\d+&claims=\d+"))
    expect(page.locator(".compare-col")).to_have_count(2)
    assert Actor.objects.exists()


def test_results_come_in_groups_with_counts_and_a_group_opens_in_place(live_server, page, login, seeded, editor):
    problems = watch_for_csp_violations(page)
    login(editor)
    page.goto(f"{live_server.url}/search/")
    page.evaluate("window.__stillTheSamePage = true")

    page.get_by_label("Search claims, stories, actors and notes").fill("Hajiyev")

    results = page.locator("#search-results")
    claims = results.locator("#group-claim")
    expect(claims.get_by_role("heading", name=re.compile(r"^Claims \d+$"))).to_be_visible()
    expect(results.locator("#group-statement h2")).to_have_text(re.compile(r"^Statements \d+$"))
    expect(results.locator("#group-actor .result-actor").first).to_contain_text("Hajiyev")
    count = int(claims.locator("h2 .group-count").inner_text())
    assert count > 0
    nav = results.get_by_role("navigation", name="Results by kind")
    expect(nav).to_contain_text(f"Claims {count}")

    # the whole claims group, with the filters kept in the URL
    nav.get_by_role("link", name=re.compile(r"^Claims")).click()
    expect(page).to_have_url(re.compile(r"q=Hajiyev.*kind=claim"))
    expect(results.locator(".result-claim")).to_have_count(min(count, 20))
    expect(results.locator(".result-actor")).to_have_count(0)
    assert page.evaluate("window.__stillTheSamePage") is True

    # a misspelt name: the closest alias, said plainly
    page.get_by_label("Search claims, stories, actors and notes").fill("Hajiev")
    expect(results.locator(".correction")).to_have_text(re.compile(r"Showing results for Hajiyev"))
    expect(results.locator(".result-claim").first).to_be_visible()
    assert problems == []
