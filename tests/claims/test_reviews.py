"""Reviews: draft, second-person approval, corrections that keep the old verdict, and "How we rate"."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from claims import services
from claims.models import Claim, Review
from claims.ratings import SCALE
from claims.reviewing import review_approve, review_draft, review_send_back, review_update
from core.errors import DomainError
from tests.factories import DisputeFactory, StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(editor) -> Claim:
    return services.claim_log(
        story=StoryFactory(),
        author=editor,
        quote="13 civilians were killed",
        publish=True,
        disputes=[services.DisputeLink(dispute=DisputeFactory())],
    )


def draft(claim, reviewer, **kwargs) -> Review:
    values = {"rating": "mostly_true", "reasoning": "AFP counts 13 in one strike.", "evidence": []} | kwargs
    return review_draft(claim=claim, reviewer=reviewer, **values)


def test_a_factchecker_drafts_and_a_second_factchecker_approves_and_publishes(
    client, claim, factchecker, second_factchecker
):
    client.force_login(factchecker)
    response = client.post(
        reverse("claims:review_new", args=[claim.pk]),
        {
            "rating": "mostly_true",
            "reasoning": "Consistent with **AFP**.\n\n- one strike: 13\n- both: about two dozen",
            "evidence": "https://www.afp.com/en/news/1\n\n  http://example.org/report  \n",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(claim=claim)
    assert not review.is_published and review.approved_by is None
    assert review.evidence == ["https://www.afp.com/en/news/1", "http://example.org/report"]
    detail = client.get(response["Location"])
    assert "Approve and publish" not in detail.content.decode()
    assert "another fact-checker or an editor must approve it" in detail.content.decode()

    client.force_login(second_factchecker)
    page = client.get(reverse("claims:review_detail", args=[review.pk]))
    html = page.content.decode()
    assert "<strong>AFP</strong>" in html and "<li>one strike: 13</li>" in html
    assert "Approve and publish" in html
    confirm = client.get(reverse("claims:review_approve", args=[review.pk]))
    assert confirm.status_code == 200 and "Yes, approve and publish" in confirm.content.decode()
    response = client.post(
        reverse("claims:review_approve", args=[review.pk]), {"version": review.version, "confirm": "True"}
    )
    assert response.status_code == 302

    review.refresh_from_db()
    assert review.is_published and review.approved_by == second_factchecker and review.published_at
    assert list(Review.objects.visible().filter(claim=claim)) == [review]


def test_an_editor_may_approve_but_not_draft(client, claim, factchecker, editor):
    review = draft(claim, factchecker)
    client.force_login(editor)
    assert (
        client.post(reverse("claims:review_new", args=[claim.pk]), {"rating": "true", "reasoning": "x"}).status_code
        == 403
    )
    approve = reverse("claims:review_approve", args=[review.pk])
    assert client.post(approve, {"version": review.version, "confirm": "True"}).status_code == 302
    review.refresh_from_db()
    assert review.is_published and review.approved_by == editor


def test_the_reviewer_cannot_approve_their_own_verdict(client, claim, factchecker):
    review = draft(claim, factchecker)
    client.force_login(factchecker)

    response = client.post(reverse("claims:review_approve", args=[review.pk]), {"version": review.version})

    assert response.status_code == 403
    review.refresh_from_db()
    assert not review.is_published and review.approved_by is None
    with pytest.raises(DomainError, match="second person"):
        review_approve(review=review, expected_version=review.version, approver=factchecker)


def test_the_database_refuses_self_approval_too(claim, factchecker):
    review = draft(claim, factchecker)
    with pytest.raises(IntegrityError, match="claims_review_approver_is_second_person"), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(approved_by=factchecker)


@pytest.mark.parametrize("who", ["viewer", "outsider"])
def test_viewers_and_outsiders_cannot_draft_or_approve(client, request, claim, factchecker, who):
    review = draft(claim, factchecker)
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("claims:review_new", args=[claim.pk])).status_code == 403
    assert (
        client.post(reverse("claims:review_new", args=[claim.pk]), {"rating": "true", "reasoning": "Fine."}).status_code
        == 403
    )
    assert (
        client.post(reverse("claims:review_approve", args=[review.pk]), {"version": review.version}).status_code == 403
    )
    assert client.get(reverse("claims:review_edit", args=[review.pk])).status_code == 403
    assert Review.objects.filter(claim=claim).count() == 1
    review.refresh_from_db()
    assert not review.is_published


def test_outsiders_cannot_read_reviews(client, claim, factchecker, outsider):
    review = draft(claim, factchecker)
    client.force_login(outsider)
    assert client.get(reverse("claims:review_detail", args=[review.pk])).status_code == 403
    assert client.get(reverse("claims:review_queue")).status_code == 403


def test_a_correction_supersedes_the_old_verdict_which_stays_visible_with_its_date(
    client, claim, factchecker, second_factchecker
):
    old = draft(claim, factchecker, rating="mostly_true")
    review_approve(review=old, expected_version=old.version, approver=second_factchecker)
    client.force_login(factchecker)

    form = client.get(reverse("claims:review_new", args=[claim.pk]), {"supersedes": old.pk})
    assert "Correct the verdict of" in form.content.decode()
    response = client.post(
        reverse("claims:review_new", args=[claim.pk]),
        {"rating": "false", "reasoning": "The UN later counted 3.", "supersedes": old.pk},
    )
    assert response.status_code == 302
    correction = Review.objects.get(supersedes=old)
    review_approve(review=correction, expected_version=correction.version, approver=second_factchecker)

    old.refresh_from_db()
    assert old.is_published  # the old verdict stays published, with its date
    html = client.get(reverse("claims:review_detail", args=[correction.pk])).content.decode()
    assert "Mostly true" in html and "False" in html
    assert f"Corrected on {correction.published_at:%-d %b %Y}" in html
    assert f"corrects the verdict of {old.published_at:%-d %b %Y}" in html
    assert set(Review.objects.visible().filter(claim=claim)) == {old, correction}


def test_corrections_must_be_of_a_published_review_and_only_once(claim, factchecker, second_factchecker):
    unpublished = draft(claim, factchecker)
    with pytest.raises(DomainError, match="Only a published review"):
        draft(claim, factchecker, supersedes=unpublished)
    review_approve(review=unpublished, expected_version=unpublished.version, approver=second_factchecker)
    draft(claim, factchecker, supersedes=unpublished)
    with pytest.raises(DomainError, match="already has a correction"):
        draft(claim, second_factchecker, supersedes=unpublished)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "pants_on_fire", "reasoning": "x"}, "Select a valid choice"),
        ({"rating": "true", "reasoning": "   "}, "This field is required"),
        ({"rating": "true", "reasoning": "x", "evidence": "javascript:alert(1)"}, "is not an http(s) link"),
        ({"rating": "true", "reasoning": "x", "evidence": "ftp://example.org/file"}, "is not an http(s) link"),
        ({"rating": "true", "reasoning": "x", "evidence": "not a url"}, "is not an http(s) link"),
        ({"rating": "true", "reasoning": "x\x00"}, "Null characters are not allowed"),
        ({"rating": "true", "reasoning": "x", "supersedes": "987654321"}, "no such review of this claim"),
    ],
)
def test_bad_drafts_are_refused_with_a_clear_message_and_nothing_written(client, claim, factchecker, data, message):
    client.force_login(factchecker)

    response = client.post(reverse("claims:review_new", args=[claim.pk]), data)

    # a NUL byte is refused before any form, with 400, everywhere on the desk (config/middleware.py)
    assert response.status_code == (400 if any("\x00" in value for value in data.values()) else 422)
    assert message in response.content.decode()
    assert not Review.objects.filter(claim=claim).exists()


def test_reasoning_markdown_is_sanitised(client, claim, factchecker):
    review = draft(
        claim,
        factchecker,
        reasoning='<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror="alert(3)"> **ok**',
    )
    client.force_login(factchecker)

    html = client.get(reverse("claims:review_detail", args=[review.pk])).content.decode()

    assert "<strong>ok</strong>" in html
    assert "<script>alert(1)" not in html and "javascript:alert" not in html and "onerror" not in html


def test_only_the_reviewer_edits_a_draft_and_a_stale_edit_conflicts(client, claim, factchecker, second_factchecker):
    review = draft(claim, factchecker)
    url = reverse("claims:review_edit", args=[review.pk])
    client.force_login(second_factchecker)
    assert client.post(url, {"rating": "false", "reasoning": "Mine now", "version": review.version}).status_code == 403

    client.force_login(factchecker)
    stale = review.version
    assert client.post(url, {"rating": "mixed", "reasoning": "Revised.", "version": stale}).status_code == 302
    response = client.post(url, {"rating": "false", "reasoning": "Overwrite?", "version": stale})
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    review.refresh_from_db()
    assert (review.rating, review.reasoning) == ("mixed", "Revised.")


def test_queue_lists_drafts_awaiting_a_second_person(client, claim, factchecker, second_factchecker):
    waiting = draft(claim, factchecker, reasoning="Waiting for approval")
    client.force_login(second_factchecker)
    response = client.get(reverse("claims:review_queue"))
    assert response.status_code == 200
    assert waiting in list(response.context["waiting"])


def test_how_we_rate_explains_every_rating_of_the_scale(client, viewer):
    client.force_login(viewer)
    html = client.get(reverse("claims:how_we_rate")).content.decode()
    for step in SCALE:
        assert step.rating.label in html
        assert step.meaning in html
    assert "second person" in html


def test_how_we_rate_needs_a_login(client):
    assert client.get(reverse("claims:how_we_rate")).status_code == 302


# --- no default rating -------------------------------------------------------------------------


def test_the_draft_form_preselects_no_rating_and_a_draft_without_one_is_refused_with_422(client, claim, factchecker):
    client.force_login(factchecker)
    url = reverse("claims:review_new", args=[claim.pk])

    form = client.get(url).content.decode()
    assert '<option value="" selected>Choose a rating…</option>' in form
    assert form.count("selected") == 1

    response = client.post(url, {"reasoning": "AFP counts 13.", "evidence": ""})
    assert response.status_code == 422
    assert "Choose a rating: there is no default." in response.content.decode()
    assert not Review.objects.filter(claim=claim).exists()


def test_a_correction_does_not_start_from_the_old_rating(client, claim, factchecker, second_factchecker):
    old = draft(claim, factchecker, rating="mostly_true")
    review_approve(review=old, expected_version=1, approver=second_factchecker)
    client.force_login(factchecker)

    html = client.get(reverse("claims:review_new", args=[claim.pk]), {"supersedes": old.pk}).content.decode()

    assert '<option value="" selected>Choose a rating…</option>' in html
    assert '<option value="mostly_true" selected>' not in html


# --- the confirm step --------------------------------------------------------------------------


def test_approving_goes_through_a_confirm_page_and_a_post_without_it_publishes_nothing(
    client, claim, factchecker, second_factchecker
):
    review = draft(claim, factchecker)
    client.force_login(second_factchecker)
    url = reverse("claims:review_approve", args=[review.pk])

    detail = client.get(reverse("claims:review_detail", args=[review.pk])).content.decode()
    assert f'href="{url}">Approve and publish…</a>' in detail  # a link to the confirm page, not a POST

    confirm = client.get(url)
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Approve and publish this verdict?" in html and "Yes, approve and publish" in html
    assert 'name="confirm" value="True"' in html
    review.refresh_from_db()
    assert not review.is_published  # reading the confirm page changes nothing

    refused = client.post(url, {"version": review.version})
    assert refused.status_code == 422
    assert "Confirm below to approve and publish this verdict." in refused.content.decode()
    review.refresh_from_db()
    assert not review.is_published

    assert client.post(url, {"version": review.version, "confirm": "True"}).status_code == 302
    review.refresh_from_db()
    assert review.is_published and review.approved_by == second_factchecker


def test_a_stale_confirm_is_refused_with_409_and_offers_the_current_version(
    client, claim, factchecker, second_factchecker
):
    review = draft(claim, factchecker)
    client.force_login(second_factchecker)
    url = reverse("claims:review_approve", args=[review.pk])
    client.get(url)
    review_update(review=review, expected_version=1, user=factchecker, rating="false", reasoning="Changed.")

    response = client.post(url, {"version": 1, "confirm": "True"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "changed by someone else" in html and 'name="version" value="2"' in html
    review.refresh_from_db()
    assert not review.is_published


def test_the_reviewer_cannot_open_the_confirm_page_of_their_own_draft(client, claim, factchecker):
    review = draft(claim, factchecker)
    client.force_login(factchecker)

    assert client.get(reverse("claims:review_approve", args=[review.pk])).status_code == 403


# --- the "not public until" notice -------------------------------------------------------------


@pytest.fixture
def unpublished_claim(editor) -> Claim:
    return services.claim_log(story=StoryFactory(), author=editor, quote="13 civilians were killed")


def test_approving_a_review_of_a_claim_partners_cannot_see_says_so_and_links_to_the_claim(
    client, unpublished_claim, factchecker, second_factchecker
):
    review = draft(unpublished_claim, factchecker)
    client.force_login(second_factchecker)
    url = reverse("claims:review_approve", args=[review.pk])

    html = client.get(url).content.decode()
    assert "This verdict will not be public until the claim and a dispute it is in are published." in html
    assert f'href="{unpublished_claim.get_absolute_url()}">Open the claim to publish it</a>' in html

    response = client.post(url, {"version": review.version, "confirm": "True"}, follow=True)
    assert "Approved. This verdict will not be public until" in response.content.decode()
    review.refresh_from_db()
    assert review.is_published and not Review.objects.visible().filter(pk=review.pk).exists()


def test_no_notice_when_the_claim_is_visible(client, claim, factchecker, second_factchecker):
    review = draft(claim, factchecker)
    client.force_login(second_factchecker)

    html = client.get(reverse("claims:review_approve", args=[review.pk])).content.decode()

    assert "will not be public until" not in html


# --- sending back ------------------------------------------------------------------------------


def test_a_second_person_sends_back_and_the_author_sees_the_comment_edits_and_resubmits(
    client, claim, factchecker, second_factchecker
):
    review = draft(claim, factchecker)
    client.force_login(second_factchecker)
    response = client.post(
        reverse("claims:review_send_back", args=[review.pk]),
        {"comment": "Which strike are the 13 from?", "version": review.version},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.returned_by == second_factchecker and not review.is_published
    queue = client.get(reverse("claims:review_queue"))
    assert review not in list(queue.context["waiting"]) and review in list(queue.context["returned"])
    assert "Approve and publish" not in client.get(reverse("claims:review_detail", args=[review.pk])).content.decode()

    client.force_login(factchecker)
    detail = client.get(reverse("claims:review_detail", args=[review.pk])).content.decode()
    assert "Sent back to you" in detail and "Which strike are the 13 from?" in detail
    edit_url = reverse("claims:review_edit", args=[review.pk])
    assert "Which strike are the 13 from?" in client.get(edit_url).content.decode()
    response = client.post(
        edit_url,
        {"rating": "mixed", "reasoning": "13 in Saturday's strike.", "version": review.version, "resubmit": "1"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.rating, review.returned_at, review.return_comment) == ("mixed", None, "")

    client.force_login(second_factchecker)
    detail = client.get(reverse("claims:review_detail", args=[review.pk])).content.decode()
    assert "Sent back before" in detail and "Which strike are the 13 from?" in detail  # history keeps it
    assert "Approve and publish" in detail


def test_a_send_back_without_a_comment_is_a_422_and_changes_nothing(client, claim, factchecker, second_factchecker):
    review = draft(claim, factchecker)
    client.force_login(second_factchecker)

    response = client.post(
        reverse("claims:review_send_back", args=[review.pk]), {"comment": "  ", "version": review.version}
    )

    assert response.status_code == 422
    assert "Say what should change: the comment is empty." in response.content.decode()
    review.refresh_from_db()
    assert review.returned_at is None and review.version == 1


@pytest.mark.parametrize("who", ["factchecker", "viewer"])
def test_the_author_and_those_without_approval_rights_cannot_send_back(client, request, claim, factchecker, who):
    review = draft(claim, factchecker)
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        reverse("claims:review_send_back", args=[review.pk]), {"comment": "No.", "version": review.version}
    )

    assert response.status_code == 403
    review.refresh_from_db()
    assert review.returned_at is None


def test_the_author_resubmits_a_returned_draft_as_it_is(client, claim, factchecker, second_factchecker):
    review = draft(claim, factchecker)
    review_send_back(review=review, expected_version=1, user=second_factchecker, comment="Are you sure?")
    client.force_login(factchecker)

    response = client.post(reverse("claims:review_resubmit", args=[review.pk]), {"version": 2})

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.returned_at is None and review.version == 3
    again = client.post(reverse("claims:review_resubmit", args=[review.pk]), {"version": 3})
    assert again.status_code == 422 and "was not sent back" in again.content.decode()
