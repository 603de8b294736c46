"""Checks every request gets before its view, on the desk and the API alike."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from partners.errors import API_PREFIX, _api_error


def refused(request: HttpRequest, status: int, code: str, title: str, message: str) -> HttpResponse:
    """A refusal before the view: the API's error format under /api/, a desk page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return _api_error("client_error", code, message, status)
    return render(request, "refused.html", {"title": title, "message": message}, status=status)


class RequestLimitsMiddleware:
    """Refuse a form body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with 413 before any view runs.

    Django raises RequestDataTooBig wherever the form data is first read (the CSRF check, a view),
    and answers it with a bare 400; reading it here first gives the right status and a page that
    says what happened. Bodies that are not forms (API JSON) are left to the API's parser.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.POST  # noqa: B018 - parses urlencoded and multipart bodies, checking their size
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return refused(
                request,
                413,
                "request_too_large",
                "Too much data",
                f"What was sent is over the limit of {limit:,} bytes the desk accepts in one form. Nothing was saved.",
            )
        except SuspiciousOperation as error:  # too many fields or files: Django's 400, logged as it logs it
            logging.getLogger(f"django.security.{type(error).__name__}").error(str(error))
            return refused(request, 400, "parse_error", "Bad request", f"{error} Nothing was saved.")
        return self.get_response(request)
