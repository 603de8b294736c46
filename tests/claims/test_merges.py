"""Merging duplicate actors and disputes, and undoing a merge, through the pages and the services."""

from __future__ import annotations

import pghistory.models
import pytest
from django.db import ProgrammingError, transaction
from django.urls import reverse

from claims import services
from claims.merging import actor_merge, merge_undo
from claims.models import Actor, ActorAlias, ActorRole, Annotation, Claim, ClaimDispute, Dispute, Merge, Statement
from core.errors import DomainError
from tests.factories import ActorFactory, DisputeFactory, StatementFactory, StoryFactory

pytestmark = pytest.mark.django_db


def log(author, quote="13 civilians were killed", **kwargs) -> Claim:
    return services.claim_log(story=StoryFactory(), author=author, quote=quote, **kwargs)


def actor_state(actor: Actor) -> dict:
    return {
        "aliases": sorted(ActorAlias.objects.filter(actor=actor).values_list("alias", flat=True)),
        "roles": sorted(ActorRole.objects.filter(actor=actor).values_list("pk", flat=True)),
        "claims": sorted(Claim.objects.filter(speaker=actor).values_list("pk", flat=True)),
        "statements": sorted(Statement.objects.filter(speaker=actor).values_list("pk", flat=True)),
    }


@pytest.fixture
def pashinyan_twice(editor):
    survivor = ActorFactory(name="Nikol Pashinyan", aliases=["Armenian Prime Minister"])
    duplicate = ActorFactory(name="Nikol Pashinian", aliases=["Armenian prime minister", "Armenia's premier"])
    ActorRole.objects.create(actor=duplicate, title="Prime Minister of Armenia")
    statement = StatementFactory(speaker=duplicate)
    log(editor, speaker=survivor)
    log(editor, speaker=duplicate, statement=statement)
    log(editor, speaker=duplicate)
    return survivor, duplicate


def test_actor_merge_moves_aliases_roles_claims_and_statements_and_undo_moves_them_back(
    client, editor, pashinyan_twice
):
    survivor, duplicate = pashinyan_twice
    before = {"survivor": actor_state(survivor), "duplicate": actor_state(duplicate)}
    client.force_login(editor)

    preview = client.get(reverse("claims:actor_merge", args=[survivor.pk]), {"duplicate": duplicate.pk})
    assert preview.status_code == 200
    # "Armenian prime minister" folds to an alias the survivor has: it stays, and the preview says so
    assert preview.context["counts"] == {"aliases": 2, "roles": 1, "claims": 2, "statements": 1}
    response = client.post(reverse("claims:actor_merge", args=[survivor.pk]), {"duplicate": duplicate.pk})
    assert response.status_code == 302

    after = actor_state(survivor)
    assert after["claims"] == sorted(before["survivor"]["claims"] + before["duplicate"]["claims"])
    assert after["statements"] == before["duplicate"]["statements"]
    assert after["roles"] == before["duplicate"]["roles"]
    # "Armenian prime minister" folds to an alias the survivor has: it stays behind
    assert after["aliases"] == ["Armenia's premier", "Armenian Prime Minister", "Nikol Pashinian", "Nikol Pashinyan"]
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == survivor.pk
    assert client.get(duplicate.get_absolute_url())["Location"] == survivor.get_absolute_url()
    # the survivor's page lists the merge; the duplicate is no longer offered
    page = client.get(survivor.get_absolute_url())
    assert "Undo this merge" in page.content.decode()
    # the merge picker's suggestions for the duplicate's name offer only the survivor now
    offered = client.get(reverse("claims:speaker_options"), {"duplicate": "Nikol Pashinian"}).content.decode()
    assert 'value="Nikol Pashinyan"' in offered and 'value="Nikol Pashinian"' not in offered

    merge = Merge.objects.get(duplicate_actor=duplicate)
    response = client.post(reverse("claims:merge_undo", args=[merge.pk]))
    assert response.status_code == 302

    assert actor_state(survivor) == before["survivor"]
    assert actor_state(duplicate) == before["duplicate"]
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    merge.refresh_from_db()
    assert merge.undone_by == editor and merge.undone_at is not None
    assert client.get(duplicate.get_absolute_url()).status_code == 200


def test_history_keeps_the_merge_and_its_undo(editor, pashinyan_twice):
    survivor, duplicate = pashinyan_twice
    moved_claim = Claim.objects.filter(speaker=duplicate).first()

    merge = actor_merge(survivor=survivor, duplicate=duplicate, user=editor)
    merge_undo(merge=merge, user=editor)

    events = pghistory.models.Events.objects.tracks(moved_claim).order_by("pgh_created_at")
    speaker_changes = [e.pgh_diff["speaker_id"] for e in events if e.pgh_diff and "speaker_id" in e.pgh_diff]
    assert speaker_changes == [[duplicate.pk, survivor.pk], [survivor.pk, duplicate.pk]]
    contexts = [e.pgh_context for e in events if e.pgh_diff and "speaker_id" in e.pgh_diff]
    assert [c["merge"] for c in contexts] == [merge.pk, merge.pk]
    assert contexts[0]["action"] == "actor merge" and contexts[1]["action"] == "actor merge undone"
    # the moved claim got a new version, so a form opened before the merge conflicts
    moved_claim.refresh_from_db()
    assert moved_claim.version == 3


def test_undo_leaves_rows_changed_since_the_merge_where_they_are(editor, pashinyan_twice):
    survivor, duplicate = pashinyan_twice
    merge = actor_merge(survivor=survivor, duplicate=duplicate, user=editor)
    claim = (
        Claim.objects.filter(speaker=survivor, statement__isnull=True)
        .exclude(pk__in=Claim.objects.filter(speaker=survivor).order_by("pk").values("pk")[:1])
        .first()
    )
    third = ActorFactory()
    services.claim_update(claim=claim, expected_version=claim.version, author=editor, speaker=third)

    back = merge_undo(merge=merge, user=editor)

    assert back["claims"] == 1
    claim.refresh_from_db()
    assert claim.speaker == third


def test_dispute_merge_moves_claims_with_their_stance_and_notes_and_undo_restores(client, editor):
    survivor, duplicate = DisputeFactory(title="Who fired first on 13 Sept?"), DisputeFactory(title="13 Sept clashes")
    shared = log(editor, disputes=[services.DisputeLink(dispute=survivor)])
    services.claim_dispute_set(claim=shared, link=services.DisputeLink(dispute=duplicate, stance="denies"))
    only_dup = log(editor, disputes=[services.DisputeLink(dispute=duplicate, stance="counters")])
    note = services.annotation_add(author=editor, body="Same event as the other dispute", dispute=duplicate)
    client.force_login(editor)

    response = client.post(reverse("claims:dispute_merge", args=[survivor.pk]), {"duplicate": duplicate.pk})

    assert response.status_code == 302
    assert ClaimDispute.objects.get(claim=only_dup, dispute=survivor).stance == "counters"
    # the shared claim keeps its stance in the survivor; its link to the duplicate stays behind
    assert ClaimDispute.objects.get(claim=shared, dispute=survivor).stance == "asserts"
    assert ClaimDispute.objects.filter(claim=shared, dispute=duplicate).exists()
    assert Annotation.objects.get(pk=note.pk).dispute_id == survivor.pk
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert Dispute.objects.visible().filter(pk=duplicate.pk).count() == 0

    merge = Merge.objects.get(duplicate_dispute=duplicate)
    assert client.post(reverse("claims:merge_undo", args=[merge.pk])).status_code == 302

    assert ClaimDispute.objects.get(claim=only_dup, dispute=duplicate).stance == "counters"
    assert not ClaimDispute.objects.filter(claim=only_dup, dispute=survivor).exists()
    assert ClaimDispute.objects.filter(claim=shared, dispute=survivor).exists()
    assert Annotation.objects.get(pk=note.pk).dispute_id == duplicate.pk
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_merges_that_make_no_sense_are_refused(editor):
    a, b, c = ActorFactory(), ActorFactory(), ActorFactory()
    with pytest.raises(DomainError, match="into itself"):
        actor_merge(survivor=a, duplicate=a, user=editor)
    merge = actor_merge(survivor=a, duplicate=b, user=editor)
    with pytest.raises(DomainError, match="already merged"):
        actor_merge(survivor=c, duplicate=b, user=editor)
    with pytest.raises(DomainError, match="merge into that one instead"):
        actor_merge(survivor=b, duplicate=c, user=editor)
    actor_merge(survivor=c, duplicate=a, user=editor)
    with pytest.raises(DomainError, match="undo that merge first"):
        merge_undo(merge=merge, user=editor)
    later = Merge.objects.get(duplicate_actor=a)
    merge_undo(merge=later, user=editor)
    merge_undo(merge=merge, user=editor)
    with pytest.raises(DomainError, match="already undone"):
        merge_undo(merge=merge, user=editor)


def test_bad_merge_requests_get_a_clear_4xx_and_change_nothing(client, editor):
    a, b = ActorFactory(), ActorFactory()
    client.force_login(editor)
    url = reverse("claims:actor_merge", args=[a.pk])
    for data, message in [
        ({"duplicate": a.pk}, "cannot be merged into itself"),
        ({"duplicate": "999999999"}, "No single actor goes by"),
        ({"duplicate": "no such person anywhere"}, "No single actor goes by"),
        ({}, "Choose the duplicate actor"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 422, data
        assert message in response.content.decode(), data
    assert not Merge.objects.exists()
    b.refresh_from_db()
    assert b.merged_into is None


@pytest.mark.parametrize("who", ["factchecker", "viewer", "outsider"])
def test_only_users_who_may_merge_can_merge_or_undo(client, request, editor, who):
    a, b = ActorFactory(), ActorFactory()
    d1, d2 = DisputeFactory(), DisputeFactory()
    merge = actor_merge(survivor=a, duplicate=b, user=editor)
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("claims:actor_merge", args=[a.pk]), {"duplicate": b.pk}).status_code == 403
    assert client.post(reverse("claims:dispute_merge", args=[d1.pk]), {"duplicate": d2.pk}).status_code == 403
    assert client.post(reverse("claims:merge_undo", args=[merge.pk])).status_code == 403
    assert not Merge.objects.filter(kind="dispute").exists()
    b.refresh_from_db()
    assert b.merged_into == a


def test_merge_list_shows_merges_and_undo_only_to_mergers(client, editor, viewer):
    a, b = ActorFactory(name="Survivor Actor"), ActorFactory(name="Duplicate Actor")
    actor_merge(survivor=a, duplicate=b, user=editor)
    client.force_login(viewer)
    html = client.get(reverse("claims:merge_list")).content.decode()
    assert "Duplicate Actor" in html and "Survivor Actor" in html and "Undo" not in html
    client.force_login(editor)
    assert "Undo" in client.get(reverse("claims:merge_list")).content.decode()


def test_merge_records_cannot_be_deleted(editor):
    merge = actor_merge(survivor=ActorFactory(), duplicate=ActorFactory(), user=editor)

    with pytest.raises(ProgrammingError, match="Cannot delete"), transaction.atomic():
        Merge.objects.filter(pk=merge.pk).delete()


def test_merge_pages_refuse_users_without_a_desk_role(client, outsider, editor):
    merge = actor_merge(survivor=ActorFactory(), duplicate=ActorFactory(), user=editor)
    client.force_login(outsider)
    assert client.get(reverse("claims:merge_list")).status_code == 403
    assert client.get(reverse("claims:dispute_merge", args=[DisputeFactory().pk])).status_code == 403
    assert client.post(reverse("claims:merge_undo", args=[merge.pk])).status_code == 403


def test_the_preview_counts_exactly_what_the_merge_then_moves(editor, pashinyan_twice):
    from claims.merging import actor_merge, merge_preview

    survivor, duplicate = pashinyan_twice
    preview = merge_preview(survivor=survivor, duplicate=duplicate)
    merge = actor_merge(survivor=survivor, duplicate=duplicate, user=editor)
    moved = {"aliases": "aliases", "roles": "roles", "claims": "claims", "statements": "statements"}
    assert preview == {label: len(merge.moved.get(name, [])) for name, label in moved.items()}


def test_a_dispute_preview_leaves_out_claims_the_survivor_already_holds(editor):
    from claims.merging import dispute_merge, merge_preview

    survivor, duplicate = DisputeFactory(), DisputeFactory()
    shared = log(editor, disputes=[services.DisputeLink(dispute=survivor), services.DisputeLink(dispute=duplicate)])
    only_duplicate = log(editor, disputes=[services.DisputeLink(dispute=duplicate)])
    preview = merge_preview(survivor=survivor, duplicate=duplicate)
    assert preview == {"claims": 1, "notes": 0}
    merge = dispute_merge(survivor=survivor, duplicate=duplicate, user=editor)
    assert len(merge.moved["claim_links"]) == 1
    assert set(survivor.claims.all()) == {shared, only_duplicate}


def test_a_merge_or_undo_that_can_no_longer_proceed_is_a_409_and_changes_nothing(client, editor):
    a, b, c = ActorFactory(), ActorFactory(), ActorFactory()
    merge = actor_merge(survivor=a, duplicate=b, user=editor)  # meanwhile, in another tab
    client.force_login(editor)

    stale_duplicate = client.post(reverse("claims:actor_merge", args=[c.pk]), {"duplicate": b.pk})
    stale_survivor = client.post(reverse("claims:actor_merge", args=[b.pk]), {"duplicate": c.pk})
    merge_undo(merge=merge, user=editor)
    undone_twice = client.post(reverse("claims:merge_undo", args=[merge.pk]))

    assert stale_duplicate.status_code == 409 and "already merged" in stale_duplicate.content.decode()
    assert stale_survivor.status_code == 409 and "merge into that one instead" in stale_survivor.content.decode()
    assert undone_twice.status_code == 409 and "already undone" in undone_twice.content.decode()
    assert Merge.objects.count() == 1
    assert not Actor.objects.filter(merged_into__isnull=False).exists()
