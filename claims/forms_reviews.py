"""The fact-checker's forms for drafting or changing a review, and the second person's answers."""

from __future__ import annotations

from django import forms

from claims.ratings import Rating
from claims.reviewing import MAX_RETURN_COMMENT

VERSION_FIELD = {"widget": forms.HiddenInput, "min_value": 1, "max_value": 2**31 - 1}


class ReviewForm(forms.Form):
    # No rating is preselected: the fact-checker must choose one (a default would be a verdict
    # nobody gave).
    rating = forms.ChoiceField(
        choices=[("", "Choose a rating…"), *Rating.choices],
        help_text="See “How we rate” for what each rating means.",
        error_messages={"required": "Choose a rating: there is no default."},
    )
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
    version = forms.IntegerField(required=False, **VERSION_FIELD)

    def links(self) -> list[str]:
        return self.cleaned_data["evidence"].splitlines()


class SendBackForm(forms.Form):
    """Return a draft to its reviewer, saying what should change."""

    comment = forms.CharField(
        label="Comment for the reviewer",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_RETURN_COMMENT,
        help_text="What should change before you can approve it. The reviewer sees it on their draft.",
        error_messages={"required": "Say what should change: the comment is empty."},
    )
    version = forms.IntegerField(**VERSION_FIELD)


class ApproveForm(forms.Form):
    """The confirm step before approving. The review page's button leads to the confirm page, whose
    form carries ``confirm``; a post without it (from anywhere else) publishes nothing and shows the
    confirm page instead."""

    confirm = forms.BooleanField(
        widget=forms.HiddenInput,
        initial=True,
        error_messages={"required": "Confirm below to approve and publish this verdict."},
    )
    version = forms.IntegerField(**VERSION_FIELD)
