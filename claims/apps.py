from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims, disputes and reviews"

    def ready(self) -> None:
        from claims.roles import sync_roles

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="claims.sync_roles")
