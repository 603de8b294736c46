"""The sources app's API resources, registered on the one router in config/urls.py."""

from sources.api.views import OutletViewSet, StoryViewSet

routes = [
    ("outlets", OutletViewSet, "outlet"),
    ("stories", StoryViewSet, "story"),
]
