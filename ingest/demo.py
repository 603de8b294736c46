"""The demo feed: a small wire served from this machine, so ``make demo`` shows ingestion working
with no internet.

:class:`LocalSite` serves pages from a thread of the current process (the ingest benchmark's feed
uses it too). :class:`DemoWire` puts on it an RSS 2.0 feed and its article pages: three stories
about the September 2022 Armenia-Azerbaijan border clashes, written for the demo (the events are
the seed stories'; the words, and the figures, are the demo's own). The first carries a toll of
Armenian soldiers killed far above the one in the seed dataset's published dispute "How many
soldiers were killed in the 13 Sept 2022 border clashes?", so its reading raises an alert; all
three hold claims, denials and counter-claims for the assistant to suggest.

Items appear in the feed one by one (``every`` seconds apart, the first at once), so the inbox
fills as a newsroom's does. :func:`demo_feed_register` registers the feed for the demo outlet
(once; later runs queue a poll) and has the demo editors follow that outlet, so its alerts reach
their inbox. ``manage.py demo_feed`` does both and serves until stopped (``make demo`` runs it
beside the web server and the worker).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from claims.alerts import follow_set
from ingest.models import Feed
from ingest.services import feed_register
from ingest.tasks import feed_poll_defer
from sources.models import Outlet
from sources.services import outlet_create


class LocalSite:
    """Pages served over HTTP from a thread of this process: ``pages[path] = (content type, body)``,
    or :meth:`page` for pages made when asked. For demos and benchmarks; stopped by :meth:`close`."""

    def __init__(self, port: int = 0) -> None:
        self.pages: dict[str, tuple[str, bytes]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                found = site.page(self.path)
                if found is None:
                    self.send_error(404)
                    return
                content_type, body = found
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page(self, path: str) -> tuple[str, bytes] | None:
        return self.pages.get(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass(frozen=True)
class DemoStory:
    slug: str
    headline: str
    published: date
    paragraphs: tuple[str, ...]


DEMO_OUTLET = "Caspian Wire (demo feed)"
DEMO_FOLLOWERS = ("editor", "factchecker")
DEMO_STORIES = (
    DemoStory(
        "border-toll-rises",
        "Armenia more than doubles its toll from the border clashes",
        date(2022, 9, 15),
        (
            "YEREVAN, Sept 15 (Caspian Wire) - Armenia's defence ministry said on Thursday that 105 of its "
            "soldiers had been killed in the clashes on the border with Azerbaijan, more than twice the toll "
            "it gave on Tuesday.",
            "Azerbaijan's defence ministry said 71 of its servicemen had died in the fighting and accused "
            "Armenian units of shelling its positions near Kalbajar and Lachin.",
            "Prime Minister Nikol Pashinyan told parliament that Azerbaijani forces had attacked the towns "
            "of Jermuk, Goris and Sotk and now held about 10 square kilometres of Armenian land.",
            "Hikmet Hajiyev, assistant to the Azerbaijani president, denied that Azerbaijan had targeted "
            "civilians and said Armenian forces had planted landmines on supply routes.",
        ),
    ),
    DemoStory(
        "truce-holds-overnight",
        "Russia says a truce is agreed on the Armenia-Azerbaijan border",
        date(2022, 9, 14),
        (
            "MOSCOW, Sept 14 (Caspian Wire) - Russia said on Wednesday that a ceasefire between Armenia and "
            "Azerbaijan had been agreed after two days of fighting on their border, though both sides "
            "reported shelling overnight.",
            "Armenia said Azerbaijani troops had fired artillery and drones at the town of Jermuk, wounding "
            "at least 12 civilians, a charge Baku called baseless.",
            "Azerbaijan's foreign ministry said Armenian forces had started the clashes by firing on its "
            "positions and denied that its army had crossed into Armenia.",
            "The United Nations called on both sides to respect the truce and said it was ready to help.",
        ),
    ),
    DemoStory(
        "jermuk-counts-damage",
        "Border towns count the damage as both sides trade blame",
        date(2022, 9, 16),
        (
            "JERMUK, Sept 16 (Caspian Wire) - Local officials in Jermuk said more than 190 houses and a "
            "hotel had been damaged by shelling, and that some 2,700 people had left the town since Tuesday.",
            "Armenia's human rights defender said at least 7 civilians had been killed in the border "
            "villages, a figure Azerbaijan disputed.",
            "Azerbaijan's defence ministry said Armenian forces had fired first and that its units had only "
            "answered the provocation, denying that it had hit any civilian building.",
        ),
    ),
)


def article_html(story: DemoStory) -> str:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(story.headline)}</title>"
        f'<meta property="article:published_time" content="{story.published.isoformat()}"></head><body>'
        "<nav><a href='/'>Caspian Wire</a> <a href='/world'>World</a> <a href='/markets'>Markets</a></nav>"
        f"<article><h1>{escape(story.headline)}</h1>{paragraphs}</article>"
        "<aside>READ MORE: the latest from the region</aside><footer>Caspian Wire, a demo feed</footer>"
        "</body></html>"
    )


class DemoWire(LocalSite):
    """The demo feed at ``/feed.xml`` and its stories at ``/world/<slug>``; item ``n`` is listed
    from ``n * every`` seconds after the site starts."""

    def __init__(self, port: int = 0, *, every: float = 0.0) -> None:
        super().__init__(port)
        self.every = every
        self.started = time.monotonic()
        for story in DEMO_STORIES:
            self.pages[f"/world/{story.slug}"] = ("text/html; charset=utf-8", article_html(story).encode())

    @property
    def feed_url(self) -> str:
        return self.url("/feed.xml")

    def listed(self) -> tuple[DemoStory, ...]:
        if not self.every:
            return DEMO_STORIES
        return DEMO_STORIES[: int((time.monotonic() - self.started) // self.every) + 1]

    def page(self, path: str) -> tuple[str, bytes] | None:
        if path != "/feed.xml":
            return super().page(path)
        items = "".join(
            f"<item><title>{escape(story.headline)}</title><link>{escape(self.url(f'/world/{story.slug}'))}</link>"
            f"<guid>{escape(self.url(f'/world/{story.slug}'))}</guid>"
            f"<pubDate>{format_datetime(datetime(*story.published.timetuple()[:3], 9, 0, tzinfo=UTC))}</pubDate>"
            "</item>"
            for story in self.listed()
        )
        feed = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Caspian Wire</title>'
            f"<link>{escape(self.url('/'))}</link><description>A demo wire served by make demo</description>"
            f"{items}</channel></rss>"
        )
        return "application/rss+xml", feed.encode()


def demo_feed_register(url: str, *, author: AbstractBaseUser, interval_minutes: int = 1) -> Feed:
    """Register the demo feed at ``url`` for the demo outlet (made if missing), or, when it is
    registered already, queue a poll of it now; the demo editors follow the outlet."""
    outlet = Outlet.objects.filter(name=DEMO_OUTLET).first() or outlet_create(
        name=DEMO_OUTLET, author=author, kind=Outlet.Kind.WIRE, not_a_duplicate=True
    )
    feed = Feed.objects.filter(outlet=outlet, url=url).first()
    if feed is None:
        feed = feed_register(outlet=outlet, url=url, interval_minutes=interval_minutes, author=author)
    else:
        feed_poll_defer(feed)
    for user in get_user_model().objects.filter(username__in=DEMO_FOLLOWERS):
        follow_set(user=user, target=outlet)
    return feed
