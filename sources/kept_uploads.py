"""A story file an editor uploaded, kept for a short while when the import page must be shown
again (a missing headline, an outlet to add first), so the file need not be chosen again.

Kept in the desk's cache (the database cache table, shared by every server process) under an
unguessable token, for ``KEEP_SECONDS``, and only for the user who uploaded it. The page carries
the token in a hidden field; nothing else about the file travels back and forth.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.cache import cache

KEEP_SECONDS = 30 * 60
TOKEN_BYTES = 24
_PREFIX = "kept-upload:"


@dataclass(frozen=True)
class KeptUpload:
    token: str
    name: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def upload_keep(*, user_id: int, name: str, data: bytes) -> KeptUpload:
    """Keep ``data`` (the file called ``name``) for ``user_id``; returns it with its token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    cache.set(_PREFIX + token, {"user": user_id, "name": name, "data": data}, KEEP_SECONDS)
    return KeptUpload(token, name, data)


def upload_kept(*, user_id: int, token: str | None) -> KeptUpload | None:
    """The upload kept under ``token`` for this user, or None (unknown, expired, someone else's)."""
    if not token or len(token) > 64 or not token.isascii() or not token.replace("-", "").replace("_", "").isalnum():
        return None
    kept = cache.get(_PREFIX + token)
    if not isinstance(kept, dict) or kept.get("user") != user_id:
        return None
    return KeptUpload(token, kept["name"], kept["data"])


def upload_forget(token: str) -> None:
    cache.delete(_PREFIX + token)
