"""Story import from the browser: paste or upload a story with its metadata."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from claims.models import Claim
from core.errors import DomainError
from sources.forms import OutletForm, StoryImportForm
from sources.importers import MissingMetadata, import_story_file
from sources.kept_uploads import upload_forget, upload_keep, upload_kept
from sources.services import ImportResult, PossibleDuplicate, outlet_create


def _outcome_message(result: ImportResult) -> tuple[str, str]:
    """What to tell the editor, and where to send them."""
    story = result.story
    reader = story.get_absolute_url()
    if result.outcome == "unchanged":
        return (
            f"Nothing imported: this text is already “{story.headline}” (revision {result.revision.number}).",
            reader,
        )
    if result.outcome == "new revision":
        flagged = Claim.objects.filter(story=story, needs_reanchoring=True).count()
        moved = Claim.objects.filter(story=story, revision=result.revision).count()
        note = f"{moved} claim{'s' if moved != 1 else ''} re-anchored in the new text"
        if flagged:
            note += f"; {flagged} need{'s' if flagged == 1 else ''} an editor's decision"
        return (
            f"New revision {result.revision.number} of “{story.headline}”: {note}.",
            reverse("claims:story_revisions", args=[story.pk]),
        )
    message = f"Imported “{story.headline}”."
    if result.republication_of:
        originals = ", ".join(str(s.outlet) for s in result.republication_of)
        message += f" The same text was already published by {originals}: recorded as republication."
    return message, reader


# The importer's messages for what is missing speak to the command line; here, to an editor.
EDITOR_WORDS = {
    "headline": "Give the story a headline.",
    "outlet": "Choose the outlet that published the story.",
}


def _refused(form: StoryImportForm, name: str, error: DomainError) -> None:
    """Put the importer's refusal on the form, next to the field at fault, in the editor's words."""
    field = error.field if error.field in form.fields else None
    if isinstance(error, MissingMetadata) and error.field in EDITOR_WORDS:
        form.add_error(field, EDITOR_WORDS[error.field])
    else:
        form.add_error(field, error.message.removeprefix(f"{name}: ") if field else error.message)


def _keep_upload(request: HttpRequest, form: StoryImportForm) -> None:
    """When the page is shown again, keep a newly chosen file (unless the file itself was refused),
    so it need not be chosen again."""
    if "file" in form.errors:
        form.kept = None
        return
    chosen = form.new_upload()
    if chosen is not None:
        name, data = chosen
        form.kept = upload_keep(user_id=request.user.pk, name=name, data=data)


def _render(
    request: HttpRequest, form: StoryImportForm, outlet_form: OutletForm | None, *, status: int, notice: str = ""
) -> HttpResponse:
    """The import page (the form alone for htmx), the kept file's token in a hidden field."""
    template = "sources/story_import.html#import-form" if request.htmx else "sources/story_import.html"
    context = {"form": form, "outlet_form": outlet_form, "notice": notice, "max_bytes": settings.STORY_MAX_BYTES}
    return render(request, template, context, status=status)


def _add_outlet(request: HttpRequest, form: StoryImportForm, outlet_form: OutletForm | None) -> HttpResponse:
    """Add the outlet named in the page's "not listed?" fields, then show the page again with it
    chosen and everything else as it was (the file kept)."""
    if outlet_form is None:
        raise PermissionDenied
    _keep_upload(request, form)
    if outlet_form.is_valid():
        data = outlet_form.cleaned_data
        try:
            outlet = outlet_create(
                name=data["name"],
                kind=data["kind"],
                country=data["country"],
                state_affiliated=data["state_affiliated"],
                homepage=data["homepage"],
                not_a_duplicate=data["not_a_duplicate"],
                author=request.user,
            )
        except PossibleDuplicate as error:
            outlet_form.add_error("name", error.message)
            outlet_form.matches = error.matches
        except DomainError as error:
            outlet_form.add_error(error.field if error.field in outlet_form.fields else None, error.message)
        else:
            # the import form again, unbound (no errors for what is not filled in yet), as typed
            again = StoryImportForm(initial={**request.POST.dict(), "outlet": outlet.pk}, kept=form.kept)
            notice = f"Added the outlet {outlet.name}; it is chosen above."
            return _render(request, again, OutletForm(prefix="new_outlet"), status=200, notice=notice)
    again = StoryImportForm(initial=request.POST.dict(), kept=form.kept)
    return _render(request, again, outlet_form, status=422)


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("sources.add_story", raise_exception=True)
def story_import_view(request: HttpRequest) -> HttpResponse:
    """Paste or upload a story with its metadata. Bad input shows the whole page again, as typed,
    with the chosen file kept; nothing is written. An outlet not listed can be added in place."""
    posted = request.method == "POST"
    kept = upload_kept(user_id=request.user.pk, token=request.POST.get("upload_token")) if posted else None
    form = StoryImportForm(request.POST or None, request.FILES or None, kept=kept)
    can_add_outlet = request.user.has_perm("sources.add_outlet")
    outlet_form = OutletForm(request.POST or None, prefix="new_outlet") if can_add_outlet else None
    if not posted:
        return _render(request, form, outlet_form, status=200)
    if request.POST.get("action") == "add_outlet":
        return _add_outlet(request, form, outlet_form)
    if form.is_valid():
        name, data = form.payload()
        try:
            result = import_story_file(name=name, data=data, meta=form.meta(), author=request.user)
        except DomainError as error:
            _refused(form, name, error)
        else:
            if form.kept is not None:
                upload_forget(form.kept.token)
            message, target = _outcome_message(result)
            (messages.info if result.outcome == "unchanged" else messages.success)(request, message)
            if request.htmx:
                return HttpResponseClientRedirect(target)
            return redirect(target)
    _keep_upload(request, form)
    return _render(request, form, outlet_form, status=422)


urlpatterns = [
    path("stories/import/", story_import_view, name="story_import"),
]
