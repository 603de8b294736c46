"""Reading the API: representations, filters, errors for bad input, ETags, redirects, JSON-LD,
exports, who sees what, and a bounded number of queries whatever the page size."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from claims import services, visibility
from claims.merging import actor_merge, dispute_merge
from claims.models import Actor, Annotation, Claim, Dispute, Figure, Review
from claims.ratings import BEST, BY_RATING, WORST
from sources.models import Outlet
from tests.factories import StoryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(partner_key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    return client


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_a_dispute_groups_its_published_claims_by_side_with_figures_and_spreads(api, seeded):
    dispute = Dispute.objects.get(key="soldiers-killed-2022-09-13")
    body = api.get(f"/api/v1/disputes/{dispute.public_id}/").json()
    sides = {group["side"]["key"] if group["side"] else None: group["claims"] for group in body["sides"]}
    assert {"armenia", "azerbaijan"} <= sides.keys()
    armenian = [figure["value"] for claim in sides["armenia"] for figure in claim["figures"]]
    assert 49 in armenian
    shown = {claim["id"] for group in body["sides"] for claim in group["claims"]}
    assert shown == {
        str(pid)
        for pid in Claim.objects.visible().filter(dispute_links__dispute=dispute).values_list("public_id", flat=True)
    }
    # 49 Armenian and 50 Azerbaijani soldiers are two sides' own losses: not comparable, and why
    (spread,) = body["spreads"]
    assert spread["verdict"] == "not_comparable" and spread["distance"] is None
    assert spread["reason"] == "different whose (Armenia vs Azerbaijan)"
    assert spread["whose"] is None
    assert sorted(figure["value"] for figure in spread["figures"]) == [49, 50]
    assert body["public_url"].endswith(f"/public/disputes/{dispute.public_id}/")


def test_spreads_compare_ranges_with_the_same_function_as_the_pages(api, seeded):
    from claims.figures import spreads

    dispute = Dispute.objects.get(key="az-civilians-killed-2020")
    body = api.get(f"/api/v1/disputes/{dispute.public_id}/").json()
    agree = [spread for spread in body["spreads"] if spread["verdict"] == "agree"]
    assert len(agree) == 1
    # "63" and "at least 60" as of 21 Oct 2020 overlap at 63: they agree, nothing apart
    (spread,) = agree
    assert spread["distance"] == 0 and spread["low"] == spread["high"] == 63
    assert spread["as_of"] == "2020-10-21"
    assert sorted((f["qualifier"], f["value"]) for f in spread["figures"]) == [("at_least", 60), ("exact", 63)]
    figures = Figure.objects.filter(
        claim__in=Claim.objects.visible().filter(dispute_links__dispute=dispute)
    ).select_related("whose", "scope", "claim__speaker", "claim__story__outlet")
    assert [s["summary"] for s in body["spreads"]] == [v.summary() for v in spreads(figures)]


def test_a_claim_links_to_its_story_statement_disputes_and_reviews(api, seeded):
    review = Review.objects.visible().select_related("claim__story__outlet").first()
    claim = review.claim
    body = api.get(f"/api/v1/claims/{claim.public_id}/").json()
    assert body["quote"] == claim.quote
    assert body["anchor"]["start"] == claim.start and body["anchor"]["end"] == claim.end
    assert body["story"]["link"] == claim.story.url
    assert body["story"]["outlet"]["name"] == claim.story.outlet.name
    assert str(review.public_id) in {r["id"] for r in body["reviews"]}
    assert body["reviews"][0]["rating_value"] == BY_RATING[review.rating].value
    for placed in body["disputes"]:  # and back: every dispute it names lists it
        dispute = api.get(placed["url"]).json()
        assert body["id"] in {c["id"] for group in dispute["sides"] for c in group["claims"]}
    story = api.get(body["story"]["url"]).json()
    assert body["id"] in {c["id"] for c in story["claims"]}


def test_claims_filter_by_dispute_side_speaker_outlet_status_dates_and_text(api, seeded):
    dispute = Dispute.objects.visible().get(key="soldiers-killed-2022-09-13")
    visible = Claim.objects.visible()
    expect = lambda qs: {str(pid) for pid in qs.values_list("public_id", flat=True)}  # noqa: E731

    assert ids(api.get("/api/v1/claims/", {"dispute": dispute.public_id})) == expect(
        visible.filter(dispute_links__dispute=dispute)
    )
    assert ids(api.get("/api/v1/claims/", {"side": "armenia", "page_size": 200})) == expect(
        visible.filter(speaker__side__key="armenia")
    )
    speaker = Actor.objects.visible().filter(claims__in=visible).first()
    assert ids(api.get("/api/v1/claims/", {"speaker": speaker.public_id, "page_size": 200})) == expect(
        visible.filter(speaker=speaker)
    )
    outlet = visibility.outlets().filter(stories__claims__in=visible).first()
    assert ids(api.get("/api/v1/claims/", {"outlet": outlet.public_id, "page_size": 200})) == expect(
        visible.filter(story__outlet=outlet)
    )
    assert ids(api.get("/api/v1/claims/", {"published_after": "2022-01-01", "page_size": 200})) == expect(
        visible.filter(story__published_on__gte="2022-01-01")
    )
    assert ids(api.get("/api/v1/claims/", {"dispute_kind": "casualty_count", "page_size": 200})) == expect(
        visible.filter(dispute_links__dispute__in=Dispute.objects.visible().filter(kind="casualty_count")).distinct()
    )
    found = api.get("/api/v1/claims/", {"q": "soldiers killed"}).json()["results"]
    assert found and all("soldier" in claim["quote"].lower() for claim in found)
    assert api.get("/api/v1/claims/", {"q": '"no diplomatic solution" -Pashinyan'}).status_code == 200
    kinds = {d["kind"] for d in api.get("/api/v1/disputes/", {"kind": "casualty_count"}).json()["results"]}
    assert kinds == {"casualty_count"}
    with_side = ids(api.get("/api/v1/disputes/", {"side": "pakistan"}))
    assert with_side and with_side <= {str(p) for p in Dispute.objects.visible().values_list("public_id", flat=True)}


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/claims/", {"dispute": "not-a-uuid"}, "dispute"),
        ("/api/v1/claims/", {"said_after": "yesterday"}, "said_after"),
        ("/api/v1/claims/", {"status": "bogus"}, "status"),
        ("/api/v1/claims/", {"q": "nul\x00byte"}, "q"),
        ("/api/v1/claims/", {"page_size": str(10**30)}, "page_size"),
        ("/api/v1/claims/", {"cursor": "not-a-cursor"}, "cursor"),
        ("/api/v1/claims/", {"cursor": "cD1ub3QtYS11dWlk"}, "cursor"),  # p=not-a-uuid
        ("/api/v1/claims/", {"expand": "figures,secrets"}, "expand"),
        ("/api/v1/disputes/", {"published_after": "2020-13-45T99:00"}, "published_after"),
        ("/api/v1/changes/", {"cursor": "garbage"}, "cursor"),
        ("/api/v1/changes/", {"limit": str(10**30)}, "limit"),
        ("/api/v1/reviews/", {"rating": "\x00"}, "rating"),
    ],
)
def test_bad_filter_values_get_a_400_naming_the_parameter(api, path, params, field):
    response = api.get(path, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["type"] == "validation_error"
    assert field in {error["attr"] for error in body["errors"]}


def test_out_of_range_dates_are_refused_not_crashed(api):
    response = api.get("/api/v1/reviews/", {"published_before": "0001-01-01T00:00:00+16:42"})
    assert response.status_code == 400
    assert api.get("/api/v1/reviews/", {"published_before": "2637-07-27T10:43:21+16:42"}).status_code == 200


def test_unknown_api_urls_answer_json_404(api):
    for path in ["/api/v1/nothing-here/", "/api/v1/claims/0.5/publish/", "/api/v1/claims/not-a-uuid/"]:
        response = api.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["errors"][0]["code"] == "not_found"


def test_a_merged_dispute_or_actor_redirects_to_the_survivor(api, seeded, editor):
    survivor, duplicate = Dispute.objects.visible().order_by("id")[:2]
    dispute_merge(survivor=survivor, duplicate=duplicate, user=editor)
    response = api.get(f"/api/v1/disputes/{duplicate.public_id}/")
    assert response.status_code == 301
    assert response["Location"].endswith(f"/api/v1/disputes/{survivor.public_id}/")
    assert APIClient().get(f"/public/disputes/{duplicate.public_id}/").status_code == 301

    keep, merged = Actor.objects.visible().order_by("id")[:2]
    actor_merge(survivor=keep, duplicate=merged, user=editor)
    response = api.get(f"/api/v1/actors/{merged.public_id}/")
    assert response.status_code == 301
    assert response["Location"].endswith(f"/api/v1/actors/{keep.public_id}/")


def test_a_story_body_is_passed_on_only_where_the_licence_allows(api, seeded):
    story = visibility.stories().select_related("outlet", "current_revision").first()
    body = api.get(f"/api/v1/stories/{story.public_id}/").json()
    assert story.outlet.licence == Outlet.Licence.QUOTES_ONLY
    assert body["body"] is None
    assert body["claims"] and all(claim["quote"] for claim in body["claims"])
    Outlet.objects.filter(pk=story.outlet_id).update(licence=Outlet.Licence.FULL_TEXT)
    assert api.get(f"/api/v1/stories/{story.public_id}/").json()["body"] == story.current_revision.body


def test_a_published_review_is_served_as_claimreview_jsonld(api, seeded):
    for review in Review.objects.visible().select_related("claim__speaker", "claim__story__outlet"):
        data = api.get(f"/api/v1/reviews/{review.public_id}.jsonld").json()
        negotiated = api.get(f"/api/v1/reviews/{review.public_id}/", HTTP_ACCEPT="application/ld+json")
        assert negotiated["Content-Type"].startswith("application/ld+json")
        assert negotiated.json() == data
        assert data["@type"] == "ClaimReview" and data["@context"] == "https://schema.org"
        assert data["claimReviewed"] == review.claim.quote
        assert data["url"].endswith(f"/public/claims/{review.claim.public_id}/")
        item = data["itemReviewed"]
        assert item["@type"] == "Claim"
        expected_author = review.claim.speaker.name if review.claim.speaker else review.claim.story.outlet.name
        assert item["author"]["name"] == expected_author
        assert item["appearance"]["url"] == review.claim.story.url
        rating = data["reviewRating"]
        step = BY_RATING[review.rating]
        assert rating["alternateName"] == step.rating.label
        if step.value is None:
            assert "ratingValue" not in rating
        else:
            assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (step.value, BEST, WORST)
        assert data["author"]["@type"] == "Organization"
        assert data["datePublished"] == review.published_at.date().isoformat()


def test_exports_give_every_matching_row_as_csv_and_json(api, seeded):
    dispute = Dispute.objects.visible().get(key="soldiers-killed-2022-09-13")
    response = api.get(f"/api/v1/disputes/{dispute.public_id}/export/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["claim_id"] for row in rows} == {
        str(pid)
        for pid in Claim.objects.visible().filter(dispute_links__dispute=dispute).values_list("public_id", flat=True)
    }
    assert all(row["dispute_id"] == str(dispute.public_id) for row in rows)

    as_json = api.get("/api/v1/claims/export/", {"side": "armenia"}).json()
    assert as_json["truncated"] is False
    assert {row["claim_id"] for row in as_json["rows"]} == {
        str(pid)
        for pid in Claim.objects.visible().filter(speaker__side__key="armenia").values_list("public_id", flat=True)
    }
    by_accept = api.get("/api/v1/disputes/export/", HTTP_ACCEPT="text/csv")
    assert by_accept["Content-Type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(by_accept.content.decode())))) == Dispute.objects.visible().count()


def test_desk_members_see_their_unpublished_work_others_only_what_is_published(seeded, viewer, outsider):
    unpublished = Dispute.objects.exclude(pk__in=Dispute.objects.visible()).first()
    internal = Annotation.objects.filter(is_public=False, claim__isnull=False).first()
    desk, stranger = APIClient(), APIClient()
    desk.force_login(viewer)
    stranger.force_login(outsider)
    assert desk.get(f"/api/v1/disputes/{unpublished.public_id}/").status_code == 200
    notes = desk.get(f"/api/v1/claims/{internal.claim.public_id}/").json()["annotations"]
    assert internal.body in {note["body"] for note in notes}
    assert stranger.get(f"/api/v1/disputes/{unpublished.public_id}/").status_code == 404
    assert internal.body not in stranger.get(f"/api/v1/claims/{internal.claim.public_id}/").content.decode()


def test_a_published_claim_in_an_unpublished_dispute_only_shows_through_its_public_disputes(api, seeded):
    hidden = Dispute.objects.exclude(pk__in=Dispute.objects.visible()).first()
    public = Dispute.objects.visible().first()
    story = StoryFactory(body="Officials said the bridge at Tartar was destroyed overnight.")
    claim = services.claim_log(
        story=story,
        author=UserFactory(),
        quote="the bridge at Tartar was destroyed",
        disputes=[services.DisputeLink(hidden), services.DisputeLink(public)],
        publish=True,
    )
    body = api.get(f"/api/v1/claims/{claim.public_id}/").json()
    assert [d["id"] for d in body["disputes"]] == [str(public.public_id)]
    assert str(hidden.public_id) not in api.get(f"/api/v1/claims/{claim.public_id}/").content.decode()
    services.claim_publish(claim=claim, expected_version=claim.version, publish=False)
    assert api.get(f"/api/v1/claims/{claim.public_id}/").status_code == 404


LIST_QUERY_BUDGET = 16


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/disputes/",
        "/api/v1/claims/",
        "/api/v1/claims/?expand=via,figures,links,reviews,annotations",
        "/api/v1/statements/",
        "/api/v1/actors/",
        "/api/v1/reviews/",
        "/api/v1/annotations/",
        "/api/v1/outlets/",
        "/api/v1/stories/",
        "/api/v1/claims/export/",
        "/api/v1/disputes/export/",
        "/api/v1/changes/",
    ],
)
def test_lists_take_a_bounded_number_of_queries_whatever_the_page_size(
    path, api, seeded, editor, django_assert_max_num_queries
):
    # more data than the seed alone: every visible claim gets another review and a public note, so
    # an N+1 on any nested list would show
    approver = UserFactory(username="approver")
    for claim in Claim.objects.visible():
        Review.objects.create(
            claim=claim,
            reviewer=editor,
            rating="mixed",
            reasoning="Checked.",
            approved_by=approver,
            approved_at=timezone.now(),
            is_published=True,
            published_at=timezone.now(),
        )
        services.annotation_add(author=editor, body="Public context.", is_public=True, claim=claim)
    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        big = api.get(path, {"page_size": 200} if "export" not in path and "changes" not in path else {})
    assert big.status_code == 200
    if "results" in big.json():
        assert len(big.json()["results"]) >= 5


@pytest.mark.parametrize(
    "words", ["Hajiyev", "Pashinjan", "cease fire", '"two dozen"', "civilians -Ganja", "Ganja OR Tartar"]
)
def test_api_q_finds_what_the_desk_finds_among_published_claims(api, client, editor, seeded, words):
    client.force_login(editor)
    desk = client.get("/search/", {"q": words, "kind": "claim"})
    assert desk.context["page"].paginator.count < 1000
    desk_ids = {r.obj.public_id for r in desk.context["results"]}
    visible = set(Claim.objects.visible().values_list("public_id", flat=True))

    found = ids(api.get("/api/v1/claims/", {"q": words, "page_size": 200}))

    assert found
    assert found == {str(pk) for pk in desk_ids & visible}


def test_the_example_search_in_docs_api_md_returns_claims(api, seeded):
    import re
    from pathlib import Path
    from urllib.parse import parse_qsl, urlsplit

    docs = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text()
    example = re.search(r'"\$API(/claims/\?q=[^"]+)"', docs)
    assert example, "docs/api.md has no example search"
    url = urlsplit(example.group(1))

    found = api.get(f"/api/v1{url.path}", dict(parse_qsl(url.query))).json()["results"]

    assert found


NESTED = ["via", "figures", "links", "reviews", "annotations"]


def test_the_claim_list_is_lean_and_expand_brings_back_the_nested_lists_of_the_detail(api, seeded):
    listed = api.get("/api/v1/claims/", {"page_size": 200}).json()["results"]
    assert listed and not any(name in claim for claim in listed for name in NESTED)
    # what a claim links to stays in the list as references, with their URLs
    assert all(claim["story"]["url"] and claim["url"] for claim in listed)

    expanded = api.get("/api/v1/claims/", {"page_size": 200, "expand": ",".join(NESTED)}).json()["results"]
    reviewed = next(claim for claim in expanded if claim["reviews"] and claim["figures"])
    detail = api.get(reviewed["url"]).json()
    assert {name: reviewed[name] for name in NESTED} == {name: detail[name] for name in NESTED}
    assert detail == reviewed

    only_figures = api.get("/api/v1/claims/", {"page_size": 200, "expand": "figures"}).json()["results"]
    assert all("figures" in claim and "reviews" not in claim for claim in only_figures)


def test_links_built_from_route_templates_are_the_urls_reverse_gives(api, seeded):
    from django.urls import reverse

    def url(name, public_id):
        return "http://testserver" + reverse(name, args=[public_id])

    for claim in api.get("/api/v1/claims/", {"page_size": 200}).json()["results"]:
        assert claim["url"] == url("api:claim-detail", claim["id"])
        assert claim["public_url"] == url("public:claim", claim["id"])
        assert claim["story"]["url"] == url("api:story-detail", claim["story"]["id"])
        assert claim["story"]["outlet"]["url"] == url("api:outlet-detail", claim["story"]["outlet"]["id"])
        if claim["speaker"]:
            assert claim["speaker"]["url"] == url("api:actor-detail", claim["speaker"]["id"])
        for placed in claim["disputes"]:
            assert placed["url"] == url("api:dispute-detail", placed["id"])
