"""Which Chromium `make test` gives the browser tests, and what it does when there is none.

Browsers, `apt-get`, `playwright install` and pytest are fakes here: nothing is downloaded or
installed, and the real suite is not run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import find_chromium
from scripts.find_chromium import NoChromium, find, obtain

ROOT = Path(__file__).resolve().parents[2]


def fake_executable(path: Path, *, exit_code: int = 0, output: str = "Chromium 130.0.0.0") -> Path:
    """A stand-in that records its call in $FAKE_LOG when set, then exits with ``exit_code``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'#!/bin/sh\n[ -n "$FAKE_LOG" ] && echo "{path.name} $*" >> "$FAKE_LOG"\necho "{output}"\nexit {exit_code}\n'
    )
    path.chmod(0o755)
    return path


@pytest.fixture
def machine(tmp_path):
    """A machine with an empty PATH, an empty home and no CHROMIUM."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "home").mkdir()
    return {"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path / "home")}


@pytest.fixture
def bin_dir(machine) -> Path:
    return Path(machine["PATH"])


@pytest.fixture
def playwright_cache(machine) -> Path:
    return Path(machine["HOME"]) / ".cache" / "ms-playwright"


class Installers:
    """Stands in for subprocess.run when installing; ``effects`` maps a command's first words to
    what a successful install would leave behind."""

    def __init__(self, effects=None):
        self.effects = effects or {}
        self.commands: list[list[str]] = []

    def __call__(self, command, **kwargs):
        self.commands.append(command)
        for words, effect in self.effects.items():
            if tuple(command[: len(words)]) == words:
                effect()
                return subprocess.CompletedProcess(command, 0)
        return subprocess.CompletedProcess(command, 1)


@pytest.fixture
def debian(tmp_path) -> Path:
    os_release = tmp_path / "os-release"
    os_release.write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n')
    return os_release


@pytest.fixture
def fedora(tmp_path) -> Path:
    os_release = tmp_path / "os-release"
    os_release.write_text('NAME="Fedora Linux"\nID=fedora\n')
    return os_release


def test_the_chromium_variable_comes_first(machine, bin_dir, playwright_cache, tmp_path):
    chosen = fake_executable(tmp_path / "elsewhere" / "my-chrome")
    fake_executable(bin_dir / "chromium")
    fake_executable(playwright_cache / "chromium-1255" / "chrome-linux64" / "chrome")

    assert find({**machine, "CHROMIUM": str(chosen)}) == chosen


def test_a_system_chromium_comes_before_playwrights_build_in_the_documented_order(machine, bin_dir, playwright_cache):
    fake_executable(playwright_cache / "chromium-1255" / "chrome-linux64" / "chrome")
    chrome = fake_executable(bin_dir / "google-chrome")
    assert find(machine) == chrome
    browser = fake_executable(bin_dir / "chromium-browser")
    assert find(machine) == browser
    chromium = fake_executable(bin_dir / "chromium")
    assert find(machine) == chromium


def test_playwrights_cached_build_is_used_newest_first(machine, playwright_cache):
    fake_executable(playwright_cache / "chromium-999" / "chrome-linux" / "chrome")
    newest = fake_executable(playwright_cache / "chromium-1255" / "chrome-linux64" / "chrome")
    fake_executable(playwright_cache / "chromium-1100" / "chrome-linux" / "chrome")

    assert find(machine) == newest


def test_playwrights_cache_follows_playwright_browsers_path(machine, tmp_path):
    build = fake_executable(tmp_path / "browsers" / "chromium-1255" / "chrome-linux64" / "chrome")

    assert find({**machine, "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "browsers")}) == build


def test_a_browser_that_does_not_run_is_passed_over(machine, bin_dir, tmp_path):
    fake_executable(bin_dir / "chromium", exit_code=1, output="requires the chromium snap to be installed")
    chrome = fake_executable(bin_dir / "google-chrome")
    notes = []

    assert find({**machine, "CHROMIUM": str(tmp_path / "gone")}, log=notes.append) == chrome
    assert notes == [f"CHROMIUM={tmp_path / 'gone'} does not run; looking for another Chromium."]


def test_a_found_browser_installs_nothing(machine, bin_dir, debian):
    chromium = fake_executable(bin_dir / "chromium")
    installers = Installers()

    assert obtain(machine, run=installers, root=True, os_release=debian) == chromium
    assert installers.commands == []


def test_playwright_install_is_tried_before_apt_get(machine, bin_dir, playwright_cache, debian):
    fake_executable(bin_dir / "apt-get")
    build = playwright_cache / "chromium-1255" / "chrome-linux64" / "chrome"
    installers = Installers({find_chromium.PLAYWRIGHT_INSTALL: lambda: fake_executable(build)})

    assert obtain(machine, run=installers, root=True, os_release=debian) == build
    assert installers.commands == [list(find_chromium.PLAYWRIGHT_INSTALL)]


def test_as_root_on_debian_apt_get_installs_chromium_when_playwright_cannot(machine, bin_dir, debian):
    fake_executable(bin_dir / "apt-get")
    installers = Installers({("apt-get", "install"): lambda: fake_executable(bin_dir / "chromium")})

    assert obtain(machine, run=installers, root=True, os_release=debian) == bin_dir / "chromium"
    assert installers.commands == [
        list(find_chromium.PLAYWRIGHT_INSTALL),
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "chromium"],
    ]


@pytest.mark.parametrize(
    ("root", "distribution", "why_not_apt"),
    [
        (False, "debian", "`apt-get install chromium` was not tried: it needs root"),
        (True, "fedora", "`apt-get install chromium` was not tried: this is not Debian or Ubuntu"),
        (True, "debian", "`apt-get install chromium` failed"),
    ],
)
def test_when_nothing_works_it_stops_with_one_message_saying_what_to_do(
    machine, bin_dir, playwright_cache, root, distribution, why_not_apt, request
):
    fake_executable(bin_dir / "apt-get")
    installers = Installers()

    with pytest.raises(NoChromium) as stopped:
        obtain(machine, run=installers, root=root, os_release=request.getfixturevalue(distribution))

    assert str(stopped.value) == (
        "The browser tests need Chromium, and none was found or could be installed:\n"
        "  - CHROMIUM is not set\n"
        "  - there is no chromium, chromium-browser or google-chrome that runs on PATH\n"
        f"  - there is no Playwright build in {playwright_cache}\n"
        "  - `playwright install chromium` failed (it downloads from Playwright's CDN)\n"
        f"  - {why_not_apt}\n"
        "Do one of these, then run `make test` again:\n"
        "  - install your system's Chromium: `sudo apt-get install chromium` on Debian or Ubuntu\n"
        "  - name a Chromium or Chrome you already have: `make test CHROMIUM=/path/to/chrome`\n"
        "  - once this machine reaches Playwright's download server (cdn.playwright.dev; behind a proxy,\n"
        f"    set HTTPS_PROXY): `.venv/bin/playwright install chromium` (it keeps it in {playwright_cache})\n"
        "Meanwhile `make test-fast` runs everything but the browser tests."
    )
    apt = [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]]
    tried = [list(find_chromium.PLAYWRIGHT_INSTALL), *(apt if why_not_apt.endswith("failed") else [])]
    assert installers.commands == tried


# --- `make test` itself ---------------------------------------------------------------------------


@pytest.fixture
def make_test(machine, bin_dir, tmp_path):
    """Run `make test` from the checkout on ``machine``: the real Makefile and find_chromium.py,
    but a fake pytest (it records CHROMIUM) and fake installers, so nothing is downloaded."""
    make = shutil.which("make")
    if make is None:
        pytest.fail("make is not installed")
    log = tmp_path / "calls.log"
    fakes = tmp_path / "modules"
    for module, exit_code in (("pytest", 0), ("playwright", 1)):
        (fakes / module).mkdir(parents=True)
        (fakes / module / "__init__.py").write_text("")
        (fakes / module / "__main__.py").write_text(
            "import os, sys\n\n\n"
            "def main():\n"
            "    with open(os.environ['FAKE_LOG'], 'a') as log:\n"
            f"        log.write(f'{module} {{sys.argv[1:]}} CHROMIUM={{os.environ.get(\"CHROMIUM\")}}\\n')\n"
            f"    sys.exit({exit_code})\n\n\n"
            "if __name__ == '__main__':\n"
            "    main()\n"
        )
    fake_executable(bin_dir / "apt-get", exit_code=100)

    def run(*make_args: str, **env: str) -> tuple[subprocess.CompletedProcess, list[str]]:
        result = subprocess.run(  # noqa: S603 (a fixed command line)
            [make, "--no-print-directory", "-o", ".venv/.installed-from-lock", "test", *make_args],
            cwd=ROOT,
            env={**machine, "FAKE_LOG": str(log), "PYTHONPATH": str(fakes), **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        calls = log.read_text().splitlines() if log.exists() else []
        return result, [call for call in calls if not call.endswith(" --version")]  # browsers being tried

    return run


def test_make_test_hands_the_system_chromium_it_found_to_pytest(make_test, bin_dir):
    browser = fake_executable(bin_dir / "chromium-browser")

    result, calls = make_test()

    assert result.returncode == 0, result.stderr
    assert calls == [f"pytest ['-n', 'auto'] CHROMIUM={browser}"]


def test_make_test_takes_chromium_from_its_command_line(make_test, bin_dir, tmp_path):
    fake_executable(bin_dir / "chromium")
    chosen = fake_executable(tmp_path / "chrome")

    result, calls = make_test(f"CHROMIUM={chosen}")

    assert result.returncode == 0, result.stderr
    assert calls == [f"pytest ['-n', 'auto'] CHROMIUM={chosen}"]


def test_make_test_without_any_chromium_stops_saying_what_to_do_and_runs_no_tests(make_test, playwright_cache):
    result, calls = make_test()

    assert result.returncode != 0
    assert not any(call.startswith("pytest") for call in calls), "the suite ran without a browser"
    assert "The browser tests need Chromium, and none was found or could be installed:" in result.stderr
    assert "`make test CHROMIUM=/path/to/chrome`" in result.stderr
    assert "`sudo apt-get install chromium`" in result.stderr
    assert "`.venv/bin/playwright install chromium`" in result.stderr
    assert calls[0] == "playwright ['install', 'chromium'] CHROMIUM=None"
    if os.geteuid() == 0 and find_chromium.debian_like():
        assert calls[1:] == ["apt-get update -qq", "apt-get install -y -qq chromium"]


def test_the_script_prints_the_path_alone_on_stdout(machine, bin_dir):
    chromium = fake_executable(bin_dir / "chromium")

    result = subprocess.run(
        [sys.executable, "scripts/find_chromium.py"],
        cwd=ROOT,
        env=machine,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout == f"{chromium}\n"
    assert result.stderr == f"Browser tests use {chromium}\n"
