"""Writes to claims, disputes and annotations. The desk's views and the API both call these,
so the rules live once: keyword-only, atomic, validating, raising DomainError or EditConflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Value
from django.utils import timezone

from claims.anchoring import AnchorError, find_anchor
from claims.figures import figure_bounds, figure_range_error
from claims.models import (
    Actor,
    ActorAlias,
    ActorRole,
    Annotation,
    Claim,
    ClaimDispute,
    ClaimLink,
    ClaimVia,
    Dispute,
    Figure,
    Scope,
    Side,
    Statement,
)
from claims.models.actors import actors_like
from core.errors import DomainError
from core.text import Fold
from core.versioning import save_versioned
from sources.models import Outlet, Story, StoryRevision
from sources.services import PossibleDuplicate


@dataclass(frozen=True)
class FigureInput:
    measure: str
    value: int
    qualifier: str = Figure.Qualifier.EXACT
    counted: str = Figure.Counted.UNSPECIFIED
    whose: Side | None = None
    scope: Scope | None = None
    tally: str = Figure.Tally.TOTAL
    raw: str = ""
    as_of: date | None = None


@dataclass(frozen=True)
class DisputeLink:
    dispute: Dispute
    stance: str = ClaimDispute.Stance.ASSERTS
    blames: Side | None = None


MAX_NAME = 300  # Actor.name, ActorAlias.alias and ActorRole.title


def check_choice(value: str, choices: type, field: str) -> None:
    if value not in choices.values:
        raise DomainError(f"{value!r} is not a valid {field}.", field=field)


def actor_alias_add(*, actor: Actor, alias: str) -> ActorAlias:
    """Give ``actor`` another name; an alias equal to an existing one after accent- and
    case-folding (the database's rule) is the existing one."""
    alias = alias.strip()
    if not alias:
        raise DomainError("The alias is empty.", field="alias")
    same = ActorAlias.objects.filter(actor=actor, normalized=Fold(Value(alias))).first()
    return same or ActorAlias.objects.create(actor=actor, alias=alias)


@transaction.atomic
def actor_create(
    *,
    name: str,
    kind: str,
    side: Side | None = None,
    title: str = "",
    aliases: Sequence[str] = (),
    not_a_duplicate: bool = False,
) -> Actor:
    """Add a speaker the desk does not know yet: the actor, its name and ``aliases`` (the words as
    the story wrote them) as aliases, and ``title`` as a role (undated). Its history is kept like
    every edit's (pghistory, with the request's user).

    Unless ``not_a_duplicate`` says the editor has seen them, actors the name or an alias may
    mean (the same name or alias folded, or a trigram-close alias: ``actors_like``) are offered
    first: ``PossibleDuplicate`` names them and nothing is written.
    """
    name = " ".join(name.split())
    title = " ".join(title.split())
    aliases = [" ".join(a.split()) for a in aliases if a and a.strip()]
    if not name:
        raise DomainError("Give the actor a name.", field="name")
    if kind not in Actor.Kind.values:
        raise DomainError(
            "Choose what kind of actor it is: a person, an organisation or a government body.", field="kind"
        )
    for field, text in (("name", name), ("title", title), *(("alias", a) for a in aliases)):
        if len(text) > MAX_NAME:
            raise DomainError(f"That is too long for a {field}: at most {MAX_NAME} characters.", field=field)
    if not not_a_duplicate:
        matches = actors_like(name, *aliases)
        if matches:
            listed = ", ".join(match.actor.name for match in matches)
            raise PossibleDuplicate(
                f"Did you mean {listed}? Use one of them, or say this is a different actor.", matches=matches
            )
    actor = Actor.objects.create(name=name, kind=kind, side=side)
    for alias in dict.fromkeys([name, *aliases]):
        actor_alias_add(actor=actor, alias=alias)
    if title:
        ActorRole.objects.create(actor=actor, title=title)
    return actor


def figure_values(figure: FigureInput) -> dict[str, Any]:
    """A figure's column values, checked, with its bounds derived from the qualifier
    (claims.figures.figure_bounds): the one path from an editor's input to a stored figure."""
    check_choice(figure.measure, Figure.Measure, "measure")
    check_choice(figure.counted, Figure.Counted, "counted")
    check_choice(figure.tally, Figure.Tally, "tally")
    check_choice(figure.qualifier, Figure.Qualifier, "qualifier")
    if len(figure.raw) > Figure._meta.get_field("raw").max_length:
        raise DomainError("The words as written are too long (300 characters at most).", field="raw")
    try:
        low, high, approximate = figure_bounds(figure.qualifier, figure.value)
    except ValueError as error:
        raise DomainError(str(error), field="value") from error
    if out_of_range := figure_range_error(figure.qualifier, figure.value):
        raise DomainError(out_of_range, field="value")
    return {
        "measure": figure.measure,
        "counted": figure.counted,
        "whose": figure.whose,
        "scope": figure.scope,
        "tally": figure.tally,
        "qualifier": figure.qualifier,
        "value": figure.value,
        "raw": figure.raw,
        "low": low,
        "high": high,
        "approximate": approximate,
        "as_of": figure.as_of,
    }


def figure_add(*, claim: Claim, figure: FigureInput) -> Figure:
    return Figure.objects.create(claim=claim, **figure_values(figure))


@transaction.atomic
def claim_log(
    *,
    story: Story,
    author: AbstractBaseUser | None,
    quote: str,
    mode: str = Claim.Mode.PARAPHRASE,
    revision: StoryRevision | None = None,
    start_hint: int | None = None,
    occurrence: int | None = None,
    prefix: str = "",
    suffix: str = "",
    speaker: Actor | None = None,
    said_on: date | None = None,
    statement: Statement | None = None,
    via: Sequence[Outlet] = (),
    disputes: Iterable[DisputeLink] = (),
    figures: Iterable[FigureInput] = (),
    status: str = Claim.Status.UNVERIFIED,
    publish: bool = False,
    from_suggestion: bool = False,
    key: str | None = None,
) -> Claim:
    """Log one claim from a story, anchored to its exact words in the story's current revision.

    The anchor is computed here from the quote (and prefix/suffix, occurrence, or the browser's
    offset as a hint); offsets sent by a client are never trusted as they are.
    """
    revision = revision or story.current_revision
    if revision is None:
        raise DomainError("The story has no text to anchor a claim in.", field="story")
    if revision.story_id != story.pk:
        raise DomainError("That revision belongs to another story.", field="revision")
    check_choice(mode, Claim.Mode, "mode")
    check_choice(status, Claim.Status, "status")
    if mode == Claim.Mode.OUTLET_VOICE and speaker is not None:
        raise DomainError("A claim in the outlet's own voice has no speaker.", field="speaker")
    if statement is not None and speaker is not None and statement.speaker_id != speaker.pk:
        raise DomainError("The statement belongs to another speaker.", field="statement")
    try:
        anchor = find_anchor(
            revision.body, quote, occurrence=occurrence, prefix=prefix, suffix=suffix, hint_start=start_hint
        )
    except AnchorError as error:
        raise DomainError(str(error), field="quote") from error
    now = timezone.now()
    claim = Claim.objects.create(
        key=key,
        story=story,
        revision=revision,
        start=anchor.start,
        end=anchor.end,
        quote=anchor.quote,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        mode=mode,
        speaker=speaker,
        said_on=said_on,
        statement=statement,
        status=status,
        is_published=publish,
        published_at=now if publish else None,
        from_suggestion=from_suggestion,
        created_by=author,
    )
    for position, outlet in enumerate(via, start=1):
        ClaimVia.objects.create(claim=claim, outlet=outlet, position=position)
    for link in disputes:
        claim_dispute_set(claim=claim, link=link)
    for figure in figures:
        figure_add(claim=claim, figure=figure)
    return claim


def claim_dispute_set(*, claim: Claim, link: DisputeLink) -> ClaimDispute:
    """Put a claim in a dispute with its stance (or change its stance there)."""
    check_choice(link.stance, ClaimDispute.Stance, "stance")
    if link.dispute.merged_into_id:
        raise DomainError("That dispute was merged into another; use the surviving one.", field="dispute")
    placed, _ = ClaimDispute.objects.update_or_create(
        claim=claim, dispute=link.dispute, defaults={"stance": link.stance, "blames": link.blames}
    )
    return placed


# What a claim says (changed with claims.change_claim) and its verification status (changed with
# claims.change_claim_status, which fact-checkers hold too).
CLAIM_CONTENT_FIELDS = ("mode", "speaker", "said_on", "statement")
CLAIM_EDITABLE_FIELDS = (*CLAIM_CONTENT_FIELDS, "status")


def editable_claim_fields(user: Any) -> frozenset[str]:
    """The claim fields ``user`` may change. The one rule for the claim's edit form and restore
    button, the API's PATCH and the admin: each asks this before calling claim_update."""
    fields: set[str] = set()
    if user.has_perm("claims.change_claim"):
        fields.update(CLAIM_CONTENT_FIELDS)
    if user.has_perm("claims.change_claim_status"):
        fields.add("status")
    return frozenset(fields)


@transaction.atomic
def claim_update(*, claim: Claim, expected_version: int, author: AbstractBaseUser, **changes: Any) -> Claim:
    """Change a claim's editable fields, refusing a save based on a stale version."""
    unknown = set(changes) - set(CLAIM_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))} here.")
    for name, value in changes.items():
        setattr(claim, name, value)
    check_choice(claim.mode, Claim.Mode, "mode")
    check_choice(claim.status, Claim.Status, "status")
    if claim.mode == Claim.Mode.OUTLET_VOICE and claim.speaker_id is not None:
        raise DomainError("A claim in the outlet's own voice has no speaker.", field="speaker")
    return save_versioned(claim, expected_version=expected_version, fields=list(changes))


@transaction.atomic
def claim_publish(*, claim: Claim, expected_version: int, publish: bool = True) -> Claim:
    if claim.is_withdrawn and publish:
        raise DomainError("A withdrawn claim cannot be published.")
    claim.is_published = publish
    if publish and claim.published_at is None:
        claim.published_at = timezone.now()
    return save_versioned(claim, expected_version=expected_version, fields=["is_published", "published_at"])


@transaction.atomic
def claim_withdraw(*, claim: Claim, expected_version: int, user: AbstractBaseUser, reason: str) -> Claim:
    """Withdraw a claim logged in error: it is kept, hidden from partners (a tombstone if it had been
    published). Claims are never deleted."""
    if not reason.strip():
        raise DomainError("Say why the claim is withdrawn.", field="reason")
    if claim.is_withdrawn:
        raise DomainError("The claim is already withdrawn.")
    claim.withdrawn_at = timezone.now()
    claim.withdrawn_by = user
    claim.withdrawal_reason = reason.strip()
    return save_versioned(
        claim, expected_version=expected_version, fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"]
    )


@transaction.atomic
def claim_link_add(
    *, source: Claim, target: Claim, kind: str, user: AbstractBaseUser | None, noted_on: date | None = None
) -> ClaimLink:
    """Record a typed link between two claims. A ``retracts`` link marks the target retracted."""
    check_choice(kind, ClaimLink.Kind, "kind")
    if source.pk == target.pk:
        raise DomainError("A claim cannot be linked to itself.", field="target")
    link, _ = ClaimLink.objects.get_or_create(
        source=source, target=target, kind=kind, defaults={"recorded_by": user, "noted_on": noted_on}
    )
    if kind == ClaimLink.Kind.RETRACTS and target.status != Claim.Status.RETRACTED:
        target.status = Claim.Status.RETRACTED
        save_versioned(target, expected_version=target.version, fields=["status"])
    return link


@transaction.atomic
def dispute_create(
    *,
    title: str,
    kind: str,
    author: AbstractBaseUser | None,
    status: str = Dispute.Status.OPEN,
    summary: str = "",
    place: str = "",
    event_start: date | None = None,
    event_end: date | None = None,
    publish: bool = False,
    key: str | None = None,
) -> Dispute:
    if not title.strip():
        raise DomainError("A dispute needs its question.", field="title")
    check_choice(kind, Dispute.Kind, "kind")
    check_choice(status, Dispute.Status, "status")
    if event_start and event_end and event_start > event_end:
        raise DomainError("The event cannot end before it starts.", field="event_end")
    return Dispute.objects.create(
        key=key,
        title=title.strip(),
        kind=kind,
        status=status,
        summary=summary,
        place=place,
        event_start=event_start,
        event_end=event_end,
        is_published=publish,
        published_at=timezone.now() if publish else None,
        created_by=author,
    )


@transaction.atomic
def dispute_publish(*, dispute: Dispute, expected_version: int, publish: bool = True) -> Dispute:
    dispute.is_published = publish
    if publish and dispute.published_at is None:
        dispute.published_at = timezone.now()
    return save_versioned(dispute, expected_version=expected_version, fields=["is_published", "published_at"])


@transaction.atomic
def annotation_add(
    *,
    author: AbstractBaseUser,
    body: str,
    is_public: bool = False,
    claim: Claim | None = None,
    dispute: Dispute | None = None,
) -> Annotation:
    if not body.strip():
        raise DomainError("The note is empty.", field="body")
    if (claim is None) == (dispute is None):
        raise DomainError("A note belongs to one claim or one dispute.")
    return Annotation.objects.create(author=author, body=body, is_public=is_public, claim=claim, dispute=dispute)


@transaction.atomic
def annotation_update(*, annotation: Annotation, expected_version: int, body: str, is_public: bool) -> Annotation:
    if not body.strip():
        raise DomainError("The note is empty.", field="body")
    annotation.body = body
    annotation.is_public = is_public
    return save_versioned(annotation, expected_version=expected_version, fields=["body", "is_public"])


DISPUTE_EDITABLE_FIELDS = ("title", "kind", "status", "summary", "place", "event_start", "event_end")


@transaction.atomic
def dispute_update(*, dispute: Dispute, expected_version: int, **changes: Any) -> Dispute:
    """Change a dispute's question, kind, status, summary, place or dates; refuses a stale version."""
    unknown = set(changes) - set(DISPUTE_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))} here.")
    if dispute.merged_into_id:
        raise DomainError("That dispute was merged into another; edit the surviving one.")
    for name, value in changes.items():
        setattr(dispute, name, value.strip() if name == "title" else value)
    if not dispute.title:
        raise DomainError("A dispute needs its question.", field="title")
    check_choice(dispute.kind, Dispute.Kind, "kind")
    check_choice(dispute.status, Dispute.Status, "status")
    if dispute.event_start and dispute.event_end and dispute.event_start > dispute.event_end:
        raise DomainError("The event cannot end before it starts.", field="event_end")
    return save_versioned(dispute, expected_version=expected_version, fields=list(changes))


def _check_response(statement_id: int | None, responds_to: Statement | None) -> None:
    if responds_to is not None and statement_id is not None and responds_to.pk == statement_id:
        raise DomainError("A statement cannot respond to itself.", field="responds_to")


@transaction.atomic
def statement_create(
    *,
    speaker: Actor,
    occasion: str = Statement.Occasion.OTHER,
    said_on: date | None = None,
    description: str = "",
    responds_to: Statement | None = None,
    key: str | None = None,
) -> Statement:
    """Record one speech act (one speaker, one occasion); claims reporting it become its versions."""
    check_choice(occasion, Statement.Occasion, "occasion")
    if speaker.merged_into_id:
        raise DomainError("That actor was merged into another; use the surviving one.", field="speaker")
    return Statement.objects.create(
        key=key,
        speaker=speaker,
        occasion=occasion,
        said_on=said_on,
        description=description.strip(),
        responds_to=responds_to,
    )


STATEMENT_EDITABLE_FIELDS = ("occasion", "said_on", "description", "responds_to")


@transaction.atomic
def statement_update(*, statement: Statement, expected_version: int, **changes: Any) -> Statement:
    """Change a statement's occasion, date, description or what it responds to; refuses a stale version."""
    unknown = set(changes) - set(STATEMENT_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))} here.")
    for name, value in changes.items():
        setattr(statement, name, value)
    check_choice(statement.occasion, Statement.Occasion, "occasion")
    _check_response(statement.pk, statement.responds_to)
    return save_versioned(statement, expected_version=expected_version, fields=list(changes))


@transaction.atomic
def claim_log_in_new_dispute(
    *,
    dispute_title: str,
    dispute_kind: str,
    author: AbstractBaseUser | None,
    stance: str = ClaimDispute.Stance.ASSERTS,
    blames: Side | None = None,
    **claim_fields: Any,
) -> Claim:
    """Open a new dispute and log the claim that raises it, in one step: both are written or neither
    (a quote that cannot be anchored leaves no empty dispute behind). ``claim_fields`` as for claim_log."""
    if "disputes" in claim_fields:
        raise DomainError("A claim logged with a new dispute goes into that dispute only.", field="dispute")
    dispute = dispute_create(title=dispute_title, kind=dispute_kind, author=author)
    return claim_log(
        author=author, disputes=[DisputeLink(dispute=dispute, stance=stance, blames=blames)], **claim_fields
    )
