"""The embedded server stops within seconds whatever ends `make serve` or `make demo`.

Each test starts the real `manage.py runserver` with its autoreloader (a parent and a child
process, both holding the embedded server), as `make serve` does, against its own embedded
server in a temporary data directory (CLAIMDESK_PGDATA). It then does what a person or a
process manager does to end it: Ctrl-C in the terminal (SIGINT to the foreground process group),
SIGTERM to the process group, or closing the terminal (the terminal goes away and the shell sends
SIGHUP to the group). Nothing may keep running or listening afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
START_WITHIN = 60  # seconds: the first start runs initdb
STOP_WITHIN = 10  # seconds


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting to be reaped (the postmaster's parent is init)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _accepts(family: int, address) -> bool:
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        try:
            sock.connect(address)
        except OSError:
            return False
        return True


def _postgres_processes(pgdata: Path) -> list[psutil.Process]:
    """Every live postgres process started on this data directory."""
    found = []
    for proc in psutil.process_iter(["name", "cmdline", "status"]):
        name, cmdline, status = proc.info["name"], proc.info["cmdline"] or [], proc.info["status"]
        if name == "postgres" and status != psutil.STATUS_ZOMBIE and str(pgdata) in cmdline:
            found.append(proc)
    return found


def _stop_postgres(pgdata: Path) -> None:
    """End a server a failed test left running."""
    for proc in _postgres_processes(pgdata):
        proc.send_signal(signal.SIGQUIT)  # the postmaster's immediate shutdown: it ends its children too
        try:
            proc.wait(5)
        except psutil.TimeoutExpired:
            proc.kill()


def _reset_signals() -> None:
    # A terminal's foreground job starts with the default dispositions, whatever the test runner
    # inherited (a runner started in the background or under nohup ignores SIGINT or SIGHUP).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


class Terminal:
    """A pseudo-terminal for the server's stdin/stdout/stderr, read into ``output`` until closed."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        self.output = bytearray()
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # every slave side closed: the processes are gone
                    return
                if not chunk:
                    return
                self.output += chunk

    def close(self) -> None:
        """Close the terminal as a terminal window does: writes to it fail from now on."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._reader.join()
        os.close(self.master)

    def text(self) -> str:
        return self.output.decode(errors="replace")


class Runserver:
    """`manage.py runserver` with its autoreloader, in its own session and process group."""

    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata
        self.port = _free_port()
        self.terminal = Terminal()
        env = {key: value for key, value in os.environ.items() if key not in ("PYTEST_VERSION", "DATABASE_URL")}
        env.update(CLAIMDESK_PGDATA=str(pgdata), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=env,
            stdin=self.terminal.slave,
            stdout=self.terminal.slave,
            stderr=self.terminal.slave,
            start_new_session=True,
            preexec_fn=_reset_signals,
        )
        os.close(self.terminal.slave)
        self.group = self.process.pid
        self.postmaster_pid: int | None = None
        self.db_socket: Path | None = None

    def holders(self) -> list[int]:
        try:
            return json.loads((self.pgdata / ".handle_pids.json").read_text())
        except (OSError, ValueError):
            return []

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_WITHIN
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"runserver exited early:\n{self.terminal.text()}"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=2)
            except urllib.error.HTTPError:
                pass  # it answers, which is all this needs (the database is not migrated)
            except OSError:
                time.sleep(0.3)
                continue
            if len(self.holders()) == 2:  # the reloader's parent and the serving child
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"runserver did not serve within {START_WITHIN}s:\n{self.terminal.text()}")
        assert self.process.pid in self.holders()
        lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
        self.postmaster_pid = int(lines[0])
        self.db_socket = Path(lines[4]) / f".s.PGSQL.{lines[3]}"
        assert _accepts(socket.AF_UNIX, str(self.db_socket))

    def group_members(self) -> list[psutil.Process]:
        members = []
        for proc in psutil.process_iter(["pid"]):
            try:
                if os.getpgid(proc.pid) == self.group and _alive(proc.pid):
                    members.append(proc)
            except (ProcessLookupError, psutil.NoSuchProcess):
                pass
        return members

    def still_running(self) -> list[str]:
        """What is left running or listening; empty once everything has stopped."""
        left = [f"runserver process {proc.pid}" for proc in self.group_members()]
        left += [f"postgres process {proc.pid}" for proc in _postgres_processes(self.pgdata)]
        if self.postmaster_pid and _alive(self.postmaster_pid):
            left.append(f"postmaster {self.postmaster_pid}")
        if self.db_socket and _accepts(socket.AF_UNIX, str(self.db_socket)):
            left.append(f"a server listening on {self.db_socket}")
        if _accepts(socket.AF_INET, ("127.0.0.1", self.port)):
            left.append(f"a server listening on port {self.port}")
        return left

    def kill_leftovers(self) -> None:
        """After a failure: end whatever the test started, so the next test starts clean."""
        for proc in self.group_members():
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        _stop_postgres(self.pgdata)
        self.terminal.close()


@pytest.fixture(scope="module")
def pgdata() -> Iterator[Path]:
    # Short and under /tmp: the server's socket goes in its data directory when the path fits.
    parent = Path(tempfile.mkdtemp(prefix="claimdesk-lifecycle-"))
    yield parent / "pgdata"
    _stop_postgres(parent / "pgdata")
    shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture
def runserver(pgdata) -> Iterator[Runserver]:
    server = Runserver(pgdata)
    yield server
    server.kill_leftovers()


def _assert_everything_stops(server: Runserver) -> None:
    deadline = time.monotonic() + STOP_WITHIN
    while (left := server.still_running()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not left, (
        f"{STOP_WITHIN}s after the signal, still running: {', '.join(left)}; "
        f"holders {server.holders()}\n{server.terminal.text()}"
    )


def test_ctrl_c_in_the_terminal_stops_the_embedded_server(runserver):
    runserver.wait_until_serving()
    os.killpg(runserver.group, signal.SIGINT)
    _assert_everything_stops(runserver)


def test_sigterm_to_the_process_group_stops_the_embedded_server(runserver):
    runserver.wait_until_serving()
    os.killpg(runserver.group, signal.SIGTERM)
    _assert_everything_stops(runserver)


def test_closing_the_terminal_stops_the_embedded_server(runserver):
    runserver.wait_until_serving()
    runserver.terminal.close()
    os.killpg(runserver.group, signal.SIGHUP)
    _assert_everything_stops(runserver)
