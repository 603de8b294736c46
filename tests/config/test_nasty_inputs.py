"""Every desk page and form, fed the nastiest inputs a fuzzer sends (huge, deeply nested, NUL
bytes, lone surrogates, invalid UTF-8, numbers past any column, odd digits and dates) in every
query parameter and form field, by a user holding every desk role: nothing answers 5xx, and a
refused request changes nothing.

The pages are found by walking the URL configuration, so a new page is covered as soon as it
exists (a path argument this test cannot fill fails it, asking to be taught).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from claims import roles, services
from claims.forms import AnnotationForm, ClaimEditForm, ClaimLogForm, FigureEditForm, FigureForm, RestoreForm
from claims.forms_inbox import DisputeFilterForm, StoryFilterForm
from claims.merging import actor_merge
from claims.models import Alert, Annotation, Claim, Dispute, Figure, Review
from claims.views.reviews import ReviewForm
from claims.views.search import SearchForm
from ingest.forms import FeedForm, LinkImportForm
from ingest.models import Feed
from sources.forms import StoryImportForm
from sources.models import Story
from tests.claims.views.helpers import PASHINIAN_STORY, log_data
from tests.factories import ActorFactory, UserFactory

pytestmark = pytest.mark.django_db

# Already percent-encoded, so that bytes no str can hold (a lone surrogate's UTF-8, invalid
# UTF-8) reach the server as a client would send them.
NASTY = {
    "huge": quote("x" * 10_000),
    "huge-number": "9" * 5_000,  # past Python's 4,300-digit limit for int()
    "past-int64": "9" * 30,
    "negative": "-1",
    "deep-list": quote("[" * 2_000 + "]" * 2_000),
    "deep-object": quote('{"a":' * 1_000 + "1" + "}" * 1_000),
    "nul": "a%00b",
    "surrogate": "%ED%A0%80",
    "surrogate-pair-halves": "%ED%A0%BD%ED%B8%80",
    "invalid-utf8": "%FF%FE%C3",
    "odd-digits": quote("¹²³"),
    "arabic-digits": quote("٣٤"),
    "date-min": "0001-01-01",
    "date-max": "9999-12-31",
    "float": "1e309",
    "markup": quote("<script>alert(1)</script>' OR 1=1 --"),
    "invisible": quote("\u202e\u200b\ufeff"),
    "blank": "%20%20",
}

# What goes into every parameter at once (the rest, the plainer ones, field by field below).
EVERYWHERE = [label for label in NASTY if label not in {"negative", "float", "blank", "date-min"}]

FORMS = [
    ClaimLogForm, ClaimEditForm, FigureForm, RestoreForm, AnnotationForm, ReviewForm, SearchForm, StoryImportForm,
    StoryFilterForm, DisputeFilterForm, FeedForm, LinkImportForm,
]  # fmt: skip
# Parameters views read straight from the request, and the figure formset's management fields.
RAW_NAMES = [
    "duplicate", "supersedes", "fingerprint", "quote", "start", "end", "suggestion", "version", "current_version",
    "resolve",
    "publish", "rev", "page", "claims", "panel", "part", "by", "internal", "list", "speaker", "q",
    "dispute", "event", "reason", "username", "password", "next", "cursor", "figures-TOTAL_FORMS",
    "figures-INITIAL_FORMS", "figures-MIN_NUM_FORMS", "figures-MAX_NUM_FORMS",
]  # fmt: skip
NAMES = sorted(
    {name for form in FORMS for name in form.base_fields}
    | {f"figures-0-{name}" for name in FigureForm.base_fields}
    | set(RAW_NAMES)
)
SKIPPED = {"logout"}  # ends the session the sweep runs in; it reads no input


def desk_paths() -> Iterator[tuple[str, URLPattern]]:
    """(namespaced name, pattern) of every page outside the API and the admin."""

    def walk(patterns, namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if str(entry.pattern).startswith(("api/", "admin/")):
                    continue
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif entry.name and entry.name not in SKIPPED:
                yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry

    yield from walk(get_resolver().url_patterns, "")


def fingerprint() -> dict[str, tuple[int, int]]:
    """Row count and an order-free hash of every row of the desk's tables (history included)."""
    tables = sorted(
        model._meta.db_table
        for label in ("sources", "claims", "partners", "ingest")
        for model in apps.get_app_config(label).get_models()
        if not model._meta.proxy and model._meta.managed
    )
    sql = " UNION ALL ".join(
        f"SELECT '{t}', count(*), coalesce(sum(hashtext(r::text)::bigint), 0) FROM {t} r" for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


@pytest.fixture
def everyone(seeded):
    user = UserFactory(username="all-roles", is_staff=True)
    user.groups.set(Group.objects.filter(name__in=[roles.EDITOR, roles.FACT_CHECKER, roles.VIEWER, roles.ADMIN]))
    return user


@pytest.fixture
def path_args(everyone) -> dict[str, dict[str, object]]:
    """What fills each path argument, by the page's name."""
    dispute = Dispute.objects.visible().order_by("pk").first()
    claim = Claim.objects.visible().filter(dispute_links__dispute=dispute).order_by("pk").first()
    note = services.annotation_add(author=everyone, body="An internal note", claim=claim)
    review = Review.objects.order_by("pk").first()
    merge = actor_merge(survivor=ActorFactory(), duplicate=ActorFactory(), user=everyone)
    figure = Figure.objects.filter(claim__in=Claim.objects.visible()).order_by("pk").first()
    story = claim.story
    feed = Feed.objects.create(outlet=story.outlet, url="https://feeds.example.org/rss", created_by=everyone)
    alert = Alert.objects.create(
        kind=Alert.Kind.DENIAL, story=story, revision=story.current_revision, start=0, end=5,
        quote=story.current_revision.body[:5], words_key="a" * 64, dispute=dispute, detail="A denial",
    )  # fmt: skip
    by_prefix = {
        "ingest:feed_": {"pk": feed.pk},
        "claims:claim_": {"pk": claim.pk},
        "claims:note_": {"pk": note.pk},
        "claims:dispute_": {"pk": dispute.pk, "fmt": "csv"},
        "claims:actor_": {"pk": claim.speaker_id},
        "claims:outlet_": {"pk": story.outlet_id},
        "claims:review_": {"pk": review.pk, "claim_id": claim.pk},
        "claims:story_": {"pk": story.pk},
        "claims:suggestion_": {"pk": story.pk},
        "claims:merge_": {"pk": merge.pk},
        "claims:alert_": {"pk": alert.pk},
        "claims:claim_figure_": {"pk": figure.claim_id, "figure_pk": figure.pk},
        "claims:claim_placement_": {"pk": claim.pk, "dispute_pk": dispute.pk},
        "claims:claim_reanchor": {"pk": story.pk, "claim_pk": claim.pk},
        "claims:claim_keep_anchor": {"pk": story.pk, "claim_pk": claim.pk},
        "public:dispute": {"public_id": dispute.public_id},
        "public:claim": {"public_id": claim.public_id},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
    }
    return by_prefix


def fill(name: str, pattern: URLPattern, path_args: dict[str, dict[str, object]]) -> str:
    wanted = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
    values: dict[str, object] = {}
    for prefix, known in sorted(path_args.items(), key=lambda item: -len(item[0])):
        if name.startswith(prefix):
            values = known
            break
    if name in ("claims:claim_log", "claims:dispute_options"):
        values = path_args["claims:story_"]
    missing = wanted - set(values)
    assert not missing, f"teach this test what fills {sorted(missing)} in {name}"
    from django.urls import reverse

    return reverse(name, kwargs={key: values[key] for key in wanted})


def encoded(value: str, names: list[str] | None = None, base: dict[str, str] | None = None) -> str:
    """A query string or urlencoded body: ``value`` (already encoded) in every one of ``names``,
    the rest of ``base`` as it is."""
    pairs = [f"{quote(name)}={quote(str(v))}" for name, v in (base or {}).items() if name not in (names or NAMES)]
    return "&".join([*pairs, *(f"{quote(name)}={value}" for name in (names or NAMES))])


class Sweep:
    """Sends requests as one user, collecting what answered 5xx and what wrote though refused."""

    def __init__(self, user) -> None:
        self.user = user
        self.client = Client()
        self.client.force_login(user)
        self.failures: list[str] = []
        self.sent = 0
        self.state = fingerprint()

    def get(self, what: str, url: str, query: str) -> None:
        response = self.client.get(f"{url}?{query}")
        self.sent += 1
        if response.status_code >= 500:
            self.failures.append(f"GET {what}: {response.status_code}")

    def post(self, what: str, url: str, body: str, *, nul: bool = False) -> None:
        response = self.client.post(url, body, content_type="application/x-www-form-urlencoded")
        self.sent += 1
        now = fingerprint()
        if response.status_code >= 500:
            self.failures.append(f"POST {what}: {response.status_code}")
        elif response.status_code >= 400 and now != self.state:
            self.failures.append(f"POST {what}: refused with {response.status_code} but wrote")
        if nul and not 400 <= response.status_code < 500:
            self.failures.append(f"POST {what} with a NUL: {response.status_code}, not a 4xx")
        self.state = now  # what an accepted post wrote is fine: nasty but valid input

    def reads_wrote_nothing(self, what: str) -> None:
        now = fingerprint()
        if now != self.state:
            self.failures.append(f"GET {what} wrote to the database")
        self.state = now

    def login_again(self) -> None:
        self.client.force_login(self.user)  # a page may have logged the session out

    def check(self, at_least: int) -> None:
        assert self.sent >= at_least, self.sent
        assert not self.failures, "\n".join(self.failures)


def test_every_desk_page_and_form_survives_the_nastiest_inputs_in_every_parameter(everyone, path_args):
    sweep = Sweep(everyone)
    pages = 0
    for name, pattern in desk_paths():
        url = fill(name, pattern, path_args)
        for label in EVERYWHERE:
            sweep.get(f"{name} {label}", url, encoded(NASTY[label]))
        sweep.reads_wrote_nothing(name)
        for label in EVERYWHERE:
            sweep.post(f"{name} {label}", url, encoded(NASTY[label]), nul=label == "nul")
        sweep.login_again()
        pages += 1
    assert pages > 40, pages
    sweep.check(at_least=2 * pages * len(EVERYWHERE))


# One field at a time in an otherwise valid form, so each value reaches the code past validation
# of the others (a figure's number only matters once its measure is valid).
FIELD_VALUES = ["huge", "huge-number", "past-int64", "negative", "deep-list", "nul", "surrogate", "invalid-utf8"]
FIELD_VALUES += ["odd-digits", "date-max", "float"]


@pytest.fixture
def valid_forms(everyone, path_args) -> dict[str, tuple[str, str, dict[str, str]]]:
    """(method, url, a valid submission) of the desk's main forms."""
    from django.urls import reverse

    story = Story.objects.get(key=PASHINIAN_STORY)
    claim = Claim.objects.get(pk=path_args["claims:claim_"]["pk"])
    note = Annotation.objects.get(pk=path_args["claims:note_"]["pk"])
    log = log_data(**{"figures-0-measure": "killed", "figures-0-value": "49", "figures-0-as_of": "2022-09-14"})
    edit = {k: "" if v is None else str(v) for k, v in ClaimEditForm.initial_for(claim).items()}
    figure = Figure.objects.get(pk=path_args["claims:claim_figure_"]["figure_pk"])
    figure_data = {
        f"figure-{figure.pk}-{k}": "" if v is None else str(v) for k, v in FigureEditForm.initial_for(figure).items()
    }
    new_figure = {
        **{k.replace(f"figure-{figure.pk}-", "figure-new-"): v for k, v in figure_data.items()},
        "figure-new-scope": "new",
        "figure-new-scope_label": "A scope",
        "figure-new-scope_kind": "event",
        "figure-new-scope_start": "2020-10-01",
        "figure-new-scope_end": "2020-10-02",
    }
    placement = claim.dispute_links.order_by("pk").first()
    prefix = f"place-{placement.dispute_id}"
    return {
        "log claim": ("post", reverse("claims:claim_log", args=[story.pk]), log),
        "edit claim": ("post", reverse("claims:claim_edit", args=[claim.pk]), edit),
        "withdraw claim": (
            "post",
            reverse("claims:claim_withdraw", args=[claim.pk]),
            {"version": "999", "reason": "x"},
        ),
        "note": (
            "post",
            reverse("claims:claim_note_add", args=[claim.pk]),
            {"body": "A note", "visibility": "internal"},
        ),
        "edit note": (
            "post",
            reverse("claims:note_edit", args=[note.pk]),
            {"body": "Edited", "visibility": "internal", "version": str(note.version)},
        ),
        "review": (
            "post",
            reverse("claims:review_new", args=[claim.pk]),
            {"rating": "mixed", "reasoning": "Both counts are plausible.", "evidence": "https://example.org/a"},
        ),
        "import story": (
            "post",
            reverse("claims:story_import"),
            {
                "outlet": str(story.outlet_id),
                "headline": "A story",
                "url": "https://example.org/s",
                "published": "2020",
                "byline": "",
                "dateline": "",
                "language": "en",
                "translated_from": "",
                "text": "Some words.",
            },
        ),
        "search": (
            "get",
            reverse("claims:search"),
            {
                "q": "killed",
                "kind": "claim",
                "side": "",
                "speaker": "",
                "outlet": "",
                "dispute_kind": "",
                "status": "",
                "date_from": "2020-01-01",
                "date_to": "2022-12-31",
                "page": "1",
            },
        ),
        "merge": ("post", reverse("claims:actor_merge", args=[claim.speaker_id]), {"duplicate": "1"}),
        "correct figure": (
            "post",
            reverse("claims:claim_figure_change", args=[figure.claim_id, figure.pk]),
            figure_data,
        ),
        "add figure with a new scope": ("post", reverse("claims:claim_figure_add", args=[claim.pk]), new_figure),
        "place in a dispute": (
            "post",
            reverse("claims:claim_placement_change", args=[claim.pk, placement.dispute_id]),
            {f"{prefix}-version": str(placement.version), f"{prefix}-stance": "denies", f"{prefix}-blames": ""},
        ),
    }


def test_each_field_of_the_main_desk_forms_survives_the_nastiest_values(everyone, valid_forms):
    sweep = Sweep(everyone)
    for form, (method, url, valid) in valid_forms.items():
        for field in valid:
            for label in FIELD_VALUES:
                body = encoded(NASTY[label], [field], valid)
                if method == "get":
                    sweep.get(f"{form} {field}={label}", url, body)
                else:
                    sweep.post(f"{form} {field}={label}", url, body, nul=label == "nul")
        if method == "get":
            sweep.reads_wrote_nothing(form)
    sweep.check(at_least=60 * len(FIELD_VALUES))
