"""The desk's form for importing a story: its text (pasted or a file) and its metadata."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from core.errors import DomainError
from sources.importers import StoryMeta, parse_published, read_story_file
from sources.kept_uploads import KeptUpload
from sources.models import Outlet

UPLOAD_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml")


class StoryImportForm(forms.Form):
    """A story's text (pasted, or a file) and its metadata, checked as the import command checks them."""

    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.all(),
        empty_label="Choose the outlet…",
        error_messages={
            "required": "Choose the outlet that published the story.",
            "invalid_choice": "That outlet is not on the desk (any more): choose another.",
        },
    )
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
    # a file chosen before the page was shown again, kept on the server (sources.kept_uploads)
    upload_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    forget_upload = forms.BooleanField(label="Do not use this file", required=False)

    def __init__(self, *args, kept: KeptUpload | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kept = kept

    def clean(self) -> dict:
        data = super().clean()
        text, upload = data.get("text") or "", data.get("file")
        if data.get("forget_upload"):
            self.kept = None
        kept = self.kept if not upload else None
        if upload and text.strip():
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if kept and text.strip():
            raise forms.ValidationError(
                f"Paste the text or use the file you chose ({kept.name}), not both: "
                "tick “Do not use this file” to import the pasted text."
            )
        if not upload and not kept and not text.strip():
            raise forms.ValidationError("Paste the story's text or choose a file to upload.")
        if upload and not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            self.add_error("file", f"{upload.name} is not a text or HTML file ({', '.join(UPLOAD_SUFFIXES)}).")
        if upload and upload.size > settings.STORY_MAX_BYTES:
            self.add_error(
                "file", f"{upload.name} is {upload.size:,} bytes, over the limit of {settings.STORY_MAX_BYTES:,}."
            )
        if not data.get("headline") and "file" not in self.errors and not self.non_field_errors():
            # an HTML file's own title is the headline when none is given; anything else needs one
            name, payload = self.payload()
            try:
                has_title = bool(read_story_file(name, payload).title)
            except DomainError:
                has_title = True  # the text itself is refused: the importer says why first
            if not has_title:
                self.add_error("headline", "Give the story a headline.")
        published = data.get("published")
        if published:
            try:
                data["published_on"], data["published_precision"] = parse_published(published)
            except DomainError:
                self.add_error(
                    "published",
                    f"“{published}” is not a date the desk can read: write it as 2020-10-21, "
                    "or as 2020-10 or 2020 when that is all that is known.",
                )
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
            upload.seek(0)
            return upload.name, upload.read()
        if self.kept is not None:
            return self.kept.name, self.kept.data
        return "pasted text", (self.cleaned_data.get("text") or "").encode("utf-8")

    def new_upload(self) -> tuple[str, bytes] | None:
        """The file chosen in this request, when it is one the desk could keep (a story file's
        name, within the size limit), whatever else is wrong with the form."""
        upload: UploadedFile | None = self.files.get(self.add_prefix("file"))
        if upload is None or upload.size > settings.STORY_MAX_BYTES:
            return None
        if not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            return None
        upload.seek(0)
        return upload.name, upload.read()


class OutletForm(forms.Form):
    """An outlet the desk does not know yet, added from the import page (``outlet_create``)."""

    name = forms.CharField(label="Name", max_length=200, required=False)
    kind = forms.ChoiceField(label="Kind", choices=Outlet.Kind.choices, initial=Outlet.Kind.OTHER)
    country = forms.CharField(label="Country", max_length=2, required=False, help_text="Two letters: AZ, AM, TR…")
    state_affiliated = forms.BooleanField(label="State or government media", required=False)
    homepage = forms.URLField(label="Web site", max_length=200, required=False, assume_scheme="https")
    not_a_duplicate = forms.BooleanField(label="It is a different outlet from those named", required=False)
