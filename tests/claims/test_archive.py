"""The synthetic archive (`manage.py generate_archive`): the shape the scale benchmark relies on,
internally consistent, and written with the triggers on (the change log holds what it published)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from claims import visibility
from claims.archive import MAX_DISPUTE_CLAIMS, Generator, Plan, dispute_sizes
from claims.models import Annotation, Claim, ClaimDispute, Dispute, Figure, Review
from sources.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(db):
    before = set(Claim.objects.values_list("pk", flat=True))
    report = Generator(Plan(claims=400, actors=60, seed=3)).run(batch_claims=150)
    return report, Claim.objects.exclude(pk__in=before)


def test_every_claim_is_anchored_to_its_exact_words_in_its_story(archive):
    _, claims = archive
    assert claims.count() == 400
    for claim in claims.select_related("revision", "story"):
        body = claim.revision.body
        assert body[claim.start : claim.end] == claim.quote
        assert body[: claim.start].endswith(claim.prefix) and body[claim.end :].startswith(claim.suffix)
        assert claim.story.current_revision_id == claim.revision_id
        assert 500 <= len(body.split()) <= 2000


def test_figures_are_in_the_words_and_about_a_third_of_claims_have_one(archive):
    _, claims = archive
    figures = Figure.objects.filter(claim__in=claims).select_related("claim")
    assert 0.2 * 400 < figures.count() < 0.4 * 400
    for figure in figures:
        assert figure.raw in figure.claim.quote
        assert f"{figure.value:,}" in figure.raw


def test_claims_sit_in_one_or_two_disputes_and_about_half_are_published(archive):
    _, claims = archive
    per_claim = claims.annotate(n=Count("dispute_links")).values_list("n", flat=True)
    assert set(per_claim) <= {1, 2} and 2 in set(per_claim)
    assert 0.35 * 400 < claims.filter(is_published=True).count() < 0.65 * 400
    assert all(size <= MAX_DISPUTE_CLAIMS for size in _dispute_sizes(claims))


def test_dispute_sizes_fall_off_and_never_pass_the_cap():
    cumulative = dispute_sizes(1_500_000, 20_000)
    sizes = [b - a for a, b in zip([0.0, *cumulative], cumulative, strict=False)]
    assert max(sizes) <= MAX_DISPUTE_CLAIMS
    assert sizes[0] > 1800 > 500 > sizes[100] > sizes[-1] > 10
    assert sum(sizes) == pytest.approx(1_500_000, rel=0.01)


def _dispute_sizes(claims):
    return (
        ClaimDispute.objects.filter(claim__in=claims)
        .values("dispute")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )


def test_the_visibility_rule_holds_python_and_sql_agree_and_notes_stay_internal(archive):
    _, claims = archive
    visible = set(visibility.claims(claims).values_list("public_id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT public_id FROM claims_claim WHERE id = ANY(%s) AND partners_is_visible('claim', public_id)",
            [list(claims.values_list("pk", flat=True))],
        )
        assert {row[0] for row in cursor.fetchall()} == visible
    assert 0 < len(visible) < 400
    notes = Annotation.objects.filter(claim__in=claims)
    assert notes.filter(is_public=False).exists()
    assert not Annotation.objects.visible().filter(pk__in=notes.filter(is_public=False)).exists()
    drafts = Review.objects.filter(claim__in=claims, is_published=False)
    assert drafts.exists() and not Review.objects.visible().filter(pk__in=drafts).exists()


def test_what_the_archive_published_is_in_the_change_log_and_nothing_else(archive):
    """Disputes are published last, in one UPDATE: its trigger logs each dispute's claims."""
    _, claims = archive
    visible = set(visibility.claims(claims).values_list("public_id", flat=True))
    all_ids = set(claims.values_list("public_id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT public_id FROM partners_change WHERE resource = 'claim'")
        logged = {row[0] for row in cursor.fetchall()} & all_ids
    assert logged == visible
    published = Dispute.objects.filter(claim_links__claim__in=claims, is_published=True).distinct()
    assert published.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM partners_change WHERE resource = 'story'")
        assert cursor.fetchone()[0] >= visibility.stories(Story.objects.filter(claims__in=claims).distinct()).count()


def test_history_names_the_command_that_wrote_the_archive(archive):
    _, claims = archive
    event = Claim.pgh_event_model.objects.filter(pgh_obj__in=claims).select_related("pgh_context").first()
    assert event is not None and event.pgh_context.metadata["command"] == "generate_archive"


def test_the_command_reports_its_rate(db, capsys):
    call_command("generate_archive", "--claims", "30", "--jobs", "1")
    out = capsys.readouterr().out
    assert "30 claims in" in out and "claims/s" in out
