"""Correcting a claim over real HTTP: figures added, changed, removed and restored; places in
disputes; words against figures after a revision; scopes. Every change of an existing record needs
If-Match (428 without, 412 when stale, the current ETag in the answer); bad values and unknown ids
are clear 4xx with nothing changed; partners may not write."""

from __future__ import annotations

from collections.abc import Iterator

import pghistory.models
import pytest
import requests
from rest_framework.authtoken.models import Token

from claims import services
from claims.models import Claim, ClaimDispute, ClaimLink, Figure, Scope
from claims.reanchoring import claim_reanchor, claims_reanchor
from sources.models import Story, StoryRevision
from tests.factories import DisputeFactory, SideFactory, StoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Officials said at least 7 people were killed in the strike on Ganja. Armenia denied it."
UNKNOWN = "6f1c2f7e-0000-4000-8000-000000000000"


@pytest.fixture
def claim():
    return services.claim_log(
        story=StoryFactory(body=BODY),
        author=None,
        quote="at least 7 people were killed in the strike on Ganja",
        disputes=[services.DisputeLink(DisputeFactory(title="How many died in Ganja?"))],
        figures=[services.FigureInput(measure="killed", value=7, qualifier="at_least", counted="people")],
    )


@pytest.fixture
def api(live_server, editor) -> Iterator[tuple[str, requests.Session]]:
    with requests.Session() as session:
        session.headers["Authorization"] = f"Token {Token.objects.create(user=editor).key}"
        yield f"{live_server.url}/api/v1", session


def codes(response) -> dict[str, str]:
    return {error["attr"]: error["code"] for error in response.json()["errors"]}


def test_a_figure_is_added_changed_with_if_match_removed_and_restored(api, claim, editor):
    base, http = api
    claims_url = f"{base}/claims/{claim.public_id}"
    added = http.post(f"{claims_url}/figures/", json={"measure": "wounded", "value": 20, "qualifier": "over"})
    assert added.status_code == 201, added.text
    body = added.json()
    assert (body["low"], body["high"], body["version"]) == (21, None, 1)
    url = added.headers["Location"]
    assert url.endswith(f"/claims/{claim.public_id}/figures/{body['id']}/")
    etag = http.get(url).headers["ETag"]
    assert etag.startswith('"v1.')

    assert http.patch(url, json={"value": 30}).status_code == 428
    changed = http.patch(url, json={"value": 30, "qualifier": "up_to"}, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["value"], changed.json()["low"], changed.json()["high"]) == (30, None, 30)
    assert changed.json()["measure"] == "wounded"  # a partial change keeps the rest

    stale = http.patch(url, json={"value": 99}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"v2"'
    assert Figure.objects.get(public_id=body["id"]).value == 30

    assert http.delete(url, headers={"If-Match": '"v1"'}).status_code == 412
    assert http.delete(url, headers={"If-Match": '"v2"'}).status_code == 204
    assert http.get(url).status_code == 404
    restored = http.post(f"{url}restore/", headers={"If-Match": '"v2"'})
    assert restored.status_code == 200, restored.text
    assert (restored.json()["id"], restored.json()["value"], restored.json()["version"]) == (body["id"], 30, 3)
    assert http.post(f"{url}restore/", headers={"If-Match": '"v3"'}).status_code == 400  # not removed
    who = {
        (e.pgh_label, (e.pgh_context or {}).get("user"))
        for e in pghistory.models.Events.objects.references(claim).filter(pgh_model="claims.FigureEvent")
    }
    assert {("update", editor.pk), ("delete", editor.pk), ("insert", editor.pk)} <= who


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"measure": "eaten"}, "measure", "invalid_choice"),
        ({"value": -1}, "value", "min_value"),
        ({"value": 2**31}, "value", "max_value"),
        ({"value": "seven"}, "value", "invalid"),
        ({"qualifier": "more_than", "value": 2**31 - 1}, "value", "invalid"),
        ({"whose": "nowhere"}, "whose", "does_not_exist"),
        ({"scope": "no-such-scope"}, "scope", "does_not_exist"),
        ({"raw": "x" * 301}, "raw", "max_length"),
        ({"as_of": "21 Oct"}, "as_of", "invalid"),
    ],
)
def test_bad_figure_values_are_400_naming_the_field_and_change_nothing(api, claim, body, field, code):
    base, http = api
    figure = claim.figures.get()
    url = f"{base}/claims/{claim.public_id}/figures/{figure.public_id}/"
    response = http.patch(url, json=body, headers={"If-Match": '"v1"'})
    assert response.status_code == 400, response.text
    assert codes(response).get(field) == code, response.json()
    assert http.post(f"{base}/claims/{claim.public_id}/figures/", json={"measure": "killed", **body}).status_code == 400
    assert list(claim.figures.values_list("value", "qualifier", "version")) == [(7, "at_least", 1)]


def test_unknown_ids_are_404_and_partners_may_not_write(api, claim, live_api):
    base, http = api
    figure = claim.figures.get()
    claim_url = f"{base}/claims/{claim.public_id}"
    for url in (
        f"{claim_url}/figures/{UNKNOWN}/",
        f"{claim_url}/figures/not-a-uuid/",
        f"{base}/claims/{UNKNOWN}/figures/{figure.public_id}/",
    ):
        assert http.patch(url, json={"value": 1}, headers={"If-Match": '"v1"'}).status_code == 404, url
    assert http.post(f"{claim_url}/figures/{UNKNOWN}/restore/", headers={"If-Match": '"v1"'}).status_code == 404
    assert http.patch(f"{claim_url}/disputes/{UNKNOWN}/", json={}, headers={"If-Match": '"v1"'}).status_code == 404
    partner = live_api.request(
        "PATCH", f"/api/v1/claims/{claim.public_id}/figures/{figure.public_id}/", json={"value": 1}
    )
    assert partner.status_code in (403, 404)
    assert Figure.objects.get(pk=figure.pk).value == 7


def test_places_in_disputes_are_added_changed_and_removed_with_if_match(api, claim):
    base, http = api
    side = SideFactory(name="Armenia", key="armenia")
    other = DisputeFactory(title="Who fired first?")
    url = f"{base}/claims/{claim.public_id}/disputes/"
    added = http.post(url, json={"dispute": str(other.public_id), "stance": "denies"})
    assert added.status_code == 201, added.text
    assert (added.json()["stance"], added.json()["version"]) == ("denies", 1)
    assert http.post(url, json={"dispute": str(other.public_id)}).status_code == 400  # already there
    place = f"{url}{other.public_id}/"
    assert http.patch(place, json={"blames": "armenia"}).status_code == 428
    changed = http.patch(place, json={"blames": "armenia"}, headers={"If-Match": '"v1"'})
    assert changed.status_code == 200 and changed.json()["blames"]["key"] == "armenia"
    assert changed.json()["stance"] == "denies"
    assert http.patch(place, json={"stance": "asserts"}, headers={"If-Match": '"v1"'}).status_code == 412
    assert http.patch(place, json={"stance": "shrugs"}, headers={"If-Match": '"v2"'}).status_code == 400
    assert ClaimDispute.objects.get(claim=claim, dispute=other).blames == side
    assert http.delete(place, headers={"If-Match": '"v1"'}).status_code == 412
    assert http.delete(place, headers={"If-Match": '"v2"'}).status_code == 204
    assert not ClaimDispute.objects.filter(claim=claim, dispute=other).exists()


def test_a_scope_is_made_once(api):
    base, http = api
    made = http.post(f"{base}/scopes/", json={"label": "Ganja strike, 17 Oct", "kind": "event", "place": "Ganja"})
    assert made.status_code == 201, made.text
    assert made.json()["key"] == "ganja-strike-17-oct"
    again = http.post(f"{base}/scopes/", json={"label": "ganja strike, 17 oct", "kind": "event"})
    assert again.status_code == 200 and again.json()["key"] == "ganja-strike-17-oct"
    assert (
        http.post(f"{base}/scopes/", json={"label": "x", "start": "2020-10-02", "end": "2020-10-01"}).status_code == 400
    )
    assert Scope.objects.count() == 1


@pytest.fixture
def raised(claim):
    revision = StoryRevision.objects.create(story=claim.story, number=2, body=BODY.replace("at least 7", "11"))
    Story.objects.filter(pk=claim.story_id).update(current_revision=revision)
    claims_reanchor(revision=revision)
    flagged = Claim.objects.get(pk=claim.pk)
    claim_reanchor(
        claim=flagged, expected_version=flagged.version, quote="11 people were killed in the strike on Ganja"
    )
    return Claim.objects.get(pk=claim.pk)


def test_words_against_figures_resolved_by_updating_the_figures(api, raised):
    base, http = api
    url = f"{base}/claims/{raised.public_id}/words/update-figures/"
    assert http.post(url).status_code == 428
    assert http.post(url, headers={"If-Match": f'"v{raised.version - 1}"'}).status_code == 412
    done = http.post(url, headers={"If-Match": f'"v{raised.version}"'})
    assert done.status_code == 200, done.text
    assert [(f["value"], f["qualifier"]) for f in done.json()["figures"]] == [(11, "exact")]
    again = http.post(url, headers={"If-Match": done.headers["ETag"]})
    assert again.status_code == 400  # nothing left to resolve


def test_words_against_figures_resolved_by_logging_a_revising_claim(api, raised):
    base, http = api
    response = http.post(
        f"{base}/claims/{raised.public_id}/words/log-revision/", headers={"If-Match": f'"v{raised.version}"'}
    )
    assert response.status_code == 201, response.text
    revised = Claim.objects.get(public_id=response.json()["id"])
    assert response.headers["Location"].endswith(f"/api/v1/claims/{revised.public_id}/")
    assert response.json()["quote"] == "11 people were killed in the strike on Ganja"
    assert ClaimLink.objects.filter(source=revised, target=raised, kind="revises").exists()
    assert Claim.objects.get(pk=raised.pk).quote.startswith("at least 7")
