"""Filters for the API's lists (django-filter): by dispute, kind, side, speaker, outlet, status, dates
and ``q`` full-text search (PostgreSQL websearch syntax: "quoted phrases", or, -excluded)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError

from claims.api.audience import Audience
from claims.models import Actor, Annotation, Claim, ClaimDispute, Dispute, Review, Statement
from claims.ratings import Rating
from claims.search import claims_matching, speakers_named
from core.search import search_query

MAX_QUERY_LENGTH = 200


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 date-time, compared in UTC (PostgreSQL refuses offsets past ±15:59)."""

    def filter(self, qs: QuerySet, value: datetime | None) -> QuerySet:
        if value is None:
            return qs
        try:
            value = value.astimezone(UTC)
        except OverflowError:
            raise ValidationError({"non_field_errors": ["A date-time filter is out of range."]}) from None
        return super().filter(qs, value)


class FullTextFilter(filters.CharFilter):
    """``q``: full-text search over the resource's search vector."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        kwargs.setdefault("help_text", 'Full-text search (websearch syntax: words, "a phrase", or, -word).')
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value or not value.strip():
            return qs
        return qs.filter(search_vector=search_query(value))


class ClaimFullTextFilter(FullTextFilter):
    """``q`` on claims: the desk's search (claims/search.py), so the same words, a speaker's names
    and aliases, and a corrected misspelt name find the same claims, of those the reader may see."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value or not value.strip():
            return qs
        return claims_matching(qs, value)


class ActorFullTextFilter(FullTextFilter):
    """``q`` on actors: their name and description, or any alias."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if not value or not value.strip():
            return qs
        return qs.filter(Q(search_vector=search_query(value)) | Q(pk__in=speakers_named(value)))


class ClaimFilter(filters.FilterSet):
    dispute = filters.UUIDFilter(method="filter_dispute", help_text="Claims in this dispute.")
    dispute_kind = filters.ChoiceFilter(
        method="filter_dispute_kind", choices=Dispute.Kind.choices, help_text="Claims in disputes of this kind."
    )
    side = filters.CharFilter(field_name="speaker__side__key", max_length=80, help_text="The speaker's side (its key).")
    speaker = filters.UUIDFilter(field_name="speaker__public_id")
    outlet = filters.UUIDFilter(field_name="story__outlet__public_id", help_text="The outlet that published the story.")
    story = filters.UUIDFilter(field_name="story__public_id")
    statement = filters.UUIDFilter(field_name="statement__public_id")
    status = filters.ChoiceFilter(choices=Claim.Status.choices)
    mode = filters.ChoiceFilter(choices=Claim.Mode.choices)
    said_after = filters.DateFilter(field_name="said_on", lookup_expr="gte", help_text="Said on or after (YYYY-MM-DD).")
    said_before = filters.DateFilter(field_name="said_on", lookup_expr="lte", help_text="Said on or before.")
    published_after = filters.DateFilter(
        field_name="story__published_on", lookup_expr="gte", help_text="Story published on or after."
    )
    published_before = filters.DateFilter(
        field_name="story__published_on", lookup_expr="lte", help_text="Story published on or before."
    )
    q = ClaimFullTextFilter(
        help_text='Full-text search (websearch syntax: words, "a phrase", or, -word); a speaker\'s name or alias '
        "finds their claims."
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def _in_disputes(self, qs: QuerySet, **lookup) -> QuerySet:
        # only disputes the reader may see count: a hidden one must not reveal its claims by filtering
        disputes = Audience.of(self.request).disputes().filter(**lookup)
        return qs.filter(Exists(ClaimDispute.objects.filter(claim=OuterRef("pk"), dispute__in=disputes)))

    def filter_dispute(self, qs: QuerySet, name: str, value) -> QuerySet:
        return self._in_disputes(qs, public_id=value)

    def filter_dispute_kind(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return self._in_disputes(qs, kind=value)


class DisputeFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Dispute.Kind.choices)
    status = filters.ChoiceFilter(choices=Dispute.Status.choices)
    side = filters.CharFilter(
        method="filter_side", max_length=80, help_text="Has a claim by a speaker of this side (key)."
    )
    speaker = filters.UUIDFilter(method="filter_speaker", help_text="Has a claim by this speaker.")
    outlet = filters.UUIDFilter(method="filter_outlet", help_text="Has a claim in a story of this outlet.")
    event_after = filters.DateFilter(field_name="event_end", lookup_expr="gte", help_text="Event ends on or after.")
    event_before = filters.DateFilter(
        field_name="event_start", lookup_expr="lte", help_text="Event starts on or before."
    )
    published_after = UtcDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = UtcDateTimeFilter(field_name="published_at", lookup_expr="lte")
    q = FullTextFilter()

    class Meta:
        model = Dispute
        fields: list[str] = []

    def _with_claim(self, qs: QuerySet, **lookup) -> QuerySet:
        # only claims the reader may see count: a hidden claim must not reveal itself by filtering
        claims = Audience.of(self.request).claims().filter(**lookup)
        return qs.filter(Exists(ClaimDispute.objects.filter(dispute=OuterRef("pk"), claim__in=claims)))

    def filter_side(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return self._with_claim(qs, speaker__side__key=value)

    def filter_speaker(self, qs: QuerySet, name: str, value) -> QuerySet:
        return self._with_claim(qs, speaker__public_id=value)

    def filter_outlet(self, qs: QuerySet, name: str, value) -> QuerySet:
        return self._with_claim(qs, story__outlet__public_id=value)


class StatementFilter(filters.FilterSet):
    speaker = filters.UUIDFilter(field_name="speaker__public_id")
    occasion = filters.ChoiceFilter(choices=Statement.Occasion.choices)
    said_after = filters.DateFilter(field_name="said_on", lookup_expr="gte")
    said_before = filters.DateFilter(field_name="said_on", lookup_expr="lte")

    class Meta:
        model = Statement
        fields: list[str] = []


class ActorFilter(filters.FilterSet):
    side = filters.CharFilter(field_name="side__key", max_length=80, help_text="The side's key.")
    kind = filters.ChoiceFilter(choices=Actor.Kind.choices)
    q = ActorFullTextFilter()

    class Meta:
        model = Actor
        fields: list[str] = []


class ReviewFilter(filters.FilterSet):
    claim = filters.UUIDFilter(field_name="claim__public_id")
    dispute = filters.UUIDFilter(method="filter_dispute", help_text="Reviews of claims in this dispute.")
    rating = filters.ChoiceFilter(choices=Rating.choices)
    published_after = UtcDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = UtcDateTimeFilter(field_name="published_at", lookup_expr="lte")

    class Meta:
        model = Review
        fields: list[str] = []

    def filter_dispute(self, qs: QuerySet, name: str, value) -> QuerySet:
        disputes = Audience.of(self.request).disputes().filter(public_id=value)
        return qs.filter(Exists(ClaimDispute.objects.filter(claim=OuterRef("claim_id"), dispute__in=disputes)))


class AnnotationFilter(filters.FilterSet):
    claim = filters.UUIDFilter(field_name="claim__public_id")
    dispute = filters.UUIDFilter(field_name="dispute__public_id")

    class Meta:
        model = Annotation
        fields: list[str] = []
