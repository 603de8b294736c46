"""``claimdesk_normalise`` with its guards (sources/migrations/0007) gives exactly what the rules of
0003 give when every one runs over the whole text: the stored search vectors were built with those,
and every query is normalised with this one."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

ORIGINAL = importlib.import_module("sources.migrations.0003_claimdesk_normalise_function")
UNGUARDED = "pg_temp.claimdesk_normalise_unguarded"

pytestmark = pytest.mark.django_db


@pytest.fixture
def compare(db):
    """Both functions over texts: the pairs whose outputs differ (0003's function installed under
    another name, in this session's temporary schema)."""
    sql = ORIGINAL._function_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql[: sql.index("COMMENT ON")].replace("public.claimdesk_normalise", UNGUARDED))

    def differences(texts: list[str]) -> list[tuple[str, str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT x, public.claimdesk_normalise(x), {UNGUARDED}(x) FROM unnest(%s::text[]) x",
                [texts],
            )
            return [row for row in cursor.fetchall() if row[1] != row[2]]

    return differences


def _python(pattern: str) -> str:
    """A rule's PostgreSQL pattern as a Python one without its word boundaries, to draw matches from."""
    return pattern.replace(r"\m", "").replace(r"\M", "").replace("[:space:]", r"\s")


RULE_WORDS = st.one_of(
    *(st.from_regex(re.compile(_python(pattern), re.IGNORECASE), fullmatch=True) for pattern, _ in ORIGINAL.RULES)
)
FILLER = st.sampled_from(["the", "Said", "recent", "PER", "our", "Is", "re", "l", "raise", "centre-left", "ä", "İ"])
SEPARATORS = st.sampled_from([" ", "", "-", "\u2013", "\n", ", ", "  ", "_", "s", "d", "\u00a0"])


def test_the_seed_stories_normalise_as_before(compare):
    stories = [path.read_text(encoding="utf-8") for path in sorted((Path(settings.BASE_DIR) / "seeds").glob("*.txt"))]
    assert stories
    assert compare(stories + [s.upper() for s in stories] + [s.title() for s in stories]) == []


def test_a_rule_that_writes_another_rules_words_still_reaches_it(compare):
    texts = ["Manoeuvre", "MANOEUVRED troops", "manoeuvres, Centred", "per\ncent", "Cease \u2013 Fires"]
    assert compare(texts) == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.claimdesk_normalise(%s)", ["Troops manoeuvred at the Centre"])
        assert cursor.fetchone()[0] == "Troops maneuvered at the Center"


@hypothesis_settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pieces=st.lists(st.tuples(st.one_of(RULE_WORDS, FILLER), SEPARATORS), max_size=25))
@example(pieces=[("armoured", " "), ("Vehicles", ""), ("neighbouring", " "), ("defence", "")])
def test_any_text_of_the_rules_words_normalises_as_before(compare, pieces):
    text = "".join(word + separator for word, separator in pieces)
    assert compare([text, text.upper(), text.swapcase()]) == []
