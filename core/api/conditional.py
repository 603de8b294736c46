"""ETags, conditional GETs and optimistic concurrency over HTTP.

Every successful GET carries an ETag computed from the representation as the reader receives it
(nested figures, reviews and notes included, and the format), so it changes whenever anything in
it changes, and ``If-None-Match`` with it gives 304. One URL answers differently per credential,
hence ``Cache-Control: private`` and ``Vary: Authorization, Cookie``.

For versioned records the ETag starts with the record's version: ``"v7.3f2a..."``. Writes need
``If-Match`` with that ETag (or just ``"v7"``; a list passes when any tag in it is current): the
version is what the desk's services check, so a stale one is refused with 412 and the current
ETag, and a missing one with 428.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

_ETAG_VERSION = re.compile(r'^(?:W/)?"v(\d{1,9})(?:\.[0-9a-f]*)?"$')


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = 'Send If-Match with the ETag of the version you edited (e.g. If-Match: "v3").'
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "Someone changed this record since you read it."
    default_code = "precondition_failed"

    def __init__(self, detail: str | None = None, *, current_etag: str | None = None):
        super().__init__(detail)
        self.current_etag = current_etag


def content_hash(content: bytes, fmt: str = "") -> str:
    return hashlib.sha256(f"{fmt}\n".encode() + content).hexdigest()[:32]


def make_etag(content: bytes, fmt: str = "", version: int | None = None) -> str:
    """The ETag of a response body as rendered (hashing the bytes sent, not the data encoded a
    second time: that second encoding was a list page's largest cost after its queries)."""
    digest = content_hash(content, fmt)
    return f'"v{version}.{digest}"' if version is not None else f'"{digest}"'


def version_etag(version: int) -> str:
    return f'"v{version}"'


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def matches_if_none_match(request: Request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    bare = etag.removeprefix("W/")
    return any(tag == "*" or tag.removeprefix("W/") == bare for tag in _tags(header))


def expected_version(request: Request, current: int) -> int:
    """The version the client edited, from If-Match; 428 without one, 412 when it cannot match.

    ``current`` is the record's version now. If-Match may list several tags (RFC 9110 13.1.1):
    the precondition holds when any of them names the current version, which is then the one
    returned; otherwise the first version named is returned, so the service's check refuses it
    with a 412 that says which version the client had.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    named = [int(match.group(1)) for match in map(_ETAG_VERSION.match, _tags(header)) if match]
    if not named:
        raise PreconditionFailed('If-Match names no version of this record; send the ETag you received, e.g. "v3".')
    return current if current in named else named[0]


class ConditionalMixin:
    """For DRF views: ETag and 304 on GET, private caching, Vary on the credentials."""

    def etag_version(self, response: Response) -> int | None:
        data = response.data
        if isinstance(data, dict) and isinstance(data.get("version"), int):
            return data["version"]
        return None

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        patch_cache_control(response, private=True)
        if isinstance(response, Response) and response.data is not None and response.status_code in (200, 201):
            renderer = getattr(request, "accepted_renderer", None)
            fmt = getattr(renderer, "format", "")
            response.render()  # once: the response keeps the rendered body and is not rendered again
            etag = make_etag(response.content, fmt, self.etag_version(response))
            response["ETag"] = etag
            if (
                request.method in ("GET", "HEAD")
                and response.status_code == 200
                and matches_if_none_match(request, etag)
            ):
                not_modified = HttpResponseNotModified()
                for header in ("ETag", "Cache-Control", "Vary"):
                    not_modified[header] = response[header]
                return not_modified
        return response
