"""Notes (annotations) on claims and disputes: the thread on each page, adding, editing in place.

One implementation for both owners. The claim and dispute pages show the thread with
``notes_context`` and route their "add a note" URL to ``note_add`` (see claim_pages and disputes),
telling it how to show their whole page again when a note without JavaScript is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from claims import services
from claims.forms import AnnotationForm
from claims.models import Annotation, Claim, Dispute
from claims.views.common import paginate, posted_number
from core.errors import DomainError
from core.markdown import render_markdown
from core.versioning import EditConflict

NOTES_PER_PAGE = 20


def _owner_field(owner: Claim | Dispute) -> str:
    return "claim" if isinstance(owner, Claim) else "dispute"


def notes_page(request: HttpRequest, owner: Claim | Dispute, *, last: bool = False) -> Page:
    """A page of the notes on ``owner``, oldest first, each rendered from markdown. ``last``: the
    last page (where a note just added is), without page links."""
    notes = (
        Annotation.objects.active()
        .filter(**{_owner_field(owner): owner})
        .select_related("author")
        .order_by("created_at", "id")
    )
    if last:
        page = Paginator(notes, NOTES_PER_PAGE).get_page(-1)
        page.previous_url = page.next_url = None
    else:
        page = paginate(request, notes, per_page=NOTES_PER_PAGE, param="notes_page")
    for note in page:
        note.html = render_markdown(note.body)
    return page


def notes_context(
    request: HttpRequest,
    owner: Claim | Dispute,
    add_url: str,
    *,
    form: AnnotationForm | None = None,
    last: bool = False,
) -> dict[str, Any]:
    """What templates/claims/_notes.html needs: the thread, the form, and what the user may do."""
    return {
        "notes": notes_page(request, owner, last=last),
        "note_form": form or AnnotationForm(auto_id="note_%s"),
        "note_add_url": add_url,
        "can_annotate": request.user.has_perm("claims.add_annotation"),
        "can_edit_notes": request.user.has_perm("claims.change_annotation"),
    }


def note_add(
    request: HttpRequest, owner: Claim | Dispute, *, whole_page: Callable[[AnnotationForm], HttpResponse]
) -> HttpResponse:
    """Add a note to ``owner``'s thread (the caller checks claims.add_annotation). htmx gets the
    thread again (its last page, where the new note is); a plain post a redirect, or, refused,
    ``whole_page(form)`` with the form's errors."""
    form = AnnotationForm(request.POST, auto_id="note_%s")
    if form.is_valid():
        try:
            services.annotation_add(
                author=request.user,
                body=form.cleaned_data["body"],
                is_public=form.is_public,
                **{_owner_field(owner): owner},
            )
        except DomainError as error:
            form.add_error("body" if error.field == "body" else None, error.message)
    ok = form.is_valid()
    if not request.htmx:
        if not ok:
            return whole_page(form)
        messages.success(request, "Note added.")
        return redirect(f"{owner.get_absolute_url()}#notes")
    context = notes_context(request, owner, request.path, form=None if ok else form, last=True)
    return render(request, "claims/_notes.html", context, status=200 if ok else 422)


def _owner_url(note: Annotation) -> str:
    owner = note.claim if note.claim_id else note.dispute
    return f"{owner.get_absolute_url()}#note-{note.pk}"


def _note_context(request: HttpRequest, note: Annotation) -> dict[str, Any]:
    note.html = render_markdown(note.body)
    return {"note": note, "can_edit_notes": request.user.has_perm("claims.change_annotation")}


@require_GET
@login_required
@permission_required("claims.view_annotation", raise_exception=True)
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Annotation.objects.select_related("author", "claim", "dispute"), pk=pk)
    if not request.htmx:
        return redirect(_owner_url(note))
    return render(request, "claims/_note.html", _note_context(request, note))


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("claims.change_annotation", raise_exception=True)
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a note in place (htmx) or on its own small page; a stale save shows both texts."""
    note = get_object_or_404(Annotation.objects.select_related("author", "claim", "dispute"), pk=pk)
    template = "claims/_note_form.html" if request.htmx else "claims/note_edit.html"

    def form_again(form: AnnotationForm, status: int, **extra: Any) -> HttpResponse:
        return render(request, template, {"note": note, "form": form, **extra}, status=status)

    if request.method == "GET":
        initial = {"body": note.body, "visibility": "public" if note.is_public else "internal", "version": note.version}
        return form_again(AnnotationForm(initial=initial, auto_id=f"note{note.pk}_%s"), 200)
    form = AnnotationForm(request.POST, auto_id=f"note{note.pk}_%s")
    if form.is_valid() and form.cleaned_data.get("version") is None:
        form.add_error(None, "The form is missing the version you opened.")
    expected = form.cleaned_data.get("version") if form.is_valid() else None
    if expected is not None and request.POST.get("resolve") == "overwrite":
        expected = posted_number(request, "current_version")
        if expected is None:
            form.add_error(None, "Overwriting needs the version you were shown.")
    if not form.is_valid():
        return form_again(form, 422)
    try:
        services.annotation_update(
            annotation=note, expected_version=expected, body=form.cleaned_data["body"], is_public=form.is_public
        )
    except EditConflict as conflict:
        current = conflict.current
        if current is None:
            return HttpResponse("This note no longer exists.", status=410)
        current.html = render_markdown(current.body)
        return form_again(form, 409, conflict=conflict, current=current)
    except DomainError as error:
        form.add_error("body" if error.field == "body" else None, error.message)
        return form_again(form, 422)
    if not request.htmx:
        messages.success(request, "Note saved.")
        return redirect(_owner_url(note))
    return render(request, "claims/_note.html", _note_context(request, note))


urlpatterns = [
    path("notes/<int:pk>/", note_detail, name="note_detail"),
    path("notes/<int:pk>/edit/", note_edit, name="note_edit"),
]
