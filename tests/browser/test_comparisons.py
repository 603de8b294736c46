"""Spread verdicts in a real browser: the dispute page says whether figures agree, differ or cannot
be compared, and its range chart stays readable on a 390 px phone, no label over another."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from claims.models import Dispute

pytestmark = pytest.mark.django_db(transaction=True)

# per chart: every text's rendered font size, and any two texts whose boxes intersect
MEASURE_CHARTS = """
() => [...document.querySelectorAll('svg.range-chart')].map(svg => {
  const scale = svg.getScreenCTM().a;
  const texts = [...svg.querySelectorAll('text')];
  const sizes = texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  const boxes = texts.map(t => t.getBoundingClientRect());
  const overlaps = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, j) => {
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
      overlaps.push([texts[i].textContent, texts[i + 1 + j].textContent]);
    }
  }));
  return {sizes, overlaps, count: texts.length};
})
"""


def console_errors(page: Page) -> list[str]:
    errors: list[str] = []
    # the favicon the browser asks for by itself is not the page's (the accessibility work owns it)
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_the_dispute_page_says_63_and_at_least_60_agree_and_tolls_of_two_dates_are_not_compared(
    live_server, seeded, editor, login, page: Page
):
    errors = console_errors(page)
    login(editor)
    agreeing = Dispute.objects.get(key="az-civilians-killed-2020")
    page.goto(f"{live_server.url}{agreeing.get_absolute_url()}")
    verdicts = page.locator(".spreads .spread")
    agree = verdicts.filter(has_text="Agree.")
    expect(agree).to_have_count(1)
    expect(agree).to_contain_text("at least 60")
    expect(agree).to_contain_text("63")
    expect(agree).to_contain_text("The ranges overlap (63)")
    expect(page.locator(".spreads")).not_to_contain_text(" apart (")
    # the chart's table states the same verdict
    page.get_by_text("The same figures as a table").first.click()
    expect(page.locator(".chart-verdicts").first).to_contain_text("Agree. Killed, Azerbaijan civilians")

    dated = Dispute.objects.get(key="total-dead-2020")
    page.goto(f"{live_server.url}{dated.get_absolute_url()}")
    verdict = page.locator(".spreads .spread").first
    expect(verdict).to_contain_text("Cannot be compared.")
    expect(verdict).to_contain_text("Different as-of dates (2 Oct 2020 vs 21 Oct 2020)")
    assert errors == []


@pytest.mark.parametrize("key", ["az-civilians-killed-2020", "total-dead-2020", "military-dead-2020"])
def test_on_a_phone_chart_text_is_at_least_12px_and_no_label_overlaps_another(
    live_server, seeded, editor, login, page: Page, key
):
    errors = console_errors(page)
    page.set_viewport_size({"width": 390, "height": 844})
    login(editor)
    page.goto(f"{live_server.url}{Dispute.objects.get(key=key).get_absolute_url()}")
    charts = page.evaluate(MEASURE_CHARTS)
    assert charts, "the dispute has a range chart"
    for chart in charts:
        assert chart["count"] > 0
        assert min(chart["sizes"]) >= 12, chart["sizes"]
        assert chart["overlaps"] == []
    # the page does not scroll sideways because of the chart
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
