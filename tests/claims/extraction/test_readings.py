"""The assistant's stored reading: the panel, the API and accepting read the suggestions stored
per revision; a change to what the assistant reads (an actor, an alias...) makes the readings
stale, and they are read again."""

from __future__ import annotations

from datetime import date

import pytest
import requests
from django.urls import reverse
from rest_framework.authtoken.models import Token

from claims.extraction.offers import suggestions_offered
from claims.extraction.readings import current_generation, readings_refresh, stored_suggestions, story_read
from claims.models import ActorAlias, StoryReading
from claims.tasks import readings_refresh_job
from sources.services import story_import
from tests.factories import ActorFactory, OutletFactory, SideFactory
from tests.jobs import run_jobs_here

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 14)
# An invented conflict (Kestria and Valmora), so nothing in the desk knows its people.
WIRE = (
    "KESTRIA CITY, March 14 (Wire) - Shelling killed at least 14 civilians in the border town of Dovro "
    "on Friday, Kestria's health ministry said.\n\n"
    "Osric Valendar denied that Valmoran forces had fired on the town.\n"
)


def _import(text: str = WIRE, **kwargs):
    story = story_import(outlet=OutletFactory(), text=text, headline="Dovro shelling", published_on=DAY, **kwargs).story
    run_jobs_here()  # the assistant's reading job
    return story


def _mark(story, marker: str) -> None:
    """Write a marker into the stored reading: a page that shows it read the stored suggestions."""
    reading = StoryReading.objects.get(story=story)
    reading.candidates[0]["actor_name"] = marker
    reading.save(update_fields=["candidates"])


def test_a_new_story_is_stored_with_its_suggestions_in_full(seeded):
    story = _import()
    reading = StoryReading.objects.get(story=story)
    assert reading.generation == current_generation()
    stored = stored_suggestions(story)
    assert stored is not None
    live = suggestions_offered(story).suggestions
    assert [c.fingerprint for c in stored.candidates] == [c.fingerprint for c in live]
    assert [c.as_json() for c in stored.candidates] == [c.as_json() for c in live]
    figure = next(c for c in stored.candidates if c.figures).figures[0]
    assert (figure.value, figure.qualifier, figure.measure) == (14, "at_least", "killed")


def test_the_panel_reads_the_stored_suggestions(client, editor, seeded, django_assert_max_num_queries):
    story = _import()
    _mark(story, "Speaker From The Stored Reading")
    client.force_login(editor)
    url = reverse("claims:story_suggestions", args=[story.pk])
    with django_assert_max_num_queries(10):  # 19 when the assistant runs
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Speaker From The Stored Reading" in response.content.decode()


def test_a_stale_reading_is_not_shown_and_is_read_again_after_an_alias_is_added(client, editor, seeded):
    story = _import()
    valendar = next(c for c in stored_suggestions(story).candidates if "denied" in c.quote)
    assert valendar.actor_id is None and valendar.proposed_actor["name"] == "Osric Valendar"

    valmora = SideFactory(name="Valmora")
    actor = ActorFactory(name="Osric Valendar Mirren", side=valmora)  # a new actor: every reading is stale
    assert stored_suggestions(story) is None
    ActorAlias.objects.create(actor=actor, alias="Osric Valendar")
    assert StoryReading.objects.stale(current_generation()).filter(story=story).exists()

    # until it is read again the panel runs the assistant itself, and names the speaker
    client.force_login(editor)
    page = client.get(reverse("claims:story_suggestions", args=[story.pk])).content.decode()
    assert "<strong>Osric Valendar Mirren</strong>" in page
    assert StoryReading.objects.get(story=story).generation < current_generation()  # the GET wrote nothing

    assert readings_refresh_job(timestamp=0) >= 1  # the periodic job
    reading = StoryReading.objects.get(story=story)
    assert reading.generation == current_generation()
    denial = next(c for c in stored_suggestions(story).candidates if "denied" in c.quote)
    assert (denial.actor_id, denial.speaker_method, denial.proposed_actor) == (actor.pk, "alias", None)
    assert readings_refresh() == 0  # nothing left stale


def test_a_reading_of_an_older_revision_is_not_used(seeded):
    story = _import()
    story_read(story)  # the current text, read again
    assert stored_suggestions(story) is not None
    second = _import(text=WIRE.replace("14 civilians", "17 civilians"))
    assert stored_suggestions(second) is not None
    StoryReading.objects.filter(story=second).update(revision=story.current_revision)
    assert stored_suggestions(second) is None


@pytest.mark.django_db(transaction=True)
def test_the_api_reads_the_stored_suggestions(live_server, seeded, editor):
    story = _import()
    _mark(story, "Speaker From The Stored Reading")
    token = Token.objects.create(user=editor)
    response = requests.get(
        f"{live_server.url}/api/v1/stories/{story.public_id}/suggestions/",
        headers={"Authorization": f"Token {token.key}"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.json()["candidates"][0]["actor_name"] == "Speaker From The Stored Reading"
