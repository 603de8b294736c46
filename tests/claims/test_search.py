"""Search: ranking, accents, filters, pagination, snippets and bad input, against real PostgreSQL.

The seed dataset is loaded in the database, so these tests search for made-up words ("Quzbarat",
"Velmora") that occur only in the data each test creates.
"""

from __future__ import annotations

from datetime import date

import pytest

from claims import services
from claims.models import Claim, Dispute
from claims.search import SearchFilters, load_results, search_hits
from tests.factories import ActorFactory, DisputeFactory, OutletFactory, SideFactory, StoryFactory

pytestmark = pytest.mark.django_db

URL = "/search/"


def log(story, quote, author, **kwargs) -> Claim:
    return services.claim_log(story=story, author=author, quote=quote, **kwargs)


def kinds_and_ids(response) -> list[tuple[str, int]]:
    return [(r.kind, r.obj.pk) for r in response.context["results"]]


def test_search_is_accent_insensitive_both_ways(client, editor):
    accented = StoryFactory(body="Hikmet Hajíyev told reporters the Quzbarat road was shelled.")
    plain = StoryFactory(body="Hikmet Hajiyev denied the Quzbarat report on Tuesday.")
    claim_accented = log(accented, "Hajíyev told reporters the Quzbarat road was shelled", editor)
    claim_plain = log(plain, "Hajiyev denied the Quzbarat report", editor)
    client.force_login(editor)

    for spelling in ("Hajiyev Quzbarat", "Hajíyev Quzbarat", "HAJIYEV quzbarat"):
        found = kinds_and_ids(client.get(URL, {"q": spelling, "kind": "claim"}))
        assert ("claim", claim_accented.pk) in found, spelling
        assert ("claim", claim_plain.pk) in found, spelling


def test_actor_is_found_by_an_alias_with_or_without_accents(client, editor):
    actor = ActorFactory(name="Hikmet Quzbaratov", aliases=["Hikmət Quzbáratov", "Velmora's spokesman"])
    client.force_login(editor)

    assert ("actor", actor.pk) in kinds_and_ids(client.get(URL, {"q": "Hikmet Quzbaratov"}))
    assert ("actor", actor.pk) in kinds_and_ids(client.get(URL, {"q": "Hikmət"}))
    # a word only in an alias
    response = client.get(URL, {"q": "Velmora spokesman"})
    assert ("actor", actor.pk) in kinds_and_ids(response)
    assert "Velmora&#x27;s spokesman" in response.content.decode()


def test_a_headline_match_ranks_above_a_body_match(client, editor):
    in_body = StoryFactory(headline="Morning briefing", body="Later the Quzbarat ceasefire was announced.")
    in_headline = StoryFactory(headline="Quzbarat ceasefire holds", body="The truce held overnight.")
    client.force_login(editor)

    found = kinds_and_ids(client.get(URL, {"q": "Quzbarat ceasefire", "kind": "story"}))

    assert found == [("story", in_headline.pk), ("story", in_body.pk)]


def test_results_mix_claims_stories_actors_and_labelled_annotations(client, editor):
    story = StoryFactory(headline="Quzbarat shelling", body="Officials said Quzbarat was shelled at dawn.")
    claim = log(story, "Quzbarat was shelled at dawn", editor)
    actor = ActorFactory(name="Quzbarat District Governor")
    internal = services.annotation_add(author=editor, body="Check Quzbarat with the UN", claim=claim)
    public = services.annotation_add(author=editor, body="Quzbarat is in Tovuz district", claim=claim, is_public=True)
    client.force_login(editor)

    response = client.get(URL, {"q": "Quzbarat"})

    assert set(kinds_and_ids(response)) == {
        ("claim", claim.pk),
        ("story", story.pk),
        ("actor", actor.pk),
        ("note", internal.pk),
        ("note", public.pk),
    }
    html = response.content.decode()
    assert "Internal note" in html and "Public" in html
    assert html.count('class="badge badge-internal"') == 1


def test_snippets_mark_the_matched_words_and_escape_the_text(client, editor):
    story = StoryFactory(
        headline="Report on <b>Quzbarat</b>",
        body="Intro. <script>alert(1)</script> The Quzbarat bridge & dam were hit. More text follows here.",
    )
    client.force_login(editor)

    html = client.get(URL, {"q": "Quzbarat", "kind": "story"}).content.decode()

    assert "<mark>Quzbarat</mark> bridge &amp; dam" in html
    assert "Report on &lt;b&gt;<mark>Quzbarat</mark>&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert story.pk in [r[1] for r in search_hits(SearchFilters(q="Quzbarat", kind="story"))]


def test_websearch_syntax_excludes_words_and_matches_phrases(client, editor):
    one = log(StoryFactory(body="Quzbarat road was mined overnight."), "Quzbarat road was mined", editor)
    two = log(StoryFactory(body="Quzbarat bridge was shelled overnight."), "Quzbarat bridge was shelled", editor)
    client.force_login(editor)

    assert kinds_and_ids(client.get(URL, {"q": "Quzbarat -bridge", "kind": "claim"})) == [("claim", one.pk)]
    assert kinds_and_ids(client.get(URL, {"q": '"Quzbarat bridge"', "kind": "claim"})) == [("claim", two.pk)]


def test_filters_narrow_the_results(client, editor):
    north, south = SideFactory(name="Northland"), SideFactory(name="Southland")
    north_speaker, south_speaker = ActorFactory(side=north), ActorFactory(side=south)
    wire, paper = OutletFactory(), OutletFactory()
    counts = DisputeFactory(kind=Dispute.Kind.CASUALTY_COUNT)
    blame = DisputeFactory(kind=Dispute.Kind.ATTACK_ATTRIBUTION)
    a = log(
        StoryFactory(outlet=wire, published_on=date(2020, 10, 2), body="North said Quzbarat lost 12 men."),
        "Quzbarat lost 12 men",
        editor,
        speaker=north_speaker,
        disputes=[services.DisputeLink(dispute=counts)],
    )
    b = log(
        StoryFactory(outlet=paper, published_on=date(2022, 9, 14), body="South said Quzbarat fired first."),
        "Quzbarat fired first",
        editor,
        speaker=south_speaker,
        status=Claim.Status.DISPUTED,
        disputes=[services.DisputeLink(dispute=blame)],
    )
    client.force_login(editor)

    def claims(**params) -> set[int]:
        response = client.get(URL, {"q": "Quzbarat", "kind": "claim", **params})
        assert response.status_code == 200
        return {pk for kind, pk in kinds_and_ids(response)}

    assert claims() == {a.pk, b.pk}
    assert claims(side=north.pk) == {a.pk}
    assert claims(speaker=south_speaker.pk) == {b.pk}
    assert claims(outlet=wire.pk) == {a.pk}
    assert claims(dispute_kind="attack_attribution") == {b.pk}
    assert claims(status="disputed") == {b.pk}
    assert claims(date_from="2021-01-01") == {b.pk}
    assert claims(date_to="2020-12-31") == {a.pk}
    assert claims(date_from="2020-10-01", date_to="2020-10-03", outlet=wire.pk) == {a.pk}
    assert claims(side=north.pk, status="disputed") == set()


def test_filters_without_words_list_matches_newest_first(client, editor):
    side = SideFactory(name="Velmoraland")
    speaker = ActorFactory(side=side)
    older = log(StoryFactory(published_on=date(2020, 1, 1)), "13 civilians were killed", editor, speaker=speaker)
    newer = log(StoryFactory(published_on=date(2021, 1, 1)), "13 civilians were killed", editor, speaker=speaker)
    client.force_login(editor)

    found = kinds_and_ids(client.get(URL, {"side": side.pk}))

    # the claims, then the speaker (an actor of that side), newest claim first
    assert found == [("claim", newer.pk), ("claim", older.pk), ("actor", speaker.pk)]


def test_results_are_paginated_and_the_pages_do_not_overlap(client, editor):
    story = StoryFactory(body=" ".join(f"Quzbarat report number {n}." for n in range(45)))
    for n in range(45):
        log(story, f"Quzbarat report number {n}.", editor)
    client.force_login(editor)

    pages = [client.get(URL, {"q": "Quzbarat", "kind": "claim", "page": n}) for n in (1, 2, 3)]

    assert [len(p.context["results"]) for p in pages] == [20, 20, 5]
    assert pages[0].context["page"].paginator.count == 45
    seen = [pk for p in pages for _, pk in kinds_and_ids(p)]
    assert len(set(seen)) == 45
    assert 'rel="next"' in pages[0].content.decode()
    # a page number past the end shows the last page; nonsense shows the first
    assert kinds_and_ids(client.get(URL, {"q": "Quzbarat", "kind": "claim", "page": 99})) == kinds_and_ids(pages[2])
    assert kinds_and_ids(client.get(URL, {"q": "Quzbarat", "kind": "claim", "page": "x"})) == kinds_and_ids(pages[0])


def test_an_htmx_request_gets_only_the_results(client, editor):
    log(StoryFactory(body="Quzbarat was calm."), "Quzbarat was calm", editor)
    client.force_login(editor)

    response = client.get(URL, {"q": "Quzbarat"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="search-results"')
    assert "<html" not in html and "Quzbarat" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x", "speaker": "99999999999999999999999"}, "Select a valid choice"),
        ({"q": "x", "speaker": "987654321"}, "Select a valid choice"),
        ({"q": "x", "outlet": "abc"}, "Select a valid choice"),
        ({"q": "x", "side": "-1"}, "Select a valid choice"),
        ({"q": "x", "date_from": "2020-02-30"}, "Enter a valid date"),
        ({"q": "x", "date_to": "99999-01-01"}, "Enter a valid date"),
        ({"q": "x", "date_from": "2022-01-01", "date_to": "2021-01-01"}, "ends before it starts"),
        ({"q": "x", "status": "bogus"}, "Select a valid choice"),
        ({"q": "x" * 301}, "at most 300 characters"),
    ],
)
def test_bad_query_strings_get_a_clear_message_not_a_server_error(client, editor, params, message):
    client.force_login(editor)

    response = client.get(URL, params)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["results"] == []


def test_a_query_of_only_operators_or_stop_words_finds_nothing_without_error(client, editor):
    client.force_login(editor)
    for q in ("the and or", '"', "-", "!!! ((", "'; DROP TABLE claims_claim; --"):
        response = client.get(URL, {"q": q})
        assert response.status_code == 200, q


def test_search_needs_a_desk_role(client, outsider):
    assert client.get(URL, {"q": "x"}).status_code == 302  # anonymous: to the login page
    client.force_login(outsider)
    assert client.get(URL, {"q": "x"}).status_code == 403


def test_viewer_may_search(client, viewer):
    client.force_login(viewer)
    assert client.get(URL, {"q": "x"}).status_code == 200


def _many_results(editor, n: int) -> None:
    side = SideFactory(name=f"Quzbarat side {n}")
    outlet = OutletFactory()
    dispute = DisputeFactory()
    for i in range(n):
        speaker = ActorFactory(name=f"Quzbarat speaker {n}-{i}", side=side, aliases=[f"Quzbarat alias {n}-{i}"])
        story = StoryFactory(outlet=outlet, headline=f"Quzbarat story {n}-{i}", body=f"The Quzbarat toll was {i}.")
        claim = log(
            story,
            f"The Quzbarat toll was {i}.",
            editor,
            speaker=speaker,
            disputes=[services.DisputeLink(dispute=dispute)],
            figures=[services.FigureInput(measure="killed", value=i)],
        )
        services.annotation_add(author=editor, body=f"Quzbarat note {i}", claim=claim)


def test_search_page_queries_are_bounded_whatever_the_number_of_results(client, editor, django_assert_max_num_queries):
    client.force_login(editor)
    kinds = ["", "claim", "story", "actor", "note"]
    _many_results(editor, 8)
    few = {}
    for kind in kinds:
        with django_assert_max_num_queries(18) as captured:
            client.get(URL, {"q": "Quzbarat", "kind": kind})
        few[kind] = len(captured.captured_queries)
    _many_results(editor, 30)
    for kind in kinds:
        with django_assert_max_num_queries(few[kind]):
            response = client.get(URL, {"q": "Quzbarat", "kind": kind})
        assert len(response.context["results"]) == 20
        assert {r.kind for r in response.context["results"]} == ({kind} if kind else {"story"})


def test_headlines_are_computed_only_for_the_page_shown(editor, django_assert_max_num_queries):
    _many_results(editor, 25)
    filters = SearchFilters(q="Quzbarat")
    hits = search_hits(filters)
    assert hits.count() >= 100
    with django_assert_max_num_queries(12) as captured:
        results = load_results(hits[:20], filters)
    assert len(results) == 20
    headline_queries = [q["sql"] for q in captured.captured_queries if "ts_headline" in q["sql"]]
    assert headline_queries
    for sql in headline_queries:
        assert " IN (" in sql  # restricted to the page's ids
