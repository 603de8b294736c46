from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Ingestion: feeds, links, drops, pushes and jobs"

    def ready(self) -> None:
        from claims.roles import sync_roles

        # the roles name ingest's permissions too, which exist only once this app has migrated
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="ingest.sync_roles")
