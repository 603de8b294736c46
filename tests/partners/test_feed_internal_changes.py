"""Only what partners can see writes a feed entry. The desk's own work (a draft verdict, an internal
note, an unpublished claim or dispute and everything on it, a dismissed suggestion, a decision
about a claim's anchor) writes none; whatever publishes it then carries it to partners.

Transactional tests: the feed serves only changes of finished transactions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from claims import reanchoring, reviewing, roles, services
from claims.extraction.offers import suggestion_dismiss, suggestions_offered
from claims.models import Actor, Claim, ClaimLink, Dispute, Review, Statement
from partners import feed
from sources.models import Outlet, Story
from sources.services import story_import
from tests.factories import (
    ActorFactory,
    DisputeFactory,
    OutletFactory,
    StatementFactory,
    StoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

STORY_TEXT = (
    "The ministry said 13 civilians were killed in the strike. "
    "Armenia denied the report, calling it baseless. "
    "A regional official said 40 houses were damaged. "
    "Observers said the shelling went on through the night."
)


class Feed:
    """A partner polling the feed: what came since the last look, latest action per resource."""

    def __init__(self) -> None:
        self.position = feed.head()

    def news(self) -> dict[tuple[str, uuid.UUID], str]:
        latest: dict[tuple[str, uuid.UUID], str] = {}
        while True:
            page = feed.read(self.position, limit=50)
            latest.update({(entry.resource, entry.public_id): entry.action for entry in page.entries})
            self.position = page.position
            if not page.has_more:
                return latest

    def assert_quiet(self, change: str) -> None:
        news = self.news()
        assert news == {}, f"{change} told partners: {sorted(news.items())}"


RESOURCES = {Dispute: "dispute", Claim: "claim", Review: "review", Statement: "statement", Actor: "actor"}
RESOURCES |= {Story: "story", Outlet: "outlet"}


def upserts(*records) -> dict[tuple[str, uuid.UUID], str]:
    return {(RESOURCES[type(record)], record.public_id): "upsert" for record in records}


def _approver(username: str):
    """Approving needs the permission (claims.approve_review), which a fact-checker holds."""
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=roles.FACT_CHECKER))
    return user


@dataclass
class Desk:
    editor: object
    factchecker: object
    approver: object
    dispute: Dispute
    story: Story
    speaker: Actor
    claim: Claim  # published, in the published dispute


@pytest.fixture
def desk() -> Desk:
    editor = UserFactory(username="feed-internal-editor")
    dispute = DisputeFactory()
    story = StoryFactory(body=STORY_TEXT)
    speaker = ActorFactory()
    claim = services.claim_log(
        story=story,
        author=editor,
        quote="13 civilians were killed",
        speaker=speaker,
        disputes=[services.DisputeLink(dispute)],
        publish=True,
    )
    return Desk(
        editor=editor,
        factchecker=UserFactory(username="feed-internal-factchecker"),
        approver=_approver("feed-internal-approver"),
        dispute=dispute,
        story=story,
        speaker=speaker,
        claim=claim,
    )


def test_a_draft_review_writes_no_entry_until_it_is_published(desk):
    partner = Feed()
    draft = reviewing.review_draft(claim=desk.claim, reviewer=desk.factchecker, rating="unproven", reasoning="Draft.")
    partner.assert_quiet("a draft review")
    reviewing.review_update(
        review=draft, expected_version=draft.version, user=desk.factchecker, rating="false", reasoning="Still a draft."
    )
    partner.assert_quiet("an edit of a draft review")

    reviewing.review_approve(review=draft, expected_version=draft.version, approver=desk.approver)
    assert partner.news() == upserts(draft, desk.claim, desk.dispute)

    correction = reviewing.review_draft(
        claim=desk.claim, reviewer=desk.factchecker, rating="mostly_true", reasoning="Corrected.", supersedes=draft
    )
    partner.assert_quiet("a draft correction")
    reviewing.review_approve(review=correction, expected_version=correction.version, approver=desk.approver)
    assert partner.news() == upserts(correction, desk.claim, desk.dispute)


def test_work_on_an_unpublished_claim_writes_no_entry_until_it_is_published(desk):
    agency = OutletFactory(name="Relaying Agency")
    partner = Feed()
    unpublished = services.claim_log(
        story=desk.story,
        author=desk.editor,
        quote="Armenia denied the report",
        speaker=desk.speaker,
        via=[agency],
        disputes=[services.DisputeLink(desk.dispute, stance="denies")],
        figures=[services.FigureInput(measure="killed", value=13)],
    )
    partner.assert_quiet("an unpublished claim placed in a published dispute")
    services.figure_add(claim=unpublished, figure=services.FigureInput(measure="wounded", value=2))
    partner.assert_quiet("a figure on an unpublished claim")
    services.annotation_add(
        author=desk.editor, body="Public, on a claim not yet published.", is_public=True, claim=unpublished
    )
    partner.assert_quiet("a public note on an unpublished claim")
    services.claim_link_add(source=desk.claim, target=unpublished, kind=ClaimLink.Kind.CONTRADICTS, user=desk.editor)
    partner.assert_quiet("a link from a published claim to an unpublished one")
    services.claim_update(claim=unpublished, expected_version=unpublished.version, author=desk.editor, status="false")
    partner.assert_quiet("an edit of an unpublished claim")
    unpublished.refresh_from_db()
    verdict = reviewing.review_draft(claim=unpublished, reviewer=desk.factchecker, rating="false", reasoning="No.")
    reviewing.review_approve(review=verdict, expected_version=verdict.version, approver=desk.approver)
    partner.assert_quiet("a verdict on an unpublished claim")

    # publishing brings all of it: the claim, its dispute, its story, the outlet it came through,
    # its verdict, and the published claim that now shows the link to it
    services.claim_publish(claim=unpublished, expected_version=unpublished.version)
    assert partner.news() == upserts(
        unpublished, desk.dispute, desk.story, desk.story.outlet, agency, desk.speaker, verdict, desk.claim
    )


def test_edits_of_unpublished_disputes_and_of_statements_without_published_versions_write_no_entry(desk):
    hidden = DisputeFactory(is_published=False, published_at=None, title="A question still on the desk?")
    statement = StatementFactory(speaker=desk.speaker, description="An address")
    draft_version = services.claim_log(
        story=desk.story,
        author=desk.editor,
        quote="40 houses were damaged",
        speaker=desk.speaker,
        statement=statement,
        disputes=[services.DisputeLink(desk.dispute)],
    )
    partner = Feed()
    services.claim_dispute_set(claim=desk.claim, link=services.DisputeLink(hidden))
    partner.assert_quiet("a published claim placed in an unpublished dispute")
    services.dispute_update(dispute=hidden, expected_version=hidden.version, title="A question, reworded?")
    partner.assert_quiet("an unpublished dispute retitled")
    hidden.refresh_from_db()
    services.statement_update(statement=statement, expected_version=statement.version, description="A video address")
    partner.assert_quiet("an edit of a statement whose only version is unpublished")

    services.dispute_publish(dispute=hidden, expected_version=hidden.version)
    assert upserts(hidden, desk.claim).items() <= partner.news().items()
    services.claim_publish(claim=draft_version, expected_version=draft_version.version)
    assert upserts(draft_version, statement, desk.dispute).items() <= partner.news().items()


def test_internal_notes_imports_dismissed_suggestions_and_anchor_decisions_write_no_entry(desk):
    partner = Feed()
    on_claim = services.annotation_add(author=desk.editor, body="INTERNAL: check with Baku", claim=desk.claim)
    services.annotation_update(
        annotation=on_claim, expected_version=on_claim.version, body="INTERNAL: Baku confirmed", is_public=False
    )
    partner.assert_quiet("an internal note on a claim")
    services.annotation_add(author=desk.editor, body="INTERNAL: ring the desk", dispute=desk.dispute)
    partner.assert_quiet("an internal note on a dispute (which moves its desk activity)")
    story_import(
        outlet=desk.story.outlet,
        text="Fresh wire copy: the ministry said the strike hit a school.",
        headline="Fresh copy, no claim logged yet",
        url="https://example.org/fresh-copy",
    )
    partner.assert_quiet("a new story imported from an outlet partners know")
    offer = suggestions_offered(desk.story)
    assert offer.suggestions
    suggestion_dismiss(story=desk.story, fingerprint=offer.suggestions[0].fingerprint, user=desk.editor)
    partner.assert_quiet("a dismissed suggestion")

    # a new text where the quote is gone flags the claim (the new text itself is news); the editor
    # decides the claim stands on the old words: the desk's decision, nothing partners see changes
    story_import(
        outlet=desk.story.outlet,
        text=STORY_TEXT.replace("13 civilians were killed", "13 people died"),
        headline=desk.story.headline,
        url=desk.story.url,
    )
    desk.claim.refresh_from_db()
    assert desk.claim.needs_reanchoring
    partner.news()
    reanchoring.claim_anchor_confirm(claim=desk.claim, expected_version=desk.claim.version)
    partner.assert_quiet("confirming a flagged claim's anchor")

    # what partners do see still comes: a public note, the note made internal, a new anchor
    note = services.annotation_add(
        author=desk.editor, body="Figures from the ministry.", is_public=True, claim=desk.claim
    )
    assert partner.news() == upserts(desk.claim, desk.dispute)
    services.annotation_update(annotation=note, expected_version=note.version, body=note.body, is_public=False)
    assert partner.news() == upserts(desk.claim, desk.dispute)
    desk.claim.refresh_from_db()
    reanchoring.claim_reanchor(claim=desk.claim, expected_version=desk.claim.version, quote="13 people died")
    assert upserts(desk.claim, desk.dispute).items() <= partner.news().items()


def test_the_words_and_figures_disagree_flag_alone_writes_no_entry(desk):
    partner = Feed()
    Claim.objects.filter(pk=desk.claim.pk).update(figures_disagree=True)
    partner.assert_quiet("flagging a claim whose words and figures disagree")
    assert list(Claim.objects.figures_disagree()) == [desk.claim]
    Claim.objects.filter(pk=desk.claim.pk).update(figures_disagree=False)
    partner.assert_quiet("clearing that flag")
