"""Shared fixtures. Every test runs against a real PostgreSQL server: DATABASE_URL when set,
otherwise a throwaway embedded server started for the run (see config/embedded_db.py)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from claims import roles
from claims.models import Claim
from claims.seeding import DATASET
from ingest.jobs import worker_run_until_idle
from tests.factories import UserFactory
from tests.jobs import run_jobs_here
from tests.live_api import LiveApi, make_key


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the seed dataset once; tests roll back to it, transactional tests reload it."""
    with django_db_blocker.unblock():
        if DATASET.exists():
            call_command("load_seeds", verbosity=0)
            # the assistant reads the seed stories, as a worker would; in a thread of its own, since
            # the worker runs an event loop and a browser test's Playwright may hold this thread's
            with ThreadPoolExecutor(1) as thread:
                thread.submit(worker_run_until_idle).result()


@pytest.fixture(autouse=True)
def _job_queue_emptied_after_transactional_tests(request, django_db_blocker):
    """The job queue's tables are procrastinate's (unmanaged), so a transactional test's flush
    leaves its jobs behind; empty them, so no later test runs a job about rows long gone."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM procrastinate_periodic_defers; DELETE FROM procrastinate_jobs")


@pytest.fixture
def seeded(db):
    """The curated seed dataset, loaded (again, if a transactional test flushed it)."""
    if not Claim.objects.filter(key__isnull=False).exists():
        call_command("load_seeds", verbosity=0)
        run_jobs_here()


def _user_with_role(username: str, role: str | None):
    user = UserFactory(username=username)
    user.is_staff = role is not None
    user.set_password("pw")  # the seed dataset may have created this user already, without one
    user.save()
    if role:
        user.groups.set([Group.objects.get(name=role)])
    return user


@pytest.fixture
def editor(db):
    return _user_with_role("editor", roles.EDITOR)


@pytest.fixture
def factchecker(db):
    return _user_with_role("factchecker", roles.FACT_CHECKER)


@pytest.fixture
def second_factchecker(db):
    return _user_with_role("factchecker2", roles.FACT_CHECKER)


@pytest.fixture
def viewer(db):
    return _user_with_role("viewer", roles.VIEWER)


@pytest.fixture
def outsider(db):
    """Logged in, but in no desk role."""
    return _user_with_role("outsider", None)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Tests create many users; the production hasher costs a quarter second each."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- partner keys and the live API ---------------------------------------------------------


@pytest.fixture
def partner_key(db) -> str:
    return make_key()


@pytest.fixture
def expired_key(db) -> str:
    return make_key(expiry_date=timezone.now() - timedelta(minutes=1))


@pytest.fixture
def partner_headers(partner_key) -> dict[str, str]:
    return {"Authorization": f"Api-Key {partner_key}"}


@pytest.fixture
def live_api(live_server, partner_key) -> Iterator[LiveApi]:
    api = LiveApi(live_server.url, partner_key)
    yield api
    api.session.close()
