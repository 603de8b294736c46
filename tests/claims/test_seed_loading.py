"""The curated seed dataset loads completely, idempotently, and refuses a quote it cannot anchor."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml
from django.core.management import CommandError, call_command

from claims.models import Annotation, Claim, Dispute, Figure, Review, Statement
from claims.seeding import DATASET, SEEDS_DIR
from sources.models import Story

pytestmark = pytest.mark.django_db


def test_every_seed_story_is_stored_byte_for_byte(seeded):
    data = yaml.safe_load(DATASET.read_text(encoding="utf-8"))
    for row in data["stories"]:
        story = Story.objects.get(key=row["key"])
        assert story.current_revision.body == (SEEDS_DIR / row["file"]).read_text(encoding="utf-8")


def test_every_claim_is_anchored_to_its_exact_quote(seeded):
    data = yaml.safe_load(DATASET.read_text(encoding="utf-8"))
    for row in data["claims"]:
        claim = Claim.objects.select_related("revision").get(key=row["key"])
        assert claim.revision.body[claim.start : claim.end] == row["quote"], row["key"]
        assert claim.quote == row["quote"]


def test_the_dataset_meets_the_landscape_floor(seeded):
    assert Dispute.objects.count() >= 8
    assert Claim.objects.count() >= 50
    per_story = Counter(Claim.objects.values_list("story__key", flat=True))
    assert len(per_story) == 5 and min(per_story.values()) >= 5
    # Pashinyan's address reaches readers in several wordings, across three stories.
    address = Statement.objects.get(key="pashinyan-address-2020-10-21")
    assert address.versions.values("story").distinct().count() == 3
    # Hajiyev answers it on more than one occasion, each its own statement.
    assert address.responses.filter(speaker__key="hajiyev").count() >= 2
    # "63 civilians were killed and 292 wounded" is one claim with two figures.
    assert Figure.objects.filter(claim__quote__contains="63 civilians were killed").count() == 2
    # Some things stay inside the desk, so leak tests have something to catch.
    assert Dispute.objects.filter(is_published=False).exists()
    assert Claim.objects.filter(is_published=False).exists()
    assert Annotation.objects.filter(is_public=False).exists()
    assert Review.objects.filter(is_published=False).exists()


def test_figures_carry_bounds_derived_from_their_qualifier(seeded):
    at_least = Figure.objects.get(claim__key="dailysabah-azerbaijan-60-civilians", measure="killed")
    assert (at_least.low, at_least.high, at_least.approximate) == (60, None, False)
    some = Figure.objects.get(raw__icontains="two dozen")
    assert (some.value, some.low, some.high, some.approximate) == (24, 24, 24, True)


def test_loading_twice_leaves_the_same_data(seeded):
    before = {model: model.objects.count() for model in (Story, Claim, Dispute, Figure, Annotation, Review)}
    call_command("load_seeds", verbosity=0)
    assert {model: model.objects.count() for model in before} == before


def test_a_quote_missing_from_its_story_stops_the_load_and_names_the_claim(tmp_path, db):
    data = yaml.safe_load(DATASET.read_text(encoding="utf-8"))
    data["claims"][3]["key"] = "a-claim-with-a-broken-quote"
    data["claims"][3]["quote"] = "words that no outlet ever printed"
    for row in data["stories"]:
        (tmp_path / row["file"]).write_bytes((SEEDS_DIR / row["file"]).read_bytes())
    broken = tmp_path / "dataset.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    claims_before = Claim.objects.count()

    with pytest.raises(CommandError, match="a-claim-with-a-broken-quote"):
        call_command("load_seeds", file=str(broken), verbosity=0)
    assert Claim.objects.count() == claims_before


def test_an_ambiguous_quote_must_say_which_occurrence(tmp_path, db):
    data = yaml.safe_load(DATASET.read_text(encoding="utf-8"))
    story = data["stories"][1]
    text = (SEEDS_DIR / story["file"]).read_text(encoding="utf-8")
    assert text.count("Pashinian said") > 1
    data["claims"] = [
        {"key": "ambiguous-pashinian", "story": story["key"], "quote": "Pashinian said", "mode": "paraphrase"}
    ]
    data["claim_links"], data["reviews"] = [], []
    data["annotations"] = [a for a in data["annotations"] if "on_dispute" in a]
    for row in data["stories"]:
        (tmp_path / row["file"]).write_bytes((SEEDS_DIR / row["file"]).read_bytes())
    path = tmp_path / "dataset.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    with pytest.raises(CommandError, match=r"ambiguous-pashinian.*occurrence"):
        call_command("load_seeds", file=str(path), verbosity=0)

    data["claims"][0]["occurrence"] = 2
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    call_command("load_seeds", file=str(path), verbosity=0)
    claim = Claim.objects.get(key="ambiguous-pashinian")
    assert claim.start == text.find("Pashinian said", text.find("Pashinian said") + 1)
