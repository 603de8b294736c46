"""The story importer: ``manage.py import_stories`` and the functions the browser upload shares."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from pghistory.models import Events

from core.errors import DomainError
from sources.importers import StoryMeta, import_story_file, read_story_file
from sources.models import Story, StoryRevision, StorySource
from tests.factories import OutletFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "BAKU, Azerbaijan (AP) — Azerbaijan said Wednesday that 63 civilians have been killed.\r\n"
    "\r\n"
    "Armenian officials denied the claim, calling it baseless.\r\n"
)
HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Ganja hit again</title>
<style>p { color: red }</style><script>trackReader();</script></head>
<body>
<h1>Ganja hit again</h1>
<p>At least 13 people were killed in the
   overnight strike, officials said.</p>
<!-- ad slot -->
<p>Armenia denied targeting civilians &amp; said it hit military sites.</p>
<ul><li>First point</li><li>Second point</li></ul>
</body></html>
"""


def run(*args: str) -> tuple[str, str, CommandError | None]:
    """Run the command; (stdout, stderr, the CommandError it ended with or None)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_stories", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def write(path: Path, data: str | bytes, meta: dict | None = None, *, sidecar: str = ".meta.json") -> Path:
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    if meta is not None:
        side = path.with_name(path.name + sidecar)
        side.write_text(json.dumps(meta) if sidecar.endswith("json") else meta, encoding="utf-8")
    return path


@pytest.fixture
def ap(db):
    return OutletFactory(key="ap-test", name="Associated Press (test)")


@pytest.fixture
def sabah(db):
    return OutletFactory(key="sabah-test", name="Daily Sabah (test)", kind="newspaper")


def mine():
    """Stories of the test outlets (the seed dataset may be loaded beside them)."""
    return Story.objects.filter(outlet__key__in=["ap-test", "sabah-test"])


def counts() -> tuple[int, int, int]:
    return Story.objects.count(), StoryRevision.objects.count(), StorySource.objects.count()


def test_text_file_with_json_sidecar_becomes_a_story_with_its_exact_text(tmp_path, ap):
    path = write(
        tmp_path / "toll.txt",
        "\ufeff" + TEXT,
        {
            "outlet": "ap-test",
            "headline": "Azerbaijan says 63 civilians killed",
            "url": "https://apnews.example/toll",
            "published": "2020-10-21",
            "byline": "Aida Sultanova",
            "dateline": "Baku",
            "language": "en",
            "translated_from": "az",
            "machine_translated": True,
        },
    )

    out, _, error = run(str(path))

    assert error is None
    story = Story.objects.get(url="https://apnews.example/toll")
    assert story.outlet == ap
    assert story.headline == "Azerbaijan says 63 civilians killed"
    assert (story.byline, story.dateline, story.language) == ("Aida Sultanova", "Baku", "en")
    assert (story.translated_from, story.machine_translated) == ("az", True)
    assert story.published_on == date(2020, 10, 21)
    assert story.published_precision == Story.Precision.DAY
    # only the BOM and CRLF line ends are normalised
    assert story.current_revision.body == TEXT.replace("\r\n", "\n")
    assert story.current_revision.raw_html == ""
    assert story.current_revision.source_name == str(path)
    assert "new story" in out
    assert "1 new story, 0 new revisions, 0 unchanged, 0 failed" in out


def test_html_file_keeps_raw_html_and_stores_readable_text_in_paragraphs(tmp_path, ap):
    path = write(tmp_path / "ganja.html", HTML, {"outlet": "ap-test", "published": "2020-10"})

    _, _, error = run(str(path))

    assert error is None
    story = mine().get()
    revision = story.current_revision
    assert revision.raw_html == HTML
    assert revision.body == (
        "Ganja hit again\n\n"
        "At least 13 people were killed in the overnight strike, officials said.\n\n"
        "Armenia denied targeting civilians & said it hit military sites.\n\n"
        "First point\nSecond point"
    )
    assert "trackReader" not in revision.body and "color" not in revision.body
    # no headline given: the document's own <title>
    assert story.headline == "Ganja hit again"
    # a month-precise date
    assert (story.published_on, story.published_precision) == (date(2020, 10, 1), Story.Precision.MONTH)


def test_yaml_sidecar_is_read(tmp_path, ap):
    path = write(
        tmp_path / "a.txt",
        TEXT,
        "outlet: ap-test\nheadline: 'Baku: toll rises'\npublished: 2020-10-21\nmachine_translated: false\n",
        sidecar=".meta.yaml",
    )

    _, _, error = run(str(path))

    assert error is None
    story = mine().get()
    assert (story.headline, story.published_on) == ("Baku: toll rises", date(2020, 10, 21))


def test_flags_apply_to_every_file_and_override_the_sidecar(tmp_path, ap, sabah):
    first = write(tmp_path / "one.txt", "First story text.", {"outlet": "ap-test", "headline": "From sidecar"})
    second = write(tmp_path / "two.txt", "Second story text.", {"headline": "Second", "byline": "Someone"})

    _, _, error = run(str(first), str(second), "--outlet", "sabah-test", "--date", "2022", "--byline", "Desk")

    assert error is None
    stories = {s.current_revision.body: s for s in mine().select_related("current_revision")}
    assert {s.outlet for s in stories.values()} == {sabah}
    assert {(s.published_on, s.published_precision) for s in stories.values()} == {
        (date(2022, 1, 1), Story.Precision.YEAR)
    }
    assert {s.byline for s in stories.values()} == {"Desk"}
    # the sidecars still give what the flags leave out
    assert stories["First story text."].headline == "From sidecar"
    assert stories["Second story text."].headline == "Second"


def test_a_directory_imports_its_story_files_but_not_sidecars(tmp_path, ap):
    folder = tmp_path / "incoming"
    folder.mkdir()
    write(folder / "a.txt", "Text A.", {"outlet": "ap-test", "headline": "A"})
    write(folder / "b.html", "<p>Text B.</p>", {"outlet": "ap-test", "headline": "B"})

    out, _, error = run(str(folder))

    assert error is None
    assert sorted(mine().values_list("headline", flat=True)) == ["A", "B"]
    assert "2 new stories, 0 new revisions, 0 unchanged, 0 failed" in out


def test_reimporting_the_same_text_is_a_no_op(tmp_path, ap):
    path = write(tmp_path / "toll.txt", TEXT, {"outlet": "ap-test", "headline": "Toll", "url": "https://x.example/1"})
    run(str(path))
    before = counts()
    story = mine().get()

    out, _, error = run(str(path))

    assert error is None
    assert counts() == before
    assert mine().get().version == story.version
    assert f"unchanged: {path} (same text as story {story.pk}, revision 1)" in out
    assert "0 new stories, 0 new revisions, 1 unchanged, 0 failed" in out


def test_changed_text_at_the_same_url_is_a_new_revision_and_the_old_one_is_kept(tmp_path, ap):
    meta = {"outlet": "ap-test", "headline": "Toll", "url": "https://x.example/toll"}
    write(tmp_path / "v1.txt", "63 civilians were killed.", meta)
    write(tmp_path / "v2.txt", "65 civilians were killed.", meta)
    run(str(tmp_path / "v1.txt"))

    out, _, error = run(str(tmp_path / "v2.txt"))

    assert error is None
    story = mine().get()
    assert list(story.revisions.order_by("number").values_list("number", "body")) == [
        (1, "63 civilians were killed."),
        (2, "65 civilians were killed."),
    ]
    assert story.current_revision.number == 2
    assert "new revision" in out and "0 new stories, 1 new revision, 0 unchanged, 0 failed" in out


def test_same_copy_from_another_outlet_is_a_second_story_recognised_as_republication(tmp_path, ap, sabah):
    write(tmp_path / "ap.txt", TEXT, {"outlet": "ap-test", "headline": "AP original", "url": "https://ap.example/1"})
    write(
        tmp_path / "sabah.txt",
        TEXT,
        {"outlet": "sabah-test", "headline": "Sabah runs AP", "url": "https://s.example/1"},
    )
    run(str(tmp_path / "ap.txt"))

    out, _, error = run(str(tmp_path / "sabah.txt"))

    assert error is None
    original = Story.objects.get(outlet=ap)
    copy = Story.objects.get(outlet=sabah)
    assert copy.pk != original.pk
    assert list(copy.carried_from.all()) == [ap]
    assert copy.sources.get().relation == StorySource.Relation.REPUBLISHES
    assert f"recognised as republication of story {original.pk} ({ap})" in out


# --- bad input: each reported with its reason, skipped, nothing written -----------------------


@pytest.mark.parametrize(
    ("name", "data", "meta", "message"),
    [
        ("empty.txt", b"", {"outlet": "ap-test", "headline": "H"}, "empty.txt is empty."),
        ("blank.txt", b"  \n\t\n", {"outlet": "ap-test", "headline": "H"}, "blank.txt has no text (only white space)."),
        (
            "photo.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            {"outlet": "ap-test", "headline": "H"},
            "photo.txt contains NUL bytes: it looks like a binary file, not a story.",
        ),
        (
            "latin1.txt",
            "Baku café".encode("latin-1"),
            {"outlet": "ap-test", "headline": "H"},
            "latin1.txt is not valid UTF-8 (byte 0xe9 at position 8); convert it to UTF-8 and import it again.",
        ),
        (
            "utf16.txt",
            "Baku said".encode("utf-16"),
            {"outlet": "ap-test", "headline": "H"},
            "utf16.txt is UTF-16 text; save it as UTF-8 and import it again.",
        ),
        (
            "nowhere.txt",
            b"Some text.",
            {"outlet": "nowhere", "headline": "H"},
            "unknown outlet 'nowhere'. Known outlets:",
        ),
        ("nooutlet.txt", b"Some text.", {"headline": "H"}, "no outlet given (set it in the sidecar or with --outlet)."),
        (
            "nohead.txt",
            b"Some text.",
            {"outlet": "ap-test"},
            "no headline given (set it in the sidecar or with --headline).",
        ),
        (
            "badurl.txt",
            b"Some text.",
            {"outlet": "ap-test", "headline": "H", "url": "not a url"},
            "'not a url' is not a valid http(s) URL.",
        ),
        (
            "baddate.txt",
            b"Some text.",
            {"outlet": "ap-test", "headline": "H", "published": "21 Oct 2020"},
            "published date '21 Oct 2020' is not YYYY-MM-DD, YYYY-MM or YYYY.",
        ),
        (
            "typo.txt",
            b"Some text.",
            {"outlet": "ap-test", "headlin": "H"},
            "unknown field 'headlin'",
        ),
        (
            "empty.html",
            b"<html><body><script>x()</script></body></html>",
            {"outlet": "ap-test", "headline": "H"},
            "empty.html is empty: HTML with no text in its body.",
        ),
    ],
)
def test_bad_file_is_reported_with_its_reason_and_nothing_is_written(tmp_path, ap, name, data, meta, message):
    path = write(tmp_path / name, data, meta)
    before = counts()

    out, err, error = run(str(path))

    assert error is not None
    assert message in err
    assert f"failed: {tmp_path}" in err
    assert counts() == before
    assert "0 new stories, 0 new revisions, 0 unchanged, 1 failed" in out


def test_file_over_the_size_limit_is_refused(tmp_path, ap, settings):
    settings.STORY_MAX_BYTES = 100
    path = write(tmp_path / "long.txt", "x" * 101, {"outlet": "ap-test", "headline": "H"})

    _, err, error = run(str(path))

    assert error is not None
    assert "long.txt is 101 bytes, over the limit of 100 bytes for one story." in err
    assert mine().count() == 0


@pytest.mark.parametrize(
    ("sidecar", "content", "message"),
    [
        (".meta.json", '{"outlet": "ap-test", "headline": }', "is not valid JSON (line 1, column 35"),
        (".meta.yaml", "outlet: ap-test\nheadline: [unclosed\n", "is not valid YAML (line 3, column 1)"),
        (".meta.json", '["ap-test"]', "must hold a mapping of fields"),
        (
            ".meta.json",
            '{"outlet": "ap-test", "headline": "H", "machine_translated": "yes"}',
            "machine_translated must be true or false",
        ),
    ],
)
def test_malformed_sidecar_is_reported_and_nothing_is_written(tmp_path, ap, sidecar, content, message):
    path = write(tmp_path / "story.txt", "Good text.")
    (tmp_path / ("story.txt" + sidecar)).write_text(content, encoding="utf-8")

    _, err, error = run(str(path))

    assert error is not None
    assert message in err
    assert mine().count() == 0


def test_path_that_does_not_exist_is_reported(tmp_path, ap):
    _, err, error = run(str(tmp_path / "missing.txt"), "--outlet", "ap-test", "--headline", "H")

    assert error is not None
    assert f"failed: {tmp_path / 'missing.txt'}: no such file." in err


def test_one_bad_file_does_not_stop_the_good_ones(tmp_path, ap):
    good = write(tmp_path / "good.txt", "Good text.", {"outlet": "ap-test", "headline": "Good"})
    bad = write(tmp_path / "bad.txt", b"\xff\xfe\x00", {"outlet": "ap-test", "headline": "Bad"})
    other = write(tmp_path / "other.txt", "Other text.", {"outlet": "ap-test", "headline": "Other"})

    out, err, error = run(str(good), str(bad), str(other))

    assert str(error) == "1 of 3 files failed; see the messages above."
    assert sorted(mine().values_list("headline", flat=True)) == ["Good", "Other"]
    assert "bad.txt" in err
    assert "2 new stories, 0 new revisions, 0 unchanged, 1 failed" in out


def _manage(*args: str) -> subprocess.CompletedProcess:
    """Run manage.py in a real process against the test database: the exit status as a shell sees it."""
    connection.ensure_connection()
    info = connection.connection.info  # psycopg's view of the live connection: host may be a socket dir
    password = quote(connection.settings_dict["PASSWORD"] or "", safe="")
    url = f"postgres://{quote(info.user, safe='')}:{password}@{quote(info.host, safe='')}:{info.port}/{info.dbname}"
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(  # noqa: S603
        [sys.executable, str(Path(django_settings.BASE_DIR) / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_exit_status_is_non_zero_when_a_file_failed_and_zero_otherwise(tmp_path):
    OutletFactory(key="ap-test", name="Associated Press (test)")
    good = write(tmp_path / "good.txt", "Good text.", {"outlet": "ap-test", "headline": "Good"})
    empty = write(tmp_path / "empty.txt", b"", {"outlet": "ap-test", "headline": "Empty"})

    failed = _manage("import_stories", str(good), str(empty))

    assert failed.returncode == 1, failed.stderr
    assert f"failed: {empty} is empty." in failed.stderr
    assert "1 new story, 0 new revisions, 0 unchanged, 1 failed" in failed.stdout

    succeeded = _manage("import_stories", str(good))

    assert succeeded.returncode == 0, succeeded.stderr
    assert "0 new stories, 0 new revisions, 1 unchanged, 0 failed" in succeeded.stdout


def test_import_records_the_user_in_created_by_and_history(tmp_path, ap):
    user = UserFactory(username="importer")
    path = write(tmp_path / "a.txt", "Text.", {"outlet": "ap-test", "headline": "H"})

    run(str(path), "--user", "importer")

    story = mine().get()
    assert story.created_by == user
    event = Events.objects.tracks(story).filter(pgh_label="insert").get()
    assert event.pgh_context["user"] == user.pk
    assert event.pgh_context["command"] == "import_stories"


def test_unknown_user_stops_before_importing_anything(tmp_path, ap):
    path = write(tmp_path / "a.txt", "Text.", {"outlet": "ap-test", "headline": "H"})

    _, _, error = run(str(path), "--user", "nobody")

    assert str(error) == "There is no user 'nobody'."
    assert mine().count() == 0


# --- the functions the browser upload calls ---------------------------------------------------


def test_read_story_file_raises_a_domain_error_naming_the_upload():
    with pytest.raises(DomainError, match=r"^upload\.txt is empty\.$"):
        read_story_file("upload.txt", b"")
    assert read_story_file("upload.txt", b"\xef\xbb\xbfLine\r\n").text == "Line\n"


def test_import_story_file_imports_an_upload_with_form_metadata(ap):
    meta = StoryMeta.from_mapping(
        {"outlet": "ap-test", "headline": "Uploaded", "published": "2020-10-21"}, source="form"
    )

    result = import_story_file(name="upload.html", data=HTML.encode(), meta=meta)

    assert result.outcome == "new story"
    assert result.story.headline == "Uploaded"
    assert result.revision.raw_html == HTML


@pytest.mark.parametrize(
    "html",
    [
        b"<html><head><title>Ganja hit again</title></head></html>",
        b"<!doctype html><title>Ganja hit again</title>",
        b"<html><head><title>A title</title><noscript>Enable scripts</noscript></head></html>",
        b"<html><body><p>&#8203;&nbsp;</p></body></html>",
        b"<html><head><title>Ganja</title></head><body>\n\n</body></html>",
    ],
)
def test_html_with_no_body_text_is_refused_like_an_empty_file(html):
    with pytest.raises(DomainError, match=r"^story\.html is empty: HTML with no text in its body\.$"):
        read_story_file("story.html", html)


def test_a_batch_mixes_new_stories_unchanged_texts_new_revisions_and_republication(tmp_path, ap, sabah):
    # each as the same files imported one at a time would be: the new stories are inserted together,
    # the rest (like a story in the desk or another file of the batch) one by one
    first = write(tmp_path / "a.txt", TEXT, {"outlet": "ap-test", "headline": "Original", "url": "https://x.example/a"})
    run(str(first))
    original = mine().get()
    folder = tmp_path / "batch"
    folder.mkdir()
    files = {
        "1-new.txt": ("First new story.", {"outlet": "ap-test", "headline": "New one", "url": "https://x.example/1"}),
        "2-same.txt": (TEXT, {"outlet": "ap-test", "headline": "Same text", "url": "https://x.example/other"}),
        "3-revised.txt": ("Revised text.", {"outlet": "ap-test", "headline": "Original", "url": "https://x.example/a"}),
        "4-copy.txt": (TEXT, {"outlet": "sabah-test", "headline": "Sabah runs AP"}),
        "5-twice.txt": ("Sent twice.", {"outlet": "ap-test", "headline": "Twice"}),
        "6-twice-again.txt": ("Sent twice.", {"outlet": "ap-test", "headline": "Twice again"}),
        "7-new.txt": ("Second new story.", {"outlet": "sabah-test", "headline": "New two"}),
        "8-unknown.txt": ("Unknown outlet.", {"outlet": "nobody", "headline": "Lost"}),
    }
    for name, (text, meta) in files.items():
        write(folder / name, text, meta)

    out, err, error = run(str(folder), "--batch", "5")

    assert str(error) == "1 of 8 files failed; see the messages above."
    assert "4 new stories, 1 new revision, 2 unchanged, 1 failed" in out
    assert f"unchanged: {folder / '2-same.txt'} (same text as story {original.pk}, revision 1)" in out
    assert f"new revision: {folder / '3-revised.txt'} -> story {original.pk} revision 2" in out
    copy = Story.objects.get(headline="Sabah runs AP")
    assert f"recognised as republication of story {original.pk} ({ap})" in out
    assert list(copy.carried_from.all()) == [ap]
    twice = Story.objects.get(headline="Twice")
    assert f"unchanged: {folder / '6-twice-again.txt'} (same text as story {twice.pk}, revision 1)" in out
    assert "8-unknown.txt: unknown outlet 'nobody'" in err
    new = Story.objects.get(headline="New one")
    assert (new.url, new.current_revision.body, new.current_revision.number) == (
        "https://x.example/1",
        "First new story.",
        1,
    )
    assert Story.objects.get(headline="New two").outlet == sabah
    assert sorted(mine().values_list("headline", flat=True)) == [
        "New one",
        "New two",
        "Original",
        "Sabah runs AP",
        "Twice",
    ]
    assert not Story.objects.filter(headline__in=["Same text", "Twice again", "Lost"]).exists()
    assert Events.objects.filter(pgh_obj_model="sources.Story", pgh_obj_id=str(new.pk)).exists()


def test_a_file_the_database_refuses_is_rolled_back_alone_and_the_rest_of_its_batch_imported(tmp_path, ap):
    # a rule only the database knows about, for the length of the test (its transaction is rolled back)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION test_refuse_headline() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.headline = 'Refused' THEN RAISE EXCEPTION 'no story may be called Refused'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_refuse_headline BEFORE INSERT ON sources_story
                FOR EACH ROW EXECUTE FUNCTION test_refuse_headline();
            """
        )
    for n, headline in enumerate(["Good", "Refused", "Also good"]):
        write(tmp_path / f"{n}.txt", f"Text {n}.", {"outlet": "ap-test", "headline": headline})

    out, err, error = run(str(tmp_path))

    assert str(error) == "1 of 3 files failed; see the messages above."
    assert f"failed: {tmp_path / '1.txt'}: the database refused it: no story may be called Refused" in err
    assert "2 new stories, 0 new revisions, 0 unchanged, 1 failed" in out
    assert sorted(mine().values_list("headline", flat=True)) == ["Also good", "Good"]
    assert not StoryRevision.objects.filter(body="Text 1.").exists()
