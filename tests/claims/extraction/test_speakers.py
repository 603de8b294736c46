# ruff: noqa: RUF003 - typographic apostrophes are what this code reads
"""Who said it: names found in a story and speaker phrases resolved to the desk's actors."""

from __future__ import annotations

import pytest

from claims.extraction import extract
from claims.extraction.speakers import gazetteer
from claims.extraction.text import layout
from tests.factories import ActorFactory, SideFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vestria(db):
    return SideFactory(key="vestria", name="Vestria")


def test_a_name_with_letters_that_fold_to_two_is_found_at_its_offsets(vestria):
    actor = ActorFactory(name="Jørgen Straße", side=vestria, aliases=["Æsa Straße"])
    text = "“We will not retreat,” Æsa Straße said on Monday.\n\nLater Jørgen Straße was seen in the capital.\n"
    names = [(text[h.start : h.end], h.actor_id) for h in gazetteer().hits(layout(text))]
    assert names == [("Æsa Straße", actor.pk), ("Jørgen Straße", actor.pk)]
    [candidate] = extract(text)
    assert (candidate.speaker, candidate.actor_id) == ("Æsa Straße", actor.pk)


def test_words_of_a_speakers_names_are_folded_as_the_words_they_are_compared_with(vestria):
    from claims.extraction.matching import Matcher

    actor = ActorFactory(name="Dara Straße", side=vestria, aliases=["Dara O`Brien"])
    # Folded in Python from the alias as written, as a quote's words are ("O’Brien said" has
    # "o'brien"); PostgreSQL's fold of the alias keeps the backtick ("o`brien").
    assert Matcher._names([actor.pk])[actor.pk] == {"dara", "strasse", "o'brien"}
