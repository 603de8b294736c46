"""The API's claims, disputes, statements, actors, reviews and annotations.

Reads are for partners (published content only) and the desk (everything); writes are for the
desk, with the desk's permissions (claims/roles.py), through the same services as the desk's pages.
Updates need If-Match (see core.api.conditional).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from claims import reviewing, services
from claims.api import inputs
from claims.api.audience import CLAIM_NESTED
from claims.api.base import CREATE_ERRORS, IF_MATCH, PRECONDITION_ERRORS, ApiViewSet
from claims.api.claim_list import claim_list_items, claim_list_rows
from claims.api.corrections import ClaimCorrectionsMixin
from claims.api.exports import MAX_EXPORT_ROWS, claim_rows, dispute_rows
from claims.api.filters import (
    ActorFilter,
    AnnotationFilter,
    ClaimFilter,
    DisputeFilter,
    ReviewFilter,
    StatementFilter,
)
from claims.api.jsonld import claim_review
from claims.api.serializers import (
    ActorSerializer,
    AnnotationSerializer,
    ClaimListItemSerializer,
    ClaimSerializer,
    DeskReviewSerializer,
    DisputeSerializer,
    ReviewSerializer,
    StatementSerializer,
)
from claims.models import ActorAlias, ActorRole, Annotation, Claim, ClaimDispute, Dispute, Review, Statement
from core.api.conditional import expected_version
from core.api.renderers import CSVRenderer, JSONLDRenderer, JSONRenderer


class ExportRowsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    truncated = serializers.BooleanField(help_text=f"More than {MAX_EXPORT_ROWS} rows matched; narrow the filters.")
    rows = serializers.ListField(child=serializers.DictField())


def export_response(rows: list[dict[str, Any]], truncated: bool, filename: str, request: Request) -> Response:
    response = Response({"count": len(rows), "truncated": truncated, "rows": rows})
    if getattr(request.accepted_renderer, "format", "") == "csv":
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


EXPORT_SCHEMA = extend_schema(
    responses={(200, "application/json"): ExportRowsSerializer, (200, "text/csv"): OpenApiTypes.STR},
    description="Every matching row, flat, as JSON or CSV (`?format=csv` or `Accept: text/csv`).",
)


@extend_validation_errors(["invalid"], field_name="page_size", actions=["list"], methods=["get"])
@extend_validation_errors(["invalid"], field_name="cursor", actions=["list"], methods=["get"])
class ReadViewSet(mixins.ListModelMixin, ApiViewSet):
    """List (cursor-paginated, filterable) and retrieve."""


def _created(viewset: ApiViewSet, instance: Any, basename: str) -> Response:
    data = viewset.get_serializer(viewset.get_queryset().get(pk=instance.pk)).data
    location = viewset.request.build_absolute_uri(reverse(f"api:{basename}-detail", args=[instance.public_id]))
    return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


def _current(viewset: ApiViewSet, instance: Any) -> Response:
    return Response(viewset.get_serializer(viewset.get_queryset().get(pk=instance.pk)).data)


# --- disputes ----------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="Disputes", description="Published disputes with their claims grouped by side."),
    retrieve=extend_schema(summary="A dispute", description="A merged dispute's id redirects (301) to the survivor."),
)
class DisputeViewSet(ReadViewSet):
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter
    merged_basename = "dispute"

    def get_queryset(self) -> QuerySet[Dispute]:
        """The disputes with their notes; their sides and spreads are read for the disputes
        shown, with bounded work (claims.api.dispute_parts)."""
        return self.audience.disputes_with_notes()

    @extend_schema(request=inputs.DisputeCreateSerializer, responses={201: DisputeSerializer, **CREATE_ERRORS})
    def create(self, request: Request) -> Response:
        self.require("claims.add_dispute")
        data = self._valid(inputs.DisputeCreateSerializer)
        if data["publish"]:
            self.require("claims.publish_dispute")
        dispute = services.dispute_create(author=request.user, **data)
        return _created(self, dispute, "dispute")

    @extend_schema(
        request=inputs.DisputeUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: DisputeSerializer, **PRECONDITION_ERRORS},
    )
    def partial_update(self, request: Request, public_id: str) -> Response:
        self.require("claims.change_dispute")
        dispute = self.get_object()
        version = expected_version(request, dispute.version)
        changes = self._valid(inputs.DisputeUpdateSerializer, partial=True)
        services.dispute_update(dispute=dispute, expected_version=version, **changes)
        return _current(self, dispute)

    @extend_schema(
        request=inputs.PublishSerializer,
        parameters=[IF_MATCH],
        responses={200: DisputeSerializer, **PRECONDITION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, public_id: str) -> Response:
        """Publish (or, with publish=false, unpublish) the dispute."""
        self.require("claims.publish_dispute")
        dispute = self.get_object()
        version = expected_version(request, dispute.version)
        data = self._valid(inputs.PublishSerializer)
        services.dispute_publish(dispute=dispute, expected_version=version, publish=data["publish"])
        return _current(self, dispute)

    @EXPORT_SCHEMA
    @action(detail=False, renderer_classes=[JSONRenderer, CSVRenderer], pagination_class=None)
    def export(self, request: Request) -> Response:
        """The filtered list of disputes, one row each."""
        placements = self.audience.dispute_claims().filter(dispute_id=OuterRef("pk")).order_by()
        counted = Subquery(placements.values("dispute_id").annotate(n=Count("*")).values("n"))
        disputes = list(
            self.filter_queryset(self.get_queryset())
            .annotate(claim_count=Coalesce(counted, 0))
            .order_by("public_id")[: MAX_EXPORT_ROWS + 1]
        )
        return export_response(
            dispute_rows(disputes[:MAX_EXPORT_ROWS], request), len(disputes) > MAX_EXPORT_ROWS, "disputes", request
        )

    @extend_schema(
        operation_id="v1_disputes_claims_export",
        responses={(200, "application/json"): ExportRowsSerializer, (200, "text/csv"): OpenApiTypes.STR},
        description="The dispute's claims, flat, as JSON or CSV (`?format=csv` or `Accept: text/csv`).",
    )
    @action(
        detail=True,
        url_path="export",
        url_name="export-claims",
        renderer_classes=[JSONRenderer, CSVRenderer],
        filterset_class=None,
        pagination_class=None,
    )
    def export_claims(self, request: Request, public_id: str) -> Response:
        """The dispute's claims, one row each, for a spreadsheet."""
        dispute = self.get_object()
        audience = self.audience
        claims = list(
            audience.claims_for_representation()
            .filter(Exists(ClaimDispute.objects.filter(claim=OuterRef("pk"), dispute=dispute)))
            .order_by("story__published_on", "story_id", "start", "id")[: MAX_EXPORT_ROWS + 1]
        )
        rows = [
            row for row in claim_rows(claims[:MAX_EXPORT_ROWS], request) if row["dispute_id"] == str(dispute.public_id)
        ]
        return export_response(rows, len(claims) > MAX_EXPORT_ROWS, f"dispute-{dispute.public_id}", request)


# --- claims ------------------------------------------------------------------------------------
@extend_validation_errors(["max_length"], field_name="figures.non_field_errors", actions=["create"])
@extend_validation_errors(["max_length"], field_name="disputes.non_field_errors", actions=["create"])
@extend_validation_errors(["invalid"], field_name="expand", actions=["list"], methods=["get"])
@extend_schema_view(
    list=extend_schema(
        summary="Claims",
        description=(
            "Published claims, each anchored to its exact words in a story. Lean: the nested lists "
            "(`via`, `figures`, `links`, `reviews`, `annotations`) are in each claim's detail, and in "
            "the list only when `expand` names them."
        ),
        parameters=[
            OpenApiParameter(
                "expand",
                OpenApiTypes.STR,
                description=f"Nested lists to include, comma-separated: {', '.join(sorted(CLAIM_NESTED))}.",
            )
        ],
        responses=ClaimListItemSerializer(many=True),
    ),
    retrieve=extend_schema(summary="A claim"),
)
class ClaimViewSet(ClaimCorrectionsMixin, ReadViewSet):
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter

    @cached_property
    def nested(self) -> frozenset[str]:
        """The nested lists this request's claims carry: all in a detail, those named by ``expand`` in a list."""
        if self.action != "list":
            return CLAIM_NESTED
        names = frozenset(filter(None, (n.strip() for n in self.request.query_params.get("expand", "").split(","))))
        if unknown := names - CLAIM_NESTED:
            raise exceptions.ValidationError(
                {"expand": [f"Cannot expand {', '.join(sorted(unknown))}: any of {', '.join(sorted(CLAIM_NESTED))}."]}
            )
        return names

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "nested": self.nested}

    def get_queryset(self) -> QuerySet[Claim]:
        return self.audience.claims_for_representation(nested=self.nested)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Filtered, cursor-paginated rows assembled without DRF's per-field work (claims.api.claim_list)."""
        nested = self.nested  # a bad ``expand`` is a 400 before any query
        audience = self.audience
        page = self.paginate_queryset(claim_list_rows(self.filter_queryset(audience.claims()), audience))
        items = claim_list_items(page, audience=audience, nested=nested, context=self.get_serializer_context())
        return self.get_paginated_response(items)

    @extend_schema(request=inputs.ClaimCreateSerializer, responses={201: ClaimSerializer, **CREATE_ERRORS})
    def create(self, request: Request) -> Response:
        """Log a claim: the server anchors the quote in the story's current text."""
        self.require("claims.add_claim")
        data = self._valid(inputs.ClaimCreateSerializer)
        if data["publish"]:
            self.require("claims.publish_claim")
        disputes = [services.DisputeLink(**link) for link in data.pop("disputes")]
        figures = [services.FigureInput(**figure) for figure in data.pop("figures")]
        claim = services.claim_log(
            author=request.user,
            occurrence=data.pop("occurrence"),
            start_hint=data.pop("start_hint"),
            disputes=disputes,
            figures=figures,
            **data,
        )
        return _created(self, claim, "claim")

    @extend_schema(
        request=inputs.ClaimUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: ClaimSerializer, **PRECONDITION_ERRORS},
    )
    def partial_update(self, request: Request, public_id: str) -> Response:
        """Change mode, speaker, date, statement or status, as the desk role allows
        (claims.services.editable_claim_fields): fact-checkers may change the status only."""
        changes = self._valid(inputs.ClaimUpdateSerializer, partial=True)
        editable = services.editable_claim_fields(request.user)
        refused = sorted(set(changes) - editable)
        if refused:
            raise exceptions.PermissionDenied(f"Your desk role does not allow changing {', '.join(refused)}.")
        if not editable:
            self.require("claims.change_claim")
        claim = self.get_object()
        version = expected_version(request, claim.version)
        services.claim_update(claim=claim, expected_version=version, author=request.user, **changes)
        return _current(self, claim)

    @extend_schema(
        request=inputs.PublishSerializer, parameters=[IF_MATCH], responses={200: ClaimSerializer, **PRECONDITION_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, public_id: str) -> Response:
        """Publish (or, with publish=false, unpublish) the claim."""
        self.require("claims.publish_claim")
        claim = self.get_object()
        version = expected_version(request, claim.version)
        data = self._valid(inputs.PublishSerializer)
        services.claim_publish(claim=claim, expected_version=version, publish=data["publish"])
        return _current(self, claim)

    @extend_schema(
        request=inputs.WithdrawSerializer,
        parameters=[IF_MATCH],
        responses={200: ClaimSerializer, **PRECONDITION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, public_id: str) -> Response:
        """Withdraw a claim logged in error: kept on the desk, a tombstone for partners if it was published."""
        self.require("claims.publish_claim")
        claim = self.get_object()
        version = expected_version(request, claim.version)
        data = self._valid(inputs.WithdrawSerializer)
        services.claim_withdraw(claim=claim, expected_version=version, user=request.user, reason=data["reason"])
        return _current(self, claim)

    @EXPORT_SCHEMA
    @action(detail=False, renderer_classes=[JSONRenderer, CSVRenderer], pagination_class=None)
    def export(self, request: Request) -> Response:
        """The filtered list of claims, one row per claim and dispute."""
        claims = list(self.filter_queryset(self.get_queryset()).order_by("public_id")[: MAX_EXPORT_ROWS + 1])
        return export_response(
            claim_rows(claims[:MAX_EXPORT_ROWS], request), len(claims) > MAX_EXPORT_ROWS, "claims", request
        )


# --- statements --------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="Statements", description="Speech acts with their published versions (claims)."),
    retrieve=extend_schema(summary="A statement"),
)
class StatementViewSet(ReadViewSet):
    serializer_class = StatementSerializer
    filterset_class = StatementFilter

    def get_queryset(self) -> QuerySet[Statement]:
        audience = self.audience
        return (
            audience.statements()
            .select_related("speaker__side", "responds_to")
            .annotate(responds_to_shown=Exists(audience.statements().filter(pk=OuterRef("responds_to_id"))))
            .prefetch_related(
                Prefetch(
                    "versions", queryset=audience.claims().order_by("statement_id", "id"), to_attr="shown_versions"
                )
            )
        )

    @extend_schema(request=inputs.StatementCreateSerializer, responses={201: StatementSerializer, **CREATE_ERRORS})
    def create(self, request: Request) -> Response:
        self.require("claims.add_statement")
        statement = services.statement_create(**self._valid(inputs.StatementCreateSerializer))
        return _created(self, statement, "statement")

    @extend_schema(
        request=inputs.StatementUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: StatementSerializer, **PRECONDITION_ERRORS},
    )
    def partial_update(self, request: Request, public_id: str) -> Response:
        self.require("claims.change_statement")
        statement = self.get_object()
        version = expected_version(request, statement.version)
        changes = self._valid(inputs.StatementUpdateSerializer, partial=True)
        services.statement_update(statement=statement, expected_version=version, **changes)
        return _current(self, statement)


# --- actors ------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="Actors", description="Speakers of published claims, with aliases and roles."),
    retrieve=extend_schema(summary="An actor", description="A merged actor's id redirects (301) to the survivor."),
)
class ActorViewSet(ReadViewSet):
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    merged_basename = "actor"

    def get_queryset(self):
        return (
            self.audience.actors()
            .select_related("side")
            .prefetch_related(
                Prefetch("aliases", queryset=ActorAlias.objects.order_by("actor_id", "alias")),
                Prefetch("roles", queryset=ActorRole.objects.order_by("actor_id", "start", "id")),
            )
        )


# --- reviews -----------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="Reviews", description="Published verdicts on published claims."),
    retrieve=extend_schema(
        summary="A review",
        description=(
            "`/api/v1/reviews/<id>.jsonld` or `Accept: application/ld+json` gives the schema.org ClaimReview."
        ),
        responses={(200, "application/json"): ReviewSerializer, (200, "application/ld+json"): OpenApiTypes.OBJECT},
    ),
)
class ReviewViewSet(ReadViewSet):
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    renderer_classes = [JSONRenderer, JSONLDRenderer]

    def get_queryset(self) -> QuerySet[Review]:
        return self.audience.reviews_for_representation().select_related(
            "claim__speaker", "claim__story__outlet", "returned_by"
        )

    def get_serializer_class(self) -> type[ReviewSerializer]:
        return DeskReviewSerializer if self.audience.desk else ReviewSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        if getattr(request.accepted_renderer, "format", "") != "jsonld":
            return super().retrieve(request, *args, **kwargs)
        review = self.get_object()
        if not Review.objects.visible().filter(pk=review.pk).exists():
            raise Http404  # ClaimReview is for published verdicts only
        return Response(claim_review(review, request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if getattr(request.accepted_renderer, "format", "") == "jsonld":
            raise Http404
        return super().list(request, *args, **kwargs)

    @extend_schema(request=inputs.ReviewCreateSerializer, responses={201: ReviewSerializer, **CREATE_ERRORS})
    def create(self, request: Request) -> Response:
        """Draft a verdict; it is published when a second person approves it."""
        self.require("claims.add_review")
        review = reviewing.review_draft(reviewer=request.user, **self._valid(inputs.ReviewCreateSerializer))
        return _created(self, review, "review")

    @extend_schema(
        request=inputs.ReviewUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: ReviewSerializer, **PRECONDITION_ERRORS},
    )
    def partial_update(self, request: Request, public_id: str) -> Response:
        """Change a draft (its reviewer only, until it is approved)."""
        self.require("claims.change_review")
        review = self.get_object()
        version = expected_version(request, review.version)
        data = self._valid(inputs.ReviewUpdateSerializer)
        reviewing.review_update(review=review, expected_version=version, user=request.user, **data)
        return _current(self, review)

    @extend_schema(request=None, parameters=[IF_MATCH], responses={200: ReviewSerializer, **PRECONDITION_ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, public_id: str) -> Response:
        """A second fact-checker or editor approves the draft, which publishes it."""
        self.require("claims.approve_review")
        review = self.get_object()
        version = expected_version(request, review.version)
        reviewing.review_approve(review=review, expected_version=version, approver=request.user)
        return _current(self, review)

    @extend_schema(
        request=inputs.ReviewSendBackSerializer,
        parameters=[IF_MATCH],
        responses={200: DeskReviewSerializer, **PRECONDITION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, public_id: str) -> Response:
        """A second fact-checker or editor returns the draft to its reviewer with a comment."""
        self.require("claims.approve_review")
        review = self.get_object()
        version = expected_version(request, review.version)
        data = self._valid(inputs.ReviewSendBackSerializer)
        reviewing.review_send_back(review=review, expected_version=version, user=request.user, **data)
        return _current(self, review)

    @extend_schema(request=None, parameters=[IF_MATCH], responses={200: DeskReviewSerializer, **PRECONDITION_ERRORS})
    @action(detail=True, methods=["post"])
    def resubmit(self, request: Request, public_id: str) -> Response:
        """The reviewer puts a draft that was sent back in the queue for approval again."""
        self.require("claims.change_review")
        review = self.get_object()
        version = expected_version(request, review.version)
        reviewing.review_resubmit(review=review, expected_version=version, user=request.user)
        return _current(self, review)


# --- annotations -------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="Annotations", description="Public notes on published claims and disputes."),
    retrieve=extend_schema(summary="An annotation"),
)
class AnnotationViewSet(ReadViewSet):
    serializer_class = AnnotationSerializer
    filterset_class = AnnotationFilter

    def get_queryset(self) -> QuerySet[Annotation]:
        return self.audience.annotations().select_related("claim", "dispute")

    @extend_schema(request=inputs.AnnotationCreateSerializer, responses={201: AnnotationSerializer, **CREATE_ERRORS})
    def create(self, request: Request) -> Response:
        self.require("claims.add_annotation")
        annotation = services.annotation_add(author=request.user, **self._valid(inputs.AnnotationCreateSerializer))
        return _created(self, annotation, "annotation")

    @extend_schema(
        request=inputs.AnnotationUpdateSerializer,
        parameters=[IF_MATCH],
        responses={200: AnnotationSerializer, **PRECONDITION_ERRORS},
    )
    def partial_update(self, request: Request, public_id: str) -> Response:
        self.require("claims.change_annotation")
        annotation = self.get_object()
        version = expected_version(request, annotation.version)
        data = self._valid(inputs.AnnotationUpdateSerializer)
        services.annotation_update(annotation=annotation, expected_version=version, **data)
        return _current(self, annotation)
