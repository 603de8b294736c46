"""The desk's forms for the ways in: registering a feed, importing from a link."""

from __future__ import annotations

from django import forms

from ingest.services import INTERVAL_MAX, INTERVAL_MIN
from sources.models import Outlet

_OUTLET_ERRORS = {
    "required": "Choose the outlet that publishes it.",
    "invalid_choice": "That outlet is not on the desk (any more): choose another.",
}


class FeedForm(forms.Form):
    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.all(), empty_label="Choose the outlet…", error_messages=_OUTLET_ERRORS
    )
    url = forms.CharField(
        label="Feed address",
        max_length=1000,
        help_text="The RSS or Atom feed's address, starting with http:// or https://.",
        error_messages={"required": "Give the feed's address."},
    )
    interval_minutes = forms.IntegerField(
        label="Poll every (minutes)",
        initial=15,
        min_value=INTERVAL_MIN,
        max_value=INTERVAL_MAX,
        error_messages={"required": "Say how often to read the feed, in minutes."},
    )


class LinkImportForm(forms.Form):
    url = forms.CharField(
        label="Link to the story",
        max_length=1000,
        help_text="The article's address; its text is fetched, extracted and imported in the background.",
        error_messages={"required": "Paste the story's link."},
    )
    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.all(), empty_label="Choose the outlet…", error_messages=_OUTLET_ERRORS
    )
