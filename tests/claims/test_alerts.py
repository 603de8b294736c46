"""Alerts: new copy that contradicts the desk (a figure outside a published range, a new version
of a known statement, a denial by a known speaker), raised by the assistant's reading of a new
revision, once per words and dispute; and nothing when the comparison is not positive."""

from __future__ import annotations

from datetime import date

import pytest
import requests
from django.urls import reverse

from claims import services
from claims.models import Actor, Alert, ClaimDispute, Dispute, Figure, Scope, Side, Statement
from sources.models import Story
from sources.services import story_import
from tests.factories import ActorFactory, OutletFactory
from tests.jobs import run_jobs_here
from tests.live_api import LiveApi

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 14)
# Two invented conflicts: Kestria and Valmora (the shelling of Dovro), Ostrel and Brevia.
FIRST = (
    "DOVRO, March 14 (Wire) - Kestria's health ministry said 12 civilians were killed in the shelling of "
    "Dovro on Friday.\n\n"
    "Osric Valendar said Valmoran forces had not fired a single shell at Dovro.\n"
)


def _import(text: str, day: date = DAY, outlet=None):
    story = story_import(outlet=outlet or OutletFactory(), text=text, headline="Dovro", published_on=day).story
    run_jobs_here()
    return story


@pytest.fixture
def desk(seeded, editor):
    kestria = Side.objects.create(key="kestria", name="Kestria", kind=Side.Kind.PARTY)
    valmora = Side.objects.create(key="valmora", name="Valmora", kind=Side.Kind.PARTY)
    ministry = ActorFactory(
        name="Kestrian Ministry of Health", side=kestria, kind=Actor.Kind.GOVERNMENT_BODY,
        aliases=["Kestria's health ministry"],
    )  # fmt: skip
    valendar = ActorFactory(name="Osric Valendar", side=valmora, kind=Actor.Kind.PERSON)
    scope = Scope.objects.create(label="The shelling of Dovro, 14 March 2025", kind=Scope.Kind.EVENT, place="Dovro")
    dispute = services.dispute_create(
        title="How many civilians were killed in the shelling of Dovro?",
        kind=Dispute.Kind.CASUALTY_COUNT, place="Dovro", event_start=DAY, event_end=DAY, author=editor,
    )  # fmt: skip
    statement = Statement.objects.create(speaker=valendar, said_on=DAY, description="Valendar on Dovro")
    story = _import(FIRST)
    toll = services.claim_log(
        story=story, author=editor, speaker=ministry,
        quote="Kestria's health ministry said 12 civilians were killed in the shelling of Dovro on Friday.",
        disputes=[services.DisputeLink(dispute=dispute, stance=ClaimDispute.Stance.ASSERTS)],
        figures=[services.FigureInput(
            measure=Figure.Measure.KILLED, value=12, counted=Figure.Counted.CIVILIANS, whose=kestria, scope=scope,
            raw="12 civilians", as_of=DAY,
        )],
    )  # fmt: skip
    denial = services.claim_log(
        story=story, author=editor, speaker=valendar, statement=statement,
        quote="Osric Valendar said Valmoran forces had not fired a single shell at Dovro.",
        disputes=[services.DisputeLink(dispute=dispute, stance=ClaimDispute.Stance.DENIES)],
    )  # fmt: skip
    for claim in (toll, denial):
        services.claim_publish(claim=claim, expected_version=claim.version)
    services.dispute_publish(dispute=dispute, expected_version=dispute.version)
    return {"dispute": dispute, "statement": statement, "valendar": valendar, "ministry": ministry, "kestria": kestria}


NEXT_DAY = date(2025, 3, 15)
HIGHER = "The shelling of Dovro on Friday killed 27 civilians, Kestria's health ministry said on Saturday.\n"


def _alerts(story) -> list[tuple[str, int | None, int | None]]:
    return sorted(Alert.objects.filter(story=story).values_list("kind", "dispute_id", "statement_id"))


def test_a_figure_outside_the_published_range_raises_an_alert(desk):
    story = _import(HIGHER, NEXT_DAY)
    alert = Alert.objects.get(story=story)
    assert (alert.kind, alert.dispute, alert.speaker) == (Alert.Kind.FIGURE, desk["dispute"], desk["ministry"])
    assert story.current_revision.body[alert.start : alert.end] == alert.quote
    assert "27 civilians" in alert.detail and "outside the published range 12" in alert.detail


@pytest.mark.parametrize(
    "text",
    [
        "The shelling of Dovro on Friday killed 12 civilians, Kestria's health ministry said on Saturday.\n",
        "The shelling of Dovro on Friday killed at least 10 civilians, Kestria's health ministry said.\n",
        "The shelling of Dovro on Friday killed 27 Valmoran soldiers, Valmora's army said on Saturday.\n",
    ],
    ids=["same figure", "a range that overlaps", "another whose and measure"],
)
def test_a_figure_inside_the_range_or_not_comparable_raises_nothing(desk, text):
    story = _import(text, NEXT_DAY)
    assert not Alert.objects.filter(story=story, kind=Alert.Kind.FIGURE).exists()


def test_an_unpublished_dispute_is_not_compared(desk):
    dispute = desk["dispute"]
    services.dispute_publish(dispute=dispute, expected_version=dispute.version, publish=False)
    story = _import(HIGHER, NEXT_DAY)
    assert not Alert.objects.filter(story=story, kind=Alert.Kind.FIGURE).exists()


def test_a_denial_by_a_known_speaker_raises_an_alert_and_one_by_an_unknown_one_does_not(desk):
    known = _import("Osric Valendar denied that Valmoran forces had shelled Dovro.\n", NEXT_DAY)
    denial = Alert.objects.get(story=known, kind=Alert.Kind.DENIAL)
    assert (denial.dispute, denial.speaker) == (desk["dispute"], desk["valendar"])
    unknown = _import("Tamsin Orel denied that Valmoran forces had shelled Dovro.\n", NEXT_DAY)
    assert not Alert.objects.filter(story=unknown).exists()


def test_a_new_version_of_a_known_statement_raises_an_alert(desk):
    text = "Valendar said Valmoran forces had not fired a single shell at Dovro, calling the reports lies.\n"
    story = _import(text, NEXT_DAY)
    version = Alert.objects.get(story=story, kind=Alert.Kind.VERSION)
    assert (version.statement, version.speaker, version.dispute) == (desk["statement"], desk["valendar"], None)


def test_another_war_raises_nothing(desk):
    text = (
        "KARSK, May 2 (Wire) - Brevian officials said 40 civilians were killed in the shelling of Karsk, "
        "and Ostrel's defence minister Ilse Varga denied that Ostrelian troops had fired on the town.\n"
    )
    story = _import(text, date(2025, 5, 2))
    assert not Alert.objects.filter(story=story).exists()


def test_the_same_words_and_dispute_alert_once(desk):
    outlet = OutletFactory()
    url = "https://wire.example/dovro"
    first = story_import(outlet=outlet, text=HIGHER, headline="Dovro", url=url, published_on=NEXT_DAY).story
    run_jobs_here()
    before = _alerts(first)
    assert before == [(Alert.Kind.FIGURE, desk["dispute"].pk, None)]
    revised = HIGHER + "\nRescue teams were still searching the rubble.\n"
    result = story_import(outlet=outlet, text=revised, headline="Dovro", url=url, published_on=NEXT_DAY)
    run_jobs_here()
    assert result.outcome == "new revision" and _alerts(first) == before
    from claims.extraction.readings import story_read

    story_read(first)
    assert _alerts(first) == before


# --- Follows, the inbox, one alert, resolving -----------------------------------------------------
def test_an_editor_who_follows_the_dispute_sees_the_alert_in_the_inbox_and_resolves_it(client, desk, editor, viewer):
    dispute = desk["dispute"]
    client.force_login(editor)
    before = client.get(reverse("claims:dispute_detail", args=[dispute.pk]))
    assert before.status_code == 200 and "Following" not in before.content.decode()
    button = client.post(
        reverse("claims:follow"), {"kind": "dispute", "id": dispute.pk, "follow": "1"}, HTTP_HX_REQUEST="true"
    )
    assert button.status_code == 200 and "Following" in button.content.decode()
    assert "Following" in client.get(reverse("claims:dispute_detail", args=[dispute.pk])).content.decode()
    story = _import(HIGHER, NEXT_DAY)
    alert = Alert.objects.get(story=story)

    inbox = client.get(reverse("claims:story_list")).content.decode()
    assert f'id="alert-{alert.pk}"' in inbox and "New" in inbox
    client.force_login(viewer)  # follows nothing
    assert f'id="alert-{alert.pk}"' not in client.get(reverse("claims:story_list")).content.decode()
    other = client.get(reverse("claims:dispute_detail", args=[dispute.pk]))
    assert other.status_code == 200 and "Following" not in other.content.decode()

    client.force_login(editor)
    page = client.get(alert.get_absolute_url()).content.decode()
    assert "<mark>The shelling of Dovro on Friday killed 27 civilians" in page and dispute.title in page
    assert client.post(reverse("claims:alert_seen", args=[alert.pk])).status_code == 302
    resolve = reverse("claims:alert_resolve", args=[alert.pk])
    stale = client.post(resolve, {"version": alert.version + 1, "resolve": "1"})
    assert stale.status_code == 409
    done = client.post(resolve, {"version": alert.version, "resolve": "1"})
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_by == editor and alert.resolved_at is not None
    assert alert.events.count() >= 2  # raised, resolved: its history
    assert f'id="alert-{alert.pk}"' not in client.get(reverse("claims:story_list")).content.decode()
    assert f'id="alert-{alert.pk}"' in client.get(reverse("claims:alert_list") + "?show=all").content.decode()


def test_following_an_actor_or_an_outlet_shows_their_alerts(client, desk, editor):
    outlet = OutletFactory()
    client.force_login(editor)
    client.post(reverse("claims:follow"), {"kind": "actor", "id": desk["valendar"].pk, "follow": "1"})
    client.post(reverse("claims:follow"), {"kind": "outlet", "id": outlet.pk, "follow": "1"})
    by_actor = _import("Osric Valendar denied that Valmoran forces had shelled Dovro.\n", NEXT_DAY)
    by_outlet = _import(HIGHER, NEXT_DAY, outlet=outlet)
    listed = client.get(reverse("claims:alert_list")).content.decode()
    for story in (by_actor, by_outlet):
        assert f'id="alert-{Alert.objects.filter(story=story).first().pk}"' in listed
    client.post(reverse("claims:follow"), {"kind": "outlet", "id": outlet.pk, "follow": "0"})
    assert (
        f'id="alert-{Alert.objects.get(story=by_outlet).pk}"'
        not in client.get(reverse("claims:alert_list")).content.decode()
    )


def test_bad_follow_and_resolve_requests_are_refused(client, desk, editor):
    client.force_login(editor)
    assert client.post(reverse("claims:follow"), {"kind": "claim", "id": 1, "follow": "1"}).status_code == 422
    story = _import(HIGHER, NEXT_DAY)
    alert = Alert.objects.get(story=story)
    assert client.post(reverse("claims:alert_resolve", args=[alert.pk]), {"resolve": "1"}).status_code == 422
    assert Alert.objects.get(pk=alert.pk).resolved_at is None


@pytest.mark.django_db(transaction=True)
def test_alerts_never_leave_the_desk(live_server, desk, partner_key):
    story = _import(HIGHER, NEXT_DAY)
    marker = "ALERT-MARKER-8e1f"
    Alert.objects.filter(story=story).update(detail=marker)
    api = LiveApi(live_server.url, partner_key)
    resources = api.get("/api/v1/").json()
    seen = 0
    for url in resources.values():
        response = api.get(url)
        assert marker not in response.text and "alert" not in response.text.lower(), url
        seen += 1
    assert seen >= 5
    assert desk["dispute"].title in api.get("/api/v1/disputes/").text  # the crawl sees what is published
    assert api.get("/api/v1/alerts/").status_code == 404
    public = requests.get(f"{live_server.url}/public/disputes/{desk['dispute'].public_id}/", timeout=30)
    assert public.status_code == 200 and marker not in public.text
    anonymous = requests.get(
        f"{live_server.url}{reverse('claims:alert_detail', args=[Alert.objects.get(story=story).pk])}", timeout=30
    )
    assert marker not in anonymous.text


# --- Readings made again, and a bounded comparison ----------------------------------------------
def _refresh_all() -> None:
    from claims.extraction.readings import readings_refresh

    while readings_refresh():
        pass


def test_a_reading_made_again_raises_what_the_desk_now_calls_for_and_nothing_twice(desk):
    dispute = desk["dispute"]
    services.dispute_publish(dispute=dispute, expected_version=dispute.version, publish=False)
    story = _import(HIGHER, NEXT_DAY)
    assert not Alert.objects.filter(story=story, kind=Alert.Kind.FIGURE).exists()

    dispute.refresh_from_db()
    services.dispute_publish(dispute=dispute, expected_version=dispute.version)  # every reading is stale
    _refresh_all()  # the periodic job reads the story again
    alert = Alert.objects.get(story=story, kind=Alert.Kind.FIGURE)
    assert alert.dispute == dispute and "27 civilians" in alert.detail

    dispute.refresh_from_db()
    services.dispute_publish(dispute=dispute, expected_version=dispute.version, publish=False)
    services.dispute_publish(dispute=dispute, expected_version=dispute.version)
    _refresh_all()
    from claims.extraction.readings import story_read

    story_read(story)
    assert list(Alert.objects.filter(story=story, kind=Alert.Kind.FIGURE)) == [alert]


def test_a_resolved_alert_is_not_raised_again_when_the_story_is_read_again(desk, editor):
    story = _import(HIGHER, NEXT_DAY)
    alert = Alert.objects.get(story=story, kind=Alert.Kind.FIGURE)
    from claims.alerts import alert_resolve
    from claims.extraction.readings import story_read

    alert_resolve(alert=alert, expected_version=alert.version, user=editor)
    story_read(story)
    assert list(Alert.objects.filter(story=story)) == [alert]


def _publish_toll(desk, editor, value: int, story) -> None:
    claim = services.claim_log(
        story=story, author=editor, speaker=desk["ministry"],
        quote=f"Kestria's health ministry said {value} civilians were killed in the shelling of Dovro on Friday.",
        disputes=[services.DisputeLink(dispute=desk["dispute"], stance=ClaimDispute.Stance.ASSERTS)],
        figures=[services.FigureInput(
            measure=Figure.Measure.KILLED, value=value, counted=Figure.Counted.CIVILIANS, whose=desk["kestria"],
            scope=Scope.objects.get(label__startswith="The shelling of Dovro"), raw=f"{value} civilians", as_of=DAY,
        )],
    )  # fmt: skip
    services.claim_publish(claim=claim, expected_version=claim.version)


def test_the_published_figures_are_looked_up_in_one_bounded_query_per_dispute_and_kind(desk, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.alerts import COMPARED_MAX, alerts_raise
    from claims.extraction.readings import stored_suggestions

    sources = [_import(FIRST.replace("12 civilians", f"{12 + n % 2} civilians"), DAY) for n in range(6)]
    for n, source in enumerate(sources):
        _publish_toll(desk, editor, 12 + n % 2, source)  # the published range is now 12 to 13
    story = _import(HIGHER, NEXT_DAY)
    assert Alert.objects.filter(story=story, kind=Alert.Kind.FIGURE).exists()
    Alert.objects.filter(story=story).delete()
    candidates = stored_suggestions(story).candidates
    with CaptureQueriesContext(connection) as queries:
        raised = alerts_raise(story=story, revision=story.current_revision, candidates=candidates)
    assert [a.kind for a in raised] == [Alert.Kind.FIGURE] and "12 to 13" in raised[0].detail
    figure_queries = [q["sql"] for q in queries if 'FROM "claims_figure"' in q["sql"]]
    assert len(figure_queries) == 1 and f"LIMIT {COMPARED_MAX + 1}" in figure_queries[0]
    assert len(queries) <= 8  # the same whatever the dispute holds


def test_a_dispute_with_more_published_figures_than_are_compared_raises_no_figure_alert(desk, editor, monkeypatch):
    monkeypatch.setattr("claims.alerts.COMPARED_MAX", 1)
    _publish_toll(desk, editor, 13, _import(FIRST.replace("12 civilians", "13 civilians"), DAY))
    story = _import(HIGHER, NEXT_DAY)
    assert not Alert.objects.filter(story=story, kind=Alert.Kind.FIGURE).exists()


def test_a_figure_below_a_periods_published_total_is_not_taken_for_a_contradiction(seeded):
    # Anadolu's "killing four" in the Tartar cemetery is a part of the war's civilian toll
    # (at least 60 by that day), not a lower count of it
    story = Story.objects.get(key="anadolu-2020-10-21-hajiyev")
    assert story.assistant_reading.revision_id == story.current_revision_id  # read when seeded
    assert not Alert.objects.filter(story=story, kind=Alert.Kind.FIGURE, quote__contains="killing four").exists()
