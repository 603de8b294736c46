"""The agency drop folder: each file imported by the file importer, then moved to done/, or to
failed/ with the reason beside it; one bad file stops nothing."""

from __future__ import annotations

import json
import os
import time

import pytest

from ingest.drops import drop_folder_scan
from ingest.jobs import worker_run_until_idle
from ingest.tasks import drop_folder_scan_job
from sources.models import Story, StoryRevision
from tests.factories import OutletFactory
from tests.ingest.test_feeds import CLASHES

pytestmark = pytest.mark.django_db

TEXT = "\n\n".join(CLASHES) + "\n"


def _settled(path) -> None:
    """Written a minute ago: the scan leaves files that may still be being written."""
    then = time.time() - 60
    os.utime(path, (then, then))


@pytest.fixture
def drop(tmp_path, settings):
    settings.INGEST_DROP_DIR = str(tmp_path)
    return tmp_path


def test_dropped_files_are_imported_and_moved_and_bad_ones_say_why(drop):
    OutletFactory(key="anadolu", name="Anadolu Agency")
    OutletFactory(key="afp", name="AFP")
    (drop / "anadolu").mkdir()
    files = {
        "anadolu/clashes.txt": TEXT,
        "anadolu/clashes.txt.meta.json": json.dumps({"headline": "Border clashes", "published": "2022-09-14"}),
        "afp-story.html": f"<html><head><title>AFP: clashes</title></head><body><p>{CLASHES[1]}</p></body></html>",
        "afp-story.html.meta.yaml": "outlet: afp\n",
        "no-outlet.txt": TEXT,
        "binary.txt": "\x00\x01\x02",
        "anadolu/no-headline.txt": "Words with no headline anywhere.",
    }
    for name, content in files.items():
        (drop / name).write_text(content)
        _settled(drop / name)
    (drop / "anadolu" / "still-arriving.txt.part").write_text("half a story")
    (drop / "anadolu" / "just-now.txt").write_text(TEXT)  # not settled yet

    outcomes = {dropped.name: dropped.outcome for dropped in drop_folder_scan(drop)}
    assert outcomes == {
        "afp-story.html": "new story",
        "binary.txt": "failed",
        "no-outlet.txt": "failed",
        "anadolu/clashes.txt": "new story",
        "anadolu/no-headline.txt": "failed",
    }
    assert Story.objects.get(headline="Border clashes").outlet.key == "anadolu"
    assert Story.objects.get(headline="AFP: clashes").current_revision.raw_html.startswith("<html>")
    assert (drop / "done/anadolu/clashes.txt").exists() and (drop / "done/anadolu/clashes.txt.meta.json").exists()
    assert (drop / "done/afp-story.html.meta.yaml").exists()
    assert "no outlet given" in (drop / "failed/no-outlet.txt.reason.txt").read_text()
    assert "NUL bytes" in (drop / "failed/binary.txt.reason.txt").read_text()
    assert "no headline given" in (drop / "failed/anadolu/no-headline.txt.reason.txt").read_text()
    # what is still arriving stays where it is
    assert (drop / "anadolu/still-arriving.txt.part").exists() and (drop / "anadolu/just-now.txt").exists()
    assert not StoryRevision.objects.filter(body__startswith="Words with no headline").exists()


def test_the_same_file_dropped_again_changes_nothing_and_never_overwrites_done(drop):
    OutletFactory(key="anadolu")
    for _ in range(2):
        path = drop / "story.txt"
        path.write_text(TEXT)
        (drop / "story.txt.meta.json").write_text(json.dumps({"outlet": "anadolu", "headline": "Clashes"}))
        _settled(path)
        _settled(drop / "story.txt.meta.json")
        outcome = drop_folder_scan(drop)
    assert [d.outcome for d in outcome] == ["unchanged"]
    assert len(list((drop / "done").glob("*story.txt"))) == 2
    assert Story.objects.filter(headline="Clashes").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_drop_folder_is_scanned_by_a_worker(drop):
    OutletFactory(key="anadolu")
    (drop / "anadolu").mkdir()
    path = drop / "anadolu" / "clashes.txt"
    path.write_text(TEXT)
    (drop / "anadolu" / "clashes.txt.meta.json").write_text(json.dumps({"headline": "Clashes by drop"}))
    _settled(path)
    _settled(drop / "anadolu" / "clashes.txt.meta.json")
    drop_folder_scan_job.defer(timestamp=int(time.time()))
    worker_run_until_idle(queues=["drops", "ingest"])
    assert Story.objects.filter(headline="Clashes by drop").exists()
    assert (drop / "done/anadolu/clashes.txt").exists()
