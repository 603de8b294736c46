"""Browser tests: a real Chromium driven by Playwright against a live server.

The browser is the one `CHROMIUM` names (`make test` sets it, see scripts/find_chromium.py),
otherwise a system Chromium or Playwright's cached build. When there is none, every browser test
fails saying how to get one: they never skip.
"""

from __future__ import annotations

import os

import pytest

from scripts.find_chromium import advice, find

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# (creating users, checking rows) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

LAUNCH_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = find()
    if chromium is None:
        pytest.fail(f"The browser tests need Chromium, and there is none.\n{advice()}", pytrace=False)
    return {**browser_type_launch_args, "args": LAUNCH_FLAGS, "executable_path": str(chromium)}


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
