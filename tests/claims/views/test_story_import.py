"""Importing a story from the browser: paste or upload, same checks and dedupe as the import command."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from core.history import event_model_of
from sources.models import Outlet, Story, StoryRevision, StorySource
from tests.factories import OutletFactory, UserFactory

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
        ({"text": TEXT, "published": "2020-02-30"}, "is not a date the desk can read: write it as 2020-10-21"),
        ({"text": TEXT, "published": "yesterday"}, "is not a date the desk can read"),
        ({"text": TEXT, "outlet": "987654321"}, "That outlet is not on the desk"),
        ({"text": TEXT, "outlet": "99999999999999999999999"}, "That outlet is not on the desk"),
        ({"text": TEXT, "outlet": ""}, "Choose the outlet that published the story."),
        ({"text": TEXT, "headline": ""}, "Give the story a headline."),
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


# --- a refused import keeps what was entered; outlets added in place -----------------------------


def test_a_refused_upload_is_kept_named_and_imported_once_fixed(client, editor):
    outlet = OutletFactory()
    client.force_login(editor)
    story_file = upload("quzbarat.txt", TEXT.encode())
    before = counts()

    refused = client.post(URL, form(outlet, headline="", file=story_file))

    page = refused.content.decode()
    assert refused.status_code == 422 and "Give the story a headline." in page
    assert "set it in the sidecar" not in page and "--headline" not in page
    assert "Chosen file: <strong>quzbarat.txt</strong>" in page and "no need to choose it again" in page
    assert 'value="https://example.org/a"' in page  # what was typed is still there
    token = re.search(r'name="upload_token" value="([^"]+)"', page).group(1)
    assert counts() == before

    fixed = client.post(URL, form(outlet, headline="Quzbarat shelled", upload_token=token))

    story = Story.objects.get(outlet=outlet)
    assert fixed.status_code == 302 and story.headline == "Quzbarat shelled"
    assert story.current_revision.source_name == "quzbarat.txt"
    assert story.current_revision.body == TEXT.replace("\r\n", "\n")


def test_a_kept_file_is_only_for_the_editor_who_chose_it(client, editor, db):
    outlet = OutletFactory()
    client.force_login(editor)
    page = client.post(URL, form(outlet, headline="", file=upload("mine.txt", TEXT.encode()))).content.decode()
    token = re.search(r'name="upload_token" value="([^"]+)"', page).group(1)
    other = UserFactory(username="other-editor")
    other.groups.set(editor.groups.all())
    client.force_login(other)
    before = counts()

    response = client.post(URL, form(outlet, upload_token=token))

    assert response.status_code == 422 and "Paste the story" in response.content.decode()
    assert counts() == before


def test_a_file_that_is_itself_refused_is_not_kept(client, editor):
    client.force_login(editor)
    page = client.post(URL, form(OutletFactory(), file=upload("binary.txt", b"PK\x00\x00"))).content.decode()
    assert "NUL bytes" in page and "upload_token" not in page and "Chosen file" not in page


def test_a_kept_file_can_be_set_aside_for_pasted_text(client, editor):
    outlet = OutletFactory()
    client.force_login(editor)
    page = client.post(URL, form(outlet, headline="", file=upload("old.txt", b"Old text."))).content.decode()
    token = re.search(r'name="upload_token" value="([^"]+)"', page).group(1)

    both = client.post(URL, form(outlet, upload_token=token, text=TEXT))
    assert both.status_code == 422 and "use the file you chose (old.txt), not both" in both.content.decode()

    pasted = client.post(URL, form(outlet, upload_token=token, text=TEXT, forget_upload="on"))
    assert pasted.status_code == 302
    assert Story.objects.get(outlet=outlet).current_revision.source_name == "pasted text"


def test_an_outlet_not_listed_is_added_in_place_with_its_author_and_history(client, editor):
    client.force_login(editor)
    data = {
        "headline": "Quzbarat shelled",
        "text": TEXT,
        "action": "add_outlet",
        "new_outlet-name": "Velmora Wire Service",
        "new_outlet-kind": "wire",
        "new_outlet-country": "vm",
        "new_outlet-homepage": "https://velmora.example/",
    }

    response = client.post(URL, data)

    outlet = Outlet.objects.get(name="Velmora Wire Service")
    page = response.content.decode()
    assert response.status_code == 200 and "Added the outlet Velmora Wire Service" in page
    assert f'<option value="{outlet.pk}" selected>' in page
    assert "Quzbarat shelled" in page and "BAKU (AP)" in page  # the story as typed, no errors shown
    assert "form-errors" not in page
    assert (outlet.kind, outlet.country, outlet.key, outlet.created_by) == (
        "wire",
        "VM",
        "velmora-wire-service",
        editor,
    )
    events = event_model_of(Outlet).objects.filter(pgh_obj_id=outlet.pk)
    assert events.count() == 1 and events.get().pgh_context.metadata["user"] == editor.pk
    assert not Story.objects.filter(outlet=outlet).exists()

    imported = client.post(URL, form(outlet, text=TEXT))
    assert (
        imported.status_code == 302 and Story.objects.get(outlet=outlet).headline == "Azerbaijan counts civilian dead"
    )


def test_an_outlet_like_one_on_the_desk_is_offered_before_a_second_is_added(client, editor):
    OutletFactory(key="anadolu", name="Anadolu Agency", homepage="https://www.aa.com.tr/en")
    client.force_login(editor)
    data = {"action": "add_outlet", "new_outlet-name": "Anadolu Agency (AA)", "new_outlet-kind": "wire"}

    offered = client.post(URL, data)

    assert offered.status_code == 422
    assert "The desk already has Anadolu Agency" in offered.content.decode()
    assert "It is a different outlet from those named" in offered.content.decode()
    assert Outlet.objects.filter(name__startswith="Anadolu").count() == 1
    same_site = client.post(URL, {**data, "new_outlet-name": "AA English", "new_outlet-homepage": "https://aa.com.tr/"})
    assert "The desk already has Anadolu Agency" in same_site.content.decode()

    added = client.post(URL, {**data, "new_outlet-not_a_duplicate": "on"})
    assert added.status_code == 200
    assert Outlet.objects.filter(name__startswith="Anadolu").count() == 2


def test_only_a_user_allowed_to_add_outlets_may(client, db):
    clerk = UserFactory(username="clerk")
    clerk.user_permissions.set(
        Permission.objects.filter(
            codename__in=["add_story", "view_story", "view_outlet"], content_type__app_label="sources"
        )
    )
    client.force_login(clerk)
    assert "The outlet is not listed?" not in client.get(URL).content.decode()
    response = client.post(URL, {"action": "add_outlet", "new_outlet-name": "Sneaky Wire", "new_outlet-kind": "wire"})
    assert response.status_code == 403
    assert not Outlet.objects.filter(name="Sneaky Wire").exists()
