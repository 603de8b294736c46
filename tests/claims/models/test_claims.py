"""Claim QuerySets and figures: one definition each for "in use", a card's data, a figure's label."""

from __future__ import annotations

from datetime import date

import pytest

from claims import services
from claims.models import Claim, ClaimDispute, Figure
from tests.factories import ActorFactory, DisputeFactory, OutletFactory, ScopeFactory, SideFactory, StoryFactory

pytestmark = pytest.mark.django_db

BODY = "The ministry said 13 civilians were killed in the strike. The other side denied firing at all."


def test_places_of_withdrawn_claims_are_left_out_of_active_ones(editor):
    dispute = DisputeFactory()
    kept, withdrawn = (
        services.claim_log(
            story=StoryFactory(body=BODY), author=editor, quote=quote, disputes=[services.DisputeLink(dispute=dispute)]
        )
        for quote in ("13 civilians were killed", "The other side denied firing")
    )
    services.claim_withdraw(claim=withdrawn, expected_version=1, user=editor, reason="Logged in error")

    assert list(ClaimDispute.objects.filter(dispute=dispute).active().values_list("claim", flat=True)) == [kept.pk]
    assert list(Claim.objects.active().filter(dispute_links__dispute=dispute)) == [kept]


def test_card_data_loads_in_a_fixed_number_of_queries_whatever_the_claims(editor, django_assert_num_queries):
    side, scope = SideFactory(), ScopeFactory()
    for _ in range(3):
        services.claim_log(
            story=StoryFactory(body=BODY),
            author=editor,
            quote="13 civilians were killed",
            speaker=ActorFactory(side=side),
            via=[OutletFactory()],
            figures=[services.FigureInput(measure="killed", value=13, whose=side, scope=scope)],
        )
    # the claims (with speaker, side, outlet, statement), their figures (with whose and scope),
    # the via chain with its outlets, the speakers' roles
    shown = []
    with django_assert_num_queries(5):
        for claim in Claim.objects.filter(created_by=editor).with_card_data():
            shown += [(f.whose.name, f.scope.label) for f in claim.figures.all()]
            shown += [via.outlet.name for via in claim.via.all()]
            shown += [*claim.speaker.roles.all(), claim.speaker.side.name, claim.story.outlet.name, claim.statement]
    assert len(shown) == 3 * 5


def test_a_figure_label_says_everything_about_the_number():
    side, scope = SideFactory(name="Azerbaijan"), ScopeFactory(label="Ganja")
    figure = Figure(
        measure=Figure.Measure.HOUSES_DAMAGED,
        counted=Figure.Counted.BUILDINGS,
        qualifier=Figure.Qualifier.OVER,
        value=1700,
        whose=side,
        scope=scope,
        tally=Figure.Tally.INCREMENT,
        as_of=date(2020, 10, 21),
    )

    assert figure.label == "over 1,700 houses damaged buildings (Azerbaijan) in Ganja [increment], as of 2020-10-21"
    assert Figure(measure="killed", value=13).label == "exactly 13 killed"
