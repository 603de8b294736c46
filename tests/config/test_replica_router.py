"""With a replica configured, partner lists, search and public pages read the desk's content from
it; the change feed, keys, sessions and anything read after a write stay on the primary.

The "replica" here is a second database alias on the same test database (a second connection), so
the test can count which connection each query ran on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from claims.models import Dispute
from config.routers import ReplicaRouter

# A second alias for the test database, registered before the test databases are set up (a test
# mirror of default); routed to only while a test names it in settings.DATABASE_REPLICAS.
connections.settings.setdefault("replica1", {**connections.settings["default"], "TEST": {"MIRROR": "default"}})

# the second connection sees committed rows only
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica1"])


@pytest.fixture
def replica(settings, seeded) -> Iterator[str]:
    settings.DATABASE_REPLICAS = ["replica1"]
    yield "replica1"


def _queries(client, path: str, **headers) -> tuple[int, int, int]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica1"]) as replica,
    ):
        status = client.get(path, **headers).status_code
    return status, len(primary), len(replica)


def test_partner_lists_read_the_desks_content_from_the_replica_keys_from_the_primary(client, replica, partner_headers):
    status, primary, on_replica = _queries(
        client, "/api/v1/claims/", HTTP_AUTHORIZATION=partner_headers["Authorization"]
    )
    assert status == 200
    assert on_replica >= 1  # the claims page (its nested parts are subqueries of the same query)
    assert primary >= 1  # the key (and its rate-limit count) is checked and counted on the primary


def test_the_change_feed_and_single_records_stay_on_the_primary(client, replica, partner_headers):
    auth = partner_headers["Authorization"]
    dispute = Dispute.objects.visible().first()
    for path in ("/api/v1/changes/", f"/api/v1/disputes/{dispute.public_id}/"):
        status, primary, on_replica = _queries(client, path, HTTP_AUTHORIZATION=auth)
        assert status == 200 and on_replica == 0 and primary > 0, path


def test_public_pages_and_search_read_from_the_replica(client, replica, editor):
    dispute = Dispute.objects.visible().first()
    status, _, on_replica = _queries(client, f"/public/disputes/{dispute.public_id}/")
    assert status == 200 and on_replica > 0
    client.force_login(editor)
    status, _, on_replica = _queries(client, "/search/?q=killed")
    assert status == 200 and on_replica > 0


def test_without_replicas_everything_is_on_the_primary(client, partner_headers, seeded):
    status, primary, _ = (*_count_default(client, partner_headers), None)
    assert status == 200 and primary > 0


def _count_default(client, partner_headers) -> tuple[int, int]:
    with CaptureQueriesContext(connections["default"]) as primary:
        status = client.get("/api/v1/claims/", HTTP_AUTHORIZATION=partner_headers["Authorization"]).status_code
    return status, len(primary)


def test_a_write_of_the_desks_content_pins_later_reads_to_the_primary(replica):
    from config.routers import _replica_reads

    router = ReplicaRouter()
    token = _replica_reads.set(True)
    try:
        assert router.db_for_read(Dispute) == "replica1"
        router.db_for_write(Dispute)
        assert router.db_for_read(Dispute) == "default"
    finally:
        _replica_reads.reset(token)
