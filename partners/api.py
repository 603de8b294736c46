"""The change feed in the API: /api/v1/changes/ (and /api/v1/changes/head/)."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.serializers import record_urls
from core.api.conditional import ConditionalMixin
from partners import feed
from partners.models import Change


class ChangeQuerySerializer(serializers.Serializer):
    cursor = serializers.CharField(
        required=False,
        max_length=100,
        help_text="The cursor from your last page; leave it out to read the feed from the start.",
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=feed.MAX_LIMIT,
        default=feed.DEFAULT_LIMIT,
        help_text="How many change-log rows to read (entries are collapsed per resource, so fewer may come).",
    )

    def validate_cursor(self, value: str) -> feed.Position:
        try:
            return feed.Position.decode(value)
        except feed.InvalidCursor as error:
            raise serializers.ValidationError(str(error)) from None


class ChangeSerializer(serializers.Serializer):
    resource = serializers.ChoiceField(choices=Change.Resource.choices)
    id = serializers.UUIDField(source="public_id")
    action = serializers.ChoiceField(
        choices=[("upsert", "upsert"), ("tombstone", "tombstone")],
        help_text="upsert: fetch `url` and store it; tombstone: it left the published set, remove it.",
    )
    url = serializers.SerializerMethodField()
    merged_into = serializers.UUIDField(
        allow_null=True, help_text="For a tombstone of a merged dispute or actor: the survivor's id."
    )

    def get_url(self, entry: feed.Entry) -> str:
        path = reverse(f"api:{entry.resource}-detail", args=[entry.public_id])
        return self.context["request"].build_absolute_uri(path)


def change_items(entries: list[feed.Entry], request: Request) -> list[dict[str, Any]]:
    """``entries`` as ``ChangeSerializer`` writes them (the test of the feed compares them), built
    directly: DRF's fields and a ``reverse`` per entry were half of a page's time."""
    url = record_urls(request)
    return [
        {
            "resource": entry.resource,
            "id": str(entry.public_id),
            "action": entry.action,
            "url": url(f"api:{entry.resource}-detail", entry.public_id),
            "merged_into": None if entry.merged_into is None else str(entry.merged_into),
        }
        for entry in entries
    ]


class ChangePageSerializer(serializers.Serializer):
    changes = ChangeSerializer(many=True)
    cursor = serializers.CharField(help_text="Pass this as `cursor` next time.")
    has_more = serializers.BooleanField(help_text="More changes are waiting: ask again at once.")


class HeadSerializer(serializers.Serializer):
    cursor = serializers.CharField(help_text="The feed's current end: start polling here after a full pull.")


@extend_validation_errors(
    ["invalid", "max_length", "blank", "null_characters_not_allowed", "surrogate_characters_not_allowed"],
    field_name="cursor",
)
@extend_validation_errors(["invalid", "min_value", "max_value", "max_string_length"], field_name="limit")
class ChangeFeedView(ConditionalMixin, APIView):
    """Every change to what partners can see, in an order that never skips a late commit."""

    @extend_schema(
        operation_id="v1_changes_list",
        summary="Changes after a cursor",
        parameters=[ChangeQuerySerializer],
        responses={200: ChangePageSerializer},
        description=(
            "Each entry names a resource that changed since your cursor: `upsert` (fetch it) or `tombstone` "
            "(it is no longer published: remove it). Entries are collapsed to the latest per resource. "
            "Store `cursor` and pass it next time; while `has_more` is true, ask again at once."
        ),
    )
    def get(self, request: Request) -> Response:
        query = ChangeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        after = query.validated_data.get("cursor", feed.START)
        page = feed.read(after, limit=query.validated_data["limit"])
        data: dict[str, Any] = {
            "changes": change_items(page.entries, request),
            "cursor": page.position.encode(),
            "has_more": page.has_more,
        }
        return Response(data)


class ChangeFeedHeadView(ConditionalMixin, APIView):
    """The feed's current end."""

    @extend_schema(operation_id="v1_changes_head", summary="The feed's current end", responses={200: HeadSerializer})
    def get(self, request: Request) -> Response:
        """Take this before a full pull of the lists, then poll the feed from it: nothing falls in between."""
        return Response({"cursor": feed.head().encode()})


urlpatterns = [
    path("changes/", ChangeFeedView.as_view(), name="change-list"),
    path("changes/head/", ChangeFeedHeadView.as_view(), name="change-head"),
]
