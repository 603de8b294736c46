"""The claim assistant measured against the curated seed dataset (the gold standard).

The floors below are the numbers the assistant reached (see docs/assistant.md for how they are
measured): a change that makes any of them worse fails here. They may only go up. The gold set is
versioned: a commit that changes seeds/dataset.yaml resets these numbers in the same commit and
says why. The issue's targets are checked too, separately, so a lowered floor cannot hide a miss.
"""

from __future__ import annotations

import statistics
import time

import pytest

from claims.extraction import extract
from claims.extraction.evaluation import evaluate
from claims.management.commands.benchmark_assistant import seed_texts, thousand_words

pytestmark = pytest.mark.django_db

# What the assistant achieved on the seed dataset (82 curated claims over 5 stories).
FLOORS = {
    ("statement", "precision"): 0.789,
    ("statement", "recall"): 0.937,
    ("figure", "precision"): 0.928,
    ("figure", "recall"): 1.0,
    ("denial", "precision"): 1.0,
    ("denial", "recall"): 1.0,
    ("accusation", "precision"): 0.866,
    ("accusation", "recall"): 0.928,
    ("assertion", "precision"): 0.75,
    ("assertion", "recall"): 0.75,
    ("any", "precision"): 0.86,
    ("any", "recall"): 0.975,
}
FIGURE_ACCURACY = 1.0
# 0.955 (64/67) until "Pakistan refuted ..." stopped resolving to Pakistan's Foreign Ministry, the
# only Pakistani body on the desk: a country is never one of its ministries (issue 12), so it is
# proposed as Pakistan's government; the curated claim names the ministry, which speaks next.
SPEAKER_ACCURACY = 0.940
OUTLET_VOICE_ACCURACY = 1.0
VERSION_MATCHING = 0.978
VERSION_MATCHING_EXTRACTED = 0.911
DISPUTE_MATCHING = 0.848  # 0.835 until speakers counted only where what they said is alike

# What the assistant attached that is not so (ceilings: they may only go down). Zero false
# attributions is the issue's target, so it is the ceiling too.
FALSE_ATTRIBUTIONS = 0
# Of 80 candidates over curated words: 23 before disputes needed the same place and period and a
# score of DISPUTE_OFFER; 16 before a speaker or statement counted only where its claims in the
# dispute are alike the words (RELATED_ALIKE) and two disputes within DISPUTE_MARGIN of each other
# were both withheld. The issue's target is 5% at most (checked below).
FALSE_DISPUTE_MATCHES = 3
FALSE_STATEMENT_MATCHES = 7
# Of 77 candidates whose words belong to a dispute (a floor). It was 51 before the two rules above:
# 12 right offers went with the 13 wrong ones, all between sibling disputes of the same war and
# weeks (the diplomacy and the ending-hostilities questions, the Ganja and the overall civilian
# tolls) that the words could not tell apart, or carried by the speaker alone. A wrong dispute is
# worse than none (issue 12); this floor keeps "none" from spreading further.
OWN_DISPUTE_OFFERED = 39
# The targets set in the issue.
TARGETS = {
    ("figure", "recall"): 0.9,
    ("statement", "recall"): 0.8,
    ("figure", "precision"): 0.7,
    ("statement", "precision"): 0.7,
}


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.core.management import call_command

        from claims.models import Claim

        if not Claim.objects.filter(key__isnull=False).exists():
            call_command("load_seeds", verbosity=0)
        return evaluate()


def test_the_whole_gold_set_is_evaluated(report):
    assert report.stories == 5
    assert report.kinds["any"].gold == 82
    assert sum(report.kinds[k].gold for k in ("statement", "figure", "denial", "accusation", "assertion")) == 82


@pytest.mark.parametrize(("kind", "measure"), sorted(FLOORS))
def test_precision_and_recall_do_not_fall(report, kind, measure):
    achieved = getattr(report.kinds[kind], measure)
    assert achieved >= FLOORS[(kind, measure)] - 1e-9, f"{kind} {measure} fell to {achieved:.3f}"


@pytest.mark.parametrize(("kind", "measure"), sorted(TARGETS))
def test_the_issue_targets_hold(report, kind, measure):
    assert getattr(report.kinds[kind], measure) >= TARGETS[(kind, measure)]


def test_figures_are_read_right(report):
    assert report.figures.value >= FIGURE_ACCURACY, report.figures.misses


def test_speakers_are_resolved_right(report):
    assert report.speakers.total >= 60, "most gold claims with a speaker are found and checked"
    assert report.speakers.value >= max(SPEAKER_ACCURACY, 0.9), report.speakers.misses
    assert report.outlet_voice.value >= OUTLET_VOICE_ACCURACY, report.outlet_voice.misses


def test_versions_of_a_statement_are_ranked_first(report):
    assert report.versions.total >= 40
    assert report.versions.value >= max(VERSION_MATCHING, 0.8), report.versions.misses
    assert report.versions_extracted.value >= VERSION_MATCHING_EXTRACTED, report.versions_extracted.misses


def test_disputes_are_matched(report):
    assert report.disputes.value >= DISPUTE_MATCHING, report.disputes.misses


def test_a_thousand_word_story_takes_well_under_a_second(seeded):
    texts = seed_texts()
    story = thousand_words(texts)
    assert len(story.split()) >= 1000
    extract(story)  # the first call loads the spaCy pipeline and the actors
    samples = []
    for _ in range(5):
        began = time.perf_counter()
        extract(story)
        samples.append(time.perf_counter() - began)
    assert statistics.median(samples) < 0.25, f"median {statistics.median(samples):.3f} s"


def test_no_claim_is_attributed_to_someone_who_did_not_say_it(report):
    precision = report.precision
    assert precision.attributions.checked >= 75, "the candidates over curated words are all judged"
    assert precision.attributions.wrong <= FALSE_ATTRIBUTIONS, precision.attributions.misses


def test_disputes_and_statements_offered_are_the_claims_own(report):
    precision = report.precision
    assert precision.disputes.checked >= 75
    assert precision.disputes.wrong <= FALSE_DISPUTE_MATCHES, precision.disputes.misses
    assert precision.disputes.rate <= 0.05, "the issue's target"
    assert precision.statements.wrong <= FALSE_STATEMENT_MATCHES, precision.statements.misses
    assert precision.disputes_offered.right >= OWN_DISPUTE_OFFERED, "offering nothing is no answer either"
