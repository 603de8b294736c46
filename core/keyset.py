"""Keyset (cursor) pagination for the desk's long HTML lists.

A page is the next ``per_page`` rows after (or before) the last row seen, found with one row
comparison ``(k1, k2, ...) < (v1, v2, ...)`` that a B-tree index over the same keys answers
directly, so page 10,000 costs what page 1 does and no ``COUNT`` runs. Give every list one
fixed ordering whose last key is unique (the primary key), all keys in the same direction and
none NULL (wrap a nullable column in ``Coalesce`` and index that expression), and an index whose
columns are those keys in that order.

The cursor is signed (``django.core.signing``), so a cursor the desk did not hand out, or one
for another list, is refused (``BadCursor``: the view answers 400), never silently read as the
first page. It carries only the key values of one row.

    KEYS = (Key("newest", Coalesce("published_on", Value(date.min)), date.fromisoformat), Key("id", F("id"), int))
    page = keyset_page(request, Story.objects.all(), keys=KEYS, per_page=50, salt="stories")
    page.items, page.next_url, page.previous_url, page.first_url
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core import signing
from django.db import models
from django.db.models import Func, QuerySet, Value
from django.db.models.expressions import Combinable
from django.http import HttpRequest

CURSOR_PARAM = "cursor"
CURSOR_MAX_LENGTH = 1000


class BadCursor(ValueError):
    """A cursor this list did not hand out (tampered, truncated, from another list)."""


@dataclass(frozen=True)
class Key:
    """One sort key: a name (the annotation), its expression, and how a stored value is read back."""

    name: str
    expression: Combinable
    parse: Callable[[Any], Any]


class _Row(Func):
    """``ROW(a, b, ...)``, compared element by element in SQL (PostgreSQL row comparison)."""

    function = "ROW"
    output_field = models.Field()


def _dump(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def parse_datetime_value(raw: Any) -> datetime:
    return datetime.fromisoformat(str(raw))


def parse_date_value(raw: Any) -> date:
    return date.fromisoformat(str(raw))


@dataclass
class KeysetPage:
    """One page of rows, with links to the next and previous pages and back to the first."""

    items: list
    next_url: str | None = None
    previous_url: str | None = None
    first_url: str | None = None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_url or self.previous_url)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _encode(salt: str, direction: str, values: Sequence[Any]) -> str:
    return signing.dumps([direction, [_dump(v) for v in values]], salt=f"keyset:{salt}", compress=True)


def decode_cursor(raw: str | None, *, keys: Sequence[Key], salt: str) -> tuple[str, list[Any]] | None:
    """(direction, key values) from a cursor, None when there is none; ``BadCursor`` when it is not
    one this list handed out."""
    if raw is None or raw == "":
        return None
    if len(raw) > CURSOR_MAX_LENGTH or not raw.isascii():
        raise BadCursor("That page link is not one this list handed out.")
    try:
        direction, values = signing.loads(raw, salt=f"keyset:{salt}")
        if direction not in ("after", "before") or len(values) != len(keys):
            raise ValueError
        return direction, [key.parse(value) for key, value in zip(keys, values, strict=True)]
    except (signing.BadSignature, ValueError, TypeError, OverflowError) as error:
        raise BadCursor("That page link is not one this list handed out.") from error


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    keys: Sequence[Key],
    per_page: int,
    salt: str,
    descending: bool = True,
    param: str = CURSOR_PARAM,
) -> KeysetPage:
    """The page of ``queryset`` the request's ``?cursor=`` points at (the first without one).

    ``salt`` names the list, so one list's cursor is refused by another. Links keep the rest of
    the query string (an htmx page asks for a fragment with its target, not a parameter). Raises
    ``BadCursor`` for a cursor not handed out.
    """
    cursor = decode_cursor(request.GET.get(param), keys=keys, salt=salt)
    names = [key.name for key in keys]
    qs = queryset.alias(**{key.name: key.expression for key in keys})
    backwards = cursor is not None and cursor[0] == "before"
    forward_order = [models.F(name).desc() if descending else models.F(name).asc() for name in names]
    backward_order = [models.F(name).asc() if descending else models.F(name).desc() for name in names]
    if cursor is not None:
        row = _Row(*[models.F(name) for name in names])
        bound = _Row(*[Value(value) for value in cursor[1]])
        after = "lt" if descending else "gt"
        before = "gt" if descending else "lt"
        qs = qs.alias(_keyset_row=row).filter(**{f"_keyset_row__{before if backwards else after}": bound})
    qs = qs.order_by(*(backward_order if backwards else forward_order))
    # the key values travel with each row, for the cursors
    qs = qs.annotate(**{f"_keyset_{name}": models.F(name) for name in names})
    rows = list(qs[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    has_next = (more and not backwards) or backwards
    has_previous = cursor is not None and (not backwards or more)

    def values_of(row: Any) -> list[Any]:
        return [getattr(row, f"_keyset_{name}") for name in names]

    def link(direction: str | None, row: Any = None) -> str:
        values = values_of(row) if direction is not None else None
        return page_link(request, values, salt=salt, param=param, direction=direction or "after")

    page = KeysetPage(items=rows)
    if rows and has_next:
        page.next_url = link("after", rows[-1])
    if rows and has_previous:
        page.previous_url = link("before", rows[0])
    if cursor is not None:
        page.first_url = link(None)
    return page


def page_link(
    request: HttpRequest,
    values: Sequence[Any] | None,
    *,
    salt: str,
    param: str = CURSOR_PARAM,
    direction: str = "after",
    extra: dict[str, str] | None = None,
) -> str:
    """The current URL pointing at the page after (or before) the row whose key values are
    ``values`` (None: the first page), the rest of the query string kept and ``extra`` added.
    ``keyset_page`` builds its links with it; a view whose first rows were read another way (the
    dispute page reads the first cards of every column in one windowed query) builds the link to
    the next page with it."""
    query = request.GET.copy()
    query.pop(param, None)
    if values is not None:
        query[param] = _encode(salt, direction, values)
    if extra:
        query.update(extra)
    encoded = query.urlencode()
    return "?" + encoded if encoded else "?"
