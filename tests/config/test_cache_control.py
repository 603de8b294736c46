"""Desk pages and the desk's API responses carry internal notes and unpublished work: no cache may
keep them (Cache-Control: no-store). Partner API responses keep their private ETag caching, and
the public pages are left alone."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from claims import services
from claims.models import Claim, Dispute
from tests.live_api import make_key

pytestmark = pytest.mark.django_db


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def dispute(seeded, editor) -> Dispute:
    dispute = Dispute.objects.visible().order_by("id").first()
    services.annotation_add(author=editor, body="Internal: the Baku figure excludes soldiers", dispute=dispute)
    return dispute


def test_desk_pages_are_not_stored_by_any_cache(client, editor, dispute):
    claim = Claim.objects.filter(dispute_links__dispute=dispute).first()
    client.force_login(editor)

    for url in ["/", dispute.get_absolute_url(), claim.get_absolute_url(), "/search/?q=killed", "/merges/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in cache_control(response), url
    assert "no-store" in cache_control(client.get("/search/?q=x&date_from=nonsense"))  # errors too


def test_the_login_page_and_redirects_to_it_are_not_stored_either():
    client = Client()
    assert "no-store" in cache_control(client.get("/accounts/login/"))
    assert "no-store" in cache_control(client.get("/"))


def test_desk_api_responses_by_session_or_token_are_not_stored_but_keep_their_etag(client, editor, dispute):
    url = f"/api/v1/disputes/{dispute.public_id}/"
    client.force_login(editor)
    token = Token.objects.create(user=editor).key

    by_session = client.get(url)
    by_token = Client().get(url, headers={"Authorization": f"Token {token}"})

    for response in (by_session, by_token):
        assert response.status_code == 200
        assert "Internal: the Baku figure" in response.content.decode()  # why nothing may keep it
        assert {"no-store", "private"} <= cache_control(response)
        assert response["ETag"].startswith('"v')
    assert "no-store" in cache_control(client.get("/api/v1/claims/"))


def test_partner_api_responses_keep_private_etag_caching(dispute):
    partner = Client(headers={"Authorization": f"Api-Key {make_key()}"})
    url = f"/api/v1/disputes/{dispute.public_id}/"

    first = partner.get(url)
    again = partner.get(url, headers={"If-None-Match": first["ETag"]})

    assert first.status_code == 200 and "Internal: the Baku figure" not in first.content.decode()
    assert first["Cache-Control"] == "private"
    assert again.status_code == 304 and again["Cache-Control"] == "private"
    assert partner.get("/api/v1/changes/")["Cache-Control"] == "private"


def test_public_pages_are_left_to_ordinary_caching(client, editor, dispute):
    client.force_login(editor)
    response = client.get(f"/public/disputes/{dispute.public_id}/")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
