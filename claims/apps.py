from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims, disputes and reviews"

    def ready(self) -> None:
        from claims.roles import sync_roles

        post_migrate.connect(sync_roles, sender=self, dispatch_uid="claims.sync_roles")

        from claims.visibility import install_sql_functions

        post_migrate.connect(install_sql_functions, sender=self, dispatch_uid="claims.visibility_sql")

        from claims.reanchoring import on_revision_added
        from sources.services import revision_added

        # a story's new revision re-anchors its claims, whichever way the text was imported
        revision_added.connect(on_revision_added, dispatch_uid="claims.reanchor_on_new_revision")

        from claims.extraction.readings import on_story_text
        from sources.services import story_added

        # the assistant reads every new text, so the inbox can count suggestions waiting
        story_added.connect(on_story_text, dispatch_uid="claims.read_new_story")
        revision_added.connect(on_story_text, dispatch_uid="claims.read_new_revision")
