"""The claim page: everything about a claim, its other versions, reviews, history and notes."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from claims import services
from sources.models import Story
from tests.claims.views.helpers import assert_csp_safe, edit_data, fresh_claim, seed_claim, text_of

pytestmark = pytest.mark.django_db


def test_claim_page_shows_everything_about_the_claim(client, factchecker, seeded):
    claim = seed_claim("dailysabah-pashinyan-no-way-diplomacy")
    client.force_login(factchecker)
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    page = text_of(response)
    assert "Nikol Pashinyan" in page and "Prime Minister of Armenia" in page and "Armenia" in page
    assert "Daily Sabah" in page
    assert "Has diplomacy over Nagorno-Karabakh run its course?" in page
    assert "Other versions of this statement" in page  # AP, Anadolu and AFP wordings
    assert "corroborates this claim" in page
    assert "History" in page and "Claim created" in page
    html = response.content.decode()
    assert f'href="/stories/{claim.story_id}/#claim-{claim.pk}"' in html
    assert "<ins>" in html and "<del>" in html
    assert_csp_safe(response)


def test_draft_reviews_and_internal_notes_are_marked_on_the_desk(client, editor, seeded):
    claim = seed_claim("dailysabah-azerbaijan-60-civilians")
    client.force_login(editor)
    response = client.get(claim.get_absolute_url())
    page = text_of(response)
    assert "Draft: not published" in page and "DRAFT-REVIEW" in page
    notes = re.findall(r'<article class="note note-internal".*?</article>', response.content.decode(), re.S)
    assert any("Internal: stays on the desk" in note and "INTERNAL: revises direction" in note for note in notes)


def test_viewer_sees_the_claim_but_no_way_to_change_it(client, viewer, editor):
    claim = fresh_claim(editor)
    client.force_login(viewer)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Edit claim" not in html and "Withdraw claim" not in html and "Publish claim" not in html
    assert "Restore version" not in html
    assert client.get(reverse("claims:claim_edit", args=[claim.pk])).status_code == 403
    assert (
        client.post(reverse("claims:claim_edit", args=[claim.pk]), edit_data(claim, status="false")).status_code == 403
    )
    claim.refresh_from_db()
    assert claim.status == "unverified"


def test_outsider_cannot_read_a_claim(client, outsider, editor):
    claim = fresh_claim(editor)
    client.force_login(outsider)
    assert client.get(claim.get_absolute_url()).status_code == 403


def test_unknown_claim_is_404(client, editor):
    client.force_login(editor)
    assert client.get("/claims/999999/").status_code == 404


def test_reader_panel_gets_a_fragment_of_the_claim(client, editor):
    claim = fresh_claim(editor)
    client.force_login(editor)
    response = client.get(claim.get_absolute_url(), {"panel": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Open the claim page" in html and claim.quote in html


def test_history_pages_and_htmx_gets_only_the_history(client, editor):
    claim = fresh_claim(editor)
    client.force_login(editor)
    for n in range(20):
        claim.refresh_from_db()
        client.post(
            reverse("claims:claim_edit", args=[claim.pk]), edit_data(claim, status=["disputed", "verified"][n % 2])
        )
    page = text_of(client.get(claim.get_absolute_url()))
    assert "Page 1 of 2" in page
    fragment = client.get(claim.get_absolute_url(), {"history_page": "2", "part": "history"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert html.lstrip().startswith('<section id="history"') and "Claim created" in text_of(fragment)


def test_a_claim_retracted_by_its_speaker_is_shown_as_retracted(client, editor):
    claim = fresh_claim(editor)
    retraction = fresh_claim(editor)
    services.claim_link_add(source=retraction, target=claim, kind="retracts", user=editor)
    client.force_login(editor)
    page = text_of(client.get(claim.get_absolute_url()))
    assert "Retracted by the speaker." in page and "the retraction in" in page


def test_a_note_with_a_script_is_sanitised_on_the_claim_page(client, editor):
    claim = fresh_claim(editor)
    services.annotation_add(
        author=editor, body='<script>alert(1)</script><img src=x onerror="alert(2)"> ok', claim=claim
    )
    client.force_login(editor)
    response = client.get(claim.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert" not in html
    assert not re.search(r"<img[^>]*onerror", html)
    assert "ok" in text_of(response)
    assert_csp_safe(response)


def test_story_of_a_seed_claim_links_back(client, editor, seeded):
    claim = seed_claim("dailysabah-pashinyan-no-way-diplomacy")
    story = Story.objects.get(pk=claim.story_id)
    client.force_login(editor)
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'id="claim-{claim.pk}"' in html and f'data-href="/claims/{claim.pk}/"' in html
