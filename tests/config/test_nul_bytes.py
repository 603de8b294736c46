"""A NUL byte anywhere in a desk page's query string or form body (a name or a value) is a 400
before any view runs: PostgreSQL text cannot hold one, so a view that passed it on would fail
with a 500. The API answers for the parameters it reads itself, in its documented format."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from claims.models import Annotation
from tests.factories import DisputeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        "speaker=Pash%00inyan",  # the speaker lookup sent it to PostgreSQL: a 500
        "q=Pash%00inyan",
        "speaker%00=Pashinyan",  # in a name, which no form field checks
    ],
)
def test_a_nul_byte_in_the_speaker_lookup_is_a_400(client, editor, query):
    client.force_login(editor)

    response = client.get(f"{reverse('claims:speaker_options')}?{query}")

    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("claims:search", "q=Quz%00barat"),
        ("claims:search", "q=x&kind%00=claim"),
        ("claims:search", "q=x&page=1%00"),
        ("claims:desk", "page=%00"),
        ("claims:merge_list", "page=2%00"),
    ],
)
def test_a_nul_byte_in_any_query_parameter_of_a_desk_page_is_a_400(client, editor, url, query):
    client.force_login(editor)

    response = client.get(f"{reverse(url)}?{query}")

    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()


def test_a_nul_byte_in_a_form_field_name_is_a_400_and_nothing_is_written(client, editor):
    dispute = DisputeFactory()
    client.force_login(editor)

    response = client.post(
        reverse("claims:dispute_note_add", args=[dispute.pk]),
        urlencode({"body": "A note", "visibility": "internal", "x\x00": "1"}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert not Annotation.objects.filter(dispute=dispute).exists()


def test_the_api_keeps_refusing_a_nul_in_what_it_reads_in_its_documented_format(client, editor):
    """Not the middleware's: the API's fields and filters answer for the parameters they read, and
    parameters the API does not read are ignored like any unknown one (its schema cannot name
    them, so an error naming one would break the documented format)."""
    client.force_login(editor)

    in_query = client.get("/api/v1/claims/?q=a%00b")
    in_form = client.post("/api/v1/disputes/", {"title": "A question", "kind": "other", "summary": "a\x00b"})
    unread = client.get("/api/v1/claims/?unknown%00=x")

    for response, attr in [(in_query, "q"), (in_form, "summary")]:
        assert response.status_code == 400
        error = {"code": "null_characters_not_allowed", "detail": "Null characters are not allowed.", "attr": attr}
        assert response.json() == {"type": "validation_error", "errors": [error]}
    assert unread.status_code == 200
