"""Triggers that write the change log, and the deferred trigger that remembers what was visible.

Every table whose rows show in a partner-facing representation logs the resources it touches
into partners_change (resource type + public id; the transaction id comes from the column
default). One row per resource and transaction. What a row means (upsert or tombstone) is
decided when the feed serves it.

partners_is_visible() is the visibility rule of claims/models (Dispute/Claim/Review .visible(),
and stories, actors, outlets, statements visible only through visible claims) written in SQL;
tests/claims/test_visibility.py checks that both agree on the whole seed dataset.
"""

from django.db import migrations

FUNCTIONS = r"""
CREATE FUNCTION partners_log(kind text, ids uuid[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO partners_change (resource, public_id)
    SELECT DISTINCT kind, u FROM unnest(ids) AS u WHERE u IS NOT NULL
    ON CONFLICT (txid, resource, public_id) DO NOTHING
$$;

-- Claims and the disputes showing them; with deep, also what their visibility makes visible:
-- reviews, story, outlets, speaker, statement (and responses to it), linked claims.
CREATE FUNCTION partners_log_claims(claim_ids bigint[], deep boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF claim_ids IS NULL OR cardinality(claim_ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM partners_log('claim', ARRAY(SELECT public_id FROM claims_claim WHERE id = ANY(claim_ids)));
    PERFORM partners_log('dispute', ARRAY(
        SELECT d.public_id FROM claims_claimdispute cd JOIN claims_dispute d ON d.id = cd.dispute_id
         WHERE cd.claim_id = ANY(claim_ids)));
    IF NOT deep THEN
        RETURN;
    END IF;
    PERFORM partners_log('review', ARRAY(SELECT public_id FROM claims_review WHERE claim_id = ANY(claim_ids)));
    PERFORM partners_log('story', ARRAY(
        SELECT s.public_id FROM claims_claim c JOIN sources_story s ON s.id = c.story_id
         WHERE c.id = ANY(claim_ids)));
    PERFORM partners_log('outlet', ARRAY(
        SELECT o.public_id FROM claims_claim c JOIN sources_story s ON s.id = c.story_id
          JOIN sources_outlet o ON o.id = s.outlet_id WHERE c.id = ANY(claim_ids)
        UNION
        SELECT o.public_id FROM claims_claimvia v JOIN sources_outlet o ON o.id = v.outlet_id
         WHERE v.claim_id = ANY(claim_ids)
        UNION
        SELECT o.public_id FROM claims_claim c JOIN sources_storysource ss ON ss.story_id = c.story_id
          JOIN sources_outlet o ON o.id = ss.outlet_id WHERE c.id = ANY(claim_ids)));
    PERFORM partners_log('actor', ARRAY(
        SELECT a.public_id FROM claims_claim c JOIN claims_actor a ON a.id = c.speaker_id
         WHERE c.id = ANY(claim_ids)));
    PERFORM partners_log('statement', ARRAY(
        SELECT st.public_id FROM claims_claim c JOIN claims_statement st ON st.id = c.statement_id
         WHERE c.id = ANY(claim_ids)
        UNION
        SELECT r.public_id FROM claims_claim c JOIN claims_statement r ON r.responds_to_id = c.statement_id
         WHERE c.id = ANY(claim_ids)));
    PERFORM partners_log('claim', ARRAY(
        SELECT o.public_id FROM claims_claimlink l JOIN claims_claim o ON o.id = l.source_id
         WHERE l.target_id = ANY(claim_ids)
        UNION
        SELECT o.public_id FROM claims_claimlink l JOIN claims_claim o ON o.id = l.target_id
         WHERE l.source_id = ANY(claim_ids)));
END
$$;

CREATE FUNCTION partners_on_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM partners_log('claim', ARRAY[OLD.public_id]);
        RETURN NULL;
    END IF;
    PERFORM partners_log_claims(ARRAY[NEW.id], true);
    IF TG_OP = 'UPDATE' THEN
        PERFORM partners_log('actor', ARRAY(
            SELECT public_id FROM claims_actor WHERE id = OLD.speaker_id AND OLD.speaker_id IS DISTINCT FROM NEW.speaker_id));
        PERFORM partners_log('statement', ARRAY(
            SELECT public_id FROM claims_statement
             WHERE id = OLD.statement_id AND OLD.statement_id IS DISTINCT FROM NEW.statement_id));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION partners_on_claimdispute() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM partners_log_claims(ARRAY[NEW.claim_id], true);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        IF TG_OP = 'DELETE' OR OLD.claim_id <> NEW.claim_id THEN
            PERFORM partners_log_claims(ARRAY[OLD.claim_id], true);
        END IF;
        PERFORM partners_log('dispute', ARRAY(SELECT public_id FROM claims_dispute WHERE id = OLD.dispute_id));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION partners_on_dispute() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM partners_log('dispute', ARRAY[OLD.public_id]);
        RETURN NULL;
    END IF;
    PERFORM partners_log('dispute', ARRAY[NEW.public_id]);
    PERFORM partners_log('dispute', ARRAY(SELECT public_id FROM claims_dispute WHERE id = NEW.merged_into_id));
    IF TG_OP = 'INSERT' OR OLD.is_published IS DISTINCT FROM NEW.is_published
            OR OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id THEN
        -- the dispute's claims may have become visible or invisible
        PERFORM partners_log_claims(ARRAY(SELECT claim_id FROM claims_claimdispute WHERE dispute_id = NEW.id), true);
    ELSIF OLD.title IS DISTINCT FROM NEW.title OR OLD.kind IS DISTINCT FROM NEW.kind THEN
        -- claims show their disputes' title and kind
        PERFORM partners_log_claims(ARRAY(SELECT claim_id FROM claims_claimdispute WHERE dispute_id = NEW.id), false);
    END IF;
    RETURN NULL;
END
$$;

-- figures, reviews, public annotations, vias and links: a change to their claim and its disputes
CREATE FUNCTION partners_on_claim_part() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := '{}';
BEGIN
    IF TG_TABLE_NAME = 'claims_annotation' THEN
        IF NOT (COALESCE((CASE WHEN TG_OP <> 'DELETE' THEN NEW.is_public END), false)
                OR COALESCE((CASE WHEN TG_OP <> 'INSERT' THEN OLD.is_public END), false)) THEN
            RETURN NULL;  -- internal notes never leave the desk, not even as a change
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM partners_log('dispute', ARRAY(SELECT public_id FROM claims_dispute WHERE id = NEW.dispute_id));
        END IF;
        IF TG_OP <> 'INSERT' THEN
            PERFORM partners_log('dispute', ARRAY(SELECT public_id FROM claims_dispute WHERE id = OLD.dispute_id));
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'claims_claimlink' THEN
        IF TG_OP <> 'DELETE' THEN ids := ids || NEW.source_id || NEW.target_id; END IF;
        IF TG_OP <> 'INSERT' THEN ids := ids || OLD.source_id || OLD.target_id; END IF;
    ELSE
        IF TG_OP <> 'DELETE' THEN ids := ids || NEW.claim_id; END IF;
        IF TG_OP <> 'INSERT' THEN ids := ids || OLD.claim_id; END IF;
    END IF;
    IF TG_TABLE_NAME = 'claims_review' THEN
        IF TG_OP <> 'DELETE' THEN PERFORM partners_log('review', ARRAY[NEW.public_id]); END IF;
        IF TG_OP <> 'INSERT' THEN PERFORM partners_log('review', ARRAY[OLD.public_id]); END IF;
    END IF;
    IF TG_TABLE_NAME = 'claims_claimvia' THEN
        -- an outlet in a visible claim's chain is visible through it
        IF TG_OP <> 'DELETE' THEN
            PERFORM partners_log('outlet', ARRAY(SELECT public_id FROM sources_outlet WHERE id = NEW.outlet_id));
        END IF;
        IF TG_OP <> 'INSERT' THEN
            PERFORM partners_log('outlet', ARRAY(SELECT public_id FROM sources_outlet WHERE id = OLD.outlet_id));
        END IF;
    END IF;
    PERFORM partners_log_claims(ids, false);
    RETURN NULL;
END
$$;

CREATE FUNCTION partners_on_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_statement bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM partners_log('statement', ARRAY[NEW.public_id]); END IF;
    IF TG_OP <> 'INSERT' THEN PERFORM partners_log('statement', ARRAY[OLD.public_id]); END IF;
    -- its versions show it, and statements responding to it name it
    PERFORM partners_log_claims(ARRAY(SELECT id FROM claims_claim WHERE statement_id = v_statement), false);
    PERFORM partners_log('statement', ARRAY(SELECT public_id FROM claims_statement WHERE responds_to_id = v_statement));
    RETURN NULL;
END
$$;

CREATE FUNCTION partners_on_actor() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_actor bigint;
BEGIN
    IF TG_TABLE_NAME = 'claims_actor' THEN
        v_actor := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
        IF TG_OP <> 'DELETE' THEN
            PERFORM partners_log('actor', ARRAY(SELECT public_id FROM claims_actor WHERE id = NEW.merged_into_id));
        END IF;
    ELSE  -- aliases and roles
        v_actor := CASE WHEN TG_OP = 'DELETE' THEN OLD.actor_id ELSE NEW.actor_id END;
    END IF;
    IF TG_TABLE_NAME = 'claims_actor' AND TG_OP = 'DELETE' THEN
        PERFORM partners_log('actor', ARRAY[OLD.public_id]);
        RETURN NULL;
    END IF;
    PERFORM partners_log('actor', ARRAY(SELECT public_id FROM claims_actor WHERE id = v_actor));
    IF TG_TABLE_NAME = 'claims_actor' THEN
        -- claims and statements show their speaker
        PERFORM partners_log_claims(ARRAY(SELECT id FROM claims_claim WHERE speaker_id = v_actor), false);
        PERFORM partners_log('statement', ARRAY(SELECT public_id FROM claims_statement WHERE speaker_id = v_actor));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION partners_on_side() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_side bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
    PERFORM partners_log('actor', ARRAY(SELECT public_id FROM claims_actor WHERE side_id = v_side));
    PERFORM partners_log_claims(ARRAY(
        SELECT c.id FROM claims_claim c JOIN claims_actor a ON a.id = c.speaker_id WHERE a.side_id = v_side
        UNION SELECT claim_id FROM claims_figure WHERE whose_id = v_side
        UNION SELECT claim_id FROM claims_claimdispute WHERE blames_id = v_side), false);
    RETURN NULL;
END
$$;

CREATE FUNCTION partners_on_scope() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_scope bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
    PERFORM partners_log_claims(ARRAY(SELECT claim_id FROM claims_figure WHERE scope_id = v_scope), false);
    RETURN NULL;
END
$$;

CREATE FUNCTION partners_on_story() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_story bigint;
BEGIN
    IF TG_TABLE_NAME = 'sources_story' THEN
        v_story := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
        IF TG_OP <> 'DELETE' THEN
            PERFORM partners_log('outlet', ARRAY(SELECT public_id FROM sources_outlet WHERE id = NEW.outlet_id));
        END IF;
        IF TG_OP <> 'INSERT' THEN
            PERFORM partners_log('story', ARRAY[OLD.public_id]);
            PERFORM partners_log('outlet', ARRAY(SELECT public_id FROM sources_outlet WHERE id = OLD.outlet_id));
        END IF;
    ELSE  -- carried-from sources
        v_story := CASE WHEN TG_OP = 'DELETE' THEN OLD.story_id ELSE NEW.story_id END;
        IF TG_OP <> 'DELETE' THEN
            PERFORM partners_log('outlet', ARRAY(SELECT public_id FROM sources_outlet WHERE id = NEW.outlet_id));
        END IF;
        IF TG_OP <> 'INSERT' THEN
            PERFORM partners_log('outlet', ARRAY(SELECT public_id FROM sources_outlet WHERE id = OLD.outlet_id));
        END IF;
    END IF;
    PERFORM partners_log('story', ARRAY(SELECT public_id FROM sources_story WHERE id = v_story));
    IF TG_TABLE_NAME = 'sources_story' THEN
        PERFORM partners_log_claims(ARRAY(SELECT id FROM claims_claim WHERE claims_claim.story_id = v_story), false);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION partners_on_outlet() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_outlet bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM partners_log('outlet', ARRAY[OLD.public_id]);
        RETURN NULL;
    END IF;
    PERFORM partners_log('outlet', ARRAY[NEW.public_id]);
    PERFORM partners_log('story', ARRAY(SELECT public_id FROM sources_story s WHERE s.outlet_id = v_outlet));
    PERFORM partners_log_claims(ARRAY(
        SELECT c.id FROM claims_claim c JOIN sources_story s ON s.id = c.story_id WHERE s.outlet_id = v_outlet
        UNION SELECT claim_id FROM claims_claimvia v WHERE v.outlet_id = v_outlet), false);
    RETURN NULL;
END
$$;

-- The visibility rule, in SQL, for the exposure trigger.
CREATE FUNCTION partners_claim_visible(claim bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM claims_claim c
          JOIN claims_claimdispute cd ON cd.claim_id = c.id
          JOIN claims_dispute d ON d.id = cd.dispute_id
         WHERE c.id = claim AND c.is_published AND c.withdrawn_at IS NULL
           AND d.is_published AND d.merged_into_id IS NULL)
$$;

CREATE FUNCTION partners_is_visible(kind text, pid uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE kind
        WHEN 'dispute' THEN EXISTS (
            SELECT 1 FROM claims_dispute d WHERE d.public_id = pid AND d.is_published AND d.merged_into_id IS NULL)
        WHEN 'claim' THEN EXISTS (
            SELECT 1 FROM claims_claim c WHERE c.public_id = pid AND partners_claim_visible(c.id))
        WHEN 'review' THEN EXISTS (
            SELECT 1 FROM claims_review r WHERE r.public_id = pid AND r.is_published AND r.withdrawn_at IS NULL
               AND partners_claim_visible(r.claim_id))
        WHEN 'statement' THEN EXISTS (
            SELECT 1 FROM claims_statement s JOIN claims_claim c ON c.statement_id = s.id
             WHERE s.public_id = pid AND partners_claim_visible(c.id))
        WHEN 'actor' THEN EXISTS (
            SELECT 1 FROM claims_actor a JOIN claims_claim c ON c.speaker_id = a.id
             WHERE a.public_id = pid AND a.merged_into_id IS NULL AND partners_claim_visible(c.id))
        WHEN 'story' THEN EXISTS (
            SELECT 1 FROM sources_story s JOIN claims_claim c ON c.story_id = s.id
             WHERE s.public_id = pid AND partners_claim_visible(c.id))
        WHEN 'outlet' THEN EXISTS (
            SELECT 1 FROM sources_outlet o JOIN sources_story s ON s.outlet_id = o.id
              JOIN claims_claim c ON c.story_id = s.id
             WHERE o.public_id = pid AND partners_claim_visible(c.id)
            UNION ALL
            SELECT 1 FROM sources_outlet o JOIN claims_claimvia v ON v.outlet_id = o.id
             WHERE o.public_id = pid AND partners_claim_visible(v.claim_id)
            UNION ALL
            SELECT 1 FROM sources_outlet o JOIN sources_storysource ss ON ss.outlet_id = o.id
              JOIN claims_claim c ON c.story_id = ss.story_id
             WHERE o.public_id = pid AND partners_claim_visible(c.id))
        ELSE false
    END
$$;

-- Runs at commit, so it sees the transaction's final state: a resource published and withdrawn
-- within one transaction was never visible and is not recorded.
CREATE FUNCTION partners_record_exposure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF partners_is_visible(NEW.resource, NEW.public_id) THEN
        INSERT INTO partners_exposure (resource, public_id) VALUES (NEW.resource, NEW.public_id)
        ON CONFLICT (resource, public_id) DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER partners_change_exposure AFTER INSERT ON partners_change
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION partners_record_exposure();
"""

TRIGGERS = [
    ("claims_claim", "partners_on_claim"),
    ("claims_claimdispute", "partners_on_claimdispute"),
    ("claims_dispute", "partners_on_dispute"),
    ("claims_figure", "partners_on_claim_part"),
    ("claims_review", "partners_on_claim_part"),
    ("claims_annotation", "partners_on_claim_part"),
    ("claims_claimvia", "partners_on_claim_part"),
    ("claims_claimlink", "partners_on_claim_part"),
    ("claims_statement", "partners_on_statement"),
    ("claims_actor", "partners_on_actor"),
    ("claims_actoralias", "partners_on_actor"),
    ("claims_actorrole", "partners_on_actor"),
    ("claims_side", "partners_on_side"),
    ("claims_scope", "partners_on_scope"),
    ("sources_story", "partners_on_story"),
    ("sources_storysource", "partners_on_story"),
    ("sources_outlet", "partners_on_outlet"),
]

CREATE_TRIGGERS = "\n".join(
    f"CREATE TRIGGER partners_change_log AFTER INSERT OR UPDATE OR DELETE ON {table} "
    f"FOR EACH ROW EXECUTE FUNCTION {function}();"
    for table, function in TRIGGERS
)
DROP_TRIGGERS = "\n".join(f"DROP TRIGGER IF EXISTS partners_change_log ON {table};" for table, _ in TRIGGERS)
DROP_FUNCTIONS = """
DROP TRIGGER IF EXISTS partners_change_exposure ON partners_change;
DROP FUNCTION IF EXISTS partners_record_exposure(), partners_is_visible(text, uuid), partners_claim_visible(bigint),
    partners_on_outlet(), partners_on_story(), partners_on_scope(), partners_on_side(), partners_on_actor(),
    partners_on_statement(), partners_on_claim_part(), partners_on_dispute(), partners_on_claimdispute(),
    partners_on_claim(), partners_log_claims(bigint[], boolean), partners_log(text, uuid[]);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_partner_keys_and_change_log"),
        ("claims", "0002_claims_on_stories"),
        ("sources", "0002_outlets_and_stories"),
    ]

    operations = [
        migrations.RunSQL(sql=FUNCTIONS + CREATE_TRIGGERS, reverse_sql=DROP_TRIGGERS + DROP_FUNCTIONS),
    ]
