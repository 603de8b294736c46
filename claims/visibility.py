"""What may leave the desk: the one visibility rule, in Python and in SQL, side by side.

Partners, the public pages and anyone without a desk role see only what this rule lets through:

- a **dispute** that is published and not merged away;
- a **claim** that is published, not withdrawn, and placed in at least one visible dispute;
- a **review** that is published, not withdrawn, on a visible claim;
- an **annotation** that is public, not withdrawn, on a visible claim or a visible dispute;
- a **statement**, an **actor** (not merged away) or a **story** with at least one visible claim
  (as a version, as its speaker, as the story it was logged from);
- an **outlet** that published, was carried in or was cited by the story of a visible claim, or
  is in a visible claim's "via" chain.

The Python functions below are the rule the ORM uses (the models' ``visible()`` QuerySet methods,
the API's ``Audience`` and the change feed all read through them). ``SQL_FUNCTIONS`` is the same
rule for the database, where the change feed's commit-time trigger needs it; it is installed after
every ``migrate`` (``install_sql_functions``), and tests/claims/test_visibility.py checks the two
agree on every seed record. The change log's triggers (partners/migrations/) build on these
functions: ``partners_dispute_visible``, ``partners_claim_shown`` (published, not withdrawn),
``partners_claim_visible`` and ``partners_is_visible(kind, public_id)``. Change one, change the other in this file.

Models are looked up through the app registry, so this module imports no model module and every
model module may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet


def _all(model_label: str, qs: QuerySet | None) -> QuerySet:
    return apps.get_model(model_label)._default_manager.all() if qs is None else qs


# --- each record's own part of the rule ------------------------------------------------------
# What a record must be itself, whatever it hangs on. Enough for the children of parents already
# filtered as visible (a visible claim's reviews and notes, a visible dispute's claims): those are
# filtered on their own flags only, never against the set of every visible parent, whose semi-join
# grows with the archive.
def dispute_own(prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_published": True, f"{prefix}merged_into__isnull": True})


def claim_own(prefix: str = "") -> Q:
    """Published and not withdrawn: a claim of a visible dispute with this is visible."""
    return Q(**{f"{prefix}is_published": True, f"{prefix}withdrawn_at__isnull": True})


def review_own(prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_published": True, f"{prefix}withdrawn_at__isnull": True})


def annotation_own(prefix: str = "") -> Q:
    return Q(**{f"{prefix}is_public": True, f"{prefix}withdrawn_at__isnull": True})


# --- the whole rule ---------------------------------------------------------------------------
def disputes(qs: QuerySet | None = None) -> QuerySet:
    return _all("claims.Dispute", qs).filter(dispute_own())


def claims(qs: QuerySet | None = None) -> QuerySet:
    placements = apps.get_model("claims.ClaimDispute")._default_manager.filter(
        dispute_own("dispute__"), claim=OuterRef("pk")
    )
    return _all("claims.Claim", qs).filter(claim_own()).filter(Exists(placements))


def reviews(qs: QuerySet | None = None) -> QuerySet:
    return _all("claims.Review", qs).filter(review_own(), claim__in=claims())


def annotations(qs: QuerySet | None = None) -> QuerySet:
    return (
        _all("claims.Annotation", qs).filter(annotation_own()).filter(Q(claim__in=claims()) | Q(dispute__in=disputes()))
    )


def statements(qs: QuerySet | None = None) -> QuerySet:
    return _all("claims.Statement", qs).filter(Exists(claims().filter(statement=OuterRef("pk"))))


def actors(qs: QuerySet | None = None) -> QuerySet:
    return (
        _all("claims.Actor", qs)
        .filter(merged_into__isnull=True)
        .filter(Exists(claims().filter(speaker=OuterRef("pk"))))
    )


def stories(qs: QuerySet | None = None) -> QuerySet:
    return _all("sources.Story", qs).filter(Exists(claims().filter(story=OuterRef("pk"))))


def outlets(qs: QuerySet | None = None) -> QuerySet:
    visible = claims()
    return _all("sources.Outlet", qs).filter(
        Exists(visible.filter(story__outlet=OuterRef("pk")))
        | Exists(visible.filter(story__sources__outlet=OuterRef("pk")))
        | Exists(visible.filter(via__outlet=OuterRef("pk")))
    )


# The feed's resource names (partners.Change.Resource) and their visible querysets.
BY_RESOURCE: dict[str, Callable[[], QuerySet]] = {
    "dispute": disputes,
    "claim": claims,
    "review": reviews,
    "statement": statements,
    "actor": actors,
    "story": stories,
    "outlet": outlets,
}


SQL_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION partners_dispute_visible(dispute bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM claims_dispute WHERE id = dispute AND is_published AND merged_into_id IS NULL)
$$;

-- published and not withdrawn: visible as soon as it sits in a visible dispute
CREATE OR REPLACE FUNCTION partners_claim_shown(claim bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM claims_claim WHERE id = claim AND is_published AND withdrawn_at IS NULL)
$$;

CREATE OR REPLACE FUNCTION partners_claim_visible(claim bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT partners_claim_shown(claim) AND EXISTS (
        SELECT 1 FROM claims_claimdispute cd WHERE cd.claim_id = claim AND partners_dispute_visible(cd.dispute_id))
$$;

-- PL/pgSQL, not SQL: a SQL function is planned whole, all seven kinds, on every call from a trigger;
-- here only the kind asked for is planned, once per session (core/trigger_plans.py)
CREATE OR REPLACE FUNCTION partners_is_visible(kind text, pid uuid) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    CASE kind
    WHEN 'dispute' THEN RETURN EXISTS (
        SELECT 1 FROM claims_dispute d WHERE d.public_id = pid AND partners_dispute_visible(d.id));
    WHEN 'claim' THEN RETURN EXISTS (
        SELECT 1 FROM claims_claim c WHERE c.public_id = pid AND partners_claim_visible(c.id));
    WHEN 'review' THEN RETURN EXISTS (
        SELECT 1 FROM claims_review r WHERE r.public_id = pid AND r.is_published AND r.withdrawn_at IS NULL
           AND partners_claim_visible(r.claim_id));
    WHEN 'statement' THEN RETURN EXISTS (
        SELECT 1 FROM claims_statement s JOIN claims_claim c ON c.statement_id = s.id
         WHERE s.public_id = pid AND partners_claim_visible(c.id));
    WHEN 'actor' THEN RETURN EXISTS (
        SELECT 1 FROM claims_actor a JOIN claims_claim c ON c.speaker_id = a.id
         WHERE a.public_id = pid AND a.merged_into_id IS NULL AND partners_claim_visible(c.id));
    WHEN 'story' THEN RETURN EXISTS (
        SELECT 1 FROM sources_story s JOIN claims_claim c ON c.story_id = s.id
         WHERE s.public_id = pid AND partners_claim_visible(c.id));
    WHEN 'outlet' THEN RETURN EXISTS (
        SELECT 1 FROM sources_outlet o JOIN sources_story s ON s.outlet_id = o.id
          JOIN claims_claim c ON c.story_id = s.id
         WHERE o.public_id = pid AND partners_claim_visible(c.id)
        UNION ALL
        SELECT 1 FROM sources_outlet o JOIN claims_claimvia v ON v.outlet_id = o.id
         WHERE o.public_id = pid AND partners_claim_visible(v.claim_id)
        UNION ALL
        SELECT 1 FROM sources_outlet o JOIN sources_storysource ss ON ss.outlet_id = o.id
          JOIN claims_claim c ON c.story_id = ss.story_id
         WHERE o.public_id = pid AND partners_claim_visible(c.id));
    ELSE RETURN false;
    END CASE;
END
$$;
"""


# The tables the SQL form reads: it is installed only while they all exist (a migration run that
# stops short of them, or unapplies them, has nothing to install it on).
SQL_TABLES = {
    "claims_claim",
    "claims_claimdispute",
    "claims_dispute",
    "claims_review",
    "claims_statement",
    "claims_actor",
    "claims_claimvia",
    "sources_story",
    "sources_outlet",
    "sources_storysource",
}


def install_sql_functions(using: str = "default", **kwargs: Any) -> None:
    """(Re)create the SQL form of the rule; connected to ``post_migrate``, so it never drifts from here."""
    connection = connections[using]
    if not set(connection.introspection.table_names()) >= SQL_TABLES:
        return
    with connection.cursor() as cursor:
        cursor.execute(SQL_FUNCTIONS)
