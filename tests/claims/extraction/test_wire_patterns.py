# ruff: noqa: RUF001 - typographic quotes and apostrophes are what this code reads
"""The ways wire copy really writes casualty reports, each rule with sentences of its own.

The sentences are written for these tests about an invented war (Lorania and Vestria), unlike
the development set's; the speakers come from the database, as an editor would have recorded them.
"""

from __future__ import annotations

from datetime import date

import pytest

from claims.extraction import extract
from claims.extraction.figure_reading import read_figures
from claims.models import Actor, ActorRole
from tests.factories import ActorFactory, SideFactory

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 14)


@pytest.fixture
def desk(db):
    lorania = SideFactory(key="lorania", name="Lorania")
    vestria = SideFactory(key="vestria", name="Vestria")
    ActorFactory(name="Government of Lorania", side=lorania, kind=Actor.Kind.GOVERNMENT_BODY, aliases=["Lorania"])
    ministry = ActorFactory(
        name="Ministry of Defence of Vestria",
        side=vestria,
        kind=Actor.Kind.GOVERNMENT_BODY,
        aliases=["Vestria's Defence Ministry"],
    )
    army = ActorFactory(
        name="Loranian Army", side=lorania, kind=Actor.Kind.GOVERNMENT_BODY, aliases=["the Loranian army"]
    )
    kessler = ActorFactory(name="Dario Kessler", side=lorania, aliases=["Kessler"])
    ActorRole.objects.create(actor=kessler, title="Governor of the Orlak region", start=date(2020, 1, 1))
    return {"lorania": lorania, "vestria": vestria, "ministry": ministry, "army": army, "kessler": kessler}


def figures(words):
    return [(f.value, f.measure, f.low, f.high, f.part_of_previous) for f in read_figures(words)]


def only(candidates, words):
    found = [c for c in candidates if words in c.quote]
    assert len(found) == 1, [c.quote for c in candidates]
    return found[0]


def totals(candidate):
    return [(f.value, f.measure, f.low, f.high) for f in candidate.figures if f.part_of is None]


# --- The lead: two figures and the speaker at the end ------------------------------------------
def test_a_lead_gives_both_figures_and_the_trailing_speaker(desk):
    [candidate] = extract(
        "At least 9 people died and 22 were hurt when a rocket hit a bus depot in Orlak on Monday,"
        " Governor Dario Kessler said.",
        published_on=DAY,
    )
    assert totals(candidate) == [(9, "killed", 9, None), (22, "wounded", 22, 22)]
    assert candidate.actor_id == desk["kessler"].pk
    assert candidate.quote.startswith("At least 9 people died")


def test_a_title_alone_as_the_trailing_speaker_is_proposed_as_written(desk):
    [candidate] = extract(
        "Two people were killed and five injured when a shell struck a bakery, the district administrator said.",
        published_on=DAY,
    )
    assert totals(candidate) == [(2, "killed", 2, 2), (5, "wounded", 5, 5)]
    assert candidate.actor_id is None
    assert candidate.proposed_actor["name"] == "the district administrator"


# --- Breakdowns: the parts are sub-counts, never the total ------------------------------------
def test_among_them_and_including_are_parts_of_the_figure_before():
    assert figures(
        "At least 41 people, among them 9 children, were killed and 70 more, including 30 children, were injured."
    ) == [
        (41, "killed", 41, None, False),
        (9, "killed", 9, 9, True),
        (70, "wounded", 70, 70, False),
        (30, "wounded", 30, 30, True),
    ]


def test_a_part_without_commas_leaves_the_total_as_the_figure():
    assert figures("Eight people including two nurses died in the blast.") == [
        (8, "killed", 8, 8, False),
        (2, "killed", 2, 2, True),
    ]


def test_a_candidates_parts_point_at_their_total(desk):
    [candidate] = extract(
        "Vestria's Defence Ministry said Loranian drones killed 12 people, among them five children.",
        published_on=DAY,
    )
    assert [(f.value, f.part_of) for f in candidate.figures] == [(12, None), (5, 0)]
    assert candidate.figures[1].whose_id == candidate.figures[0].whose_id


# --- The verb after a parenthesis, lists of counts ---------------------------------------------
def test_a_verb_after_a_parenthesis_still_gives_the_measure():
    assert figures("Villagers said at least 23 people, most of them shepherds, had been killed.") == [
        (23, "killed", 23, None, False)
    ]


def test_a_list_of_counts_is_their_sum_with_each_count_a_part():
    found = read_figures("Four men, six women and three girls died when the shelter collapsed.")
    assert [(f.value, f.measure, f.counted, f.part_of_previous) for f in found] == [
        (13, "killed", "people", False),
        (4, "killed", "people", True),
        (6, "killed", "people", True),
        (3, "killed", "children", True),
    ]


def test_a_list_ending_with_one_person_counts_that_one():
    assert [f.value for f in read_figures("Two women and a boy were wounded by the blast.")] == [3, 2, 1]


def test_soldiers_and_civilians_in_one_list_stay_separate_figures():
    found = read_figures("Four soldiers and a civilian were killed in the raid.")
    assert [(f.value, f.counted, f.part_of_previous) for f in found] == [
        (4, "soldiers", False),
        (1, "civilians", False),
    ]


# --- Numbers that are not casualties ------------------------------------------------------------
@pytest.mark.parametrize(
    "sentence",
    [
        "Thirty rockets fell on four villages overnight.",
        "The city of 400,000 people lies 30 kilometres from the front.",
        "The air force shot down 17 of 20 drones.",
        "Only a few hundred of the soldiers had been taken prisoner.",
        "Police arrested 12 people suspected of spying.",
    ],
)
def test_counts_of_things_and_people_who_were_not_hurt_are_no_figures(sentence):
    assert read_figures(sentence) == []


def test_shells_and_villages_are_not_counted_but_the_farmer_killed_is():
    assert figures("Twenty shells hit two villages, killing a farmer.") == [(1, "killed", 1, 1, False)]


# --- Apposition and inversion ------------------------------------------------------------------
def test_a_name_with_its_post_in_apposition_is_the_speaker_and_the_post_its_title(desk):
    [candidate] = extract(
        "Mira Tallen, a spokeswoman for the border guard, said the crossing had been shelled twice.",
        published_on=DAY,
    )
    assert candidate.actor_id is None
    assert candidate.proposed_actor["name"] == "Mira Tallen"
    assert candidate.proposed_actor["title"] == "spokeswoman for the border guard"


@pytest.mark.parametrize(
    ("sentence", "name", "title"),
    [
        (
            "Osric Valendar, the Valmoran defence minister, denied that his troops had crossed the river.",
            "Osric Valendar",
            "Valmoran defence minister",
        ),
        (
            "Pello Marrin, the Vestrian deputy foreign minister, said the talks had been called off.",
            "Pello Marrin",
            "Vestrian deputy foreign minister",
        ),
        (
            "Ysolde Karr, the Orlak regional health minister, said the clinic had run out of fuel.",
            "Ysolde Karr",
            "Orlak regional health minister",
        ),
    ],
)
def test_a_demonym_or_place_qualifying_the_post_in_apposition_is_not_the_speakers_name(desk, sentence, name, title):
    """The post's qualifier ("Valmoran", a side the desk does not know; "Vestrian", one it
    does) used to become the proposed actor, the person's name lost."""
    [candidate] = extract(sentence, published_on=DAY)
    assert candidate.actor_id is None, "a person the desk does not know, whoever holds a like post"
    assert candidate.proposed_actor["name"] == name
    assert candidate.proposed_actor["title"] == title


def test_a_post_qualified_by_an_unknown_side_is_not_the_known_holder_of_a_like_post(desk):
    """Without the name, "the Valmoran defence minister" is proposed as written: Vestria's
    defence ministry (the desk's only defence portfolio) did not say it."""
    [candidate] = extract("The Valmoran defence minister said the border would stay closed.", published_on=DAY)
    assert candidate.actor_id is None
    assert candidate.proposed_actor["name"] == "The Valmoran defence minister"


def test_a_name_after_the_quote_with_its_post_is_the_speaker(desk):
    [candidate] = extract(
        "“The water plant is gone,” Ivo Brask, the town’s deputy mayor, wrote on social media.",
        published_on=DAY,
    )
    assert candidate.quote == "The water plant is gone"
    assert candidate.proposed_actor["name"] == "Ivo Brask"


def test_places_and_employers_in_a_description_are_not_the_speakers_name(desk):
    [candidate] = extract(
        "A nurse at St Anne's hospital in Orlak said 14 wounded soldiers had been brought in.",
        published_on=DAY,
    )
    assert candidate.actor_id is None
    assert candidate.proposed_actor["name"] == "A nurse at St Anne's hospital in Orlak"


def test_a_group_that_opens_the_sentence_is_no_name(desk):
    [candidate] = extract("Rescuers and a police officer said nine people had been pulled out alive.", published_on=DAY)
    assert candidate.proposed_actor["name"] == "Rescuers and a police officer"


# --- "He said" after a speaker named in the paragraph before -------------------------------------
def test_he_said_in_the_next_paragraph_is_the_person_named_before(desk):
    text = "Dario Kessler said the bridge had been hit at dawn.\n\nHe said 6 people were missing after the strike.\n"
    first, second = extract(text, published_on=DAY)
    assert first.actor_id == second.actor_id == desk["kessler"].pk
    assert totals(second) == [(6, "missing", 6, 6)]


def test_she_said_after_a_new_speaker_stays_that_proposed_speaker(desk):
    text = (
        "Lena Voss, a deputy mayor of Orlak, said the depot had burned for hours.\n\n"
        "“We have nothing left to fight the fire with,” she said, adding that 4 firefighters were injured.\n"
    )
    candidates = extract(text, published_on=DAY)
    assert [c.proposed_actor["name"] for c in candidates] == ["Lena Voss"] * 3
    assert totals(candidates[2]) == [(4, "wounded", 4, 4)]


# --- Denials in every position ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Lorania disputed the figure.", "Lorania disputed the figure"),
        ("Lorania dismissed the reports as propaganda.", "Lorania dismissed the reports"),
        ("Lorania called the allegation a fabrication.", "Lorania called the allegation"),
        ("The Loranian army, which holds the ridge, denies shelling the town.", "denies shelling the town"),
        (
            "Vestria's Defence Ministry said the town was shelled, but the Loranian army flatly denied any role.",
            "the Loranian army flatly denied any role",
        ),
        (
            "The Loranian army confirmed the raid but denied that civilians were hurt.",
            "denied that civilians were hurt",
        ),
        (
            "Villages burned as the Loranian army denied Vestrian claims that it had used incendiary shells.",
            "the Loranian army denied Vestrian claims",
        ),
        (
            "The Loranian army said it had hit only fuel depots and dismissed the reports as fiction.",
            "dismissed the reports as fiction",
        ),
    ],
)
def test_denials_are_seen_wherever_the_verb_stands(desk, text, words):
    candidate = only(extract(text, published_on=DAY), words)
    assert candidate.kind == "denial"
    assert candidate.actor_id is not None


def test_a_denial_of_a_figure_carries_that_figure_and_the_denied_claim_is_its_own(desk):
    candidates = extract(
        "The Loranian army rejected Vestria's claim that 250 Loranian soldiers had been killed in the offensive.",
        published_on=DAY,
    )
    denial = only(candidates, "The Loranian army rejected")
    assert denial.kind == "denial"
    assert denial.actor_id == desk["army"].pk
    assert totals(denial) == [(250, "killed", 250, 250)]
    assert denial.figures[0].whose_id == desk["lorania"].pk
    [claim] = [c for c in candidates if c.quote.startswith("Vestria's claim that")]
    assert claim.kind == "figure"
    assert totals(claim) == [(250, "killed", 250, 250)]


# --- Headlines, bylines and datelines ------------------------------------------------------------
def test_a_headline_repeating_a_body_figure_and_a_byline_are_not_claims(desk):
    text = (
        "Rocket attack on Orlak depot kills 11\n\n"
        "By Nora Feld\n\n"
        "ORLAK, March 14 (Wire) - A rocket attack on a fuel depot in Orlak killed 11 people,"
        " Governor Dario Kessler said.\n"
    )
    [candidate] = extract(text, published_on=DAY)
    assert candidate.quote.startswith("A rocket attack")
    assert candidate.actor_id == desk["kessler"].pk
    assert totals(candidate) == [(11, "killed", 11, 11)]


# --- Whose the counted are -----------------------------------------------------------------------
def test_whose_comes_from_who_the_counted_are_not_from_who_is_accused(desk):
    [candidate] = extract(
        "Vestria's Defence Ministry said Loranian artillery killed four Vestrian civilians.", published_on=DAY
    )
    assert candidate.figures[0].whose_id == desk["vestria"].pk


def test_a_side_recorded_as_a_third_party_is_a_party_in_a_story_about_its_own_war(desk):
    SideFactory(key="north", name="Nordmark", kind="third_party")
    [candidate] = extract(
        "Vestria's Defence Ministry said Nordmark drones struck a depot, killing 7 people.", published_on=DAY
    )
    assert candidate.figures[0].whose_id == desk["vestria"].pk


def test_an_armed_groups_fighters_are_its_sides(desk):
    front = SideFactory(key="north-front", name="North Front")
    ActorFactory(name="North Front", side=front, kind=Actor.Kind.ORGANISATION, aliases=["NF"])
    [candidate] = extract("The Loranian army said its drones killed 30 NF fighters.", published_on=DAY)
    assert candidate.figures[0].whose_id == front.pk


def test_the_people_killed_in_a_named_place_are_that_places_side(desk):
    ActorFactory(name="Orlak city council", side=desk["vestria"], kind=Actor.Kind.GOVERNMENT_BODY, aliases=["Orlak"])
    [candidate] = extract(
        "A Loranian strike on a school in Orlak City killed 12 people, health officials said.", published_on=DAY
    )
    assert candidate.figures[0].whose_id == desk["vestria"].pk


def test_what_a_denial_says_instead_of_the_figure_is_a_claim_of_its_own(desk):
    candidates = extract(
        "The Loranian army denied that 40 of its soldiers had died, saying only 5 were wounded.", published_on=DAY
    )
    denial = only(candidates, "denied that 40")
    assert denial.kind == "denial"
    assert totals(denial) == [(40, "killed", 40, 40)]
    instead = only(candidates, "only 5 were wounded")
    assert instead.actor_id == desk["army"].pk
    assert totals(instead) == [(5, "wounded", 5, 5)]


def test_the_suggestions_panel_shows_a_sub_count_as_part_of_its_figure(client, editor, desk):
    from django.urls import reverse

    from tests.factories import StoryFactory

    story = StoryFactory(
        body="Vestria's Defence Ministry said Loranian drones killed 12 people, among them five children.\n",
        published_on=DAY,
    )
    client.force_login(editor)
    html = client.get(reverse("claims:story_suggestions", args=[story.pk])).content.decode()
    assert "“five children”: killed, children" in html
    assert "(part of “killed 12 people”)" in html
