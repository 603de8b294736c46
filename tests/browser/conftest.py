"""Browser tests: a real Chromium driven by Playwright against a live server.

The system's Chromium (Debian's `chromium` package) is used when present, otherwise Playwright's
own download. With CI=true a missing browser fails the run: it never skips.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# (creating users, checking rows) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SYSTEM_CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
LAUNCH_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args, "args": LAUNCH_FLAGS}
    if SYSTEM_CHROMIUM.exists():
        args["executable_path"] = str(SYSTEM_CHROMIUM)
    elif os.environ.get("CI"):
        pytest.fail(f"CI=true and no Chromium at {SYSTEM_CHROMIUM}: install Debian's chromium package.")
    return args


@pytest.fixture
def login(live_server, page):
    """Log ``page`` in as ``user`` (password 'pw', as the factories set) through the real form."""

    def _login(user, target_page=None):
        target = target_page or page
        target.goto(f"{live_server.url}/accounts/login/")
        target.get_by_label("Username").fill(user.username)
        target.get_by_label("Password").fill("pw")
        target.get_by_role("button", name="Log in").click()
        target.wait_for_url(f"{live_server.url}/")
        return target

    return _login
