"""What every API view shares: who the reader is, errors as 4xx, ETags, merged-record redirects."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.audience import Audience
from core.api.conditional import ConditionalMixin, PreconditionFailed, version_etag
from core.api.schema import ClientErrorResponseSerializer
from core.errors import DomainError
from core.versioning import EditConflict

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the version you edited, e.g. "v3" (428 without it, 412 when stale).',
)
PRECONDITION_ERRORS = {
    409: OpenApiResponse(ClientErrorResponseSerializer, description="The database refused the change."),
    412: OpenApiResponse(
        ClientErrorResponseSerializer,
        description="Stale If-Match: someone changed the record; the current version is in the ETag header.",
    ),
    428: OpenApiResponse(ClientErrorResponseSerializer, description="If-Match missing."),
}
CREATE_ERRORS = {409: OpenApiResponse(ClientErrorResponseSerializer, description="The database refused the change.")}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change conflicts with the data as it is now."
    default_code = "conflict"


def api_error(exc: Exception) -> Exception:
    """The desk's domain errors as the API's 4xx exceptions (anything else unchanged)."""
    if isinstance(exc, EditConflict):
        current = getattr(exc.current, "version", None)
        if current is None:
            return exceptions.NotFound(str(exc))
        return PreconditionFailed(str(exc), current_etag=version_etag(current))
    if isinstance(exc, DomainError):
        return exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]})
    if isinstance(exc, IntegrityError):
        # a database constraint caught what validation did not: refuse, never a 500
        return Conflict("The database refused the change: it breaks one of the desk's rules.")
    if isinstance(exc, DataError):
        return exceptions.ValidationError({"non_field_errors": ["A value is out of the range the database accepts."]})
    return exc


@extend_validation_errors(["invalid"], field_name="non_field_errors")
class ApiViewSet(ConditionalMixin, viewsets.GenericViewSet):
    """Base of every resource: public ids in URLs, audience-filtered querysets, 4xx for domain errors."""

    lookup_field = "public_id"
    lookup_url_kwarg = "public_id"
    merged_basename: str | None = None  # set for resources that can be merged (disputes, actors)

    @property
    def audience(self) -> Audience:
        return Audience.of(self.request)

    def require(self, *perms: str) -> None:
        """Refuse unless the user holds every desk permission named (partners hold none)."""
        if not self.request.user.has_perms(perms):
            raise exceptions.PermissionDenied("Your desk role does not allow this.")

    def _valid(self, serializer_class: type[serializers.Serializer], **kwargs: Any) -> dict[str, Any]:
        """The request body, validated by ``serializer_class`` (400 naming the field otherwise)."""
        serializer = serializer_class(data=self.request.data, **kwargs)
        self.input_fields = set(serializer.fields)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def handle_exception(self, exc: Exception) -> Response:
        unnamed = isinstance(exc, DomainError) and exc.field not in getattr(self, "input_fields", ())
        if unnamed and not isinstance(exc, EditConflict):
            # a rule about something the request did not name directly (a nested part, a record it
            # points at): reported for the request as a whole, with the field named in the text
            exc = DomainError(f"{exc.field}: {exc.message}" if exc.field else exc.message)
        exc = api_error(exc)
        response = super().handle_exception(exc)
        if isinstance(exc, PreconditionFailed) and exc.current_etag:
            response["ETag"] = exc.current_etag
        return response

    def merged_redirect(self, request: Request, public_id: Any) -> HttpResponsePermanentRedirect | None:
        """A merged record's old URL answers with a permanent redirect to its (visible) survivor."""
        from claims.merging import survivor_of

        model = self.get_queryset().model
        try:
            record = model._default_manager.filter(public_id=public_id, merged_into__isnull=False).first()
        except (ValueError, DjangoValidationError):
            return None
        if record is None:
            return None
        survivor = survivor_of(record)
        if survivor.merged_into_id is not None or not self.get_queryset().filter(pk=survivor.pk).exists():
            return None
        path = reverse(f"api:{self.merged_basename}-detail", args=[survivor.public_id])
        return HttpResponsePermanentRedirect(request.build_absolute_uri(path))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        try:
            instance = self.get_object()
        except Http404:
            if self.merged_basename:
                redirect = self.merged_redirect(request, kwargs.get(self.lookup_url_kwarg))
                if redirect is not None:
                    return redirect
            raise
        return Response(self.get_serializer(instance).data)
