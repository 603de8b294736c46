"""The claim column ``partner_visible`` (claims 0013) is kept by triggers from the claim's placements
and disputes: those changes log the claim themselves, so the column moving alone logs nothing more.

Replaces 0004's ``partners_on_claim`` (CREATE OR REPLACE) with the column among the internal ones,
then installs the triggers keeping the column (claims/visibility.py) and sets it once for the claims
already there, with the claim table's triggers off for that one statement: it changes nothing an
editor or a partner sees, so it logs no history and no change.
"""

import importlib

from django.db import migrations

previous = importlib.import_module("partners.migrations.0004_feed_ignores_figures_disagree_flag")
CLAIM_INTERNAL = previous.CLAIM_INTERNAL.replace("'figures_disagree'", "'figures_disagree', 'partner_visible'")

OLD = previous.NEW
NEW = OLD.replace(previous.CLAIM_INTERNAL, CLAIM_INTERNAL)
assert NEW != OLD

DROP = """
DROP TRIGGER IF EXISTS claims_partner_visible ON claims_claim;
DROP TRIGGER IF EXISTS claims_partner_visible_placed ON claims_claimdispute;
DROP TRIGGER IF EXISTS claims_partner_visible_moved ON claims_claimdispute;
DROP TRIGGER IF EXISTS claims_partner_visible_removed ON claims_claimdispute;
DROP TRIGGER IF EXISTS claims_partner_visible_disputes ON claims_dispute;
DROP FUNCTION IF EXISTS claims_claim_partner_visible(), claims_placements_partner_visible(),
    claims_disputes_partner_visible(), claims_refresh_partner_visible(bigint[]);
"""


def install_and_fill(apps, schema_editor) -> None:
    from claims import visibility

    visibility.install_sql_functions(using=schema_editor.connection.alias)
    schema_editor.execute("ALTER TABLE claims_claim DISABLE TRIGGER USER")
    schema_editor.execute(visibility.PARTNER_VISIBLE_REFRESH_ALL)
    schema_editor.execute("ALTER TABLE claims_claim ENABLE TRIGGER USER")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_feed_ignores_figures_disagree_flag"),
        ("claims", "0013_claim_partner_visible"),
    ]

    operations = [
        migrations.RunSQL(sql=NEW, reverse_sql=OLD),
        migrations.RunPython(install_and_fill, migrations.RunPython.noop),
        migrations.RunSQL(migrations.RunSQL.noop, reverse_sql=DROP),
    ]
