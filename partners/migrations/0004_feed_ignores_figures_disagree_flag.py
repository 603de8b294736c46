"""The claim flag "words and figures disagree" (claims 0007) is the desk's bookkeeping, like the
re-anchoring flag: setting or clearing it alone logs nothing to the change feed.

Replaces 0003's ``partners_on_claim`` (CREATE OR REPLACE) with the flag among the internal columns.
"""

import importlib

from django.db import migrations

previous = importlib.import_module("partners.migrations.0003_feed_ignores_internal_changes")
CLAIM_INTERNAL = previous.CLAIM_INTERNAL.replace("'needs_reanchoring'", "'needs_reanchoring', 'figures_disagree'")


def _on_claim(functions: str) -> str:
    """The partners_on_claim function out of a migration's function text."""
    start = functions.index("CREATE OR REPLACE FUNCTION partners_on_claim()")
    return functions[start : functions.index("$$;", start) + 3]


OLD = _on_claim(previous.FUNCTIONS)
NEW = OLD.replace(previous.CLAIM_INTERNAL, CLAIM_INTERNAL)
assert NEW != OLD


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_feed_ignores_internal_changes"),
        ("claims", "0007_figures_versioned_placements_versioned_figures_disagree"),
    ]

    operations = [migrations.RunSQL(sql=NEW, reverse_sql=OLD)]
