"""Safe fetching: what the desk refuses to fetch, and why (the local-server cases are in
test_feeds.py and test_links.py)."""

from __future__ import annotations

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
