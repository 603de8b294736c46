"""Logging a claim in a real browser: select words in a seed story, press "Log claim", find the
speaker by an alias spelling, add a figure, pick a dispute, save; the highlight appears at once and
the claim is on the dispute's side-by-side page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from claims.models import Claim, Dispute
from sources.models import Story
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

SENTENCE = "Nagorno-Karabakh lies within Azerbaijan but has been under the control of Armenian separatists"

SELECT_TEXT = """
([text, occurrence]) => {
  // Select the given occurrence of ``text`` inside #story-body, across <mark> boundaries, the
  // way a mouse drag would: a DOM Range from one text node offset to another.
  const root = document.getElementById("story-body");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let whole = "";
  while (walker.nextNode()) { nodes.push([walker.currentNode, whole.length]); whole += walker.currentNode.data; }
  let at = -1;
  for (let i = 0; i < occurrence; i++) { at = whole.indexOf(text, at + 1); }
  if (at < 0) throw new Error("text not in the story");
  const locate = (offset) => {
    for (const [node, start] of nodes) {
      if (offset <= start + node.data.length) return [node, offset - start];
    }
  };
  const range = document.createRange();
  range.setStart(...locate(at));
  range.setEnd(...locate(at + text.length));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
"""


def watch_console(page, problems: list[str] | None = None) -> list[str]:
    """Console errors (CSP violations show up as these) and uncaught exceptions. The browser's
    own request for /favicon.ico (which the desk does not serve) is not the page's doing."""
    problems = [] if problems is None else problems

    def on_console(message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_editor_logs_a_claim_from_a_selection_and_sees_it_highlighted_and_on_the_dispute(
    live_server, page, login, seeded, editor
):
    problems = watch_console(page)
    story = Story.objects.get(key="dailysabah-2020-10-21-pashinian")
    dispute = Dispute.objects.get(key="diplomacy-ruled-out-2020-10")
    login(editor)
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    button = page.get_by_role("button", name="Log claim")
    expect(button).to_be_disabled()

    page.evaluate(SELECT_TEXT, [SENTENCE, 1])
    expect(button).to_be_enabled()
    expect(page.locator("#selection-status")).to_contain_text("Selected: “Nagorno-Karabakh lies within")
    button.click()

    form = page.locator("#log-claim-form")
    expect(form.get_by_label("Quote")).to_have_value(SENTENCE)
    body = story.current_revision.body
    assert form.locator("input[name=start_hint]").input_value() == str(body.index(SENTENCE))
    assert form.locator("input[name=prefix]").input_value() == body[body.index(SENTENCE) - 32 : body.index(SENTENCE)]

    # the speaker field finds Nikol Pashinyan from another spelling of his name
    speaker = form.get_by_label("Speaker")
    expect(speaker).to_be_focused()
    speaker.fill("")
    speaker.press_sequentially("Pashinian", delay=30)
    expect(page.locator("#speaker-options option[value='Nikol Pashinyan']")).to_have_count(1)
    speaker.fill("Nikol Pashinyan")
    speaker.dispatch_event("change")

    form.get_by_label("Mode").select_option("paraphrase")
    # the dispute picker suggests disputes sharing the speaker or the words
    expect(page.locator("#log_dispute optgroup[label='Suggested'] option").first).to_be_attached()
    form.get_by_label("Dispute", exact=True).select_option(str(dispute.pk))
    form.get_by_label("Stance").select_option("counters")

    figure = form.locator("fieldset.figure-row").first
    figure.get_by_label("Measure").select_option("killed")
    figure.get_by_label("Qualifier").select_option("at_least")
    figure.get_by_label("Value").fill("834")
    figure.get_by_label("Counted").select_option("soldiers")
    figure.get_by_label("As written").fill("834 of their troops")

    page.evaluate("window.__stillTheSamePage = true")
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#log-claim-form .message.success")).to_contain_text("Claim logged")
    assert page.evaluate("window.__stillTheSamePage") is True  # saved with htmx, no reload

    claim = Claim.objects.get(story=story, quote=SENTENCE)
    assert claim.speaker.name == "Nikol Pashinyan"
    assert (claim.start, claim.end) == (body.index(SENTENCE), body.index(SENTENCE) + len(SENTENCE))
    assert claim.figures.get().value == 834
    highlight = page.locator(f"#story-body mark#claim-{claim.pk}")
    expect(highlight).to_be_visible()
    expect(highlight).to_have_class(re.compile(r"\bis-target\b"))
    assert (
        page.evaluate(
            f"""Array.from(document.querySelectorAll('#story-body mark[data-claim="{claim.pk}"]'))
             .map(m => m.textContent).join('')"""
        )
        == SENTENCE
    )
    expect(page.get_by_role("button", name="Log claim")).to_be_disabled()

    # a click on the highlight opens the claim beside the text
    highlight.click()
    expect(page.locator("#claim-panel")).to_contain_text(SENTENCE)
    expect(page.locator("#claim-panel")).to_contain_text("Counters with another version")

    # and the claim is on the dispute's side-by-side page, in Armenia's column (its first cards,
    # or one "Show more" away)
    page.goto(f"{live_server.url}{dispute.get_absolute_url()}")
    card = page.locator(f"#card-{claim.pk}")
    column = page.locator("section.column", has=page.locator("h3.column-title", has_text="Armenia"))
    while not card.count() and column.get_by_role("link", name="Show more").count():
        column.get_by_role("link", name="Show more").click()
        page.wait_for_load_state("networkidle")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Nikol Pashinyan")
    expect(card).to_contain_text("at least 834")
    expect(page.locator("section.column", has=card).locator("h3.column-title")).to_contain_text("Armenia")
    # its quote leads back to the highlighted words
    card.get_by_role("link", name=re.compile("Nagorno-Karabakh lies within")).click()
    expect(page).to_have_url(re.compile(rf"/stories/{story.pk}/#claim-{claim.pk}$"))
    expect(page.locator(f"#story-body mark#claim-{claim.pk}")).to_have_class(re.compile(r"\bis-target\b"))
    assert problems == []


def test_offsets_count_code_points_not_utf16_units(live_server, page, login, seeded, editor):
    """Before the quote there are characters outside the BMP (a flag, a mathematical letter):
    JavaScript counts each as two units, the server as one code point."""
    problems = watch_console(page)
    body = "\U0001f1e6\U0001f1f2 \U0001d4b3 said 5 died. Later: \U0001d4b3 said 5 died. End."
    story = StoryFactory(body=body)
    login(editor)
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    page.evaluate(SELECT_TEXT, ["\U0001d4b3 said 5 died.", 2])
    page.get_by_role("button", name="Log claim").click()
    form = page.locator("#log-claim-form")
    second = body.index("\U0001d4b3 said 5 died.", 5)
    expect(form.locator("input[name=start_hint]")).to_have_value(str(second))  # the prefilled form arrives
    form.get_by_label("Mode").select_option("outlet_voice")
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#log-claim-form .message.success")).to_be_visible()
    claim = Claim.objects.get(story=story)
    assert claim.start == second and claim.quote == "\U0001d4b3 said 5 died."
    assert problems == []


@pytest.mark.allow_console_errors(r"status of 422 \(Unprocessable")
def test_bad_input_shows_errors_in_the_form_and_saves_nothing(live_server, page, login, seeded, editor):
    problems = watch_console(page)
    story = Story.objects.get(key="dailysabah-2020-10-21-pashinian")
    before = Claim.objects.count()
    login(editor)
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    form = page.locator("#log-claim-form")
    form.get_by_label("Quote").fill("Words that are nowhere in this story")
    form.get_by_label("Speaker").fill("Nobody Atall")
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#log-claim-form")).to_contain_text("No speaker called “Nobody Atall”")
    form.get_by_label("Speaker").fill("")
    form.get_by_label("Mode").select_option("outlet_voice")
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#log-claim-form")).to_contain_text("The quote was not found in the story text.")
    assert Claim.objects.count() == before
    # 422 responses are expected here; nothing else may complain
    assert [p for p in problems if "422" not in p] == []


def test_a_highlight_opens_its_claim_with_the_keyboard(live_server, page, login, seeded, viewer):
    problems = watch_console(page)
    claim = Claim.objects.get(key="dailysabah-pashinyan-no-way-diplomacy")
    login(viewer)
    page.goto(f"{live_server.url}/stories/{claim.story_id}/")
    highlight = page.locator(f"#story-body mark#claim-{claim.pk}")
    highlight.focus()
    expect(highlight).to_be_focused()
    page.keyboard.press("Enter")
    panel = page.locator("#claim-panel")
    expect(panel).to_contain_text("There is no way now to settle the Nagorno-Karabakh issue through diplomacy")
    expect(panel).to_contain_text("Has diplomacy over Nagorno-Karabakh run its course?")
    expect(highlight).to_have_class(re.compile(r"\bis-active\b"))
    # a viewer reads, but has no "Log claim"
    expect(page.get_by_role("button", name="Log claim")).to_have_count(0)
    panel.get_by_role("link", name="Open the claim page").click()
    expect(page).to_have_url(re.compile(rf"/claims/{claim.pk}/$"))
    assert problems == []
