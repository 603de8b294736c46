"""Invariants the database itself enforces, whoever writes: the desk, the admin, or raw SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from claims import services
from claims.models import ActorAlias, Annotation, Claim, Figure, Review
from sources.models import StoryRevision
from tests.factories import ActorFactory, StoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def _claim(**overrides) -> Claim:
    story = overrides.pop("story", None) or StoryFactory()
    return services.claim_log(story=story, author=None, quote="13 civilians were killed", **overrides)


def _refused(sql: str, params: list) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_figure_bounds_must_be_ordered():
    claim = _claim()
    figure = services.figure_add(claim=claim, figure=services.FigureInput(measure="killed", value=13))
    _refused("UPDATE claims_figure SET low = 20, high = 10 WHERE id = %s", [figure.pk])
    figure.refresh_from_db()
    assert (figure.low, figure.high) == (13, 13)


def test_claim_anchor_must_start_before_it_ends():
    claim = _claim()
    _refused('UPDATE claims_claim SET start = 30, "end" = 30 WHERE id = %s', [claim.pk])


def test_claim_anchor_must_lie_inside_the_revision_text():
    claim = _claim()
    length = len(claim.revision.body)
    _refused('UPDATE claims_claim SET "end" = %s WHERE id = %s', [length + 1, claim.pk])
    claim.refresh_from_db()
    assert claim.revision.body[claim.start : claim.end] == claim.quote


def test_claim_revision_must_belong_to_its_story():
    claim = _claim()
    other = StoryFactory()
    _refused("UPDATE claims_claim SET revision_id = %s WHERE id = %s", [other.current_revision_id, claim.pk])


def test_outlet_voice_claims_have_no_speaker():
    claim = _claim(mode=Claim.Mode.OUTLET_VOICE)
    actor = ActorFactory()
    _refused("UPDATE claims_claim SET speaker_id = %s WHERE id = %s", [actor.pk, claim.pk])


def test_claims_reviews_and_annotations_cannot_be_deleted_even_in_raw_sql():
    claim = _claim()
    author = UserFactory()
    note = services.annotation_add(author=author, body="Check the toll", claim=claim)
    review = Review.objects.create(claim=claim, rating="unproven", reasoning="No data", reviewer=author)
    for table, pk in (("claims_claim", claim.pk), ("claims_annotation", note.pk), ("claims_review", review.pk)):
        _refused(f"DELETE FROM {table} WHERE id = %s", [pk])
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert Annotation.objects.filter(pk=note.pk).exists()


def test_story_revision_text_is_immutable():
    story = StoryFactory()
    _refused("UPDATE sources_storyrevision SET body = 'rewritten' WHERE id = %s", [story.current_revision_id])
    assert StoryRevision.objects.get(pk=story.current_revision_id).body.startswith("The ministry said")


def test_one_alias_per_actor_after_accent_and_case_folding():
    actor = ActorFactory(name="Hikmet Hajiyev")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActorAlias.objects.create(actor=actor, alias="HİKMET HAJİYEV".replace("İ", "I"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ActorAlias.objects.create(actor=actor, alias="Hikmét Hajiyev")
    # the service treats a folded duplicate as the alias already there
    assert services.actor_alias_add(actor=actor, alias="hikmet HAJIYEV").alias == "Hikmet Hajiyev"
    assert ActorAlias.objects.get(actor=actor, alias="Hikmet Hajiyev").normalized == "hikmet hajiyev"


def test_a_review_is_approved_by_a_second_person_before_it_is_published():
    claim = _claim()
    reviewer = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(claim=claim, rating="false", reasoning="x", reviewer=reviewer, approved_by=reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(claim=claim, rating="false", reasoning="x", reviewer=reviewer, is_published=True)


def test_an_annotation_sits_on_exactly_one_claim_or_dispute():
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(author=UserFactory(), body="floating note")


def test_figure_needs_at_least_one_bound():
    claim = _claim()
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.create(claim=claim, measure="killed", value=3, low=None, high=None)
