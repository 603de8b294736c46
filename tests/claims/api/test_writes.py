"""The desk's write API: the desk's permissions, optimistic concurrency over HTTP (If-Match, 412,
428), and validation errors as structured JSON naming the field, with nothing written."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Annotation, Claim, Dispute, Review, Statement
from tests.factories import ActorFactory, DisputeFactory, StoryFactory

pytestmark = pytest.mark.django_db

BODY = "The ministry said 13 civilians were killed in the strike. The other side denied firing at all."


def desk(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def errors(response) -> dict[str, str]:
    body = response.json()
    assert body["type"] == "validation_error", body
    return {error["attr"]: error["code"] for error in body["errors"]}


@pytest.fixture
def story():
    return StoryFactory(body=BODY)


@pytest.fixture
def dispute():
    return DisputeFactory(title="How many civilians died in the strike?")


def log_claim(client: APIClient, on_story, dispute, **extra):
    payload = {
        "story": str(on_story.public_id),
        "quote": "13 civilians were killed",
        "mode": "paraphrase",
        "disputes": [{"dispute": str(dispute.public_id), "stance": "asserts"}],
        "figures": [{"measure": "killed", "value": 13, "counted": "civilians"}],
        **extra,
    }
    return client.post("/api/v1/claims/", payload, format="json")


def test_an_editor_logs_a_claim_and_the_server_anchors_it(editor, story, dispute):
    response = log_claim(desk(editor), story, dispute, start_hint=3)
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"].endswith(f"/api/v1/claims/{body['id']}/")
    assert response["ETag"].startswith('"v1.')
    start = BODY.index("13 civilians were killed")
    assert (body["anchor"]["start"], body["anchor"]["end"]) == (start, start + len("13 civilians were killed"))
    assert body["figures"][0]["low"] == body["figures"][0]["high"] == 13
    assert body["disputes"][0]["id"] == str(dispute.public_id)
    assert body["is_published"] is False


def test_validation_errors_name_the_field_and_write_nothing(editor, story, dispute):
    client = desk(editor)
    before = Claim.objects.count()
    cases = [
        ({"quote": "words that are not in the story"}, "quote", "invalid"),
        ({"story": "not-a-uuid"}, "story", "invalid"),
        ({"speaker": "6f1c2f7e-0000-4000-8000-000000000000"}, "speaker", "does_not_exist"),
        ({"mode": "shouting"}, "mode", "invalid_choice"),
        ({"figures": [{"measure": "killed", "value": -1}]}, "figures.0.value", "min_value"),
        ({"figures": [{"measure": "killed", "value": 10**20}]}, "figures.0.value", "max_value"),
        ({"quote": "nul\x00byte"}, "quote", "null_characters_not_allowed"),
    ]
    for extra, field, code in cases:
        response = log_claim(client, story, dispute, **extra)
        assert response.status_code == 400, (extra, response.content)
        assert errors(response).get(field) == code, (extra, response.json())
    assert client.post("/api/v1/claims/", "{not json", content_type="application/json").status_code == 400
    assert Claim.objects.count() == before


def test_a_claim_cannot_be_put_in_a_merged_dispute(editor, story, dispute):
    dispute.merged_into = DisputeFactory()
    dispute.save()
    response = log_claim(desk(editor), story, dispute)
    assert response.status_code == 400
    assert errors(response) == {"disputes.0.dispute": "does_not_exist"}


def test_updates_need_if_match_and_a_stale_one_is_refused_with_the_current_version(editor, story, dispute):
    client = desk(editor)
    created = log_claim(client, story, dispute).json()
    url = f"/api/v1/claims/{created['id']}/"
    etag = client.get(url)["ETag"]

    missing = client.patch(url, {"status": "disputed"}, format="json")
    assert missing.status_code == 428
    assert missing.json()["errors"][0]["code"] == "precondition_required"

    first = client.patch(url, {"status": "disputed"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    assert first.json()["status"] == "disputed" and first.json()["version"] == 2

    stale = client.patch(url, {"status": "verified"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale["ETag"] == '"v2"'
    assert "version 2" in stale.json()["errors"][0]["detail"]
    assert Claim.objects.get(public_id=created["id"]).status == "disputed"  # nothing overwritten

    assert client.patch(url, {"status": "verified"}, format="json", HTTP_IF_MATCH='"v2"').status_code == 200
    assert client.patch(url, {"status": "verified"}, format="json", HTTP_IF_MATCH='"bogus"').status_code == 412


def test_roles_decide_who_may_write(editor, factchecker, viewer, story, dispute):
    created = log_claim(desk(editor), story, dispute).json()
    url = f"/api/v1/claims/{created['id']}/"
    assert log_claim(desk(viewer), story, dispute).status_code == 403
    assert log_claim(desk(factchecker), story, dispute).status_code == 403  # fact-checkers do not log claims
    # a fact-checker may change a claim's status, not its speaker
    checker = desk(factchecker)
    ok = checker.patch(url, {"status": "verified"}, format="json", HTTP_IF_MATCH='"v1"')
    assert ok.status_code == 200
    speaker = ActorFactory()
    refused = checker.patch(url, {"speaker": str(speaker.public_id)}, format="json", HTTP_IF_MATCH='"v2"')
    assert refused.status_code == 403
    assert Claim.objects.get(public_id=created["id"]).speaker is None


def test_publishing_and_withdrawing_a_claim(editor, story, dispute):
    client = desk(editor)
    created = log_claim(client, story, dispute).json()
    base = f"/api/v1/claims/{created['id']}/"
    published = client.post(base + "publish/", {"publish": True}, format="json", HTTP_IF_MATCH='"v1"')
    assert published.status_code == 200 and published.json()["is_published"] is True
    no_reason = client.post(base + "withdraw/", {"reason": ""}, format="json", HTTP_IF_MATCH='"v2"')
    assert errors(no_reason) == {"reason": "blank"}
    withdrawn = client.post(base + "withdraw/", {"reason": "logged twice"}, format="json", HTTP_IF_MATCH='"v2"')
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn"] is True
    again = client.post(base + "publish/", {"publish": True}, format="json", HTTP_IF_MATCH='"v3"')
    assert again.status_code == 400


def test_token_authentication_for_desk_scripts(editor, dispute):
    token = Token.objects.create(user=editor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.patch(
        f"/api/v1/disputes/{dispute.public_id}/", {"status": "contested"}, format="json", HTTP_IF_MATCH='"v1"'
    )
    assert response.status_code == 200, response.content
    assert Dispute.objects.get(pk=dispute.pk).status == "contested"


def test_disputes_statements_and_annotations_through_the_api(editor, story):
    client = desk(editor)
    made = client.post("/api/v1/disputes/", {"title": "Who fired first?", "kind": "attack_attribution"}, format="json")
    assert made.status_code == 201
    url = made["Location"]
    bad_dates = client.patch(
        url, {"event_start": "2020-10-02", "event_end": "2020-10-01"}, format="json", HTTP_IF_MATCH=made["ETag"]
    )
    assert errors(bad_dates) == {"event_end": "invalid"}
    assert client.post(url + "publish/", {}, format="json", HTTP_IF_MATCH='"v1"').json()["is_published"] is True

    speaker = ActorFactory()
    statement = client.post(
        "/api/v1/statements/", {"speaker": str(speaker.public_id), "occasion": "address"}, format="json"
    )
    assert statement.status_code == 201
    renamed = client.patch(statement["Location"], {"description": "Video address"}, format="json", HTTP_IF_MATCH='"v1"')
    assert renamed.json()["description"] == "Video address"
    assert Statement.objects.get(public_id=statement.json()["id"]).version == 2

    dispute_id = made.json()["id"]
    note = client.post(
        "/api/v1/annotations/", {"dispute": dispute_id, "body": "INTERNAL: check", "is_public": False}, format="json"
    )
    assert note.status_code == 201
    neither = client.post("/api/v1/annotations/", {"body": "orphan"}, format="json")
    assert neither.status_code == 400
    changed = client.patch(
        note["Location"], {"body": "Public now.", "is_public": True}, format="json", HTTP_IF_MATCH='"v1"'
    )
    assert changed.json()["is_public"] is True
    assert Annotation.objects.get(public_id=note.json()["id"]).body == "Public now."


def test_a_review_is_drafted_then_approved_by_a_second_person(editor, factchecker, second_factchecker, story, dispute):
    claim = log_claim(desk(editor), story, dispute).json()
    checker = desk(factchecker)
    draft = checker.post(
        "/api/v1/reviews/",
        {
            "claim": claim["id"],
            "rating": "mostly_true",
            "reasoning": "Matches the ministry's list.",
            "evidence": ["https://example.org/list"],
        },
        format="json",
    )
    assert draft.status_code == 201, draft.content
    url = draft["Location"]
    assert draft.json()["is_published"] is False
    own = checker.post(url + "approve/", format="json", HTTP_IF_MATCH='"v1"')
    assert own.status_code == 400  # not by its own reviewer: a rule about the request as a whole
    assert errors(own) == {"non_field_errors": "invalid"}
    assert "second person" in own.json()["errors"][0]["detail"]
    bad_link = checker.patch(
        url,
        {"rating": "true", "reasoning": "x", "evidence": ["javascript:alert(1)"]},
        format="json",
        HTTP_IF_MATCH='"v1"',
    )
    assert errors(bad_link) == {"evidence": "invalid"}
    approved = desk(second_factchecker).post(url + "approve/", format="json", HTTP_IF_MATCH='"v1"')
    assert approved.status_code == 200
    assert approved.json()["is_published"] is True
    assert Review.objects.get(public_id=draft.json()["id"]).approved_by == second_factchecker


def test_a_draft_is_sent_back_with_a_comment_resubmitted_and_partners_never_see_the_comment(
    editor, factchecker, second_factchecker, story, dispute, partner_key
):
    claim = log_claim(desk(editor), story, dispute, publish=True).json()
    checker, second = desk(factchecker), desk(second_factchecker)
    url = checker.post(
        "/api/v1/reviews/", {"claim": claim["id"], "rating": "mixed", "reasoning": "Two counts."}, format="json"
    )["Location"]

    own = checker.post(url + "send-back/", {"comment": "Mine."}, format="json", HTTP_IF_MATCH='"v1"')
    assert own.status_code == 400 and "second person" in own.json()["errors"][0]["detail"]
    empty = second.post(url + "send-back/", {"comment": ""}, format="json", HTTP_IF_MATCH='"v1"')
    assert errors(empty) == {"comment": "blank"}
    stale = second.post(url + "send-back/", {"comment": "Which strike?"}, format="json", HTTP_IF_MATCH='"v0"')
    assert stale.status_code == 412

    returned = second.post(url + "send-back/", {"comment": "Which strike?"}, format="json", HTTP_IF_MATCH='"v1"')
    assert returned.status_code == 200, returned.content
    body = returned.json()
    assert (body["return_comment"], body["returned_by"], body["version"]) == ("Which strike?", "factchecker2", 2)
    refused = second.post(url + "approve/", format="json", HTTP_IF_MATCH='"v2"')
    assert refused.status_code == 400 and "resubmit" in refused.json()["errors"][0]["detail"]

    resubmitted = checker.post(url + "resubmit/", format="json", HTTP_IF_MATCH='"v2"')
    assert resubmitted.status_code == 200 and resubmitted.json()["returned_at"] is None
    assert second.post(url + "approve/", format="json", HTTP_IF_MATCH='"v3"').status_code == 200
    partner = APIClient().get(url, HTTP_AUTHORIZATION=f"Api-Key {partner_key}")
    assert partner.status_code == 200
    assert not {"returned_at", "returned_by", "return_comment"} & set(partner.json())


def test_if_match_with_a_list_of_tags_succeeds_when_any_of_them_is_current(editor, story, dispute):
    client = desk(editor)
    created = log_claim(client, story, dispute).json()
    url = f"/api/v1/claims/{created['id']}/"
    etag = client.get(url)["ETag"]  # "v1.<hash>"

    listed = client.patch(url, {"status": "disputed"}, format="json", HTTP_IF_MATCH=f'"v7", "bogus", {etag}')
    assert listed.status_code == 200, listed.json()
    assert listed.json()["version"] == 2
    also = client.patch(url, {"status": "verified"}, format="json", HTTP_IF_MATCH='"v1","v2"')
    assert also.status_code == 200, also.json()

    none_current = client.patch(url, {"status": "false"}, format="json", HTTP_IF_MATCH=f'"v1", {etag}, "v9"')
    assert none_current.status_code == 412
    assert none_current["ETag"] == '"v3"'
    assert Claim.objects.get(public_id=created["id"]).status == "verified"  # nothing overwritten


def test_a_figure_whose_bound_is_past_the_column_is_a_400_naming_it(editor, story, dispute):
    figure = {"measure": "killed", "value": 2**31 - 1, "qualifier": "more_than"}

    response = log_claim(desk(editor), story, dispute, figures=[figure])

    assert response.status_code == 400
    assert "beyond the largest figure the desk can store" in response.json()["errors"][0]["detail"]
    assert not Claim.objects.filter(story=story).exists()
