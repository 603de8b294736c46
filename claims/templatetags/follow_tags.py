"""``{% follow_button "dispute" dispute %}``: the follow button on the dispute, actor and outlet
pages, in the state the signed-in editor has it (one query, or none when the page read it with the
target as ``followed``: claims.alerts.followed)."""

from __future__ import annotations

from django import template

from claims.alerts import follows

register = template.Library()


@register.inclusion_tag("claims/_follow_button.html", takes_context=True)
def follow_button(context: template.Context, kind: str, target) -> dict:
    user = context["request"].user
    following = getattr(target, "followed", None)
    if following is None:
        following = user.is_authenticated and follows(user, target)
    return {"kind": kind, "target": target, "following": following}
