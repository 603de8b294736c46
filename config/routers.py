"""Reads that may go to a streaming replica, and everything else on the primary (docs/scaling.md).

With ``DATABASE_REPLICA_URLS`` set, settings add one alias per replica (``replica1``, ...); without
it this router sends everything to ``default``. A request is marked for replica reads by
``ReplicaReadsMiddleware`` when it is a GET or HEAD of a page whose readers accept data a moment
old: the partner API's lists (not the change feed, whose cursor depends on the primary's snapshot),
search and the public pages. Even then:

- only the desk's content (the ``claims`` and ``sources`` apps) is read from a replica; users,
  sessions, partner keys and their rate-limit counts, the change log and the cache stay on the
  primary (a revoked key must stop working at once);
- once the request has written any of that content, every later read of it goes to the primary,
  so nothing is read back from a replica that has not caught up with the write.
"""

from __future__ import annotations

import random
import re
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA_APPS = {"claims", "sources"}
_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)

# GET paths whose readers accept replication lag: API lists (the change feed and single records
# stay on the primary), search and the public pages
REPLICA_PATHS = re.compile(r"^/(?:api/v1/(?!changes/)[a-z-]+/(?:export/)?$|search/$|public/)")


def replicas() -> list[str]:
    return settings.DATABASE_REPLICAS


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _replica_reads.get() and model._meta.app_label in REPLICA_APPS:
            aliases = replicas()
            if aliases:
                return random.choice(aliases)
        return "default"

    def db_for_write(self, model: Any, **hints: Any) -> str:
        if model._meta.app_label in REPLICA_APPS:
            _replica_reads.set(False)  # read your own writes: the primary from here on
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # every alias holds the same database

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


class ReplicaReadsMiddleware:
    """Marks the request's reads for a replica when its path and method allow it (see above)."""

    def __init__(self, get_response: Any):
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        eligible = request.method in ("GET", "HEAD") and bool(REPLICA_PATHS.match(request.path_info))
        token = _replica_reads.set(eligible and bool(replicas()))
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)
