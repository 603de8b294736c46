"""Request bodies past the configured limits are refused with a 4xx, never a 500: 413 for a body
over DATA_UPLOAD_MAX_MEMORY_SIZE (in the API's error format under /api/, a page on the desk),
400 for JSON nested deeper than API_MAX_JSON_DEPTH."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from claims.models import Claim, Dispute
from tests.factories import DisputeFactory, OutletFactory, StoryFactory

pytestmark = pytest.mark.django_db

LIMIT = 64 * 1024


def api_error(response) -> tuple[str, str]:
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    return body["type"], body["errors"][0]["code"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT)
def test_an_api_body_over_the_limit_is_a_413_in_the_api_error_format(client, editor):
    story = StoryFactory()
    client.force_login(editor)
    body = json.dumps({"story": str(story.public_id), "quote": "x" * (LIMIT + 1)})

    response = client.post("/api/v1/claims/", body, content_type="application/json")

    assert response.status_code == 413
    assert api_error(response) == ("client_error", "request_too_large")
    assert f"{LIMIT:,} bytes" in response.json()["errors"][0]["detail"]
    assert not Claim.objects.filter(story=story).exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT)
def test_an_api_form_body_over_the_limit_is_a_413_in_the_api_error_format(client, editor):
    client.force_login(editor)

    response = client.post("/api/v1/disputes/", {"title": "x" * (LIMIT + 1), "kind": "other"})

    assert response.status_code == 413
    assert api_error(response) == ("client_error", "request_too_large")
    assert not Dispute.objects.filter(title__startswith="xxx").exists()


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"title": ' + '{"a": ' * 5_000 + "1" + "}" * 5_000 + "}",
        '{"title": "t", "kind": "other", "summary": ' + "[" * 40 + "]" * 40 + "}",
        "[" * 100_000,  # not even well-formed: still a 400, not a recursion error
    ],
    ids=["deep-list", "deep-object", "past-the-limit", "unclosed"],
)
def test_json_nested_too_deep_is_a_400_in_the_api_error_format(client, editor, body):
    client.force_login(editor)
    before = Dispute.objects.count()

    response = client.post("/api/v1/disputes/", body, content_type="application/json")

    assert response.status_code == 400
    assert api_error(response) == ("client_error", "parse_error")
    assert Dispute.objects.count() == before


def test_json_nesting_within_the_limit_and_brackets_inside_strings_are_fine(client, editor):
    client.force_login(editor)
    title = "[" * 100 + "{ brackets in a string do not nest }" + '\\"['
    depth = settings.API_MAX_JSON_DEPTH
    body = '{"title": ' + json.dumps(title) + ', "kind": "other", "x": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"

    response = client.post("/api/v1/disputes/", body, content_type="application/json")

    assert response.status_code == 201, response.json()
    assert Dispute.objects.filter(title=title).exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT)
def test_a_desk_form_over_the_limit_is_a_clear_413_page(client, editor):
    outlet = OutletFactory()
    client.force_login(editor)

    response = client.post(
        reverse("claims:story_import"), {"outlet": outlet.pk, "headline": "Huge", "text": "x" * (LIMIT + 1)}
    )

    assert response.status_code == 413
    html = response.content.decode()
    assert "Too much data" in html and f"{LIMIT:,} bytes" in html
    assert not outlet.stories.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT)
def test_an_urlencoded_desk_form_over_the_limit_is_a_413_page_too(client, editor):
    dispute = DisputeFactory()
    client.force_login(editor)

    response = client.post(
        reverse("claims:dispute_note_add", args=[dispute.pk]),
        urlencode({"body": "x" * (LIMIT + 1), "visibility": "internal"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert not dispute.annotations.exists()


@pytest.mark.parametrize("url", ["/api/v1/disputes/", "/stories/import/"])
def test_a_broken_multipart_body_is_a_400_in_the_format_of_its_side(client, editor, url):
    client.force_login(editor)

    response = client.generic(
        "POST", url, b"--not-the-boundary\r\ngarbage", content_type="multipart/form-data; boundary=\x00\x01"
    )

    assert response.status_code == 400
    if url.startswith("/api/"):
        assert api_error(response) == ("client_error", "parse_error")
