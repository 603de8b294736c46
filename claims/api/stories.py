"""Outlets and stories in the API: read-only, and for partners only those shown through published claims."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view

from claims.api.filters import FullTextFilter
from claims.api.story_serializers import OutletSerializer, StorySerializer
from claims.api.views import ReadViewSet
from sources.models import Outlet, Story, StorySource


class OutletFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Outlet.Kind.choices)
    country = filters.CharFilter(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    state_affiliated = filters.BooleanFilter()

    class Meta:
        model = Outlet
        fields: list[str] = []


class StoryFilter(filters.FilterSet):
    outlet = filters.UUIDFilter(field_name="outlet__public_id")
    language = filters.CharFilter(max_length=10)
    published_after = filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = filters.DateFilter(field_name="published_on", lookup_expr="lte")
    q = FullTextFilter()

    class Meta:
        model = Story
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="Outlets", description="Outlets of stories with published claims."),
    retrieve=extend_schema(summary="An outlet"),
)
class OutletViewSet(ReadViewSet):
    serializer_class = OutletSerializer
    filterset_class = OutletFilter

    def get_queryset(self) -> QuerySet[Outlet]:
        return self.audience.outlets()


@extend_schema_view(
    list=extend_schema(summary="Stories", description="Stories with published claims; text only where licensed."),
    retrieve=extend_schema(summary="A story"),
)
class StoryViewSet(ReadViewSet):
    serializer_class = StorySerializer
    filterset_class = StoryFilter

    def get_queryset(self) -> QuerySet[Story]:
        audience = self.audience
        return (
            audience.stories()
            .select_related("outlet", "current_revision")
            .prefetch_related(
                Prefetch(
                    "sources",
                    queryset=StorySource.objects.select_related("outlet").order_by("story_id", "id"),
                    to_attr="shown_sources",
                ),
                Prefetch(
                    "claims", queryset=audience.claims().order_by("story_id", "start", "id"), to_attr="shown_claims"
                ),
            )
        )
