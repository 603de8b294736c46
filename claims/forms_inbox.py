"""The inbox's filter forms: the stories list (/stories/) and the disputes list (/disputes/)."""

from __future__ import annotations

from django import forms

from claims.models import Dispute
from sources.models import Outlet

YES_NO = [("", "Either"), ("yes", "Yes"), ("no", "No")]


class DateRangeForm(forms.Form):
    """A from/to pair of dates. Django's DateField refuses bad dates; an inverted range is refused here."""

    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The date range ends before it starts.")
        return data


class StoryFilterForm(DateRangeForm):
    """Which stories the inbox lists."""

    q = forms.CharField(label="Headline", required=False, max_length=300, strip=True)
    outlet = forms.ModelChoiceField(
        label="Outlet", required=False, queryset=Outlet.objects.order_by("name"), empty_label="Any outlet"
    )
    language = forms.CharField(label="Language", required=False, max_length=10, help_text="A code such as en, fr, ru.")
    suggestions = forms.BooleanField(label="Has suggestions waiting", required=False)
    flagged = forms.BooleanField(label="Has flagged claims", required=False)

    field_order = ["q", "outlet", "date_from", "date_to", "language", "suggestions", "flagged"]

    def clean_language(self) -> str:
        return self.cleaned_data["language"].strip().lower()


class DisputeFilterForm(forms.Form):
    """Which disputes the dispute list shows."""

    q = forms.CharField(label="Title", required=False, max_length=300, strip=True)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[("", "Any kind"), *Dispute.Kind.choices])
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *Dispute.Status.choices])
    published = forms.ChoiceField(label="Published", required=False, choices=YES_NO)
