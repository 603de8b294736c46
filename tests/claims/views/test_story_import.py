"""Importing a story from the browser: paste or upload, same checks and dedupe as the import command."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from sources.models import Story, StoryRevision, StorySource
from tests.factories import OutletFactory

pytestmark = pytest.mark.django_db

URL = "/stories/import/"
TEXT = "BAKU (AP) — Azerbaijan said 63 civilians have been killed.\r\n\r\nArmenia denied it.\r\n"


def form(for_outlet, /, **extra) -> dict:
    return {
        "outlet": for_outlet.pk,
        "headline": "Azerbaijan counts civilian dead",
        "url": "https://example.org/a",
        "published": "2020-10-21",
        "language": "en",
    } | extra


def counts() -> tuple[int, int]:
    return Story.objects.count(), StoryRevision.objects.count()


def test_pasted_text_becomes_a_story_kept_exactly_and_opens_in_the_reader(client, editor):
    outlet = OutletFactory()
    client.force_login(editor)

    response = client.post(URL, form(outlet, text=TEXT, byline="Aida Sultanova", published="2020-10"))

    story = Story.objects.get(outlet=outlet)
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    assert story.current_revision.body == TEXT.replace("\r\n", "\n")
    assert story.created_by == editor and story.byline == "Aida Sultanova"
    assert (story.published_on.isoformat(), story.published_precision) == ("2020-10-01", "month")
    assert story.current_revision.source_name == "pasted text"


def test_an_uploaded_html_file_is_read_and_its_title_is_the_headline(client, editor):
    outlet = OutletFactory()
    client.force_login(editor)
    html = b"<html><head><title>Ganja hit again</title></head><body><p>13 people were killed.</p></body></html>"

    response = client.post(
        URL, form(outlet, headline="", file=SimpleUploadedFile("ganja.html", html, content_type="text/html"))
    )

    assert response.status_code == 302
    story = Story.objects.get(outlet=outlet)
    assert story.headline == "Ganja hit again"
    assert "13 people were killed." in story.current_revision.body
    assert story.current_revision.raw_html.startswith("<html>")


def test_the_same_text_again_changes_nothing_and_says_so(client, editor):
    outlet = OutletFactory()
    client.force_login(editor)
    client.post(URL, form(outlet, text=TEXT))
    before = counts()

    response = client.post(URL, form(outlet, text=TEXT), follow=True)

    assert counts() == before
    assert "Nothing imported: this text is already" in response.content.decode()


def test_the_same_url_with_new_text_is_a_new_revision(client, editor):
    outlet = OutletFactory()
    client.force_login(editor)
    client.post(URL, form(outlet, text=TEXT))

    response = client.post(URL, form(outlet, text=TEXT.replace("63", "65")))

    story = Story.objects.get(outlet=outlet)
    assert story.revisions.count() == 2 and story.current_revision.number == 2
    assert response["Location"] == reverse("claims:story_revisions", args=[story.pk])


def test_text_another_outlet_published_is_recorded_as_republication(client, editor):
    ap, paper = OutletFactory(name="AP"), OutletFactory(name="Daily Paper")
    client.force_login(editor)
    client.post(URL, form(ap, text=TEXT))

    response = client.post(URL, form(paper, text=TEXT, url="https://paper.example/a"), follow=True)

    copy = Story.objects.get(outlet=paper)
    assert StorySource.objects.filter(story=copy, outlet=ap, relation="republishes").exists()
    assert "already published by AP" in response.content.decode()


def test_an_htmx_upload_is_redirected_by_htmx(client, editor):
    outlet = OutletFactory()
    client.force_login(editor)

    response = client.post(URL, form(outlet, text=TEXT), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == Story.objects.get(outlet=outlet).get_absolute_url()


def test_the_form_has_an_upload_progress_bar_and_works_without_javascript(client, editor):
    client.force_login(editor)
    html = client.get(URL).content.decode()
    assert '<progress id="upload-progress"' in html
    assert 'enctype="multipart/form-data"' in html and f'action="{URL}"' in html
    assert 'hx-encoding="multipart/form-data"' in html
    assert "js/desk_tools.js" in html


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"file": upload("empty.txt", b"")}, "The submitted file is empty"),
        ({"file": upload("blank.txt", b"  \n\n ")}, "has no text"),
        ({"file": upload("binary.txt", b"PK\x03\x04\x00\x00binary")}, "NUL bytes"),
        ({"file": upload("latin1.txt", "Bak\u0131 said caf\xe9".encode("latin-1", "replace"))}, "not valid UTF-8"),
        ({"file": upload("utf16.txt", "Baku said".encode("utf-16"))}, "UTF-16"),
        ({"file": upload("story.pdf", b"%PDF-1.7 text")}, "is not a text or HTML file"),
        ({"file": upload("story.exe", b"MZ\x90")}, "is not a text or HTML file"),
        ({"file": upload("empty.html", b"<html><body><script>x()</script></body></html>")}, "no text in its body"),
        ({"file": upload("big.txt", b"a" * 2048)}, "over the limit"),
        ({"text": TEXT, "file": upload("a.txt", b"Another text")}, "not both"),
        ({"text": "   "}, "Paste the story"),
        ({"text": TEXT, "url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"text": TEXT, "published": "2020-02-30"}, "not a real date"),
        ({"text": TEXT, "published": "yesterday"}, "is not YYYY-MM-DD"),
        ({"text": TEXT, "outlet": "987654321"}, "Select a valid choice"),
        ({"text": TEXT, "outlet": "99999999999999999999999"}, "Select a valid choice"),
        ({"text": TEXT, "headline": ""}, "no headline given"),
        ({"text": TEXT, "headline": "x" * 501}, "at most 500 characters"),
    ],
)
@override_settings(STORY_MAX_BYTES=1024)
def test_bad_uploads_are_refused_with_a_clear_message_and_nothing_is_written(client, editor, extra, message):
    outlet = OutletFactory()
    client.force_login(editor)
    before = counts()

    response = client.post(URL, form(outlet, **extra))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert counts() == before


def test_pasted_text_with_a_nul_byte_is_a_400_before_the_form_and_nothing_is_written(client, editor):
    """A NUL byte is refused for every desk form alike (config/middleware.py), with the field named."""
    outlet = OutletFactory()
    client.force_login(editor)
    before = counts()

    response = client.post(URL, form(outlet, text="Has a \x00 NUL"))

    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()
    assert counts() == before


def test_an_htmx_refusal_returns_the_form_with_its_errors(client, editor):
    client.force_login(editor)
    response = client.post(URL, form(OutletFactory(), text=""), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 422
    assert html.lstrip().startswith('<form id="story-import-form"') and "Paste the story" in html
    # htmx swaps it in because it is a 422: the one rule in static/js/desk.js
    # (tests/claims/views/test_htmx_errors.py), no longer a data-swap-errors marker on the form


@pytest.mark.parametrize("who", ["factchecker", "viewer", "outsider"])
def test_only_editors_import_stories(client, request, who):
    outlet = OutletFactory()
    client.force_login(request.getfixturevalue(who))
    before = counts()
    assert client.get(URL).status_code == 403
    assert client.post(URL, form(outlet, text=TEXT)).status_code == 403
    assert counts() == before


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "extra",
    [
        {"file": upload("title-only.html", b"<html><head><title>Ganja hit again</title></head></html>")},
        {"text": "<!doctype html><html><head><title>Ganja hit again</title></head></html>"},
    ],
)
def test_html_with_no_body_text_is_refused_like_an_empty_file(client, editor, extra):
    outlet = OutletFactory()
    client.force_login(editor)
    before = counts()

    response = client.post(URL, form(outlet, **extra))

    assert response.status_code == 422
    assert "is empty: HTML with no text in its body" in response.content.decode()
    assert counts() == before
