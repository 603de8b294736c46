"""Dispute suggestions: one ranking for the assistant's suggestions and the desk's "Log claim" form."""

from __future__ import annotations

import pytest

from claims.extraction.matching import rank_disputes, suggested_disputes
from claims.models import Actor, Dispute
from sources.models import Story

pytestmark = pytest.mark.django_db

PASHINIAN_STORY = "dailysabah-2020-10-21-pashinian"


@pytest.fixture
def story(seeded):
    return Story.objects.get(key=PASHINIAN_STORY)


def test_the_log_form_is_offered_the_assistants_ranking(story):
    pashinyan = Actor.objects.matching("Nikol Pashinyan").get()
    quote = "There is no diplomatic solution to the Karabakh conflict, now and for a long time"
    suggested = suggested_disputes(story, speaker=pashinyan, quote=quote)
    ranked = rank_disputes(text=quote, kind="", speaker_id=pashinyan.pk, day=story.published_on, limit=6)
    assert [d.pk for d in suggested] == [m.id for m in ranked]
    assert suggested[0] == Dispute.objects.get(key="diplomacy-ruled-out-2020-10")


def test_sharing_only_the_story_suggests_no_dispute(story):
    """The form used to offer every dispute holding a claim from the story, even before a word
    was typed; the assistant never did. The stricter rule wins: words or a speaker are needed."""
    assert Dispute.objects.filter(claim_links__claim__story=story).exists()
    assert suggested_disputes(story) == []


def test_words_of_attribution_alone_suggest_no_dispute(story):
    """'said' and 'statement' are in every version of every statement: the form's full-text search
    took any dispute whose claims had them; the assistant's ranking ignores them."""
    assert Dispute.objects.filter(claim_links__claim__quote__icontains="statement").exists()
    assert suggested_disputes(story, quote="He said in a statement that it was so.") == []


def test_merged_disputes_are_never_suggested(story, editor):
    pashinyan = Actor.objects.matching("Nikol Pashinyan").get()
    diplomacy = Dispute.objects.get(key="diplomacy-ruled-out-2020-10")
    Dispute.objects.filter(pk=diplomacy.pk).update(merged_into=Dispute.objects.exclude(pk=diplomacy.pk).first())
    suggested = suggested_disputes(story, speaker=pashinyan, quote="no diplomatic solution to the Karabakh conflict")
    assert diplomacy not in suggested
