"""The maintained ``partner_visible`` column always equals the visibility rule computed from scratch,
whichever way visibility changes: after each step below, every claim's column is compared with the
rule (claims/visibility.py, in Python and in SQL), and each step is checked to have moved it."""

from __future__ import annotations

import pytest
from django.db import connection

from claims import corrections, merging, services, visibility
from claims.models import Claim, ClaimDispute, Dispute
from tests.factories import DisputeFactory, UserFactory, claim_in

pytestmark = pytest.mark.django_db


def _column() -> set[int]:
    return set(Claim.objects.filter(partner_visible=True).values_list("pk", flat=True))


def _agrees() -> set[int]:
    """The claims the column shows, after checking it against the rule computed from scratch."""
    shown = _column()
    assert shown == set(visibility.claims_by_rule().values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM claims_claim WHERE partners_claim_visible(id)")
        assert shown == {row[0] for row in cursor.fetchall()}
    return shown


def _fresh(obj):
    obj.refresh_from_db()
    return obj


def test_every_way_visibility_changes_moves_the_column_with_the_rule():
    user = UserFactory()
    public, hidden = DisputeFactory(), DisputeFactory(is_published=False, published_at=None)
    placed = claim_in(public)
    unpublished = claim_in(public, publish=False)
    waiting = claim_in()
    in_hidden = claim_in(hidden)
    assert _agrees() & {placed.pk, unpublished.pk, waiting.pk, in_hidden.pk} == {placed.pk}

    # a claim placed in a visible dispute, then taken out of it
    placement = corrections.placement_add(claim=waiting, link=services.DisputeLink(dispute=public))
    assert waiting.pk in _agrees()
    corrections.placement_remove(placement=placement, expected_version=_fresh(placement).version)
    assert waiting.pk not in _agrees()

    # a claim published, unpublished and published again
    services.claim_publish(claim=unpublished, expected_version=unpublished.version, publish=True)
    assert unpublished.pk in _agrees()
    services.claim_publish(claim=unpublished, expected_version=_fresh(unpublished).version, publish=False)
    assert unpublished.pk not in _agrees()

    # a dispute published and unpublished carries its claims with it
    services.dispute_publish(dispute=hidden, expected_version=hidden.version, publish=True)
    assert in_hidden.pk in _agrees()
    services.dispute_publish(dispute=hidden, expected_version=_fresh(hidden).version, publish=False)
    assert in_hidden.pk not in _agrees()

    # a placement moved to another dispute by a raw update (the admin, a script)
    ClaimDispute.objects.filter(claim=in_hidden).update(dispute=public)
    assert in_hidden.pk in _agrees()
    ClaimDispute.objects.filter(claim=in_hidden).update(dispute=hidden)
    assert in_hidden.pk not in _agrees()

    # merging a dispute away hides the claims left only in it; its moved claims stay visible
    other = DisputeFactory()
    only_in_other = claim_in(other)
    in_both = claim_in(other, public)
    assert {only_in_other.pk, in_both.pk} <= _agrees()
    merge = merging.dispute_merge(survivor=hidden, duplicate=other, user=user)
    shown = _agrees()
    assert only_in_other.pk not in shown  # moved into the unpublished survivor
    assert in_both.pk in shown  # still in the published dispute
    merging.merge_undo(merge=merge, user=user)
    assert only_in_other.pk in _agrees()

    # withdrawing a claim logged in error
    services.claim_withdraw(claim=placed, expected_version=_fresh(placed).version, user=user, reason="Duplicate")
    assert placed.pk not in _agrees()

    # emptying a dispute in one statement (the admin's bulk delete) hides the claims it alone showed
    emptied = DisputeFactory()
    solos = [claim_in(emptied) for _ in range(3)]
    assert {c.pk for c in solos} <= _agrees()
    ClaimDispute.objects.filter(dispute=emptied).delete()
    assert not {c.pk for c in solos} & _agrees()


def test_the_seed_dataset_shows_the_claims_the_rule_shows(seeded):
    assert len(_agrees()) > 40


def test_a_column_written_by_hand_is_put_right_by_the_database():
    claim = claim_in(DisputeFactory(is_published=False, published_at=None))
    Claim.objects.filter(pk=claim.pk).update(partner_visible=True)
    assert claim.pk not in _agrees()


def test_a_whole_batch_of_disputes_published_in_one_statement_shows_all_their_claims():
    disputes = [DisputeFactory(is_published=False, published_at=None) for _ in range(3)]
    claims = [claim_in(d) for d in disputes for _ in range(2)]
    assert not _agrees() & {c.pk for c in claims}
    Dispute.objects.filter(pk__in=[d.pk for d in disputes]).update(is_published=True, published_at="2026-01-01T00:00Z")
    assert {c.pk for c in claims} <= _agrees()


def test_the_column_moving_is_no_editor_change_in_the_claims_history():
    dispute = DisputeFactory(is_published=False, published_at=None)
    claim = claim_in(dispute)
    events = claim.events.count()
    services.dispute_publish(dispute=dispute, expected_version=dispute.version, publish=True)
    assert _fresh(claim).partner_visible
    assert claim.events.count() == events
