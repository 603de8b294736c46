"""Outlets and stories as partners see them. A story's text only where its outlet's licence allows
redistribution; otherwise its metadata, the quoted words of its published claims and the link."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.api.serializers import ApiUrlField, ClaimRefSerializer, OutletRefSerializer
from sources.models import Outlet, Story, StorySource


class OutletSerializer(serializers.ModelSerializer):
    """Who published a story, and what its licence lets us pass on."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("outlet")

    class Meta:
        model = Outlet
        fields = [
            "id",
            "url",
            "version",
            "key",
            "name",
            "kind",
            "country",
            "state_affiliated",
            "homepage",
            "licence",
            "licence_note",
        ]
        read_only_fields = fields


class CarriedFromSerializer(serializers.ModelSerializer):
    outlet = OutletRefSerializer(read_only=True)

    class Meta:
        model = StorySource
        fields = ["outlet", "relation"]


class StoryClaimSerializer(ClaimRefSerializer):
    start = serializers.IntegerField(read_only=True)
    end = serializers.IntegerField(read_only=True)

    class Meta(ClaimRefSerializer.Meta):
        fields = ["id", "url", "quote", "start", "end"]


class StorySerializer(serializers.ModelSerializer):
    """A story's metadata, the claims logged from it, and its text when the licence allows."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    url = ApiUrlField("story")
    link = serializers.CharField(source="url", read_only=True, help_text="The story on the outlet's site.")
    outlet = OutletRefSerializer(read_only=True)
    carried_from = CarriedFromSerializer(source="shown_sources", many=True, read_only=True)
    revision = serializers.SerializerMethodField(help_text="Number of the current revision of the text.")
    body = serializers.SerializerMethodField(
        help_text="The text of the current revision; null when the outlet's licence does not allow passing it on."
    )
    claims = StoryClaimSerializer(source="shown_claims", many=True, read_only=True)

    class Meta:
        model = Story
        fields = [
            "id",
            "url",
            "version",
            "headline",
            "link",
            "outlet",
            "byline",
            "dateline",
            "published_on",
            "published_precision",
            "language",
            "translated_from",
            "machine_translated",
            "carried_from",
            "revision",
            "body",
            "claims",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_revision(self, story: Story) -> int | None:
        return story.current_revision.number if story.current_revision_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body(self, story: Story) -> Any:
        if story.current_revision_id is None or not story.outlet.allows_full_text:
            return None
        return story.current_revision.body
