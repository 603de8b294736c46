"""Partner keys: issued in the admin and shown once, read-only, revocable, expiring, logged and throttled."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection
from rest_framework.test import APIClient

from partners.models import PartnerKey
from tests.live_api import LiveApi, make_key

pytestmark = pytest.mark.django_db


def test_the_api_refuses_requests_without_credentials_or_with_a_bad_key(partner_key):
    client = APIClient()
    assert client.get("/api/v1/disputes/").status_code == 401
    for header in ["Api-Key nope.nope", "Api-Key ", f"Api-Key {partner_key}x", "Api-Key \x00"]:
        response = client.get("/api/v1/disputes/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response.json()["type"] == "client_error"
    assert client.get("/api/v1/disputes/", HTTP_AUTHORIZATION=f"Api-Key {partner_key}").status_code == 200


def test_revoked_and_expired_keys_are_refused(partner_key, expired_key):
    client = APIClient()
    assert client.get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Api-Key {expired_key}").status_code == 401
    key = PartnerKey.objects.get_from_key(partner_key)
    key.revoked = True
    key.save()
    assert client.get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Api-Key {partner_key}").status_code == 401


def test_partner_keys_are_read_only(partner_key, seeded):
    client = APIClient()
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {partner_key}"}
    dispute = client.get("/api/v1/disputes/", **auth).json()["results"][0]
    attempts = [
        ("post", "/api/v1/disputes/", {"title": "Partner-made?", "kind": "other"}),
        ("patch", f"/api/v1/disputes/{dispute['id']}/", {"title": "Renamed by a partner"}),
        ("post", f"/api/v1/disputes/{dispute['id']}/publish/", {"publish": False}),
    ]
    for method, path, body in attempts:
        response = getattr(client, method)(path, body, format="json", HTTP_IF_MATCH='"v1"', **auth)
        assert response.status_code == 403, (method, path)
    assert client.get(f"/api/v1/disputes/{dispute['id']}/", **auth).json()["title"] == dispute["title"]


def test_every_request_is_logged_on_its_key(partner_key):
    client = APIClient()
    for _ in range(3):
        client.get("/api/v1/outlets/", HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    key = PartnerKey.objects.get_from_key(partner_key)
    assert key.request_count == 3
    assert key.last_used_at is not None


def test_a_wrong_secret_with_a_real_prefix_is_refused_and_not_counted_on_the_key(partner_key):
    client = APIClient()
    prefix, _, secret = partner_key.partition(".")
    forged = f"{prefix}.{secret[::-1]}"
    assert client.get("/api/v1/outlets/", HTTP_AUTHORIZATION=f"Api-Key {forged}").status_code == 401
    key = PartnerKey.objects.get(prefix=prefix)
    assert (key.request_count, key.window_count, key.last_used_at) == (0, 0, None)


def test_a_key_hashed_by_an_older_password_hasher_still_works_and_is_rehashed(partner_key):
    """Keys are found by one UPDATE comparing their SHA-512 hash; a key stored with a salted
    hasher (keys made before djangorestframework-api-key 2.0) goes through the library's check."""
    prefix = partner_key.partition(".")[0]
    PartnerKey.objects.filter(prefix=prefix).update(hashed_key=make_password(partner_key, hasher="md5"))
    client = APIClient()
    assert client.get("/api/v1/outlets/", HTTP_AUTHORIZATION=f"Api-Key {partner_key}").status_code == 200
    key = PartnerKey.objects.get(prefix=prefix)
    assert key.hashed_key.startswith("sha512$$")
    assert key.request_count == 1
    assert client.get("/api/v1/outlets/", HTTP_AUTHORIZATION=f"Api-Key {partner_key}").status_code == 200
    assert PartnerKey.objects.get(prefix=prefix).request_count == 2


def _not_near_a_window_boundary() -> None:
    """Rate limits count per clock minute (the database's clock): start the burst early enough in
    a minute that all its requests fall into the same window."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT extract(second FROM statement_timestamp())")
        second = float(cursor.fetchone()[0])
    if second > 50:
        time.sleep(61 - second)


def test_a_key_over_its_rate_limit_gets_429_with_retry_after_over_http(live_server, db):
    """Counted in the database (the key's row), so every server process shares the count."""
    key = make_key(rate_limit=3)
    api = LiveApi(live_server.url, key)
    _not_near_a_window_boundary()
    statuses = [api.get("/api/v1/outlets/").status_code for _ in range(3)]
    refused = api.get("/api/v1/outlets/")
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json()["errors"][0]["code"] == "throttled"
    # another key is not affected
    assert LiveApi(live_server.url, make_key()).get("/api/v1/outlets/").status_code == 200
    assert PartnerKey.objects.get(prefix=key.split(".")[0]).request_count == 4


def test_concurrent_requests_never_exceed_a_keys_rate_limit_over_http(live_server, db):
    """Twelve requests at once on a key allowing five a minute: exactly five are served."""
    key = make_key(rate_limit=5)
    _not_near_a_window_boundary()
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(
            pool.map(lambda _: LiveApi(live_server.url, key).get("/api/v1/outlets/").status_code, range(12))
        )
    assert sorted(statuses) == [200] * 5 + [429] * 7
    assert PartnerKey.objects.get(prefix=key.split(".")[0]).request_count == 12


def test_an_admin_creates_a_key_in_the_admin_and_sees_it_only_once(client):
    admin = get_user_model().objects.create_superuser("keyadmin", "keyadmin@example.org", "pw")
    client.force_login(admin)
    response = client.post(
        "/admin/partners/partnerkey/add/",
        {"partner": "Example Daily", "name": "production", "rate_limit": 60, "contact_email": ""},
        follow=True,
    )
    assert response.status_code == 200
    shown = re.search(r"The API key for production is: ([A-Za-z0-9]+\.[A-Za-z0-9]+)", response.content.decode())
    assert shown, "the key is shown once after creation"
    secret = shown.group(1)
    key = PartnerKey.objects.get(partner="Example Daily")
    assert secret not in key.hashed_key  # only a hash is stored
    change_page = client.get(f"/admin/partners/partnerkey/{key.pk}/change/").content.decode()
    assert secret not in change_page
    assert APIClient().get("/api/v1/outlets/", HTTP_AUTHORIZATION=f"Api-Key {secret}").status_code == 200
