"""The log form prefilled from what the desk knows: GET on the story's "claims/new" with the
selected words (or a suggestion's fingerprint) gives the form, for htmx alone, without JavaScript
inside the whole reader. It reads only; bad spans are refused without a 500."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.extraction.offers import suggestions_offered
from claims.models import Claim
from sources.models import Story
from tests.claims.views.helpers import PASHINIAN_STORY, assert_csp_safe, body_text, text_of
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db

WORDS = "Azerbaijani authorities said at least 60 civilians have been killed and 270 wounded since Sept. 27"


def form_url(story: Story, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('claims:claim_log', args=[story.pk])}?{query}"


def span(story: Story, words: str) -> dict[str, int]:
    start = story.current_revision.body.index(words)
    return {"start": start, "end": start + len(words)}


def field_value(html: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    return found.group(1) if found else None


def selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{re.escape(name)}".*?</select>', html, re.S)
    option = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0)) if select else None
    return option.group(1) if option else None


def test_htmx_gets_the_form_prefilled_for_the_selected_words(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    response = client.get(form_url(story, **span(story, WORDS)), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and 'id="log-claim-form"' in html
    assert WORDS in html
    assert field_value(html, "said_on") == story.published_on.isoformat()
    assert field_value(html, "figures-TOTAL_FORMS") == "3"  # two read, one empty row to add another
    assert (selected(html, "figures-0-measure"), field_value(html, "figures-0-value")) == ("killed", "60")
    assert selected(html, "figures-0-qualifier") == "at_least"
    assert (selected(html, "figures-1-measure"), field_value(html, "figures-1-value")) == ("wounded", "270")
    assert field_value(html, "start_hint") == str(span(story, WORDS)["start"])


def test_without_javascript_the_reader_comes_back_with_the_prefilled_form(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    response = client.get(form_url(story, **span(story, WORDS)))
    assert response.status_code == 200
    html = response.content.decode()
    assert body_text(html) == story.current_revision.body
    assert field_value(html, "figures-0-value") == "60"
    assert_csp_safe(response)


def test_the_best_dispute_is_preselected_for_a_known_statement(client, editor, seeded):
    claim = Claim.objects.get(key="dailysabah-pashinyan-no-way-diplomacy")
    story = claim.story
    links = list(claim.dispute_links.values_list("dispute_id", flat=True))
    claim_id = claim.pk
    # the words of a logged claim: matching finds its statement's dispute
    client.force_login(editor)
    html = client.get(form_url(story, start=claim.start, end=claim.end), HTTP_HX_REQUEST="true").content.decode()
    assert selected(html, "dispute") in {str(d) for d in links}, claim_id
    assert 'name="speaker"' in html and 'value="Nikol Pashinyan"' in html


def test_the_empty_reader_form_says_the_story_date(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    html = client.get(story.get_absolute_url()).content.decode()
    assert field_value(html, "said_on") == story.published_on.isoformat()


def test_edit_first_gives_every_figure_of_a_suggestion(client, editor, seeded):
    story = StoryFactory(body=f"{WORDS}, the ministry said. Armenia said 49 of its soldiers were killed.")
    offer = suggestions_offered(story)
    candidate = max(offer.suggestions, key=lambda c: len(c.figures))
    assert len(candidate.figures) >= 2
    client.force_login(editor)
    html = client.get(form_url(story, suggestion=candidate.fingerprint), HTTP_HX_REQUEST="true").content.decode()
    assert field_value(html, "figures-TOTAL_FORMS") == str(len(candidate.figures) + 1)
    for n, figure in enumerate(candidate.figures):
        assert field_value(html, f"figures-{n}-value") == str(figure.value)
        assert selected(html, f"figures-{n}-measure") == figure.measure


def test_a_roundup_of_tolls_keeps_every_figure_it_holds_and_saves_them_all(client, editor, seeded):
    roundup = "Officials said " + ", ".join(f"{n} civilians were killed in Velmora-{n}" for n in range(2, 17))
    story = StoryFactory(body=roundup + ".")
    client.force_login(editor)
    html = client.get(form_url(story, **span(story, roundup)), HTTP_HX_REQUEST="true").content.decode()
    assert 'role="alert"' not in html
    assert field_value(html, "figures-TOTAL_FORMS") == "16"  # all fifteen, and a row for another
    assert [field_value(html, f"figures-{n}-value") for n in range(15)] == [str(n) for n in range(2, 17)]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    fields.update({name: selected(html, name) or "" for name in re.findall(r'<select[^>]*name="([^"]+)"', html)})
    fields["quote"] = roundup
    response = client.post(form_url(story), fields)
    assert response.status_code == 302, text_of(response)
    claim = Claim.objects.get(story=story)
    assert sorted(claim.figures.values_list("value", flat=True)) == list(range(2, 17))
    # more than a claim takes: said, not dropped quietly
    longer = "Officials said " + ", ".join(f"{n} civilians were killed in Velmora-{n}" for n in range(2, 50))
    story = StoryFactory(body=longer + ".")
    response = client.get(form_url(story, **span(story, longer)), HTTP_HX_REQUEST="true")
    assert "These words hold 48 figures; one claim takes at most 40: log the words in parts." in text_of(response)


def test_a_suggestion_not_offered_is_a_404_with_the_empty_form(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    for fingerprint in ("0" * 64, "not-a-fingerprint", ""):
        response = client.get(form_url(story, suggestion=fingerprint), HTTP_HX_REQUEST="true")
        assert response.status_code == 404
        assert "no longer offered" in text_of(response)


@pytest.mark.parametrize(
    "params",
    [
        {"start": "5", "end": "5"},
        {"start": "9", "end": "3"},
        {"start": "0", "end": "99999999"},
        {"start": "-1", "end": "4"},
        {"start": "x", "end": "4"},
        {"start": "٣", "end": "٤"},
        {"start": "9" * 40, "end": "9" * 41},
        {"start": "3"},
    ],
)
def test_a_span_not_in_the_text_is_refused_with_a_message(client, editor, params):
    story = StoryFactory(body="One short sentence here.   ")
    client.force_login(editor)
    response = client.get(form_url(story, **params), HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "not in the story's text" in text_of(response)


def test_a_span_of_spaces_only_is_refused_and_outer_spaces_are_trimmed(client, editor):
    story = StoryFactory(body="One short sentence here.   Then more.")
    client.force_login(editor)
    assert client.get(form_url(story, start=24, end=27), HTTP_HX_REQUEST="true").status_code == 400
    html = client.get(form_url(story, start=3, end=27), HTTP_HX_REQUEST="true").content.decode()
    assert "short sentence here.</textarea>" in html


def test_the_prefill_writes_nothing(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    url = form_url(story, **span(story, WORDS))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_viewers_get_no_prefilled_form(client, viewer, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(viewer)
    assert client.get(form_url(story, **span(story, WORDS))).status_code == 403
