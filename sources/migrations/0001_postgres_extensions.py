"""PostgreSQL extensions and the full-text search configuration the desk relies on.

``claimdesk`` is English stemming over unaccented words, so "Hajiyev" finds "Hacıyev" and
searches ignore accents; generated search-vector columns name it explicitly.
"""

from django.contrib.postgres.operations import BtreeGistExtension, TrigramExtension, UnaccentExtension
from django.db import migrations

TEXT_SEARCH_CONFIG = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'claimdesk') THEN
        CREATE TEXT SEARCH CONFIGURATION claimdesk (COPY = pg_catalog.english);
        ALTER TEXT SEARCH CONFIGURATION claimdesk
            ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, english_stem;
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        BtreeGistExtension(),
        migrations.RunSQL(TEXT_SEARCH_CONFIG, reverse_sql="DROP TEXT SEARCH CONFIGURATION IF EXISTS claimdesk;"),
    ]
