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

Whether a claim is visible is also kept on the claim, as ``partner_visible`` (a partial index on
it): every read filters on that column instead of an EXISTS over the placements per claim, which
grew with the archive. The database keeps it equal to the rule after every statement
(``PARTNER_VISIBLE_SQL``: a claim's own write, claims placed, moved or removed, disputes published,
unpublished or merged); ``claims_by_rule`` is the rule computed from scratch, which
tests/claims/test_partner_visible.py compares it with after every way visibility changes.

The Python functions below are the rule the ORM uses (the models' ``visible()`` QuerySet methods,
the API's ``Audience`` and the change feed all read through them). ``SQL_FUNCTIONS`` is the same
rule for the database, where the change feed's commit-time trigger needs it; it is installed after
every ``migrate`` (``install_sql_functions``), and tests/claims/test_visibility.py checks the two
agree on every seed record. The change log's triggers (partners/migrations/) build on these
functions: ``partners_dispute_visible``, ``partners_claim_shown`` (published, not withdrawn),
``partners_claim_placed`` (in a visible dispute), ``partners_claim_visible`` and
``partners_is_visible(kind, public_id)``. Change one, change the other in this file.

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
    """Visible claims, read from the maintained ``partner_visible`` column (partial index): the
    database keeps it equal to ``claims_by_rule`` on every write (``SQL_FUNCTIONS`` below)."""
    return _all("claims.Claim", qs).filter(partner_visible=True)


def claims_by_rule(qs: QuerySet | None = None) -> QuerySet:
    """Visible claims computed from scratch: an EXISTS over the placements per claim. What the
    ``partner_visible`` column must always equal (tests/claims/test_partner_visible.py)."""
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

-- placed in at least one visible dispute
CREATE OR REPLACE FUNCTION partners_claim_placed(claim bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM claims_claimdispute cd WHERE cd.claim_id = claim AND partners_dispute_visible(cd.dispute_id))
$$;

CREATE OR REPLACE FUNCTION partners_claim_visible(claim bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT partners_claim_shown(claim) AND partners_claim_placed(claim)
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


PARTNER_VISIBLE_SQL = r"""
-- The maintained fact: claims_claim.partner_visible = partners_claim_visible(id) after every
-- statement. A claim's own write sets it (BEFORE, so it costs no second write); a statement
-- placing or removing claims, or changing whether disputes are visible, updates the claims whose
-- visibility it changed (once per statement, over its transition tables), and that update passes
-- through the BEFORE trigger, which computes the value from scratch whatever was written. Their
-- generic plans are set here (core/trigger_plans.py sets them after a migrate; this SQL is also
-- reinstalled on its own, and no caller inlines a trigger function).
CREATE OR REPLACE FUNCTION claims_claim_partner_visible() RETURNS trigger LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    NEW.partner_visible := NEW.is_published AND NEW.withdrawn_at IS NULL AND partners_claim_placed(NEW.id);
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION claims_refresh_partner_visible(claim_ids bigint[]) RETURNS void LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    UPDATE claims_claim c SET partner_visible = partners_claim_visible(c.id)
     WHERE c.id = ANY(claim_ids) AND c.partner_visible IS DISTINCT FROM partners_claim_visible(c.id);
END
$$;

CREATE OR REPLACE FUNCTION claims_placements_partner_visible() RETURNS trigger LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM claims_refresh_partner_visible(ARRAY(SELECT DISTINCT claim_id FROM new_placements));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM claims_refresh_partner_visible(ARRAY(SELECT DISTINCT claim_id FROM old_placements));
    ELSE
        PERFORM claims_refresh_partner_visible(ARRAY(
            SELECT claim_id FROM new_placements UNION SELECT claim_id FROM old_placements));
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION claims_disputes_partner_visible() RETURNS trigger LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    PERFORM claims_refresh_partner_visible(ARRAY(
        SELECT cd.claim_id FROM claims_claimdispute cd
         WHERE cd.dispute_id IN (
            SELECT n.id FROM new_disputes n JOIN old_disputes o ON o.id = n.id
             WHERE (n.is_published AND n.merged_into_id IS NULL)
                   IS DISTINCT FROM (o.is_published AND o.merged_into_id IS NULL))));
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER claims_partner_visible BEFORE INSERT OR UPDATE ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_claim_partner_visible();
CREATE OR REPLACE TRIGGER claims_partner_visible_placed AFTER INSERT ON claims_claimdispute
    REFERENCING NEW TABLE AS new_placements FOR EACH STATEMENT EXECUTE FUNCTION claims_placements_partner_visible();
CREATE OR REPLACE TRIGGER claims_partner_visible_moved AFTER UPDATE ON claims_claimdispute
    REFERENCING OLD TABLE AS old_placements NEW TABLE AS new_placements
    FOR EACH STATEMENT EXECUTE FUNCTION claims_placements_partner_visible();
CREATE OR REPLACE TRIGGER claims_partner_visible_removed AFTER DELETE ON claims_claimdispute
    REFERENCING OLD TABLE AS old_placements FOR EACH STATEMENT EXECUTE FUNCTION claims_placements_partner_visible();
CREATE OR REPLACE TRIGGER claims_partner_visible_disputes AFTER UPDATE ON claims_dispute
    REFERENCING OLD TABLE AS old_disputes NEW TABLE AS new_disputes
    FOR EACH STATEMENT EXECUTE FUNCTION claims_disputes_partner_visible();
"""

# Sets the column from scratch (the migration adding it; a repair if it were ever wrong).
PARTNER_VISIBLE_REFRESH_ALL = """
UPDATE claims_claim SET partner_visible = partners_claim_visible(id)
 WHERE partner_visible IS DISTINCT FROM partners_claim_visible(id)
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
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "claims_claim")}
        if "partner_visible" in columns:  # a migration run stopping short of it has no column to keep
            cursor.execute(PARTNER_VISIBLE_SQL)
