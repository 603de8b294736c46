"""The change feed orders its rows by transaction id as a number, never as text.

Transaction ids grow past each power of ten (999 -> 1000, 9,999,999 -> 10,000,000). Read as text,
"1000" sorts before "999": a page spanning the boundary would hand out a cursor past rows it never
served, and those changes would be skipped for ever. The soak found this (scripts/soak.py): its
seed data was written by transactions numbered in the hundreds, the load in the thousands.
"""

from __future__ import annotations

import pytest

from claims.models import Claim
from partners import feed
from partners.models import Change

pytestmark = pytest.mark.django_db


def logged(txid: int, claim: Claim) -> Change:
    """A change-log row as a finished transaction numbered ``txid`` would have left it."""
    return Change.objects.create(txid=txid, resource=Change.Resource.CLAIM, public_id=claim.public_id)


def test_rows_across_a_power_of_ten_are_served_in_numeric_order_and_none_is_skipped(seeded):
    first, second = Claim.objects.visible().order_by("id")[:2]
    nine, ten = logged(9, first), logged(10, second)

    page = feed.read(feed.START, limit=1)
    assert page.position == feed.Position(9, nine.id)
    assert [entry.public_id for entry in page.entries] == [first.public_id]

    page = feed.read(page.position, limit=1)
    assert page.position == feed.Position(10, ten.id)
    assert [entry.public_id for entry in page.entries] == [second.public_id]


def test_head_is_the_numerically_last_row(seeded):
    first, second = Claim.objects.visible().order_by("id")[:2]
    Change.objects.all().delete()  # rolled back with the test
    logged(9, first)
    ten = logged(10, second)
    assert feed.head() == feed.Position(10, ten.id)
