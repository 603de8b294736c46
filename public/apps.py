from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public pages: what the desk publishes, readable by anyone without logging in."""

    name = "public"
