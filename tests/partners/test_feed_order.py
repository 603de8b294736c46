"""The change feed serves every change exactly once, in transaction order, whatever the ids' digits.

PostgreSQL's transaction counter is advanced for real (a loop of small committed transactions) so
that changes fall on both sides of a power of ten: '10000' sorts before '9999' as text, which is
how the feed used to skip rows for good. The property test interleaves writers (transactions
that start early and commit late, or roll back) with paged reads.

Transactional tests: the feed serves only changes of finished transactions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import psycopg
import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claims import services
from claims.models import Dispute
from partners import feed
from partners.models import Change
from tests.factories import DisputeFactory, StoryFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

STORY_TEXT = (
    "The ministry said 13 civilians were killed in the strike. "
    "The other side denied firing at all, calling the report baseless. "
    "A regional official said 40 houses were damaged. "
    "Observers said the shelling went on through the night."
)


def next_txid() -> int:
    """The id the next transaction to write will get (reading it assigns none)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text")
        return int(cursor.fetchone()[0])


def advance_txid_to(target: int) -> None:
    """Commit small transactions until the next transaction id is ``target``."""
    count = target - next_txid()
    assert count >= 0, f"the transaction counter is already past {target}"
    with connection.cursor() as cursor:
        # one statement, a COMMIT per id (allowed in a DO block run outside a transaction): crosses
        # 10^5 in well under a second
        cursor.execute(f"DO $$ BEGIN FOR i IN 1..{count} LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$")


def next_power_of_ten(above: int) -> int:
    return 10 ** len(str(above))


def last_change() -> feed.Position:
    row = Change.objects.order_by("-txid", "-id").values_list("txid", "id").first()
    return feed.Position(*row) if row else feed.START


def changes_after(position: feed.Position) -> list[feed.Position]:
    """Every change row after ``position``, in (transaction id, row id) order, read by the ORM."""
    rows = Change.objects.filter(txid__gte=position.txid).order_by("txid", "id").values_list("txid", "id")
    return [feed.Position(txid, row_id) for txid, row_id in rows if (txid, row_id) > (position.txid, position.id)]


def page_through(after: feed.Position, limit: int) -> tuple[list[feed.Entry], list[feed.Position]]:
    """Every page after ``after``: the entries, and the position each page ended at."""
    entries: list[feed.Entry] = []
    positions: list[feed.Position] = []
    while True:
        page = feed.read(after, limit=limit)
        entries.extend(page.entries)
        if page.position != after:
            positions.append(page.position)
        after = page.position
        if not page.has_more:
            return entries, positions


def test_changes_on_both_sides_of_a_power_of_ten_arrive_once_in_order_with_the_tombstone():
    editor = UserFactory(username="feed-boundary-editor")
    story = StoryFactory(body=STORY_TEXT)
    dispute, other_dispute = DisputeFactory(), DisputeFactory()
    withdrawn, edited, figured = (
        services.claim_log(
            story=story, author=editor, quote=quote, disputes=[services.DisputeLink(dispute)], publish=True
        )
        for quote in ("13 civilians were killed", "40 houses were damaged", "the shelling went on")
    )
    # the partner is up to date
    cursor = last_change()

    boundary = next_power_of_ten(next_txid() + 10)
    advance_txid_to(boundary - 3)
    # three transactions before the boundary, four after it; each its own commit
    with transaction.atomic():
        services.claim_withdraw(claim=withdrawn, expected_version=withdrawn.version, user=editor, reason="misread")
    with transaction.atomic():
        services.dispute_update(dispute=other_dispute, expected_version=other_dispute.version, summary="Before.")
    with transaction.atomic():
        services.claim_update(claim=edited, expected_version=edited.version, author=editor, status="disputed")
    with transaction.atomic():
        services.figure_add(claim=figured, figure=services.FigureInput(measure="killed", value=3))
    with transaction.atomic():
        dispute.refresh_from_db()
        services.dispute_update(dispute=dispute, expected_version=dispute.version, summary="After.")
    with transaction.atomic():
        edited.refresh_from_db()
        services.claim_update(claim=edited, expected_version=edited.version, author=editor, status="false")
    with transaction.atomic():
        other_dispute.refresh_from_db()
        services.dispute_update(dispute=other_dispute, expected_version=other_dispute.version, summary="After too.")

    expected = changes_after(cursor)
    assert expected[0].txid < boundary <= expected[-1].txid
    tombstone_row = Change.objects.get(public_id=withdrawn.public_id, txid__gt=cursor.txid)
    assert tombstone_row.txid < boundary < expected[-1].txid, "the withdrawal is logged before the boundary"

    # one row a page: every row, once, in order
    _, positions = page_through(cursor, limit=1)
    assert positions == expected

    # a partner with a small page limit gets every change, the withdrawal as a tombstone
    entries, positions = page_through(cursor, limit=2)
    assert positions[-1] == expected[-1]
    latest = {(entry.resource, entry.public_id): entry.action for entry in entries}
    assert latest[("claim", withdrawn.public_id)] == "tombstone"
    for claim in (edited, figured):
        assert latest[("claim", claim.public_id)] == "upsert"
    for each in (dispute, other_dispute):
        assert latest[("dispute", each.public_id)] == "upsert"

    # the head is the true last position: nothing after it, nothing before it left out
    assert feed.head() == expected[-1]
    assert feed.read(feed.head(), limit=2).entries == []


# --- any interleaving of writers and paged reads ------------------------------------------------
WRITERS = 2
POOL = 80  # disputes, more than an example writes: each write changes one not yet changed


@dataclass
class Writer:
    """A connection of its own, so its transaction can stay open across the partner's reads."""

    connection: psycopg.Connection
    pending: list[tuple[int, int, uuid.UUID]] = field(default_factory=list)  # (txid, row id, dispute)
    open: bool = False

    def begin(self) -> None:
        if not self.open:
            self.connection.execute("SELECT pg_current_xact_id()")  # started, with its id taken
            self.open = True

    def change(self, dispute: Dispute) -> None:
        self.open = True
        self.connection.execute(
            "UPDATE claims_dispute SET summary = %s WHERE id = %s", [f"edit {uuid.uuid4()}", dispute.pk]
        )
        row = self.connection.execute(
            "SELECT txid::text, id FROM partners_change WHERE txid = pg_current_xact_id() AND public_id = %s",
            [dispute.public_id],
        ).fetchone()
        self.pending.append((int(row[0]), row[1], dispute.public_id))

    def commit(self) -> list[tuple[int, int, uuid.UUID]]:
        self.connection.commit()
        done, self.pending, self.open = self.pending, [], False
        return done

    def abort(self) -> None:
        self.connection.rollback()
        self.pending, self.open = [], False


@pytest.fixture
def interleaving():
    """Published disputes to change, writers, and a transaction counter just below a power of
    ten, so that the first examples cross it."""
    pool = [DisputeFactory(title=f"Pooled question {n}?") for n in range(POOL)]
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    writers = [Writer(psycopg.connect(**params)) for _ in range(WRITERS)]
    advance_txid_to(next_power_of_ten(next_txid() + 10) - 3)
    yield pool, writers
    for writer in writers:
        writer.connection.close()


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("begin"), st.integers(0, WRITERS - 1)),
        st.tuples(st.just("write"), st.integers(0, WRITERS - 1), st.integers(1, 3)),
        st.tuples(st.just("commit"), st.integers(0, WRITERS - 1)),
        st.tuples(st.just("abort"), st.integers(0, WRITERS - 1)),
        st.tuples(st.just("burn"), st.integers(1, 40)),
        st.tuples(st.just("read"), st.integers(1, 4)),
    ),
    max_size=25,
)


@settings(
    max_examples=100,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS, limit=st.integers(1, 4))
# the first example runs with the counter 3 below a power of ten: six commits straddle it
@example(ops=[("write", 0, 1), ("commit", 0)] * 6 + [("read", 2)], limit=2)
def test_any_interleaving_of_writes_and_paged_reads_serves_every_change_once_in_order(interleaving, ops, limit):
    pool, writers = interleaving
    start = feed.head()
    unused = iter(pool)
    committed: list[tuple[int, int, uuid.UUID]] = []
    served: list[uuid.UUID] = []
    position = start

    def read(page_limit: int) -> feed.Page:
        nonlocal position
        page = feed.read(position, limit=page_limit)
        assert page.position >= position
        assert all(entry.resource == "dispute" and entry.action == "upsert" for entry in page.entries)
        served.extend(entry.public_id for entry in page.entries)
        position = page.position
        return page

    for op, *args in ops:
        if op == "begin":
            writers[args[0]].begin()
        elif op == "write":
            for _ in range(args[1]):
                writers[args[0]].change(next(unused))
        elif op == "commit":
            committed.extend(writers[args[0]].commit())
        elif op == "abort":
            writers[args[0]].abort()
        elif op == "burn":
            advance_txid_to(next_txid() + args[0])
        else:
            read(args[0])
    for writer in writers:
        committed.extend(writer.commit())
    while read(limit).has_more:
        pass

    # every committed change exactly once, in (transaction id, row id) order; nothing rolled back
    assert served == [public_id for _, _, public_id in sorted(committed)]
    if committed:
        last = max(committed)
        assert position == feed.Position(last[0], last[1])
    assert feed.head() == position
