"""Correcting a logged claim (claims/corrections.py): figures added, changed, removed and restored
with versions and history; places in disputes; and a revision whose words no longer say what the
figures do, flagged for the inbox until resolved one of two ways."""

from __future__ import annotations

import pghistory.models
import pytest

from claims import services
from claims.corrections import (
    claim_figures_from_words,
    claim_log_revision,
    figure_create,
    figure_input_of,
    figure_remove,
    figure_restore,
    figure_update,
    placement_add,
    placement_remove,
    placement_update,
    scope_create,
)
from claims.models import Claim, ClaimDispute, ClaimLink, Figure, Scope
from claims.reanchoring import claim_reanchor, claims_reanchor
from core.errors import DomainError
from core.versioning import EditConflict
from sources.models import Story, StoryRevision
from tests.factories import DisputeFactory, ScopeFactory, SideFactory, StoryFactory

pytestmark = pytest.mark.django_db

FIRST = "GANJA (AFP) - Officials said at least 7 people were killed in the strike on Ganja. Armenia denied it."
SECOND = "GANJA (AFP) - Officials said 11 people were killed in the strike on Ganja. Armenia denied it."
OLD_WORDS = "at least 7 people were killed in the strike on Ganja"
NEW_WORDS = "11 people were killed in the strike on Ganja"


def add_revision(story: Story, body: str) -> StoryRevision:
    revision = StoryRevision.objects.create(story=story, number=story.revisions.count() + 1, body=body)
    Story.objects.filter(pk=story.pk).update(current_revision=revision)
    story.current_revision = revision
    return revision


def fresh(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


@pytest.fixture
def side():
    return SideFactory(name="Azerbaijan")


@pytest.fixture
def claim(side):
    story = StoryFactory(body=FIRST)
    return services.claim_log(
        story=story,
        author=None,
        quote=OLD_WORDS,
        disputes=[services.DisputeLink(DisputeFactory(title="How many died in Ganja?"))],
        figures=[services.FigureInput(measure="killed", value=7, qualifier="at_least", counted="people", whose=side)],
    )


@pytest.fixture
def raised(claim):
    """The toll raised in a new revision; the editor re-anchors the flagged claim to the new words."""
    revision = add_revision(claim.story, SECOND)
    claims_reanchor(revision=revision)
    flagged = fresh(claim)
    assert flagged.needs_reanchoring
    claim_reanchor(claim=flagged, expected_version=flagged.version, quote=NEW_WORDS)
    return fresh(claim)


# --- Figures -----------------------------------------------------------------------------------


def test_a_changed_figure_takes_its_bounds_from_the_qualifier_and_moves_its_version(claim):
    figure = claim.figures.get()
    figure_update(figure=figure, expected_version=1, changes=figure_input_of(figure, qualifier="more_than", value=9))
    figure.refresh_from_db()
    assert (figure.value, figure.low, figure.high, figure.version) == (9, 10, None, 2)
    assert figure.whose.name == "Azerbaijan"  # fields not changed stay


def test_a_stale_figure_change_is_refused_and_nothing_is_overwritten(claim):
    figure = claim.figures.get()
    figure_update(figure=figure, expected_version=1, changes=figure_input_of(figure, value=8))
    stale = Figure.objects.get(pk=figure.pk)
    with pytest.raises(EditConflict, match="version 2"):
        figure_update(figure=stale, expected_version=1, changes=figure_input_of(stale, value=99))
    with pytest.raises(EditConflict):
        figure_remove(figure=stale, expected_version=1)
    assert Figure.objects.get(pk=figure.pk).value == 8


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"measure": "eaten"}, "measure"),
        ({"qualifier": "roughly"}, "qualifier"),
        ({"value": -1}, "value"),
        ({"value": 2**31 - 1, "qualifier": "more_than"}, "value"),
        ({"raw": "x" * 301}, "raw"),
    ],
)
def test_bad_figure_values_are_refused_with_the_field_named_and_nothing_changes(claim, changes, field):
    figure = claim.figures.get()
    with pytest.raises(DomainError) as refused:
        figure_update(figure=figure, expected_version=1, changes=figure_input_of(figure, **changes))
    assert refused.value.field == field
    stored = Figure.objects.get(pk=figure.pk)
    assert (stored.value, stored.qualifier, stored.version) == (7, "at_least", 1)


def test_a_removed_figure_is_kept_in_history_and_restored_with_its_ids(claim):
    figure = claim.figures.get()
    public_id = figure.public_id
    figure_remove(figure=figure, expected_version=1)
    assert not claim.figures.exists()
    removed = pghistory.models.Events.objects.references(claim).filter(pgh_label="delete").get()
    restored = figure_restore(claim=claim, event_id=removed.pgh_id, expected_version=1)
    assert (restored.pk, restored.public_id, restored.value, restored.low) == (figure.pk, public_id, 7, 7)
    assert restored.version == 2
    with pytest.raises(EditConflict):  # a second restore of the same removal
        figure_restore(claim=claim, event_id=removed.pgh_id, expected_version=1)


def test_an_earlier_version_of_a_changed_figure_is_restored(claim):
    figure = claim.figures.get()
    figure_update(figure=figure, expected_version=1, changes=figure_input_of(figure, value=70, qualifier="exact"))
    first = (
        pghistory.models.Events.objects.references(claim)
        .filter(pgh_model="claims.FigureEvent", pgh_label="insert")
        .get()
    )
    restored = figure_restore(claim=claim, event_id=first.pgh_id, expected_version=2)
    assert (restored.value, restored.qualifier, restored.low, restored.high, restored.version) == (
        7,
        "at_least",
        7,
        None,
        3,
    )


def test_a_figure_from_another_claim_history_cannot_be_restored_here(claim):
    other = services.claim_log(story=claim.story, author=None, quote="Armenia denied it")
    event = pghistory.models.Events.objects.references(claim).filter(pgh_model="claims.FigureEvent").first()
    with pytest.raises(DomainError, match="not in this claim's history"):
        figure_restore(claim=other, event_id=event.pgh_id, expected_version=1)


def test_a_withdrawn_claim_is_not_corrected(claim, editor):
    services.claim_withdraw(claim=claim, expected_version=claim.version, user=editor, reason="logged twice")
    with pytest.raises(DomainError, match="withdrawn"):
        figure_create(claim=fresh(claim), figure=services.FigureInput(measure="wounded", value=3))
    assert claim.figures.count() == 1


def test_a_scope_made_from_the_form_gets_a_key_and_is_not_duplicated():
    ScopeFactory(key="ganja-strike", label="Something else")
    scope, created = scope_create(label="Ganja strike", kind="event", place="Ganja")
    assert scope.key == "ganja-strike-2" and created
    assert scope_create(label="ganja STRIKE ", kind="event") == (scope, False)
    with pytest.raises(DomainError):
        scope_create(label="  ")
    with pytest.raises(DomainError):
        scope_create(label="x", kind="forever")
    assert Scope.objects.filter(label__iexact="ganja strike").count() == 1


# --- Places in disputes --------------------------------------------------------------------------


def test_a_claim_is_put_in_a_dispute_its_stance_changed_and_taken_out(claim, side):
    dispute = DisputeFactory(title="Who fired first?")
    placed = placement_add(claim=claim, link=services.DisputeLink(dispute, "denies"))
    with pytest.raises(DomainError, match="already in that dispute"):
        placement_add(claim=claim, link=services.DisputeLink(dispute))
    placement_update(placement=placed, expected_version=1, stance="counters", blames=side)
    stale = ClaimDispute.objects.get(pk=placed.pk)
    with pytest.raises(EditConflict):
        placement_update(placement=stale, expected_version=1, stance="asserts", blames=None)
    with pytest.raises(DomainError):
        placement_update(placement=stale, expected_version=2, stance="shrugs", blames=None)
    assert (ClaimDispute.objects.get(pk=placed.pk).stance, ClaimDispute.objects.get(pk=placed.pk).blames) == (
        "counters",
        side,
    )
    placement_remove(placement=stale, expected_version=2)
    assert not ClaimDispute.objects.filter(pk=placed.pk).exists()


# --- Words against figures -----------------------------------------------------------------------


def test_reanchoring_to_words_with_a_new_number_flags_the_claim_for_the_inbox(raised):
    assert raised.quote == NEW_WORDS and raised.figures_disagree
    assert list(Claim.objects.figures_disagree()) == [raised]


def test_reanchoring_to_other_words_with_the_same_numbers_flags_nothing(claim):
    revision = add_revision(claim.story, FIRST.replace("Officials said at least", "At least"))
    claim_reanchor(claim=fresh(claim), expected_version=claim.version, quote="At" + OLD_WORDS[2:])
    assert fresh(claim).revision == revision and fresh(claim).quote.startswith("At least 7")
    assert not Claim.objects.figures_disagree().exists()


def test_updating_the_figures_to_the_words_resolves_the_flag_and_keeps_whose(raised, side):
    claim_figures_from_words(claim=raised, expected_version=raised.version)
    claim = fresh(raised)
    figure = claim.figures.get()
    assert (figure.value, figure.qualifier, figure.low, figure.high, figure.whose) == (11, "exact", 11, 11, side)
    assert figure.version == 2  # changed in place, its history kept
    assert not claim.figures_disagree and not Claim.objects.figures_disagree().exists()
    with pytest.raises(DomainError, match="nothing to resolve"):
        claim_figures_from_words(claim=claim, expected_version=claim.version)


def test_a_stale_resolution_is_refused(raised):
    with pytest.raises(EditConflict):
        claim_figures_from_words(claim=raised, expected_version=raised.version - 1)
    with pytest.raises(EditConflict):
        claim_log_revision(claim=raised, expected_version=raised.version - 1, author=None)
    assert fresh(raised).figures_disagree and fresh(raised).figures.get().value == 7


def test_logging_the_new_words_as_a_revising_claim_keeps_both(raised, editor, side):
    revised = claim_log_revision(claim=raised, expected_version=raised.version, author=editor)
    old = fresh(raised)
    assert (old.quote, old.revision.number, old.figures.get().value, old.figures_disagree) == (OLD_WORDS, 1, 7, False)
    assert (revised.quote, revised.revision.number, revised.created_by) == (NEW_WORDS, 2, editor)
    figure = revised.figures.get()
    assert (figure.value, figure.qualifier, figure.whose) == (11, "exact", side)
    assert ClaimLink.objects.filter(source=revised, target=old, kind="revises").exists()
    assert list(revised.disputes.all()) == list(old.disputes.all())
    assert not Claim.objects.figures_disagree().exists()
    # a later revision does not flag the revised claim again: it stands on its old words
    report = claims_reanchor(revision=add_revision(old.story, SECOND + "\n\nUpdated."))
    assert old not in report.flagged and not fresh(old).needs_reanchoring


def test_correcting_the_figure_by_hand_clears_the_flag(raised):
    figure = raised.figures.get()
    figure_update(figure=figure, expected_version=1, changes=figure_input_of(figure, value=11, qualifier="exact"))
    assert not fresh(raised).figures_disagree
    assert fresh(raised).version == raised.version  # bookkeeping: open forms on the claim stay valid


def test_a_figure_changed_in_the_admin_is_a_new_version_so_an_open_desk_form_is_refused(claim):
    from claims.admin import FigureForm

    figure = claim.figures.get()
    data = {name: getattr(figure, name) for name in ("measure", "counted", "tally", "qualifier", "raw")}
    form = FigureForm(instance=figure, data={**data, "claim": claim.pk, "value": 8})
    assert form.is_valid(), form.errors
    form.save()
    stale = Figure.objects.get(pk=figure.pk)
    assert (stale.value, stale.low, stale.version) == (8, 8, 2)
    with pytest.raises(EditConflict):
        figure_update(figure=stale, expected_version=1, changes=figure_input_of(stale, value=9))
