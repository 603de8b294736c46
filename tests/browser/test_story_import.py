"""Story import in a real browser: a large upload shows its progress, then opens the new story."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sources.models import Outlet, Story
from tests.factories import OutletFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_large_upload_shows_progress_and_opens_the_story(live_server, page, login, editor, tmp_path):
    outlet = OutletFactory(name="Velmora Wire")
    paragraph = "Officials in Quzbarat said the shelling continued overnight, and 13 people were killed.\n\n"
    story_file = tmp_path / "quzbarat.txt"
    story_file.write_text(paragraph * 15_000, encoding="utf-8")  # about 1.3 MB
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    login(editor)
    page.goto(f"{live_server.url}/stories/import/")
    # record what the progress bar shows while the upload runs (the page is replaced afterwards)
    page.evaluate(
        """() => document.addEventListener("htmx:xhr:progress", () => {
            const bar = document.querySelector("#upload-progress");
            console.log("progress " + (bar.hidden ? "hidden" : "shown") + " " + bar.value);
        })"""
    )
    progress: list[str] = []
    page.on("console", lambda m: progress.append(m.text) if m.text.startswith("progress ") else None)

    page.get_by_label("Outlet").select_option(label="Velmora Wire")
    page.get_by_label("Headline").fill("Quzbarat shelled overnight")
    page.get_by_label("URL").fill("https://velmora.example/quzbarat")
    page.get_by_label("Published").fill("2020-10-17")
    page.get_by_label("…or upload a file").set_input_files(str(story_file))
    page.get_by_role("button", name="Import").click()

    expect(page).to_have_url(re.compile(r"/stories/\d+/$"), timeout=30_000)
    story = Story.objects.get(outlet=outlet)
    assert page.url.endswith(story.get_absolute_url())
    assert story.current_revision.body == paragraph * 15_000
    assert progress, "no upload progress was reported"
    assert all(line.startswith("progress shown") for line in progress)
    assert progress[-1] == "progress shown 100"
    assert csp_errors == []


@pytest.mark.allow_console_errors(r"status of 422 \(Unprocessable")
def test_a_bad_file_is_refused_in_place_with_its_reason(live_server, page, login, editor, tmp_path):
    OutletFactory(name="Velmora Wire")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    login(editor)
    page.goto(f"{live_server.url}/stories/import/")

    page.get_by_label("Outlet").select_option(label="Velmora Wire")
    page.get_by_label("Headline").fill("Not a story")
    page.get_by_label("…or upload a file").set_input_files(str(binary))
    page.get_by_role("button", name="Import").click()

    expect(page.locator("#story-import-form")).to_contain_text("NUL bytes")
    expect(page).to_have_url(f"{live_server.url}/stories/import/")
    assert not Story.objects.filter(headline="Not a story").exists()


@pytest.mark.allow_console_errors(r"status of 422 \(Unprocessable")
def test_a_failed_import_is_kept_and_fixed_with_an_outlet_added_in_place(live_server, page, login, editor, tmp_path):
    """The editor forgets the headline and finds the outlet missing: the page keeps the file, the
    outlet is added from the page, the headline given, and the story imported from the kept file."""
    story_file = tmp_path / "quzbarat.txt"
    story_file.write_text("Officials in Quzbarat said 13 people were killed overnight.\n", encoding="utf-8")
    login(editor)
    page.get_by_role("link", name="Import a story").click()

    page.get_by_label("URL").fill("https://velmora.example/quzbarat")
    page.get_by_label("Published").fill("2020-10-17")
    page.get_by_label("…or upload a file").set_input_files(str(story_file))
    page.get_by_role("button", name="Import", exact=True).last.click()

    form = page.locator("#story-import-form")
    expect(form).to_contain_text("The story was not imported")
    expect(form).to_contain_text("Give the story a headline.")
    expect(form).to_contain_text("Choose the outlet that published the story.")
    expect(form).not_to_contain_text("sidecar")
    expect(form.locator("#kept-file")).to_contain_text("quzbarat.txt")
    expect(page.get_by_label("URL")).to_have_value("https://velmora.example/quzbarat")

    page.get_by_text("The outlet is not listed? Add it").click()
    page.get_by_label("Name", exact=True).fill("Velmora Wire")
    page.get_by_label("Kind", exact=True).select_option(label="Wire agency")
    page.get_by_role("button", name="Add this outlet").click()

    expect(form).to_contain_text("Added the outlet Velmora Wire")
    expect(page.locator("#id_outlet")).to_have_value(str(Outlet.objects.get(name="Velmora Wire").pk))
    expect(form.locator("#kept-file")).to_contain_text("quzbarat.txt")
    expect(page.get_by_label("URL")).to_have_value("https://velmora.example/quzbarat")

    page.get_by_label("Headline").fill("Quzbarat shelled overnight")
    page.get_by_label("Headline").press("Enter")

    expect(page).to_have_url(re.compile(r"/stories/\d+/$"))
    story = Story.objects.get(headline="Quzbarat shelled overnight")
    assert story.outlet.name == "Velmora Wire" and story.outlet.created_by == editor
    assert story.current_revision.source_name == "quzbarat.txt"
    assert story.current_revision.body == story_file.read_text(encoding="utf-8")
    expect(page.locator("h1")).to_have_text("Quzbarat shelled overnight")


@pytest.mark.allow_console_errors(r"status of 422 \(Unprocessable")
def test_without_javascript_a_refused_import_keeps_the_file_too(live_server, browser, editor, tmp_path):
    OutletFactory(name="Velmora Wire")
    story_file = tmp_path / "plain.txt"
    story_file.write_text("Officials said 4 people were wounded.\n", encoding="utf-8")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/stories/import/")

    page.locator("#id_outlet").select_option(label="Velmora Wire")
    page.get_by_label("…or upload a file").set_input_files(str(story_file))
    page.get_by_role("button", name="Import", exact=True).last.click()

    expect(page.locator("h1")).to_have_text("Import a story")  # the whole styled page again
    expect(page.locator("#kept-file")).to_contain_text("plain.txt")
    page.get_by_label("Headline").fill("Four wounded")
    page.get_by_role("button", name="Import", exact=True).last.click()

    expect(page).to_have_url(re.compile(r"/stories/\d+/$"))
    assert Story.objects.get(headline="Four wounded").current_revision.source_name == "plain.txt"
    context.close()
