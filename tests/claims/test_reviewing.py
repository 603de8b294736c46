"""The review flow of claims/reviewing.py: evidence links, drafts, their edits, and the second
person's answer (approval, or a send-back with a comment), with the errors a fact-checker sees
when a rule is broken."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from claims import services
from claims.models import Claim, Review
from claims.reviewing import (
    MAX_EVIDENCE_LINKS,
    clean_evidence,
    review_approve,
    review_draft,
    review_resubmit,
    review_send_back,
    review_send_backs,
    review_update,
)
from core.errors import DomainError
from core.versioning import EditConflict
from tests.factories import DisputeFactory, StoryFactory, UserFactory

pytestmark = pytest.mark.django_db

AFP = "https://www.afp.com/en/news/ganja-strike"


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
    values = {"rating": "mostly_true", "reasoning": "AFP counts 13 in one strike.", "evidence": [AFP]} | kwargs
    return review_draft(claim=claim, reviewer=reviewer, **values)


def stored(review: Review) -> Review:
    return Review.objects.get(pk=review.pk)


# --- clean_evidence ----------------------------------------------------------------------------


def test_evidence_links_are_stripped_and_blanks_and_repeats_dropped_in_order():
    links = ["  http://example.org/report \n", "", None, AFP, "   ", "http://example.org/report", AFP]

    assert clean_evidence(links) == ["http://example.org/report", AFP]


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "ftp://example.org/file.pdf",
        "mailto:desk@example.org",
        "www.afp.com/en/news",  # no scheme
        "https://",
        "file:///etc/passwd",
    ],
)
def test_an_evidence_link_that_is_not_http_is_refused_naming_the_link(link):
    with pytest.raises(DomainError) as error:
        clean_evidence([AFP, link])

    assert error.value.field == "evidence"
    assert error.value.message == f"“{link}” is not an http(s) link."


def test_a_bad_evidence_link_is_named_by_its_first_80_characters_only():
    link = "javascript:" + "x" * 200

    with pytest.raises(DomainError) as error:
        clean_evidence([link])

    assert error.value.message == f"“{link[:80]}” is not an http(s) link."


def test_an_evidence_link_of_1000_characters_is_kept_and_a_longer_one_refused():
    longest = "https://example.org/" + "a" * (1000 - len("https://example.org/"))
    assert clean_evidence([longest]) == [longest]

    with pytest.raises(DomainError, match="longer than 1000 characters") as error:
        clean_evidence([longest + "a"])
    assert error.value.field == "evidence"


def test_at_most_20_distinct_evidence_links_are_accepted_counting_repeats_once():
    links = [f"https://example.org/source/{n}" for n in range(MAX_EVIDENCE_LINKS)]
    assert clean_evidence(links + links[:5]) == links

    with pytest.raises(DomainError, match="Give at most 20 evidence links") as error:
        clean_evidence([*links, "https://example.org/source/one-too-many"])
    assert error.value.field == "evidence"


# --- review_draft ------------------------------------------------------------------------------


def test_a_draft_is_stored_unpublished_with_its_cleaned_evidence(claim, factchecker):
    review = draft(claim, factchecker, evidence=[f" {AFP} ", "", AFP])

    row = stored(review)
    assert (row.claim, row.reviewer, row.rating, row.evidence) == (claim, factchecker, "mostly_true", [AFP])
    assert not row.is_published and row.approved_by is None and row.published_at is None
    assert row.supersedes is None


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"rating": "pants_on_fire"}, "rating", "'pants_on_fire' is not a rating on our scale."),
        ({"reasoning": " \n "}, "reasoning", "Explain the verdict: the reasoning is empty."),
        ({"evidence": ["javascript:alert(1)"]}, "evidence", "“javascript:alert(1)” is not an http(s) link."),
    ],
)
def test_a_bad_draft_is_refused_with_the_field_at_fault_and_nothing_is_written(
    claim, factchecker, values, field, message
):
    with pytest.raises(DomainError) as error:
        draft(claim, factchecker, **values)

    assert (error.value.field, error.value.message) == (field, message)
    assert not Review.objects.filter(claim=claim).exists()


def test_a_withdrawn_claim_cannot_be_reviewed(claim, editor, factchecker):
    services.claim_withdraw(claim=claim, expected_version=claim.version, user=editor, reason="Logged twice")

    with pytest.raises(DomainError, match="The claim was withdrawn; it cannot be reviewed") as error:
        draft(claim, factchecker)

    assert error.value.field == "claim"
    assert not Review.objects.filter(claim=claim).exists()


def test_a_correction_must_be_about_the_same_claim(claim, editor, factchecker, second_factchecker):
    published = draft(claim, factchecker)
    review_approve(review=published, expected_version=1, approver=second_factchecker)
    other_claim = services.claim_log(story=StoryFactory(), author=editor, quote="13 civilians were killed")

    with pytest.raises(DomainError, match="A correction must be about the same claim") as error:
        draft(other_claim, factchecker, supersedes=published)

    assert error.value.field == "supersedes"
    assert not Review.objects.filter(claim=other_claim).exists()
    assert not Review.objects.filter(supersedes=published).exists()


# --- review_update -----------------------------------------------------------------------------


def test_the_reviewer_changes_a_draft_and_history_keeps_the_earlier_verdict(claim, factchecker):
    review = draft(claim, factchecker)

    review_update(
        review=review,
        expected_version=1,
        user=factchecker,
        rating="mixed",
        reasoning="AFP counts 13 in one strike; Anadolu two dozen in two.",
        evidence=[AFP, " https://www.aa.com.tr/en/ganja ", AFP],
    )

    row = stored(review)
    assert (row.rating, row.version) == ("mixed", 2)
    assert row.reasoning == "AFP counts 13 in one strike; Anadolu two dozen in two."
    assert row.evidence == [AFP, "https://www.aa.com.tr/en/ganja"]
    assert [e.rating for e in row.events.order_by("pgh_id")] == ["mostly_true", "mixed"]
    assert not row.is_published


def test_only_the_reviewer_who_wrote_a_draft_can_change_it(claim, factchecker, second_factchecker):
    review = draft(claim, factchecker)

    with pytest.raises(DomainError, match="Only the reviewer who wrote this draft can change it"):
        review_update(review=review, expected_version=1, user=second_factchecker, rating="false", reasoning="Mine.")

    row = stored(review)
    assert (row.rating, row.reasoning, row.version) == ("mostly_true", "AFP counts 13 in one strike.", 1)


def test_an_approved_review_cannot_be_changed_only_corrected(claim, factchecker, second_factchecker):
    review = draft(claim, factchecker)
    review_approve(review=review, expected_version=1, approver=second_factchecker)

    with pytest.raises(DomainError, match="approved and published; write a correction instead"):
        review_update(review=review, expected_version=2, user=factchecker, rating="false", reasoning="Changed mind.")

    row = stored(review)
    assert (row.rating, row.version, row.is_published) == ("mostly_true", 2, True)


def test_a_review_update_on_a_stale_version_is_refused_with_conflict(claim, factchecker):
    review = draft(claim, factchecker)
    opened_earlier = Review.objects.get(pk=review.pk)
    review_update(review=review, expected_version=1, user=factchecker, rating="mixed", reasoning="Second thoughts.")

    with pytest.raises(EditConflict, match="This review was changed by someone else"):
        review_update(review=opened_earlier, expected_version=1, user=factchecker, rating="true", reasoning="Stale.")

    row = stored(review)
    assert (row.rating, row.reasoning, row.version) == ("mixed", "Second thoughts.", 2)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"rating": "mostly_false", "reasoning": "Fine."}, "rating"),
        ({"rating": "false", "reasoning": ""}, "reasoning"),
        ({"rating": "false", "reasoning": "Fine.", "evidence": ["ftp://example.org/x"]}, "evidence"),
    ],
)
def test_a_bad_review_update_is_refused_and_the_draft_is_unchanged(claim, factchecker, values, field):
    review = draft(claim, factchecker)

    with pytest.raises(DomainError) as error:
        review_update(review=review, expected_version=1, user=factchecker, **values)

    assert error.value.field == field
    row = stored(review)
    assert (row.rating, row.reasoning, row.evidence, row.version) == (
        "mostly_true",
        "AFP counts 13 in one strike.",
        [AFP],
        1,
    )


# --- review_approve ----------------------------------------------------------------------------


def test_a_second_person_approves_a_draft_which_publishes_it(claim, factchecker, second_factchecker):
    review = draft(claim, factchecker)

    review_approve(review=review, expected_version=1, approver=second_factchecker)

    row = stored(review)
    assert row.is_published and row.approved_by == second_factchecker and row.version == 2
    assert row.approved_at is not None and row.published_at == row.approved_at
    assert list(Review.objects.visible().filter(claim=claim)) == [row]


def test_a_reviewer_cannot_approve_their_own_draft_and_it_stays_unpublished(claim, factchecker):
    review = draft(claim, factchecker)

    with pytest.raises(DomainError, match="approved by a second person, not by its reviewer"):
        review_approve(review=review, expected_version=1, approver=factchecker)

    row = stored(review)
    assert not row.is_published and row.approved_by is None and row.version == 1


def test_an_approved_review_cannot_be_approved_again(claim, factchecker, second_factchecker, editor):
    review = draft(claim, factchecker)
    review_approve(review=review, expected_version=1, approver=second_factchecker)

    with pytest.raises(DomainError, match="This review is already approved"):
        review_approve(review=review, expected_version=2, approver=editor)

    row = stored(review)
    assert (row.approved_by, row.version) == (second_factchecker, 2)


def test_a_withdrawn_draft_cannot_be_approved(claim, factchecker, second_factchecker):
    review = draft(claim, factchecker)
    Review.objects.filter(pk=review.pk).update(withdrawn_at=review.created_at)
    review.refresh_from_db()

    with pytest.raises(DomainError, match="This review was withdrawn"):
        review_approve(review=review, expected_version=review.version, approver=second_factchecker)

    assert not stored(review).is_published


def test_approving_a_draft_changed_since_it_was_read_is_refused_with_conflict(claim, factchecker, second_factchecker):
    review = draft(claim, factchecker)
    read_by_approver = Review.objects.get(pk=review.pk)
    review_update(review=review, expected_version=1, user=factchecker, rating="false", reasoning="New evidence.")

    with pytest.raises(EditConflict, match="you had version 1, it is now version 2"):
        review_approve(review=read_by_approver, expected_version=1, approver=second_factchecker)

    row = stored(review)
    assert not row.is_published and row.approved_by is None
    assert (row.rating, row.reasoning) == ("false", "New evidence.")


def test_an_approved_correction_supersedes_the_old_verdict_which_stays_published(
    claim, factchecker, second_factchecker
):
    old = draft(claim, factchecker, rating="mostly_true")
    review_approve(review=old, expected_version=1, approver=second_factchecker)
    old_published_at = stored(old).published_at

    correction = draft(claim, second_factchecker, rating="false", reasoning="The UN later counted 3.", supersedes=old)
    assert not stored(correction).is_published
    review_approve(review=correction, expected_version=1, approver=factchecker)

    old_row, correction_row = stored(old), stored(correction)
    assert correction_row.supersedes == old_row and old_row.superseded_by == correction_row
    assert correction_row.is_published and correction_row.approved_by == factchecker
    assert old_row.is_published and old_row.published_at == old_published_at and old_row.version == 2
    assert set(Review.objects.visible().filter(claim=claim)) == {old_row, correction_row}


# --- review_send_back and review_resubmit ------------------------------------------------------

WHY = "Anadolu's two dozen covers two strikes: say which strike the 13 are from."


def test_a_second_person_sends_a_draft_back_with_a_comment_and_it_cannot_be_approved_until_resubmitted(
    claim, factchecker, second_factchecker
):
    review = draft(claim, factchecker)

    review_send_back(review=review, expected_version=1, user=second_factchecker, comment=f"  {WHY}\n")

    row = stored(review)
    assert (row.returned_by, row.return_comment, row.version) == (second_factchecker, WHY, 2)
    assert row.returned_at is not None and not row.is_published
    assert not Review.objects.visible().filter(pk=review.pk).exists()
    with pytest.raises(DomainError, match="sent back to its reviewer; it can be approved once they resubmit it"):
        review_approve(review=row, expected_version=2, approver=second_factchecker)
    assert stored(review).approved_by is None


def test_the_reviewer_edits_and_resubmits_a_returned_draft_which_can_then_be_approved(
    claim, factchecker, second_factchecker
):
    review = draft(claim, factchecker)
    review_send_back(review=review, expected_version=1, user=second_factchecker, comment=WHY)

    review_update(review=review, expected_version=2, user=factchecker, rating="mixed", reasoning="13 in one strike.")
    assert stored(review).returned_at is not None  # editing alone does not resubmit
    review_resubmit(review=review, expected_version=3, user=factchecker)

    row = stored(review)
    assert (row.returned_at, row.returned_by, row.return_comment, row.version) == (None, None, "", 4)
    review_approve(review=row, expected_version=4, approver=second_factchecker)
    assert stored(review).is_published


def test_history_keeps_the_comment_and_the_draft_as_it_was_when_sent_back(claim, factchecker, second_factchecker):
    review = draft(claim, factchecker)
    review_send_back(review=review, expected_version=1, user=second_factchecker, comment=WHY)
    review_update(review=review, expected_version=2, user=factchecker, rating="mixed", reasoning="13 in one strike.")
    review_resubmit(review=review, expected_version=3, user=factchecker)
    review_send_back(review=review, expected_version=4, user=second_factchecker, comment="Add the UN count.")

    sent_back = review_send_backs(stored(review))

    assert [(s.comment, s.returned_by, s.rating, s.reasoning, s.version) for s in sent_back] == [
        (WHY, second_factchecker, "mostly_true", "AFP counts 13 in one strike.", 2),
        ("Add the UN count.", second_factchecker, "mixed", "13 in one strike.", 5),
    ]
    assert sent_back[0].evidence == [AFP] and sent_back[0].rating_label == "Mostly true"
    # and the raw history still has every state: drafted, sent back, edited, resubmitted, sent back
    events = list(stored(review).events.order_by("pgh_id"))
    assert [(e.version, e.return_comment) for e in events] == [
        (1, ""),
        (2, WHY),
        (3, WHY),
        (4, ""),
        (5, "Add the UN count."),
    ]


def test_the_reviewer_cannot_send_back_their_own_draft(claim, factchecker):
    review = draft(claim, factchecker)

    with pytest.raises(DomainError, match="sent back by a second person, not by its reviewer"):
        review_send_back(review=review, expected_version=1, user=factchecker, comment=WHY)

    assert stored(review).returned_at is None


def test_sending_back_needs_the_permission_to_approve(claim, factchecker, viewer):
    review = draft(claim, factchecker)

    with pytest.raises(DomainError, match="who may approve reviews can send back one"):
        review_send_back(review=review, expected_version=1, user=viewer, comment=WHY)
    with pytest.raises(DomainError, match="who may approve reviews can approve one"):
        review_approve(review=review, expected_version=1, approver=UserFactory())

    row = stored(review)
    assert (row.returned_at, row.approved_by, row.version) == (None, None, 1)


@pytest.mark.parametrize("comment", ["", "  \n ", None])
def test_a_send_back_without_a_comment_is_refused(claim, factchecker, second_factchecker, comment):
    review = draft(claim, factchecker)

    with pytest.raises(DomainError, match="Say what should change: the comment is empty") as error:
        review_send_back(review=review, expected_version=1, user=second_factchecker, comment=comment)

    assert error.value.field == "comment"
    assert stored(review).returned_at is None


def test_a_send_back_of_a_draft_changed_since_it_was_read_is_refused_with_conflict(
    claim, factchecker, second_factchecker
):
    review = draft(claim, factchecker)
    read_by_second = Review.objects.get(pk=review.pk)
    review_update(review=review, expected_version=1, user=factchecker, rating="false", reasoning="New evidence.")

    with pytest.raises(EditConflict, match="you had version 1, it is now version 2"):
        review_send_back(review=read_by_second, expected_version=1, user=second_factchecker, comment=WHY)

    row = stored(review)
    assert (row.returned_at, row.return_comment, row.rating) == (None, "", "false")


def test_an_approved_or_returned_draft_cannot_be_sent_back(claim, factchecker, second_factchecker, editor):
    approved = draft(claim, factchecker)
    review_approve(review=approved, expected_version=1, approver=second_factchecker)
    with pytest.raises(DomainError, match="already approved"):
        review_send_back(review=approved, expected_version=2, user=editor, comment=WHY)

    returned = draft(claim, factchecker)
    review_send_back(review=returned, expected_version=1, user=second_factchecker, comment=WHY)
    with pytest.raises(DomainError, match="already sent back"):
        review_send_back(review=returned, expected_version=2, user=editor, comment="Me too.")
    assert stored(returned).returned_by == second_factchecker


def test_only_the_reviewer_resubmits_and_only_a_returned_draft(claim, factchecker, second_factchecker):
    review = draft(claim, factchecker)
    with pytest.raises(DomainError, match="was not sent back"):
        review_resubmit(review=review, expected_version=1, user=factchecker)

    review_send_back(review=review, expected_version=1, user=second_factchecker, comment=WHY)
    with pytest.raises(DomainError, match="Only the reviewer who wrote this draft can resubmit it"):
        review_resubmit(review=review, expected_version=2, user=second_factchecker)
    with pytest.raises(EditConflict):
        review_resubmit(review=review, expected_version=1, user=factchecker)

    assert stored(review).return_comment == WHY


def test_the_database_refuses_a_send_back_without_comment_or_by_the_reviewer(claim, factchecker, second_factchecker):
    review = draft(claim, factchecker)
    rows = Review.objects.filter(pk=review.pk)
    name = "claims_review_returned_by_second_person_with_comment"

    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        rows.update(returned_at=review.created_at, returned_by=second_factchecker, return_comment="")
    with pytest.raises(IntegrityError, match=name), transaction.atomic():
        rows.update(returned_at=review.created_at, returned_by=factchecker, return_comment=WHY)
