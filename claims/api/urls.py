"""The claims app's API resources, registered on the one router in config/urls.py.

``urlpatterns`` holds extra paths mounted under /api/v1/ beside the router's (the claim
assistant's ``stories/<uuid>/suggestions/`` goes here).
"""

from django.urls import path

from claims.api.stories import OutletViewSet, StoryViewSet
from claims.api.views import (
    ActorViewSet,
    AnnotationViewSet,
    ClaimViewSet,
    DisputeViewSet,
    ReviewViewSet,
    StatementViewSet,
)

routes = [
    ("disputes", DisputeViewSet, "dispute"),
    ("claims", ClaimViewSet, "claim"),
    ("statements", StatementViewSet, "statement"),
    ("actors", ActorViewSet, "actor"),
    ("reviews", ReviewViewSet, "review"),
    ("annotations", AnnotationViewSet, "annotation"),
    ("outlets", OutletViewSet, "outlet"),
    ("stories", StoryViewSet, "story"),
]

from claims.api.corrections import ScopeViewSet  # noqa: E402 - making a scope is its only operation
from claims.api.suggestions import StorySuggestionsView  # noqa: E402 - the assistant's one path

urlpatterns: list = [
    path("stories/<uuid:public_id>/suggestions/", StorySuggestionsView.as_view(), name="story-suggestions"),
    path("scopes/", ScopeViewSet.as_view({"post": "create"}), name="scope-list"),
]
