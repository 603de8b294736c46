# ruff: noqa: RUF001, RUF003 - typographic apostrophes are what this code reads
"""Who said it: names found in a story and speaker phrases resolved to the desk's actors."""

from __future__ import annotations

from datetime import date

import pytest

from claims.extraction import extract
from claims.extraction.speakers import Resolver, gazetteer, parse_phrase
from claims.extraction.text import layout
from claims.models import ActorRole
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


def test_a_name_several_actors_share_is_not_guessed(vestria):
    """The assistant used to pick the lowest id; the desk's speaker field refused. Refusing wins."""
    ActorFactory(name="Alim Hasanli", side=vestria)
    ActorFactory(name="Alim Hasanli of Teshin", side=vestria, aliases=["Alim Hasanli"])
    [candidate] = extract("Alim Hasanli said on Monday that the talks had failed.", published_on=date(2024, 5, 4))
    assert candidate.actor_id is None
    assert candidate.proposed_actor == {
        "name": "Alim Hasanli",
        "title": None,
        "kind": "person",
        "side_id": None,
        "side": None,
    }


def test_a_shared_name_is_told_apart_by_the_one_role_held_on_the_day(vestria):
    ActorFactory(name="Alim Hasanli", side=vestria)
    minister = ActorFactory(name="Alim Hasanli of Teshin", side=vestria, aliases=["Alim Hasanli"])
    ActorRole.objects.create(actor=minister, title="Foreign Minister of Vestria", start=date(2020, 1, 1))
    [candidate] = extract("Alim Hasanli said on Monday that the talks had failed.", published_on=date(2024, 5, 4))
    assert (candidate.actor_id, candidate.speaker_method) == (minister.pk, "alias")


def test_a_phrase_is_looked_up_by_its_parts_as_written(vestria):
    actor = ActorFactory(name="Ilse Marov", side=vestria)
    parsed = parse_phrase("the aide to the President of Vestria, Ilse Marov’s")
    assert "Ilse Marov’s" in parsed.lookup_keys  # as written: the database folds it
    resolution = Resolver(gazetteer(), None).exact(parsed)
    assert (resolution.actor_id, resolution.method) == (actor.pk, "alias")
