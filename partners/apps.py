from django.apps import AppConfig


class PartnersConfig(AppConfig):
    """Partner newsrooms: API keys with usage logging and throttling, and the change feed."""

    name = "partners"
    verbose_name = "Partners"
