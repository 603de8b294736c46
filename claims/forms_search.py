"""The search page's form: the search box and its filters."""

from __future__ import annotations

from django import forms

from claims.forms import FastSelect
from claims.forms_inbox import DateRangeForm
from claims.models import Actor, Claim, Dispute, Side
from claims.search import RESULT_KINDS, SearchFilters
from core.numbers import whole_number
from sources.models import Outlet


class SearchForm(DateRangeForm):
    """The search box and its filters. Django's fields refuse NUL bytes, unknown ids and bad dates."""

    q = forms.CharField(label="Search", required=False, max_length=300, strip=True)
    kind = forms.ChoiceField(label="Show", required=False, choices=[("", "Everything"), *RESULT_KINDS.items()])
    side = forms.ModelChoiceField(
        label="Side", required=False, queryset=Side.objects.all(), empty_label="Any side", widget=FastSelect
    )
    speaker = forms.ModelChoiceField(
        label="Speaker", required=False, queryset=Actor.objects.active(), empty_label="Any speaker"
    )
    outlet = forms.ModelChoiceField(
        label="Outlet", required=False, queryset=Outlet.objects.all(), empty_label="Any outlet", widget=FastSelect
    )
    dispute_kind = forms.ChoiceField(
        label="Dispute kind", required=False, choices=[("", "Any kind"), *Dispute.Kind.choices]
    )
    status = forms.ChoiceField(
        label="Claim status", required=False, choices=[("", "Any status"), *Claim.Status.choices]
    )

    field_order = ["q", "kind", "side", "speaker", "outlet", "dispute_kind", "status", "date_from", "date_to"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Any active actor is accepted, but only the chosen one is rendered: the archive's actors
        # are too many for a <select>. A speaker is chosen from an actor's result ("their claims").
        chosen = self.data.get("speaker") if self.is_bound else None
        options = [("", "Any speaker")]
        pk = whole_number(str(chosen) if chosen else None, digits=18)
        if pk is not None:
            actor = Actor.objects.filter(pk=pk).only("name").first()
            if actor is not None:
                options.append((str(actor.pk), actor.name))
        self.fields["speaker"].widget.choices = options
        # every side and outlet is offered: their ids and names only, not whole rows made into models
        for name, model in (("side", Side), ("outlet", Outlet)):
            field = self.fields[name]
            field.widget.choices = [("", field.empty_label), *model.objects.values_list("pk", "name")]

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            q=data["q"],
            kind=data["kind"],
            side=data["side"],
            speaker=data["speaker"],
            outlet=data["outlet"],
            dispute_kind=data["dispute_kind"],
            status=data["status"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
