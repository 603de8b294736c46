"""The partner change feed: every change to what partners can see, after a cursor, in commit-safe order.

Rows of ``partners.Change`` are served ordered by (txid, id), and only rows whose transaction id
is below ``pg_snapshot_xmin(pg_current_snapshot())``: every transaction with a smaller id has
finished, so no row can ever appear behind a cursor already handed out. A transaction that
started early and commits late holds back everything after it until it commits (or aborts),
instead of being skipped, which a timestamp or a plain serial id would do.

Whether a change is an upsert or a tombstone is decided here, from what is visible now; what is
not visible now is a tombstone only if it was visible once (``partners.Exposure``), so nothing
that was never published is ever mentioned. Changes are collapsed to one entry per resource per
page, in the order of each resource's latest change.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from django.db import connection, models

from claims import visibility
from claims.models import Actor, Claim, Dispute, Review, Statement
from partners.models import Change, Exposure
from sources.models import Outlet, Story

MAX_LIMIT = 1000
DEFAULT_LIMIT = 200
MAX_MERGE_CHAIN = 50
_XID8_MAX = 2**64 - 1
_ID_MAX = 2**63 - 1


class InvalidCursor(ValueError):
    """The cursor was not one this feed handed out."""


@dataclass(frozen=True, order=True)
class Position:
    """A place in the feed: the (transaction id, row id) of the last change served."""

    txid: int
    id: int

    def encode(self) -> str:
        raw = f"v1:{self.txid}:{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> Position:
        if not cursor or len(cursor) > 100:
            raise InvalidCursor("The cursor is empty or too long.")
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
            version, txid, row_id = raw.split(":")
            position = cls(int(txid), int(row_id))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise InvalidCursor("The cursor is not one this feed handed out.") from None
        if version != "v1" or not (0 <= position.txid <= _XID8_MAX and 0 <= position.id <= _ID_MAX):
            raise InvalidCursor("The cursor is not one this feed handed out.")
        return position


START = Position(0, 0)


@dataclass(frozen=True)
class Resource:
    """How the feed finds a resource type's visible records and names survivors of merges."""

    model: type[models.Model]
    visible: Callable[[], models.QuerySet]
    merges: bool = False


RESOURCES: dict[str, Resource] = {
    Change.Resource.DISPUTE: Resource(Dispute, visibility.disputes, merges=True),
    Change.Resource.CLAIM: Resource(Claim, visibility.claims),
    Change.Resource.REVIEW: Resource(Review, visibility.reviews),
    Change.Resource.STATEMENT: Resource(Statement, visibility.statements),
    Change.Resource.ACTOR: Resource(Actor, visibility.actors, merges=True),
    Change.Resource.STORY: Resource(Story, visibility.stories),
    Change.Resource.OUTLET: Resource(Outlet, visibility.outlets),
}


@dataclass(frozen=True)
class Entry:
    resource: str
    public_id: UUID
    action: str  # "upsert" | "tombstone"
    merged_into: UUID | None = None


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    position: Position
    has_more: bool


# The transaction id is read back as text, under another name: ORDER BY resolves a bare name to an
# output column first, so with the text column named "txid" rows sorted as text, '1000' before
# '999', and a page ending past the power of ten skipped the rest for good. Ordering by the
# qualified column keeps the xid8 order, which the (txid, id) index serves.
_READ_ROWS = """
    SELECT c.txid::text AS txid_text, c.id, c.resource, c.public_id
      FROM partners_change c
     WHERE c.txid < pg_snapshot_xmin(pg_current_snapshot())
       AND (c.txid, c.id) > (%s::text::xid8, %s)
  ORDER BY c.txid, c.id
     LIMIT %s
"""

_READ_HEAD = """
    SELECT c.txid::text AS txid_text, c.id
      FROM partners_change c
     WHERE c.txid < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY c.txid DESC, c.id DESC
     LIMIT 1
"""


def head() -> Position:
    """The position after the last change that can be served now."""
    with connection.cursor() as cursor:
        cursor.execute(_READ_HEAD)
        row = cursor.fetchone()
    return Position(int(row[0]), row[1]) if row else START


def _survivors(model: type[models.Model], public_ids: set[UUID]) -> dict[UUID, UUID]:
    """For merged records among ``public_ids``: the public id of the record they now live on."""
    merged = dict(
        model._default_manager.filter(public_id__in=public_ids, merged_into__isnull=False).values_list(
            "public_id", "merged_into_id"
        )
    )
    if not merged:
        return {}
    # follow merges of merges, one query per step
    parent: dict[int, tuple[UUID, int | None]] = {}
    frontier = set(merged.values())
    for _ in range(MAX_MERGE_CHAIN):
        frontier -= parent.keys()
        if not frontier:
            break
        rows = model._default_manager.filter(pk__in=frontier).values_list("pk", "public_id", "merged_into_id")
        for pk, public_id, merged_into_id in rows:
            parent[pk] = (public_id, merged_into_id)
        frontier = {m for _, m in parent.values() if m is not None}
    result = {}
    for public_id, pk in merged.items():
        steps = 0
        while pk in parent and parent[pk][1] is not None and steps < MAX_MERGE_CHAIN:
            pk = parent[pk][1]
            steps += 1
        survivor = parent.get(pk, (None, None))[0]
        if survivor is not None:
            result[public_id] = survivor
    return result


def _visible_survivors(resource: Resource, candidates: set[UUID]) -> dict[UUID, UUID]:
    """Merged records among ``candidates`` whose survivor is visible (a hidden one is never named)."""
    if not resource.merges or not candidates:
        return {}
    merged = _survivors(resource.model, candidates)
    if not merged:
        return {}
    visible = set(resource.visible().filter(public_id__in=set(merged.values())).values_list("public_id", flat=True))
    return {duplicate: survivor for duplicate, survivor in merged.items() if survivor in visible}


_RECORD_EXPOSURES = """
    INSERT INTO partners_exposure (resource, public_id)
    SELECT * FROM unnest(%s::varchar[], %s::uuid[])
        ON CONFLICT (resource, public_id) DO NOTHING
"""


def _record_exposures(seen: list[tuple[str, UUID]]) -> None:
    """Record ``seen`` (resource, public id) as exposed, in one statement (``first_seen_at`` by its
    database default): a page's 200 ``Exposure`` instances through ``bulk_create`` took a third of
    the feed's time and a transaction of three round trips."""
    resources, public_ids = zip(*seen, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(_RECORD_EXPOSURES, [list(resources), list(public_ids)])


def read(after: Position = START, *, limit: int = DEFAULT_LIMIT) -> Page:
    """Up to ``limit`` changes after ``after``, collapsed per resource, with the position to continue from."""
    limit = max(1, min(limit, MAX_LIMIT))
    with connection.cursor() as cursor:
        cursor.execute(_READ_ROWS, [str(after.txid), after.id, limit + 1])
        rows = cursor.fetchall()
    has_more = len(rows) > limit
    rows = rows[:limit]
    if not rows:
        return Page([], after, has_more=False)
    last = rows[-1]
    position = Position(int(last[0]), last[1])

    latest: dict[tuple[str, UUID], int] = {}
    for index, (_txid, _id, resource, public_id) in enumerate(rows):
        latest[(resource, public_id)] = index
    by_type: dict[str, set[UUID]] = {}
    for resource, public_id in latest:
        by_type.setdefault(resource, set()).add(public_id)

    actions: dict[tuple[str, UUID], Entry] = {}
    newly_seen: list[tuple[str, UUID]] = []
    for name, public_ids in by_type.items():
        resource = RESOURCES.get(name)
        if resource is None:
            continue
        visible = set(
            resource.visible().filter(public_id__in=public_ids).order_by().values_list("public_id", flat=True)
        )
        hidden = public_ids - visible
        exposed = (
            set(
                Exposure.objects.filter(resource=name, public_id__in=hidden)
                .order_by()
                .values_list("public_id", flat=True)
            )
            if hidden
            else set()
        )
        survivors = _visible_survivors(resource, exposed)
        for public_id in visible:
            actions[(name, public_id)] = Entry(name, public_id, "upsert")
            newly_seen.append((name, public_id))
        for public_id in exposed:
            actions[(name, public_id)] = Entry(name, public_id, "tombstone", survivors.get(public_id))
    if newly_seen:
        # what a partner was shown may later become a tombstone, even if the commit-time
        # trigger missed it (two transactions each making the other's change visible)
        _record_exposures(newly_seen)
    entries = [actions[key] for key in sorted(latest, key=latest.__getitem__) if key in actions]
    return Page(entries, position, has_more)
