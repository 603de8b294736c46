"""A partner with a fresh key follows docs/api.md: pulls every published dispute, then polls the
change feed and sees an edit, a retraction and a withdrawal made on the desk. Over real HTTP,
running the sync loop printed in the docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from claims import services
from claims.models import Claim, ClaimLink, Dispute
from tests.factories import UserFactory
from tests.live_api import LiveApi, make_key

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(settings.BASE_DIR) / "docs" / "api.md"


def sync_example() -> str:
    """The Python sync loop as printed in docs/api.md."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- example: sync-loop -->\s*```python\n(.*?)```", text, re.DOTALL)
    assert match, "docs/api.md prints the sync loop"
    return match.group(1)


def test_a_partner_syncs_by_following_the_docs(live_server, seeded, monkeypatch):
    key = make_key(partner="Example Daily", rate_limit=10_000)
    monkeypatch.setenv("CLAIMDESK_API", f"{live_server.url}/api/v1")
    monkeypatch.setenv("CLAIMDESK_KEY", key)
    docs: dict = {"__name__": "partner_sync"}
    exec(compile(sync_example(), "docs/api.md", "exec"), docs)  # noqa: S102 - our own documentation

    store: dict = {}
    cursor = docs["full_pull"](store)
    published = set(Dispute.objects.visible().values_list("public_id", flat=True))
    assert {dispute_id for kind, dispute_id in store} == {str(pid) for pid in published}
    assert len(published) >= 8
    unpublished = Dispute.objects.exclude(pk__in=Dispute.objects.visible()).values_list("public_id", flat=True)
    assert unpublished and not {("dispute", str(pid)) for pid in unpublished} & store.keys()

    # nothing changed yet: the feed is quiet, the cursor stays
    assert docs["sync"](store, cursor) == cursor

    # the desk edits a dispute, a speaker retracts a claim, and an editor withdraws another
    editor = UserFactory(username="desk-editor")
    dispute = Dispute.objects.visible().order_by("id").first()
    services.dispute_update(dispute=dispute, expected_version=dispute.version, summary="Updated by the desk.")
    retracted, retracting, withdrawn = Claim.objects.visible().order_by("id")[:3]
    services.claim_link_add(source=retracting, target=retracted, kind=ClaimLink.Kind.RETRACTS, user=editor)
    withdrawn_disputes = list(Dispute.objects.visible().filter(claims=withdrawn).values_list("public_id", flat=True))
    store[("claim", str(withdrawn.public_id))] = {"id": str(withdrawn.public_id)}  # the partner had it
    services.claim_withdraw(claim=withdrawn, expected_version=withdrawn.version, user=editor, reason="logged in error")

    new_cursor = docs["sync"](store, cursor)
    assert new_cursor != cursor
    assert store[("dispute", str(dispute.public_id))]["summary"] == "Updated by the desk."
    retracted_copy = store[("claim", str(retracted.public_id))]
    assert retracted_copy["status"] == "retracted"
    assert ("retracts", "incoming", str(retracting.public_id)) in {
        (link["kind"], link["direction"], link["claim"]["id"]) for link in retracted_copy["links"]
    }
    assert ("claim", str(withdrawn.public_id)) not in store  # the tombstone removed it
    for dispute_id in withdrawn_disputes:  # and its disputes no longer list it
        listed = [c["id"] for side in store[("dispute", str(dispute_id))]["sides"] for c in side["claims"]]
        assert str(withdrawn.public_id) not in listed

    # polling again brings nothing new
    assert docs["sync"](store, new_cursor) == new_cursor


def test_conditional_get_saves_a_partner_the_body_until_something_changes(live_server, seeded):
    api = LiveApi(live_server.url, make_key())
    dispute = Dispute.objects.visible().order_by("id").first()
    path = f"/api/v1/disputes/{dispute.public_id}/"
    first = api.get(path)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "private"
    assert {"Authorization", "Cookie"} <= {v.strip() for v in first.headers["Vary"].split(",")}
    etag = first.headers["ETag"]

    again = api.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""

    # a new figure on one of its claims changes the dispute's representation, so its ETag
    claim = Claim.objects.visible().filter(dispute_links__dispute=dispute).first()
    services.figure_add(claim=claim, figure=services.FigureInput(measure="missing", value=3))
    changed = api.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
