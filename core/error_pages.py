"""Error pages: under /api/ the API's JSON error format (also for URLs no API view matched),
Django's usual pages elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def _api_error(type_: str, code: str, detail: str, status: int) -> JsonResponse:
    response = JsonResponse({"type": type_, "errors": [{"code": code, "detail": detail, "attr": None}]}, status=status)
    response["Cache-Control"] = "private"
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error("client_error", "not_found", "Not found.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return _api_error("server_error", "error", "A server error occurred.", 500)
    return defaults.server_error(request)
