"""Merging duplicate actors and disputes, and undoing a merge.

Merging B (the duplicate) into A (the survivor) moves B's rows over to A, sets ``B.merged_into =
A`` (B's page then redirects to A) and records a :class:`~claims.models.Merge` naming every row
that moved. Undo moves exactly those rows back (the ones still on A) and clears ``merged_into``.
What moves is written once, in ``MOVES`` and ``movable``: the merge, its preview and its undo all
read it, so the preview never promises more than the merge does.
Every row change goes through ordinary updates, so the history triggers record each one; the
``pghistory`` context of the merge names the merge record, so history shows why it changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pghistory
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Model, QuerySet, Value
from django.utils import timezone

from claims.models import Actor, ActorAlias, ActorRole, Annotation, Claim, ClaimDispute, Dispute, Merge, Statement
from core.errors import DomainError
from core.text import Fold
from core.versioning import Versioned, save_versioned

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


@dataclass(frozen=True)
class Move:
    """One kind of row a merge moves: ``model`` rows whose ``owner`` field names the actor or dispute.

    ``kept_by`` names what the rows are unique on within their owner (an alias's folded form, a
    claim's place in a dispute): a row whose twin is already on the receiving side stays behind.
    """

    name: str
    label: str
    model: type[Model]
    owner: str
    kept_by: str | None = None

    def rows(self, owner: Actor | Dispute) -> QuerySet:
        return self.model._default_manager.filter(**{self.owner: owner})

    def staying(self, giver: Actor | Dispute, receiver: Actor | Dispute) -> QuerySet:
        """Rows of ``giver`` that stay behind because ``receiver`` already has their twin."""
        if self.kept_by is None:
            return self.model._default_manager.none()
        return self.rows(giver).filter(**{f"{self.kept_by}__in": self.rows(receiver).values(self.kept_by)})

    def movable(self, giver: Actor | Dispute, receiver: Actor | Dispute) -> QuerySet:
        return self.rows(giver).exclude(pk__in=self.staying(giver, receiver))


MOVES: dict[str, tuple[Move, ...]] = {
    Merge.Kind.ACTOR: (
        Move("aliases", "aliases", ActorAlias, "actor", kept_by="normalized"),
        Move("roles", "roles", ActorRole, "actor"),
        Move("claims", "claims", Claim, "speaker"),
        Move("statements", "statements", Statement, "speaker"),
    ),
    Merge.Kind.DISPUTE: (
        Move("claim_links", "claims", ClaimDispute, "dispute", kept_by="claim"),
        Move("annotations", "notes", Annotation, "dispute"),
    ),
}


def _kind_of(record: Actor | Dispute) -> str:
    return Merge.Kind.ACTOR if isinstance(record, Actor) else Merge.Kind.DISPUTE


def merge_preview(*, survivor: Actor | Dispute, duplicate: Actor | Dispute) -> dict[str, int]:
    """What merging ``duplicate`` into ``survivor`` would move, counted by kind (labels as shown)."""
    return {move.label: move.movable(duplicate, survivor).count() for move in MOVES[_kind_of(survivor)]}


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
        raise DomainError(
            f"{'An' if noun[0] in 'aeiou' else 'A'} {noun} cannot be merged into itself.", field="duplicate"
        )
    if duplicate.merged_into_id is not None:
        raise MergeConflict(f"{duplicate} was already merged into {duplicate.merged_into}.", field="duplicate")
    if survivor.merged_into_id is not None:
        raise MergeConflict(
            f"{survivor} was itself merged into {survivor.merged_into}: merge into that one instead.",
            field="survivor",
        )


def _merge(kind: str, survivor: Actor | Dispute, duplicate: Actor | Dispute, user: AbstractBaseUser) -> Merge:
    """Lock both records, check the pair, move what ``MOVES`` lists, and record it all."""
    survivor, duplicate = _lock_pair(type(survivor), survivor, duplicate)
    _check_pair(survivor, duplicate, str(kind))
    merge = Merge.objects.create(
        kind=kind, merged_by=user, **{f"survivor_{kind!s}": survivor, f"duplicate_{kind!s}": duplicate}
    )
    with pghistory.context(merge=merge.pk, action=f"{kind!s} merge", user=user.pk):
        moved = {move.name: _move(move.movable(duplicate, survivor), **{move.owner: survivor}) for move in MOVES[kind]}
        if kind == Merge.Kind.ACTOR:
            moved["created_aliases"] = _name_as_alias(survivor, duplicate)
        duplicate.merged_into = survivor
        save_versioned(duplicate, expected_version=duplicate.version, fields=["merged_into"])
        merge.moved = moved
        merge.save(update_fields=["moved"])
    return merge


def _name_as_alias(survivor: Actor, duplicate: Actor) -> list[int]:
    """The duplicate's name becomes an alias of the survivor, unless the survivor already answers
    to it (spelt with other accents or case)."""
    name = duplicate.name.strip()
    if ActorAlias.objects.filter(actor=survivor, normalized=Fold(Value(name))).exists():
        return []
    return [ActorAlias.objects.create(actor=survivor, alias=name).pk]


@transaction.atomic
def actor_merge(*, survivor: Actor, duplicate: Actor, user: AbstractBaseUser) -> Merge:
    """Merge ``duplicate`` into ``survivor``: aliases, roles, claims and statements move over.

    An alias whose accent- and case-folded form the survivor already has stays behind (the
    survivor already answers to it); the duplicate's name becomes an alias of the survivor.
    """
    return _merge(Merge.Kind.ACTOR, survivor, duplicate, user)


@transaction.atomic
def dispute_merge(*, survivor: Dispute, duplicate: Dispute, user: AbstractBaseUser) -> Merge:
    """Merge ``duplicate`` into ``survivor``: its claims (with their stances) and notes move over.

    A claim already in the survivor keeps its place (and stance) there; its link to the duplicate
    stays behind with the duplicate.
    """
    return _merge(Merge.Kind.DISPUTE, survivor, duplicate, user)


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
    back: dict[str, int] = {}
    with pghistory.context(merge=merge.pk, action=f"{merge.kind} merge undone", user=user.pk):
        if merge.kind == Merge.Kind.ACTOR:
            ActorAlias.objects.filter(pk__in=merge.moved.get("created_aliases", []), actor=survivor).delete()
        for move in MOVES[merge.kind]:
            ids = merge.moved.get(move.name, [])
            # rows of the merge still on the survivor, less those that would now collide on the
            # duplicate (a claim put in it again since the merge keeps that newer link)
            still_there = move.movable(survivor, duplicate).filter(pk__in=ids)
            back[move.name] = len(_move(still_there, **{move.owner: duplicate}))
        duplicate.merged_into = None
        save_versioned(duplicate, expected_version=duplicate.version, fields=["merged_into"])
        merge.undone_at = timezone.now()
        merge.undone_by = user
        merge.save(update_fields=["undone_at", "undone_by"])
    return back
