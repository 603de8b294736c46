"""Browser tests: a real Chromium driven by Playwright against a live server.

The browser is the one `CHROMIUM` names (`make test` sets it, see scripts/find_chromium.py),
otherwise a system Chromium or Playwright's cached build. When there is none, every browser test
fails saying how to get one: they never skip.
"""

from __future__ import annotations

import os
import re

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


# --- nothing goes wrong quietly in the browser ---------------------------------------------
# Every page a browser test opens, in any context the test creates, is watched: a console error
# (a failed request, a script error logged), an uncaught exception, or a Content-Security-Policy
# violation fails the test at teardown, listed one per line. A test that provokes an error on
# purpose (a refused form answered 422, an edit conflict's 409) says which with
# ``@pytest.mark.allow_console_errors(r"status of 422")``: regular expressions, searched in each line.

CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__claimdeskCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"}`
    + ` at ${event.sourceFile || location.href}:${event.lineNumber}`
    + (event.sample ? ` sample: ${event.sample}` : "")
  );
});
"""


def _where(message) -> str:
    location = message.location or {}
    url = location.get("url") or ""
    return f" ({url}:{location.get('lineNumber', 0)})" if url else ""


def _watch(context, problems: list[str]) -> None:
    context.expose_function("__claimdeskCspViolation", lambda text: problems.append(f"CSP violation: {text}"))
    context.add_init_script(CSP_LISTENER)
    context.on(
        "console",
        lambda message: (
            problems.append(f"console error: {message.text}{_where(message)}") if message.type == "error" else None
        ),
    )
    context.on("weberror", lambda error: problems.append(f"uncaught exception: {error.error}"))


@pytest.fixture(autouse=True)
def console_guard(request, browser, monkeypatch):
    """Fail the test on any console error, uncaught exception or CSP violation, in any page of
    any browser context it opened (``page``, ``context`` or ``browser.new_context()``)."""
    problems: list[str] = []
    opened = []
    new_context = browser.new_context

    def watched_new_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        _watch(context, problems)
        opened.append(context)
        return context

    monkeypatch.setattr(browser, "new_context", watched_new_context)
    yield problems
    for context in opened:  # a test's own extra contexts, when it left them open
        if context in browser.contexts:
            context.close()

    allowed = [re.compile(p) for marker in request.node.iter_markers("allow_console_errors") for p in marker.args]
    unexpected = [p for p in problems if not any(pattern.search(p) for pattern in allowed)]
    if unexpected:
        pytest.fail(
            f"The browser reported {len(unexpected)} problem(s):\n" + "\n".join(f"  - {p}" for p in unexpected),
            pytrace=False,
        )
