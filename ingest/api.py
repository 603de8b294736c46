"""``POST /api/v1/ingest/stories/``: agencies and partner desks push stories with an ingest key.

Ingest keys (``Authorization: Ingest-Key <key>``) are not partners' read keys: a read key cannot
push, an ingest key reads nothing. A push is idempotent on (outlet, URL or agency id, text): the
same push again answers 200 with what the first did (201) and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import path
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import authentication, exceptions, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_api_key.permissions import KeyParser

from core.errors import DomainError
from ingest.models import IngestKey
from ingest.services import story_push
from sources.importers import parse_published
from sources.models import Outlet, Story


class IngestKeyParser(KeyParser):
    keyword = "Ingest-Key"


class Agency:
    """The principal behind an ingest key: it may push stories, and nothing else."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    is_anonymous = False
    pk = None

    def __init__(self, key: IngestKey) -> None:
        self.key = key

    def get_username(self) -> str:
        return f"ingest:{self.key.prefix}"

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return False


class IngestKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Ingest-Key"
    key_parser = IngestKeyParser()

    def authenticate(self, request: Request) -> tuple[Agency, IngestKey] | None:
        key = self.key_parser.get(request)
        if key is None:
            return None
        key = key.strip()
        if not key or len(key) > 200 or "\x00" in key:
            raise exceptions.AuthenticationFailed("Malformed ingest key.")
        try:
            ingest_key = IngestKey.objects.get_from_key(key)
        except IngestKey.DoesNotExist:
            raise exceptions.AuthenticationFailed("Unknown, revoked or expired ingest key.") from None
        return Agency(ingest_key), ingest_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class HasIngestKey(permissions.BasePermission):
    message = "Send an ingest key: Authorization: Ingest-Key <key>."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, IngestKey)


class IngestKeyScheme(OpenApiAuthenticationExtension):
    target_class = "ingest.api.IngestKeyAuthentication"
    name = "IngestKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An ingest key, sent as `Authorization: Ingest-Key <key>`. Pushes stories only.",
        }


def _max(field: str) -> int:
    return Story._meta.get_field(field).max_length


class StoryPushSerializer(serializers.Serializer):
    outlet = serializers.SlugField(max_length=80, help_text="The outlet's key, e.g. `anadolu`.")
    headline = serializers.CharField(max_length=_max("headline"))
    text = serializers.CharField(
        max_length=settings.STORY_MAX_BYTES, trim_whitespace=False, help_text="The story's text, kept exactly."
    )
    url = serializers.CharField(max_length=_max("url"), required=False, default="", allow_blank=True)
    agency_id = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True, help_text="The agency's own id for the story."
    )
    published = serializers.CharField(
        max_length=10, required=False, default="", allow_blank=True, help_text="YYYY-MM-DD, YYYY-MM or YYYY."
    )
    byline = serializers.CharField(max_length=_max("byline"), required=False, default="", allow_blank=True)
    dateline = serializers.CharField(max_length=_max("dateline"), required=False, default="", allow_blank=True)
    language = serializers.CharField(max_length=_max("language"), required=False, default="en")
    translated_from = serializers.CharField(
        max_length=_max("translated_from"), required=False, default="", allow_blank=True
    )
    machine_translated = serializers.BooleanField(required=False, default=False)

    def validate_outlet(self, value: str) -> Outlet:
        outlet = Outlet.objects.filter(key=value).first()
        if outlet is None:
            raise serializers.ValidationError(f"No outlet has the key {value!r}.")
        return outlet

    def validate(self, data: dict) -> dict:
        published = data.pop("published", "")
        data["published_on"], data["published_precision"] = None, Story.Precision.DAY
        if published:
            try:
                data["published_on"], data["published_precision"] = parse_published(published, source="published")
            except DomainError as error:
                raise serializers.ValidationError({"published": error.message}) from error
        return data


class StoryPushedSerializer(serializers.Serializer):
    story = serializers.UUIDField(help_text="The story's public id.")
    revision = serializers.IntegerField(help_text="The revision number the text is (1 for a new story).")
    outcome = serializers.ChoiceField(choices=["new story", "new revision", "unchanged"])
    repeated = serializers.BooleanField(help_text="True when this exact push was received before.")


class StoryPushView(APIView):
    authentication_classes = [IngestKeyAuthentication]
    permission_classes = [HasIngestKey]
    throttle_classes: list = []

    @extend_schema(
        operation_id="ingest_story_push",
        tags=["ingest"],
        request=StoryPushSerializer,
        responses={
            201: StoryPushedSerializer,
            200: OpenApiResponse(StoryPushedSerializer, description="The same push was received before."),
        },
        auth=[{"IngestKey": []}],
    )
    def post(self, request: Request) -> Response:
        """Push one story (a new one, or a new revision of the story at the same URL or agency id)."""
        incoming = StoryPushSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            result = story_push(key=request.auth, **incoming.validated_data)
        except DomainError as error:
            raise serializers.ValidationError({error.field or "non_field_errors": [error.message]}) from error
        push = result.push
        body = StoryPushedSerializer(
            {
                "story": push.story.public_id,
                "revision": push.revision.number,
                "outcome": push.outcome,
                "repeated": result.repeated,
            }
        ).data
        created = not result.repeated and push.outcome != "unchanged"
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


urlpatterns = [path("ingest/stories/", StoryPushView.as_view(), name="ingest-story-push")]
