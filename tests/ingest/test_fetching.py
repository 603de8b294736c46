"""Safe fetching: what the desk refuses to fetch, and why (the local-server cases are in
test_feeds.py and test_links.py)."""

from __future__ import annotations

import socket

import pytest

from ingest.fetching import FetchRefused, fetch


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.org/story.txt", "Only http and https"),
        ("file:///etc/passwd", "Only http and https"),
        ("http://user:secret@example.org/", "user name or password"),
        ("http:///nohost", "names no host"),
        ("http://[::1", "not a valid URL"),
    ],
)
def test_links_that_are_not_plain_web_addresses_are_refused(url, words):
    with pytest.raises(FetchRefused, match=words):
        fetch(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/admin/",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
    ],
)
def test_the_desks_own_network_is_refused_unless_configured(settings, url):
    settings.INGEST_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchRefused, match="private, loopback or link-local"):
        fetch(url)


def test_a_private_address_behind_a_redirect_is_refused(settings, web):
    target = web.route("/secret", "<html><body>internal</body></html>")
    start = web.redirect("/go", target)
    settings.INGEST_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchRefused, match="private, loopback or link-local"):
        fetch(start)
    assert "/secret" not in web.hits


def test_a_host_that_does_not_exist_is_named():
    with pytest.raises(FetchRefused, match="could not be found"):
        fetch("http://no-such-host.invalid/")


class Resolver:
    """A DNS server that answers ``name`` with each of ``answers`` in turn (the last one for ever
    after), as a rebinding server does; other names are resolved as usual."""

    def __init__(self, monkeypatch, name: str, *answers: str) -> None:
        self.name, self.answers, self.asked = name, list(answers), 0
        real = socket.getaddrinfo

        def getaddrinfo(host, port, *args, **kwargs):
            if host != name:
                return real(host, port, *args, **kwargs)
            address = self.answers[min(self.asked, len(self.answers) - 1)]
            self.asked += 1
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_the_request_goes_to_the_address_that_was_checked(web, monkeypatch):
    # checked at 127.0.0.1 (allowed here), then rebound to an address that never answers
    dns = Resolver(monkeypatch, "wire.test", "127.0.0.1", "10.255.255.1")
    web.route("/story", "<html><body><p>The story.</p></body></html>")
    port = web.server.server_port
    page = fetch(f"http://wire.test:{port}/story")
    assert b"The story." in page.body and page.final_url == f"http://wire.test:{port}/story"
    assert dns.asked == 1  # resolved once, for the check; the connection used that answer
    assert web.hosts == [f"wire.test:{port}"]  # the server is asked for the host, not the address


def test_a_host_rebound_into_the_desks_network_after_the_check_is_not_reached(settings, web, monkeypatch):
    # a public address when checked, the desk's own machine a moment later
    dns = Resolver(monkeypatch, "rebind.test", "93.184.215.14", "127.0.0.1")
    web.route("/secret", "<html><body>internal</body></html>")
    settings.INGEST_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(FetchRefused, match=r"rebind\.test"):
        fetch(f"http://rebind.test:{web.server.server_port}/secret")
    assert dns.asked == 1 and "/secret" not in web.hits


def test_each_redirect_is_resolved_checked_and_pinned_again(web, monkeypatch):
    dns = Resolver(monkeypatch, "wire.test", "127.0.0.1", "127.0.0.1", "10.255.255.1")
    port = web.server.server_port
    web.route("/final", "<html><body><p>Arrived.</p></body></html>")
    web.redirect("/start", f"http://wire.test:{port}/final")
    assert b"Arrived." in fetch(f"http://wire.test:{port}/start").body
    assert dns.asked == 2 and web.hosts == [f"wire.test:{port}"] * 2
