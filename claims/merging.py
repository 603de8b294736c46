"""Merging duplicate actors and disputes, and undoing a merge.

Merging B (the duplicate) into A (the survivor) moves B's rows over to A, sets ``B.merged_into =
A`` (B's page then redirects to A) and records a :class:`~claims.models.Merge` naming every row
that moved. Undo moves exactly those rows back (the ones still on A) and clears ``merged_into``.
Every row change goes through ordinary updates, so the history triggers record each one; the
``pghistory`` context of the merge names the merge record, so history shows why it changed.
"""

from __future__ import annotations

from typing import Any

import pghistory
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone

from claims.models import Actor, ActorAlias, ActorRole, Annotation, Claim, ClaimDispute, Dispute, Merge, Statement
from sources.errors import DomainError
from sources.versioning import Versioned, save_versioned

MAX_CHAIN = 50


class MergeConflict(DomainError):
    """The merge (or undo) can no longer proceed: a record in it was merged, or the merge undone,
    since it was asked for (by someone else at the same moment, or on a page opened before)."""


def _lock_pair(model: type[Actor] | type[Dispute], survivor: Any, duplicate: Any) -> tuple[Any, Any]:
    """Both records, locked and read afresh, always in primary-key order: two merges crossing
    (A into B while B into A) then queue one behind the other instead of deadlocking, and the
    second sees what the first did."""
    locked = {pk: model.objects.select_for_update().get(pk=pk) for pk in sorted({survivor.pk, duplicate.pk})}
    return locked[survivor.pk], locked[duplicate.pk]


def survivor_of(obj: Actor | Dispute) -> Actor | Dispute:
    """The record a merged actor or dispute now lives on (following merges of merges)."""
    seen = 0
    while obj.merged_into_id is not None and seen < MAX_CHAIN:
        obj = obj.merged_into
        seen += 1
    return obj


def _move(qs: QuerySet, **values: Any) -> list[int]:
    """Point the rows of ``qs`` at a new owner; versioned rows get a new version (an open edit
    form based on the old one then sees a conflict instead of silently undoing the move)."""
    ids = sorted(qs.values_list("pk", flat=True))
    if ids:
        extra: dict[str, Any] = {}
        if issubclass(qs.model, Versioned):
            extra["version"] = F("version") + 1
        if any(f.name == "updated_at" for f in qs.model._meta.concrete_fields):
            extra["updated_at"] = timezone.now()
        qs.model._default_manager.filter(pk__in=ids).update(**values, **extra)
    return ids


def _check_pair(survivor: Actor | Dispute, duplicate: Actor | Dispute, noun: str) -> None:
    if survivor.pk == duplicate.pk:
        raise DomainError(f"An {noun} cannot be merged into itself.", field="duplicate")
    if duplicate.merged_into_id is not None:
        raise MergeConflict(f"{duplicate} was already merged into {duplicate.merged_into}.", field="duplicate")
    if survivor.merged_into_id is not None:
        raise MergeConflict(
            f"{survivor} was itself merged into {survivor.merged_into}: merge into that one instead.",
            field="survivor",
        )


@transaction.atomic
def actor_merge(*, survivor: Actor, duplicate: Actor, user: AbstractBaseUser) -> Merge:
    """Merge ``duplicate`` into ``survivor``: aliases, roles, claims and statements move over.

    An alias whose accent- and case-folded form the survivor already has stays behind (the
    survivor already answers to it); the duplicate's name becomes an alias of the survivor.
    """
    survivor, duplicate = _lock_pair(Actor, survivor, duplicate)
    _check_pair(survivor, duplicate, "actor")
    merge = Merge.objects.create(
        kind=Merge.Kind.ACTOR, survivor_actor=survivor, duplicate_actor=duplicate, merged_by=user
    )
    with pghistory.context(merge=merge.pk, action="actor merge", user=user.pk):
        known = set(ActorAlias.objects.filter(actor=survivor).values_list("normalized", flat=True))
        movable = ActorAlias.objects.filter(actor=duplicate).exclude(normalized__in=known)
        moved: dict[str, list[int]] = {"aliases": _move(movable, actor=survivor)}
        created = []
        if not ActorAlias.objects.filter(actor=survivor, alias__iexact=duplicate.name.strip()).exists():
            alias, made = ActorAlias.objects.get_or_create(actor=survivor, alias=duplicate.name.strip())
            if made:
                created.append(alias.pk)
        moved["created_aliases"] = created
        moved["roles"] = _move(ActorRole.objects.filter(actor=duplicate), actor=survivor)
        moved["claims"] = _move(Claim.objects.filter(speaker=duplicate), speaker=survivor)
        moved["statements"] = _move(Statement.objects.filter(speaker=duplicate), speaker=survivor)
        duplicate.merged_into = survivor
        save_versioned(duplicate, expected_version=duplicate.version, fields=["merged_into"])
        merge.moved = moved
        merge.save(update_fields=["moved"])
    return merge


@transaction.atomic
def dispute_merge(*, survivor: Dispute, duplicate: Dispute, user: AbstractBaseUser) -> Merge:
    """Merge ``duplicate`` into ``survivor``: its claims (with their stances) and notes move over.

    A claim already in the survivor keeps its place (and stance) there; its link to the duplicate
    stays behind with the duplicate.
    """
    survivor, duplicate = _lock_pair(Dispute, survivor, duplicate)
    _check_pair(survivor, duplicate, "dispute")
    merge = Merge.objects.create(
        kind=Merge.Kind.DISPUTE, survivor_dispute=survivor, duplicate_dispute=duplicate, merged_by=user
    )
    with pghistory.context(merge=merge.pk, action="dispute merge", user=user.pk):
        already = ClaimDispute.objects.filter(dispute=survivor).values("claim")
        links = ClaimDispute.objects.filter(dispute=duplicate).exclude(claim__in=already)
        moved = {
            "claim_links": _move(links, dispute=survivor),
            "annotations": _move(Annotation.objects.filter(dispute=duplicate), dispute=survivor),
        }
        duplicate.merged_into = survivor
        save_versioned(duplicate, expected_version=duplicate.version, fields=["merged_into"])
        merge.moved = moved
        merge.save(update_fields=["moved"])
    return merge


_ACTOR_ROWS: dict[str, tuple[type[Model], str]] = {
    "aliases": (ActorAlias, "actor"),
    "roles": (ActorRole, "actor"),
    "claims": (Claim, "speaker"),
    "statements": (Statement, "speaker"),
}
_DISPUTE_ROWS: dict[str, tuple[type[Model], str]] = {
    "claim_links": (ClaimDispute, "dispute"),
    "annotations": (Annotation, "dispute"),
}


@transaction.atomic
def merge_undo(*, merge: Merge, user: AbstractBaseUser) -> dict[str, int]:
    """Undo ``merge``: move back the rows it moved that are still on the survivor.

    Returns how many rows of each kind went back. Refused (MergeConflict) when the merge was undone
    already, or when the survivor has since been merged into something else (undo that merge first).
    """
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.is_undone:
        raise MergeConflict("This merge was already undone.")
    model = Actor if merge.kind == Merge.Kind.ACTOR else Dispute
    survivor, duplicate = _lock_pair(model, merge.survivor, merge.duplicate)
    if survivor.merged_into_id is not None:
        raise MergeConflict(f"{survivor} has since been merged into {survivor.merged_into}; undo that merge first.")
    rows = _ACTOR_ROWS if merge.kind == Merge.Kind.ACTOR else _DISPUTE_ROWS
    back: dict[str, int] = {}
    with pghistory.context(merge=merge.pk, action=f"{merge.kind} merge undone", user=user.pk):
        if merge.kind == Merge.Kind.ACTOR:
            ActorAlias.objects.filter(pk__in=merge.moved.get("created_aliases", []), actor=survivor).delete()
        for name, (model, owner) in rows.items():
            ids = merge.moved.get(name, [])
            still_there = model._default_manager.filter(pk__in=ids, **{owner: survivor})
            if model is ClaimDispute:
                # a claim put in the duplicate again since the merge keeps that newer link
                still_there = still_there.exclude(
                    claim__in=ClaimDispute.objects.filter(dispute=duplicate).values("claim")
                )
            back[name] = len(_move(still_there, **{owner: duplicate}))
        duplicate.merged_into = None
        save_versioned(duplicate, expected_version=duplicate.version, fields=["merged_into"])
        merge.undone_at = timezone.now()
        merge.undone_by = user
        merge.save(update_fields=["undone_at", "undone_by"])
    return back
