"""The public pages show the desk's public notes (one fragment for claims and disputes), never its
internal ones."""

from __future__ import annotations

import pytest

from claims import services
from tests.factories import DisputeFactory, StoryFactory

pytestmark = pytest.mark.django_db


def test_public_notes_show_on_the_claim_and_dispute_pages_and_internal_ones_do_not(client, editor):
    dispute = DisputeFactory()
    claim = services.claim_log(
        story=StoryFactory(),
        author=editor,
        quote="13 civilians were killed",
        disputes=[services.DisputeLink(dispute=dispute)],
        publish=True,
    )
    for owner in ({"claim": claim}, {"dispute": dispute}):
        services.annotation_add(author=editor, body="Figure from the **ministry**.", is_public=True, **owner)
        services.annotation_add(author=editor, body="INTERNAL: call the ministry", **owner)

    for url in (f"/public/claims/{claim.public_id}/", f"/public/disputes/{dispute.public_id}/"):
        html = client.get(url).content.decode()
        assert "Notes from the desk" in html, url
        assert "Figure from the <strong>ministry</strong>." in html, url
        assert "INTERNAL" not in html, url
