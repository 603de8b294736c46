"""Find a Chromium for the browser tests, installing one when there is none, and print its path.

`make test` runs this and hands the path to pytest as ``CHROMIUM``. It takes the first of these
that runs (``--version`` exits 0):

1. the ``CHROMIUM`` variable;
2. a system ``chromium``, ``chromium-browser`` or ``google-chrome`` on ``PATH``;
3. Playwright's own cached build (``~/.cache/ms-playwright/chromium-*/``, or under
   ``PLAYWRIGHT_BROWSERS_PATH``).

When none does, it runs ``playwright install chromium`` (a download from Playwright's CDN), then,
as root on Debian or Ubuntu, ``apt-get install chromium``, and looks again. When all of that
fails it exits 1 with one message saying what to do: the browser tests are never skipped.

Progress and messages go to stderr; stdout carries the path alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome")
PLAYWRIGHT_INSTALL = (sys.executable, "-m", "playwright", "install", "chromium")
APT_UPDATE = ("apt-get", "update", "-qq")
APT_INSTALL = ("apt-get", "install", "-y", "-qq", "chromium")
OS_RELEASE = Path("/etc/os-release")

Runner = Callable[..., subprocess.CompletedProcess]


class NoChromium(Exception):
    """No Chromium was found and none could be installed; the message says what to do."""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def runs(path: Path) -> bool:
    """An executable that starts and reports its version. Ubuntu's ``chromium-browser`` is a
    wrapper that fails without snapd, and a stale ``CHROMIUM`` may name nothing at all."""
    if not (path.is_file() and os.access(path, os.X_OK)):
        return False
    try:
        result = subprocess.run([str(path), "--version"], capture_output=True, timeout=60, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def playwright_cache(env: Mapping[str, str]) -> Path:
    """Where ``playwright install`` puts its browsers on Linux."""
    custom = env.get("PLAYWRIGHT_BROWSERS_PATH", "")
    if custom == "0":  # inside the playwright package
        import playwright

        return Path(playwright.__file__).parent / "driver" / "package" / ".local-browsers"
    if custom:
        return Path(custom).expanduser()
    cache = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(cache) / "ms-playwright"


def _revision(build: Path) -> int:
    match = re.fullmatch(r"chromium-(\d+)", build.parents[1].name)
    return int(match.group(1)) if match else -1


def candidates(env: Mapping[str, str]) -> Iterator[tuple[str, Path]]:
    """Every Chromium worth trying, in order, each with where it came from."""
    if env.get("CHROMIUM"):
        yield "CHROMIUM", Path(env["CHROMIUM"])
    for name in SYSTEM_NAMES:
        found = shutil.which(name, path=env.get("PATH", os.defpath))
        if found:
            yield name, Path(found)
    # chrome-linux64/ in current Playwright releases, chrome-linux/ in older ones; newest first.
    builds = playwright_cache(env).glob("chromium-*/chrome-linux*/chrome")
    for build in sorted(builds, key=_revision, reverse=True):
        yield "Playwright's build", build


def find(env: Mapping[str, str] = os.environ, log: Callable[[str], None] = _log) -> Path | None:
    """The first Chromium that runs, without installing anything."""
    for source, path in candidates(env):
        if runs(path):
            return path
        if source == "CHROMIUM":
            log(f"CHROMIUM={path} does not run; looking for another Chromium.")
    return None


def debian_like(os_release: Path = OS_RELEASE) -> bool:
    try:
        fields = dict(
            line.split("=", 1)
            for line in os_release.read_text().splitlines()
            if "=" in line and not line.startswith("#")
        )
    except OSError:
        return False
    names = f"{fields.get('ID', '')} {fields.get('ID_LIKE', '')}".replace('"', "").split()
    return "debian" in names or "ubuntu" in names


def _succeeds(run: Runner, command: tuple[str, ...], env: Mapping[str, str]) -> bool:
    _log(f"$ {' '.join(command)}")
    try:
        # The installers' progress goes to stderr: stdout is for the path alone.
        result = run(list(command), stdout=sys.stderr, stderr=sys.stderr, env=dict(env), timeout=900, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        _log(f"{command[0]}: {error}")
        return False
    return result.returncode == 0


def advice(env: Mapping[str, str] = os.environ) -> str:
    return (
        "Do one of these, then run `make test` again:\n"
        "  - install your system's Chromium: `sudo apt-get install chromium` on Debian or Ubuntu\n"
        "  - name a Chromium or Chrome you already have: `make test CHROMIUM=/path/to/chrome`\n"
        "  - once this machine reaches Playwright's download server (cdn.playwright.dev; behind a proxy,\n"
        f"    set HTTPS_PROXY): `.venv/bin/playwright install chromium` (it keeps it in {playwright_cache(env)})\n"
        "Meanwhile `make test-fast` runs everything but the browser tests."
    )


def obtain(
    env: Mapping[str, str] = os.environ,
    *,
    run: Runner = subprocess.run,
    root: bool | None = None,
    os_release: Path = OS_RELEASE,
) -> Path:
    """A Chromium that runs: found, or else installed. Raises NoChromium saying what to do."""
    found = find(env)
    if found:
        return found
    tried = [
        f"CHROMIUM names no browser that runs ({env['CHROMIUM']})" if env.get("CHROMIUM") else "CHROMIUM is not set",
        f"there is no {', '.join(SYSTEM_NAMES[:-1])} or {SYSTEM_NAMES[-1]} that runs on PATH",
        f"there is no Playwright build in {playwright_cache(env)}",
    ]

    _log("No Chromium found for the browser tests; trying Playwright's download.")
    if _succeeds(run, PLAYWRIGHT_INSTALL, env) and (found := find(env)):
        return found
    tried.append("`playwright install chromium` failed (it downloads from Playwright's CDN)")

    root = os.geteuid() == 0 if root is None else root
    if not root:
        tried.append("`apt-get install chromium` was not tried: it needs root")
    elif not (debian_like(os_release) and shutil.which("apt-get", path=env.get("PATH", os.defpath))):
        tried.append("`apt-get install chromium` was not tried: this is not Debian or Ubuntu")
    else:
        _log("Trying the distribution's chromium package.")
        apt_env = {**env, "DEBIAN_FRONTEND": "noninteractive"}
        _succeeds(run, APT_UPDATE, apt_env)  # stale package lists; when it fails the lists may still do
        if _succeeds(run, APT_INSTALL, apt_env) and (found := find(env)):
            return found
        tried.append("`apt-get install chromium` failed")

    raise NoChromium(
        "The browser tests need Chromium, and none was found or could be installed:\n"
        + "".join(f"  - {line}\n" for line in tried)
        + advice(env)
    )


def main() -> int:
    try:
        path = obtain()
    except NoChromium as error:
        _log(f"\n{error}")
        return 1
    _log(f"Browser tests use {path}")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
