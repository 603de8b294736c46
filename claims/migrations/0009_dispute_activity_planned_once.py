"""The dispute activity touch in PL/pgSQL: its upsert is planned once per session, not per row.

As a SQL function it was planned on every call, once for every claim placed in a dispute (a third
of a millisecond a row, the largest cost of writing placements after the history triggers). The
trigger function calling it runs with generic plans (core/trigger_plans.py), which this inherits.
"""

from django.db import migrations

PLPGSQL = """
CREATE OR REPLACE FUNCTION claims_touch_dispute(v_dispute bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF v_dispute IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO claims_disputeactivity (dispute_id, touched_at)
    SELECT v_dispute, clock_timestamp() WHERE EXISTS (SELECT 1 FROM claims_dispute WHERE id = v_dispute)
    ON CONFLICT (dispute_id) DO UPDATE SET touched_at = EXCLUDED.touched_at;
END
$$;
"""

SQL = """
CREATE OR REPLACE FUNCTION claims_touch_dispute(v_dispute bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO claims_disputeactivity (dispute_id, touched_at)
    SELECT v_dispute, clock_timestamp() WHERE v_dispute IS NOT NULL
      AND EXISTS (SELECT 1 FROM claims_dispute WHERE id = v_dispute)
    ON CONFLICT (dispute_id) DO UPDATE SET touched_at = EXCLUDED.touched_at;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("claims", "0008_story_readings_and_inbox_indexes")]

    operations = [migrations.RunSQL(sql=PLPGSQL, reverse_sql=SQL)]
