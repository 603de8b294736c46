"""A published correction names the review it supersedes only when the reader may see that one.

Over real HTTP with a partner key (and anonymously for the public page): once the corrected verdict
is withdrawn, nothing partners or the public receive names it, except the feed's tombstone telling
them to remove it; the feed also sends the correction again, so partners drop its stale link. The
desk still sees what the correction corrects.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.authtoken.models import Token

from claims import reviewing, roles, services
from claims.models import Review
from partners import feed
from tests.factories import DisputeFactory, StoryFactory, UserFactory
from tests.live_api import LiveApi, make_key

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_correction_stops_naming_a_withdrawn_verdict_to_partners_and_the_public(live_server, viewer):
    editor, factchecker, approver = (UserFactory(username=f"supersedes-{n}") for n in ("ed", "fc", "ap"))
    approver.groups.add(Group.objects.get(name=roles.FACT_CHECKER))  # approving needs claims.approve_review
    dispute = DisputeFactory()
    claim = services.claim_log(
        story=StoryFactory(),
        author=editor,
        quote="13 civilians were killed",
        disputes=[services.DisputeLink(dispute)],
        publish=True,
    )
    old = reviewing.review_draft(claim=claim, reviewer=factchecker, rating="true", reasoning="First look.")
    reviewing.review_approve(review=old, expected_version=old.version, approver=approver)
    correction = reviewing.review_draft(
        claim=claim, reviewer=factchecker, rating="false", reasoning="Corrected.", supersedes=old
    )
    reviewing.review_approve(review=correction, expected_version=correction.version, approver=approver)

    partner = LiveApi(live_server.url, make_key(rate_limit=100_000))
    public = LiveApi(live_server.url, None)
    desk = LiveApi(live_server.url, None)
    desk.session.headers["Authorization"] = f"Token {Token.objects.create(user=viewer).key}"
    correction_path = f"/api/v1/reviews/{correction.public_id}/"
    claim_page = f"/public/claims/{claim.public_id}/"

    # while the old verdict is published, the correction names it
    assert partner.get(correction_path).json()["supersedes"] == str(old.public_id)
    assert "corrects an earlier verdict" in public.get(claim_page).text

    cursor = feed.head()
    # no service withdraws a published review: done in the database, as a data fix would
    Review.objects.filter(pk=old.pk).update(withdrawn_at=timezone.now())

    # the feed: remove the old verdict, fetch the correction again
    latest = {(entry.resource, entry.public_id): entry.action for entry in feed.read(cursor, limit=50).entries}
    assert latest[("review", old.public_id)] == "tombstone"
    assert latest[("review", correction.public_id)] == "upsert"

    # nothing else partners or the public receive names it
    paths = [
        correction_path,
        f"/api/v1/reviews/{correction.public_id}.jsonld",
        "/api/v1/reviews/",
        f"/api/v1/reviews/?claim={claim.public_id}",
        f"/api/v1/claims/{claim.public_id}/",
        "/api/v1/claims/",
        "/api/v1/claims/export/",
        f"/api/v1/disputes/{dispute.public_id}/",
        "/api/v1/disputes/",
        f"/api/v1/disputes/{dispute.public_id}/export/",
    ]
    for path in paths:
        response = partner.get(path)
        assert response.status_code == 200, (path, response.text[:200])
        assert str(old.public_id) not in response.text, f"the withdrawn verdict is named at {path}"
    page = public.get(claim_page)
    assert page.status_code == 200
    assert str(old.public_id) not in page.text
    assert "corrects an earlier verdict" not in page.text

    assert partner.get(correction_path).json()["supersedes"] is None
    [shown] = partner.get(f"/api/v1/claims/{claim.public_id}/").json()["reviews"]
    assert (shown["id"], shown["supersedes"]) == (str(correction.public_id), None)
    [side] = partner.get(f"/api/v1/disputes/{dispute.public_id}/").json()["sides"]
    assert [review["supersedes"] for review in side["claims"][0]["reviews"]] == [None]

    # the desk still sees what the correction corrects
    assert desk.get(correction_path).json()["supersedes"] == str(old.public_id)
    desk_reviews = desk.get(f"/api/v1/claims/{claim.public_id}/").json()["reviews"]
    assert {review["id"]: review["supersedes"] for review in desk_reviews}[str(correction.public_id)] == str(
        old.public_id
    )
    for api in (partner, public, desk):
        api.session.close()
