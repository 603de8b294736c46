"""The change feed: commit-safe ordering, upserts and tombstones, never-visible items never mentioned.

These tests commit for real (transactional), because the feed only serves changes of transactions
that have finished: a test wrapped in one big transaction would never see its own changes.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections, transaction
from django.utils.html import escape
from rest_framework.request import Request

from claims import services, visibility
from claims.merging import dispute_merge
from claims.models import Actor, Claim, Dispute, Review, Statement
from partners import feed
from partners.api import ChangeSerializer, change_items
from partners.models import Change, Exposure
from sources.models import Outlet, Story
from tests.factories import DisputeFactory, StoryFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

MODELS = {
    "dispute": Dispute,
    "claim": Claim,
    "review": Review,
    "statement": Statement,
    "actor": Actor,
    "story": Story,
    "outlet": Outlet,
}


def read_all(after: feed.Position) -> tuple[list[feed.Entry], feed.Position]:
    entries: list[feed.Entry] = []
    while True:
        page = feed.read(after, limit=50)
        entries.extend(page.entries)
        after = page.position
        if not page.has_more:
            return entries, after


def actions(entries: list[feed.Entry]) -> dict[tuple[str, uuid.UUID], feed.Entry]:
    """The latest entry per resource."""
    return {(entry.resource, entry.public_id): entry for entry in entries}


def visible_claim(**filters) -> Claim:
    return Claim.objects.visible().filter(**filters).order_by("id").first()


def test_sql_visibility_rule_agrees_with_the_querysets_on_the_seed_dataset(seeded):
    for resource, model in MODELS.items():
        python = set(visibility.BY_RESOURCE[resource]().values_list("public_id", flat=True))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT public_id FROM {model._meta.db_table} WHERE partners_is_visible(%s, public_id)",
                [resource],
            )
            sql = {row[0] for row in cursor.fetchall()}
        assert python == sql, resource
        assert python, f"the seed dataset shows no {resource}"
        # the seed load committed in one transaction: what was visible then is recorded as exposed
        exposed = set(Exposure.objects.filter(resource=resource).values_list("public_id", flat=True))
        assert exposed == python, resource


def test_feed_from_the_start_lists_every_visible_record_and_nothing_else(seeded):
    entries, _ = read_all(feed.START)
    latest = actions(entries)
    for resource in MODELS:
        upserts = {pid for (kind, pid), entry in latest.items() if kind == resource and entry.action == "upsert"}
        assert upserts == set(visibility.BY_RESOURCE[resource]().values_list("public_id", flat=True)), resource
    assert all(entry.action == "upsert" for entry in entries)
    hidden_disputes = set(Dispute.objects.exclude(pk__in=Dispute.objects.visible()).values_list("public_id", flat=True))
    assert hidden_disputes, "the seed dataset keeps some disputes unpublished"
    assert not hidden_disputes & {pid for _, pid in latest}


def test_edits_and_withdrawals_come_as_upserts_and_tombstones(seeded):
    editor = UserFactory(username="feed-editor")
    start = feed.head()
    edited = visible_claim(figures__isnull=False)
    disputes_of_edited = set(Dispute.objects.visible().filter(claims=edited).values_list("public_id", flat=True))
    retracted = visible_claim(figures__isnull=True)
    figure_claim = visible_claim(pk__gt=edited.pk, figures__isnull=False)

    services.claim_update(claim=edited, expected_version=edited.version, author=editor, status=Claim.Status.DISPUTED)
    services.claim_withdraw(claim=retracted, expected_version=retracted.version, user=editor, reason="logged in error")
    services.figure_add(claim=figure_claim, figure=services.FigureInput(measure="wounded", value=7))

    latest = actions(read_all(start)[0])
    assert latest[("claim", edited.public_id)].action == "upsert"
    for dispute in disputes_of_edited:
        assert latest[("dispute", dispute)].action == "upsert"
    assert latest[("claim", retracted.public_id)].action == "tombstone"
    # a figure change counts as a change to its claim and the claim's disputes
    assert latest[("claim", figure_claim.public_id)].action == "upsert"
    for dispute in Dispute.objects.visible().filter(claims=figure_claim):
        assert latest[("dispute", dispute.public_id)].action == "upsert"


def test_what_was_never_visible_never_appears_not_even_as_a_tombstone(seeded):
    editor = UserFactory(username="feed-editor")
    start = feed.head()
    hidden_dispute = DisputeFactory(is_published=False, published_at=None, title="Never-published question")
    story = StoryFactory()
    hidden_claim = services.claim_log(
        story=story,
        author=editor,
        quote="13 civilians were killed",
        disputes=[services.DisputeLink(hidden_dispute)],
        publish=True,  # published, but its only dispute is not: not visible
    )
    services.claim_withdraw(claim=hidden_claim, expected_version=hidden_claim.version, user=editor, reason="dup")
    # published and withdrawn within one transaction: never visible to anyone
    visible_dispute = Dispute.objects.visible().first()
    with transaction.atomic():
        blink = services.claim_log(
            story=story,
            author=editor,
            quote="The other side denied firing at all",
            disputes=[services.DisputeLink(visible_dispute)],
            publish=True,
        )
        services.claim_withdraw(claim=blink, expected_version=blink.version, user=editor, reason="oops")

    mentioned = {pid for _, pid in actions(read_all(start)[0])}
    for never_visible in (hidden_dispute.public_id, hidden_claim.public_id, blink.public_id, story.public_id):
        assert never_visible not in mentioned
    assert not Exposure.objects.filter(public_id__in=[hidden_claim.public_id, blink.public_id]).exists()


def test_internal_notes_leave_no_trace_in_the_feed_public_ones_update_their_claim(seeded):
    author = UserFactory(username="feed-note-author")
    claim = visible_claim()
    start = feed.head()
    services.annotation_add(author=author, body="INTERNAL: not for partners", claim=claim)
    assert read_all(start)[0] == []

    services.annotation_add(author=author, body="A public note.", is_public=True, claim=claim)
    latest = actions(read_all(start)[0])
    assert latest[("claim", claim.public_id)].action == "upsert"


def test_an_internal_note_on_a_dispute_moves_it_up_the_desk_but_not_in_what_partners_see(seeded, client):
    author = UserFactory(username="dispute-note-author")
    dispute = Dispute.objects.visible().order_by("id").first()
    before = Dispute.objects.get(pk=dispute.pk)
    start = feed.head()

    services.annotation_add(author=author, body="INTERNAL: ring the Baku desk", dispute=dispute)

    assert read_all(start)[0] == []
    after = Dispute.objects.get(pk=dispute.pk)
    assert (after.updated_at, after.version) == (before.updated_at, before.version)
    client.force_login(_desk_viewer())
    desk = client.get("/").content.decode()
    shown = [escape(d.title) for d in Dispute.objects.active() if escape(d.title) in desk]
    assert min(shown, key=desk.index) == escape(dispute.title)


def _desk_viewer():
    from django.contrib.auth.models import Group

    viewer = UserFactory(username="dispute-note-viewer")
    viewer.groups.set([Group.objects.get(name="Viewer")])
    return viewer


def test_a_merged_dispute_is_a_tombstone_naming_the_survivor(seeded):
    user = UserFactory(username="feed-merger")
    survivor, duplicate = Dispute.objects.visible().order_by("id")[:2]
    start = feed.head()
    dispute_merge(survivor=survivor, duplicate=duplicate, user=user)

    latest = actions(read_all(start)[0])
    tombstone = latest[("dispute", duplicate.public_id)]
    assert tombstone.action == "tombstone"
    assert tombstone.merged_into == survivor.public_id
    assert latest[("dispute", survivor.public_id)].action == "upsert"


def test_feed_items_are_what_the_documented_serializer_writes_and_upserts_are_recorded_as_exposed(seeded, rf, settings):
    """The feed's entries are written without DRF's fields (partners.api.change_items): the same
    JSON as ChangeSerializer, the schema's, for upserts and a merged dispute's tombstone."""
    settings.ALLOWED_HOSTS = ["partners.example"]
    request = Request(rf.get("/api/v1/changes/", HTTP_HOST="partners.example", secure=True))
    Exposure.objects.all().delete()  # as if the commit-time trigger had missed everything
    entries, _ = read_all(feed.START)
    assert change_items(entries, request) == ChangeSerializer(entries, many=True, context={"request": request}).data
    upserted = {(entry.resource, entry.public_id) for entry in entries}
    assert upserted == set(Exposure.objects.values_list("resource", "public_id"))

    survivor, duplicate = Dispute.objects.visible().order_by("id")[:2]
    dispute_merge(survivor=survivor, duplicate=duplicate, user=UserFactory(username="feed-merger-2"))
    tombstones = [entry for entry in read_all(feed.START)[0] if entry.action == "tombstone"]
    items = change_items(tombstones, request)
    assert items == ChangeSerializer(tombstones, many=True, context={"request": request}).data
    assert {
        "resource": "dispute",
        "id": str(duplicate.public_id),
        "action": "tombstone",
        "url": f"https://partners.example/api/v1/disputes/{duplicate.public_id}/",
        "merged_into": str(survivor.public_id),
    } in items


def test_a_transaction_that_commits_late_is_never_skipped(seeded):
    """Writer A starts first (gets the lower transaction id) and commits last; writer B commits in
    between. A partner polling in between must not be handed a cursor past A's change."""
    editor = UserFactory(username="feed-concurrency")
    first, second = Claim.objects.visible().order_by("id")[:2]
    start = feed.head()
    rows_of_first = Change.objects.filter(public_id=first.public_id).count()
    a_wrote, b_committed, a_done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer_a() -> None:
        try:
            with transaction.atomic():
                claim = Claim.objects.get(pk=first.pk)
                services.claim_update(claim=claim, expected_version=claim.version, author=editor, said_on=None)
                a_wrote.set()
                assert b_committed.wait(30)
        except BaseException as error:  # surfaced in the test thread
            errors.append(error)
        finally:
            connections.close_all()
            a_done.set()

    thread = threading.Thread(target=writer_a)
    thread.start()
    assert a_wrote.wait(30)

    with transaction.atomic():  # writer B, later transaction id, commits first
        claim = Claim.objects.get(pk=second.pk)
        services.claim_update(claim=claim, expected_version=claim.version, author=editor, said_on=None)
    # A's change rows exist but are not committed yet: B's are, with a later transaction id
    assert Change.objects.filter(public_id=first.public_id).count() == rows_of_first
    assert Change.objects.filter(public_id=second.public_id, txid__gt=start.txid).exists()

    # a partner polls while A is still open: B's committed change is held back behind A
    during = feed.read(start)
    assert ("claim", second.public_id) not in actions(during.entries)

    b_committed.set()
    thread.join(30)
    assert a_done.is_set() and not errors, errors

    latest = actions(read_all(during.position)[0])
    assert latest[("claim", first.public_id)].action == "upsert"  # A's change: not skipped
    assert latest[("claim", second.public_id)].action == "upsert"


def test_cursor_round_trips_and_rejects_anything_else():
    position = feed.Position(2**40, 17)
    assert feed.Position.decode(position.encode()) == position
    for bad in ["", "x", "djE6MTI", "!!!", "djI6MToy", "a" * 200, "djE6LTE6Mg", "djE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OjE"]:
        with pytest.raises(feed.InvalidCursor):
            feed.Position.decode(bad)
