"""The visibility rule: something leaves the desk only if it is published and everything it hangs on
is visible."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from claims import services, visibility
from claims.models import Annotation, Claim, Dispute, Review
from tests.factories import DisputeFactory, UserFactory, claim_in

pytestmark = pytest.mark.django_db


def test_a_published_claim_needs_a_visible_dispute():
    public, hidden = DisputeFactory(), DisputeFactory(is_published=False, published_at=None)
    only_hidden = claim_in(hidden)
    both = claim_in(public, hidden)
    unpublished = claim_in(public, publish=False)
    no_dispute = claim_in()

    visible = set(Claim.objects.visible())
    assert both in visible
    assert only_hidden not in visible
    assert unpublished not in visible
    assert no_dispute not in visible


def test_withdrawn_claims_and_merged_disputes_are_not_visible():
    survivor, merged = DisputeFactory(), DisputeFactory()
    withdrawn = claim_in(survivor)
    services.claim_withdraw(claim=withdrawn, expected_version=1, user=UserFactory(), reason="Duplicate")
    Dispute.objects.filter(pk=merged.pk).update(merged_into=survivor)
    in_merged_only = claim_in(merged)

    assert not Claim.objects.visible().filter(pk__in=[withdrawn.pk, in_merged_only.pk]).exists()
    assert list(Dispute.objects.visible().filter(pk__in=[survivor.pk, merged.pk])) == [survivor]


def test_reviews_are_visible_only_when_published_on_a_visibleclaim_in():
    reviewer, approver = UserFactory(), UserFactory()
    now = timezone.now()
    shown = claim_in(DisputeFactory())
    hidden = claim_in(DisputeFactory(is_published=False, published_at=None))

    def review(claim, published):
        return Review.objects.create(
            claim=claim,
            rating="unproven",
            reasoning="r",
            reviewer=reviewer,
            approved_by=approver if published else None,
            approved_at=now if published else None,
            is_published=published,
            published_at=now if published else None,
        )

    published_on_shown = review(shown, True)
    draft_on_shown = review(shown, False)
    published_on_hidden = review(hidden, True)
    visible = set(Review.objects.visible())
    assert published_on_shown in visible
    assert draft_on_shown not in visible
    assert published_on_hidden not in visible


def test_internal_annotations_never_visible_public_ones_follow_their_target():
    author = UserFactory()
    shown = claim_in(DisputeFactory())
    hidden = claim_in(DisputeFactory(is_published=False, published_at=None))
    public_on_shown = services.annotation_add(author=author, body="public", is_public=True, claim=shown)
    internal_on_shown = services.annotation_add(author=author, body="internal", claim=shown)
    public_on_hidden = services.annotation_add(author=author, body="public too", is_public=True, claim=hidden)

    visible = set(Annotation.objects.visible())
    assert public_on_shown in visible
    assert internal_on_shown not in visible
    assert public_on_hidden not in visible


def test_seeded_unpublished_and_internal_items_are_not_visible(seeded):
    visible_claims = Claim.objects.visible()
    assert not visible_claims.filter(is_published=False).exists()
    assert not visible_claims.exclude(dispute_links__dispute__in=Dispute.objects.visible()).exists()
    assert not Annotation.objects.visible().filter(body__startswith="INTERNAL").exists()
    assert not Review.objects.visible().filter(reasoning__startswith="DRAFT-REVIEW").exists()
    assert visible_claims.count() > 40


def _sql_visible(resource: str, table: str) -> set:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT public_id FROM {table} WHERE partners_is_visible(%s, public_id)", [resource])
        return {row[0] for row in cursor.fetchall()}


def test_the_sql_rule_agrees_with_the_python_rule_on_every_seed_record(seeded):
    claim_in(DisputeFactory(), publish=False)  # every seed story is shown: add a hidden story and outlet
    for resource, visible in visibility.BY_RESOURCE.items():
        model = visible().model
        python = set(visible().values_list("public_id", flat=True))
        assert python, f"the seed dataset shows no {resource}"
        assert python != set(model.objects.values_list("public_id", flat=True)), (
            f"the seed dataset hides no {resource}: the comparison would prove little"
        )
        assert _sql_visible(resource, model._meta.db_table) == python, resource


def test_the_database_runs_the_sql_written_in_the_visibility_module(db):
    """The SQL form is reinstalled after every migrate, so the database never runs an older copy."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'partners_is_visible'")
        (body,) = cursor.fetchone()
    assert body.strip() in visibility.SQL_FUNCTIONS


def test_the_sql_rule_is_not_installed_where_its_tables_are_not(db):
    """A migrate that stops short of the tables (or unapplies them) must not fail installing it."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL search_path TO pg_catalog")  # no table of the desk is visible
    visibility.install_sql_functions()  # would raise: relation "claims_claim" does not exist
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL search_path TO public")
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'partners_is_visible'")
        assert cursor.fetchone()[0] == 1
