"""The claims list's items built from ``values()`` rows: the same JSON as ``ClaimSerializer`` gives
for the same claims (tests/claims/api/test_claim_list.py compares them), without a model instance
and a DRF field call per value.

A profile of the list at 100k claims put most of a page's time in DRF's per-field work for the 50
claims and their references (docs/performance.md, "The claims list without DRF's per-field cost").
The lean part of an item (the claim, its speaker, story, outlet, statement and disputes) is read
as rows and assembled here; the nested lists named by ``expand`` are rare and go through
``ClaimSerializer``'s own fields, fed by the audience's prefetches, so they cannot drift from the
detail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from rest_framework import serializers

from claims.api.audience import Audience
from claims.api.serializers import ClaimSerializer, record_url
from claims.models import Claim

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
    "speaker__side_id",
    "speaker__side__key",
    "speaker__side__name",
    "speaker__side__kind",
    "story__public_id",
    "story__headline",
    "story__url",
    "story__outlet__public_id",
    "story__outlet__name",
    "story__published_on",
    "story__published_precision",
    "statement_id",
    "statement__public_id",
    "statement__occasion",
    "statement__said_on",
    "statement__description",
    "created_at",
    "updated_at",
)
PLACEMENT_FIELDS = (
    "claim_id",
    "dispute__public_id",
    "dispute__title",
    "dispute__kind",
    "stance",
    "blames_id",
    "blames__key",
    "blames__name",
    "blames__kind",
    "version",
)
# DRF's own conversions, so dates and times read exactly as the serializers write them
_date = serializers.DateField().to_representation
_datetime = serializers.DateTimeField().to_representation


def claim_list_rows(claims: QuerySet[Claim]) -> QuerySet:
    """The rows a page of the list is built from (paginate this, then ``claim_list_items``)."""
    return claims.values(*ROW_FIELDS)


def _side(pk: int | None, key: str, name: str, kind: str) -> dict[str, Any] | None:
    return None if pk is None else {"key": key, "name": name, "kind": kind}


def _reference(request: Any, route: str, public_id: Any, **fields: Any) -> dict[str, Any]:
    """A nested record as the serializers' reference fields write it: its id, its API url, then
    ``fields``."""
    return {"id": str(public_id), "url": record_url(request, route, public_id), **fields}


def _disputes(audience: Audience, claim_ids: list[int], request: Any) -> dict[int, list[dict[str, Any]]]:
    """Each claim's visible placements, as ``ClaimDisputeRefSerializer`` writes them: one query."""
    placed: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = audience.claim_placements().filter(claim_id__in=claim_ids).values_list(*PLACEMENT_FIELDS)
    for claim_id, public_id, title, kind, stance, blames_id, key, name, side_kind, version in rows:
        placed[claim_id].append(
            _reference(
                request,
                "api:dispute-detail",
                public_id,
                title=title,
                kind=kind,
                stance=stance,
                blames=_side(blames_id, key, name, side_kind),
                version=version,
            )
        )
    return placed


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
    request = context.get("request")
    ids = [row["pk"] for row in rows]
    disputes = _disputes(audience, ids, request)
    expanded = _nested(audience, ids, nested, context)
    items = []
    for row in rows:
        public_id = row["public_id"]
        extra = expanded(row["pk"])
        item: dict[str, Any] = {
            "id": str(public_id),
            "url": record_url(request, "api:claim-detail", public_id),
            "public_url": record_url(request, "public:claim", public_id),
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
                request,
                "api:actor-detail",
                row["speaker__public_id"],
                name=row["speaker__name"],
                side=_side(
                    row["speaker__side_id"],
                    row["speaker__side__key"],
                    row["speaker__side__name"],
                    row["speaker__side__kind"],
                ),
            )
        if "via" in extra:
            item["via"] = extra.pop("via")
        item["story"] = _reference(
            request,
            "api:story-detail",
            row["story__public_id"],
            headline=row["story__headline"],
            link=row["story__url"],
            outlet=_reference(
                request, "api:outlet-detail", row["story__outlet__public_id"], name=row["story__outlet__name"]
            ),
            published_on=_date(row["story__published_on"]),
            published_precision=row["story__published_precision"],
        )
        item["statement"] = None
        if row["statement_id"] is not None:
            item["statement"] = _reference(
                request,
                "api:statement-detail",
                row["statement__public_id"],
                occasion=row["statement__occasion"],
                said_on=_date(row["statement__said_on"]),
                description=row["statement__description"],
            )
        item["disputes"] = disputes.get(row["pk"], [])
        item.update(extra)
        item["created_at"] = _datetime(row["created_at"])
        item["updated_at"] = _datetime(row["updated_at"])
        items.append(item)
    return items
