"""A speaker the desk does not know, created inline in a real browser: an editor accepts a
suggestion whose speaker the assistant proposes as new, sees the duplicate check, creates the actor
(or picks the one the desk already has), and the logged claim has that speaker."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from claims.models import Actor, Claim
from tests.factories import ActorFactory, SideFactory, StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = (
    "Shelling went on overnight. The prosecutor general's office of Lorania said 12 civilians were "
    "killed in the shelling of Dovra on Friday."
)
PROPOSED = "The prosecutor general's office of Lorania"


def open_create_form(page, live_server, story):
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    item = page.locator("#suggestions li.suggestion", has_text="12 civilians were killed")
    button = item.get_by_role("link", name=f"Create actor \u2018{PROPOSED}\u2019 (Lorania)")
    expect(button).to_be_visible()
    button.click()
    form = item.locator("form.suggestion-actor-form")
    expect(form).to_be_visible()
    return item, form


def test_an_editor_creates_the_proposed_speaker_and_the_claim_is_logged_with_it(live_server, page, login, editor):
    lorania = SideFactory(key="lorania", name="Lorania")
    story = StoryFactory(body=TEXT, published_on=date(2024, 5, 4))
    login(editor)
    _, form = open_create_form(page, live_server, story)

    # The duplicate check found nothing; the form is filled as proposed, and can be changed.
    expect(form).to_contain_text("No actor on the desk has this name or one like it.")
    expect(form.get_by_label("Name")).to_have_value(PROPOSED)
    expect(form.get_by_label("Written in the story as")).to_have_value(PROPOSED)
    expect(form.get_by_label("Side")).to_have_value(str(lorania.pk))
    form.get_by_label("Name").fill("Prosecutor General's Office of Lorania")
    form.get_by_label("Kind").select_option("government_body")
    form.get_by_role("button", name="Create actor and log the claim").click()

    # Logged in place: the panel says so and the words are highlighted as a claim.
    logged = page.locator("#suggestions .suggestion-logged")
    expect(logged).to_contain_text("Logged")
    actor = Actor.objects.get(name="Prosecutor General's Office of Lorania")
    claim = Claim.objects.get(story=story)
    assert claim.speaker == actor and claim.created_by == editor
    assert set(actor.aliases.values_list("alias", flat=True)) == {actor.name, PROPOSED}
    expect(page.locator(f'#story-body mark[data-claim="{claim.pk}"]').first).to_be_visible()
    logged.get_by_role("link", name=str(claim)).click()
    expect(page.locator("main")).to_contain_text("Prosecutor General's Office of Lorania")


def test_the_duplicate_check_offers_the_actor_the_desk_has_and_the_editor_uses_it(live_server, page, login, editor):
    lorania = SideFactory(key="lorania", name="Lorania")
    known = ActorFactory(name="Office of the Prosecutor General of Lorania", side=lorania)
    story = StoryFactory(body=TEXT, published_on=date(2024, 5, 4))
    actors = Actor.objects.count()
    login(editor)
    _, form = open_create_form(page, live_server, story)

    expect(form).to_contain_text("Did you mean Office of the Prosecutor General of Lorania?")
    form.get_by_role("button", name="Use Office of the Prosecutor General of Lorania").click()

    expect(page.locator("#suggestions .suggestion-logged")).to_contain_text("Logged")
    assert Claim.objects.get(story=story).speaker == known
    assert Actor.objects.count() == actors  # nothing created


def test_enter_in_the_new_speakers_fields_creates_the_speaker_and_does_not_save_the_claim(
    live_server, page, login, editor
):
    story = StoryFactory(body=TEXT, published_on=date(2024, 5, 4))
    login(editor)
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    form = page.locator("#log-claim-form")
    form.locator("#log_quote").fill("12 civilians were killed in the shelling of Dovra")
    form.get_by_text("The speaker is not on the desk? Create it").click()
    speaker = form.locator("details.new-speaker")
    speaker.get_by_label("Kind").select_option("person")
    name = speaker.get_by_label("Name")
    name.fill("Amara Velko")
    name.press("Enter")

    expect(page.locator("#log-claim-form")).to_contain_text("Amara Velko is the speaker.")
    expect(page.locator("#log_speaker")).to_have_value("Amara Velko")
    assert Actor.objects.filter(name="Amara Velko").count() == 1
    assert not Claim.objects.filter(story=story).exists()  # saved only when the editor says so
