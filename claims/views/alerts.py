"""Alerts and follows: the editor's list of alerts on what they follow, one alert with the story's
words and the dispute or statement, "seen" and "resolved"; and the follow button on the dispute,
actor and outlet pages (htmx, or a plain form that comes back to the page).

GETs read only: an alert is marked seen by its "Mark seen" button or by resolving it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from claims.alerts import FOLLOWABLE, alert_resolve, alert_seen, follow_set
from claims.models import Alert, AlertSeen
from claims.views.common import posted_number
from core.errors import DomainError
from core.keyset import BadCursor, Key, keyset_page, parse_datetime_value
from core.versioning import EditConflict

PER_PAGE = 50
INBOX_ALERTS = 5
CONTEXT_CHARS = 240
ALERT_KEYS = (Key("created", F("created_at"), parse_datetime_value), Key("alert_id", F("id"), int))
FOLLOW_PAGES = {"dispute": "claims:dispute_detail", "actor": "claims:actor_detail", "outlet": "claims:outlet_detail"}


def alerts_for(user, *, resolved: bool = False) -> QuerySet[Alert]:
    """Alerts on what ``user`` follows (unresolved only unless ``resolved``), with what a row shows."""
    qs = Alert.objects.followed_by(user)
    if not resolved:
        qs = qs.unresolved()
    return qs.select_related("story__outlet", "dispute", "statement", "speaker", "resolved_by").annotate(
        seen=Exists(AlertSeen.objects.filter(alert=OuterRef("pk"), user=user))
    )


def inbox_alerts(user) -> list[Alert]:
    """The newest unresolved alerts on what ``user`` follows, for the top of the inbox."""
    return list(alerts_for(user).order_by("-created_at", "-id")[:INBOX_ALERTS])


@require_GET
@login_required
@permission_required("claims.view_claim", raise_exception=True)
def alert_list(request: HttpRequest) -> HttpResponse:
    """Alerts on what the editor follows, newest first; ``?show=all`` includes the resolved."""
    show_all = request.GET.get("show") == "all"
    context: dict = {"show_all": show_all, "page": None, "error": ""}
    status = 200
    try:
        context["page"] = keyset_page(
            request, alerts_for(request.user, resolved=show_all), keys=ALERT_KEYS, per_page=PER_PAGE, salt="alerts"
        )
    except BadCursor as error:
        context["error"], status = str(error), 400
    return render(request, "claims/alert_list.html", context, status=status)


def _alert(request: HttpRequest, pk: int) -> Alert:
    related = ("story__outlet", "revision", "dispute", "statement__speaker", "speaker", "resolved_by")
    return get_object_or_404(Alert.objects.select_related(*related), pk=pk)


def _render_alert(request: HttpRequest, alert: Alert, *, status: int = 200, error: str = "") -> HttpResponse:
    body = alert.revision.body
    context = {
        "alert": alert,
        "before": body[max(0, alert.start - CONTEXT_CHARS) : alert.start],
        "words": body[alert.start : alert.end],
        "after": body[alert.end : alert.end + CONTEXT_CHARS],
        "seen": AlertSeen.objects.filter(alert=alert, user=request.user).first(),
        "error": error,
    }
    return render(request, "claims/alert_detail.html", context, status=status)


@require_GET
@login_required
@permission_required("claims.view_claim", raise_exception=True)
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One alert: the story's words in their paragraph, the dispute or statement, and why."""
    return _render_alert(request, _alert(request, pk))


@require_POST
@login_required
@permission_required("claims.view_claim", raise_exception=True)
def alert_seen_view(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert(request, pk)
    alert_seen(alert=alert, user=request.user)
    return redirect(alert.get_absolute_url())


@require_POST
@login_required
@permission_required("claims.add_claim", raise_exception=True)
def alert_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve the alert (``resolve=1``) or reopen it (``resolve=0``), at the version shown: a
    stale version answers 409 with the alert as it is now, nothing changed."""
    alert = _alert(request, pk)
    version = posted_number(request, "version")
    try:
        if version is None or request.POST.get("resolve") not in ("0", "1"):
            raise DomainError("Say whether to resolve or reopen the alert, and its version.")
        alert_resolve(alert=alert, expected_version=version, user=request.user, resolve=request.POST["resolve"] == "1")
    except DomainError as error:
        status = 409 if isinstance(error, EditConflict) else 422
        return _render_alert(request, _alert(request, pk), status=status, error=error.message)
    return redirect(alert.get_absolute_url())


@require_POST
@login_required
@permission_required("claims.view_claim", raise_exception=True)
def follow_view(request: HttpRequest) -> HttpResponse:
    """Follow or stop following a dispute, actor or outlet (``kind``, ``id``, ``follow`` 1 or 0):
    the button again (htmx), or back to the page."""
    kind = request.POST.get("kind", "")
    target_id = posted_number(request, "id")
    if kind not in FOLLOWABLE or target_id is None or request.POST.get("follow") not in ("0", "1"):
        return render(request, "refused.html", {"title": "Cannot follow", "message": "Say what to follow."}, status=422)
    target = get_object_or_404(FOLLOWABLE[kind], pk=target_id)
    following = follow_set(user=request.user, target=target, follow=request.POST["follow"] == "1")
    if request.htmx:
        context = {"kind": kind, "target": target, "following": following}
        return render(request, "claims/_follow_button.html", context)
    return redirect(reverse(FOLLOW_PAGES[kind], args=[target.pk]))


urlpatterns = [
    path("alerts/", alert_list, name="alert_list"),
    path("alerts/<int:pk>/", alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/seen/", alert_seen_view, name="alert_seen"),
    path("alerts/<int:pk>/resolve/", alert_resolve_view, name="alert_resolve"),
    path("follows/", follow_view, name="follow"),
]
