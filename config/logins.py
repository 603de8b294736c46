"""Login throttling (django-axes): what a locked-out user sees, and whose address is counted."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None) -> HttpResponse:
    """The login page again, saying why the login was refused and what to do (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    context = {"form": form, "locked_out": True, "cooloff_minutes": minutes, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def client_address(request: HttpRequest) -> str | None:
    """The address logins are counted against: REMOTE_ADDR, or behind CLAIMDESK_TRUSTED_PROXIES
    proxies the X-Forwarded-For entry the outermost of them added (entries further left are the
    client's to write, so they cannot be trusted)."""
    proxies = settings.CLAIMDESK_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
