"""Input serializers for the desk's write API. They validate shapes and look records up by public id;
the rules themselves live in the services (claims.services, claims.reviewing), called by the views."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.models import Actor, Claim, ClaimDispute, Dispute, Figure, Review, Scope, Side, Statement
from claims.ratings import Rating
from claims.reviewing import MAX_RETURN_COMMENT
from sources.models import Outlet, Story

MAX_INT = 2**31 - 1


@extend_schema_field(OpenApiTypes.UUID)
class PublicIdField(serializers.RelatedField):
    """A record named by its public id (a UUID); anything else is a 400 naming the field."""

    default_error_messages = {
        "invalid": "Not a valid id (a UUID).",
        "does_not_exist": "No record with id {value}.",
    }

    def __init__(self, queryset: QuerySet, **kwargs: Any):
        super().__init__(queryset=queryset, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        try:
            public_id = uuid.UUID(str(data))
        except (TypeError, ValueError, AttributeError):
            self.fail("invalid")
        try:
            return self.get_queryset().get(public_id=public_id)
        except self.get_queryset().model.DoesNotExist:
            self.fail("does_not_exist", value=public_id)

    def to_representation(self, value: Any) -> str:
        return str(value.public_id)


class SideKeyField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any):
        super().__init__(slug_field="key", queryset=Side.objects.all(), **kwargs)


class ScopeKeyField(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any):
        super().__init__(slug_field="key", queryset=Scope.objects.all(), **kwargs)


class FigureInputSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=Figure.Measure.choices)
    value = serializers.IntegerField(min_value=0, max_value=MAX_INT)
    qualifier = serializers.ChoiceField(choices=Figure.Qualifier.choices, default=Figure.Qualifier.EXACT)
    counted = serializers.ChoiceField(choices=Figure.Counted.choices, default=Figure.Counted.UNSPECIFIED)
    whose = SideKeyField(required=False, allow_null=True, default=None, help_text="The side's key.")
    scope = ScopeKeyField(required=False, allow_null=True, default=None, help_text="The scope's key.")
    tally = serializers.ChoiceField(choices=Figure.Tally.choices, default=Figure.Tally.TOTAL)
    raw = serializers.CharField(max_length=300, allow_blank=True, default="")
    as_of = serializers.DateField(required=False, allow_null=True, default=None)


class PlacementUpdateSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=ClaimDispute.Stance.choices, required=False)
    blames = SideKeyField(required=False, allow_null=True, help_text="The side's key; null for none.")


class ScopeCreateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=300, help_text="The event, or the period and place.")
    kind = serializers.ChoiceField(choices=Scope.Kind.choices, default=Scope.Kind.PERIOD)
    place = serializers.CharField(max_length=300, allow_blank=True, default="")
    start = serializers.DateField(required=False, allow_null=True, default=None)
    end = serializers.DateField(required=False, allow_null=True, default=None)


class DisputeLinkInputSerializer(serializers.Serializer):
    dispute = PublicIdField(queryset=Dispute.objects.active())
    stance = serializers.ChoiceField(choices=ClaimDispute.Stance.choices, default=ClaimDispute.Stance.ASSERTS)
    blames = SideKeyField(required=False, allow_null=True, default=None)


class ClaimCreateSerializer(serializers.Serializer):
    story = PublicIdField(queryset=Story.objects.all())
    quote = serializers.CharField(max_length=5000, trim_whitespace=False, help_text="The exact words in the story.")
    occurrence = serializers.IntegerField(
        min_value=1,
        max_value=10_000,
        required=False,
        allow_null=True,
        default=None,
        help_text="Which occurrence, when the words appear more than once.",
    )
    prefix = serializers.CharField(max_length=64, allow_blank=True, trim_whitespace=False, default="")
    suffix = serializers.CharField(max_length=64, allow_blank=True, trim_whitespace=False, default="")
    start_hint = serializers.IntegerField(
        min_value=0,
        max_value=MAX_INT,
        required=False,
        allow_null=True,
        default=None,
        help_text="A client's offset for the quote: only a hint, the server finds the words itself.",
    )
    mode = serializers.ChoiceField(choices=Claim.Mode.choices, default=Claim.Mode.PARAPHRASE)
    speaker = PublicIdField(queryset=Actor.objects.active(), required=False, allow_null=True, default=None)
    said_on = serializers.DateField(required=False, allow_null=True, default=None)
    statement = PublicIdField(queryset=Statement.objects.all(), required=False, allow_null=True, default=None)
    via = serializers.ListField(
        child=PublicIdField(queryset=Outlet.objects.all()),
        max_length=10,
        default=list,
        help_text="Intermediary outlets, nearest the speaker first.",
    )
    disputes = DisputeLinkInputSerializer(many=True, default=list, max_length=20)
    figures = FigureInputSerializer(many=True, default=list, max_length=20)
    status = serializers.ChoiceField(choices=Claim.Status.choices, default=Claim.Status.UNVERIFIED)
    publish = serializers.BooleanField(default=False)


class ClaimUpdateSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=Claim.Mode.choices, required=False)
    speaker = PublicIdField(queryset=Actor.objects.active(), required=False, allow_null=True)
    said_on = serializers.DateField(required=False, allow_null=True)
    statement = PublicIdField(queryset=Statement.objects.all(), required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)


class PublishSerializer(serializers.Serializer):
    publish = serializers.BooleanField(default=True, help_text="false unpublishes.")


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why the claim is withdrawn (logged in error...).")


class DisputeCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Dispute.Kind.choices)
    status = serializers.ChoiceField(choices=Dispute.Status.choices, default=Dispute.Status.OPEN)
    summary = serializers.CharField(max_length=5000, allow_blank=True, default="")
    place = serializers.CharField(max_length=300, allow_blank=True, default="")
    event_start = serializers.DateField(required=False, allow_null=True, default=None)
    event_end = serializers.DateField(required=False, allow_null=True, default=None)
    publish = serializers.BooleanField(default=False)


class DisputeUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False)
    kind = serializers.ChoiceField(choices=Dispute.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=Dispute.Status.choices, required=False)
    summary = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    place = serializers.CharField(max_length=300, allow_blank=True, required=False)
    event_start = serializers.DateField(required=False, allow_null=True)
    event_end = serializers.DateField(required=False, allow_null=True)


class StatementCreateSerializer(serializers.Serializer):
    speaker = PublicIdField(queryset=Actor.objects.active())
    occasion = serializers.ChoiceField(choices=Statement.Occasion.choices, default=Statement.Occasion.OTHER)
    said_on = serializers.DateField(required=False, allow_null=True, default=None)
    description = serializers.CharField(max_length=500, allow_blank=True, default="")
    responds_to = PublicIdField(queryset=Statement.objects.all(), required=False, allow_null=True, default=None)


class StatementUpdateSerializer(serializers.Serializer):
    occasion = serializers.ChoiceField(choices=Statement.Occasion.choices, required=False)
    said_on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(max_length=500, allow_blank=True, required=False)
    responds_to = PublicIdField(queryset=Statement.objects.all(), required=False, allow_null=True)


class AnnotationCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000, help_text="Markdown.")
    is_public = serializers.BooleanField(default=False, help_text="Internal notes never leave the desk.")
    claim = PublicIdField(queryset=Claim.objects.all(), required=False, allow_null=True, default=None)
    dispute = PublicIdField(queryset=Dispute.objects.all(), required=False, allow_null=True, default=None)


class AnnotationUpdateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20_000)
    is_public = serializers.BooleanField()


class ReviewCreateSerializer(serializers.Serializer):
    claim = PublicIdField(queryset=Claim.objects.all())
    rating = serializers.ChoiceField(choices=Rating.choices)
    reasoning = serializers.CharField(max_length=20_000, help_text="Markdown.")
    evidence = serializers.ListField(child=serializers.CharField(max_length=2000), max_length=50, default=list)
    supersedes = PublicIdField(queryset=Review.objects.all(), required=False, allow_null=True, default=None)


class ReviewSendBackSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=MAX_RETURN_COMMENT, help_text="What should change before approval.")


class ReviewUpdateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    reasoning = serializers.CharField(max_length=20_000)
    evidence = serializers.ListField(child=serializers.CharField(max_length=2000), max_length=50, default=list)
