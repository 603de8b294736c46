"""The desk's forms: the speaker field's lookup by name."""

from __future__ import annotations

import pytest
from django import forms

from claims.extraction.speakers import Resolver, gazetteer, parse_phrase
from claims.forms import resolve_speaker
from claims.models import Actor
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db


def test_the_speaker_is_found_by_any_alias_or_its_name_folded():
    actor = ActorFactory(name="Dario Kessler", aliases=["Prime Minister Darío Keßler"])
    for typed in ["Dario Kessler", " dario kessler ", "PRIME MINISTER DARIO KESSLER"]:
        assert resolve_speaker(typed) == actor


def test_a_surname_only_one_actor_has_finds_that_actor():
    actor = ActorFactory(name="Dario Kessler")
    assert resolve_speaker("Kessler") == actor


def test_a_merged_actors_old_name_finds_the_actor_it_was_merged_into():
    survivor = ActorFactory(name="Dario Kessler")
    duplicate = ActorFactory(name="Dario Kesler")
    Actor.objects.filter(pk=duplicate.pk).update(merged_into=survivor)
    assert resolve_speaker("Dario Kesler") == survivor


def test_a_name_several_actors_share_is_refused_not_guessed():
    ActorFactory(name="Alim Hasanli")
    ActorFactory(name="Alim Hasanli of Teshin", aliases=["Alim Hasanli"])
    with pytest.raises(forms.ValidationError, match="could be several speakers"):
        resolve_speaker("Alim Hasanli")


def test_an_unknown_name_is_refused_with_the_closest_names():
    ActorFactory(name="Dario Kessler")
    with pytest.raises(forms.ValidationError, match=r"No speaker called “Dario Kesler”\. Did you mean Dario Kessler"):
        resolve_speaker("Dario Kesler")


@pytest.mark.parametrize("name", ["Dario Kessler", "DARÍO KESSLER", "Prime Minister Kessler", "Alim Hasanli"])
def test_the_speaker_field_and_the_assistant_look_a_name_up_alike(name):
    kessler = ActorFactory(name="Dario Kessler", aliases=["Prime Minister Kessler"])
    ActorFactory(name="Alim Hasanli")
    ActorFactory(name="Alim Hasanli of Teshin", aliases=["Alim Hasanli"])
    try:
        desk = resolve_speaker(name).pk
    except forms.ValidationError:
        desk = None
    exact = Resolver(gazetteer(), None).exact(parse_phrase(name))
    assert desk == (exact.actor_id if exact else None)
    assert desk in ({kessler.pk} if "essler" in name.lower() else {None})
