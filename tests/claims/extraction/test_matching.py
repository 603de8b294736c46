"""Dispute suggestions: one ranking for the assistant's suggestions and the desk's "Log claim" form."""

from __future__ import annotations

from datetime import date

import pytest

from claims.extraction.matching import rank_disputes, suggested_disputes
from claims.models import Actor, Dispute, Side
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
    ranked = rank_disputes(
        text=quote,
        kind="",
        speaker_id=pashinyan.pk,
        day=story.published_on,
        context=story.current_revision.body,  # the form places the words by their story, as the assistant does
        limit=6,
    )
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


# --- The same event: place, period and subject --------------------------------------------------
# Stories written for these tests in wire style; every word they share with the seed disputes
# (missile strikes, civilians killed, shelling, ceasefire) is there on purpose.
OTHER_WARS = {
    "gaza": "GAZA, Oct 18 (Wire) - An Israeli missile strike on a market in Khan Younis killed at least "
    "24 civilians, including children, the Gaza Health Ministry said on Saturday.",
    "ukraine": "KHARKIV, Ukraine, Oct 18 (Wire) - A Russian missile strike on a residential block in Kharkiv "
    "killed 13 civilians and wounded dozens, the regional governor said.",
    "sudan": "Shelling of the displacement camp outside El Fasher killed some two dozen civilians, medical "
    "sources said on Saturday, blaming the Rapid Support Forces.",
    "yemen": "An air strike on a detention centre in Saada killed 13 people, the Houthi health ministry "
    "said, accusing the coalition of breaking the ceasefire.",
    "tigray": "Federal forces shelled villages near Adigrat, killing at least 20 civilians, a Tigrayan "
    "spokesman said, saying the ceasefire had been violated again.",
    "myanmar": "A military air strike on a school in the Sagaing region killed 13 people, including children, "
    "a spokesman for the local resistance administration said.",
    "india-pakistan": "Pakistan said Indian shelling across the Line of Control killed 13 civilians in "
    "Muzaffarabad, and denied that its army had fired first.",
}


def offered_disputes(text, day):
    from claims.extraction import suggest

    return {m["label"] for c in suggest(text, published_on=day).candidates for m in c.dispute_matches}


@pytest.mark.parametrize("war", sorted(OTHER_WARS))
def test_a_story_from_another_war_in_the_same_weeks_is_offered_no_dispute(seeded, war):
    """Dated in the seed disputes' own weeks (Oct 2020), sharing their words: only the place differs."""
    assert offered_disputes(OTHER_WARS[war], date(2020, 10, 18)) == set()


@pytest.mark.parametrize("war", sorted(OTHER_WARS))
def test_a_story_from_another_war_years_later_is_offered_no_dispute(seeded, war):
    assert offered_disputes(OTHER_WARS[war], date(2024, 6, 3)) == set()


GANJA = (
    "Two Armenian missile strikes on Ganja, Azerbaijan's second city, killed 13 civilians and wounded "
    "dozens more, the Azerbaijani Defence Ministry said on Sunday."
)


def test_a_story_about_the_disputes_own_event_is_offered_it(seeded):
    offered = offered_disputes(GANJA, date(2020, 10, 18))
    assert Dispute.objects.get(key="ganja-strikes-toll-2020").title in offered


def test_the_same_place_years_later_is_another_event(seeded):
    assert offered_disputes(GANJA, date(2024, 10, 18)) == set()


def test_the_disputes_place_and_dates_come_from_its_title_and_claims_when_it_has_none(seeded):
    """A dispute without a place or dates is placed by the names in its title, else by the sides
    of the parties speaking in it, and dated by its claims."""
    from claims.extraction.matching import Matcher, Query

    Dispute.objects.filter(key__in=["ganja-strikes-toll-2020", "ceasefire-violations-2020-10"]).update(
        place="", event_start=None, event_end=None
    )
    query = Query(GANJA + " Each side said the other broke the humanitarian ceasefire.", None, date(2020, 10, 18))
    found = {d.title: d for d in Matcher([query]).disputes}
    ganja = found["How many civilians did the October 2020 missile strikes on Ganja kill?"]
    assert "ganja" in ganja.setting.places
    assert ganja.period() is not None and ganja.period()[0].year == 2020
    truces = found["Who broke the October 2020 humanitarian ceasefires?"]
    assert not truces.setting.places
    assert Side.objects.get(key="azerbaijan").pk in truces.setting.sides
    assert offered_disputes(GANJA, date(2024, 10, 18)) == set()


def test_a_version_more_than_a_week_apart_is_not_the_same_statement(seeded):
    from claims.extraction.matching import rank_statements

    pashinyan = Actor.objects.matching("Nikol Pashinyan").get()
    quote = "There is no diplomatic solution to the Karabakh conflict, now and for a long time"
    same_week = rank_statements(text=quote, speaker_id=pashinyan.pk, day=date(2020, 10, 22))
    assert same_week and same_week[0].label.startswith("Live video address")
    assert rank_statements(text=quote, speaker_id=pashinyan.pk, day=date(2020, 11, 30)) == []


def test_matching_takes_a_fixed_number_of_queries_however_many_candidates(seeded, django_assert_max_num_queries):
    from claims.extraction import extract, match

    text = "\n\n".join([*OTHER_WARS.values(), GANJA] * 3)
    candidates = extract(text, published_on=date(2020, 10, 18))
    assert len(candidates) >= 15
    with django_assert_max_num_queries(8):
        match(candidates, published_on=date(2020, 10, 18), text=text)


# --- Bounded by the same evidence: place, period, subject ---------------------------------------
def test_the_disputes_loaded_are_those_of_the_storys_place_and_period_and_no_more_than_the_bound(seeded):
    """Whatever the archive holds, a story's candidate disputes are found through the period and
    full-text indexes: never one from another place or another time, at most the bound, the
    subject's words first."""
    from claims.extraction.matching import MAX_CANDIDATE_DISPUTES, Matcher, Query
    from tests.factories import DisputeFactory

    october = {"event_start": date(2020, 10, 15), "event_end": date(2020, 10, 16)}
    same = DisputeFactory.create_batch(
        MAX_CANDIDATE_DISPUTES + 20, place="Ganja", title="Who holds the bridge?", **october
    )
    strikes = DisputeFactory(place="Ganja", title="How many did the missile strikes on Ganja kill?", **october)
    elsewhere = DisputeFactory.create_batch(5, place="Kharkiv", title="Missile strikes on Kharkiv", **october)
    later = DisputeFactory.create_batch(
        5, place="Ganja", title="Missile strikes on Ganja", event_start=date(2024, 10, 15), event_end=date(2024, 10, 16)
    )
    query = Query(GANJA, None, date(2020, 10, 18))
    loaded = {d.id for d in Matcher([query]).disputes}
    assert len(loaded) == MAX_CANDIDATE_DISPUTES
    assert strikes.pk in loaded, "the subject's words rank the disputes of the same event"
    assert Dispute.objects.get(key="ganja-strikes-toll-2020").pk in loaded
    assert not loaded & {d.pk for d in elsewhere + later}
    assert len(loaded & {d.pk for d in same}) < len(same)


def test_disputes_in_a_period_are_those_whose_dates_meet_it_or_that_have_none(db):
    from tests.factories import DisputeFactory

    inside = DisputeFactory(event_start=date(2024, 5, 1), event_end=date(2024, 5, 20))
    one_day = DisputeFactory(event_start=date(2024, 5, 31))
    undated = DisputeFactory(event_start=None)
    DisputeFactory(event_start=date(2024, 4, 1), event_end=date(2024, 4, 30))
    DisputeFactory(event_start=date(2024, 6, 1))
    found = set(Dispute.objects.in_period(date(2024, 5, 10), date(2024, 5, 31)))
    assert found == {inside, one_day, undated}


def test_two_disputes_the_words_cannot_tell_apart_are_neither_offered(seeded):
    """A guess between two is no answer: two questions about the same shelling, place and dates,
    asked alike, and the story is offered neither until one of them fits its words better."""
    from tests.factories import DisputeFactory

    story = "Shelling of Orlak killed 12 civilians on Friday, the regional governor said."
    question = "How many civilians did the shelling of Orlak kill in October 2024?"
    days = {"place": "Orlak", "event_start": date(2024, 10, 17), "event_end": date(2024, 10, 18)}
    first = DisputeFactory(title=question, **days)
    twin = DisputeFactory(title=question, **days)
    assert offered_disputes(story, date(2024, 10, 18)) == set()
    Dispute.objects.filter(pk=twin.pk).update(
        title="Who holds the bridge at Orlak?", kind=Dispute.Kind.TERRITORIAL_CONTROL
    )
    assert offered_disputes(story, date(2024, 10, 18)) == {first.title}


def test_a_speakers_newer_statements_of_other_weeks_do_not_crowd_out_the_statement_reported(seeded):
    """The speakers' statements are read newest first and at most MAX_SPEAKER_STATEMENTS of them,
    but only those that can be of the story's weeks: a speaker quoted on hundreds of later days
    still has the statement of that week found."""
    from claims.extraction.matching import MAX_SPEAKER_STATEMENTS, rank_statements
    from claims.models import Statement

    pashinyan = Actor.objects.matching("Nikol Pashinyan").get()
    Statement.objects.bulk_create(
        Statement(speaker=pashinyan, said_on=date(2024, 1, 1), description=f"Briefing {i}")
        for i in range(MAX_SPEAKER_STATEMENTS + 10)
    )
    quote = "There is no diplomatic solution to the Karabakh conflict, now and for a long time"
    found = rank_statements(text=quote, speaker_id=pashinyan.pk, day=date(2020, 10, 22))
    assert found and found[0].label.startswith("Live video address")


def test_a_busy_speakers_statements_are_read_newest_first_up_to_the_bound(seeded, monkeypatch):
    from django.db.models import Count, Q

    from claims.extraction import matching
    from claims.models import Statement

    speaker = (
        Actor.objects.annotate(quoted=Count("statements", filter=Q(statements__versions__isnull=False), distinct=True))
        .filter(quoted__gte=2)
        .first()
    )
    assert speaker is not None, "the seeds have a speaker with two statements or more"
    every = {v.statement_id for v in matching.Matcher._versions([speaker.pk], set())}
    newest = Statement.objects.filter(speaker=speaker).latest("id")
    assert len(every) >= 2 and newest.pk in every
    monkeypatch.setattr(matching, "MAX_SPEAKER_STATEMENTS", 1)
    assert {v.statement_id for v in matching.Matcher._versions([speaker.pk], set())} == {newest.pk}


def test_unattributed_words_find_the_versions_that_share_two_of_them_not_one(db):
    """Words with no speaker find a statement's versions by full-text search: a claim sharing two
    of the words can be the same statement; one sharing a single word (in a large archive, tens of
    thousands of claims) is not read."""
    from claims import services
    from claims.extraction.matching import Matcher
    from tests.factories import StatementFactory, StoryFactory

    def version(sentence: str) -> int:
        story = StoryFactory(body=f"The minister said: {sentence}")
        claim = services.claim_log(story=story, author=None, quote=sentence, statement=StatementFactory())
        return claim.pk

    both = version("Reinforcements crossed the riverbank overnight.")
    one = version("Reinforcements are expected next month.")
    neither = version("Nothing else was said.")
    found = {v.claim_id for v in Matcher._versions([], {"reinforcements", "riverbank", "overnight"})}
    assert both in found
    assert not found & {one, neither}
