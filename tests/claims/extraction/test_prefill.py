"""The log form's prefill: what the assistant reads in words an editor selected (their figures,
the speaker of the nearest attribution) and what the form gets from it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.extraction import extract
from claims.extraction.pipeline import read_span
from claims.extraction.prefill import selection_prefill
from claims.models import Side
from sources.models import Story
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db

SABAH = "dailysabah-2020-10-21-pashinian"
BERNAMA_SENTENCE = (
    "Armenia said 49 of its soldiers have been killed in the clashes, while on the Azerbaijan side, "
    "it claimed 50 of its soldiers have been killed."
)


def span(story: Story, words: str) -> tuple[int, int]:
    body = story.current_revision.body
    start = body.index(words)
    return start, start + len(words)


def test_figures_in_the_selection_are_read_as_the_assistant_reads_them(seeded):
    story = Story.objects.get(key=SABAH)
    words = "Azerbaijani authorities said at least 60 civilians have been killed and 270 wounded since Sept. 27"
    prefill = selection_prefill(story, **dict(zip(("start", "end"), span(story, words), strict=True)))
    rows = [(f["measure"], f["qualifier"], f["value"], f["counted"]) for f in prefill.figures]
    assert rows == [("killed", "at_least", 60, "civilians"), ("wounded", "exact", 270, "civilians")]
    # the same reading as the assistant's suggestion over the sentence holding these words
    body = story.current_revision.body
    suggested = next(c for c in extract(body, published_on=story.published_on) if words in c.quote)
    assert [(f.measure, f.qualifier, f.value, f.counted, f.whose_id) for f in suggested.figures] == [
        (f["measure"], f["qualifier"], f["value"], f["counted"], f["whose"]) for f in prefill.figures
    ]
    assert {f["whose"] for f in prefill.figures} == {Side.objects.get(key="azerbaijan").pk}
    assert all(f["as_of"] == story.published_on for f in prefill.figures)


def test_the_date_said_defaults_to_the_story_date_and_the_quote_is_the_selection(seeded):
    story = Story.objects.get(key=SABAH)
    start, end = span(story, "270 wounded")
    prefill = selection_prefill(story, start=start, end=end)
    body = story.current_revision.body
    assert prefill.initial["said_on"] == story.published_on
    assert prefill.initial["quote"] == "270 wounded"
    assert prefill.initial["start_hint"] == start
    assert prefill.initial["prefix"] == body[start - 32 : start] and prefill.initial["suffix"] == body[end : end + 32]


def test_part_of_a_sentence_takes_the_speaker_of_its_attribution(seeded):
    story = Story.objects.get(key="bernama-2022-09-14-rustamov")
    start, end = span(story, "49 of its soldiers have been killed in the clashes")
    prefill = selection_prefill(story, start=start, end=end)
    assert [(f["measure"], f["value"], f["counted"]) for f in prefill.figures] == [("killed", 49, "soldiers")]
    # "its soldiers" are the speaker's side's: Armenia said it
    assert prefill.figures[0]["whose"] == Side.objects.get(key="armenia").pk


def test_every_figure_in_the_selection_is_a_row(seeded):
    story = Story.objects.get(key="bernama-2022-09-14-rustamov")
    start, end = span(story, BERNAMA_SENTENCE)
    prefill = selection_prefill(story, start=start, end=end)
    assert [(f["measure"], f["value"], f["counted"]) for f in prefill.figures] == [
        ("killed", 49, "soldiers"),
        ("killed", 50, "soldiers"),
    ]


def test_words_without_numbers_give_no_figure_rows_and_a_speaker_nearby(seeded):
    story = Story.objects.get(key=SABAH)
    start, end = span(story, "call to arms and dismissal of diplomatic solutions")
    prefill = selection_prefill(story, start=start, end=end)
    assert prefill.figures == []
    assert prefill.initial["speaker"] == "Hikmet Hajiyev"


def test_an_unknown_speaker_is_proposed_not_guessed(db):
    story = StoryFactory(
        body="Prosecutor-general Amara Velko of Lorania said 12 people were killed in the shelling of Dovra."
    )
    start, end = span(story, "12 people were killed in the shelling of Dovra")
    prefill = selection_prefill(story, start=start, end=end)
    assert prefill.initial["speaker"] == ""  # no actor of the desk's is guessed
    assert prefill.proposed_actor is not None and prefill.proposed_actor["name"]
    assert [(f["measure"], f["value"]) for f in prefill.figures] == [("killed", 12)]


def test_reading_a_selection_writes_nothing(seeded):
    story = Story.objects.get(key=SABAH)
    start, end = span(story, "834 of their troops have been killed")
    with CaptureQueriesContext(connection) as queries:
        selection_prefill(story, start=start, end=end)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (7, 3), (0, 10_000)])
def test_a_span_outside_the_text_is_refused(db, start, end):
    with pytest.raises(ValueError):
        read_span("A short text.", start, end)
