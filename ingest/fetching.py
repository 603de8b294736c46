"""Fetching feeds and article pages from the web, safely: the one place the desk reaches out.

Every fetch goes through :func:`fetch`, which refuses, with a reason an editor can read:
- any scheme but http and https, and URLs with credentials in them;
- hosts that resolve to private, loopback, link-local, multicast or reserved addresses (unless
  ``settings.INGEST_FETCH_ALLOW_PRIVATE``: the tests and the local demo feed serve from 127.0.0.1),
  checked for every address the name resolves to;
- more than ``INGEST_FETCH_MAX_REDIRECTS`` redirects; each redirect's target is checked again;
- answers slower than ``INGEST_FETCH_TIMEOUT`` seconds (connect, each read, and the whole body);
- bodies over ``INGEST_FETCH_MAX_BYTES``, counted as they stream in (a lying Content-Length
  does not help);
- content types the caller does not accept (an article is HTML or plain text; a feed is XML).

Known limit: the name is resolved for the check and again by the HTTP client to connect, so a
DNS server that answers differently within milliseconds (DNS rebinding) could slip past the
check. Run the workers behind an egress firewall when that matters.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

from core.errors import DomainError

HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "application/feed+json",
    # many feeds are served as HTML or plain text by careless servers; feedparser decides
    "text/html",
    "text/plain",
)
USER_AGENT = "ClaimDesk/1.0 (+wire ingestion)"


class FetchRefused(DomainError):
    """The URL was not fetched, or its answer not accepted; the message says why."""


@dataclass(frozen=True)
class Fetched:
    url: str  # the URL asked for
    final_url: str  # where the content came from, after redirects
    content_type: str  # the media type, lower case, without parameters
    charset: str | None
    body: bytes

    def text(self) -> str:
        """The body decoded: the declared charset, else UTF-8 (undecodable bytes replaced)."""
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def _check_url(url: str) -> tuple[str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchRefused(f"{url!r} is not a valid URL ({error}).", field="url") from error
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(f"Only http and https links can be fetched, not {parts.scheme or 'no scheme'}.", field="url")
    if not parts.hostname:
        raise FetchRefused(f"{url!r} names no host.", field="url")
    if parts.username or parts.password:
        raise FetchRefused("Links with a user name or password in them are not fetched.", field="url")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def _check_address(host: str, port: int) -> None:
    """Refuse hosts that resolve to an address inside the desk's own network."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefused(f"The host {host} could not be found.", field="url") from error
    if settings.INGEST_FETCH_ALLOW_PRIVATE:
        return
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise FetchRefused(
                f"The host {host} is at a private, loopback or link-local address ({address}); "
                "the desk does not fetch from its own network.",
                field="url",
            )


def _media_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip("\"' ")
    return media.strip().lower(), charset


def fetch(url: str, *, accept: tuple[str, ...] = HTML_TYPES) -> Fetched:
    """GET ``url`` under the rules in this module's docstring; raise ``FetchRefused`` otherwise."""
    timeout = settings.INGEST_FETCH_TIMEOUT
    limit = settings.INGEST_FETCH_MAX_BYTES
    current = url
    deadline = time.monotonic() + timeout * 3
    with httpx.Client(
        follow_redirects=False, timeout=timeout, headers={"User-Agent": USER_AGENT}, trust_env=False
    ) as client:
        for _hop in range(settings.INGEST_FETCH_MAX_REDIRECTS + 1):
            host, port = _check_url(current)
            _check_address(host, port)
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        if not location:
                            raise FetchRefused(f"{current} redirects without saying where.")
                        current = urljoin(current, location)
                        continue
                    if response.status_code != 200:
                        raise FetchRefused(f"{current} answered {response.status_code} {response.reason_phrase}.")
                    media, charset = _media_type(response.headers.get("content-type", ""))
                    if media not in accept:
                        raise FetchRefused(
                            f"{current} is {media or 'of no stated type'}, not {' or '.join(accept[:2])}."
                        )
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > limit:
                        raise FetchRefused(f"{current} is {int(declared):,} bytes, over the limit of {limit:,} bytes.")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > limit:
                            raise FetchRefused(f"{current} is over the limit of {limit:,} bytes.")
                        if time.monotonic() > deadline:
                            raise FetchRefused(f"{current} took longer than {timeout * 3:g} s to send.")
                    return Fetched(url, current, media, charset, bytes(body))
            except httpx.TimeoutException as error:
                raise FetchRefused(f"{current} did not answer within {timeout:g} s.") from error
            except httpx.HTTPError as error:
                raise FetchRefused(f"{current} could not be fetched: {error or type(error).__name__}.") from error
    raise FetchRefused(f"{url} redirects more than {settings.INGEST_FETCH_MAX_REDIRECTS} times.")
