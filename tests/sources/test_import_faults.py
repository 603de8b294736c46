"""``import_stories`` survives its database server being killed mid-run.

A separate throwaway PostgreSQL (never the suite's own server) is killed with SIGKILL while
``manage.py import_stories`` is importing a few hundred files, then restarted, and the same
command is run again. Every story the first run acknowledged must be there, whole; nothing may be
half-written; and the rerun must import exactly the rest (the importer is idempotent).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from scripts.pg import ThrowawayServer

ROOT = Path(__file__).resolve().parents[2]
FILES = 200
KILL_AFTER = 30  # acknowledged stories before the server is killed
NEW_STORY = re.compile(r"^new story: (?P<path>\S+) -> story (?P<pk>\d+) ")
UNCHANGED = re.compile(r"^unchanged: (?P<path>\S+) \(same text as story (?P<pk>\d+),")


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def story_text(number: int) -> str:
    """A few paragraphs of wire copy, different in every file."""
    paragraphs = [
        f"BAKU, Azerbaijan (AP) — Dispatch {number}: officials said {number % 97 + 3} civilians were killed "
        f"and {number % 53 + 10} wounded overnight, a figure the other side disputed.",
        *(
            f"Paragraph {line} of dispatch {number}. Armenian officials denied the report and said the "
            "shelling targeted military positions only; neither account could be verified independently."
            for line in range(12)
        ),
    ]
    return "\n\n".join(paragraphs) + "\n"


@pytest.fixture
def server() -> Iterator[ThrowawayServer]:
    with ThrowawayServer(prefix="claimdesk-fault-pg-") as pg:
        yield pg


@pytest.fixture
def env(server: ThrowawayServer) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_VERSION"}
    env.update(DATABASE_URL=server.url, PYTHONUNBUFFERED="1", DJANGO_DEBUG="1")
    result = manage(env, "migrate", "--noinput", "-v0")
    assert result.returncode == 0, result.stderr
    result = manage(
        env, "shell", "-c", "from sources.models import Outlet; Outlet.objects.create(key='wire', name='The Wire')"
    )
    assert result.returncode == 0, result.stderr
    return env


@pytest.fixture
def story_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    for number in range(FILES):
        path = folder / f"dispatch-{number:04d}.txt"
        path.write_text(story_text(number), encoding="utf-8")
        meta = {
            "outlet": "wire",
            "headline": f"Dispatch {number}: civilians killed overnight, officials say",
            "url": f"https://wire.example/dispatch/{number}",
            "published": "2020-10-21",
        }
        path.with_name(path.name + ".meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def db_state(url: str) -> dict[str, list[tuple]]:
    with psycopg.connect(url) as conn:
        return {
            "stories": conn.execute(
                "SELECT s.id, s.current_revision_id, r.story_id, s.url FROM sources_story s "
                "LEFT JOIN sources_storyrevision r ON r.id = s.current_revision_id ORDER BY s.id"
            ).fetchall(),
            "revisions": conn.execute(
                "SELECT story_id, number, source_name, content_hash FROM sources_storyrevision ORDER BY id"
            ).fetchall(),
        }


def check_whole(state: dict[str, list[tuple]]) -> dict[str, int]:
    """Every story has exactly its one revision, current; returns {file path: story id}."""
    stories, revisions = state["stories"], state["revisions"]
    half_written = [row for row in stories if row[1] is None or row[2] != row[0]]
    assert not half_written, f"stories without their current revision: {half_written[:5]}"
    assert len(revisions) == len(stories), "a revision without its story, or a story with two revisions"
    assert all(number == 1 for _, number, _, _ in revisions)
    by_file: dict[str, int] = {}
    for story_id, _, source_name, _ in revisions:
        assert source_name not in by_file, f"{source_name} imported twice"
        by_file[source_name] = story_id
    return by_file


def test_killed_server_mid_import_loses_no_acknowledged_story_and_rerun_completes(server, env, story_dir):
    command = [sys.executable, "manage.py", "import_stories", str(story_dir)]
    first = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    # stderr is drained beside stdout, so a chatty failure cannot block the importer on a full pipe
    errors: list[str] = []
    drain = threading.Thread(target=lambda: errors.extend(first.stderr), daemon=True)
    drain.start()
    acknowledged: dict[str, int] = {}
    killed = 0
    try:
        for line in first.stdout:
            match = NEW_STORY.match(line)
            if match:
                acknowledged[match["path"]] = int(match["pk"])
            if len(acknowledged) == KILL_AFTER and not killed:
                killed = server.kill()
        first.wait(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    drain.join(timeout=10)
    assert killed, f"the importer finished before {KILL_AFTER} stories were acknowledged: {''.join(errors)[-2000:]}"
    assert first.returncode != 0, "the importer must fail when its database goes away"
    assert len(acknowledged) < FILES, "the server was killed too late to interrupt the import"
    stderr = "".join(errors)
    assert "database connection was lost" in stderr, stderr[-2000:]

    started = time.monotonic()
    server.restart()  # PostgreSQL replays its WAL: what was committed before the kill is back
    restart_seconds = time.monotonic() - started
    assert restart_seconds < 30

    after_crash = check_whole(db_state(server.url))
    missing = {path: pk for path, pk in acknowledged.items() if after_crash.get(path) != pk}
    assert not missing, f"acknowledged stories lost in the crash: {missing}"

    rerun = manage(env, "import_stories", str(story_dir))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    unchanged = {m["path"]: int(m["pk"]) for m in map(UNCHANGED.match, rerun.stdout.splitlines()) if m}
    new = {m["path"]: int(m["pk"]) for m in map(NEW_STORY.match, rerun.stdout.splitlines()) if m}
    assert unchanged == after_crash, "the rerun must recognise exactly what the first run committed"
    assert len(unchanged) + len(new) == FILES
    assert f"{len(new)} new stories, 0 new revisions, {len(unchanged)} unchanged, 0 failed" in rerun.stdout

    print(  # shown with -s; docs/reliability.md quotes it
        f"\nkilled {killed} server processes after {len(acknowledged)} acknowledged stories; "
        f"{len(after_crash)} committed; restarted in {restart_seconds:.1f} s; "
        f"rerun: {len(unchanged)} unchanged, {len(new)} new"
    )
    final = check_whole(db_state(server.url))
    assert final == {**after_crash, **new}
    assert len(final) == FILES
    assert len({digest for *_, digest in db_state(server.url)["revisions"]}) == FILES
