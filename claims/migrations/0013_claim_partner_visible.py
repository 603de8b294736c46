"""Whether partners may see a claim, kept on the claim as ``partner_visible`` with a partial index.

The API's lists and details, the public pages and the change feed filtered visible claims with an
EXISTS over the placements of every claim (and the statements, actors, stories and outlets through
them), a cost that grew with the archive. The triggers of claims/visibility.py
(``PARTNER_VISIBLE_SQL``, reinstalled after every ``migrate``) now keep the column equal to the
rule: a claim's own write, placing or removing claims, publishing, unpublishing or merging disputes.
partners 0005 installs them and sets the column for the claims already there (after the change
log's functions, which the rule's SQL form replaces, exist).
"""

from django.conf import settings
from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_track_suggestion_dismissal_history"),
        ("sources", "0006_outlet_created_by"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="partner_visible",
            field=models.BooleanField(
                db_default=False,
                default=False,
                editable=False,
                help_text="Partners may see it (claims/visibility.py): kept by database triggers, never set by hand.",
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("partner_visible", True)), fields=["public_id"], name="claims_claim_partner_visible"
            ),
        ),
    ]
