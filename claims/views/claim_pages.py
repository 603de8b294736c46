"""A claim's own page: everything about it, its versions, history and notes; editing it safely.

Editing carries the version the editor opened. A stale save is refused (core.versioning) and
the editor sees what changed since, field by field, with who changed it; they can merge (re-open
the form with their changes applied over the current claim) or overwrite deliberately. Nothing
is lost silently. History comes from the pghistory events the database triggers write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

import pghistory.models
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims import services
from claims.forms import AnnotationForm, ClaimEditForm, ClaimWithdrawForm, RestoreForm
from claims.models import (
    Actor,
    Annotation,
    Claim,
    ClaimDispute,
    Dispute,
    Figure,
    Review,
    Scope,
    Side,
    Statement,
)
from claims.views.desk import paginate
from claims.views.disputes import publish_toggle
from core.diffing import VERSION_SIMILARITY, side_by_side, word_diff
from core.errors import DomainError
from core.markdown import render_markdown
from core.versioning import EditConflict
from sources.models import Outlet, Story, StoryRevision

NOTES_PER_PAGE = 20
HISTORY_PER_PAGE = 15
CONTEXT_CHARS = 240

# The claim fields an editor changes in the form, and their database column names.
EDIT_FIELDS = ("mode", "speaker", "said_on", "statement", "status")
ATTNAMES = {
    "mode": "mode",
    "speaker": "speaker_id",
    "said_on": "said_on",
    "statement": "statement_id",
    "status": "status",
}
CONTENT_FIELDS = ("mode", "speaker", "said_on", "statement")

# Columns in history events that point at other records: shown by name, not number.
REFERENCES: dict[str, type[Model] | None] = {
    "speaker": Actor,
    "statement": Statement,
    "whose": Side,
    "blames": Side,
    "scope": Scope,
    "dispute": Dispute,
    "outlet": Outlet,
    "story": Story,
    "revision": StoryRevision,
    "claim": Claim,
    "source": Claim,
    "target": Claim,
    "supersedes": Review,
    "withdrawn_by": None,  # users
    "created_by": None,
    "author": None,
    "reviewer": None,
    "approved_by": None,
    "recorded_by": None,
}
# Bookkeeping columns left out of history diffs.
HISTORY_SKIP = {
    "id",
    "version",
    "updated_at",
    "created_at",
    "public_id",
    "search_vector",
    "pgh_obj_id",
    "prefix",
    "suffix",
}
TEXT_FIELDS = {"quote", "body", "reasoning", "withdrawal_reason", "description"}
# What each kind of history event is called on the page.
HISTORY_NAMES = {
    "ClaimDispute": "Place in a dispute",
    "ClaimLink": "Link",
    "ClaimVia": "Via",
    "Annotation": "Note",
}


def claim_event_model() -> type[Model]:
    return apps.get_model("claims", "ClaimEvent")


# --- Reads -------------------------------------------------------------------------------------


def claim_for_page(pk: int) -> Claim:
    return get_object_or_404(
        Claim.objects.select_related(
            "speaker__side", "story__outlet", "statement__speaker", "revision", "withdrawn_by", "created_by"
        ).prefetch_related(
            "speaker__roles",
            "via__outlet",
            Prefetch("figures", Figure.objects.select_related("whose", "scope")),
            Prefetch("dispute_links", ClaimDispute.objects.select_related("dispute", "blames")),
        ),
        pk=pk,
    )


def in_context(claim: Claim) -> dict[str, str]:
    """The quote with some of the text around it, from the revision it is anchored in."""
    body = claim.revision.body
    start, end = claim.start, claim.end
    before_start = max(0, start - CONTEXT_CHARS)
    after_end = min(len(body), end + CONTEXT_CHARS)
    return {
        "before": ("…" if before_start else "") + body[before_start:start],
        "quote": body[start:end],
        "after": body[end:after_end] + ("…" if after_end < len(body) else ""),
    }


def other_versions(claim: Claim) -> dict[str, list]:
    """Other reports of the same statement: versions in other stories (the close ones compared word
    by word with this claim) and other parts of the statement in the same story."""
    if claim.statement_id is None:
        return {"close": [], "distant": [], "same_story": []}
    versions = list(
        Claim.objects.active()
        .filter(statement_id=claim.statement_id)
        .exclude(pk=claim.pk)
        .select_related("story__outlet", "speaker")
        .order_by("story__published_on", "story_id", "start")[:30]
    )
    compared = sorted(
        ((v, side_by_side(claim.quote, v.quote)) for v in versions if v.story_id != claim.story_id),
        key=lambda pair: -pair[1].similarity,
    )
    return {
        "close": [pair for pair in compared if pair[1].similarity >= VERSION_SIMILARITY],
        "distant": [v for v, diff in compared if diff.similarity < VERSION_SIMILARITY],
        "same_story": [v for v in versions if v.story_id == claim.story_id],
    }


def claim_notes(request: HttpRequest, claim: Claim, *, last: bool = False) -> Any:
    notes = Annotation.objects.active().filter(claim=claim).select_related("author").order_by("created_at", "id")
    if last:
        page = Paginator(notes, NOTES_PER_PAGE).get_page(-1)
        page.previous_url = page.next_url = None
    else:
        page = paginate(request, notes, per_page=NOTES_PER_PAGE, param="notes_page")
    for note in page:
        note.html = render_markdown(note.body)
    return page


def claim_reviews(claim: Claim) -> list[Review]:
    reviews = list(
        Review.objects.filter(claim=claim)
        .select_related("reviewer", "approved_by", "supersedes")
        .order_by("-created_at", "-id")
    )
    for review in reviews:
        review.html = render_markdown(review.reasoning)
    return reviews


@dataclass
class Change:
    name: str
    before: str
    after: str
    diff: list | None = None


@dataclass
class HistoryEntry:
    what: str
    label: str
    when: Any
    user: str
    changes: list[Change] = field(default_factory=list)
    restorable_event: int | None = None
    version: int | None = None


def _display(name: str, value: Any, names: dict[tuple[str, Any], str]) -> str:
    if value is None or value == "":
        return "—"
    if name in REFERENCES:
        return names.get((name, value), f"#{value}")
    return str(value)


def history_page(request: HttpRequest, claim: Claim) -> Any:
    """The claim's history, newest first: its own changes and those of its figures, disputes,
    links and notes, each with who made it and what changed."""
    events = pghistory.models.Events.objects.references(claim).order_by("-pgh_created_at", "-pgh_id")
    page = paginate(request, events, per_page=HISTORY_PER_PAGE, param="history_page", hx={"part": "history"})
    rows = list(page)

    # Names for every referenced record on this page: one query per kind of record.
    wanted: dict[str, set[Any]] = {}
    user_ids: set[Any] = set()
    for event in rows:
        if (event.pgh_context or {}).get("user") is not None:
            user_ids.add(event.pgh_context["user"])
        for column, value in {**(event.pgh_data or {}), **{k: v[1] for k, v in (event.pgh_diff or {}).items()}}.items():
            name = column.removesuffix("_id")
            if column.endswith("_id") and name in REFERENCES and value is not None:
                wanted.setdefault(name, set()).add(value)
        for column, (before, _) in (event.pgh_diff or {}).items():
            name = column.removesuffix("_id")
            if column.endswith("_id") and name in REFERENCES and before is not None:
                wanted.setdefault(name, set()).add(before)
    names: dict[tuple[str, Any], str] = {}
    by_model: dict[type[Model], set[Any]] = {}
    for name, ids in wanted.items():
        model = REFERENCES[name] or get_user_model()
        if model is get_user_model():
            user_ids |= ids
        else:
            by_model.setdefault(model, set()).update(ids)
    for model, ids in by_model.items():
        found = {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=ids)}
        for name, ids_for_name in wanted.items():
            if REFERENCES[name] is model:
                names.update({(name, pk): found.get(pk, f"#{pk}") for pk in ids_for_name})
    users = {u.pk: u.get_username() for u in get_user_model().objects.filter(pk__in=user_ids)} if user_ids else {}
    for name, ids in wanted.items():
        if REFERENCES[name] is None:
            names.update({(name, pk): users.get(pk, f"user #{pk}") for pk in ids})

    entries = []
    for event in rows:
        model = event.pgh_model.split(".")[-1].removesuffix("Event")
        data, diff = event.pgh_data or {}, event.pgh_diff or {}
        user_id = (event.pgh_context or {}).get("user")
        entry = HistoryEntry(
            what=HISTORY_NAMES.get(model, model),
            label=event.pgh_label,
            when=event.pgh_created_at,
            user=users.get(user_id, "the system (import or script)") if user_id is not None else "the system",
            version=data.get("version") if model == "Claim" else None,
        )
        if event.pgh_label == "update":
            for column, (before, after) in sorted(diff.items()):
                if column in HISTORY_SKIP:
                    continue
                name = column.removesuffix("_id") if column.endswith("_id") else column
                entry.changes.append(
                    Change(
                        name=name.replace("_", " "),
                        before=_display(name, before, names),
                        after=_display(name, after, names),
                        diff=word_diff(str(before or ""), str(after or "")) if column in TEXT_FIELDS else None,
                    )
                )
        else:
            for column, value in sorted(data.items()):
                if column in HISTORY_SKIP or value in (None, "", False) or column == "pgh_obj":
                    continue
                name = column.removesuffix("_id") if column.endswith("_id") else column
                entry.changes.append(Change(name=name.replace("_", " "), before="", after=_display(name, value, names)))
        if model == "Claim" and event.pgh_id and data.get("version") != claim.version:
            entry.restorable_event = event.pgh_id
        entries.append(entry)
    page.entries = entries
    return page


def detail_context(request: HttpRequest, claim: Claim, *, note_form: AnnotationForm | None = None) -> dict[str, Any]:
    day = claim.said_on or claim.story.published_on
    user = request.user
    return {
        "claim": claim,
        "role_then": claim.speaker.role_on(day) if claim.speaker_id else None,
        "context": in_context(claim),
        "placements": list(claim.dispute_links.all()),
        "links_out": list(claim.links_out.select_related("target__story__outlet", "recorded_by")),
        "links_in": list(claim.links_in.select_related("source__story__outlet", "recorded_by")),
        "versions": other_versions(claim),
        "reviews": claim_reviews(claim),
        "notes": claim_notes(request, claim),
        "note_form": note_form or AnnotationForm(auto_id="note_%s"),
        "note_add_url": reverse("claims:claim_note_add", args=[claim.pk]),
        "history": history_page(request, claim),
        "withdraw_form": ClaimWithdrawForm(initial={"version": claim.version}, auto_id="withdraw_%s"),
        "can_edit": user.has_perm("claims.change_claim") or user.has_perm("claims.change_claim_status"),
        "can_restore": user.has_perm("claims.change_claim") and user.has_perm("claims.change_claim_status"),
        "can_publish": user.has_perm("claims.publish_claim"),
        "can_annotate": user.has_perm("claims.add_annotation"),
        "can_edit_notes": user.has_perm("claims.change_annotation"),
    }


# --- The claim page ----------------------------------------------------------------------------


@require_GET
@login_required
@permission_required("claims.view_claim", raise_exception=True)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for_page(pk)
    if request.htmx and request.GET.get("panel"):
        day = claim.said_on or claim.story.published_on
        claim.role_then = claim.speaker.role_on(day) if claim.speaker_id else None
        return render(
            request, "claims/_claim_panel.html", {"claim": claim, "placements": list(claim.dispute_links.all())}
        )
    context = detail_context(request, claim)
    if request.htmx and request.GET.get("part") == "history":
        return render(request, "claims/claim_detail.html#history", context)
    return render(request, "claims/claim_detail.html", context)


# --- Editing, with conflicts -----------------------------------------------------------------


def _values_of(source: Any) -> dict[str, Any]:
    """The edited fields of a claim or a history snapshot, by column."""
    return {name: getattr(source, ATTNAMES[name]) for name in EDIT_FIELDS}


def _values_from_form(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "mode": data["mode"],
        "speaker": data["speaker"].pk if data.get("speaker") else None,
        "said_on": data.get("said_on"),
        "statement": data["statement"].pk if data.get("statement") else None,
        "status": data["status"],
    }


def _as_changes(values: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Field values as claim_update wants them (records, not ids)."""
    changes: dict[str, Any] = {}
    for name in names:
        value = values[name]
        if name == "speaker":
            value = Actor.objects.get(pk=value) if value else None
        elif name == "statement":
            value = Statement.objects.get(pk=value) if value else None
        changes[name] = value
    return changes


def _initial(values: dict[str, Any], version: int) -> dict[str, Any]:
    speaker = Actor.objects.filter(pk=values["speaker"]).first() if values["speaker"] else None
    return {**values, "speaker": speaker.name if speaker else "", "version": version}


def _allowed_fields(user: Any) -> list[str]:
    allowed = []
    if user.has_perm("claims.change_claim"):
        allowed += CONTENT_FIELDS
    if user.has_perm("claims.change_claim_status"):
        allowed.append("status")
    return allowed


def _labels(values: dict[str, Any]) -> dict[str, str]:
    speaker = Actor.objects.filter(pk=values["speaker"]).first() if values["speaker"] else None
    statement = Statement.objects.filter(pk=values["statement"]).first() if values["statement"] else None
    said_on: date | None = values["said_on"]
    return {
        "mode": Claim.Mode(values["mode"]).label if values["mode"] in Claim.Mode.values else values["mode"],
        "speaker": speaker.name if speaker else "— (no speaker)",
        "said_on": said_on.isoformat() if said_on else "—",
        "statement": str(statement) if statement else "—",
        "status": Claim.Status(values["status"]).label if values["status"] in Claim.Status.values else values["status"],
    }


@dataclass
class ConflictRow:
    name: str
    opened: str
    now: str
    yours: str
    changed_since: bool
    you_changed: bool


def conflict_rows(claim_pk: int, base: dict[str, Any] | None, current: dict[str, Any], mine: dict[str, Any]):
    base = base or current
    opened, now, yours = _labels(base), _labels(current), _labels(mine)
    return [
        ConflictRow(
            name=name.replace("_", " "),
            opened=opened[name],
            now=now[name],
            yours=yours[name],
            changed_since=base[name] != current[name],
            you_changed=mine[name] != base[name],
        )
        for name in EDIT_FIELDS
    ]


def snapshot(claim: Claim, version: int) -> dict[str, Any] | None:
    """The claim's edited fields as they were at ``version`` (from its history)."""
    event = claim_event_model().objects.filter(pgh_obj_id=claim.pk, version=version).order_by("-pgh_id").first()
    return _values_of(event) if event else None


def changed_by_since(claim: Claim, version: int) -> list[dict[str, Any]]:
    """Who saved the claim after ``version``, and when."""
    events = list(
        claim_event_model()
        .objects.filter(pgh_obj_id=claim.pk, version__gt=version)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    ids = {e.pgh_context.metadata.get("user") for e in events if e.pgh_context_id}
    users = {u.pk: u.get_username() for u in get_user_model().objects.filter(pk__in=[i for i in ids if i])}
    return [
        {
            "version": e.version,
            "when": e.pgh_created_at,
            "user": users.get(e.pgh_context.metadata.get("user"), "the system") if e.pgh_context_id else "the system",
        }
        for e in events
    ]


def _edit_page(request: HttpRequest, claim: Claim, form: ClaimEditForm, status: int = 200, **extra: Any):
    return render(request, "claims/claim_edit.html", {"claim": claim, "form": form, **extra}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a claim's speaker, mode, date, statement and status, refusing stale saves."""
    allowed = _allowed_fields(request.user)
    if not allowed:
        raise PermissionDenied
    claim = get_object_or_404(Claim.objects.select_related("speaker", "story__outlet"), pk=pk)
    perms = {"can_edit": "mode" in allowed, "can_change_status": "status" in allowed}
    if claim.is_withdrawn:
        messages.error(request, "This claim was withdrawn; it can no longer be edited.")
        return redirect(claim)
    if request.method == "GET":
        form = ClaimEditForm(initial=ClaimEditForm.initial_for(claim), auto_id="edit_%s", **perms)
        return _edit_page(request, claim, form)

    form = ClaimEditForm(request.POST, initial=ClaimEditForm.initial_for(claim), auto_id="edit_%s", **perms)
    if not form.is_valid():
        return _edit_page(request, claim, form, status=422)
    expected = form.cleaned_data["version"]
    mine = _values_from_form(form.cleaned_data)
    current = _values_of(claim)
    resolve = request.POST.get("resolve", "")

    if resolve == "merge":
        # Re-open the form: the current claim with this editor's own changes applied over it.
        base = snapshot(claim, expected) or current
        merged = dict(current)
        both = []
        for name in allowed:
            if mine[name] != base[name]:
                merged[name] = mine[name]
                if current[name] != base[name] and current[name] != mine[name]:
                    both.append(name.replace("_", " "))
        merged_form = ClaimEditForm(initial=_initial(merged, claim.version), auto_id="edit_%s", **perms)
        return _edit_page(request, claim, merged_form, merged=True, both_changed=both)

    if resolve == "overwrite":
        try:
            expected = int(request.POST.get("current_version", ""))
        except ValueError:
            return HttpResponse("Overwriting needs the version you were shown.", status=400)

    changes = [name for name in allowed if mine[name] != current[name]]
    if not changes and expected == claim.version:
        messages.info(request, "Nothing changed.")
        return redirect(claim)
    try:
        services.claim_update(claim=claim, expected_version=expected, author=request.user, **_as_changes(mine, changes))
    except EditConflict as conflict:
        fresh = conflict.current
        if fresh is None:
            return HttpResponse("This claim no longer exists.", status=410)
        fresh_values = _values_of(fresh)
        return _edit_page(
            request,
            fresh,
            form,
            status=409,
            conflict=conflict,
            current_version=fresh.version,
            rows=conflict_rows(claim.pk, snapshot(fresh, expected), fresh_values, mine),
            changed_by=changed_by_since(fresh, expected),
        )
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _edit_page(request, claim, form, status=422)
    messages.success(request, "Claim saved.")
    return redirect(claim)


@require_POST
@login_required
@permission_required(["claims.change_claim", "claims.change_claim_status"], raise_exception=True)
def claim_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Put back the edited fields of an earlier version, through claim_update (versioned, recorded)."""
    claim = get_object_or_404(Claim, pk=pk)
    form = RestoreForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Say which version to restore, and the version you saw.", status=400)
    event = claim_event_model().objects.filter(pgh_obj_id=claim.pk, pgh_id=form.cleaned_data["event"]).first()
    if event is None:
        return HttpResponse("That version is not in this claim's history.", status=404)
    if claim.is_withdrawn:
        messages.error(request, "This claim was withdrawn; it can no longer be edited.")
        return redirect(claim)
    old, current = _values_of(event), _values_of(claim)
    changes = [name for name in EDIT_FIELDS if old[name] != current[name]]
    if not changes:
        messages.info(request, f"Version {event.version} has the same values as now: nothing to restore.")
        return redirect(claim)
    try:
        services.claim_update(
            claim=claim,
            expected_version=form.cleaned_data["version"],
            author=request.user,
            **_as_changes(old, changes),
        )
    except EditConflict as conflict:
        messages.error(request, f"{conflict.message} Nothing was restored: look at the history again.")
        return redirect(claim)
    except DomainError as error:
        messages.error(request, f"Version {event.version} cannot be restored: {error.message}")
        return redirect(claim)
    messages.success(request, f"Restored {', '.join(changes)} from version {event.version}.")
    return redirect(claim)


@require_POST
@login_required
@permission_required("claims.publish_claim", raise_exception=True)
def claim_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    return publish_toggle(
        request,
        claim,
        partial(services.claim_publish, claim=claim),
        published="Claim published.",
        unpublished="Claim unpublished.",
    )


@require_POST
@login_required
@permission_required("claims.publish_claim", raise_exception=True)
def claim_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    form = ClaimWithdrawForm(request.POST, auto_id="withdraw_%s")
    if form.is_valid():
        try:
            services.claim_withdraw(
                claim=claim,
                expected_version=form.cleaned_data["version"],
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except EditConflict as conflict:
            messages.error(request, f"{conflict.message} The claim was not withdrawn: look again and retry.")
            return redirect(claim)
        except DomainError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
    if not form.is_valid():
        context = detail_context(request, claim_for_page(pk))
        context["withdraw_form"] = form
        return render(request, "claims/claim_detail.html", context, status=422)
    messages.success(request, "Claim withdrawn. It stays in the record, hidden from partners.")
    return redirect(claim)


# --- Notes on claims and disputes ------------------------------------------------------------


def _note_owner_url(note: Annotation) -> str:
    owner = note.claim if note.claim_id else note.dispute
    return f"{owner.get_absolute_url()}#note-{note.pk}"


def _note_context(request: HttpRequest, note: Annotation) -> dict[str, Any]:
    note.html = render_markdown(note.body)
    return {"note": note, "can_edit_notes": request.user.has_perm("claims.change_annotation")}


@require_POST
@login_required
@permission_required("claims.add_annotation", raise_exception=True)
def claim_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    form = AnnotationForm(request.POST, auto_id="note_%s")
    if form.is_valid():
        try:
            services.annotation_add(
                author=request.user, body=form.cleaned_data["body"], is_public=form.is_public, claim=claim
            )
        except DomainError as error:
            form.add_error("body" if error.field == "body" else None, error.message)
    ok = form.is_valid()
    if not request.htmx:
        if ok:
            messages.success(request, "Note added.")
            return redirect(f"{claim.get_absolute_url()}#notes")
        context = detail_context(request, claim_for_page(pk), note_form=form)
        return render(request, "claims/claim_detail.html", context, status=422)
    context = {
        "notes": claim_notes(request, claim, last=True),
        "note_form": AnnotationForm(auto_id="note_%s") if ok else form,
        "note_add_url": request.path,
        "can_annotate": True,
        "can_edit_notes": request.user.has_perm("claims.change_annotation"),
    }
    return render(request, "claims/_notes.html", context, status=200 if ok else 422)


@require_GET
@login_required
@permission_required("claims.view_annotation", raise_exception=True)
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Annotation.objects.select_related("author", "claim", "dispute"), pk=pk)
    if not request.htmx:
        return redirect(_note_owner_url(note))
    return render(request, "claims/_note.html", _note_context(request, note))


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("claims.change_annotation", raise_exception=True)
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a note in place (htmx) or on its own small page; a stale save shows both texts."""
    note = get_object_or_404(Annotation.objects.select_related("author", "claim", "dispute"), pk=pk)
    template = "claims/_note_form.html" if request.htmx else "claims/note_edit.html"
    if request.method == "GET":
        form = AnnotationForm(
            initial={
                "body": note.body,
                "visibility": "public" if note.is_public else "internal",
                "version": note.version,
            },
            auto_id=f"note{note.pk}_%s",
        )
        return render(request, template, {"note": note, "form": form})
    form = AnnotationForm(request.POST, auto_id=f"note{note.pk}_%s")
    if not form.is_valid() or form.cleaned_data.get("version") is None:
        if form.is_valid():
            form.add_error(None, "The form is missing the version you opened.")
        return render(request, template, {"note": note, "form": form}, status=422)
    expected = form.cleaned_data["version"]
    if request.POST.get("resolve") == "overwrite":
        try:
            expected = int(request.POST.get("current_version", ""))
        except ValueError:
            return HttpResponse("Overwriting needs the version you were shown.", status=400)
    try:
        services.annotation_update(
            annotation=note, expected_version=expected, body=form.cleaned_data["body"], is_public=form.is_public
        )
    except EditConflict as conflict:
        current = conflict.current
        if current is None:
            return HttpResponse("This note no longer exists.", status=410)
        current.html = render_markdown(current.body)
        return render(
            request,
            template,
            {"note": note, "form": form, "conflict": conflict, "current": current},
            status=409,
        )
    except DomainError as error:
        form.add_error("body" if error.field == "body" else None, error.message)
        return render(request, template, {"note": note, "form": form}, status=422)
    if not request.htmx:
        messages.success(request, "Note saved.")
        return redirect(_note_owner_url(note))
    return render(request, "claims/_note.html", _note_context(request, note))


urlpatterns = [
    path("claims/<int:pk>/", claim_detail, name="claim_detail"),
    path("claims/<int:pk>/edit/", claim_edit, name="claim_edit"),
    path("claims/<int:pk>/restore/", claim_restore, name="claim_restore"),
    path("claims/<int:pk>/publish/", claim_publish_view, name="claim_publish"),
    path("claims/<int:pk>/withdraw/", claim_withdraw_view, name="claim_withdraw"),
    path("claims/<int:pk>/notes/", claim_note_add, name="claim_note_add"),
    path("notes/<int:pk>/", note_detail, name="note_detail"),
    path("notes/<int:pk>/edit/", note_edit, name="note_edit"),
]
