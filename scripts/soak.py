"""The soak: the desk under concurrent readers and writers, over real HTTP, on its own database.

    .venv/bin/python -m scripts.soak                      # 60 s, 50 readers, 5 writers (make soak)
    .venv/bin/python -m scripts.soak --seconds 10 --readers 8 --editors 2

Everything is local and bounded: a throwaway embedded PostgreSQL in a temporary directory
(scripts/pg.py), migrated and loaded with the seed dataset; gunicorn with DEBUG off in front of
it, told it sits behind a TLS proxy (``X-Forwarded-Proto: https``), as in production. Then, for
``--seconds``:

- **readers** (default 50), each a desk viewer and a partner with its own API key, read the
  desk's pages (the desk, story reader, dispute page, claim page, search), the API (disputes,
  claims, one of each) and the public dispute page;
- **writers** (default 5): editors (``--editors``, 4) who log in with the login form and log
  claims with figures through the story reader's form and through the write API (published),
  add notes (public and internal) through the claim page's form and the API, and change claim
  statuses through the claim edit form and the API with If-Match, all on the same few "hot"
  claims so that they collide; and a partner (``--partners``, 1) following the change feed as
  docs/api.md's sync loop does, fetching every upsert.

A 409 or 412 from an edit collision is the correct answer and is counted apart; anything else
that is not the expected status (a 5xx, a 4xx, a refused or dropped connection, a timeout) is an
error. Afterwards, with the writers stopped:

1. every acknowledged write is in the database: logged claims with their quote and figure, notes
   with their text, status changes as the claim's history event of the version acknowledged; and
   each hot claim's versions were acknowledged exactly once each (no lost update);
2. the partner, having drained the feed, saw every acknowledged write partners can see (each
   published claim, each public note and status change on a visible claim) in a feed page
   received after the write was sent, never saw an unpublished claim, and never saw an internal
   note's text; its copy of every resource is current (If-None-Match answers 304);
3. the feed read again from the start lists each resource at most once per page, and exactly
   the resources of that page's change-log rows that are visible or were once (the collapse
   rule of partners/feed.py), pages contiguous up to the feed's head.

Prints a table (endpoint, requests, conflicts, errors, p50, p95) and the checks; exits 1 on any
error or failed check.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from scripts.pg import ThrowawayServer

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "soak-" + secrets.token_hex(8)
HOT_CLAIMS = 6
STATUSES = ["unverified", "verified", "disputed", "false"]
SEARCHES = ["civilians killed", "ceasefire", "Ganja", "Pashinyan", "Hajiyev", "landmines", "diplomacy", "Interfax"]
REQUEST_TIMEOUT = 60.0


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One simulated user agent: its own cookies and headers, one connection per request (gunicorn's
    sync workers close every connection), behind the TLS proxy the production settings expect."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https", **(headers or {})}
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            sent = {**self.headers, **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            for line in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(line).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            connection.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, data: dict[str, Any] | list[tuple[str, Any]]) -> Reply:
        """A browser's form post: the CSRF token from its cookie, and the Origin a browser sends."""
        items = list(data.items()) if isinstance(data, dict) else list(data)
        items.append(("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": f"{self.origin}{path}",
        }
        return self.request("POST", path, urlencode(items).encode(), headers)

    def send_json(self, method: str, path: str, payload: Any, headers: dict[str, str] | None = None) -> Reply:
        return self.request(
            method, path, json.dumps(payload).encode(), {"Content-Type": "application/json", **(headers or {})}
        )


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- What happened ------------------------------------------------------------------------------


@dataclass
class Ack:
    """A write the server acknowledged, with when it was sent and what it should have left behind."""

    kind: str
    sent_at: float
    data: dict[str, Any]


class Recorder:
    """Latencies and outcomes per endpoint, errors with a sample of each, acknowledged writes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.conflicts: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.unanswered: Counter[str] = Counter()  # refused, dropped or timed out: no status at all
        self.samples: list[str] = []
        self.acks: list[Ack] = []

    def error(self, label: str, detail: str) -> None:
        with self.lock:
            self.errors[label] += 1
            if len(self.samples) < 30:
                self.samples.append(f"{label}: {detail}")

    def ack(self, kind: str, sent_at: float, **data: Any) -> None:
        with self.lock:
            self.acks.append(Ack(kind, sent_at, data))

    def call(
        self, label: str, send: Callable[[], Reply], *, ok: Iterable[int] = (200,), conflict: Iterable[int] = ()
    ) -> Reply | None:
        """Send one request; None unless its status is one of ``ok`` (or ``conflict``, counted apart)."""
        started = time.perf_counter()
        try:
            reply = send()
        except (OSError, http.client.HTTPException) as problem:
            with self.lock:
                self.unanswered[label] += 1
            self.error(label, f"{type(problem).__name__}: {problem}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies[label].append(elapsed)
        if reply.status in ok:
            return reply
        if reply.status in conflict:
            with self.lock:
                self.conflicts[label] += 1
            return reply
        self.error(label, f"HTTP {reply.status}: {reply.text[:300]!r}")
        return None


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# --- The desk, prepared -------------------------------------------------------------------------


@dataclass
class Story:
    pk: int
    public_id: str
    quotes: list[str]


@dataclass
class HotClaim:
    pk: int
    public_id: str
    form: dict[str, str]  # the claim edit form's content fields, which the soak never changes


@dataclass
class Desk:
    """What the clients need to know about the prepared database."""

    port: int = 0
    stories: list[Story] = field(default_factory=list)
    dispute_pks: list[int] = field(default_factory=list)
    published_disputes: list[tuple[int, str]] = field(default_factory=list)
    claim_pks: list[int] = field(default_factory=list)
    visible_claims: list[tuple[int, str]] = field(default_factory=list)
    hot: list[HotClaim] = field(default_factory=list)
    editors: list[tuple[str, str]] = field(default_factory=list)  # (username, API token)
    reader_sessions: list[str] = field(default_factory=list)
    reader_keys: list[str] = field(default_factory=list)
    partner_keys: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_visible_claim(self, pk: int | None, public_id: str) -> None:
        with self.lock:
            self.visible_claims.append((pk or 0, public_id))

    def add_claim_pk(self, pk: int) -> None:
        with self.lock:
            self.claim_pks.append(pk)


def quotes_in(body: str, limit: int = 40) -> list[str]:
    """Sentences of a story that occur once in it: words an editor could select and log."""
    found = []
    for match in re.finditer(r"[A-Z][^.\n]{40,220}\.", body):
        quote = match.group(0).strip()
        if body.count(quote) == 1:
            found.append(quote)
    return found[:limit]


def prepare(desk: Desk, *, readers: int, editors: int, partners: int) -> None:
    """Migrate, load the seeds, collect static files, create the users, sessions and keys (in this process)."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connections
    from rest_framework.authtoken.models import Token

    from claims import roles
    from claims.forms import ClaimEditForm
    from claims.models import Claim, Dispute
    from claims.services import CLAIM_CONTENT_FIELDS
    from partners.models import PartnerKey
    from sources.models import Story as StoryModel

    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_seeds", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)

    users = get_user_model()
    for number in range(1, editors + 1):
        user = users.objects.create_user(f"soak-editor-{number}", password=PASSWORD, is_staff=True)
        user.groups.set([Group.objects.get(name=roles.EDITOR)])
        desk.editors.append((user.username, Token.objects.create(user=user).key))
    viewers = []
    for number in range(1, min(readers, 10) + 1):
        viewer = users.objects.create_user(f"soak-viewer-{number}", password=PASSWORD)
        viewer.groups.set([Group.objects.get(name=roles.VIEWER)])
        viewers.append(viewer)
    # Readers start logged in (a session made here): fifty password hashes at once would measure
    # the login form's deliberate slowness rather than the desk. The editors log in for real.
    for number in range(readers):
        viewer = viewers[number % len(viewers)]
        session = SessionStore()
        session[SESSION_KEY] = str(viewer.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = viewer.get_session_auth_hash()
        session.create()
        desk.reader_sessions.append(session.session_key)
    limit = 2_000_000_000  # the soak measures the desk, not the rate limit
    desk.reader_keys = [
        PartnerKey.objects.create_key(name=f"soak reader {n}", partner=f"Reader {n}", rate_limit=limit)[1]
        for n in range(readers)
    ]
    desk.partner_keys = [
        PartnerKey.objects.create_key(name=f"soak partner {n}", partner=f"Partner {n}", rate_limit=limit)[1]
        for n in range(partners)
    ]

    for story in StoryModel.objects.select_related("current_revision").exclude(current_revision=None):
        quotes = quotes_in(story.current_revision.body)
        if quotes:
            desk.stories.append(Story(story.pk, str(story.public_id), quotes))
    desk.dispute_pks = list(Dispute.objects.active().values_list("pk", flat=True))
    desk.published_disputes = [(d.pk, str(d.public_id)) for d in Dispute.objects.visible()]
    desk.claim_pks = list(Claim.objects.active().values_list("pk", flat=True))
    visible = list(Claim.objects.visible().select_related("speaker").order_by("pk"))
    desk.visible_claims = [(c.pk, str(c.public_id)) for c in visible]
    for claim in random.Random(9).sample(visible, min(HOT_CLAIMS, len(visible))):
        initial = ClaimEditForm.initial_for(claim)
        form = {name: "" if initial[name] is None else str(initial[name]) for name in CLAIM_CONTENT_FIELDS}
        desk.hot.append(HotClaim(claim.pk, str(claim.public_id), form))
    if not (desk.stories and desk.published_disputes and desk.hot):
        raise SystemExit("The seed dataset gave no stories, published disputes or visible claims to work on.")
    connections.close_all()


# --- Readers ------------------------------------------------------------------------------------


def reader(desk: Desk, recorder: Recorder, number: int, stop: threading.Event) -> None:
    rng = random.Random(number)
    browser = Client(desk.port)
    browser.cookies["sessionid"] = desk.reader_sessions[number]
    api = Client(desk.port, {"Authorization": f"Api-Key {desk.reader_keys[number]}", "Accept": "application/json"})
    anyone = Client(desk.port)

    def pick(items: list) -> Any:
        with desk.lock:
            return rng.choice(items)

    pages: list[tuple[int, str, Callable[[], Reply]]] = [
        (2, "GET /", lambda: browser.get("/")),
        (4, "GET /stories/<id>/", lambda: browser.get(f"/stories/{pick(desk.stories).pk}/")),
        (4, "GET /disputes/<id>/", lambda: browser.get(f"/disputes/{pick(desk.dispute_pks)}/")),
        (4, "GET /claims/<id>/", lambda: browser.get(f"/claims/{pick(desk.claim_pks)}/")),
        (3, "GET /search/?q=", lambda: browser.get("/search/?" + urlencode({"q": rng.choice(SEARCHES)}))),
        (2, "GET /api/v1/disputes/", lambda: api.get("/api/v1/disputes/")),
        (3, "GET /api/v1/disputes/<id>/", lambda: api.get(f"/api/v1/disputes/{pick(desk.published_disputes)[1]}/")),
        (
            2,
            "GET /api/v1/claims/?dispute=",
            lambda: api.get("/api/v1/claims/?" + urlencode({"dispute": pick(desk.published_disputes)[1]})),
        ),
        (4, "GET /api/v1/claims/<id>/", lambda: api.get(f"/api/v1/claims/{pick(desk.visible_claims)[1]}/")),
        (2, "GET /public/disputes/<id>/", lambda: anyone.get(f"/public/disputes/{pick(desk.published_disputes)[1]}/")),
    ]
    weights = [weight for weight, _, _ in pages]
    while not stop.is_set():
        _, label, send = rng.choices(pages, weights)[0]
        recorder.call(label, send)


# --- Editors ------------------------------------------------------------------------------------


_CLAIM_LOCATION = re.compile(r"#claim-(\d+)$")
_VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')
_SELECTED_STATUS = re.compile(r'<select name="status"[^>]*>.*?<option value="(\w+)"[^>]*selected', re.DOTALL)
_ETAG_VERSION = re.compile(r'"v(\d+)\.')


class Editor:
    def __init__(self, desk: Desk, recorder: Recorder, number: int) -> None:
        self.desk, self.recorder = desk, recorder
        self.number, self.rng = number, random.Random(1000 + number)
        self.username, token = desk.editors[number]
        self.browser = Client(desk.port)
        self.api = Client(desk.port, {"Authorization": f"Token {token}", "Accept": "application/json"})

    def login(self) -> bool:
        rec = self.recorder
        if rec.call("GET /accounts/login/", lambda: self.browser.get("/accounts/login/")) is None:
            return False
        reply = rec.call(
            "POST /accounts/login/",
            lambda: self.browser.post_form("/accounts/login/", {"username": self.username, "password": PASSWORD}),
            ok=(302,),
        )
        return reply is not None

    def figure(self) -> dict[str, Any]:
        return {"measure": self.rng.choice(["killed", "wounded", "displaced"]), "value": self.rng.randint(1, 5000)}

    def log_claim_with_form(self) -> None:
        story = self.rng.choice(self.desk.stories)
        dispute_pk, _ = self.rng.choice(self.desk.published_disputes)
        quote, figure = self.rng.choice(story.quotes), self.figure()
        form = {
            "quote": quote,
            "mode": "paraphrase",
            "speaker": "",
            "dispute": str(dispute_pk),
            "stance": "asserts",
            "new_dispute_kind": "other",
            "figures-TOTAL_FORMS": "1",
            "figures-INITIAL_FORMS": "0",
            "figures-MIN_NUM_FORMS": "0",
            "figures-MAX_NUM_FORMS": "12",
            "figures-0-measure": figure["measure"],
            "figures-0-value": str(figure["value"]),
            "figures-0-qualifier": "exact",
            "figures-0-counted": "civilians",
            "figures-0-tally": "total",
            "save": "1",
        }
        sent = time.monotonic()
        path = f"/stories/{story.pk}/claims/new/"
        label = "POST /stories/<id>/claims/new/"
        reply = self.recorder.call(label, lambda: self.browser.post_form(path, form), ok=(302,))
        if reply is None:
            return
        match = _CLAIM_LOCATION.search(reply.headers.get("location", ""))
        if match is None:
            self.recorder.error(label, f"no claim in the redirect: {reply.headers}")
            return
        pk = int(match.group(1))
        self.recorder.ack("claim (form)", sent, pk=pk, quote=quote, figure=figure, published=False)
        self.desk.add_claim_pk(pk)

    def log_claim_with_api(self) -> None:
        story = self.rng.choice(self.desk.stories)
        _, dispute = self.rng.choice(self.desk.published_disputes)
        quote, figure = self.rng.choice(story.quotes), self.figure()
        payload = {
            "story": story.public_id,
            "quote": quote,
            "mode": "paraphrase",
            "disputes": [{"dispute": dispute, "stance": "asserts"}],
            "figures": [{**figure, "qualifier": "at_least", "counted": "people"}],
            "publish": True,
        }
        sent = time.monotonic()
        reply = self.recorder.call(
            "POST /api/v1/claims/", lambda: self.api.send_json("POST", "/api/v1/claims/", payload), ok=(201,)
        )
        if reply is None:
            return
        public_id = reply.json()["id"]
        self.recorder.ack("claim (API)", sent, public_id=public_id, quote=quote, figure=figure, published=True)
        self.desk.add_visible_claim(None, public_id)

    def add_note_with_form(self) -> None:
        claim_pk = self.rng.choice([*(h.pk for h in self.desk.hot), *self.desk.claim_pks[-20:]])
        public = self.rng.random() < 0.5
        marker = f"soak-note-{uuid.uuid4()}"
        sent = time.monotonic()
        reply = self.recorder.call(
            "POST /claims/<id>/notes/",
            lambda: self.browser.post_form(
                f"/claims/{claim_pk}/notes/",
                {"body": f"Checked with the agency ({marker}).", "visibility": "public" if public else "internal"},
            ),
            ok=(302,),
        )
        if reply is not None:
            self.recorder.ack("note (form)", sent, claim_pk=claim_pk, marker=marker, public=public)

    def add_note_with_api(self) -> None:
        with self.desk.lock:
            _, claim = self.rng.choice(self.desk.visible_claims)
        public = self.rng.random() < 0.5
        marker = f"soak-note-{uuid.uuid4()}"
        payload = {"body": f"Figure excludes military losses ({marker}).", "is_public": public, "claim": claim}
        sent = time.monotonic()
        reply = self.recorder.call(
            "POST /api/v1/annotations/",
            lambda: self.api.send_json("POST", "/api/v1/annotations/", payload),
            ok=(201,),
        )
        if reply is not None:
            self.recorder.ack("note (API)", sent, claim_public_id=claim, marker=marker, public=public)

    def change_status_with_api(self) -> None:
        hot = self.rng.choice(self.desk.hot)
        path = f"/api/v1/claims/{hot.public_id}/"
        current = self.recorder.call("GET /api/v1/claims/<id>/ (desk)", lambda: self.api.get(path))
        if current is None:
            return
        status = self.rng.choice([s for s in STATUSES if s != current.json()["status"]])
        sent = time.monotonic()
        reply = self.recorder.call(
            "PATCH /api/v1/claims/<id>/",
            lambda: self.api.send_json("PATCH", path, {"status": status}, {"If-Match": current.headers["etag"]}),
            conflict=(412,),
        )
        if reply is not None and reply.status == 200:
            version = int(_ETAG_VERSION.match(reply.headers["etag"]).group(1))
            self.recorder.ack("status (API)", sent, claim_pk=hot.pk, version=version, status=status)

    def change_status_with_form(self) -> None:
        hot = self.rng.choice(self.desk.hot)
        path = f"/claims/{hot.pk}/edit/"
        page = self.recorder.call("GET /claims/<id>/edit/", lambda: self.browser.get(path))
        if page is None:
            return
        version, shown = _VERSION_INPUT.search(page.text), _SELECTED_STATUS.search(page.text)
        if version is None or shown is None:
            self.recorder.error("GET /claims/<id>/edit/", "the edit form has no version or status")
            return
        status = self.rng.choice([s for s in STATUSES if s != shown.group(1)])
        form = {**hot.form, "status": status, "version": version.group(1)}
        sent = time.monotonic()
        reply = self.recorder.call(
            "POST /claims/<id>/edit/", lambda: self.browser.post_form(path, form), ok=(302,), conflict=(409,)
        )
        if reply is not None and reply.status == 302:
            self.recorder.ack("status (form)", sent, claim_pk=hot.pk, version=int(version.group(1)) + 1, status=status)

    def run(self, stop: threading.Event) -> None:
        actions = [
            (2, self.log_claim_with_form),
            (3, self.log_claim_with_api),
            (2, self.add_note_with_form),
            (2, self.add_note_with_api),
            (2, self.change_status_with_api),
            (2, self.change_status_with_form),
        ]
        # the first round does each write once, each editor starting at another one, so that even a
        # short run makes every kind; then rounds of every action its weight's number of times, shuffled
        first = [action for _, action in actions]
        shift = (self.number * 3) % len(first)
        round_ = first[shift:] + first[:shift]
        while not stop.is_set():
            for action in round_:
                if stop.is_set():
                    break
                action()
            round_ = [action for weight, action in actions for _ in range(weight)]
            self.rng.shuffle(round_)


# --- The partner --------------------------------------------------------------------------------


@dataclass
class FeedPage:
    received_at: float
    entries: list[tuple[str, str, str]]  # (resource, public id, action)


class Partner:
    """docs/api.md's sync loop: a full pull of the disputes after taking the feed's head, then
    the change feed from that cursor, fetching every upsert, dropping every tombstone."""

    def __init__(self, desk: Desk, recorder: Recorder, key: str) -> None:
        self.desk, self.recorder = desk, recorder
        self.client = Client(desk.port, {"Authorization": f"Api-Key {key}", "Accept": "application/json"})
        self.cursor: str | None = None
        self.pages: list[FeedPage] = []
        # (resource, id) -> (ETag of the record fetched alone, or None when it came in a list; the record)
        self.store: dict[tuple[str, str], tuple[str | None, Any]] = {}
        self.fetched: list[bytes] = []
        self.unchanged_upserts: Counter[str] = Counter()

    def sync(self) -> bool:
        """One pass until has_more is false. False when a request failed."""
        while True:
            path = "/api/v1/changes/?" + (urlencode({"cursor": self.cursor}) if self.cursor else "")
            reply = self.recorder.call("GET /api/v1/changes/", lambda path=path: self.client.get(path))
            if reply is None:
                return False
            page = reply.json()
            entries = [(c["resource"], c["id"], c["action"]) for c in page["changes"]]
            self.pages.append(FeedPage(time.monotonic(), entries))
            for change in page["changes"]:
                key = (change["resource"], change["id"])
                if change["action"] == "tombstone":
                    self.store.pop(key, None)
                    continue
                label = f"GET {change['resource']} (partner sync)"
                record = self.recorder.call(label, lambda c=change: self.client.get(path_of(c["url"])), conflict=(404,))
                if record is not None and record.status == 200:
                    if self.store.get(key, (None,))[0] == record.headers["etag"]:
                        # told to fetch it again, though nothing partners see in it changed
                        self.unchanged_upserts[change["resource"]] += 1
                    self.store[key] = (record.headers["etag"], record.json())
                    self.fetched.append(record.body)
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return True

    def full_pull(self) -> bool:
        head = self.recorder.call("GET /api/v1/changes/head/", lambda: self.client.get("/api/v1/changes/head/"))
        if head is None:
            return False
        cursor, path = head.json()["cursor"], "/api/v1/disputes/"
        while path:
            reply = self.recorder.call("GET /api/v1/disputes/ (partner pull)", lambda p=path: self.client.get(p))
            if reply is None:
                return False
            page = reply.json()
            for dispute in page["results"]:
                self.store[("dispute", dispute["id"])] = (None, dispute)
            path = path_of(page["next"]) if page["next"] else None
        self.cursor = cursor
        return True

    def run(self, stop: threading.Event, drain: threading.Event) -> None:
        """Follow the feed (after ``full_pull``) until ``stop``; once ``drain`` is set, catch up."""
        while not stop.is_set():
            self.sync()
            stop.wait(0.5)
        drain.wait()
        # the writers have stopped: two passes, so that nothing committed at the very end is missed
        self.sync()
        time.sleep(1.0)
        self.sync()


# --- Checks afterwards --------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    failures: list[str] = field(default_factory=list)
    note: str = ""

    def fail(self, message: str) -> None:
        self.failures.append(message)


def check_database(acks: list[Ack], hot: list[HotClaim]) -> Check:
    from django.apps import apps

    from claims.models import Annotation, Claim

    check = Check("every acknowledged write is in the database")
    claim_event = apps.get_model("claims", "ClaimEvent")
    claims = {ack.data["pk"]: ack for ack in acks if ack.kind == "claim (form)"}
    found = {c.pk: c for c in Claim.objects.filter(pk__in=claims).prefetch_related("figures")}
    by_public = {ack.data["public_id"]: ack for ack in acks if ack.kind == "claim (API)"}
    for claim in Claim.objects.filter(public_id__in=by_public).prefetch_related("figures"):
        found[str(claim.public_id)] = claim
    for key, ack in [*claims.items(), *by_public.items()]:
        claim = found.get(key)
        if claim is None:
            check.fail(f"{ack.kind} {key} is missing")
            continue
        figures = [(f.measure, f.value) for f in claim.figures.all()]
        logged = ack.data["figure"]
        if claim.quote != ack.data["quote"] or figures != [(logged["measure"], logged["value"])]:
            check.fail(f"{ack.kind} {key} differs: {claim.quote!r} {figures}")
        if claim.is_published != ack.data["published"]:
            check.fail(f"{ack.kind} {key}: is_published is {claim.is_published}")
        if ack.data["published"] and not Claim.objects.visible().filter(pk=claim.pk).exists():
            check.fail(f"{ack.kind} {key} was published into a published dispute but is not visible")
    markers = {ack.data["marker"]: ack for ack in acks if ack.kind.startswith("note")}
    notes = Annotation.objects.filter(body__contains="soak-note-").select_related("claim")
    seen = Counter(re.search(r"soak-note-[0-9a-f-]{36}", n.body).group(0) for n in notes)
    public = {re.search(r"soak-note-[0-9a-f-]{36}", n.body).group(0): n.is_public for n in notes}
    for marker, ack in markers.items():
        if seen[marker] != 1:
            check.fail(f"{ack.kind} {marker} is in the database {seen[marker]} times")
        elif public[marker] != ack.data["public"]:
            check.fail(f"{ack.kind} {marker}: is_public is {public[marker]}")
    statuses = [ack for ack in acks if ack.kind.startswith("status")]
    versions: dict[int, Counter[int]] = defaultdict(Counter)
    for ack in statuses:
        versions[ack.data["claim_pk"]][ack.data["version"]] += 1
        event = claim_event.objects.filter(pgh_obj_id=ack.data["claim_pk"], version=ack.data["version"]).first()
        if event is None or event.status != ack.data["status"]:
            check.fail(
                f"{ack.kind} of claim {ack.data['claim_pk']} to {ack.data['status']} (v{ack.data['version']}) "
                f"is not in its history: {getattr(event, 'status', None)}"
            )
    for claim in Claim.objects.filter(pk__in=[h.pk for h in hot]):
        acknowledged = versions[claim.pk]
        twice = sorted(v for v, n in acknowledged.items() if n > 1)
        if twice:
            check.fail(f"claim {claim.pk}: versions {twice} were acknowledged to two editors (a lost update)")
        unacknowledged = sorted(set(range(2, claim.version + 1)) - set(acknowledged))
        if unacknowledged:
            check.fail(f"claim {claim.pk}: versions {unacknowledged} were saved but never acknowledged")
    check.note = (
        f"{len(claims) + len(by_public)} claims with figures, {len(markers)} notes, {len(statuses)} status changes"
    )
    return check


def check_partner(partner: Partner, acks: list[Ack], pool_size: int = 8) -> Check:
    """The partner saw every write it may see, after it was sent; nothing it may not; its copy is current."""
    check = Check("the partner's feed saw every acknowledged published write; its copy is current")
    from claims.models import Claim

    for index, page in enumerate(partner.pages):
        keys = [(resource, public_id) for resource, public_id, _ in page.entries]
        if len(keys) != len(set(keys)):
            check.fail(f"live page {index} lists a resource twice: {Counter(keys).most_common(1)}")
    upserted_at: dict[tuple[str, str], list[float]] = defaultdict(list)
    for page in partner.pages:
        for resource, public_id, action in page.entries:
            if action == "upsert":
                upserted_at[(resource, public_id)].append(page.received_at)
    pk_to_public = dict(Claim.objects.values_list("pk", "public_id"))
    visible = {str(p) for p in Claim.objects.visible().values_list("public_id", flat=True)}
    expected = 0
    for ack in acks:
        if ack.kind == "claim (API)":
            public_id = ack.data["public_id"]
        elif ack.kind in ("note (form)", "status (form)", "status (API)") and ack.data.get("public", True):
            public_id = str(pk_to_public[ack.data["claim_pk"]])
        elif ack.kind == "note (API)" and ack.data["public"]:
            public_id = ack.data["claim_public_id"]
        else:
            continue
        if public_id not in visible:
            continue
        expected += 1
        if not any(at > ack.sent_at for at in upserted_at.get(("claim", public_id), [])):
            check.fail(f"{ack.kind} on claim {public_id} never reached the partner's feed")
    hidden = {
        str(pk_to_public[ack.data["pk"]]) for ack in acks if ack.kind == "claim (form)" and not ack.data["published"]
    }
    leaked = hidden & {public_id for page in partner.pages for _, public_id, _ in page.entries}
    if leaked:
        check.fail(f"unpublished claims in the feed: {sorted(leaked)[:5]}")
    internal = [ack.data["marker"] for ack in acks if ack.kind.startswith("note") and not ack.data["public"]]
    fetched = b"\n".join(partner.fetched)
    for marker in internal:
        if marker.encode() in fetched:
            check.fail(f"an internal note reached the partner: {marker}")

    listed: dict[str, Any] = {}
    path: str | None = "/api/v1/disputes/"
    while path:
        page = partner.client.get(path).json()
        listed.update({dispute["id"]: dispute for dispute in page["results"]})
        path = path_of(page["next"]) if page["next"] else None

    def current(item: tuple[tuple[str, str], tuple[str | None, Any]]) -> str | None:
        (resource, public_id), (etag, record) = item
        if etag is None:  # from the full pull's list: compare with the list as it is now
            return None if listed.get(public_id) == record else f"{resource} {public_id}: the partner's copy is stale"
        reply = partner.client.get(path_of(record["url"]), {"If-None-Match": etag})
        if reply.status == 304:
            return None
        return f"{resource} {record['url']}: {reply.status} (the partner's copy is stale)"

    with ThreadPoolExecutor(pool_size) as pool:
        for problem in pool.map(current, list(partner.store.items())):
            if problem:
                check.fail(problem)
    check.note = (
        f"{len(partner.pages)} feed pages, {expected} writes partners can see, {len(partner.store)} records "
        f"kept, {len(internal)} internal notes kept out; upserts of unchanged records: "
        f"{dict(partner.unchanged_upserts) or 'none'}"
    )
    return check


def check_feed_from_start(client: Client) -> Check:
    """Read the whole feed again from the start; compare each page with its change-log rows."""
    from django.db import connection

    from partners import feed
    from partners.models import Exposure

    check = Check("the feed from the start: each resource once per page, exactly its rows' resources")
    previous, cursor, pages, entries = feed.START, None, 0, 0
    while True:
        query = "?" + urlencode({"cursor": cursor, "limit": 500}) if cursor else "?limit=500"
        reply = client.get(f"/api/v1/changes/{query}")
        if reply.status != 200:
            check.fail(f"the feed answered {reply.status}")
            return check
        page = reply.json()
        position = feed.Position.decode(page["cursor"])
        got = [(c["resource"], c["id"], c["action"]) for c in page["changes"]]
        keys = [(resource, public_id) for resource, public_id, _ in got]
        if len(keys) != len(set(keys)):
            check.fail(f"page {pages} lists a resource twice")
        if page["changes"] and not position > previous:
            check.fail(f"page {pages}: the cursor went backwards")
        with connection.cursor() as rows:
            rows.execute(
                "SELECT DISTINCT resource, public_id::text FROM partners_change "
                "WHERE (txid, id) > (%s::text::xid8, %s) AND (txid, id) <= (%s::text::xid8, %s)",
                [str(previous.txid), previous.id, str(position.txid), position.id],
            )
            logged = set(rows.fetchall())
        for resource, public_id, _ in got:
            if (resource, public_id) not in logged:
                with connection.cursor() as rows:
                    rows.execute(
                        "SELECT txid::text, id, resource, public_id::text FROM partners_change WHERE public_id = %s",
                        [public_id],
                    )
                    found = rows.fetchall()
                check.fail(
                    f"page {pages}: {resource} {public_id} has no change-log row in the page's range "
                    f"({previous}, {position}]: {found}"
                )
        shown = set(keys)
        for name, spec in feed.RESOURCES.items():
            ids = {public_id for resource, public_id in logged if resource == name}
            if not ids:
                continue
            visible = {str(p) for p in spec.visible().filter(public_id__in=ids).values_list("public_id", flat=True)}
            exposures = Exposure.objects.filter(resource=name, public_id__in=ids)
            exposed = {str(p) for p in exposures.values_list("public_id", flat=True)}
            for public_id in ids:
                if public_id in visible and (name, public_id, "upsert") not in got:
                    check.fail(f"page {pages}: visible {name} {public_id} changed but is not an upsert in the page")
                elif public_id not in visible and public_id not in exposed and (name, public_id) in shown:
                    check.fail(f"page {pages}: never-published {name} {public_id} is in the page")
        pages += 1
        entries += len(got)
        previous, cursor = position, page["cursor"]
        if not page["has_more"]:
            break
    if previous != feed.head():
        check.fail(f"the last page ends at {previous}, not at the feed's head {feed.head()}")
    check.note = f"{pages} pages, {entries} entries"
    return check


# --- Running it ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(desk: Desk, env: dict[str, str], workers: int, log: Path) -> subprocess.Popen:
    desk.port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi",
        "--workers", str(workers),
        "--bind", f"127.0.0.1:{desk.port}",
        "--timeout", "120",
        "--graceful-timeout", "20",
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)  # noqa: S603
    probe, deadline = Client(desk.port), time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited at start:\n{log.read_text()[-3000:]}")
        try:
            if probe.get("/accounts/login/").status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def warm_up(desk: Desk, workers: int) -> None:
    """A few unrecorded requests per worker first: each gunicorn worker loads the app, compiles
    URL patterns and templates on its first requests, which is start-up, not load."""
    client = Client(desk.port)
    client.cookies["sessionid"] = desk.reader_sessions[0]
    api = Client(desk.port, {"Authorization": f"Api-Key {desk.reader_keys[0]}"})
    paths = [
        (client, "/"),
        (client, f"/stories/{desk.stories[0].pk}/"),
        (client, f"/disputes/{desk.dispute_pks[0]}/"),
        (client, f"/claims/{desk.claim_pks[0]}/"),
        (client, "/search/?q=ceasefire"),
        (api, "/api/v1/disputes/"),
        (api, f"/api/v1/claims/{desk.visible_claims[0][1]}/"),
    ]
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda item: item[0].get(item[1]), paths * workers))


def run_threads(targets: list[Callable[[], None]]) -> list[threading.Thread]:
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    return threads


def guarded(recorder: Recorder, label: str, body: Callable[[], None]) -> Callable[[], None]:
    """A thread's body: a crash in the soak itself is an error too, never a silent stop."""

    def run() -> None:
        try:
            body()
        except Exception:  # reported as an error, with its traceback
            recorder.error(label, traceback.format_exc(limit=3))

    return run


def report(recorder: Recorder, checks: list[Check], seconds: float, args: argparse.Namespace) -> dict[str, Any]:
    rows = []
    for label in sorted(set(recorder.latencies) | set(recorder.errors)):
        values = recorder.latencies.get(label, [])
        rows.append(
            {
                "endpoint": label,
                "requests": len(values) + recorder.unanswered[label],
                "conflicts": recorder.conflicts[label],
                "errors": recorder.errors[label],
                "p50_ms": round(percentile(values, 0.50) * 1000),
                "p95_ms": round(percentile(values, 0.95) * 1000),
            }
        )
    total = sum(row["requests"] for row in rows)
    width = max(len(row["endpoint"]) for row in rows) if rows else 10
    print(f"\n{'endpoint':<{width}}  {'requests':>8}  {'conflicts':>9}  {'errors':>6}  {'p50 ms':>7}  {'p95 ms':>7}")
    for row in rows:
        print(
            f"{row['endpoint']:<{width}}  {row['requests']:>8}  {row['conflicts']:>9}  {row['errors']:>6}  "
            f"{row['p50_ms']:>7}  {row['p95_ms']:>7}"
        )
    errors = sum(recorder.errors.values())
    print(f"{'all':<{width}}  {total:>8}  {sum(recorder.conflicts.values()):>9}  {errors:>6}")
    print(
        f"\n{seconds:.0f} s, {args.readers} readers, {args.editors} editors, {args.partners} partner(s), "
        f"{args.workers} gunicorn workers, {os.cpu_count()} cores; {total / seconds:.0f} requests/s"
    )
    kinds = Counter(ack.kind for ack in recorder.acks)
    print("acknowledged writes: " + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())))
    for sample in recorder.samples:
        print(f"  error: {sample}")
    for check in checks:
        mark = "ok " if not check.failures else "FAILED"
        print(f"{mark} {check.name} ({check.note})")
        for failure in check.failures[:10]:
            print(f"     {failure}")
    return {
        "seconds": seconds,
        "requests": total,
        "errors": errors,
        "conflicts": sum(recorder.conflicts.values()),
        "endpoints": rows,
        "acknowledged": dict(kinds),
        "checks": {check.name: check.failures for check in checks},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="How long the load runs (default 60).")
    parser.add_argument("--readers", type=int, default=50, help="Concurrent readers (default 50).")
    parser.add_argument("--editors", type=int, default=4, help="Concurrent editors writing (default 4).")
    parser.add_argument("--partners", type=int, default=1, help="Partners syncing the feed (default 1).")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers.")
    parser.add_argument("--json", type=Path, help="Also write the results here, as JSON.")
    args = parser.parse_args(argv)
    if min(args.readers, args.editors, args.partners, args.workers) < 1 or args.seconds <= 0:
        parser.error("--seconds, --readers, --editors, --partners and --workers must be positive")

    recorder, desk = Recorder(), Desk()
    with ThrowawayServer(prefix="claimdesk-soak-pg-") as pg:
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"},
            "DATABASE_URL": pg.url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_STATIC_ROOT": str(pg.root / "static"),
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        os.environ.update(env)
        os.environ.pop("PYTEST_VERSION", None)
        print(f"Preparing a throwaway database in {pg.root} ...", flush=True)
        prepare(desk, readers=args.readers, editors=args.editors, partners=args.partners)
        server = start_gunicorn(desk, env, args.workers, pg.root / "gunicorn.log")
        try:
            print(f"gunicorn on 127.0.0.1:{desk.port}; load for {args.seconds:.0f} s ...", flush=True)
            stop, drain = threading.Event(), threading.Event()
            partners = [Partner(desk, recorder, key) for key in desk.partner_keys]
            editors = [Editor(desk, recorder, n) for n in range(args.editors)]
            warm_up(desk, args.workers)
            logged_in = [editor for editor in editors if editor.login()]
            # the partners' first copy and cursor come before any write, so every write is theirs to see
            pulled = [partner for partner in partners if partner.full_pull()]
            if len(logged_in) != len(editors) or len(pulled) != len(partners):
                raise SystemExit(f"An editor could not log in or a partner could not pull: {recorder.samples}")
            workers = run_threads(
                [guarded(recorder, "reader", lambda n=n: reader(desk, recorder, n, stop)) for n in range(args.readers)]
                + [guarded(recorder, "editor", lambda e=e: e.run(stop)) for e in editors]
            )
            syncing = run_threads([guarded(recorder, "partner", lambda p=p: p.run(stop, drain)) for p in partners])
            started = time.monotonic()
            time.sleep(args.seconds)
            stop.set()
            for thread in workers:
                thread.join(REQUEST_TIMEOUT + 10)
            elapsed = time.monotonic() - started
            drain.set()
            for thread in syncing:
                thread.join(300)
            print("Checking ...", flush=True)
            checks = [check_database(recorder.acks, desk.hot)]
            checks += [check_partner(partner, recorder.acks) for partner in partners]
            checks.append(check_feed_from_start(partners[0].client if partners else Client(desk.port)))
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        from django.db import connections

        connections.close_all()
        results = report(recorder, checks, elapsed, args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    failed = results["errors"] or any(check.failures for check in checks)
    print("\nSOAK FAILED" if failed else "\nSOAK PASSED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
