"""Who is calling the API, what they may do, and how fast.

Partners send ``Authorization: Api-Key <key>``; desk users use their session or a token. Partner
keys are read-only. A partner request is checked, logged on its key (``request_count``,
``last_used_at``) and counted against the key's per-minute limit in one atomic UPDATE ... RETURNING
of the key's row, which matches only a usable key (not revoked, not expired) whose stored hash is
the hash of the key sent: one round trip to the database per request, where a SELECT then an
UPDATE cost two. The database is the store every server process shares, and one UPDATE cannot
lose a count to a concurrent request the way a cache's get-then-set can.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
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

    key: PartnerKey  # as this request's UPDATE left it: its window and count include this request
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


def _counting(where: str, returning: str) -> str:
    """The UPDATE that logs one request on the key ``where`` matches and counts it in the key's
    current one-minute window (a new window starts at 1), returning ``returning``.

    Its commit does not wait for the WAL to reach the disk (``synchronous_commit = off`` for this
    transaction only: the two statements are one transaction): that flush was 4 ms of every API
    request on the loaded benchmark machine, against 0.3 ms without. A database crash can lose
    the last fraction of a second of counts, never a key's state (revocation and expiry are
    written by ordinary, synchronous transactions); the count is still atomic under concurrency.
    """
    return f"""
    SET LOCAL synchronous_commit = off;
    UPDATE partners_partnerkey
       SET request_count = request_count + 1,
           last_used_at = statement_timestamp(),
           window_count = CASE WHEN window_started_at = date_trunc('minute', statement_timestamp())
                               THEN window_count + 1 ELSE 1 END,
           window_started_at = date_trunc('minute', statement_timestamp())
     WHERE {where}
 RETURNING {returning}
"""


_KEY_FIELDS = PartnerKey._meta.concrete_fields
_COUNT_REQUEST = _counting("id = %s", "window_started_at, window_count")
# the usable key (PartnerKeyManager.get_usable_keys: not revoked, not expired) with this prefix
# (a unique, indexed column) and hash
_USE_KEY = _counting(
    "prefix = %s AND hashed_key = %s AND NOT revoked AND (expiry_date IS NULL OR expiry_date >= statement_timestamp())",
    ", ".join(field.column for field in _KEY_FIELDS),
)


def _returned(sql: str, params: list[Any]) -> tuple | None:
    """The row ``sql`` (a ``_counting`` statement) returns, or None."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while cursor.nextset():  # past the SET's result to the UPDATE's (unless already there)
            pass
        return cursor.fetchone()


def count_request(key: PartnerKey) -> None:
    """Log one request on ``key`` and set its current one-minute window and count on it."""
    key.window_started_at, key.window_count = _returned(_COUNT_REQUEST, [key.pk])


def use_key(key: str) -> PartnerKey | None:
    """The usable key ``key`` names, its request logged and counted, in one UPDATE; None when no
    usable key has this prefix and hash.

    Keys are hashed with djangorestframework-api-key's SHA-512 hasher, which takes no salt, so the
    hash of what was sent is compared in the database. (Comparing there is not constant-time, but
    its timing can only tell a caller about the hash of their own guess, not about a stored key.)
    Keys stored with one of Django's older, salted password hashers do not match here; the caller
    falls back to the library's own check for them (``PartnerKey.objects.get_from_key``), which
    also rehashes them with SHA-512.
    """
    prefix, _, _ = key.partition(".")
    row = _returned(_USE_KEY, [prefix, PartnerKey.objects.key_generator.hash(key)])
    return None if row is None else PartnerKey.from_db(connection.alias, [f.attname for f in _KEY_FIELDS], row)


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
        partner_key = use_key(key)
        if partner_key is None:
            # an unknown, revoked or expired key, or one hashed before SHA-512 keys (see use_key)
            try:
                partner_key = PartnerKey.objects.get_from_key(key)
            except PartnerKey.DoesNotExist:
                raise exceptions.AuthenticationFailed("Unknown, revoked or expired API key.") from None
            count_request(partner_key)
        return Partner(partner_key), partner_key

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
        key = user.key
        if key.window_count <= key.rate_limit:
            return True
        window_end = key.window_started_at + WINDOW
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
