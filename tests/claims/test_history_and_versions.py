"""Nothing is lost: every change has an author, a time and a way back; stale saves are refused."""

from __future__ import annotations

import pghistory
import pytest

from claims import services
from claims.models import Claim
from core.versioning import EditConflict
from tests.factories import ActorFactory, StoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def _claim() -> Claim:
    return services.claim_log(story=StoryFactory(), author=None, quote="13 civilians were killed")


def test_a_change_writes_a_history_row_with_before_after_and_author():
    claim = _claim()
    editor = UserFactory(username="desk-editor")
    speaker = ActorFactory()
    with pghistory.context(user=editor.pk):
        services.claim_update(claim=claim, expected_version=claim.version, author=editor, speaker=speaker)
    events = claim.events.order_by("pgh_id")
    assert [e.pgh_label for e in events] == ["insert", "update"]
    before, after = events
    assert before.speaker_id is None and after.speaker_id == speaker.pk
    assert after.pgh_context.metadata["user"] == editor.pk
    assert after.pgh_created_at is not None


def test_bulk_and_raw_writes_are_recorded_too():
    claim = _claim()
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.DISPUTED)
    assert claim.events.filter(pgh_label="update", status=Claim.Status.DISPUTED).exists()


def test_stale_claim_save_is_refused_with_conflict():
    claim = _claim()
    editor_a, editor_b = UserFactory(), UserFactory()
    opened_by_b = Claim.objects.get(pk=claim.pk)

    services.claim_update(claim=claim, expected_version=claim.version, author=editor_a, status="verified")
    with pytest.raises(EditConflict) as conflict:
        services.claim_update(claim=opened_by_b, expected_version=opened_by_b.version, author=editor_b, status="false")

    assert "version 1" in str(conflict.value) and "version 2" in str(conflict.value)
    assert conflict.value.changed_fields(attempted={"status": "false"}) == ["status"]
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("verified", 2)


def test_withdrawing_keeps_the_claim_with_who_when_and_why():
    claim = _claim()
    editor = UserFactory()
    services.claim_withdraw(claim=claim, expected_version=claim.version, user=editor, reason="Logged twice")
    claim.refresh_from_db()
    assert claim.is_withdrawn and claim.withdrawn_by == editor and claim.withdrawal_reason == "Logged twice"
    assert Claim.objects.active().filter(pk=claim.pk).exists() is False
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_a_retraction_link_marks_the_claim_retracted_and_keeps_it():
    claim = _claim()
    retraction = services.claim_log(story=claim.story, author=None, quote="The other side denied firing at all")
    services.claim_link_add(source=retraction, target=claim, kind="retracts", user=None)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.RETRACTED
    assert claim.links_in.filter(kind="retracts", source=retraction).exists()
