"""Reading comfort and access, in a real browser, logged in as an editor over the seed data.

- axe-core (vendored in static/vendor/axe-core/) finds no WCAG 2.2 AA violation on the desk, the
  story reader, a dispute, a claim and search;
- every side tag in the story reader (white words on the side's colour, drawn by CSS, which axe
  does not see) reads at 4.5:1;
- every focus indicator met while tabbing through those pages is drawn, and at 3:1 against what
  is around it;
- on a phone the story reader's log form is one tap away, not below the whole story.

Console errors, uncaught exceptions and CSP violations fail every browser test (conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models import Count
from django.templatetags.static import static
from playwright.sync_api import Page, expect

from claims.models import Claim, Dispute, Review
from sources.models import Story

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}

# Shared by the checks below: relative luminance and contrast ratio (WCAG 2.x), and the colour
# actually behind an element (the first ancestor with an opaque background; the page's otherwise).
COLOUR_JS = """
window.__contrast = (() => {
  const parse = (css) => {
    const m = css.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r, g, b, a};
  };
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = ({r, g, b}) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  const behind = (element) => {
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour && colour.a === 1) return colour;
    }
    return parse(getComputedStyle(document.documentElement).backgroundColor) || {r: 255, g: 255, b: 255, a: 1};
  };
  const describe = (element) => {
    const text = (element.getAttribute("aria-label") || element.textContent || element.value || "").trim();
    return `<${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}> "${text.slice(0, 40)}"`;
  };
  return {parse, ratio, behind, describe};
})();
"""


def desk_pages(live_server) -> dict[str, str]:
    """The five pages the issue names, on the richest seed records."""
    story = Story.objects.annotate(n=Count("claims")).order_by("-n", "pk").first()
    dispute = Dispute.objects.annotate(n=Count("claims")).order_by("-n", "pk").first()
    claim = Claim.objects.filter(pk__in=Review.objects.values("claim")).annotate(n=Count("figures"))
    claim = claim.order_by("-n", "pk").first()
    return {
        "desk": f"{live_server.url}/",
        "story reader": f"{live_server.url}{story.get_absolute_url()}",
        "dispute": f"{live_server.url}{dispute.get_absolute_url()}",
        "claim": f"{live_server.url}{claim.get_absolute_url()}",
        "search": f"{live_server.url}/search/?q=Pashinyan",
    }


def open_settled(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")  # the story reader's suggestions load by htmx


def axe_violations(page: Page, live_server) -> list[dict]:
    # From the desk's own origin, so the page's CSP (script-src 'self') lets it run.
    page.add_script_tag(url=f"{live_server.url}{static('vendor/axe-core/axe.min.js')}")
    return page.evaluate(
        """async (tags) => {
          const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
          return results.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
            nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
          }));
        }""",
        WCAG_22_AA,
    )


def describe_violations(name: str, violations: list[dict]) -> str:
    lines = [f"{name}:"]
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['url']})")
        for node in violation["nodes"][:8]:
            summary = " ".join(node["summary"].split())
            lines.append(f"      {node['target']}\n        {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"      ... and {len(violation['nodes']) - 8} more")
    return "\n".join(lines)


def test_the_desk_pages_have_no_wcag_22_aa_violations(live_server, page, login, seeded, editor):
    login(editor)
    report = []
    for name, url in desk_pages(live_server).items():
        open_settled(page, url)
        violations = axe_violations(page, live_server)
        if violations:
            report.append(describe_violations(name, violations))
    assert not report, "axe-core found WCAG 2.2 AA violations:\n" + "\n".join(report)


def test_every_side_tag_in_the_story_reader_reads_at_4_5_to_1(live_server, page, login, seeded, editor):
    login(editor)
    open_settled(page, desk_pages(live_server)["story reader"])
    page.evaluate(COLOUR_JS)
    tags = page.evaluate(
        """() => Array.from(document.querySelectorAll("mark.hl-start")).map((mark) => {
          const tag = getComputedStyle(mark, "::before");
          const {parse, ratio} = window.__contrast;
          return {side: mark.className, tag: mark.dataset.tag,
                  ratio: ratio(parse(tag.color), parse(tag.backgroundColor))};
        })"""
    )
    sides = {tag["side"] for tag in tags}
    assert len(sides) >= 3, f"expected highlights from several sides, found {sides}"
    faint = [f"{t['tag']!r} ({t['side']}): {t['ratio']:.2f}:1" for t in tags if t["ratio"] < 4.5]
    assert not faint, "side tags below 4.5:1:\n" + "\n".join(sorted(set(faint)))


FOCUS_STOPS = 40


def focus_problems(page: Page) -> list[str]:
    """Tab through the first stops of the page; each must show an outline at 3:1 against the
    colour next to it (the element's own background when the outline is drawn inside it)."""
    page.evaluate(COLOUR_JS)
    page.locator("body").focus()
    problems, seen = [], set()
    for _ in range(FOCUS_STOPS):
        page.keyboard.press("Tab")
        found = page.evaluate(
            """() => {
              const element = document.activeElement;
              if (!element || element === document.body) return null;
              const {parse, ratio, behind, describe} = window.__contrast;
              const style = getComputedStyle(element);
              const width = parseFloat(style.outlineWidth) || 0;
              const inside = parseFloat(style.outlineOffset) < 0;
              const around = inside ? behind(element) : behind(element.parentElement);
              const colour = parse(style.outlineColor);
              return {
                name: describe(element), focusVisible: element.matches(":focus-visible"),
                style: style.outlineStyle, width,
                ratio: colour && colour.a > 0 ? ratio(colour, around) : 0,
              };
            }"""
        )
        if found is None or found["name"] in seen:
            continue
        seen.add(found["name"])
        if not found["focusVisible"] or found["style"] == "none" or found["width"] < 2:
            problems.append(f"{found['name']}: no visible focus outline ({found['style']} {found['width']}px)")
        elif found["ratio"] < 3:
            problems.append(f"{found['name']}: focus outline at {found['ratio']:.2f}:1")
    return problems


def test_focus_indicators_show_at_3_to_1_on_the_desk_pages(live_server, page, login, seeded, editor):
    login(editor)
    report = []
    for name, url in desk_pages(live_server).items():
        open_settled(page, url)
        report += [f"{name}: {problem}" for problem in focus_problems(page)]
    assert not report, "focus indicators missing or faint:\n" + "\n".join(report)


def test_on_a_phone_the_log_form_is_one_tap_from_the_top_of_the_story(
    live_server, new_context: Callable, login, seeded, editor
):
    phone = new_context(**PHONE).new_page()
    login(editor, phone)
    open_settled(phone, desk_pages(live_server)["story reader"])
    form_heading = phone.get_by_role("heading", name="Log a claim")
    assert form_heading.bounding_box()["y"] > 3 * PHONE["viewport"]["height"], "the form should be far below here"

    jump = phone.get_by_role("link", name="Log a claim")
    expect(jump).to_be_in_viewport()
    jump.tap()

    expect(form_heading).to_be_in_viewport()
    expect(phone.get_by_label("Quote")).to_be_in_viewport()
    # and the way back up to the words, for the next selection
    phone.get_by_role("link", name="Back to the story").tap()
    expect(phone.get_by_role("heading", level=1)).to_be_in_viewport()


def test_the_favicon_is_served_for_pages_that_name_none(live_server, page):
    response = page.goto(f"{live_server.url}/favicon.ico")
    assert response.ok
    assert response.headers["content-type"].startswith("image/svg+xml")
