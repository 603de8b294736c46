"""Story import from the browser: paste or upload a story with its metadata."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from claims.models import Claim
from core.errors import DomainError
from sources.forms import StoryImportForm
from sources.importers import import_story_file
from sources.services import ImportResult


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


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("sources.add_story", raise_exception=True)
def story_import_view(request: HttpRequest) -> HttpResponse:
    """Paste or upload a story with its metadata. Bad input re-shows the form; nothing is written."""
    form = StoryImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            name, data = form.payload()
            try:
                result = import_story_file(name=name, data=data, meta=form.meta(), author=request.user)
            except DomainError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message.removeprefix(f"{name}: ") if field else error.message)
            else:
                message, target = _outcome_message(result)
                (messages.info if result.outcome == "unchanged" else messages.success)(request, message)
                if request.htmx:
                    return HttpResponseClientRedirect(target)
                return redirect(target)
    template = "sources/story_import.html#import-form" if request.htmx else "sources/story_import.html"
    return render(request, template, {"form": form, "max_bytes": settings.STORY_MAX_BYTES}, status=status)


urlpatterns = [
    path("stories/import/", story_import_view, name="story_import"),
]
