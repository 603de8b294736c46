"""claims/merging.py beyond what tests/claims/test_merges.py covers through the pages: following
chains of merges, and what an undo moves back (or refuses) when things changed after the merge."""

from __future__ import annotations

import pghistory.models
import pytest

from claims import services
from claims.merging import actor_merge, dispute_merge, merge_undo, survivor_of
from claims.models import Actor, ActorAlias, Annotation, Claim, ClaimDispute, Dispute, Merge
from core.errors import DomainError
from tests.factories import ActorFactory, DisputeFactory, StoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def log(*disputes: tuple[Dispute, str], speaker: Actor | None = None) -> Claim:
    return services.claim_log(
        story=StoryFactory(),
        author=None,
        quote="13 civilians were killed",
        speaker=speaker,
        disputes=[services.DisputeLink(dispute=d, stance=stance) for d, stance in disputes],
    )


def placements(dispute: Dispute) -> dict[int, str]:
    return dict(ClaimDispute.objects.filter(dispute=dispute).values_list("claim_id", "stance"))


# --- survivor_of -------------------------------------------------------------------------------


def test_an_actor_never_merged_is_its_own_survivor():
    actor = ActorFactory()

    assert survivor_of(actor) == actor


def test_a_chain_of_actor_merges_leads_to_the_last_survivor(editor):
    first, second, third = ActorFactory(), ActorFactory(), ActorFactory()
    actor_merge(survivor=second, duplicate=third, user=editor)
    actor_merge(survivor=first, duplicate=second, user=editor)

    assert survivor_of(Actor.objects.get(pk=third.pk)) == first
    assert survivor_of(Actor.objects.get(pk=second.pk)) == first


def test_a_chain_of_dispute_merges_leads_to_the_last_survivor_until_a_merge_is_undone(editor):
    first, second, third = DisputeFactory(), DisputeFactory(), DisputeFactory()
    dispute_merge(survivor=second, duplicate=third, user=editor)
    later = dispute_merge(survivor=first, duplicate=second, user=editor)
    assert survivor_of(Dispute.objects.get(pk=third.pk)) == first

    merge_undo(merge=later, user=editor)

    assert survivor_of(Dispute.objects.get(pk=third.pk)) == second
    assert survivor_of(Dispute.objects.get(pk=second.pk)) == second


def test_a_cycle_of_merges_written_outside_the_services_does_not_loop_forever():
    a, b = DisputeFactory(), DisputeFactory()
    Dispute.objects.filter(pk=a.pk).update(merged_into=b)
    Dispute.objects.filter(pk=b.pk).update(merged_into=a)

    assert survivor_of(Dispute.objects.get(pk=a.pk)) in {a, b}


# --- merge_undo --------------------------------------------------------------------------------


def test_undoing_a_dispute_merge_reports_what_went_back_and_history_names_the_undo(editor):
    chief = UserFactory(username="desk-chief")
    survivor, duplicate = DisputeFactory(), DisputeFactory()
    moved = log((duplicate, "denies"))
    note = services.annotation_add(author=editor, body="Same clashes as the other dispute", dispute=duplicate)
    merge = dispute_merge(survivor=survivor, duplicate=duplicate, user=editor)

    back = merge_undo(merge=merge, user=chief)

    assert back == {"claim_links": 1, "annotations": 1}
    assert placements(duplicate) == {moved.pk: "denies"} and placements(survivor) == {}
    # the note went there and back: two new versions, so a form opened before either conflicts
    assert Annotation.objects.get(pk=note.pk).version == 3
    merge.refresh_from_db()
    assert (merge.undone_by, merge.is_undone) == (chief, True)
    undo = pghistory.models.Events.objects.tracks(note).order_by("pgh_id").last()
    assert undo.pgh_context["action"] == "dispute merge undone" and undo.pgh_context["merge"] == merge.pk
    assert undo.pgh_context["user"] == chief.pk


def test_an_undo_moves_back_only_that_merges_rows_not_those_of_a_later_merge_into_the_same_survivor(editor):
    survivor = ActorFactory(name="Hikmet Hajiyev")
    misspelt = ActorFactory(name="Hikmat Hajiyev")
    by_title = ActorFactory(name="Assistant to the Azerbaijani president")
    own, from_misspelt, from_title = log(speaker=survivor), log(speaker=misspelt), log(speaker=by_title)
    first = actor_merge(survivor=survivor, duplicate=misspelt, user=editor)
    actor_merge(survivor=survivor, duplicate=by_title, user=editor)

    back = merge_undo(merge=first, user=editor)

    assert back["claims"] == 1
    speakers = dict(Claim.objects.filter(pk__in=[own.pk, from_misspelt.pk, from_title.pk]).values_list("pk", "speaker"))
    assert speakers == {own.pk: survivor.pk, from_misspelt.pk: misspelt.pk, from_title.pk: survivor.pk}
    assert Actor.objects.get(pk=misspelt.pk).merged_into is None
    assert Actor.objects.get(pk=by_title.pk).merged_into == survivor


def test_a_claim_taken_out_of_the_survivor_since_the_merge_is_not_put_back_in_the_duplicate(editor):
    survivor, duplicate = DisputeFactory(), DisputeFactory()
    stays, removed = log((duplicate, "asserts")), log((duplicate, "counters"))
    merge = dispute_merge(survivor=survivor, duplicate=duplicate, user=editor)
    ClaimDispute.objects.filter(claim=removed, dispute=survivor).delete()  # an editor took it out

    back = merge_undo(merge=merge, user=editor)

    assert back["claim_links"] == 1
    assert placements(duplicate) == {stays.pk: "asserts"}
    assert placements(survivor) == {}


def test_a_claim_put_in_the_duplicate_again_since_the_merge_keeps_its_newer_placement(editor):
    survivor, duplicate = DisputeFactory(), DisputeFactory()
    claim = log((duplicate, "asserts"))
    merge = dispute_merge(survivor=survivor, duplicate=duplicate, user=editor)
    # placed again in the merged-away dispute (the admin allows it), with a new stance
    ClaimDispute.objects.create(claim=claim, dispute=duplicate, stance="denies")

    back = merge_undo(merge=merge, user=editor)

    assert back["claim_links"] == 0
    assert placements(duplicate) == {claim.pk: "denies"}
    assert placements(survivor) == {claim.pk: "asserts"}
    assert Dispute.objects.get(pk=duplicate.pk).merged_into is None


def test_a_dispute_merge_cannot_be_undone_while_its_survivor_is_merged_into_another(editor):
    first = DisputeFactory(title="Who fired first on 13 Sept?")
    second = DisputeFactory(title="13 Sept border clashes")
    third = DisputeFactory(title="Border clashes, Sept 2022")
    claim = log((third, "asserts"))
    earlier = dispute_merge(survivor=second, duplicate=third, user=editor)
    dispute_merge(survivor=first, duplicate=second, user=editor)

    with pytest.raises(DomainError) as error:
        merge_undo(merge=earlier, user=editor)

    assert error.value.message == (
        "13 Sept border clashes has since been merged into Who fired first on 13 Sept?; undo that merge first."
    )
    assert not Merge.objects.get(pk=earlier.pk).is_undone
    assert Dispute.objects.get(pk=third.pk).merged_into == second
    assert placements(first) == {claim.pk: "asserts"}  # where the later merge took it


def test_an_undone_dispute_merge_cannot_be_undone_again_and_nothing_moves(editor):
    survivor, duplicate = DisputeFactory(), DisputeFactory()
    claim = log((duplicate, "asserts"))
    merge = dispute_merge(survivor=survivor, duplicate=duplicate, user=editor)
    merge_undo(merge=merge, user=editor)
    dispute_merge(survivor=survivor, duplicate=duplicate, user=editor)  # merged again, for good

    with pytest.raises(DomainError, match="This merge was already undone"):
        merge_undo(merge=merge, user=editor)

    assert placements(survivor) == {claim.pk: "asserts"}
    assert Dispute.objects.get(pk=duplicate.pk).merged_into == survivor


# --- actor_merge: names that fold alike --------------------------------------------------------


def test_merging_an_actor_whose_name_differs_from_the_survivors_only_by_accents_succeeds(editor):
    survivor = ActorFactory(name="Recep Tayyip Erdoğan")
    duplicate = ActorFactory(name="Recep Tayyip Erdogan")
    claim = log(speaker=duplicate)

    actor_merge(survivor=survivor, duplicate=duplicate, user=editor)

    assert Actor.objects.get(pk=duplicate.pk).merged_into == survivor
    assert Claim.objects.get(pk=claim.pk).speaker == survivor
    assert ActorAlias.objects.filter(actor=survivor, normalized="recep tayyip erdogan").count() == 1
