"""Correcting a claim through the API: its figures, its places in disputes, its words against its
figures after a revision, and scopes for figures. The same services as the claim page
(claims.corrections); every change of an existing record needs If-Match with its version."""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from claims import corrections
from claims.api import inputs
from claims.api.base import CREATE_ERRORS, IF_MATCH, PRECONDITION_ERRORS, ApiViewSet
from claims.api.serializers import ClaimDisputeRefSerializer, ClaimSerializer, FigureSerializer, ScopeSerializer
from claims.models import Claim, ClaimDispute, Figure, Scope
from claims.services import DisputeLink, FigureInput
from core.api.conditional import expected_version

FIGURE_ID = OpenApiParameter("figure_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The figure's id.")
DISPUTE_ID = OpenApiParameter("dispute_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The dispute's id.")
FIGURE_FIELDS = " ".join(corrections.FIGURE_FIELDS)


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise exceptions.NotFound("No such record.") from None


class ClaimCorrectionsMixin:
    """Actions on ClaimViewSet (claims/api/views.py): /claims/{id}/figures/, /claims/{id}/disputes/,
    /claims/{id}/words/."""

    def _figure(self: Any, figure_id: str) -> Figure:
        claim = self.get_object()
        figure = (
            Figure.objects.select_related("claim", "whose", "scope")
            .filter(claim=claim, public_id=_uuid(figure_id))
            .first()
        )
        if figure is None:
            raise exceptions.NotFound("The claim has no figure with that id.")
        return figure

    def _figure_response(self: Any, figure: Figure, code: int = status.HTTP_200_OK) -> Response:
        figure = Figure.objects.select_related("whose", "scope").get(pk=figure.pk)
        headers = {}
        if code == status.HTTP_201_CREATED:
            path = reverse("api:claim-figure", args=[figure.claim.public_id, figure.public_id])
            headers["Location"] = self.request.build_absolute_uri(path)
        return Response(FigureSerializer(figure, context={"request": self.request}).data, status=code, headers=headers)

    @extend_schema(
        summary="Add a figure",
        request=inputs.FigureInputSerializer,
        responses={201: FigureSerializer, **CREATE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="figures", url_name="figures")
    def figure_add(self: Any, request: Request, public_id: str) -> Response:
        """Add a figure to the claim. Its bounds follow from the qualifier."""
        self.require("claims.add_figure")
        claim = self.get_object()
        data = self._valid(inputs.FigureInputSerializer)
        figure = corrections.figure_create(claim=claim, figure=FigureInput(**data))
        return self._figure_response(figure, status.HTTP_201_CREATED)

    @extend_schema(summary="A figure of a claim", parameters=[FIGURE_ID], responses={200: FigureSerializer})
    @action(detail=True, methods=["get"], url_path=r"figures/(?P<figure_id>[^/]+)", url_name="figure")
    def figure(self: Any, request: Request, public_id: str, figure_id: str) -> Response:
        """One figure, with the ETag to send as If-Match when changing or removing it."""
        return self._figure_response(self._figure(figure_id))

    @extend_schema(
        summary="Change a figure",
        request=inputs.FigureInputSerializer,
        parameters=[FIGURE_ID, IF_MATCH],
        responses={200: FigureSerializer, **PRECONDITION_ERRORS},
        description=f"Any of {FIGURE_FIELDS}; the others stay. The bounds follow from the qualifier.",
    )
    @figure.mapping.patch
    def figure_change(self: Any, request: Request, public_id: str, figure_id: str) -> Response:
        self.require("claims.change_figure")
        figure = self._figure(figure_id)
        version = expected_version(request, figure.version)
        changes = self._valid(inputs.FigureInputSerializer, partial=True)
        corrections.figure_update(
            figure=figure, expected_version=version, changes=corrections.figure_input_of(figure, **changes)
        )
        return self._figure_response(figure)

    @extend_schema(
        summary="Remove a figure",
        parameters=[FIGURE_ID, IF_MATCH],
        responses={204: None, **PRECONDITION_ERRORS},
        description="It stays in the claim's history; `POST .../restore/` brings it back.",
    )
    @figure.mapping.delete
    def figure_remove(self: Any, request: Request, public_id: str, figure_id: str) -> Response:
        self.require("claims.delete_figure")
        figure = self._figure(figure_id)
        corrections.figure_remove(figure=figure, expected_version=expected_version(request, figure.version))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Restore a removed figure",
        request=None,
        parameters=[FIGURE_ID, IF_MATCH],
        responses={200: FigureSerializer, **PRECONDITION_ERRORS},
        description="Brings back a removed figure as it was when removed, with its id. If-Match names the "
        "version it was removed at (the one you removed).",
    )
    @action(detail=True, methods=["post"], url_path=r"figures/(?P<figure_id>[^/]+)/restore", url_name="figure-restore")
    def figure_restore(self: Any, request: Request, public_id: str, figure_id: str) -> Response:
        self.require("claims.add_figure", "claims.change_figure")
        claim = self.get_object()
        event = (
            corrections.figure_event_model()
            .objects.filter(claim_id=claim.pk, public_id=_uuid(figure_id))
            .order_by("-pgh_id")
            .first()
        )
        if event is None:
            raise exceptions.NotFound("The claim never had a figure with that id.")
        if Figure.objects.filter(pk=event.pgh_obj_id).exists():
            raise exceptions.ValidationError({"non_field_errors": ["The figure was not removed: change it instead."]})
        version = expected_version(request, event.version)
        figure = corrections.figure_restore(claim=claim, event_id=event.pgh_id, expected_version=version)
        return self._figure_response(figure)

    # --- places in disputes ---------------------------------------------------------------------

    def _placement(self: Any, dispute_id: str) -> ClaimDispute:
        claim = self.get_object()
        placement = (
            ClaimDispute.objects.select_related("claim", "dispute", "blames")
            .filter(claim=claim, dispute__public_id=_uuid(dispute_id))
            .first()
        )
        if placement is None:
            raise exceptions.NotFound("The claim is not in a dispute with that id.")
        return placement

    def _placement_response(self: Any, placement: ClaimDispute, code: int = status.HTTP_200_OK) -> Response:
        placement = ClaimDispute.objects.select_related("dispute", "blames").get(pk=placement.pk)
        return Response(ClaimDisputeRefSerializer(placement, context={"request": self.request}).data, status=code)

    @extend_schema(
        summary="Put the claim in a dispute",
        request=inputs.DisputeLinkInputSerializer,
        responses={201: ClaimDisputeRefSerializer, **CREATE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="disputes", url_name="disputes")
    def placement_add(self: Any, request: Request, public_id: str) -> Response:
        """Put the claim in one more dispute, with its stance and the side it blames."""
        self.require("claims.add_claimdispute")
        claim = self.get_object()
        data = self._valid(inputs.DisputeLinkInputSerializer)
        placement = corrections.placement_add(claim=claim, link=DisputeLink(**data))
        return self._placement_response(placement, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change how the claim sits in a dispute",
        request=inputs.PlacementUpdateSerializer,
        parameters=[DISPUTE_ID, IF_MATCH],
        responses={200: ClaimDisputeRefSerializer, **PRECONDITION_ERRORS},
    )
    @action(detail=True, methods=["patch"], url_path=r"disputes/(?P<dispute_id>[^/]+)", url_name="placement")
    def placement_change(self: Any, request: Request, public_id: str, dispute_id: str) -> Response:
        """Its stance (asserts, denies, counters) and the side it blames. If-Match: the place's version
        (in the claim's `disputes`)."""
        self.require("claims.change_claimdispute")
        placement = self._placement(dispute_id)
        version = expected_version(request, placement.version)
        changes = self._valid(inputs.PlacementUpdateSerializer, partial=True)
        corrections.placement_update(
            placement=placement,
            expected_version=version,
            stance=changes.get("stance", placement.stance),
            blames=changes.get("blames", placement.blames),
        )
        return self._placement_response(placement)

    @extend_schema(
        summary="Take the claim out of a dispute",
        parameters=[DISPUTE_ID, IF_MATCH],
        responses={204: None, **PRECONDITION_ERRORS},
    )
    @placement_change.mapping.delete
    def placement_remove(self: Any, request: Request, public_id: str, dispute_id: str) -> Response:
        self.require("claims.delete_claimdispute")
        placement = self._placement(dispute_id)
        corrections.placement_remove(placement=placement, expected_version=expected_version(request, placement.version))
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- words against figures ------------------------------------------------------------------

    @extend_schema(
        summary="Update the figures to the words",
        request=None,
        parameters=[IF_MATCH],
        responses={200: ClaimSerializer, **PRECONDITION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="words/update-figures", url_name="words-update-figures")
    def words_update_figures(self: Any, request: Request, public_id: str) -> Response:
        """For a claim whose words and figures disagree after a revision: make the figures say what
        the words now say. If-Match: the claim's version."""
        self.require("claims.add_figure", "claims.change_figure", "claims.delete_figure")
        claim = self.get_object()
        version = expected_version(request, claim.version)
        corrections.claim_figures_from_words(claim=claim, expected_version=version)
        return self._claim_response(claim)

    @extend_schema(
        summary="Log the new words as a revising claim",
        request=None,
        parameters=[IF_MATCH],
        responses={201: ClaimSerializer, **PRECONDITION_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="words/log-revision", url_name="words-log-revision")
    def words_log_revision(self: Any, request: Request, public_id: str) -> Response:
        """For a claim whose words and figures disagree after a revision: log the new words as a new
        claim that revises this one, which goes back to its old words. Answers with the new claim.
        If-Match: this claim's version."""
        self.require("claims.add_claim")
        claim = self.get_object()
        version = expected_version(request, claim.version)
        revised = corrections.claim_log_revision(claim=claim, expected_version=version, author=request.user)
        return self._claim_response(revised, status.HTTP_201_CREATED)

    def _claim_response(self: Any, claim: Claim, code: int = status.HTTP_200_OK) -> Response:
        data = self.get_serializer(self.get_queryset().get(pk=claim.pk)).data
        headers = {}
        if code == status.HTTP_201_CREATED:
            headers["Location"] = self.request.build_absolute_uri(reverse("api:claim-detail", args=[claim.public_id]))
        return Response(data, status=code, headers=headers)


class ScopeViewSet(ApiViewSet):
    """Scopes figures count over (one event, or a period and place): the desk makes them. Only
    making one is routed (claims/api/urls.py): partners read scopes inside the figures they see."""

    serializer_class = ScopeSerializer

    def get_queryset(self) -> Any:
        return Scope.objects.none()

    @extend_schema(
        summary="Make a scope",
        request=inputs.ScopeCreateSerializer,
        responses={201: ScopeSerializer, 200: ScopeSerializer, **CREATE_ERRORS},
        description="One with the same label and kind already on the desk is answered (200) instead of a "
        "duplicate. Figures name a scope by its `key`.",
    )
    def create(self, request: Request) -> Response:
        self.require("claims.add_scope")
        data = self._valid(inputs.ScopeCreateSerializer)
        scope, created = corrections.scope_create(**data)
        return Response(ScopeSerializer(scope).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
