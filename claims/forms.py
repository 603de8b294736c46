"""The desk's forms: logging a claim from a story, editing a claim, notes, withdrawal.

Forms parse and check input; the services in claims.services apply the rules and write.
The speaker is typed as text (a name or any alias, accents and case ignored) and resolved here,
so the form also works without JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse_lazy
from django.utils.safestring import mark_safe

from claims.figures import MAX_FIGURE, figure_range_error
from claims.models import Actor, ActorAlias, Claim, ClaimDispute, Dispute, Figure, Scope, Side, Statement
from claims.models.actors import find_speakers
from claims.services import CLAIM_EDITABLE_FIELDS
from core.numbers import whole_number
from core.text import fold_in_database
from sources.models import Outlet

NEW_DISPUTE = "new"
_WORDS_ONLY = re.compile(r"[\w' -]{3,}")


# --- Speakers ---------------------------------------------------------------------------------


def resolve_speaker(text: str) -> Actor:
    """The one actor ``text`` names (``Actor.objects.matching``: its name or an alias, folded), or
    a surname or part of a name only one actor's aliases have; ValidationError otherwise."""
    actors = {a.pk: a for a in Actor.objects.matching(text)}
    term = fold_in_database(text) if not actors else ""
    if term and _WORDS_ONLY.fullmatch(term):
        # A surname or part of a name ("Pashinyan"): whole words of an alias, when only one actor has them.
        pattern = r"\m" + re.escape(term).replace("\\ ", " ") + r"\M"
        actors = {
            alias.actor_id: alias.actor
            for alias in ActorAlias.objects.filter(
                normalized__regex=pattern, actor__merged_into__isnull=True
            ).select_related("actor")
        }
    if len(actors) == 1:
        return next(iter(actors.values()))
    if len(actors) > 1:
        names = ", ".join(sorted(f"{a.name} (#{a.pk})" for a in actors.values()))
        raise forms.ValidationError(f"“{text}” could be several speakers: {names}. Type the full name.")
    suggestions = find_speakers(text, limit=3)
    hint = f" Did you mean {' or '.join(m.actor.name for m in suggestions)}?" if suggestions else ""
    raise forms.ValidationError(f"No speaker called “{text}”.{hint}")


class SpeakerField(forms.CharField):
    """A speaker typed by name or alias, resolved to an Actor (or None when left empty)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"list": "speaker-options", "autocomplete": "off", "spellcheck": "false"}),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Actor):
            return value.name
        return value

    def clean(self, value: Any) -> Actor | None:
        text = super().clean(value)
        if not text:
            return None
        return resolve_speaker(text)


class StatementField(forms.ModelChoiceField):
    """A statement chosen by its number, typed or picked from suggestions as the editor types words
    of it (claims.views.stories.statement_options fills the ``statement-options`` datalist). Never
    a <select>: an archive holds tens of thousands of statements."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "The utterance this reports, when other outlets report it too: type words of it, or its number.",
        )
        attrs = {
            "list": "statement-options",
            "autocomplete": "off",
            "spellcheck": "false",
            "hx-get": reverse_lazy("claims:statement_options"),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": "#statement-options",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            "hx-include": "[name='speaker']",
        }
        super().__init__(queryset=Statement.objects.all(), widget=forms.TextInput(attrs=attrs), **kwargs)

    def to_python(self, value: Any) -> Statement | None:
        text = str(value or "").strip()
        if not text:
            return None
        pk = whole_number(text, digits=18)
        statement = Statement.objects.filter(pk=pk).first() if pk is not None else None
        if statement is None:
            raise forms.ValidationError(
                "Choose a statement from the suggestions (they appear as you type words of it), or give its number."
            )
        return statement


# --- Logging a claim --------------------------------------------------------------------------


def _attributes(attrs: dict[str, Any]) -> str:
    """``flatatt``, without its cost for the usual option: none, or only ``selected``."""
    if not attrs:
        return ""
    if attrs == {"selected": True}:
        return " selected"
    return flatatt(attrs)


class FastSelect(forms.Select):
    """A ``<select>`` written in one pass: the same HTML as Django's ``Select``, which renders two
    templates per option (about 20 µs each: 10 ms for the log form's 500 disputes, 0.5 ms here).
    For the story reader's log form, whose selects hold hundreds of options."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group, options, _ in widget["optgroups"]:
            if group:
                parts.append(f'\n  <optgroup label="{escape(str(group))}">')
            parts.extend(
                f'\n  <option value="{escape(str(option["value"]))}"{_attributes(option["attrs"])}>'
                f"{escape(str(option['label']))}</option>\n"
                for option in options
            )
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every name, value and label above is escaped)


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO 8601 whatever the locale's date format."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")


class FigureForm(forms.Form):
    """One number in the claim. A row left empty is ignored."""

    measure = forms.ChoiceField(choices=[("", "—"), *Figure.Measure.choices], required=False, widget=FastSelect)
    counted = forms.ChoiceField(
        choices=Figure.Counted.choices, initial=Figure.Counted.UNSPECIFIED, required=False, widget=FastSelect
    )
    whose = forms.ModelChoiceField(
        queryset=Side.objects.all(),
        required=False,
        empty_label="—",
        help_text="The side the counted belong to.",
        widget=FastSelect,
    )
    scope = forms.ModelChoiceField(queryset=Scope.objects.all(), required=False, empty_label="—", widget=FastSelect)
    qualifier = forms.ChoiceField(
        choices=Figure.Qualifier.choices, initial=Figure.Qualifier.EXACT, required=False, widget=FastSelect
    )
    value = forms.IntegerField(min_value=0, max_value=MAX_FIGURE, required=False)
    raw = forms.CharField(
        max_length=300, required=False, label="As written", help_text="The words as written: “some two dozen”."
    )
    as_of = forms.DateField(required=False, widget=DateInput, label="As of")
    tally = forms.ChoiceField(
        choices=Figure.Tally.choices, initial=Figure.Tally.TOTAL, required=False, widget=FastSelect
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        measure, value = data.get("measure"), data.get("value")
        if not measure and value is None and not data.get("raw"):
            data["empty"] = True
            return data
        data["empty"] = False
        if not measure:
            self.add_error("measure", "Say what the figure counts.")
        if value is None:
            self.add_error("value", "Give the number.")
        data["counted"] = data.get("counted") or Figure.Counted.UNSPECIFIED
        data["qualifier"] = data.get("qualifier") or Figure.Qualifier.EXACT
        if value is not None and (error := figure_range_error(data["qualifier"], value)):
            self.add_error("value", error)  # "more than 2,147,483,647": its lower bound is one more
        data["tally"] = data.get("tally") or Figure.Tally.TOTAL
        return data


# Figures one claim can carry from the log form: every figure the assistant reads in a long sentence
# (a roundup of tolls by village can hold a dozen or more), with room to add more.
MAX_FIGURES = 40
FigureFormSet = forms.formset_factory(FigureForm, extra=1, max_num=MAX_FIGURES, validate_max=True)


def dispute_choices(suggested: list[Dispute], others: list[Dispute]) -> list[Any]:
    choices: list[Any] = [("", "No dispute yet: leave it on the desk to group later"), (NEW_DISPUTE, "A new dispute…")]
    if suggested:
        choices.append(("Suggested", [(str(d.pk), d.title) for d in suggested]))
    if others:
        choices.append(("All disputes, newest activity first", [(str(d.pk), d.title) for d in others]))
    return choices


class ClaimLogForm(forms.Form):
    """Log a claim from a story. The quote is anchored by the server (claims.services.claim_log)."""

    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Select the words in the story and press “Log claim”, or paste them here exactly.",
    )
    prefix = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64, strip=False)
    suffix = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64, strip=False)
    start_hint = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    occurrence = forms.IntegerField(
        required=False,
        min_value=1,
        label="Which occurrence",
        help_text="Only when the same words appear more than once in the story: 1 for the first.",
    )
    mode = forms.ChoiceField(choices=Claim.Mode.choices, initial=Claim.Mode.PARAPHRASE)
    speaker = SpeakerField(help_text="A name or any alias: “Pashinian” finds Nikol Pashinyan.")
    said_on = forms.DateField(required=False, widget=DateInput, label="Said on")
    statement = StatementField()
    via = forms.ModelChoiceField(
        queryset=Outlet.objects.only("id", "name"),
        widget=FastSelect,
        required=False,
        empty_label="—",
        label="Via",
        help_text="The agency or outlet the story got it from, if any.",
    )
    dispute = forms.ChoiceField(required=False, widget=FastSelect)
    stance = forms.ChoiceField(choices=ClaimDispute.Stance.choices, initial=ClaimDispute.Stance.ASSERTS)
    blames = forms.ModelChoiceField(
        queryset=Side.objects.all(),
        required=False,
        empty_label="—",
        help_text="For attribution and ceasefire disputes: the side this claim holds responsible.",
    )
    new_dispute_title = forms.CharField(max_length=300, required=False, label="New dispute: the question")
    new_dispute_kind = forms.ChoiceField(choices=Dispute.Kind.choices, initial=Dispute.Kind.OTHER, label="Kind")

    def __init__(self, *args: Any, suggested: list[Dispute] = (), others: list[Dispute] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["dispute"].choices = dispute_choices(list(suggested), list(others))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("mode") == Claim.Mode.OUTLET_VOICE and data.get("speaker") is not None:
            self.add_error("speaker", "A claim in the outlet's own voice has no speaker: leave it empty.")
        if data.get("dispute") == NEW_DISPUTE and not (data.get("new_dispute_title") or "").strip():
            self.add_error("new_dispute_title", "Write the question the new dispute is about.")
        return data


# --- Editing a claim ---------------------------------------------------------------------------


class ClaimEditForm(forms.Form):
    """A claim's editable fields, with the version the editor opened (for conflict detection).

    Fields not in ``editable`` (claims.services.editable_claim_fields) are disabled: their
    submitted values are ignored.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    mode = forms.ChoiceField(choices=Claim.Mode.choices)
    speaker = SpeakerField(help_text="A name or any alias. Empty for the outlet's own voice.")
    said_on = forms.DateField(required=False, widget=DateInput, label="Said on")
    statement = StatementField()
    status = forms.ChoiceField(choices=Claim.Status.choices)

    def __init__(self, *args: Any, editable: Collection[str] = CLAIM_EDITABLE_FIELDS, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in CLAIM_EDITABLE_FIELDS:
            self.fields[name].disabled = name not in editable

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("mode") == Claim.Mode.OUTLET_VOICE and data.get("speaker") is not None:
            self.add_error("speaker", "A claim in the outlet's own voice has no speaker: leave it empty.")
        return data

    @staticmethod
    def initial_for(claim: Claim) -> dict[str, Any]:
        return {
            "version": claim.version,
            "mode": claim.mode,
            "speaker": claim.speaker.name if claim.speaker_id else "",
            "said_on": claim.said_on,
            "statement": claim.statement_id,
            "status": claim.status,
        }

    def values(self) -> dict[str, Any]:
        """The submitted fields by name, records as ids (as claims.conflicts compares them)."""
        data = self.cleaned_data
        return {
            "mode": data["mode"],
            "speaker": data["speaker"].pk if data.get("speaker") else None,
            "said_on": data.get("said_on"),
            "statement": data["statement"].pk if data.get("statement") else None,
            "status": data["status"],
        }


class ClaimWithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 2}), help_text="Why the claim was logged in error."
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RestoreForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    event = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# --- Notes ------------------------------------------------------------------------------------


class AnnotationForm(forms.Form):
    VISIBILITY = [("internal", "Internal: stays on the desk"), ("public", "Public: may be published")]

    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note",
        help_text="Markdown: **bold**, _italic_, [links](https://…).",
    )
    visibility = forms.ChoiceField(choices=VISIBILITY, initial="internal", widget=forms.RadioSelect)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    @property
    def is_public(self) -> bool:
        return self.cleaned_data["visibility"] == "public"


# --- Correcting a claim: its figures and its places in disputes -------------------------------

NEW_SCOPE = "new"


class FigureEditForm(FigureForm):
    """One figure of a logged claim: the log form's figure row, with the version the editor opened
    (none for a new figure) and a new scope made in place ("A new scope…" and its label)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    scope = forms.ChoiceField(required=False)
    scope_label = forms.CharField(max_length=300, required=False, label="New scope: its name")
    scope_kind = forms.ChoiceField(
        choices=Scope.Kind.choices, initial=Scope.Kind.PERIOD, required=False, label="Kind of scope"
    )
    scope_place = forms.CharField(max_length=300, required=False, label="Place")
    scope_start = forms.DateField(required=False, widget=DateInput, label="From")
    scope_end = forms.DateField(required=False, widget=DateInput, label="To")

    def __init__(self, *args: Any, scopes: Collection[Scope] = (), may_add_scope: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: list[Any] = [("", "—")]
        if may_add_scope:
            choices.append((NEW_SCOPE, "A new scope…"))
        self.fields["scope"].choices = [*choices, *((str(s.pk), s.label) for s in scopes)]
        self.scopes = {str(s.pk): s for s in scopes}
        self.may_add_scope = may_add_scope

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("empty"):
            self.add_error("measure", "Say what the figure counts.")
            self.add_error("value", "Give the number.")
        scope = data.get("scope") or ""
        data["new_scope"] = scope == NEW_SCOPE
        data["scope_kind"] = data.get("scope_kind") or Scope.Kind.PERIOD
        if scope == NEW_SCOPE and not (data.get("scope_label") or "").strip():
            self.add_error("scope_label", "Name the new scope: the event, or the period and place.")
        start, end = data.get("scope_start"), data.get("scope_end")
        if scope == NEW_SCOPE and start and end and start > end:
            self.add_error("scope_end", "The scope cannot end before it starts.")
        data["scope"] = self.scopes.get(scope)
        return data

    @staticmethod
    def initial_for(figure: Figure) -> dict[str, Any]:
        return {
            "version": figure.version,
            **{name: getattr(figure, name) for name in ("measure", "counted", "qualifier", "value", "raw", "as_of")},
            "tally": figure.tally,
            "whose": figure.whose_id,
            "scope": str(figure.scope_id or ""),
        }


class PlacementForm(forms.Form):
    """How a claim sits in one dispute, with the version the editor opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    stance = forms.ChoiceField(choices=ClaimDispute.Stance.choices)
    blames = forms.ModelChoiceField(
        queryset=Side.objects.all(),
        required=False,
        empty_label="—",
        label="Blames",
        help_text="For attribution and ceasefire disputes: the side this claim holds responsible.",
    )


class PlacementAddForm(PlacementForm):
    """Put a claim in one more dispute."""

    version = None
    dispute = forms.ChoiceField(label="Dispute", widget=FastSelect)

    def __init__(self, *args: Any, suggested: list[Dispute] = (), others: list[Dispute] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices: list[Any] = [("", "—")]
        if suggested:
            choices.append(("Suggested", [(str(d.pk), d.title) for d in suggested]))
        if others:
            choices.append(("All disputes, newest activity first", [(str(d.pk), d.title) for d in others]))
        self.fields["dispute"].choices = choices
        self.order_fields(["dispute", "stance", "blames"])


class ActorCreateForm(forms.Form):
    """A speaker the desk does not know yet, created inline (``claims.services.actor_create``):
    from an accepted suggestion whose speaker is a proposed new actor, or from the log form."""

    name = forms.CharField(label="Name", max_length=300, required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("", "Choose…"), *Actor.Kind.choices], required=False)
    side = forms.ModelChoiceField(
        label="Side",
        queryset=Side.objects.all(),
        required=False,
        empty_label="None or not known",
        error_messages={"invalid_choice": "That side is not on the desk (any more): choose another."},
    )
    title = forms.CharField(label="Title or role", max_length=300, required=False)
    alias = forms.CharField(
        label="Written in the story as", max_length=300, required=False, help_text="Kept as an alias."
    )
    not_a_duplicate = forms.BooleanField(label="It is a different actor from those named", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matches: list = []  # actors it may duplicate (claims.models.actors.actors_like): "Did you mean …"
        self.checked = False  # whether the duplicate check ran for the name shown

    @classmethod
    def proposed(cls, proposal: dict[str, Any], written: str, **kwargs: Any) -> ActorCreateForm:
        """Unbound, filled with the assistant's proposed new actor; the words as written as the alias."""
        initial = {
            "name": proposal.get("name") or written,
            "kind": proposal.get("kind") or "",
            "side": proposal.get("side_id"),
            "title": proposal.get("title") or "",
            "alias": written,
        }
        return cls(initial=initial, **kwargs)
