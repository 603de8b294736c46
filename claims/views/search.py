"""Search over claims, stories, actors and annotations; compare chosen claims side by side."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from claims.models import Actor, Claim, Dispute, Side
from claims.search import RESULT_KINDS, SearchFilters, load_results, search_hits
from sources.models import Outlet

RESULTS_PER_PAGE = 20
COMPARE_MIN, COMPARE_MAX = 2, 6


class SearchForm(forms.Form):
    """The search box and its filters. Django's fields refuse NUL bytes, unknown ids and bad dates."""

    q = forms.CharField(label="Search", required=False, max_length=300, strip=True)
    kind = forms.ChoiceField(label="Show", required=False, choices=[("", "Everything"), *RESULT_KINDS.items()])
    side = forms.ModelChoiceField(label="Side", required=False, queryset=Side.objects.all(), empty_label="Any side")
    speaker = forms.ModelChoiceField(
        label="Speaker", required=False, queryset=Actor.objects.active(), empty_label="Any speaker"
    )
    outlet = forms.ModelChoiceField(
        label="Outlet", required=False, queryset=Outlet.objects.all(), empty_label="Any outlet"
    )
    dispute_kind = forms.ChoiceField(
        label="Dispute kind", required=False, choices=[("", "Any kind"), *Dispute.Kind.choices]
    )
    status = forms.ChoiceField(
        label="Claim status", required=False, choices=[("", "Any status"), *Claim.Status.choices]
    )
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The date range ends before it starts.")
        return data

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


@require_GET
@login_required
@permission_required("claims.view_claim", raise_exception=True)
def search(request: HttpRequest) -> HttpResponse:
    """The search page; an htmx request from the form or the pager gets only the results."""
    form = SearchForm(request.GET)
    context: dict = {"form": form, "results": [], "page": None, "filters": None}
    status = 200
    if form.is_valid():
        filters = form.filters()
        page = Paginator(search_hits(filters), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(filters=filters, page=page, results=load_results(page.object_list, filters))
    else:
        status = 400
    partial = request.htmx and not request.htmx.history_restore_request
    template = "claims/search.html#results" if partial else "claims/search.html"
    return render(request, template, context, status=status)


def parse_claim_ids(values: list[str]) -> list[int]:
    """Claim ids from ``?claims=1,2`` or ``?claims=1&claims=2``, in order, without repeats.

    Raises ValueError with a message for the user when an id is not a plain positive number.
    """
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isascii() or not part.isdigit() or len(part) > 18:
                raise ValueError(f"“{part[:40]}” is not a claim number.")
            number = int(part)
            if number not in ids:
                ids.append(number)
    return ids


@require_GET
@login_required
@permission_required("claims.view_claim", raise_exception=True)
def compare(request: HttpRequest) -> HttpResponse:
    """Two to six claims side by side, in the order they were chosen."""
    error = ""
    claims: list[Claim] = []
    try:
        ids = parse_claim_ids(request.GET.getlist("claims"))
    except ValueError as bad:
        ids, error = [], str(bad)
    if not error and not COMPARE_MIN <= len(ids) <= COMPARE_MAX:
        error = f"Choose between {COMPARE_MIN} and {COMPARE_MAX} claims to compare (you chose {len(ids)})."
    if not error:
        found = {
            claim.pk: claim
            for claim in Claim.objects.filter(pk__in=ids).with_card_data().prefetch_related("disputes", "reviews")
        }
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            error = f"No claim numbered {', '.join(missing)}."
        else:
            claims = [found[pk] for pk in ids]
    for claim in claims:
        claim.role = claim.speaker.role_on(claim.said_on or claim.story.published_on) if claim.speaker else None
        claim.published_reviews = [r for r in claim.reviews.all() if r.is_published]
    return render(request, "claims/compare.html", {"claims": claims, "error": error}, status=400 if error else 200)


urlpatterns = [
    path("search/", search, name="search"),
    path("compare/", compare, name="compare"),
]
