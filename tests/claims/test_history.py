"""The claim page's history entries (claims.history): built from pghistory events and the names
of what they point at, without reading the database."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from claims.history import NO_USER, UNKNOWN_USER, Names, history_entries, wanted_names

WHEN = datetime(2020, 10, 21, 12, 0, tzinfo=UTC)


def event(model: str, label: str, *, data=None, diff=None, user=None, pgh_id=1):
    return SimpleNamespace(
        pgh_model=f"claims.{model}Event",
        pgh_label=label,
        pgh_data=data or {},
        pgh_diff=diff,
        pgh_context={"user": user} if user is not None else None,
        pgh_created_at=WHEN,
        pgh_id=pgh_id,
    )


def test_an_update_shows_each_changed_field_by_name_with_references_named():
    update = event(
        "Claim",
        "update",
        data={"version": 2},
        diff={"speaker_id": [None, 5], "status": ["unverified", "disputed"], "version": [1, 2]},
        user=3,
    )
    names = Names(records={("speaker", 5): "Nikol Pashinyan"}, users={3: "editor"})

    [entry] = history_entries([update], names, current_version=2)

    assert (entry.what, entry.label, entry.user, entry.version) == ("Claim", "update", "editor", 2)
    assert [(c.name, c.before, c.after) for c in entry.changes] == [
        ("Speaker", "—", "Nikol Pashinyan"),
        ("Status", "Unverified", "Disputed"),
    ]
    assert entry.restorable_event is None  # the current version


def test_an_earlier_version_of_the_claim_can_be_restored_but_other_records_cannot():
    old = event("Claim", "update", data={"version": 2}, diff={"status": ["unverified", "false"]}, pgh_id=11)
    figure = event("Figure", "insert", data={"value": 13, "measure": "killed", "claim_id": 4}, pgh_id=12)

    claim_entry, figure_entry = history_entries([old, figure], Names(), current_version=3)

    assert claim_entry.restorable_event == 11
    assert figure_entry.restorable_event is None


def test_an_insert_lists_what_was_set_and_leaves_out_bookkeeping():
    insert = event(
        "ClaimDispute",
        "insert",
        data={"dispute_id": 9, "stance": "denies", "blames_id": None, "id": 1, "created_at": "2020-10-21"},
    )

    [entry] = history_entries([insert], Names(records={("dispute", 9): "Who fired first?"}), current_version=1)

    assert entry.what == "Place in a dispute"
    assert [(c.name, c.before, c.after) for c in entry.changes] == [
        ("Dispute", "", "Who fired first?"),
        ("Stance", "", "Denies"),
    ]


def test_a_changed_place_in_a_dispute_names_its_dispute():
    update = event(
        "ClaimDispute",
        "update",
        data={"dispute_id": 9, "stance": "denies", "blames_id": 2, "version": 2},
        diff={"stance": ["asserts", "denies"], "blames_id": [None, 2], "version": [1, 2]},
        user=3,
    )
    records, users = wanted_names([update])
    assert records == {"dispute": {9}, "blames": {2}} and users == {3}
    names = Names(records={("dispute", 9): "Who fired first?", ("blames", 2): "Armenia"}, users={3: "editor"})

    [entry] = history_entries([update], names, current_version=1)

    assert (entry.what, entry.action, entry.summary) == ("Place in a dispute", "changed", "Who fired first?")
    assert [(c.name, c.before, c.after) for c in entry.changes] == [
        ("Blames", "—", "Armenia"),
        ("Stance", "Asserts", "Denies"),
    ]


def test_text_changes_come_with_a_word_diff_and_unknown_records_with_their_number():
    update = event("Annotation", "update", diff={"body": ["Check the toll", "Checked the toll"], "author_id": [1, 2]})

    [entry] = history_entries([update], Names(), current_version=1)

    author, body = entry.changes
    assert (author.before, author.after) == ("user #1", "user #2")
    assert body.diff is not None and author.diff is None
    assert entry.what == "Note"


@pytest.mark.parametrize(("context", "shown"), [(None, NO_USER), (8, UNKNOWN_USER)])
def test_who_made_a_change_when_no_user_name_is_known(context, shown):
    [entry] = history_entries([event("Claim", "insert", user=context)], Names(), current_version=1)

    assert entry.user == shown


def test_the_names_wanted_are_those_the_entries_show():
    events = [
        event("Claim", "update", diff={"speaker_id": [4, 5], "version": [1, 2]}, user=3),
        event("Review", "insert", data={"reviewer_id": 6, "claim_id": 2, "rating": "false"}),
    ]

    records, users = wanted_names(events)

    assert records == {"speaker": {4, 5}, "claim": {2}}
    assert users == {3, 6}


def test_a_figure_reads_in_words_with_labels_and_no_internal_columns():
    insert = event(
        "Figure",
        "insert",
        data={
            "id": 4,
            "value": 1700,
            "measure": "houses_damaged",
            "qualifier": "over",
            "counted": "buildings",
            "whose_id": 2,
            "scope_id": None,
            "tally": "total",
            "as_of": "2020-10-21",
            "low": 1701,
            "high": None,
            "claim_id": 9,
            "version": 1,
        },
        pgh_id=20,
    )
    update = event(
        "Figure",
        "update",
        data={
            "id": 4,
            "value": 1800,
            "measure": "houses_damaged",
            "qualifier": "over",
            "counted": "buildings",
            "tally": "total",
            "version": 2,
            "claim_id": 9,
        },
        diff={"value": [1700, 1800], "low": [1701, 1801], "as_of": ["2020-10-21", "2020-10-22"], "version": [1, 2]},
        pgh_id=21,
    )
    names = Names(records={("whose", 2): "Azerbaijan"})

    changed, added = history_entries([update, insert], names, current_version=1, figure_versions={4: 2})

    assert added.summary == "over 1,700 houses damaged buildings (Azerbaijan), as of 21 Oct 2020"
    assert (added.what, added.action, added.changes) == ("Figure", "added", [])
    assert [(c.name, c.before, c.after) for c in changed.changes] == [
        ("As of", "21 Oct 2020", "22 Oct 2020"),
        ("Value", "1,700", "1,800"),
    ]
    assert (added.figure_event, added.figure_version) == (20, 2)  # an earlier version: restorable
    assert changed.figure_event is None  # the current one


def test_a_removed_figure_is_restorable_against_the_version_it_was_removed_at():
    figure = {"id": 4, "measure": "killed", "qualifier": "exact", "counted": "unspecified", "tally": "total"}
    deleted = event("Figure", "delete", data={**figure, "value": 7, "version": 3}, pgh_id=31)
    older = event("Figure", "insert", data={**figure, "value": 6, "version": 1}, pgh_id=30)

    removed, first = history_entries([deleted, older], Names(), current_version=1, figure_versions={4: None})

    assert removed.action == "removed" and removed.summary == "exactly 7 killed"
    assert (removed.figure_event, removed.figure_version) == (31, 3)
    assert (first.figure_event, first.figure_version) == (30, 3)
