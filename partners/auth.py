"""Who is calling the API, what they may do, and how fast.

Partners send ``Authorization: Api-Key <key>``; desk users use their session or a token. Partner
keys are read-only. Each partner request is logged on its key (``request_count``,
``last_used_at``) and counted against the key's per-minute limit in the same atomic UPDATE of the
key's row: the database is the store every server process shares, and one UPDATE ... RETURNING
cannot lose a count to a concurrent request the way a cache's get-then-set can.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request
from rest_framework_api_key.permissions import KeyParser

from partners.models import PartnerKey

WINDOW = timedelta(minutes=1)


@dataclass
class Partner:
    """The principal behind a partner key: authenticated, read-only, no desk permissions."""

    key: PartnerKey
    window_started_at: datetime | None = None
    window_count: int = 0
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    is_anonymous: bool = False

    @property
    def pk(self) -> None:
        return None

    @property
    def name(self) -> str:
        return self.key.partner

    def get_username(self) -> str:
        return f"partner:{self.key.prefix}"

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return False

    def __str__(self) -> str:
        return self.key.partner


_COUNT_REQUEST = """
    UPDATE partners_partnerkey
       SET request_count = request_count + 1,
           last_used_at = statement_timestamp(),
           window_count = CASE WHEN window_started_at = date_trunc('minute', statement_timestamp())
                               THEN window_count + 1 ELSE 1 END,
           window_started_at = date_trunc('minute', statement_timestamp())
     WHERE id = %s
 RETURNING window_started_at, window_count
"""


def count_request(key: PartnerKey) -> tuple[datetime, int]:
    """Log one request on ``key`` and return its current one-minute window and count."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_REQUEST, [key.pk])
        window_started_at, window_count = cursor.fetchone()
    return window_started_at, window_count


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Api-Key <key>``: a partner newsroom's read-only key."""

    keyword = "Api-Key"
    key_parser = KeyParser()

    def authenticate(self, request: Request) -> tuple[Partner, PartnerKey] | None:
        key = self.key_parser.get(request)
        if key is None:
            return None
        key = key.strip()
        if not key or len(key) > 200 or "\x00" in key:
            raise exceptions.AuthenticationFailed("Malformed API key.")
        try:
            partner_key = PartnerKey.objects.get_from_key(key)
        except PartnerKey.DoesNotExist:
            raise exceptions.AuthenticationFailed("Unknown, revoked or expired API key.") from None
        window_started_at, window_count = count_request(partner_key)
        return Partner(partner_key, window_started_at, window_count), partner_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


def is_partner(request: Request) -> bool:
    return isinstance(request.user, Partner)


class DeskOrPartnerReadOnly(permissions.BasePermission):
    """Reads for partner keys and logged-in users; writes for desk users only (checked per action)."""

    message = "Partner API keys are read-only."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return not is_partner(request)


class PartnerKeyThrottle(throttling.BaseThrottle):
    """Refuse with 429 and Retry-After once a key has used its requests for this minute."""

    def allow_request(self, request: Request, view: Any) -> bool:
        user = request.user
        if not isinstance(user, Partner):
            return True
        self.retry_after = 0.0
        if user.window_count <= user.key.rate_limit:
            return True
        window_end = user.window_started_at + WINDOW
        self.retry_after = max(1.0, math.ceil((window_end - timezone.now()).total_seconds()))
        return False

    def wait(self) -> float | None:
        return getattr(self, "retry_after", None)


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    """Documents partner keys in the OpenAPI schema."""

    target_class = "partners.auth.PartnerKeyAuthentication"
    name = "PartnerKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A partner key, sent as `Authorization: Api-Key <key>`. Read-only.",
        }
