"""Login throttling (django-axes): what a locked-out user sees, and whose address is counted."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
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


def attempted_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The username a login attempt is counted against, cut to the longest any account can have.

    Django's login form passes on a username of any length, and django-axes stores it in a
    255-character column: a longer one failed the login with a 500. No account has a longer name,
    so cutting it changes nothing about who is locked out.
    """
    field = str(settings.AXES_USERNAME_FORM_FIELD)
    username = (credentials or {}).get(field) if credentials else request.POST.get(field)
    if username is None:
        return None
    model = get_user_model()
    return str(username)[: model._meta.get_field(model.USERNAME_FIELD).max_length]
