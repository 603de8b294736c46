# ruff: noqa: RUF001, RUF003 - typographic quotes, apostrophes and dashes are what this code reads
"""The claim assistant: what it finds in wire copy, who it says spoke, figures, matching, and
its interfaces (the extract_claims command, the reader's Suggestions panel, the API endpoint).

The stories here are written for the tests in wire style about an invented conflict (Lorania and
Vestria), so nothing can pass by knowing the seed stories; the actors come from the database.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
import requests
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from claims.extraction import extract, suggest
from claims.extraction.figure_reading import parse_figures
from claims.extraction.text import nlp
from claims.models import Actor, ActorAlias, ActorRole, Claim, Side, Statement, SuggestionDismissal
from sources.models import Outlet
from sources.services import story_import
from tests.factories import ActorFactory, OutletFactory, SideFactory, StoryFactory

pytestmark = pytest.mark.django_db

WIRE = (
    "\n\n".join(
        [
            (
                "ORLAK, May 4 (Wire) - Vestria's Defence Ministry said on Thursday that Loranian forces shelled three"
                " border villages overnight, killing at least 14 civilians and wounding more than 30."
            ),
            '"We will respond to every provocation," the ministry said in a statement.',
            'Lorania denied the accusation, calling the reports "fabricated and baseless".',
            (
                "Loranian Prime Minister Dario Kessler told reporters in Teshin that Vestrian troops had attacked "
                'first. "Our soldiers acted in self-defence," Kessler said. "We never target civilians."'
            ),
            "He added that 21 of its soldiers had been killed since Monday.",
            (
                '"The situation is dangerous and the talks are frozen," said the aide to the President of Vestria, '
                'Ilse Marov. "There will be no ceasefire while Loranian troops remain on our land.'
            ),
            '"We call on the international community to act."',
            "Marrov said about 2,000 people had fled the border area.",
            "According to the Red Crescent, some two dozen houses were destroyed.",
            "Lorania has violated three humanitarian truces since March.",
            "Loranian military casualties reached 50, the Meridian News Agency said.",
        ]
    )
    + "\n"
)


@pytest.fixture
def world(db):
    """Two invented sides and their speakers, as an editor would have recorded them."""
    lorania = SideFactory(key="lorania", name="Lorania")
    vestria = SideFactory(key="vestria", name="Vestria")
    kessler = ActorFactory(name="Dario Kessler", side=lorania, aliases=["Kessler"])
    ActorRole.objects.create(actor=kessler, title="Prime Minister of Lorania", start=date(2019, 1, 1))
    marov = ActorFactory(name="Ilse Marov", side=vestria, aliases=["Marov"])
    ActorRole.objects.create(actor=marov, title="Foreign policy aide to the President of Vestria")
    ministry = ActorFactory(
        name="Ministry of Defence of Vestria",
        side=vestria,
        kind=Actor.Kind.GOVERNMENT_BODY,
        aliases=["Vestria's Defence Ministry"],
    )
    lorania_gov = ActorFactory(
        name="Government of Lorania", side=lorania, kind=Actor.Kind.GOVERNMENT_BODY, aliases=["Lorania", "Teshin"]
    )
    vestria_gov = ActorFactory(
        name="Government of Vestria", side=vestria, kind=Actor.Kind.GOVERNMENT_BODY, aliases=["Vestria", "Orlak"]
    )
    agency = OutletFactory(key="meridian", name="Meridian News Agency")
    return {
        "lorania": lorania,
        "vestria": vestria,
        "kessler": kessler,
        "marov": marov,
        "ministry": ministry,
        "lorania_gov": lorania_gov,
        "vestria_gov": vestria_gov,
        "agency": agency,
    }


def find(candidates, words):
    """The candidate whose words contain ``words``."""
    matches = [c for c in candidates if words in c.quote]
    assert matches, f"no candidate with {words!r} in {[c.quote for c in candidates]}"
    return matches[0]


# --- Figures ----------------------------------------------------------------------------------
def figures_in(sentence):
    return [
        (f.value, f.qualifier, f.measure, f.counted, f.low, f.high)
        for f in parse_figures(list(nlp().make_doc(sentence)), sentence)
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Officials said 63 civilians were killed and 292 wounded.",
            [(63, "exact", "killed", "civilians", 63, 63), (292, "exact", "wounded", "civilians", 292, 292)],
        ),
        ("At least 60 civilians have been killed.", [(60, "at_least", "killed", "civilians", 60, None)]),
        ("The attack killed more than 40 people.", [(40, "more_than", "killed", "people", 41, None)]),
        ("Nearly 200 people are dead.", [(200, "nearly", "killed", "people", 200, 200)]),
        ("About 1,000 people died in the fighting.", [(1000, "about", "killed", "people", 1000, 1000)]),
        ("The strikes killed some two dozen civilians.", [(24, "some", "killed", "civilians", 24, 24)]),
        (
            "The number of houses damaged has reached over 1,700.",
            [(1700, "over", "houses_damaged", "buildings", 1701, None)],
        ),
        ("The army said 49 of its soldiers have been killed.", [(49, "exact", "killed", "soldiers", 49, 49)]),
        ("Fifty people were injured.", [(50, "exact", "wounded", "people", 50, 50)]),
        ("The death toll exceeded ten.", [(10, "more_than", "killed", "unspecified", 11, None)]),
        ("Up to 300 villagers are missing.", [(300, "up_to", "missing", "civilians", None, 300)]),
        (
            "Some 2.5 million people have fled their homes.",
            [(2_500_000, "some", "displaced", "people", 2_500_000, 2_500_000)],
        ),
        ("One hundred and twenty soldiers were captured.", [(120, "exact", "captured", "soldiers", 120, 120)]),
        (
            "It targeted civilians at a cemetery, killing four and injuring four others.",
            [(4, "exact", "killed", "civilians", 4, 4), (4, "exact", "wounded", "civilians", 4, 4)],
        ),
    ],
)
def test_figures_are_read_with_qualifier_measure_and_counted(sentence, expected):
    assert figures_in(sentence) == expected


def test_increments_are_told_apart_from_totals():
    [figure] = parse_figures(list(nlp().make_doc(s := "They reported 54 more military casualties.")), s)
    assert (figure.value, figure.tally, figure.measure, figure.counted) == (54, "increment", "killed", "soldiers")


@pytest.mark.parametrize(
    "sentence",
    [
        "Fighting resumed on Sept. 27 after the 25-day clash.",
        "Since 1991, four resolutions and two reports have been adopted.",
        "Talks start at 9am on September 13 in two former Soviet republics.",
        "The fund holds billions of dollars and 20 per cent of the land.",
        "Five more citizens were released by the government.",
    ],
)
def test_numbers_that_are_not_casualty_figures_are_not_figures(sentence):
    assert figures_in(sentence) == []


# --- Attribution and speakers -----------------------------------------------------------------
def test_wire_story_claims_are_found_with_their_speakers(world):
    candidates = extract(WIRE, published_on=date(2024, 5, 4))

    first = find(candidates, "Loranian forces shelled")
    assert first.actor_id == world["ministry"].pk  # "Vestria's Defence Ministry" is an alias
    assert first.kind == "figure"
    assert not first.quote.startswith("ORLAK"), "the dateline is not part of the claim"
    killed, wounded = first.figures
    assert (killed.value, killed.qualifier, killed.measure, killed.whose_id) == (
        14,
        "at_least",
        "killed",
        world["vestria"].pk,
    )
    assert (wounded.value, wounded.measure, wounded.low) == (30, "wounded", 31)

    ministry_quote = find(candidates, "We will respond to every provocation")
    assert ministry_quote.quote == "We will respond to every provocation"  # inside the quotation marks
    assert ministry_quote.mode == "verbatim"
    assert ministry_quote.actor_id == world["ministry"].pk  # "the ministry" points back

    denial = find(candidates, "Lorania denied the accusation")
    assert (denial.kind, denial.actor_id) == ("denial", world["lorania_gov"].pk)

    accusation = find(candidates, "Vestrian troops had attacked first")
    assert (accusation.kind, accusation.actor_id, accusation.blames_id) == (
        "accusation",
        world["kessler"].pk,
        world["vestria"].pk,
    )

    quotes = find(candidates, "Our soldiers acted in self-defence")
    assert "We never target civilians" in quotes.quote  # “A,” he said. “B.” is one claim
    assert (quotes.kind, quotes.actor_id) == ("statement", world["kessler"].pk)

    his = find(candidates, "21 of its soldiers")
    assert his.actor_id == world["kessler"].pk  # "He added" after Kessler spoke
    assert his.figures[0].whose_id == world["lorania"].pk  # "its soldiers": the speaker's side


def test_speaker_after_the_quote_and_quotes_spanning_paragraphs(world):
    candidates = extract(WIRE, published_on=date(2024, 5, 4))
    aide = find(candidates, "The situation is dangerous")
    # "said the aide to the President of Vestria, Ilse Marov": speaker after the words
    assert aide.actor_id == world["marov"].pk
    # the quotation runs on into the next paragraph: still Marov's words
    follow_on = find(candidates, "We call on the international community to act")
    assert follow_on.actor_id == world["marov"].pk


def test_misspelt_names_resolve_as_a_typo_of_a_persons_name(world):
    candidate = find(extract(WIRE), "Marrov said about 2,000 people")
    assert (candidate.actor_id, candidate.speaker_method) == (world["marov"].pk, "typo")
    assert candidate.figures[0].measure == "displaced"


def test_descriptions_resolve_through_roles_held_on_the_day(world):
    text = "A Vestrian presidential aide said on Monday that the talks had failed."
    [candidate] = extract(text, published_on=date(2024, 5, 4))
    assert (candidate.actor_id, candidate.speaker_method) == (world["marov"].pk, "role")

    ActorRole.objects.filter(actor=world["kessler"]).update(start=date(2019, 1, 1), end=date(2020, 1, 1))
    [premier] = extract("The Loranian premier said the talks had failed.", published_on=date(2024, 5, 4))
    assert premier.actor_id is None, "a role that ended before the story does not identify the speaker"


def test_unknown_speaker_comes_back_as_a_proposed_actor_with_name_and_title(world):
    [candidate] = extract("Vestrian army spokesman Tomas Reyl told reporters the border was calm.")
    assert candidate.actor_id is None
    assert candidate.proposed_actor == {
        "name": "Tomas Reyl",
        "title": "Vestrian army spokesman",
        "kind": "person",
        "side_id": world["vestria"].pk,
        "side": "Vestria",
    }


def test_an_agency_quoted_as_the_source_becomes_via(world):
    candidate = find(extract(WIRE), "Loranian military casualties reached 50")
    assert candidate.via == [{"id": world["agency"].pk, "name": "Meridian News Agency"}]
    assert candidate.actor_id is None and candidate.proposed_actor is None
    assert (candidate.figures[0].value, candidate.figures[0].whose_id) == (50, world["lorania"].pk)


def test_outlet_voice_accusations_and_assertions(world):
    candidates = extract(WIRE)
    violation = find(candidates, "Lorania has violated three humanitarian truces")
    assert (violation.kind, violation.mode, violation.blames_id) == ("accusation", "outlet_voice", world["lorania"].pk)
    text = "The two truces collapsed within hours, and both sides traded artillery fire."
    [assertion] = extract(text)
    assert (assertion.kind, assertion.mode, assertion.actor_id) == ("assertion", "outlet_voice", None)


SECOND = "\n\n".join(
    [
        (
            "TESHIN (AP) — A missile strike on a market in eastern Lorania killed at least 10 people, including "
            "three children, local officials said Saturday."
        ),
        (
            "A spokesman for the Vestrian army, Col. Tomas Reyl, said the strike had hit a weapons depot. "
            '"We do not target markets," Reyl told The Associated Press.'
        ),
        'Kessler, 54, told a news conference that Vestria "will pay for this crime."',
        "‘We will never give up our land,’ he said, referring to the border region.",
        "Officials in Orlak said the death toll from Friday's shelling had risen to 17.",
    ]
)


def test_more_wire_patterns(world):
    candidates = extract(SECOND, published_on=date(2024, 5, 4))
    market = find(candidates, "A missile strike on a market")
    assert not market.quote.startswith("TESHIN")
    assert [(f.value, f.measure, f.counted, f.whose_id) for f in market.figures] == [
        (10, "killed", "people", world["lorania"].pk),  # "in eastern Lorania" is the place, not the attacker
        (3, "killed", "children", world["lorania"].pk),  # "including three children"
    ]
    spokesman = find(candidates, "the strike had hit a weapons depot")  # "Col." does not end the sentence
    assert spokesman.proposed_actor["name"] == "Tomas Reyl"
    surname = find(candidates, "We do not target markets")
    assert surname.proposed_actor["name"] == "Tomas Reyl"  # "Reyl told": the speaker met just before
    aged = find(candidates, "will pay for this crime")
    assert aged.actor_id == world["kessler"].pk  # "Kessler, 54, told"
    british = find(candidates, "We will never give up our land")
    assert british.quote == "We will never give up our land"  # ‘single quotes’ as quotation marks
    assert (british.mode, british.actor_id) == ("verbatim", world["kessler"].pk)
    toll = find(candidates, "had risen to 17")
    assert (toll.kind, toll.figures[0].value, toll.figures[0].measure) == ("figure", 17, "killed")


def test_background_and_scene_setting_sentences_are_not_claims(world):
    text = (
        "Relations have been tense since 1991.\n\nThe ministers met in Geneva on Tuesday.\n\n"
        "READ MORE: Why the two sides keep fighting\n\nDiscussion about this post"
    )
    assert extract(text, published_on=date(2024, 5, 4)) == []


def test_offsets_are_code_points_into_the_text(world):
    text = "🙂 Tagline 𝒳\n\n" + WIRE
    candidates = extract(text)
    assert candidates
    for candidate in candidates:
        assert text[candidate.start : candidate.end] == candidate.quote
    first = find(candidates, "Loranian forces shelled")
    assert first.start == text.index("Vestria's Defence Ministry said")


def test_extracting_reads_and_never_writes(world):
    with CaptureQueriesContext(connection) as queries:
        suggest(WIRE, published_on=date(2024, 5, 4))
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_new_aliases_are_known_at_once(world):
    text = "Colonel Brand said the shelling had stopped."
    assert extract(text)[0].actor_id is None
    ActorAlias.objects.create(actor=world["kessler"], alias="Colonel Brand")
    assert extract(text)[0].actor_id == world["kessler"].pk


# --- Versions, disputes, reprints -------------------------------------------------------------
def test_another_outlets_version_of_the_same_statement_is_ranked_first(world):
    first = StoryFactory(
        body="Loranian Prime Minister Dario Kessler said there is no way now to settle the border "
        "issue through diplomacy.",
        published_on=date(2024, 5, 4),
    )
    address = Statement.objects.create(speaker=world["kessler"], said_on=date(2024, 5, 4), description="Address")
    other = Statement.objects.create(speaker=world["kessler"], said_on=date(2024, 2, 1), description="Budget speech")
    from claims import services

    services.claim_log(
        story=first, author=None, quote=first.current_revision.body, speaker=world["kessler"], statement=address
    )
    budget = StoryFactory(body="Kessler said the budget would double.", published_on=date(2024, 2, 1))
    services.claim_log(
        story=budget, author=None, quote=budget.current_revision.body, speaker=world["kessler"], statement=other
    )

    text = '"We have to recognise that there is no diplomatic solution to the border issue," Kessler said.'
    found = suggest(text, published_on=date(2024, 5, 4))
    [candidate] = found.candidates
    top = candidate.statement_matches[0]
    assert top["id"] == address.pk
    assert "same speaker" in top["reasons"] and "same day" in top["reasons"]
    # The budget speech, three months before, cannot be the same utterance: not offered at all.
    assert [m["id"] for m in candidate.statement_matches] == [address.pk]


def test_republished_copy_is_recognised(world):
    body = WIRE.replace("ORLAK, May 4 (Wire) - ", "")
    original = StoryFactory(outlet=world["agency"], body=body)
    reprint = "Posted by a copy site\n\n" + body.replace("Thursday", "Thursday morning") + "\nShare this"
    found = suggest(reprint, published_on=date(2024, 5, 4))
    assert [r.story_id for r in found.reprints] == [original.pk]
    assert found.reprints[0].containment > 0.9


# --- The command ------------------------------------------------------------------------------
def test_extract_claims_prints_one_json_object_per_candidate(world, tmp_path, capsys):
    path = tmp_path / "story.txt"
    path.write_text(WIRE, encoding="utf-8")
    call_command("extract_claims", str(path), "--json")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == len(extract(WIRE))
    for line in lines:
        assert {
            "file",
            "start",
            "end",
            "quote",
            "kind",
            "speaker",
            "actor_id",
            "actor_name",
            "figure",
            "statement_matches",
            "dispute_matches",
        } <= set(line)
        assert line["file"] == str(path)
        assert WIRE[line["start"] : line["end"]] == line["quote"]
    figure = next(line for line in lines if line["figure"])
    assert set(figure["figure"]) >= {"measure", "counted", "low", "high", "approximate"}


def test_extract_claims_table_and_stored_story(world, tmp_path, capsys):
    story = StoryFactory(body=WIRE)
    story.key = "wire-story"
    story.save()
    call_command("extract_claims", "--story", "wire-story")
    out = capsys.readouterr().out
    assert "story wire-story" in out and "Dario Kessler" in out and "figure" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"binary\x00data", "NUL bytes"), (b"\xff\xfe bad", "not UTF-8")],
)
def test_extract_claims_refuses_bad_files_clearly(tmp_path, content, message):
    path = tmp_path / "story.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("extract_claims", str(path))


def test_extract_claims_needs_something_to_read():
    with pytest.raises(CommandError, match="at least one file"):
        call_command("extract_claims")
    with pytest.raises(CommandError, match="No story"):
        call_command("extract_claims", "--story", "no-such-story")


# --- The reader's Suggestions panel -----------------------------------------------------------
@pytest.fixture
def wire_story(world):
    return StoryFactory(body=WIRE, published_on=date(2024, 5, 4))


def panel(client, story, **headers):
    return client.get(reverse("claims:story_suggestions", args=[story.pk]), **headers)


def test_panel_lists_suggestions_in_text_order_with_offsets(client, editor, wire_story):
    client.force_login(editor)
    response = panel(client, wire_story, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html, "htmx gets the fragment"
    candidates = extract(WIRE, published_on=date(2024, 5, 4))
    starts = [c.start for c in candidates]
    assert starts == sorted(starts)
    positions = [html.index(f'data-start="{start}"') for start in starts]
    assert positions == sorted(positions)
    assert "Accept" in html and "Dismiss" in html
    # without JavaScript the same panel is a page of its own
    page = panel(client, wire_story)
    assert page.status_code == 200 and "<html" in page.content.decode()


def test_viewers_see_suggestions_but_cannot_act_and_outsiders_see_nothing(client, viewer, outsider, wire_story):
    client.force_login(viewer)
    response = panel(client, wire_story, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "suggestion-list" in response.content.decode()
    assert "Accept" not in response.content.decode()
    fingerprint = extract(WIRE)[0].fingerprint
    url = reverse("claims:suggestion_accept", args=[wire_story.pk])
    assert client.post(url, {"fingerprint": fingerprint}).status_code == 403
    url = reverse("claims:suggestion_dismiss", args=[wire_story.pk])
    assert client.post(url, {"fingerprint": fingerprint}).status_code == 403
    assert not Claim.objects.filter(story=wire_story).exists()
    client.force_login(outsider)
    assert panel(client, wire_story).status_code == 403


def test_accepting_logs_the_claim_prefilled_and_keeps_the_editor_in_the_reader(client, editor, world, wire_story):
    client.force_login(editor)
    suggestion = find(extract(WIRE, published_on=date(2024, 5, 4)), "Loranian forces shelled")
    response = client.post(
        reverse("claims:suggestion_accept", args=[wire_story.pk]),
        {"fingerprint": suggestion.fingerprint},
        HTTP_HX_REQUEST="true",
    )
    claim = Claim.objects.get(story=wire_story)
    assert response.status_code == 200 and "HX-Redirect" not in response
    html = response.content.decode()
    # the panel says "Logged" with an undo, and the story text comes back with the new highlight
    assert f'data-logged="{claim.pk}"' in html and "Logged:" in html and ">Undo</button>" in html
    assert 'id="story-text"' in html and 'hx-swap-oob="true"' in html and f'data-claim="{claim.pk}"' in html
    assert (claim.start, claim.end, claim.quote) == (suggestion.start, suggestion.end, suggestion.quote)
    assert claim.from_suggestion and claim.created_by == editor
    assert claim.speaker == world["ministry"]
    figures = sorted(claim.figures.values_list("measure", "value", "qualifier", "whose__key"))
    assert figures == [("killed", 14, "at_least", "vestria"), ("wounded", 30, "more_than", "vestria")]
    # once logged, it is no longer offered
    html = panel(client, wire_story, HTTP_HX_REQUEST="true").content.decode()
    assert suggestion.fingerprint not in html and "1 already logged" in html


def test_accepting_without_javascript_shows_the_suggestions_page_saying_logged(client, editor, wire_story):
    client.force_login(editor)
    suggestion = extract(WIRE)[0]
    response = client.post(
        reverse("claims:suggestion_accept", args=[wire_story.pk]), {"fingerprint": suggestion.fingerprint}
    )
    claim = Claim.objects.get(story=wire_story)
    expected = f"{reverse('claims:story_suggestions', args=[wire_story.pk])}?logged={claim.pk}"
    assert response.status_code == 302 and response["Location"] == expected
    page = client.get(expected).content.decode()
    assert f'data-logged="{claim.pk}"' in page and ">Undo</button>" in page


def test_undo_withdraws_the_accepted_claim_as_undone_and_offers_the_suggestion_again(client, editor, wire_story):
    client.force_login(editor)
    suggestion = extract(WIRE)[0]
    client.post(reverse("claims:suggestion_accept", args=[wire_story.pk]), {"fingerprint": suggestion.fingerprint})
    claim = Claim.objects.get(story=wire_story)
    url = reverse("claims:suggestion_undo", args=[wire_story.pk])
    # a stale version is refused, nothing changes
    stale = client.post(url, {"claim": claim.pk, "version": claim.version + 5}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 409
    claim.refresh_from_db()
    assert not claim.is_withdrawn
    response = client.post(url, {"claim": claim.pk, "version": claim.version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Undone" in html and suggestion.fingerprint in html and f'data-claim="{claim.pk}"' not in html
    claim.refresh_from_db()
    assert claim.is_withdrawn and claim.withdrawal_reason == "undone" and claim.withdrawn_by == editor
    # twice, or a claim not from a suggestion of this story: refused
    assert client.post(url, {"claim": claim.pk, "version": claim.version}).status_code == 422
    assert client.post(url, {"claim": "x", "version": "1"}).status_code == 422


def test_dismissed_suggestions_are_listed_and_restored_with_history(client, editor, wire_story):
    from django.db import connection

    client.force_login(editor)
    suggestion = extract(WIRE)[1]
    client.post(reverse("claims:suggestion_dismiss", args=[wire_story.pk]), {"fingerprint": suggestion.fingerprint})
    listed = client.get(
        f"{reverse('claims:story_suggestions', args=[wire_story.pk])}?dismissed=1", HTTP_HX_REQUEST="true"
    )
    html = listed.content.decode()
    assert "Dismissed" in html and suggestion.fingerprint in html and ">Restore</button>" in html
    url = reverse("claims:suggestion_restore", args=[wire_story.pk])
    response = client.post(url, {"fingerprint": suggestion.fingerprint}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not SuggestionDismissal.objects.filter(story=wire_story).exists()
    assert f'data-fingerprint="{suggestion.fingerprint}"' in response.content.decode()
    # the dismissal and its restoring are both in history, with who did them
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pgh_label FROM claims_suggestiondismissalevent WHERE fingerprint = %s ORDER BY pgh_id",
            [suggestion.fingerprint],
        )
        assert [row[0] for row in cursor.fetchall()] == ["insert", "delete"]
    # restoring what is not dismissed: 409, nothing changes
    assert client.post(url, {"fingerprint": suggestion.fingerprint}, HTTP_HX_REQUEST="true").status_code == 409


@pytest.mark.parametrize(
    ("fingerprint", "status"),
    [("0" * 64, 409), ("not-a-fingerprint", 422), ("", 422), ("é" * 64, 422)],
)
def test_accepting_what_is_not_offered_is_refused_and_writes_nothing(client, editor, wire_story, fingerprint, status):
    client.force_login(editor)
    response = client.post(
        reverse("claims:suggestion_accept", args=[wire_story.pk]), {"fingerprint": fingerprint}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == status
    assert 'role="alert"' in response.content.decode()
    assert not Claim.objects.filter(story=wire_story).exists()


def test_accepting_twice_logs_one_claim(client, editor, wire_story):
    client.force_login(editor)
    fingerprint = extract(WIRE)[0].fingerprint
    url = reverse("claims:suggestion_accept", args=[wire_story.pk])
    assert client.post(url, {"fingerprint": fingerprint}).status_code == 302
    assert client.post(url, {"fingerprint": fingerprint}).status_code == 409
    assert Claim.objects.filter(story=wire_story).count() == 1


def test_dismissed_suggestions_stay_dismissed_for_that_story(client, editor, world, wire_story):
    client.force_login(editor)
    suggestion = extract(WIRE)[1]
    url = reverse("claims:suggestion_dismiss", args=[wire_story.pk])
    response = client.post(url, {"fingerprint": suggestion.fingerprint}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert suggestion.fingerprint not in response.content.decode()
    assert SuggestionDismissal.objects.filter(story=wire_story, dismissed_by=editor).count() == 1
    assert suggestion.fingerprint not in panel(client, wire_story, HTTP_HX_REQUEST="true").content.decode()
    # the same text in another story is still offered there
    other = StoryFactory(body=WIRE)
    assert suggestion.fingerprint in panel(client, other, HTTP_HX_REQUEST="true").content.decode()
    # dismissing again changes nothing; junk is refused
    assert client.post(url, {"fingerprint": suggestion.fingerprint}).status_code == 302
    assert client.post(url, {"fingerprint": "x"}).status_code == 422
    assert SuggestionDismissal.objects.filter(story=wire_story).count() == 1


def test_panel_needs_post_for_actions(client, editor, wire_story):
    client.force_login(editor)
    assert client.get(reverse("claims:suggestion_accept", args=[wire_story.pk])).status_code == 405


def test_panel_queries_stay_bounded_as_the_desk_grows(client, editor, world, wire_story, django_assert_max_num_queries):
    """Many actors, statements and claims by the story's speakers: the panel's query count does not grow."""
    from claims import services

    client.force_login(editor)
    for n in range(40):
        actor = ActorFactory(name=f"Spokesman Number{n}", side=world["vestria"])
        statement = Statement.objects.create(
            speaker=world["kessler"] if n % 2 else world["marov"], said_on=date(2024, 5, 4)
        )
        story = StoryFactory(body=f"Kessler said the border talks had failed, round {n}, and Marov agreed.")
        services.claim_log(
            story=story, author=None, quote=story.current_revision.body, speaker=statement.speaker, statement=statement
        )
        del actor
    with django_assert_max_num_queries(30):
        response = panel(client, wire_story, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Same statement as" in response.content.decode()


# --- The API ----------------------------------------------------------------------------------
def test_api_returns_the_same_suggestions_to_desk_users_only(live_server, seeded, editor, viewer):
    lorania = Side.objects.create(key="lorania-api", name="Lorania")
    ActorFactory(name="Dario Kessler", side=lorania, aliases=["Kessler"])
    outlet = Outlet.objects.create(key="wire-api", name="Wire API")
    story = story_import(outlet=outlet, text=WIRE, headline="Shelling", published_on=date(2024, 5, 4)).story
    url = f"{live_server.url}/api/v1/stories/{story.public_id}/suggestions/"

    token = Token.objects.create(user=editor)
    response = requests.get(url, headers={"Authorization": f"Token {token.key}"}, timeout=30)
    assert response.status_code == 200
    body = response.json()
    expected = extract(WIRE, published_on=date(2024, 5, 4))
    assert [c["fingerprint"] for c in body["candidates"]] == [c.fingerprint for c in expected]
    assert body["story"] == str(story.public_id)
    first = body["candidates"][0]
    assert WIRE[first["start"] : first["end"]] == first["quote"]

    assert requests.get(url, timeout=30).status_code in (401, 403)
    from tests.live_api import make_key

    partner = requests.get(url, headers={"Authorization": f"Api-Key {make_key()}"}, timeout=30)
    assert partner.status_code == 403
    missing = url.replace(str(story.public_id), "00000000-0000-0000-0000-000000000000")
    assert requests.get(missing, headers={"Authorization": f"Token {token.key}"}, timeout=30).status_code == 404
    viewer_token = Token.objects.create(user=viewer)
    assert requests.get(url, headers={"Authorization": f"Token {viewer_token.key}"}, timeout=30).status_code == 200
