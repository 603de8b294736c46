# ruff: noqa: RUF001 - accented and dotless letters and curly apostrophes are what this tests
"""The one lookup of a speaker by name: ``Actor.objects.matching`` and ``actors_named``.

Names are invented (the seed dataset is loaded alongside)."""

from __future__ import annotations

import pytest

from claims import services
from claims.models import Actor, ActorAlias
from claims.models.actors import actors_named
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db


def test_a_name_matches_an_alias_with_accents_case_and_outer_spaces_ignored():
    ilkay = ActorFactory(name="Ilkay of Orlak", aliases=["İlkay Kaşıkçı", "Vestria’s presidential spokesman"])
    for typed in ["İlkay Kaşıkçı", "ilkay kasikci", "  ILKAY KAŞIKÇI ", "vestria's presidential spokesman"]:
        assert list(Actor.objects.matching(typed)) == [ilkay], typed


def test_a_name_matches_an_actors_name_that_is_no_alias():
    actor = ActorFactory(name="Rəşad Qasımov")
    ActorAlias.objects.filter(actor=actor).delete()
    assert list(Actor.objects.matching("rəşad qasimov")) == [actor]


def test_only_whole_names_match_not_parts_or_look_alikes():
    ActorFactory(name="Dario Kessler")
    for typed in ["Kessler", "Dario", "Dario Kesler", "Dario Kessler said", ""]:
        assert not Actor.objects.matching(typed).exists(), typed


def test_a_merged_actors_names_stand_for_the_actor_it_was_merged_into():
    survivor = ActorFactory(name="Dario Kessler")
    duplicate = ActorFactory(name="D. Kesler", aliases=["Kesler the premier"])
    later = ActorFactory(name="Premier Kessler")
    Actor.objects.filter(pk=duplicate.pk).update(merged_into=later)
    Actor.objects.filter(pk=later.pk).update(merged_into=survivor)
    for typed in ["D. Kesler", "Kesler the premier", "Premier Kessler", "Dario Kessler"]:
        assert list(Actor.objects.matching(typed)) == [survivor], typed


def test_a_name_several_actors_share_matches_them_all():
    one = ActorFactory(name="Alim Hasanli")
    other = ActorFactory(name="Alim Hasanli of Teshin", aliases=["Alim Hasanli"])
    assert set(Actor.objects.matching("Alim Hasanli")) == {one, other}


def test_names_are_looked_up_in_bulk_with_one_query(django_assert_num_queries):
    ilkay = ActorFactory(name="Ilkay Kasikci")
    one = ActorFactory(name="Alim Hasanli")
    other = ActorFactory(name="Alim Hasanli of Teshin", aliases=["Alim Hasanli"])
    with django_assert_num_queries(1):
        found = actors_named(["ILKAY KASIKCI", "Alim Hasanli", "Nobody", "ILKAY KASIKCI"])
    assert found == {"ILKAY KASIKCI": {ilkay.pk}, "Alim Hasanli": {one.pk, other.pk}}
    assert actors_named([]) == {}


def test_adding_an_alias_that_folds_like_one_the_actor_has_returns_that_one():
    actor = ActorFactory(name="Jörg Straße")
    for same in ["JORG STRASSE", "  jörg straße "]:
        assert services.actor_alias_add(actor=actor, alias=same).alias == "Jörg Straße"
    assert services.actor_alias_add(actor=actor, alias="Jorg Strase").alias == "Jorg Strase"
