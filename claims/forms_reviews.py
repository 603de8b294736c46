"""The fact-checker's form for drafting or changing a review."""

from __future__ import annotations

from django import forms

from claims.ratings import Rating


class ReviewForm(forms.Form):
    rating = forms.ChoiceField(choices=Rating.choices, help_text="See “How we rate” for what each rating means.")
    reasoning = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20_000,
        help_text="Markdown: **bold**, *italic*, lists, > quotes and [links](https://…).",
    )
    evidence = forms.CharField(
        label="Evidence links",
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One http(s) link per line.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)

    def links(self) -> list[str]:
        return self.cleaned_data["evidence"].splitlines()
