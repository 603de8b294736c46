"""Checks every request gets before its view, on the desk and the API alike."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from core.error_pages import API_PREFIX, _api_error
from partners.auth import Partner


def refused(request: HttpRequest, status: int, code: str, title: str, message: str) -> HttpResponse:
    """A refusal before the view: the API's error format under /api/, a desk page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return _api_error("client_error", code, message, status)
    return render(request, "refused.html", {"title": title, "message": message}, status=status)


NUL_REFUSED = "Null characters are not allowed."


def nul_field(*data: QueryDict) -> str | None:
    """The first parameter of ``data`` whose name or any value holds a NUL byte, or None."""
    for query in data:
        for name, values in query.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name
    return None


def nul_refused(request: HttpRequest, field: str) -> HttpResponse:
    """The desk's 400 page for a NUL byte, in the words Django's form fields use."""
    shown = field.replace("\x00", "\\0")[:60]
    message = f"“{shown}” holds a NUL byte. {NUL_REFUSED}"
    if request.method == "POST":
        message += " Nothing was saved."
    return render(request, "refused.html", {"title": "Bad request", "message": message}, status=400)


class RequestChecksMiddleware:
    """Refuse, before any view runs, what no view should have to handle:

    - a form body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413. Django raises RequestDataTooBig
      wherever the form data is first read (the CSRF check, a view) and answers a bare 400;
      reading it here first gives the right status and a page that says what happened. Bodies
      that are not forms (API JSON) are left to the API's parser (config.parsers, config.api_errors).
    - on the desk, a NUL byte in the name or value of any query or form parameter: 400. PostgreSQL
      text cannot hold one; forms refuse it in their fields, but a lookup, a filter or a page
      number read straight from the request would carry it to the database and fail with a 500.
      The API is left to itself: its serializers and filters refuse a NUL in every parameter it
      reads, in its documented format (``null_characters_not_allowed`` naming the field), and
      ignore the ones it does not read, whose names its schema cannot list.
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
        except MultiPartParserError as error:  # Django's 400 too, but in the API's format under /api/
            return refused(request, 400, "parse_error", "Bad request", f"The form could not be read: {error}")
        if not request.path.startswith(API_PREFIX):
            field = nul_field(request.GET, request.POST)
            if field is not None:
                return nul_refused(request, field)
        return self.get_response(request)


class DeskNoStoreMiddleware:
    """``Cache-Control: no-store`` on every desk response: its pages and its API answers to desk
    users carry internal notes and unpublished work, which no browser or proxy cache may keep.

    Left alone: the public pages, and API responses to partners (their ETag and ``private``
    caching, core.api.conditional) or to no one (a 401).
    """

    PUBLIC_PREFIXES = ("/public/", "/static/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(self.PUBLIC_PREFIXES):
            return response
        if request.path.startswith(API_PREFIX):
            # the API authenticates in the view; DRF sets the user it found on the request
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated or isinstance(user, Partner):
                return response
        patch_cache_control(response, private=True, no_store=True)
        return response
