"""Figures read the same in every export: the desk's dispute export and the API's exports both
write Figure.label (the more complete of the two texts they used to write)."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from claims import services
from claims.exports import dispute_csv, dispute_export
from claims.models import Figure
from tests.factories import DisputeFactory, ScopeFactory, SideFactory, StoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def figure(editor) -> Figure:
    dispute = DisputeFactory(title="How many died in Ganja?")
    claim = services.claim_log(
        story=StoryFactory(body="Officials said 13 more civilians were killed in Ganja."),
        author=editor,
        quote="13 more civilians were killed",
        disputes=[services.DisputeLink(dispute=dispute)],
        figures=[
            services.FigureInput(
                measure="killed",
                value=13,
                counted="civilians",
                whose=SideFactory(name="Azerbaijan"),
                scope=ScopeFactory(label="Ganja"),
                tally="increment",
                as_of=date(2020, 10, 17),
            )
        ],
        publish=True,
    )
    return claim.figures.select_related("whose", "scope").get()


EXPECTED = "exactly 13 killed civilians (Azerbaijan) in Ganja [increment], as of 2020-10-17"


def test_the_desk_export_writes_the_figure_label(figure):
    data = dispute_export(figure.claim.disputes.get())

    assert figure.label == EXPECTED
    assert data["claims"][0]["figures"][0]["text"] == EXPECTED
    assert EXPECTED in dispute_csv(data)


def test_the_api_export_writes_the_same_label_with_increment_and_date(figure, editor):
    client = APIClient()
    client.force_login(editor)

    rows = client.get(f"/api/v1/disputes/{figure.claim.disputes.get().public_id}/export/").json()["rows"]

    assert [row["figures"] for row in rows] == [EXPECTED]
