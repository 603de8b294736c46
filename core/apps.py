from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared infrastructure; no models of its own."""

    name = "core"
