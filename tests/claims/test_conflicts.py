"""The three-way comparison behind a claim's edit conflicts (claims.conflicts): pure functions of
the values when opened (base), now (current) and in the editor's form (mine)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from claims.conflicts import changed_fields, conflict_rows, merge_edits, values_of

BASE = {"mode": "paraphrase", "speaker": 1, "said_on": None, "statement": None, "status": "unverified"}
ALL = ("mode", "speaker", "said_on", "statement", "status")


def test_values_are_read_by_field_with_records_as_ids():
    claim = SimpleNamespace(mode="verbatim", speaker_id=3, said_on=None, statement_id=None, status="false")

    assert values_of(claim) == {"mode": "verbatim", "speaker": 3, "said_on": None, "statement": None, "status": "false"}


def test_changed_fields_keep_the_order_asked_for():
    after = {**BASE, "status": "false", "mode": "verbatim"}

    assert changed_fields(BASE, after) == ["mode", "status"]
    assert changed_fields(BASE, after, ["status", "mode"]) == ["status", "mode"]


def test_merge_applies_my_changes_over_theirs_and_keeps_theirs_elsewhere():
    current = {**BASE, "status": "verified"}  # they changed the status
    mine = {**BASE, "said_on": date(2020, 10, 20)}  # I changed the date

    merged = merge_edits(base=BASE, current=current, mine=mine, fields=ALL)

    assert merged.values == {**BASE, "status": "verified", "said_on": date(2020, 10, 20)}
    assert merged.both_changed == []


def test_merge_names_the_fields_both_changed_to_different_values_and_mine_wins():
    current = {**BASE, "status": "verified", "mode": "verbatim"}
    mine = {**BASE, "status": "false", "mode": "verbatim"}  # same mode as theirs: no clash there

    merged = merge_edits(base=BASE, current=current, mine=mine, fields=ALL)

    assert merged.values["status"] == "false"
    assert merged.both_changed == ["status"]


def test_merge_leaves_out_fields_the_editor_may_not_change():
    mine = {**BASE, "status": "false", "said_on": date(2020, 1, 1)}

    merged = merge_edits(base=BASE, current=BASE, mine=mine, fields=["status"])

    assert merged.values == {**BASE, "status": "false"}


def test_conflict_rows_say_what_changed_since_and_what_i_changed():
    current = {**BASE, "status": "verified"}
    mine = {**BASE, "said_on": date(2020, 10, 20)}

    rows = conflict_rows(base=BASE, current=current, mine=mine, labels=lambda v: {k: str(x) for k, x in v.items()})

    by_name = {row.name: row for row in rows}
    assert [row.name for row in rows] == ["mode", "speaker", "said on", "statement", "status"]
    assert (by_name["status"].opened, by_name["status"].now, by_name["status"].changed_since) == (
        "unverified",
        "verified",
        True,
    )
    assert by_name["said on"].you_changed and not by_name["said on"].changed_since
    assert not any(row.you_changed for row in rows if row.name != "said on")


def test_without_the_opened_version_the_current_values_stand_in():
    rows = conflict_rows(base=None, current=BASE, mine=BASE, labels=lambda v: {k: str(x) for k, x in v.items()})

    assert not any(row.changed_since or row.you_changed for row in rows)
