"""The Django admin for the claims app: the desk's fallback editor.

It obeys the desk's rules (see sources/admin.py for the shared machinery): a version check on
every save of a versioned model; writes with rules of their own go through the same services
the desk calls (claim_log/claim_update/claim_publish/claim_withdraw, annotation_add/_update,
review_draft/_update/_approve, claim_link_add, figure bounds from claims.figures); claims,
reviews and annotations are never deleted (a claim is withdrawn, with a reason, by an action);
anchors, merges and approvals are shown, not edited, because only their services keep them right.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from claims.anchoring import AnchorError, find_anchor
from claims.figures import figure_bounds, figure_range_error
from claims.models import (
    Actor,
    ActorAlias,
    ActorRole,
    Alert,
    AlertSeen,
    Annotation,
    Claim,
    ClaimDispute,
    ClaimLink,
    ClaimVia,
    Dispute,
    DisputeActivity,
    Figure,
    Follow,
    Merge,
    Review,
    Scope,
    Side,
    Statement,
    StoryReading,
    StoryWithoutClaims,
    SuggestionDismissal,
    WaitingClaim,
)
from claims.reviewing import clean_evidence, review_approve, review_draft, review_update
from claims.services import (
    CLAIM_EDITABLE_FIELDS,
    annotation_add,
    annotation_update,
    claim_link_add,
    claim_log,
    claim_publish,
    claim_update,
    claim_withdraw,
    editable_claim_fields,
)
from core.admin import DeskAdmin, DeskVersionedAdmin, ReadOnlyAdminMixin, VersionedAdminForm
from core.errors import DomainError
from core.text import fold_sql


def _refresh_as_saved(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved ``obj`` the row a service just created (for the redirect and inlines)."""
    obj.pk = saved.pk
    obj.refresh_from_db()
    obj._state.adding = False


class NoDeleteMixin:
    """Claims, reviews and annotations are never deleted (database triggers refuse it too)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Sides, actors, scopes --------------------------------------------------------------------


@admin.register(Side)
class SideAdmin(DeskVersionedAdmin):
    list_display = ["name", "key", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "key"]


class AliasFormSet(forms.BaseInlineFormSet):
    """Refuses two aliases that fold to the same name, before the database's unique key does."""

    def clean(self) -> None:
        super().clean()
        aliases = [
            (form, form.cleaned_data["alias"])
            for form in self.forms
            if form.cleaned_data.get("alias") and not form.cleaned_data.get("DELETE")
        ]
        if not aliases:
            return
        # Fold exactly as the database trigger does (core.text.FOLD_SQL).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {fold_sql('a')} FROM unnest(%s::text[]) WITH ORDINALITY AS t(a, n) ORDER BY n",
                [[alias for _, alias in aliases]],
            )
            folded = [row[0] for row in cursor.fetchall()]
        seen: dict[str, str] = {}
        for (form, alias), key in zip(aliases, folded, strict=True):
            if key in seen:
                form.add_error(
                    "alias", f"“{alias}” is the same name as “{seen[key]}” once accents and case are folded."
                )
            seen.setdefault(key, alias)


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    formset = AliasFormSet
    fields = ["alias", "normalized"]
    readonly_fields = ["normalized"]
    extra = 1


class ActorRoleInline(admin.TabularInline):
    model = ActorRole
    fields = ["title", "start", "end"]
    extra = 1


@admin.register(Actor)
class ActorAdmin(DeskVersionedAdmin):
    list_display = ["name", "kind", "side", "merged_into", "alias_list"]
    list_filter = ["kind", "side", ("merged_into", admin.EmptyFieldListFilter)]
    list_select_related = ["side", "merged_into"]
    search_fields = ["name", "key", "aliases__alias", "description"]
    autocomplete_fields = ["side"]
    readonly_fields = ["merged_into"]
    inlines = [ActorAliasInline, ActorRoleInline]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="aliases")
    def alias_list(self, actor: Actor) -> str:
        return ", ".join(alias.alias for alias in actor.aliases.all() if alias.alias != actor.name)


@admin.register(ActorAlias)
class ActorAliasAdmin(DeskAdmin):
    list_display = ["alias", "actor", "normalized"]
    list_select_related = ["actor"]
    search_fields = ["alias", "normalized", "actor__name"]
    autocomplete_fields = ["actor"]
    readonly_fields = ["normalized"]


@admin.register(ActorRole)
class ActorRoleAdmin(DeskAdmin):
    list_display = ["title", "actor", "start", "end"]
    list_select_related = ["actor"]
    search_fields = ["title", "actor__name"]
    autocomplete_fields = ["actor"]


@admin.register(Scope)
class ScopeAdmin(DeskVersionedAdmin):
    list_display = ["label", "kind", "place", "start", "end"]
    list_filter = ["kind"]
    search_fields = ["label", "place", "key"]


# --- Disputes and statements ------------------------------------------------------------------


class NewVersionForm(forms.ModelForm):
    """For rows with their own version that the admin edits inline (figures, places in disputes):
    a change made here is a new version, so a desk form opened on the old one is refused, not
    silently overwriting it (claims.corrections checks the version)."""

    def save(self, commit: bool = True) -> Any:
        row = super().save(commit=False)
        if row.pk is not None and self.has_changed():
            row.version += 1
        if commit:
            row.save()
        return row


class PlacementForm(NewVersionForm):
    class Meta:
        model = ClaimDispute
        fields = ["claim", "dispute", "stance", "blames"]


class DisputeClaimInline(admin.TabularInline):
    model = ClaimDispute
    form = PlacementForm
    fk_name = "dispute"
    fields = ["claim", "stance", "blames"]
    autocomplete_fields = ["claim", "blames"]
    extra = 0
    verbose_name = "claim in this dispute"
    verbose_name_plural = "claims in this dispute"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("claim", "blames")


@admin.register(Dispute)
class DisputeAdmin(DeskVersionedAdmin):
    list_display = ["title", "kind", "status", "is_published", "event_start", "place", "claim_count", "updated_at"]
    list_filter = ["kind", "status", "is_published", ("merged_into", admin.EmptyFieldListFilter)]
    search_fields = ["title", "summary", "place", "key"]
    readonly_fields = ["merged_into"]
    inlines = [DisputeClaimInline]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).annotate(claim_total=Count("claim_links"))

    @admin.display(description="claims", ordering="claim_total")
    def claim_count(self, dispute: Dispute) -> int:
        return dispute.claim_total

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("claims.publish_dispute"):
            fields.append("is_published")
        return fields


@admin.register(Statement)
class StatementAdmin(DeskVersionedAdmin):
    list_display = ["__str__", "speaker", "occasion", "said_on", "responds_to"]
    list_filter = ["occasion", "speaker__side"]
    list_select_related = ["speaker", "responds_to__speaker"]
    search_fields = ["description", "key", "speaker__name", "speaker__aliases__alias"]
    autocomplete_fields = ["speaker", "responds_to"]


# --- Claims -----------------------------------------------------------------------------------


class FigureForm(NewVersionForm):
    """Bounds and the approximate flag are derived from qualifier and value, never typed."""

    class Meta:
        model = Figure
        fields = ["claim", "measure", "counted", "whose", "scope", "tally", "qualifier", "value", "raw", "as_of"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("qualifier") and cleaned.get("value") is not None:
            try:
                out_of_range = figure_range_error(cleaned["qualifier"], cleaned["value"])
            except ValueError as error:
                raise ValidationError({"value": str(error)}) from error
            if out_of_range:
                raise ValidationError({"value": out_of_range})
        return cleaned

    def save(self, commit: bool = True) -> Figure:
        figure = super().save(commit=False)
        figure.low, figure.high, figure.approximate = figure_bounds(figure.qualifier, figure.value)
        if commit:
            figure.save()
        return figure


class FigureInline(admin.StackedInline):
    model = Figure
    form = FigureForm
    fields = [("measure", "counted", "whose"), ("value", "qualifier", "raw"), ("tally", "scope", "as_of"), "bounds"]
    readonly_fields = ["bounds"]
    autocomplete_fields = ["whose", "scope"]
    extra = 0

    @admin.display(description="bounds")
    def bounds(self, figure: Figure) -> str:
        if figure.pk is None:
            return "computed on save"
        low = "" if figure.low is None else figure.low
        high = "" if figure.high is None else figure.high
        return f"{low}..{high}{' (approximate)' if figure.approximate else ''}"


class ClaimViaInline(admin.TabularInline):
    model = ClaimVia
    fields = ["position", "outlet"]
    autocomplete_fields = ["outlet"]
    extra = 0
    verbose_name = "via"
    verbose_name_plural = "via (speaker -> outlets -> this story; 1 is nearest the speaker)"


class ClaimDisputeInline(admin.TabularInline):
    model = ClaimDispute
    form = PlacementForm
    fk_name = "claim"
    fields = ["dispute", "stance", "blames"]
    autocomplete_fields = ["dispute", "blames"]
    extra = 0
    verbose_name = "dispute"
    verbose_name_plural = "disputes it bears on"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "dispute":
            kwargs["queryset"] = Dispute.objects.active()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ClaimLinkInline(admin.TabularInline):
    """Links from this claim to others; new ones go through claim_link_add (a retraction marks the target)."""

    model = ClaimLink
    fk_name = "source"
    fields = ["kind", "target", "noted_on", "recorded_by"]
    readonly_fields = ["recorded_by"]
    autocomplete_fields = ["target"]
    extra = 0
    verbose_name = "link to another claim"
    verbose_name_plural = "links to other claims"


class ClaimAddForm(VersionedAdminForm):
    """Logging a claim: the anchor is computed from the quote in the story's current revision."""

    occurrence = forms.IntegerField(
        required=False, min_value=1, help_text="Which occurrence of the quote, when the same words appear twice."
    )

    class Meta:
        model = Claim
        fields = ["story", "quote", "occurrence", "mode", "speaker", "said_on", "statement", "status", "is_published"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        story, quote = cleaned.get("story"), cleaned.get("quote")
        if story is not None and quote:
            if story.current_revision is None:
                raise ValidationError({"story": "The story has no text to anchor a claim in."})
            try:
                find_anchor(story.current_revision.body, quote, occurrence=cleaned.get("occurrence"))
            except AnchorError as error:
                raise ValidationError({"quote": str(error)}) from error
        _check_statement_speaker(cleaned)
        return cleaned


class ClaimChangeForm(VersionedAdminForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("is_published") and self.instance.withdrawn_at is not None:
            raise ValidationError({"is_published": "A withdrawn claim cannot be published."})
        _check_statement_speaker(cleaned)
        return cleaned


def _check_statement_speaker(cleaned: dict[str, Any]) -> None:
    statement, speaker = cleaned.get("statement"), cleaned.get("speaker")
    if statement is not None and speaker is not None and statement.speaker_id != speaker.pk:
        raise ValidationError({"statement": "The statement belongs to another speaker."})


class WithdrawnFilter(admin.SimpleListFilter):
    title = "withdrawn"
    parameter_name = "withdrawn"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("no", "Active"), ("yes", "Withdrawn")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() == "no":
            return queryset.filter(withdrawn_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=Claim._meta.get_field("withdrawal_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why these claims were logged in error. Partners see published ones as withdrawn.",
    )


@admin.register(Claim)
class ClaimAdmin(NoDeleteMixin, DeskVersionedAdmin):
    list_display = ["short_quote", "story", "speaker", "mode", "status", "is_published", "is_withdrawn"]
    list_filter = ["status", "mode", "is_published", WithdrawnFilter, "needs_reanchoring", "story__outlet"]
    list_select_related = ["story__outlet", "speaker"]
    search_fields = ["quote", "key", "speaker__name", "speaker__aliases__alias", "story__headline"]
    autocomplete_fields = ["story", "speaker", "statement"]
    inlines = [FigureInline, ClaimDisputeInline, ClaimViaInline, ClaimLinkInline]
    actions = ["withdraw_claims"]
    exclude = ["disputes"]  # edited through the inline, with stance and blame
    # The anchor is the server's: computed from the quote by claim_log, re-found on new revisions.
    anchor_fields = ["story", "revision", "start", "end", "quote", "prefix", "suffix"]
    readonly_fields = [
        *anchor_fields,
        "key",
        "needs_reanchoring",
        "from_suggestion",
        "withdrawal_reason",
    ]

    @admin.display(description="quote", ordering="quote")
    def short_quote(self, claim: Claim) -> str:
        return str(claim)

    @admin.display(description="withdrawn", boolean=True)
    def is_withdrawn(self, claim: Claim) -> bool:
        return claim.withdrawn_at is not None

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = ClaimChangeForm if obj is not None else ClaimAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        if obj is None:
            return [name for name in ClaimAddForm.Meta.fields if name not in self.get_readonly_fields(request, obj)]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        fields = [] if obj is None else list(super().get_readonly_fields(request, obj))
        if "status" not in editable_claim_fields(request.user):
            fields.append("status")
        if not request.user.has_perm("claims.publish_claim"):
            fields.append("is_published")
        return fields

    def save_model(self, request: HttpRequest, obj: Claim, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            claim = claim_log(
                story=data["story"],
                author=request.user,
                quote=data["quote"],
                occurrence=data.get("occurrence"),
                mode=data["mode"],
                speaker=data.get("speaker"),
                said_on=data.get("said_on"),
                statement=data.get("statement"),
                status=data.get("status") or Claim.Status.UNVERIFIED,
                publish=bool(data.get("is_published")),
            )
            _refresh_as_saved(obj, claim)
            return
        changes = {name: getattr(obj, name) for name in CLAIM_EDITABLE_FIELDS if name in form.changed_data}
        publishing = "is_published" in form.changed_data
        version = data["expected_version"]
        if changes or not publishing:
            # An admin save is a new version even with only inline changes (see VersionedAdmin).
            claim_update(claim=obj, expected_version=version, author=request.user, **changes)
            version = obj.version
        if publishing:
            claim_publish(claim=obj, expected_version=version, publish=obj.is_published)

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        if formset.model is not ClaimLink:
            super().save_formset(request, form, formset, change)
            return
        links = formset.save(commit=False)
        for link in formset.deleted_objects:
            link.delete()
        for link in links:
            if link.pk is None:
                claim_link_add(
                    source=form.instance, target=link.target, kind=link.kind, user=request.user, noted_on=link.noted_on
                )
            else:
                link.save()

    def has_withdraw_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.publish_claim")

    @admin.action(description="Withdraw selected claims (logged in error)", permissions=["withdraw"])
    def withdraw_claims(self, request: HttpRequest, queryset: models.QuerySet) -> HttpResponse | None:
        """Ask for the reason, then withdraw each claim through claim_withdraw. Nothing is deleted."""
        form = WithdrawForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            withdrawn, refused = 0, []
            for claim in queryset.order_by("pk"):
                try:
                    claim_withdraw(
                        claim=claim,
                        expected_version=claim.version,
                        user=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    withdrawn += 1
                except DomainError as error:
                    refused.append(f"{claim}: {error.message}")
            if withdrawn:
                self.message_user(request, f"Withdrew {withdrawn} claim(s).", messages.SUCCESS)
            for message in refused:
                self.message_user(request, message, messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Withdraw claims",
            "subtitle": None,
            "claims": queryset.select_related("story__outlet"),
            "form": form,
            "opts": self.opts,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/claims/claim/withdraw_confirmation.html", context)


@admin.register(ClaimDispute)
class ClaimDisputeAdmin(DeskAdmin):
    form = PlacementForm
    list_display = ["claim", "dispute", "stance", "blames"]
    list_filter = ["stance", "dispute__kind"]
    list_select_related = ["claim", "dispute", "blames"]
    search_fields = ["claim__quote", "dispute__title"]
    autocomplete_fields = ["claim", "dispute", "blames"]


@admin.register(ClaimVia)
class ClaimViaAdmin(DeskAdmin):
    list_display = ["claim", "position", "outlet"]
    list_select_related = ["claim", "outlet"]
    search_fields = ["claim__quote", "outlet__name"]
    autocomplete_fields = ["claim", "outlet"]


@admin.register(Figure)
class FigureAdmin(DeskAdmin):
    form = FigureForm
    list_display = ["__str__", "claim", "measure", "counted", "whose", "scope", "low", "high", "approximate", "as_of"]
    list_filter = ["measure", "counted", "tally", "qualifier", "whose", "approximate"]
    list_select_related = ["claim", "whose", "scope"]
    search_fields = ["raw", "claim__quote", "scope__label"]
    autocomplete_fields = ["claim", "whose", "scope"]
    readonly_fields = ["low", "high", "approximate"]


@admin.register(ClaimLink)
class ClaimLinkAdmin(DeskAdmin):
    list_display = ["source", "kind", "target", "noted_on", "recorded_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["source", "target", "recorded_by"]
    search_fields = ["source__quote", "target__quote"]
    autocomplete_fields = ["source", "target"]
    readonly_fields = ["recorded_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: ClaimLink, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        link = claim_link_add(
            source=obj.source, target=obj.target, kind=obj.kind, user=request.user, noted_on=obj.noted_on
        )
        _refresh_as_saved(obj, link)


# --- Notes and reviews ------------------------------------------------------------------------


@admin.register(Annotation)
class AnnotationAdmin(NoDeleteMixin, DeskVersionedAdmin):
    list_display = ["short_body", "on", "is_public", "author", "created_at", "withdrawn_at"]
    list_filter = ["is_public", ("withdrawn_at", admin.EmptyFieldListFilter)]
    list_select_related = ["author", "claim", "dispute"]
    search_fields = ["body", "claim__quote", "dispute__title"]
    autocomplete_fields = ["claim", "dispute"]
    readonly_fields = ["author"]

    @admin.display(description="note")
    def short_body(self, annotation: Annotation) -> str:
        return annotation.body if len(annotation.body) <= 80 else annotation.body[:77] + "..."

    @admin.display(description="on")
    def on(self, annotation: Annotation) -> str:
        return f"claim {annotation.claim}" if annotation.claim_id else f"dispute {annotation.dispute}"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["claim", "dispute"]  # a note stays on what it was written about
        return fields

    def save_model(self, request: HttpRequest, obj: Annotation, form: forms.ModelForm, change: bool) -> None:
        if change:
            annotation_update(
                annotation=obj,
                expected_version=form.cleaned_data["expected_version"],
                body=obj.body,
                is_public=obj.is_public,
            )
            return
        note = annotation_add(
            author=request.user, body=obj.body, is_public=obj.is_public, claim=obj.claim, dispute=obj.dispute
        )
        _refresh_as_saved(obj, note)


class ReviewForm(VersionedAdminForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        claim = cleaned.get("claim")
        if self.instance.pk is None and claim is not None and claim.withdrawn_at is not None:
            raise ValidationError({"claim": "The claim was withdrawn; it cannot be reviewed."})
        return cleaned

    def clean_evidence(self) -> list[str]:
        evidence = self.cleaned_data.get("evidence") or []
        if not isinstance(evidence, list) or not all(isinstance(link, str) for link in evidence):
            raise ValidationError('Give the evidence as a list of links: ["https://...", ...].')
        try:
            return clean_evidence(evidence)
        except DomainError as error:
            raise ValidationError(error.message) from error


@admin.register(Review)
class ReviewAdmin(NoDeleteMixin, DeskVersionedAdmin):
    """Drafts are changed only by their reviewer; a second person approves (and so publishes)."""

    form = ReviewForm
    list_display = ["__str__", "claim", "reviewer", "approved_by", "is_published", "created_at"]
    list_filter = ["rating", "is_published", ("approved_by", admin.EmptyFieldListFilter)]
    list_select_related = ["claim", "reviewer", "approved_by"]
    search_fields = ["reasoning", "claim__quote"]
    autocomplete_fields = ["claim"]
    # sending back and resubmitting go through the review page (claims.reviewing), not this form
    readonly_fields = [
        "reviewer",
        "approved_by",
        "approved_at",
        "is_published",
        "supersedes",
        "returned_at",
        "returned_by",
        "return_comment",
    ]
    actions = ["approve_reviews"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Sequence[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("claim")
        return fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and (obj.approved_by_id is not None or obj.reviewer_id != request.user.pk):
            return False  # approved: write a correction; someone else's draft: theirs to change
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Review, form: forms.ModelForm, change: bool) -> None:
        data = form.cleaned_data
        if change:
            review_update(
                review=obj,
                expected_version=data["expected_version"],
                user=request.user,
                rating=obj.rating,
                reasoning=obj.reasoning,
                evidence=obj.evidence,
            )
            return
        review = review_draft(
            claim=obj.claim, reviewer=request.user, rating=obj.rating, reasoning=obj.reasoning, evidence=obj.evidence
        )
        _refresh_as_saved(obj, review)

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.approve_review")

    @admin.action(description="Approve and publish selected reviews", permissions=["approve"])
    def approve_reviews(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        for review in queryset.order_by("pk"):
            try:
                review_approve(review=review, expected_version=review.version, approver=request.user)
                self.message_user(request, f"Approved and published: {review}.", messages.SUCCESS)
            except DomainError as error:
                self.message_user(request, f"{review}: {error.message}", messages.WARNING)


@admin.register(SuggestionDismissal)
class SuggestionDismissalAdmin(DeskAdmin):
    list_display = ["fingerprint", "story", "dismissed_by", "created_at"]
    list_select_related = ["story__outlet", "dismissed_by"]
    search_fields = ["fingerprint", "story__headline"]
    autocomplete_fields = ["story"]
    readonly_fields = ["dismissed_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: SuggestionDismissal, form: Any, change: bool) -> None:
        if not change:
            obj.dismissed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DisputeActivity)
class DisputeActivityAdmin(ReadOnlyAdminMixin, DeskAdmin):
    """When anything last happened in each dispute, and its claims in use: kept by database
    triggers, shown, never edited."""

    list_display = ["dispute", "touched_at", "claim_count"]
    list_select_related = ["dispute"]
    search_fields = ["dispute__title"]
    ordering = ["-touched_at"]


@admin.register(WaitingClaim)
class WaitingClaimAdmin(ReadOnlyAdminMixin, DeskAdmin):
    """Claims in no dispute yet, as the desk lists them: kept by database triggers, never edited."""

    list_display = ["claim", "created_at"]
    list_select_related = ["claim"]
    ordering = ["-created_at"]


@admin.register(StoryWithoutClaims)
class StoryWithoutClaimsAdmin(ReadOnlyAdminMixin, DeskAdmin):
    """Stories with no claims yet, as the desk lists them: kept by database triggers, never edited."""

    list_display = ["story", "dated_on"]
    list_select_related = ["story"]
    search_fields = ["story__headline"]
    ordering = ["-dated_on"]


@admin.register(StoryReading)
class StoryReadingAdmin(ReadOnlyAdminMixin, DeskAdmin):
    """The assistant's reading of each story (suggestions waiting): made on import, counts kept by
    database triggers, shown, never edited."""

    list_display = ["story", "waiting", "read_at"]
    list_select_related = ["story"]
    search_fields = ["story__headline"]
    ordering = ["-read_at"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdminMixin, DeskAdmin):
    """Alerts are raised by the assistant's reading of new copy and resolved on the desk
    (/alerts/), which keeps who resolved them and when: shown here, never edited."""

    list_display = ["__str__", "kind", "story", "dispute", "statement", "created_at", "resolved_at"]
    list_filter = ["kind", ("resolved_at", admin.EmptyFieldListFilter)]
    list_select_related = ["story", "dispute", "statement"]
    search_fields = ["quote", "story__headline", "dispute__title"]
    ordering = ["-created_at", "-id"]


@admin.register(AlertSeen)
class AlertSeenAdmin(ReadOnlyAdminMixin, DeskAdmin):
    """Which editor has seen which alert: marked on the desk, shown here."""

    list_display = ["alert", "user", "seen_at"]
    list_select_related = ["alert", "user"]
    ordering = ["-seen_at"]


@admin.register(Follow)
class FollowAdmin(ReadOnlyAdminMixin, DeskAdmin):
    """What each editor follows (disputes, actors, outlets): chosen on the desk's pages."""

    list_display = ["__str__", "user", "created_at"]
    list_select_related = ["user", "dispute", "actor", "outlet"]
    ordering = ["-created_at"]


@admin.register(Merge)
class MergeAdmin(ReadOnlyAdminMixin, DeskAdmin):
    """Merges are made and undone on the desk (claims.merging), which records what moved."""

    list_display = ["__str__", "kind", "merged_by", "merged_at", "undone_at"]
    list_filter = ["kind", ("undone_at", admin.EmptyFieldListFilter)]
    list_select_related = ["survivor_actor", "duplicate_actor", "survivor_dispute", "duplicate_dispute", "merged_by"]
    search_fields = [
        "survivor_actor__name",
        "duplicate_actor__name",
        "survivor_dispute__title",
        "duplicate_dispute__title",
    ]
