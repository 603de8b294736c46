"""A short soak (scripts/soak.py) in the suite: readers and writers over real HTTP against gunicorn
on a throwaway database, no errors, every acknowledged write in the database and in the feed.

``make soak`` runs the full one (60 s, 50 readers, 5 writers); results are in docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.soak


def test_short_soak_has_no_errors_and_loses_no_acknowledged_write(tmp_path):
    results = tmp_path / "soak.json"
    command = [
        sys.executable, "-m", "scripts.soak",
        "--seconds", "10", "--readers", "8", "--editors", "2", "--partners", "1", "--workers", "3",
        "--json", str(results),
    ]  # fmt: skip
    env = {key: value for key, value in os.environ.items() if key not in ("PYTEST_VERSION", "DATABASE_URL")}
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)  # noqa: S603
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]

    soak = json.loads(results.read_text())
    assert soak["errors"] == 0
    assert all(not failures for failures in soak["checks"].values()), soak["checks"]
    assert len(soak["checks"]) == 3
    endpoints = {row["endpoint"] for row in soak["endpoints"]}
    # writes were made and acknowledged (how many depends on the machine), and the partner synced
    assert sum(soak["acknowledged"].values()) >= 2, soak["acknowledged"]
    assert {"GET /stories/<id>/", "GET /api/v1/claims/<id>/", "GET /api/v1/changes/"} <= endpoints
