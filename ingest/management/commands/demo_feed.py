"""``manage.py demo_feed``: serve the demo wire on this machine and register it as a feed (demo
mode only). ``make demo`` runs it beside the web server and the worker, and stops them together."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ingest.demo import DEMO_OUTLET, DemoWire, demo_feed_register


class Command(BaseCommand):
    help = "Serve the demo wire (an RSS feed and its stories) on 127.0.0.1 and register it as a feed. Demo mode only."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8001, help="The port to serve on (default 8001).")
        parser.add_argument(
            "--every", type=float, default=40.0, help="Seconds between items appearing in the feed (default 40)."
        )

    def handle(self, *args, port: int, every: float, **options) -> None:
        if not (settings.DEBUG and settings.DEMO_MODE):
            raise CommandError("The demo feed is only for demo mode (DJANGO_DEBUG=1 and CLAIMDESK_DEMO=1).")
        try:
            wire = DemoWire(port, every=every)
        except OSError as error:
            raise CommandError(f"The demo feed cannot listen on 127.0.0.1:{port} ({error}); try --port.") from error
        author = get_user_model().objects.filter(username="admin").first()
        if author is None:
            raise CommandError("Create the demo users first (manage.py demo_users).")
        feed = demo_feed_register(wire.feed_url, author=author)
        self.stdout.write(
            f"The demo feed {wire.feed_url} is registered for {DEMO_OUTLET} (polled every "
            f"{feed.interval_minutes} min; a story appears in it every {every:g} s): see /sources/ and /stories/."
        )
        connections.close_all()  # nothing more to write: the worker polls the feed from here on
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, lambda *_: stop.set())
        stop.wait()
        wire.close()
