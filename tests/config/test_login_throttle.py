"""Password guessing is throttled per account and per address (django-axes): past the failure
limit the login page says so (429), even the right password is refused until the cool-off ends
or an admin unlocks it, and successful logins never count against anyone."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
HOME = "203.0.113.7"  # documentation addresses (RFC 5737): only strings in the request here
ELSEWHERE = "198.51.100.23"
LOCKED = "Too many failed logins"


def log_in(client: Client, username: str, password: str, address: str = HOME):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(times: int, username: str, address: str = HOME) -> list[int]:
    return [log_in(Client(), username, "wrong guess", address).status_code for _ in range(times)]


def logged_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def test_the_failure_limit_is_set():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_guessing_one_account_locks_it_with_a_clear_message_even_for_the_right_password(editor):
    limit = settings.AXES_FAILURE_LIMIT
    # the form again under the limit; the failure that reaches it is answered with the lock
    assert fail(limit, "editor") == [200] * (limit - 1) + [429]

    response = log_in(Client(), "editor", "pw")

    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED in html and "ask an administrator to unlock" in html
    assert 'name="username"' in html  # still the login page
    assert not response.wsgi_request.user.is_authenticated


def test_the_account_is_locked_from_other_addresses_too(editor):
    fail(settings.AXES_FAILURE_LIMIT, "editor", HOME)

    assert log_in(Client(), "editor", "pw", ELSEWHERE).status_code == 429


def test_guessing_many_accounts_from_one_address_locks_that_address(editor, viewer):
    for name in ["alice", "bob", "carol", "dave", "erin"]:
        fail(1, name, HOME)

    assert log_in(Client(), "viewer", "pw", HOME).status_code == 429
    assert logged_in(log_in(Client(), "viewer", "pw", ELSEWHERE))


def test_successful_logins_never_count_and_reset_the_accounts_failures(editor):
    for _ in range(3 * settings.AXES_FAILURE_LIMIT):
        assert logged_in(log_in(Client(), "editor", "pw"))
    fail(settings.AXES_FAILURE_LIMIT - 1, "editor")
    assert logged_in(log_in(Client(), "editor", "pw"))
    fail(settings.AXES_FAILURE_LIMIT - 1, "editor")
    assert logged_in(log_in(Client(), "editor", "pw"))


def test_an_admin_unlocks_an_account_in_the_admin_and_its_user_logs_in_again(editor):
    admin = UserFactory(username="chief", is_staff=True, is_superuser=True)
    fail(settings.AXES_FAILURE_LIMIT, "editor")
    assert log_in(Client(), "editor", "pw").status_code == 429
    staff = Client()
    staff.force_login(admin)

    listing = staff.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "editor" in listing.content.decode()
    attempts = [str(pk) for pk in AccessAttempt.objects.filter(username="editor").values_list("pk", flat=True)]
    unlocked = staff.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": attempts, "post": "yes"}
    )

    assert unlocked.status_code == 302
    assert logged_in(log_in(Client(), "editor", "pw"))


def test_the_axes_reset_command_unlocks_too(editor):
    fail(settings.AXES_FAILURE_LIMIT, "editor")
    call_command("axes_reset_username", "editor", verbosity=0)
    assert logged_in(log_in(Client(), "editor", "pw"))


def test_a_lock_ends_after_the_cool_off(editor):
    fail(settings.AXES_FAILURE_LIMIT, "editor")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME)
    assert logged_in(log_in(Client(), "editor", "pw"))


def test_the_admin_login_is_throttled_as_well(editor):
    fail(settings.AXES_FAILURE_LIMIT, "editor")
    response = Client().post("/admin/login/", {"username": "editor", "password": "pw"}, REMOTE_ADDR=HOME)
    assert response.status_code == 429


@override_settings(CLAIMDESK_TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_address_counted_is_the_one_the_proxy_saw(editor, viewer):
    def through_proxy(username: str, password: str, forwarded: str):
        return Client().post(
            LOGIN, {"username": username, "password": password}, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
        )

    for name in ["alice", "bob", "carol", "dave", "erin"]:  # one guesser, forging the left-most entry
        through_proxy(name, "wrong guess", f"192.0.2.{len(name)}, {HOME}")

    assert through_proxy("viewer", "pw", HOME).status_code == 429
    assert logged_in(through_proxy("viewer", "pw", ELSEWHERE))  # everyone else behind the proxy is fine


def test_a_username_longer_than_any_account_fails_like_any_other_and_counts(editor):
    long_name = "x" * 20_000  # Django's login form does not cap the username it authenticates

    assert fail(settings.AXES_FAILURE_LIMIT - 1, long_name) == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(Client(), long_name, "wrong guess").status_code == 429
    assert logged_in(log_in(Client(), "editor", "pw", ELSEWHERE))
