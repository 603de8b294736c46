from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from claims import roles

DEMO_USERS = (
    ("editor", roles.EDITOR, False),
    ("factchecker", roles.FACT_CHECKER, False),
    ("viewer", roles.VIEWER, False),
    ("admin", roles.ADMIN, True),
)
DEMO_PASSWORD = "demo"  # noqa: S105 - demo mode only, refused otherwise


class Command(BaseCommand):
    help = "Create the demo users editor, factchecker, viewer and admin (password 'demo'). Demo mode only."

    def handle(self, *args, **options):
        if not (settings.DEBUG and settings.DEMO_MODE):
            raise CommandError("Demo users are only for demo mode (DJANGO_DEBUG=1 and CLAIMDESK_DEMO=1).")
        for username, role, is_admin in DEMO_USERS:
            user, _ = get_user_model().objects.get_or_create(username=username)
            user.set_password(DEMO_PASSWORD)
            user.is_staff = True
            user.is_superuser = is_admin
            user.save()
            user.groups.set([Group.objects.get(name=role)])
        names = ", ".join(username for username, _, _ in DEMO_USERS)
        self.stdout.write(self.style.WARNING(f"Demo users {names}: password '{DEMO_PASSWORD}' (demo mode only)."))
