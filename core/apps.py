from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """Shared infrastructure; no models of its own."""

    name = "core"

    def ready(self) -> None:
        from core.trigger_plans import plan_trigger_functions_generically

        # for every app's post_migrate: whichever app's handler reinstalled a function, it is set again
        post_migrate.connect(plan_trigger_functions_generically, dispatch_uid="core.trigger_plans")
