"""The claims list's items built from ``values()`` rows: the same JSON as ``ClaimSerializer`` gives
for the same claims (tests/claims/api/test_claim_list.py compares them), without a model instance
and a DRF field call per value.

A profile of the list at 100k claims put most of a page's time in DRF's per-field work for the 50
claims and their references (docs/performance.md, "The claims list without DRF's per-field cost").
The lean part of an item (the claim, its speaker, story, outlet, statement and disputes) is read
as rows, the disputes as an array in each claim's row (one query for the page), and assembled
here; the nested lists named by ``expand`` are rare and go through
``ClaimSerializer``'s own fields, fed by the audience's prefetches, so they cannot drift from the
detail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import JSONObject
from django.utils import timezone
from rest_framework import serializers

from claims.api.audience import Audience
from claims.api.serializers import ClaimSerializer, record_urls
from claims.models import Claim, Side, Statement

# the columns a lean item reads (``public_id`` by that name: the cursor pagination reads it)
ROW_FIELDS = (
    "pk",
    "public_id",
    "version",
    "quote",
    "revision__number",
    "start",
    "end",
    "prefix",
    "suffix",
    "mode",
    "status",
    "said_on",
    "is_published",
    "published_at",
    "withdrawn_at",
    "speaker_id",
    "speaker__public_id",
    "speaker__name",
    "story__public_id",
    "story__headline",
    "story__url",
    "story__outlet__public_id",
    "story__outlet__name",
    "story__published_on",
    "story__published_precision",
    "created_at",
    "updated_at",
)
# a placement as ``ClaimDisputeRefSerializer`` writes it, read in the claims' own query (an array
# per claim), not in a second query
PLACEMENT = JSONObject(
    public_id="dispute__public_id",
    title="dispute__title",
    kind="dispute__kind",
    stance="stance",
    blames_id="blames_id",
    blames_key="blames__key",
    blames_name="blames__name",
    blames_kind="blames__kind",
    version="version",
)
_date = serializers.DateField().to_representation


def _datetime_writer():
    """DRF's ``DateTimeField().to_representation`` (ISO 8601 in the current time zone, "Z" for
    UTC), with the time zone looked up once for a page rather than once per value."""
    zone = timezone.get_current_timezone() if settings.USE_TZ else None

    def write(value: datetime | None) -> str | None:
        if not value:
            return None
        text = (value.astimezone(zone) if zone is not None else value).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write


# the speaker's side and the statement as objects from subqueries rather than joins: with them
# joined, planning the page's query (seven tables) took 4 ms of its 6 ms in the database at 100k;
# with the subqueries (planned each on its own) 1 ms of 2 (docs/performance.md)
SPEAKER_SIDE = JSONObject(key="key", name="name", kind="kind")
STATEMENT = JSONObject(public_id="public_id", occasion="occasion", said_on="said_on", description="description")


def claim_list_rows(claims: QuerySet[Claim], audience: Audience) -> QuerySet:
    """The rows a page of the list is built from (paginate this, then ``claim_list_items``): each
    with its speaker's side, its statement and its visible placements (in the order the
    representation lists them) as JSON objects."""
    placements = audience.claim_placements().filter(claim_id=OuterRef("pk")).values(json=PLACEMENT)
    return claims.values(
        *ROW_FIELDS,
        placements=ArraySubquery(placements),
        side_object=Subquery(Side.objects.filter(pk=OuterRef("speaker__side_id")).values(json=SPEAKER_SIDE)),
        statement_object=Subquery(Statement.objects.filter(pk=OuterRef("statement_id")).values(json=STATEMENT)),
    )


def _side(pk: int | None, key: str, name: str, kind: str) -> dict[str, Any] | None:
    return None if pk is None else {"key": key, "name": name, "kind": kind}


def _reference(url: Callable[[str, Any], str], route: str, public_id: Any, **fields: Any) -> dict[str, Any]:
    """A nested record as the serializers' reference fields write it: its id, its API url, then
    ``fields``."""
    return {"id": str(public_id), "url": url(route, public_id), **fields}


def _disputes(placements: list[dict[str, Any]], url: Callable[[str, Any], str]) -> list[dict[str, Any]]:
    """A claim's placements (from ``PLACEMENT``) as ``ClaimDisputeRefSerializer`` writes them."""
    return [
        _reference(
            url,
            "api:dispute-detail",
            placed["public_id"],
            title=placed["title"],
            kind=placed["kind"],
            stance=placed["stance"],
            blames=_side(placed["blames_id"], placed["blames_key"], placed["blames_name"], placed["blames_kind"]),
            version=placed["version"],
        )
        for placed in placements
    ]


def _nested(audience: Audience, claim_ids: list[int], nested: frozenset[str], context: dict[str, Any]):
    """For the lists ``expand`` names: each claim's values from ``ClaimSerializer``'s own fields,
    read from the same prefetches as the detail (on stand-in claims holding only their key)."""
    if not nested:
        return lambda claim_id: {}
    stand_ins = {pk: Claim(pk=pk) for pk in claim_ids}
    prefetches = [p for p in audience.claim_prefetches(nested=nested) if p.to_attr != "shown_disputes"]  # read above
    prefetch_related_objects(list(stand_ins.values()), *prefetches)
    fields = ClaimSerializer(context={**context, "nested": nested}).fields
    wanted = [fields[name] for name in ClaimSerializer.Meta.fields if name in nested]

    def values(claim_id: int) -> dict[str, Any]:
        claim = stand_ins[claim_id]
        return {field.field_name: field.to_representation(field.get_attribute(claim)) for field in wanted}

    return values


def claim_list_items(
    rows: Iterable[dict[str, Any]], *, audience: Audience, nested: frozenset[str], context: dict[str, Any]
) -> list[dict[str, Any]]:
    """The list's items for ``rows`` (from ``claim_list_rows``), in their order."""
    rows = list(rows)
    url = record_urls(context.get("request"))
    _datetime = _datetime_writer()
    ids = [row["pk"] for row in rows]
    expanded = _nested(audience, ids, nested, context)
    items = []
    for row in rows:
        public_id = row["public_id"]
        extra = expanded(row["pk"])
        item: dict[str, Any] = {
            "id": str(public_id),
            "url": url("api:claim-detail", public_id),
            "public_url": url("public:claim", public_id),
            "version": row["version"],
            "quote": row["quote"],
            "anchor": {
                "revision": row["revision__number"],
                "start": row["start"],
                "end": row["end"],
                "prefix": row["prefix"],
                "suffix": row["suffix"],
            },
            "mode": row["mode"],
            "status": row["status"],
            "said_on": _date(row["said_on"]),
            "is_published": row["is_published"],
            "published_at": _datetime(row["published_at"]),
            "withdrawn": row["withdrawn_at"] is not None,
            "speaker": None,
        }
        if row["speaker_id"] is not None:
            item["speaker"] = _reference(
                url,
                "api:actor-detail",
                row["speaker__public_id"],
                name=row["speaker__name"],
                side=row["side_object"],
            )
        if "via" in extra:
            item["via"] = extra.pop("via")
        item["story"] = _reference(
            url,
            "api:story-detail",
            row["story__public_id"],
            headline=row["story__headline"],
            link=row["story__url"],
            outlet=_reference(
                url, "api:outlet-detail", row["story__outlet__public_id"], name=row["story__outlet__name"]
            ),
            published_on=_date(row["story__published_on"]),
            published_precision=row["story__published_precision"],
        )
        item["statement"] = None
        if (statement := row["statement_object"]) is not None:
            item["statement"] = _reference(
                url,
                "api:statement-detail",
                statement["public_id"],
                occasion=statement["occasion"],
                said_on=statement["said_on"],  # ISO 8601 from the database, as DRF writes a date
                description=statement["description"],
            )
        item["disputes"] = _disputes(row["placements"], url)
        item.update(extra)
        item["created_at"] = _datetime(row["created_at"])
        item["updated_at"] = _datetime(row["updated_at"])
        items.append(item)
    return items
