"""What every desk page shares: pagination that works with and without htmx, reading a posted
number without trusting it, and the message that links to a claim just logged."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.html import format_html

from core.numbers import whole_number

HTMX_ONLY_PARAMS = ("list", "part")


def paginate(
    request: HttpRequest, items: Any, *, per_page: int, param: str = "page", hx: dict[str, str] | None = None
) -> Page:
    """A page of ``items`` from ``?<param>=``, with links that keep the rest of the query string.

    ``page.previous_url``/``next_url`` are plain links (the page works without JavaScript);
    ``previous_hx``/``next_hx`` add ``hx`` so the view can answer htmx with just the fragment.
    """
    page = Paginator(items, per_page).get_page(request.GET.get(param))

    def url(number: int, extra: dict[str, str] | None = None) -> str:
        query = request.GET.copy()
        for name in HTMX_ONLY_PARAMS:
            query.pop(name, None)
        query[param] = str(number)
        if extra:
            query.update(extra)
        return "?" + query.urlencode()

    page.previous_url = url(page.previous_page_number()) if page.has_previous() else None
    page.next_url = url(page.next_page_number()) if page.has_next() else None
    page.previous_hx = url(page.previous_page_number(), hx) if page.has_previous() else None
    page.next_hx = url(page.next_page_number(), hx) if page.has_next() else None
    return page


def posted_number(request: HttpRequest, name: str) -> int | None:
    """The whole number posted as ``name`` (at most nine digits), or None."""
    return whole_number(request.POST.get(name))


def claim_logged_message(request: HttpRequest, claim: Any, what: str = "Claim logged") -> None:
    """Say the claim is logged, with a link to its page (the page that follows a form posted
    without JavaScript; htmx answers show the same link in the form's own message)."""
    messages.success(request, format_html('{}: <a href="{}">{}</a>', what, claim.get_absolute_url(), claim))
