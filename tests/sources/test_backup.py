"""`make backup` writes a real pg_dump of the configured database."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from sources.management.commands.backup import pg_dump_binary

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_writes_a_dump_that_pg_restore_can_read(tmp_path, seeded):
    output = tmp_path / "desk.dump"
    call_command("backup", output=str(output))
    listing = subprocess.run(  # noqa: S603
        [str(Path(pg_dump_binary()).with_name("pg_restore")), "--list", str(output)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "TABLE DATA public claims_claim" in listing
    assert "TABLE DATA public sources_storyrevision" in listing
