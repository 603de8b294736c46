"""The desk's roles as Django groups, and the permissions each holds.

Kept in step with the code after every ``migrate`` (see ClaimsConfig.ready), so a fresh
database, a test database and production all get the same groups.
"""

from __future__ import annotations

EDITOR = "Editor"
FACT_CHECKER = "Fact-checker"
VIEWER = "Viewer"
ADMIN = "Admin"

_DESK_MODELS = {
    "sources": ["outlet", "story", "storysource", "storyrevision"],
    "claims": [
        "side",
        "actor",
        "actoralias",
        "actorrole",
        "scope",
        "dispute",
        "statement",
        "claim",
        "claimvia",
        "claimdispute",
        "figure",
        "claimlink",
        "annotation",
        "review",
        "suggestiondismissal",
        "merge",
    ],
    "ingest": ["feed", "feedpoll", "feeditem", "linkimport"],
}


def _view_all() -> set[tuple[str, str]]:
    return {(app, f"view_{model}") for app, models in _DESK_MODELS.items() for model in models}


def _crud(app: str, *models: str, actions: tuple[str, ...] = ("add", "change")) -> set[tuple[str, str]]:
    return {(app, f"{action}_{model}") for model in models for action in actions}


ROLE_PERMISSIONS: dict[str, set[tuple[str, str]]] = {
    VIEWER: _view_all(),
    EDITOR: _view_all()
    | _crud("sources", "outlet", "story", "storysource", "storyrevision")
    # editors register feeds and import from links (ingest)
    | _crud("ingest", "feed", "linkimport")
    # editors write everything in the claims app but reviews, which are the fact-checkers'
    | _crud("claims", *(model for model in _DESK_MODELS["claims"] if model not in {"review", "merge"}))
    | {
        ("claims", "publish_claim"),
        ("claims", "change_claim_status"),
        ("claims", "publish_dispute"),
        ("claims", "merge_dispute"),
        ("claims", "merge_actor"),
        ("claims", "approve_review"),
        ("claims", "delete_actoralias"),
        ("claims", "delete_claimvia"),
        ("claims", "delete_figure"),
        ("claims", "delete_claimdispute"),
    },
    FACT_CHECKER: _view_all()
    | _crud("claims", "annotation", "review", "claimdispute", "claimlink")
    | {
        ("claims", "change_claim_status"),
        ("claims", "approve_review"),
        ("claims", "delete_claimdispute"),
    },
}


def sync_roles(**kwargs) -> None:
    """Create the role groups and give each exactly its permissions (post_migrate handler)."""
    from django.contrib.auth.models import Group, Permission

    for role, wanted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = [
            permission
            for permission in Permission.objects.select_related("content_type").filter(
                content_type__app_label__in=_DESK_MODELS.keys()
            )
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        group.permissions.set(permissions)
    admin_group, _ = Group.objects.get_or_create(name=ADMIN)
    admin_group.permissions.set(Permission.objects.all())
