"""The desk's full-text search configuration, and the one way to build vectors and queries with it.

``claimdesk`` is English stemming over unaccented words (created in sources' first migration), so
accented and plain spellings of a name are one word and "killed" finds "kills".

Spelling variants are made one word *before* the text reaches the configuration, by the SQL
function ``claimdesk_normalise(text)`` (sources/migrations/0003): "cease-fire" and "cease fire"
become "ceasefire", British spellings the desk meets become American ones ("defence" ->
"defense", "armoured" -> "armored", "mobilisation" -> "mobilization", "per cent" -> "percent").
It runs inside PostgreSQL on both sides: in every stored generated ``search_vector`` (see
``search_vector``) and on the words typed (see ``search_query``), so the two always agree and no
query is rewritten in Python. A synonym or thesaurus dictionary would do the same but needs a
file in PostgreSQL's sharedir, which embedded and managed servers do not let us install.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import F, Func, TextField, Value
from django.db.models.expressions import Combinable

SEARCH_CONFIG = "claimdesk"
NORMALISE_FUNCTION = "public.claimdesk_normalise"


class Normalise(Func):
    """``claimdesk_normalise(text)``: spelling variants made one word (immutable, so indexable)."""

    function = NORMALISE_FUNCTION
    output_field = TextField()


def search_vector(*fields: str, weight: str) -> SearchVector:
    """The stored vector of ``fields``, normalised like every query is."""
    return SearchVector(*(Normalise(F(name)) for name in fields), weight=weight, config=SEARCH_CONFIG)


# A minus that excludes no word ("- -", "-----"): PostgreSQL stacks one negation per sign and
# refuses a long run with "tsquery stack too small", so such signs are dropped before the query.
_STRAY_MINUS = re.compile(r'(?<!\w)-+(?=([\w"])?)')


def typed_words(text: str) -> str:
    """What was typed, with minus signs that exclude no word removed and runs of them made one."""
    return _STRAY_MINUS.sub(lambda match: "-" if match.group(1) else " ", text)


def search_query(text: str | Combinable) -> SearchQuery:
    """The words typed, as PostgreSQL web search (phrases in quotes, -excluded, or), normalised."""
    value = text if isinstance(text, Combinable) else Value(typed_words(text))
    return SearchQuery(Normalise(value), config=SEARCH_CONFIG, search_type="websearch")


def highlight_query(text: str) -> SearchQuery:
    """The query for ``ts_headline`` over the text as written (never the normalised text, so a
    snippet shows the story's own words): the normalised words or the words as typed."""
    return search_query(text) | SearchQuery(typed_words(text), config=SEARCH_CONFIG, search_type="websearch")
