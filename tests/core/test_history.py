"""The one field diff every history view uses (core.history): what counts as a change, and what is
left out as bookkeeping."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from claims import services
from claims.models import Claim
from core.history import HISTORY_SKIP, FieldChange, event_changes, field_changes, fields_changed_since
from tests.factories import StoryFactory, UserFactory


def test_changed_columns_are_listed_in_column_order_with_before_and_after():
    before = {"status": "unverified", "said_on": None, "mode": "paraphrase"}
    after = {"status": "disputed", "said_on": "2020-10-21", "mode": "paraphrase"}

    assert field_changes(before, after) == [
        FieldChange("said_on", None, "2020-10-21"),
        FieldChange("status", "unverified", "disputed"),
    ]


def test_bookkeeping_columns_are_never_a_change():
    before = {name: 1 for name in HISTORY_SKIP} | {"quote": "a"}
    after = {name: 2 for name in HISTORY_SKIP} | {"quote": "b"}

    assert [change.column for change in field_changes(before, after)] == ["quote"]
    assert {"version", "updated_at", "search_vector", "id", "public_id", "prefix", "suffix"} <= HISTORY_SKIP


def test_a_new_row_lists_only_the_columns_holding_a_value():
    data = {
        "quote": "13 killed",
        "speaker_id": None,
        "said_on": "",
        "is_published": False,
        "evidence": [],
        "version": 1,
    }

    assert field_changes(None, data) == [FieldChange("quote", None, "13 killed")]


def test_an_update_event_gives_its_diff_and_an_insert_its_values():
    update = SimpleNamespace(
        pgh_label="update",
        pgh_diff={"status": ["unverified", "false"], "version": [1, 2], "updated_at": ["t1", "t2"]},
        pgh_data={},
    )
    insert = SimpleNamespace(pgh_label="insert", pgh_diff=None, pgh_data={"status": "unverified", "id": 7})

    assert event_changes(update) == [FieldChange("status", "unverified", "false")]
    assert event_changes(insert) == [FieldChange("status", None, "unverified")]


@pytest.mark.django_db
def test_fields_changed_since_a_version_are_named_from_history():
    claim = services.claim_log(story=StoryFactory(), author=None, quote="13 civilians were killed")
    opened = Claim.objects.get(pk=claim.pk)
    services.claim_update(claim=claim, expected_version=1, author=UserFactory(), status="disputed")
    claim.refresh_from_db()

    changed = fields_changed_since(opened, 1, claim, ["mode", "status", "said_on", "version", "updated_at", "nope"])

    assert changed == ["Status"]
