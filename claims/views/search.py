"""Search over claims, disputes, statements, actors, stories and annotations; compare chosen claims side by side."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from claims.forms_search import SearchForm
from claims.models import Claim
from claims.search import run
from core.numbers import whole_number

COMPARE_MIN, COMPARE_MAX = 2, 6


@require_GET
@login_required
@permission_required("claims.view_claim", raise_exception=True)
def search(request: HttpRequest) -> HttpResponse:
    """The search page; an htmx request from the form or the pager gets only the results."""
    form = SearchForm(request.GET)
    context: dict = {"form": form, "outcome": None, "results": [], "page": None, "filters": None}
    status = 200
    if form.is_valid():
        filters = form.filters()
        outcome = run(filters, request.GET.get("page"))
        context.update(filters=filters, outcome=outcome, page=outcome.page, results=outcome.results)
    else:
        status = 422
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
            number = whole_number(part, digits=18)
            if number is None:
                raise ValueError(f"“{part[:40]}” is not a claim number.")
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
    return render(request, "claims/compare.html", {"claims": claims, "error": error}, status=422 if error else 200)


urlpatterns = [
    path("search/", search, name="search"),
    path("compare/", compare, name="compare"),
]
