"""``manage.py screenshots``: PNG screenshots of the desk's main pages into docs/screenshots/.

Migrates and loads the seed dataset (both idempotent), starts ``runserver`` on a free port in a
subprocess, and drives Chromium through Playwright (the system's /usr/bin/chromium when there is
one, otherwise Playwright's own) over the desk as an editor. No password is created or used: the
command opens a session for a dedicated ``screenshots`` user directly and deletes it afterwards.
The server is stopped however the command ends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count, F, Q
from django.urls import reverse

from claims import roles
from claims.figures import Kind, spreads
from claims.models import Actor, Claim, Dispute, Figure
from claims.seeding import DATASET, load_seeds
from sources.models import Story

SCREENSHOT_USER = "screenshots"
SYSTEM_CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
MAX_HEIGHT = 2400  # px: long pages are cut here, so an image stays readable and its file modest
# What is clicked on a page before its screenshot: the claim page with its first figure's
# correction form open (the form is shown, nothing is saved).
PREPARE = {"claim": "#figures details.correction summary"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The URL of the database this process uses, so the server subprocess uses the very same one
    (the embedded server included, which a new process would otherwise pick for itself)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    params = connection.get_connection_params()
    user = quote(str(params.get("user") or ""), safe="")
    password = quote(str(params.get("password") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(str(params.get("host") or ""), safe="")  # a Unix socket directory becomes %2F...
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{auth}{host}{port}/{quote(params['dbname'], safe='')}"


class Command(BaseCommand):
    help = "Regenerate PNG screenshots of the desk's main pages (with the seed data) into docs/screenshots/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "screenshots"))
        parser.add_argument("--width", type=int, default=1366)
        parser.add_argument("--height", type=int, default=900)
        parser.add_argument("--timeout", type=int, default=60, help="Seconds to wait for the server to start.")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        output.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        if DATASET.exists():
            load_seeds()
        pages = self.pages()
        session = self.open_session()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
            cwd=settings.BASE_DIR,
            env={**os.environ, "DATABASE_URL": database_url()},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            self.wait_for(server, f"{base}/accounts/login/", options["timeout"])
            written = self.shoot(base, session, pages, output, options["width"], options["height"])
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
            SessionStore(session_key=session).delete()
        for path in written:
            self.stdout.write(f"wrote {path}")

    def pages(self) -> list[tuple[str, str]]:
        """(file name, path) of the pages to show, picked from the data so they are well filled."""
        story = Story.objects.annotate(n=Count("claims")).order_by("-n", "pk").first()
        disputes = Dispute.objects.active().annotate(
            n=Count("claim_links", distinct=True), figures=Count("claim_links__claim__figures", distinct=True)
        )
        # a casualty count shows the most: cards by side, the range chart and the spread verdicts
        dispute = (
            disputes.filter(kind=Dispute.Kind.CASUALTY_COUNT).order_by("-figures", "-n", "pk").first()
            or disputes.order_by("-figures", "-n", "pk").first()
        )
        # a claim with figures to correct, and a published review when there is one
        claims = Claim.objects.active().annotate(
            reviews_n=Count("reviews", filter=Q(reviews__is_published=True), distinct=True),
            figures_n=Count("figures", distinct=True),
        )
        claim = (
            claims.filter(figures_n__gt=0).order_by("-reviews_n", "-figures_n", "pk").first()
            or claims.order_by("-reviews_n", "pk").first()
        )
        actor = Actor.objects.active().annotate(n=Count("claims")).order_by("-n", "pk").first()
        if not (story and dispute and claim and actor):
            raise CommandError("There is no data to show: load the seed dataset first (make seed).")
        compared = list(
            Claim.objects.active()
            .filter(dispute_links__dispute=dispute)
            .exclude(speaker__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:3]
        )
        word = (actor.name.split() or ["Pashinyan"])[-1]
        pages = [
            ("inbox", reverse("claims:story_list")),
            ("disputes", reverse("claims:dispute_list")),
            ("desk", "/"),
            ("story-reader", story.get_absolute_url()),
            ("dispute-side-by-side", dispute.get_absolute_url()),
            ("claim", claim.get_absolute_url()),
            ("search", f"/search/?q={word}"),
            ("actor", actor.get_absolute_url()),
        ]
        # the reader with its log form prefilled for words holding figures (as "Log claim" opens it)
        figured = (
            Claim.objects.active()
            .filter(figures__isnull=False, revision=F("story__current_revision"))
            .order_by("pk")
            .first()
        )
        if figured is not None:
            prefilled = (
                f"{reverse('claims:claim_log', args=[figured.story_id])}?start={figured.start}&end={figured.end}"
            )
            pages.insert(4, ("story-reader-log-form", prefilled))
        if len(compared) >= 2:
            pages.append(("compare", "/compare/?claims=" + ",".join(map(str, compared))))
        pages.extend(self.comparison_pages(disputes))
        return pages

    def comparison_pages(self, disputes: Any) -> list[tuple[str, str]]:
        """Disputes whose spread verdicts show the comparison at work: figures that agree as ranges
        ("63" and "at least 60"), and totals of different dates that are not compared."""
        wanted = {
            "dispute-figures-agree": lambda v: v.kind == Kind.AGREE,
            "dispute-figures-dates": lambda v: v.kind == Kind.NOT_COMPARABLE and "as-of dates" in v.reason,
        }
        found: dict[str, str] = {}
        for candidate in disputes.filter(kind=Dispute.Kind.CASUALTY_COUNT).order_by("pk")[:50]:
            figures = Figure.objects.filter(
                claim__in=Claim.objects.active().filter(dispute_links__dispute=candidate)
            ).select_related("whose", "scope", "claim__speaker", "claim__story__outlet")
            verdicts = spreads(figures)
            for name, test in wanted.items():
                if name not in found and any(test(v) for v in verdicts):
                    found[name] = candidate.get_absolute_url()
        return sorted(found.items())

    def open_session(self) -> str:
        """A logged-in session for the screenshot user (an editor who has no password at all)."""
        user, created = get_user_model().objects.get_or_create(username=SCREENSHOT_USER)
        if created or user.has_usable_password():
            user.set_unusable_password()
            user.save()
        user.groups.set([Group.objects.get(name=roles.EDITOR)])
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(15 * 60)
        session.save()
        return session.session_key

    def wait_for(self, server: subprocess.Popen, url: str, timeout: int) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server.poll() is not None:
                error = server.stderr.read() if server.stderr else ""
                raise CommandError(f"The server stopped before it answered:\n{error[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise CommandError(f"The server did not answer {url} within {timeout} seconds.")

    def shoot(
        self, base: str, session: str, pages: list[tuple[str, str]], output: Path, width: int, height: int
    ) -> list[Path]:
        from playwright.sync_api import sync_playwright

        launch: dict[str, Any] = {"args": ["--headless", "--no-sandbox", "--disable-gpu"]}
        if SYSTEM_CHROMIUM.exists():
            launch["executable_path"] = str(SYSTEM_CHROMIUM)
        written: list[Path] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**launch)
            try:
                context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
                context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
                page = context.new_page()
                for name, path in pages:
                    response = page.goto(f"{base}{path}", wait_until="networkidle")
                    if response is None or response.status >= 400 or "/accounts/login/" in page.url:
                        status = response.status if response else "no response"
                        raise CommandError(f"{path} did not load for the screenshot ({status}, at {page.url}).")
                    if name in PREPARE and page.locator(PREPARE[name]).count():
                        page.locator(PREPARE[name]).first.click()
                    full_height = page.evaluate("document.documentElement.scrollHeight")
                    target = output / f"{name}.png"
                    page.screenshot(
                        path=str(target),
                        full_page=True,
                        clip={"x": 0, "y": 0, "width": width, "height": min(full_height, MAX_HEIGHT)},
                    )
                    written.append(target)
            finally:
                browser.close()
        return written
