import django.db.models.deletion
from django.db import migrations, models

# The desk's home page reads what waits for an editor from tables these triggers keep, in the same
# transaction as every write (the desk, the admin, the API, raw SQL): a dispute's count of claims
# in use (claims_disputeactivity.claim_count), claims in use placed in no dispute
# (claims_waitingclaim) and stories with no claim in use (claims_storywithoutclaims). Claims are
# never deleted (a trigger refuses it); withdrawing one takes it out of every count and list.
# PL/pgSQL throughout, planned once per session (core/trigger_plans.py sets force_generic_plan).
DESK_TRIGGERS = """
CREATE FUNCTION claims_count_dispute_claims(v_dispute bigint, v_delta integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO claims_disputeactivity (dispute_id, touched_at, claim_count)
    SELECT v_dispute, clock_timestamp(), greatest(v_delta, 0)
     WHERE EXISTS (SELECT 1 FROM claims_dispute WHERE id = v_dispute)
    ON CONFLICT (dispute_id) DO UPDATE SET claim_count = greatest(claims_disputeactivity.claim_count + v_delta, 0);
END
$$;

CREATE FUNCTION claims_desk_claim_waits(v_claim bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO claims_waitingclaim (claim_id, created_at)
    SELECT c.id, c.created_at FROM claims_claim c
     WHERE c.id = v_claim AND c.withdrawn_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM claims_claimdispute WHERE claim_id = c.id)
    ON CONFLICT (claim_id) DO NOTHING;
END
$$;

CREATE FUNCTION claims_desk_story_unclaimed(v_story bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO claims_storywithoutclaims (story_id, dated_on)
    SELECT s.id, coalesce(s.published_on, s.created_at::date) FROM sources_story s
     WHERE s.id = v_story
       AND NOT EXISTS (SELECT 1 FROM claims_claim WHERE story_id = s.id AND withdrawn_at IS NULL)
    ON CONFLICT (story_id) DO NOTHING;
END
$$;

CREATE FUNCTION claims_desk_on_placement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM claims_claim WHERE id = OLD.claim_id AND withdrawn_at IS NULL) THEN
            PERFORM claims_count_dispute_claims(OLD.dispute_id, -1);
        END IF;
        PERFORM claims_desk_claim_waits(OLD.claim_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM claims_claim WHERE id = NEW.claim_id AND withdrawn_at IS NULL) THEN
            PERFORM claims_count_dispute_claims(NEW.dispute_id, 1);
        END IF;
        DELETE FROM claims_waitingclaim WHERE claim_id = NEW.claim_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION claims_desk_on_claim() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.withdrawn_at IS NULL THEN
            INSERT INTO claims_waitingclaim (claim_id, created_at) VALUES (NEW.id, NEW.created_at)
                ON CONFLICT (claim_id) DO NOTHING;
            DELETE FROM claims_storywithoutclaims WHERE story_id = NEW.story_id;
        END IF;
        RETURN NULL;
    END IF;
    IF (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL) THEN
        UPDATE claims_disputeactivity
           SET claim_count = greatest(claim_count + CASE WHEN NEW.withdrawn_at IS NULL THEN 1 ELSE -1 END, 0)
         WHERE dispute_id IN (SELECT dispute_id FROM claims_claimdispute WHERE claim_id = NEW.id);
        IF NEW.withdrawn_at IS NULL THEN
            PERFORM claims_desk_claim_waits(NEW.id);
        ELSE
            DELETE FROM claims_waitingclaim WHERE claim_id = NEW.id;
        END IF;
    END IF;
    IF OLD.story_id <> NEW.story_id OR (OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL) THEN
        PERFORM claims_desk_story_unclaimed(OLD.story_id);
        IF NEW.withdrawn_at IS NULL THEN
            DELETE FROM claims_storywithoutclaims WHERE story_id = NEW.story_id;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION claims_desk_on_story() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM claims_desk_story_unclaimed(NEW.id);
    ELSE
        UPDATE claims_storywithoutclaims SET dated_on = coalesce(NEW.published_on, NEW.created_at::date)
         WHERE story_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER claims_desk_lists AFTER INSERT OR DELETE OR UPDATE OF claim_id, dispute_id ON claims_claimdispute
    FOR EACH ROW EXECUTE FUNCTION claims_desk_on_placement();
CREATE TRIGGER claims_desk_lists AFTER INSERT OR UPDATE OF withdrawn_at, story_id ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_desk_on_claim();
CREATE TRIGGER claims_desk_lists AFTER INSERT OR UPDATE OF published_on ON sources_story
    FOR EACH ROW EXECUTE FUNCTION claims_desk_on_story();

UPDATE claims_disputeactivity a SET claim_count = (
    SELECT count(*) FROM claims_claimdispute cd JOIN claims_claim c ON c.id = cd.claim_id
     WHERE cd.dispute_id = a.dispute_id AND c.withdrawn_at IS NULL);
INSERT INTO claims_waitingclaim (claim_id, created_at)
SELECT c.id, c.created_at FROM claims_claim c
 WHERE c.withdrawn_at IS NULL AND NOT EXISTS (SELECT 1 FROM claims_claimdispute cd WHERE cd.claim_id = c.id);
INSERT INTO claims_storywithoutclaims (story_id, dated_on)
SELECT s.id, coalesce(s.published_on, s.created_at::date) FROM sources_story s
 WHERE NOT EXISTS (SELECT 1 FROM claims_claim c WHERE c.story_id = s.id AND c.withdrawn_at IS NULL);
"""

DROP_DESK_TRIGGERS = """
DROP TRIGGER IF EXISTS claims_desk_lists ON claims_claimdispute;
DROP TRIGGER IF EXISTS claims_desk_lists ON claims_claim;
DROP TRIGGER IF EXISTS claims_desk_lists ON sources_story;
DROP FUNCTION IF EXISTS claims_desk_on_placement();
DROP FUNCTION IF EXISTS claims_desk_on_claim();
DROP FUNCTION IF EXISTS claims_desk_on_story();
DROP FUNCTION IF EXISTS claims_count_dispute_claims(bigint, integer);
DROP FUNCTION IF EXISTS claims_desk_claim_waits(bigint);
DROP FUNCTION IF EXISTS claims_desk_story_unclaimed(bigint);
"""

class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0009_dispute_activity_planned_once'),
        ('sources', '0005_story_inbox_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='disputeactivity',
            name='claim_count',
            field=models.PositiveIntegerField(db_default=0, help_text='Claims placed in it and not withdrawn.'),
        ),
        migrations.CreateModel(
            name='StoryWithoutClaims',
            fields=[
                ('story', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='sources.story')),
                ('dated_on', models.DateField(help_text="The story's publication date, else the day it was imported.")),
            ],
            options={
                'verbose_name_plural': 'stories without claims',
                'indexes': [models.Index(fields=['-dated_on', '-story'], name='claims_unclaimedstory_recent')],
            },
        ),
        migrations.CreateModel(
            name='WaitingClaim',
            fields=[
                ('claim', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='claims.claim')),
                ('created_at', models.DateTimeField(help_text="When the claim was logged (the list's order).")),
            ],
            options={
                'indexes': [models.Index(fields=['-created_at', '-claim'], name='claims_waitingclaim_recent')],
            },
        ),
        migrations.RunSQL(DESK_TRIGGERS, reverse_sql=DROP_DESK_TRIGGERS),
    ]
