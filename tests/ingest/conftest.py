"""A local web server in the test process, serving feeds and article pages written for the tests.

``web.route(path, body, ...)`` serves a page; ``web.url(path)`` is its address. Fetching from
127.0.0.1 is allowed for these tests only (``INGEST_FETCH_ALLOW_PRIVATE``), with a short timeout
and a small size limit so the slow and the huge cases stay quick.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import pytest


@dataclass
class Page:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class LocalWeb:
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.hits: dict[str, int] = {}
        self.hosts: list[str] = []  # the Host header of each request, in order
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def route(self, path: str, body: str | bytes, **options) -> str:
        self.pages[path] = Page(body.encode() if isinstance(body, str) else body, **options)
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        return self.route(path, b"", status=status, headers={"Location": to})

    def _handler(self):
        web = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                web.hits[self.path] = web.hits.get(self.path, 0) + 1
                web.hosts.append(self.headers.get("Host", ""))
                page = web.pages.get(self.path)
                if page is None:
                    self.send_error(404)
                    return
                if page.delay:
                    time.sleep(page.delay)
                try:
                    self.send_response(page.status)
                    self.send_header("Content-Type", page.content_type)
                    self.send_header("Content-Length", str(len(page.body)))
                    for name, value in page.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(page.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                pass

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def web(settings) -> Iterator[LocalWeb]:
    settings.INGEST_FETCH_ALLOW_PRIVATE = True
    settings.INGEST_FETCH_TIMEOUT = 1.0
    settings.INGEST_FETCH_MAX_BYTES = 300_000
    server = LocalWeb()
    yield server
    server.close()


def article_html(headline: str, *paragraphs: str, published: str = "2022-09-14") -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{escape(headline)}</title>"
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{escape(headline)}</h1>{body}</article>"
        f"<footer>Copyright 2022. Discussion about this post</footer></body></html>"
    )


def rss(title: str, items: list[tuple[str, str]], *, updated: str = "") -> str:
    """An RSS 2.0 feed of (title, link) items."""
    when = format_datetime(datetime(2022, 9, 14, 8, 0, tzinfo=UTC))
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
        f"<pubDate>{when}</pubDate>{f'<description>{escape(updated)}</description>' if updated else ''}</item>"
        for t, link in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.org/</link><description>wire</description>"
        f"{entries}</channel></rss>"
    )
