"""The desk's full-text search configuration.

``claimdesk`` is English stemming over unaccented words (created in sources' first migration), so
accented and plain spellings of a name are one word and "killed" finds "kills". Every stored search vector and every
query uses it.
"""

SEARCH_CONFIG = "claimdesk"
