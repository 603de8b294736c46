"""Who may change which field of a claim is one rule (claims.services.editable_claim_fields), the
same over HTTP as on the claim's edit page: a field the role may not change is refused with 403
and nothing is written."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import requests
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client

from claims import services
from claims.models import Claim
from tests.factories import StoryFactory, UserFactory


def desk_session(user) -> requests.Session:
    """A browser-like HTTP session for ``user``: their session cookie and a CSRF token."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    token = secrets.token_hex(16)
    session.cookies.set(settings.CSRF_COOKIE_NAME, token)
    session.headers["X-CSRFToken"] = token
    return session


@pytest.fixture
def content_editor(transactional_db):
    """May change what a claim says (claims.change_claim), not its verification status."""
    user = UserFactory(username="content-editor")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="claims", codename__in=["view_claim", "change_claim"])
    )
    return user


@pytest.fixture
def claim(transactional_db) -> Claim:
    story = StoryFactory(body="The ministry said 13 civilians were killed in the strike.")
    return services.claim_log(story=story, author=None, quote="13 civilians were killed")


@pytest.fixture
def session(content_editor) -> Iterator[requests.Session]:
    with desk_session(content_editor) as session:
        yield session


def patch(live_server, session: requests.Session, claim: Claim, body: dict) -> requests.Response:
    return session.patch(
        f"{live_server.url}/api/v1/claims/{claim.public_id}/",
        json=body,
        headers={"If-Match": f'"v{claim.version}"'},
        timeout=30,
    )


def test_without_the_status_permission_a_status_patch_is_refused_and_changes_nothing(live_server, session, claim):
    response = patch(live_server, session, claim, {"status": "false"})

    assert response.status_code == 403, response.text
    assert "status" in response.json()["errors"][0]["detail"]
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (Claim.Status.UNVERIFIED, 1)


def test_without_the_status_permission_a_mixed_patch_is_refused_whole(live_server, session, claim):
    response = patch(live_server, session, claim, {"said_on": "2020-10-21", "status": "verified"})

    assert response.status_code == 403, response.text
    claim.refresh_from_db()
    assert (claim.said_on, claim.status, claim.version) == (None, Claim.Status.UNVERIFIED, 1)


def test_the_fields_the_role_allows_are_changed_over_http(live_server, session, claim):
    response = patch(live_server, session, claim, {"said_on": "2020-10-21"})

    assert response.status_code == 200, response.text
    claim.refresh_from_db()
    assert (claim.said_on.isoformat(), claim.version) == ("2020-10-21", 2)
