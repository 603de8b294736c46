"""Creating a speaker the desk does not know, inline: from a suggestion whose speaker is a proposed
new actor, and from the log form. A duplicate check comes first; nothing is written on bad input."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from claims import services
from claims.extraction import extract
from claims.models import Actor, ActorAlias, Claim
from core.errors import DomainError
from core.history import event_model_of
from sources.services import PossibleDuplicate
from tests.factories import ActorFactory, SideFactory, StoryFactory

pytestmark = pytest.mark.django_db

DAY = date(2024, 5, 4)
TEXT = "The prosecutor general's office of Lorania said 12 civilians were killed in the shelling of Dovra on Friday."
PROPOSED = "The prosecutor general's office of Lorania"


@pytest.fixture
def actors_before(db):
    """The test database holds some actors of its own (the seed dataset's): count from here."""
    return Actor.objects.count()


def new_actors(before: int) -> int:
    return Actor.objects.count() - before


@pytest.fixture
def lorania(db):
    return SideFactory(key="lorania", name="Lorania")


@pytest.fixture
def story(lorania):
    return StoryFactory(body=TEXT, published_on=DAY)


def proposal(story):
    [candidate] = [c for c in extract(TEXT, published_on=DAY) if c.proposed_actor]
    return candidate


def url(story):
    return reverse("claims:suggestion_actor", args=[story.pk])


def create_fields(candidate, **changes):
    return {
        "fingerprint": candidate.fingerprint,
        "name": "Prosecutor General's Office of Lorania",
        "kind": "government_body",
        "side": "",
        "title": "",
        "alias": PROPOSED,
        "new_actor": "create",
        **changes,
    }


# --- the service ------------------------------------------------------------------------------
def test_actor_create_keeps_the_written_name_as_an_alias_and_the_title_as_a_role(lorania):
    actor = services.actor_create(
        name="  Amara   Velko ", kind="person", side=lorania, title="Prosecutor general", aliases=["Velko"]
    )
    assert (actor.name, actor.kind, actor.side) == ("Amara Velko", "person", lorania)
    assert sorted(actor.aliases.values_list("alias", flat=True)) == ["Amara Velko", "Velko"]
    assert list(actor.roles.values_list("title", flat=True)) == ["Prosecutor general"]


def test_actor_create_offers_existing_actors_first_exact_or_close(actors_before):
    known = ActorFactory(name="Amara Velko", aliases=["Prosecutor-general Velko"])
    for name in ("amára velko", "Amara Velkko", "prosecutor-general velko"):
        with pytest.raises(PossibleDuplicate) as refused:
            services.actor_create(name=name, kind="person")
        assert [m.actor for m in refused.value.matches] == [known]
        assert "Did you mean Amara Velko?" in refused.value.message
    assert new_actors(actors_before) == 1
    # the editor says it is someone else: created
    assert services.actor_create(name="Amara Velkko", kind="person", not_a_duplicate=True).pk != known.pk


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   ", "kind": "person"}, "Give the actor a name."),
        ({"name": "Amara Velko", "kind": ""}, "Choose what kind of actor it is"),
        ({"name": "x" * 301, "kind": "person"}, "at most 300 characters"),
    ],
)
def test_actor_create_refuses_bad_input_saying_why(actors_before, fields, message):
    with pytest.raises(DomainError, match=message):
        services.actor_create(**fields)
    assert new_actors(actors_before) == 0


# --- from a suggestion ------------------------------------------------------------------------
def test_the_panel_offers_an_editor_to_create_the_proposed_actor(client, editor, viewer, story, actors_before):
    client.force_login(editor)
    html = client.get(reverse("claims:story_suggestions", args=[story.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert f"Create actor \u2018{PROPOSED}\u2019 (Lorania)".replace("'", "&#x27;") in html
    client.force_login(viewer)
    html = client.get(reverse("claims:story_suggestions", args=[story.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Create actor" not in html
    assert client.get(url(story), {"fingerprint": proposal(story).fingerprint}).status_code == 403
    assert client.post(url(story), create_fields(proposal(story))).status_code == 403
    assert new_actors(actors_before) == 0 and not Claim.objects.filter(story=story).exists()


def test_the_form_is_filled_as_proposed_after_a_duplicate_check(client, editor, story, lorania):
    client.force_login(editor)
    candidate = proposal(story)
    response = client.get(url(story), {"fingerprint": candidate.fingerprint}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "No actor on the desk has this name or one like it." in html
    assert f'value="{PROPOSED}"'.replace("'", "&#x27;") in html  # the name and the alias as written
    assert f'<option value="{lorania.pk}" selected>Lorania</option>' in html
    # without JavaScript, a page of its own
    page = client.get(url(story), {"fingerprint": candidate.fingerprint})
    assert page.status_code == 200 and "<html" in page.content.decode()


def test_creating_the_actor_logs_the_suggestion_with_it_as_the_speaker(client, editor, story, lorania):
    client.force_login(editor)
    candidate = proposal(story)
    response = client.post(url(story), create_fields(candidate, side=lorania.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#suggestions"
    actor = Actor.objects.get(name="Prosecutor General's Office of Lorania")
    claim = Claim.objects.get(story=story)
    assert (actor.name, actor.kind, actor.side) == (
        "Prosecutor General's Office of Lorania",
        "government_body",
        lorania,
    )
    assert set(actor.aliases.values_list("alias", flat=True)) == {actor.name, PROPOSED}
    assert claim.speaker == actor and claim.from_suggestion and claim.created_by == editor
    assert claim.quote == candidate.quote
    assert f'data-logged="{claim.pk}"' in response.content.decode()
    # who created the actor is in its history
    events = event_model_of(Actor).objects.filter(pgh_obj_id=actor.pk)
    assert events.count() == 1 and events.get().pgh_context.metadata["user"] == editor.pk


def test_a_close_name_is_offered_first_and_the_editor_can_use_it(client, editor, story, lorania, actors_before):
    known = ActorFactory(name="Office of the Prosecutor General of Lorania", side=lorania)
    client.force_login(editor)
    candidate = proposal(story)
    get = client.get(url(story), {"fingerprint": candidate.fingerprint}).content.decode()
    assert (
        "Did you mean Office of the Prosecutor General of Lorania?" in get
        and f'name="use_actor" value="{known.pk}"' in get
    )
    refused = client.post(url(story), create_fields(candidate, name="Prosecutor-General's Office, Lorania"))
    assert refused.status_code == 422 and "Did you mean" in refused.content.decode()
    assert new_actors(actors_before) == 1 and not Claim.objects.filter(story=story).exists()
    used = client.post(url(story), {"fingerprint": candidate.fingerprint, "use_actor": known.pk})
    assert used.status_code == 302
    assert Claim.objects.get(story=story).speaker == known
    assert new_actors(actors_before) == 1
    assert ActorAlias.objects.filter(actor=known).count() == 1  # using an actor adds no alias


def test_creating_for_a_suggestion_no_longer_offered_writes_nothing(client, editor, story, actors_before):
    client.force_login(editor)
    candidate = proposal(story)
    client.post(reverse("claims:suggestion_accept", args=[story.pk]), {"fingerprint": candidate.fingerprint})
    response = client.post(url(story), create_fields(candidate))
    assert response.status_code == 409 and "no longer offered" in response.content.decode()
    assert new_actors(actors_before) == 0
    for bad in ("", "nope", "0" * 64):
        assert client.post(url(story), create_fields(candidate, fingerprint=bad)).status_code == 409
        assert client.get(url(story), {"fingerprint": bad}).status_code == 404
    assert new_actors(actors_before) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Give the actor a name."),
        ({"kind": "emperor"}, "Select a valid choice"),
        ({"kind": ""}, "Choose what kind of actor it is"),
        ({"side": "999999"}, "That side is not on the desk"),
        ({"use_actor": "abc"}, "That actor is not on the desk"),
        ({"use_actor": "99999999"}, "That actor is not on the desk"),
    ],
)
def test_bad_input_gives_the_form_again_saying_why(client, editor, story, actors_before, changes, message):
    client.force_login(editor)
    response = client.post(url(story), create_fields(proposal(story), **changes), HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and message in response.content.decode()
    assert new_actors(actors_before) == 0 and not Claim.objects.filter(story=story).exists()


# --- from the log form ------------------------------------------------------------------------
def log_fields(story, **changes):
    return {
        "quote": "12 civilians were killed",
        "mode": "paraphrase",
        "speaker": "",
        "said_on": "2024-05-04",
        "stance": "asserts",
        "new_dispute_kind": "other",
        "figures-TOTAL_FORMS": "0",
        "figures-INITIAL_FORMS": "0",
        "figures-MIN_NUM_FORMS": "0",
        "figures-MAX_NUM_FORMS": "20",
        **changes,
    }


def test_the_log_form_creates_a_speaker_and_keeps_everything_typed(client, editor, story):
    client.force_login(editor)
    log = reverse("claims:claim_log", args=[story.pk])
    fields = log_fields(
        story, **{"new_actor-name": "Amara Velko", "new_actor-kind": "person", "new_actor-title": "Prosecutor general"}
    )
    response = client.post(log, {**fields, "new_actor": "create"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    actor = Actor.objects.get(name="Amara Velko")
    assert 'id="log_speaker" value="Amara Velko"' in html and "Amara Velko is the speaker." in html
    assert "12 civilians were killed</textarea>" in html  # the quote as typed
    assert not Claim.objects.filter(story=story).exists()  # the claim is logged when the editor saves
    # the same name again: "Did you mean", nothing written
    again = client.post(log, {**fields, "new_actor": "create"}, HTTP_HX_REQUEST="true")
    assert again.status_code == 422 and "Did you mean Amara Velko?" in again.content.decode()
    assert Actor.objects.filter(name="Amara Velko").count() == 1
    # saving logs the claim with the new speaker
    saved = client.post(log, {**log_fields(story), "speaker": "Amara Velko", "save": "1"})
    assert saved.status_code == 302, re.findall(r"errorlist[^<]*<li>([^<]*)", saved.content.decode())
    assert Claim.objects.get(story=story).speaker == actor


def test_the_log_form_prefilled_from_a_suggestion_proposes_the_new_speaker(client, editor, story):
    client.force_login(editor)
    candidate = proposal(story)
    html = client.get(
        reverse("claims:claim_log", args=[story.pk]), {"suggestion": candidate.fingerprint}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Proposed new speaker: " in html and 'name="new_actor-name"' in html
    assert "No actor on the desk has this name or one like it." in html


def test_viewers_cannot_create_speakers_from_the_log_form(client, viewer, story, actors_before):
    client.force_login(viewer)
    log = reverse("claims:claim_log", args=[story.pk])
    fields = {**log_fields(story), "new_actor-name": "Amara Velko", "new_actor-kind": "person", "new_actor": "create"}
    assert client.post(log, fields).status_code == 403
    assert new_actors(actors_before) == 0
