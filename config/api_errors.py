"""The API's exception handler: drf-standardized-errors' own, plus Django's refusals of a body.

Set in ``settings.DRF_STANDARDIZED_ERRORS``: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` answers
413 and one with too many fields 400, in the documented error format (docs/api.md), not 500.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(f"The request body is over the limit of {limit:,} bytes.")


class ApiExceptionHandler(ExceptionHandler):
    """drf-standardized-errors' handler, with Django's refusals of a request body as 4xx: a body
    over the size limit is 413, too many fields (any other SuspiciousOperation) a 400."""

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, RequestDataTooBig):
            return RequestTooLarge()
        if isinstance(exc, SuspiciousOperation):
            return exceptions.ParseError("The request body was refused: too many fields or files.")
        return super().convert_known_exceptions(exc)
