"""Story import from the browser, and a story's revisions (wire updates) with re-anchoring."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from claims.diffing import word_diff
from claims.models import Claim
from claims.reanchoring import attention_items, claim_anchor_confirm, claim_reanchor
from sources.errors import DomainError
from sources.importers import StoryMeta, import_story_file, parse_published
from sources.models import Outlet, Story, StoryRevision
from sources.services import ImportResult
from sources.versioning import EditConflict

UPLOAD_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml")


class StoryImportForm(forms.Form):
    """A story's text (pasted, or a file) and its metadata, checked as the import command checks them."""

    outlet = forms.ModelChoiceField(queryset=Outlet.objects.all(), empty_label="Choose the outlet…")
    headline = forms.CharField(
        max_length=500, required=False, help_text="Required unless the file is HTML with a <title>."
    )
    url = forms.URLField(label="URL", max_length=1000, required=False, assume_scheme="https")
    published = forms.CharField(
        label="Published",
        max_length=10,
        required=False,
        help_text="YYYY-MM-DD, or YYYY-MM / YYYY when that is all that is known.",
    )
    byline = forms.CharField(max_length=300, required=False)
    dateline = forms.CharField(max_length=200, required=False, help_text="Place the story was filed from.")
    language = forms.CharField(max_length=10, required=False, initial="en")
    translated_from = forms.CharField(
        max_length=10, required=False, help_text="Language of the original, for a translation."
    )
    machine_translated = forms.BooleanField(required=False)
    text = forms.CharField(
        label="Paste the text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Kept exactly as pasted.",
    )
    file = forms.FileField(label="…or upload a file", required=False, help_text="Plain text (UTF-8) or HTML.")

    def clean(self) -> dict:
        data = super().clean()
        text, upload = data.get("text") or "", data.get("file")
        if upload and text.strip():
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if not upload and not text.strip():
            raise forms.ValidationError("Paste the story's text or choose a file to upload.")
        if upload and not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            self.add_error("file", f"{upload.name} is not a text or HTML file ({', '.join(UPLOAD_SUFFIXES)}).")
        if upload and upload.size > settings.STORY_MAX_BYTES:
            self.add_error(
                "file", f"{upload.name} is {upload.size:,} bytes, over the limit of {settings.STORY_MAX_BYTES:,}."
            )
        published = data.get("published")
        if published:
            try:
                data["published_on"], data["published_precision"] = parse_published(published, source="The date")
            except DomainError as error:
                self.add_error("published", error.message)
        return data

    def meta(self) -> StoryMeta:
        data = self.cleaned_data
        return StoryMeta(
            outlet=data["outlet"].key,
            headline=data["headline"] or None,
            url=data["url"] or None,
            published=data.get("published_on"),
            published_precision=data.get("published_precision"),
            byline=data["byline"] or None,
            dateline=data["dateline"] or None,
            language=data["language"] or None,
            translated_from=data["translated_from"] or None,
            machine_translated=data["machine_translated"],
        )

    def payload(self) -> tuple[str, bytes]:
        upload: UploadedFile | None = self.cleaned_data.get("file")
        if upload is not None:
            return upload.name, upload.read()
        return "pasted text", self.cleaned_data["text"].encode("utf-8")


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
            reverse("sources:story_revisions", args=[story.pk]),
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
        status = 400
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


@require_GET
@login_required
@permission_required("sources.view_story", raise_exception=True)
def story_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    """A story's revisions, the word diff of one against the one before, and the claims that need an
    editor's decision after a wire update."""
    return _revisions_page(request, pk)


def _revisions_page(request: HttpRequest, pk: int, status: int = 200) -> HttpResponse:
    story = get_object_or_404(Story.objects.select_related("outlet", "current_revision"), pk=pk)
    revisions = list(
        StoryRevision.objects.filter(story=story)
        .select_related("created_by")
        .annotate(claim_count=Count("claims"))
        .order_by("-number")
        .defer("raw_html")
    )
    by_number = {r.number: r for r in revisions}
    raw = request.GET.get("rev", "")
    chosen = by_number.get(int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    chosen = chosen or story.current_revision
    previous = by_number.get(chosen.number - 1) if chosen else None
    diff = word_diff(previous.body, chosen.body) if previous and chosen else []
    flagged = list(
        Claim.objects.filter(story=story, needs_reanchoring=True)
        .select_related("revision", "speaker")
        .order_by("start", "pk")
    )
    current = story.current_revision
    items = attention_items(flagged, current) if current and flagged else []
    context = {
        "story": story,
        "revisions": revisions,
        "chosen": chosen,
        "previous": previous,
        "diff": diff,
        "changed": any(part.op != "same" for part in diff),
        "items": items,
        "can_reanchor": request.user.has_perm("claims.change_claim"),
    }
    return render(request, "sources/story_revisions.html", context, status=status)


def _flagged_claim(story_pk: int, claim_pk: int) -> Claim:
    return get_object_or_404(Claim.objects.select_related("story__current_revision"), pk=claim_pk, story_id=story_pk)


def _version(request: HttpRequest) -> int:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0


@require_POST
@login_required
@permission_required("claims.change_claim", raise_exception=True)
def claim_reanchor_view(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    """Anchor a flagged claim to the words the editor chose in the current text."""
    claim = _flagged_claim(pk, claim_pk)
    quote = request.POST.get("quote", "")
    raw_hint = request.POST.get("start", "")
    hint = int(raw_hint) if raw_hint.isascii() and raw_hint.isdigit() and len(raw_hint) < 10 else None
    target = reverse("sources:story_revisions", args=[pk])
    try:
        claim_reanchor(claim=claim, expected_version=_version(request), quote=quote, start_hint=hint)
    except EditConflict as conflict:
        messages.error(request, f"{conflict.message} Nothing was changed; look again.")
        return _revisions_page(request, pk, 409)
    except DomainError as error:
        messages.error(request, f"Claim {claim.pk} was not re-anchored: {error.message}")
        return _revisions_page(request, pk, 400)
    messages.success(request, f"Claim {claim.pk} is anchored to the new text.")
    return redirect(target)


@require_POST
@login_required
@permission_required("claims.change_claim", raise_exception=True)
def claim_keep_anchor_view(request: HttpRequest, pk: int, claim_pk: int) -> HttpResponse:
    """Confirm a flagged claim stands on the old revision's words."""
    claim = _flagged_claim(pk, claim_pk)
    target = reverse("sources:story_revisions", args=[pk])
    try:
        claim_anchor_confirm(claim=claim, expected_version=_version(request))
    except EditConflict as conflict:
        messages.error(request, f"{conflict.message} Nothing was changed; look again.")
        return _revisions_page(request, pk, 409)
    except DomainError as error:
        messages.error(request, error.message)
        return _revisions_page(request, pk, 400)
    messages.success(request, f"Claim {claim.pk} stays on revision {claim.revision.number}'s words.")
    return redirect(target)


urlpatterns = [
    path("stories/import/", story_import_view, name="story_import"),
    path("stories/<int:pk>/revisions/", story_revisions, name="story_revisions"),
    path("stories/<int:pk>/revisions/claims/<int:claim_pk>/reanchor/", claim_reanchor_view, name="claim_reanchor"),
    path("stories/<int:pk>/revisions/claims/<int:claim_pk>/keep/", claim_keep_anchor_view, name="claim_keep_anchor"),
]
