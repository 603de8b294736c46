"""The change log records only changes partners can see: the desk's own work writes nothing.

Until now every write to a table behind a partner representation logged its claim, the claim's
disputes and more, whatever it was: a draft review upserted its claim and disputes (partners
learnt that a verdict was being drafted), and so did an unpublished claim placed in a published
dispute, a figure or a note on it, an edit of an unpublished dispute or statement, a link to an
unpublished claim, a claim flagged for re-anchoring. Each trigger now asks whether the change can
alter what partners see, before and after the statement: a resource is logged only while it is
visible (so it gets an upsert), or when it was visible and may have stopped being so (so it gets
a tombstone). Whatever makes something visible logs it, with everything its visibility carries,
so a change made while it was hidden is never lost: it arrives with the publication.

Also: a published correction names the review it supersedes only while that one is visible, so
a review leaving the visible set logs the corrections naming it.

Replaces the functions of 0002 (CREATE OR REPLACE); the triggers stay as they are.
"""

import importlib

from django.db import migrations

# Columns of the desk's own bookkeeping: an UPDATE that changes nothing else changes nothing a
# partner sees (version and updated_at move with every save; the re-anchoring flag is the desk's).
CLAIM_INTERNAL = "ARRAY['version', 'updated_at', 'needs_reanchoring', 'from_suggestion', 'key', 'created_by_id', 'search_vector']"
DISPUTE_INTERNAL = "ARRAY['version', 'updated_at', 'key', 'created_by_id', 'search_vector']"

FUNCTIONS = rf"""
CREATE OR REPLACE FUNCTION partners_dispute_visible(dispute bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM claims_dispute WHERE id = dispute AND is_published AND merged_into_id IS NULL)
$$;

-- published and not withdrawn: visible as soon as it sits in a visible dispute
CREATE OR REPLACE FUNCTION partners_claim_shown(claim bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM claims_claim WHERE id = claim AND is_published AND withdrawn_at IS NULL)
$$;

CREATE OR REPLACE FUNCTION partners_visible_claims(claim_ids bigint[]) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY(SELECT DISTINCT u FROM unnest(claim_ids) AS u WHERE partners_claim_visible(u))
$$;

CREATE OR REPLACE FUNCTION partners_shown_claims(claim_ids bigint[]) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY(SELECT DISTINCT u FROM unnest(claim_ids) AS u WHERE partners_claim_shown(u))
$$;

-- Claims whose representation (or visibility) changed, and the visible disputes showing them; with
-- deep, also what their visibility makes visible: reviews, story, outlets, speaker, statement, and
-- the visible statements and claims that name them. Callers pass only claims partners can see now,
-- or could see before this statement.
CREATE OR REPLACE FUNCTION partners_log_claims(claim_ids bigint[], deep boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF claim_ids IS NULL OR cardinality(claim_ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM partners_log('claim', ARRAY(SELECT public_id FROM claims_claim WHERE id = ANY(claim_ids)));
    PERFORM partners_log('dispute', ARRAY(
        SELECT d.public_id FROM claims_claimdispute cd JOIN claims_dispute d ON d.id = cd.dispute_id
         WHERE cd.claim_id = ANY(claim_ids) AND d.is_published AND d.merged_into_id IS NULL));
    IF NOT deep THEN
        RETURN;
    END IF;
    PERFORM partners_log('review', ARRAY(
        SELECT public_id FROM claims_review
         WHERE claim_id = ANY(claim_ids) AND is_published AND withdrawn_at IS NULL));
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
         WHERE c.id = ANY(claim_ids) AND partners_is_visible('statement', r.public_id)));
    PERFORM partners_log('claim', ARRAY(
        SELECT o.public_id FROM claims_claimlink l JOIN claims_claim o ON o.id = l.source_id
         WHERE l.target_id = ANY(claim_ids) AND partners_claim_visible(o.id)
        UNION
        SELECT o.public_id FROM claims_claimlink l JOIN claims_claim o ON o.id = l.target_id
         WHERE l.source_id = ANY(claim_ids) AND partners_claim_visible(o.id)));
END
$$;

CREATE OR REPLACE FUNCTION partners_on_claim() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_shown boolean;
    is_shown boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM partners_log('claim', ARRAY[OLD.public_id]);
        RETURN NULL;
    END IF;
    -- its placements are not touched by this statement: in a visible dispute before iff after
    is_shown := NEW.is_published AND NEW.withdrawn_at IS NULL;
    was_shown := TG_OP = 'UPDATE' AND OLD.is_published AND OLD.withdrawn_at IS NULL;
    IF NOT (is_shown OR was_shown) OR NOT EXISTS (
            SELECT 1 FROM claims_claimdispute cd WHERE cd.claim_id = NEW.id AND partners_dispute_visible(cd.dispute_id)) THEN
        RETURN NULL;  -- a claim partners cannot see, before or after: the desk's work in progress
    END IF;
    IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) - {CLAIM_INTERNAL}) = (to_jsonb(NEW) - {CLAIM_INTERNAL}) THEN
        RETURN NULL;  -- only the desk's bookkeeping changed
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

-- A placement shows only while its claim is published and its dispute visible: only then does it
-- change the claim, the dispute, or whether the claim (and what hangs on it) is visible.
CREATE OR REPLACE FUNCTION partners_on_claimdispute() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' AND partners_claim_shown(NEW.claim_id) AND partners_dispute_visible(NEW.dispute_id) THEN
        PERFORM partners_log_claims(ARRAY[NEW.claim_id], true);
    END IF;
    IF TG_OP <> 'INSERT' AND partners_claim_shown(OLD.claim_id) AND partners_dispute_visible(OLD.dispute_id) THEN
        IF TG_OP = 'DELETE' OR OLD.claim_id <> NEW.claim_id OR OLD.dispute_id <> NEW.dispute_id THEN
            PERFORM partners_log_claims(ARRAY[OLD.claim_id], true);
        END IF;
        PERFORM partners_log('dispute', ARRAY(SELECT public_id FROM claims_dispute WHERE id = OLD.dispute_id));
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION partners_on_dispute() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_visible boolean;
    is_visible boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM partners_log('dispute', ARRAY[OLD.public_id]);
        RETURN NULL;
    END IF;
    is_visible := NEW.is_published AND NEW.merged_into_id IS NULL;
    was_visible := TG_OP = 'UPDATE' AND OLD.is_published AND OLD.merged_into_id IS NULL;
    IF NOT (is_visible OR was_visible) THEN
        RETURN NULL;  -- an unpublished dispute's edits stay on the desk
    END IF;
    IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) - {DISPUTE_INTERNAL}) = (to_jsonb(NEW) - {DISPUTE_INTERNAL}) THEN
        RETURN NULL;
    END IF;
    PERFORM partners_log('dispute', ARRAY[NEW.public_id]);
    PERFORM partners_log('dispute', ARRAY(SELECT public_id FROM claims_dispute WHERE id = NEW.merged_into_id));
    IF is_visible IS DISTINCT FROM was_visible OR (TG_OP = 'UPDATE' AND OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id) THEN
        -- its published claims may have become visible or invisible
        PERFORM partners_log_claims(partners_shown_claims(ARRAY(
            SELECT claim_id FROM claims_claimdispute WHERE dispute_id = NEW.id)), true);
    ELSIF OLD.title IS DISTINCT FROM NEW.title OR OLD.kind IS DISTINCT FROM NEW.kind THEN
        -- visible claims show their disputes' title and kind
        PERFORM partners_log_claims(partners_visible_claims(ARRAY(
            SELECT claim_id FROM claims_claimdispute WHERE dispute_id = NEW.id)), false);
    END IF;
    RETURN NULL;
END
$$;

-- figures, reviews, public notes, vias and links: a change to their claim and its disputes, when
-- partners can see them
CREATE OR REPLACE FUNCTION partners_on_claim_part() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := '{{}}';
BEGIN
    IF TG_TABLE_NAME = 'claims_annotation' THEN
        IF NOT (COALESCE((CASE WHEN TG_OP <> 'DELETE' THEN NEW.is_public AND NEW.withdrawn_at IS NULL END), false)
                OR COALESCE((CASE WHEN TG_OP <> 'INSERT' THEN OLD.is_public AND OLD.withdrawn_at IS NULL END), false)) THEN
            RETURN NULL;  -- internal (or withdrawn) notes never leave the desk, not even as a change
        END IF;
        IF TG_OP <> 'DELETE' AND partners_dispute_visible(NEW.dispute_id) THEN
            PERFORM partners_log('dispute', ARRAY(SELECT public_id FROM claims_dispute WHERE id = NEW.dispute_id));
        END IF;
        IF TG_OP <> 'INSERT' AND partners_dispute_visible(OLD.dispute_id) THEN
            PERFORM partners_log('dispute', ARRAY(SELECT public_id FROM claims_dispute WHERE id = OLD.dispute_id));
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'claims_review' THEN
        IF NOT (COALESCE((CASE WHEN TG_OP <> 'DELETE' THEN NEW.is_published AND NEW.withdrawn_at IS NULL END), false)
                OR COALESCE((CASE WHEN TG_OP <> 'INSERT' THEN OLD.is_published AND OLD.withdrawn_at IS NULL END), false)) THEN
            RETURN NULL;  -- a draft verdict is the desk's: partners must not learn one is being written
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'claims_claimlink' THEN
        -- each end shows the link only while the other end is visible too
        IF TG_OP <> 'DELETE' AND partners_claim_visible(NEW.source_id) AND partners_claim_visible(NEW.target_id) THEN
            ids := ids || NEW.source_id || NEW.target_id;
        END IF;
        IF TG_OP <> 'INSERT' AND partners_claim_visible(OLD.source_id) AND partners_claim_visible(OLD.target_id) THEN
            ids := ids || OLD.source_id || OLD.target_id;
        END IF;
    ELSE
        IF TG_OP <> 'DELETE' THEN ids := ids || NEW.claim_id; END IF;
        IF TG_OP <> 'INSERT' THEN ids := ids || OLD.claim_id; END IF;
        ids := partners_visible_claims(ids);  -- none for a note on a dispute
    END IF;
    IF cardinality(ids) = 0 THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'claims_review' THEN
        IF TG_OP <> 'DELETE' THEN PERFORM partners_log('review', ARRAY[NEW.public_id]); END IF;
        IF TG_OP <> 'INSERT' THEN PERFORM partners_log('review', ARRAY[OLD.public_id]); END IF;
        -- a correction names the review it supersedes only while that one is visible
        PERFORM partners_log('review', ARRAY(
            SELECT public_id FROM claims_review
             WHERE supersedes_id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)
               AND is_published AND withdrawn_at IS NULL));
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

-- A statement is visible only through its visible versions, which its own edits do not change.
CREATE OR REPLACE FUNCTION partners_on_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_statement bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM partners_log('statement', ARRAY[OLD.public_id]);
        RETURN NULL;
    END IF;
    IF NOT partners_is_visible('statement', NEW.public_id) THEN
        RETURN NULL;
    END IF;
    PERFORM partners_log('statement', ARRAY[NEW.public_id]);
    -- its versions show it, and statements responding to it name it
    PERFORM partners_log_claims(partners_visible_claims(ARRAY(
        SELECT id FROM claims_claim WHERE statement_id = v_statement)), false);
    PERFORM partners_log('statement', ARRAY(
        SELECT public_id FROM claims_statement
         WHERE responds_to_id = v_statement AND partners_is_visible('statement', public_id)));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION partners_actor_speaks(actor bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM claims_claim WHERE speaker_id = actor AND partners_claim_visible(id))
$$;

CREATE OR REPLACE FUNCTION partners_on_actor() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_actor bigint;
BEGIN
    IF TG_TABLE_NAME = 'claims_actor' AND TG_OP = 'DELETE' THEN
        PERFORM partners_log('actor', ARRAY[OLD.public_id]);
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'claims_actor' THEN
        v_actor := NEW.id;
        -- visible while not merged away and the speaker of a visible claim
        IF NOT partners_actor_speaks(v_actor) OR NOT (NEW.merged_into_id IS NULL
                OR (TG_OP = 'UPDATE' AND OLD.merged_into_id IS NULL)) THEN
            RETURN NULL;
        END IF;
        PERFORM partners_log('actor', ARRAY(SELECT public_id FROM claims_actor WHERE id = NEW.merged_into_id));
    ELSE  -- aliases and roles
        v_actor := CASE WHEN TG_OP = 'DELETE' THEN OLD.actor_id ELSE NEW.actor_id END;
        IF NOT partners_is_visible('actor', (SELECT public_id FROM claims_actor WHERE id = v_actor)) THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM partners_log('actor', ARRAY(SELECT public_id FROM claims_actor WHERE id = v_actor));
    IF TG_TABLE_NAME = 'claims_actor' THEN
        -- claims and statements show their speaker
        PERFORM partners_log_claims(partners_visible_claims(ARRAY(
            SELECT id FROM claims_claim WHERE speaker_id = v_actor)), false);
        PERFORM partners_log('statement', ARRAY(
            SELECT public_id FROM claims_statement
             WHERE speaker_id = v_actor AND partners_is_visible('statement', public_id)));
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION partners_on_side() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_side bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
    PERFORM partners_log('actor', ARRAY(
        SELECT public_id FROM claims_actor WHERE side_id = v_side AND partners_is_visible('actor', public_id)));
    PERFORM partners_log_claims(partners_visible_claims(ARRAY(
        SELECT c.id FROM claims_claim c JOIN claims_actor a ON a.id = c.speaker_id WHERE a.side_id = v_side
        UNION SELECT claim_id FROM claims_figure WHERE whose_id = v_side
        UNION SELECT claim_id FROM claims_claimdispute WHERE blames_id = v_side)), false);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION partners_on_scope() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_scope bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
    PERFORM partners_log_claims(partners_visible_claims(ARRAY(
        SELECT claim_id FROM claims_figure WHERE scope_id = v_scope)), false);
    RETURN NULL;
END
$$;

-- A story is visible only through its visible claims, which its own edits (and its carried-from
-- sources) do not change.
CREATE OR REPLACE FUNCTION partners_on_story() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_story bigint;
BEGIN
    IF TG_TABLE_NAME = 'sources_story' THEN
        v_story := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
    ELSE  -- carried-from sources
        v_story := CASE WHEN TG_OP = 'DELETE' THEN OLD.story_id ELSE NEW.story_id END;
    END IF;
    IF NOT partners_is_visible('story', (SELECT public_id FROM sources_story WHERE id = v_story)) THEN
        IF TG_TABLE_NAME = 'sources_story' AND TG_OP = 'DELETE' THEN
            PERFORM partners_log('story', ARRAY[OLD.public_id]);
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM partners_log('outlet', ARRAY(SELECT public_id FROM sources_outlet WHERE id = NEW.outlet_id));
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM partners_log('outlet', ARRAY(SELECT public_id FROM sources_outlet WHERE id = OLD.outlet_id));
    END IF;
    PERFORM partners_log('story', ARRAY(SELECT public_id FROM sources_story WHERE id = v_story));
    IF TG_TABLE_NAME = 'sources_story' THEN
        PERFORM partners_log_claims(partners_visible_claims(ARRAY(
            SELECT id FROM claims_claim WHERE claims_claim.story_id = v_story)), false);
    END IF;
    RETURN NULL;
END
$$;

-- An outlet is visible only through visible claims, which its own edits do not change.
CREATE OR REPLACE FUNCTION partners_on_outlet() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_outlet bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM partners_log('outlet', ARRAY[OLD.public_id]);
        RETURN NULL;
    END IF;
    IF NOT partners_is_visible('outlet', NEW.public_id) THEN
        RETURN NULL;
    END IF;
    PERFORM partners_log('outlet', ARRAY[NEW.public_id]);
    PERFORM partners_log('story', ARRAY(
        SELECT public_id FROM sources_story s WHERE s.outlet_id = v_outlet AND partners_is_visible('story', s.public_id)));
    PERFORM partners_log_claims(partners_visible_claims(ARRAY(
        SELECT c.id FROM claims_claim c JOIN sources_story s ON s.id = c.story_id WHERE s.outlet_id = v_outlet
        UNION SELECT claim_id FROM claims_claimvia v WHERE v.outlet_id = v_outlet)), false);
    RETURN NULL;
END
$$;
"""

NEW_HELPERS = """
DROP FUNCTION IF EXISTS partners_actor_speaks(bigint), partners_shown_claims(bigint[]),
    partners_visible_claims(bigint[]), partners_claim_shown(bigint), partners_dispute_visible(bigint);
"""


def _previous_functions() -> str:
    """0002's function bodies, as CREATE OR REPLACE (its triggers and the exposure trigger stay)."""
    previous = importlib.import_module("partners.migrations.0002_change_log_triggers").FUNCTIONS
    previous = previous.split("-- The visibility rule, in SQL")[0]
    return previous.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_change_log_triggers"),
        ("claims", "0004_dispute_activity"),
    ]

    operations = [
        migrations.RunSQL(sql=FUNCTIONS, reverse_sql=_previous_functions() + NEW_HELPERS),
    ]
