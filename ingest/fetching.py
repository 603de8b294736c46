"""Fetching feeds and article pages from the web, safely: the one place the desk reaches out.

Every fetch goes through :func:`fetch`, which refuses, with a reason an editor can read:
- any scheme but http and https, and URLs with credentials in them;
- hosts that resolve to private, loopback, link-local, multicast or reserved addresses (unless
  ``settings.INGEST_FETCH_ALLOW_PRIVATE``: the tests and the local demo feed serve from 127.0.0.1),
  checked for every address the name resolves to. The name is resolved once per request and the
  connection goes to the address checked (pinned: the URL names the address, the ``Host`` header
  and TLS's server name and certificate check the host), so a DNS server answering differently a
  moment later (DNS rebinding) cannot send the request inside the network;
- more than ``INGEST_FETCH_MAX_REDIRECTS`` redirects; each redirect's target is checked again;
- answers slower than ``INGEST_FETCH_TIMEOUT`` seconds (connect, each read, and the whole body);
- bodies over ``INGEST_FETCH_MAX_BYTES``, counted as they stream in (a lying Content-Length
  does not help);
- content types the caller does not accept (an article is HTML or plain text; a feed is XML).
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


def _check_url(url: str) -> tuple[httpx.URL, int]:
    """The URL to fetch, parsed, and its port; ``FetchRefused`` unless it is a plain web address."""
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
    try:
        target = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise FetchRefused(f"{url!r} is not a valid URL ({error}).", field="url") from error
    return target, port or (443 if parts.scheme == "https" else 80)


def _address(host: str, port: int) -> str:
    """The one address a request to ``host`` connects to, after refusing hosts that resolve to an
    address inside the desk's own network (any of their addresses)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefused(f"The host {host} could not be found.", field="url") from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise FetchRefused(f"The host {host} could not be found.", field="url")
    for address in addresses:
        if not settings.INGEST_FETCH_ALLOW_PRIVATE and (not address.is_global or address.is_multicast):
            raise FetchRefused(
                f"The host {host} is at a private, loopback or link-local address ({address}); "
                "the desk does not fetch from its own network.",
                field="url",
            )
    return str(addresses[0])


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
    for _hop in range(settings.INGEST_FETCH_MAX_REDIRECTS + 1):
        target, port = _check_url(current)
        name = target.raw_host.decode("ascii")
        # pinned: to the address just checked, never to what a second lookup might answer
        pinned = target.copy_with(host=_address(name, port), fragment=None)
        headers = {"Host": target.netloc.decode("ascii"), "User-Agent": USER_AGENT}
        try:
            # a client per hop: a connection is never reused for another host behind the same address
            with (
                httpx.Client(follow_redirects=False, timeout=timeout, headers=headers, trust_env=False) as client,
                client.stream("GET", pinned, extensions={"sni_hostname": name}) as response,
            ):
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
                    raise FetchRefused(f"{current} is {media or 'of no stated type'}, not {' or '.join(accept[:2])}.")
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
