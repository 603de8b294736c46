"""The story reader: the text exactly, every claim highlighted, logging a claim, speaker lookup,
dispute suggestions, safety and bounded queries."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from claims import services
from claims.models import Annotation, Claim, ClaimDispute, Dispute, Figure
from sources.models import Story
from tests.claims.views.helpers import (
    PASHINIAN_STORY,
    UNCLAIMED,
    assert_csp_safe,
    body_text,
    log_data,
    text_of,
)
from tests.factories import ActorFactory, DisputeFactory, OutletFactory, SideFactory, StatementFactory, StoryFactory

pytestmark = pytest.mark.django_db


def test_viewer_and_factchecker_cannot_log_a_claim(client, viewer, factchecker, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    url = reverse("claims:claim_log", args=[story.pk])
    before = Claim.objects.count()
    for user in (viewer, factchecker):
        client.force_login(user)
        assert client.post(url, log_data()).status_code == 403
    assert Claim.objects.count() == before


def test_reader_shows_the_text_exactly_with_every_claim_highlighted(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    # the page's text nodes are the revision's text, character for character
    assert body_text(html) == story.current_revision.body
    for claim in Claim.objects.active().filter(revision=story.current_revision):
        assert f'id="claim-{claim.pk}"' in html
    assert "data-tag=" in html  # a side tag, not colour alone
    assert_csp_safe(response)


def test_text_with_characters_outside_the_bmp_is_anchored_in_code_points(client, editor):
    body = "Flag \U0001f1e6\U0001f1f2 first. Then \U0001d4b3 said 49 soldiers were killed. End."  # flag, script X
    story = StoryFactory(body=body)
    client.force_login(editor)
    quote = "49 soldiers were killed"
    response = client.post(
        reverse("claims:claim_log", args=[story.pk]),
        log_data(quote=quote, start_hint=str(body.index(quote)), mode="outlet_voice"),
    )
    assert response.status_code == 302
    claim = Claim.objects.get(story=story)
    assert (claim.start, claim.end) == (body.index(quote), body.index(quote) + len(quote))
    html = client.get(story.get_absolute_url()).content.decode()
    assert body_text(html) == body
    assert f'data-claim="{claim.pk}"' in html and f">{quote}</mark>" in html


def test_user_text_in_a_story_is_escaped(client, editor):
    story = StoryFactory(body='He said <script>alert("x")</script> & left.', headline="<b>Bold</b> headline")
    services.claim_log(story=story, author=editor, quote='<script>alert("x")</script>', mode="outlet_voice")
    client.force_login(editor)
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert" not in html and "<b>Bold</b>" not in html
    assert body_text(html) == story.current_revision.body
    assert_csp_safe(response)


def test_reader_leaves_a_place_for_the_assistants_suggestions(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    html = client.get(story.get_absolute_url()).content.decode()
    try:
        url = reverse("claims:story_suggestions", args=[story.pk])
    except NoReverseMatch:  # the assistant's part of the desk is not installed: the reader still works
        assert 'id="suggestions"' not in html
    else:
        assert re.search(rf'<section id="suggestions"[^>]*hx-get="{re.escape(url)}"[^>]*hx-trigger="load"', html)
        assert f'<a href="{url}">' in html  # the plain-link fallback


def test_story_reader_queries_do_not_grow_with_claims(client, editor, django_assert_max_num_queries):
    def story_with(n: int) -> Story:
        sentences = [f"Speaker {i} said {i} things happened." for i in range(n)]
        story = StoryFactory(body=" ".join(sentences))
        sides = [SideFactory(), SideFactory()]
        speakers = [ActorFactory(side=sides[0]), ActorFactory(side=sides[1])]
        dispute = DisputeFactory()
        for i, sentence in enumerate(sentences):
            claim = services.claim_log(
                story=story,
                author=editor,
                quote=sentence,
                speaker=speakers[i % 2],
                disputes=[services.DisputeLink(dispute=dispute)],
                figures=[services.FigureInput(measure=Figure.Measure.KILLED, value=i)],
            )
            services.annotation_add(author=editor, body="n", claim=claim)
        return story

    small, big = story_with(5), story_with(64)
    client.force_login(editor)
    client.get(small.get_absolute_url())

    def count(story: Story) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(story.get_absolute_url()).status_code == 200
        return len(queries)

    with django_assert_max_num_queries(20):
        response = client.get(big.get_absolute_url())
    assert response.content.decode().count("hl-start") >= 64
    assert count(small) == count(big)


def test_the_claims_list_shows_each_figure_and_leads_to_resolving_words_that_disagree(client, editor):
    story = StoryFactory(body="Officials said 11 people were killed in the strike. Rescue work went on.")
    claim = services.claim_log(
        story=story,
        author=editor,
        quote="Officials said 11 people were killed in the strike",
        figures=[services.FigureInput(measure=Figure.Measure.KILLED, value=7, qualifier="at_least", counted="people")],
    )
    client.force_login(editor)
    listed = text_of(client.get(story.get_absolute_url())).split("Claims in this story", 1)[1]
    assert "at least 7 killed people" in listed and "Words and figures disagree" not in listed
    Claim.objects.filter(pk=claim.pk).update(figures_disagree=True)  # as a re-anchoring leaves it
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'href="{claim.get_absolute_url()}#words-title">Words and figures disagree: resolve</a>' in html


def test_speaker_options_find_an_actor_by_an_alias_spelling(client, editor, seeded):
    client.force_login(editor)
    html = client.get(reverse("claims:speaker_options"), {"speaker": "Pashinian"}).content.decode()
    assert '<option value="Nikol Pashinyan">' in html
    html = client.get(reverse("claims:speaker_options"), {"speaker": "hikmat hajiev"}).content.decode()
    assert '<option value="Hikmet Hajiyev">' in html
    # accents and case folded the same way as the stored aliases
    html = client.get(reverse("claims:speaker_options"), {"speaker": "İBRAHİM KALIN"}).content.decode()
    assert '<option value="Ibrahim Kalin">' in html
    assert "<option" not in client.get(reverse("claims:speaker_options"), {"speaker": "x"}).content.decode()


def test_dispute_options_suggest_disputes_sharing_the_speaker_or_words(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    response = client.get(
        reverse("claims:dispute_options", args=[story.pk]),
        {"speaker": "Pashinian", "quote": "no diplomatic solution", "dispute": ""},
    )
    html = response.content.decode()
    suggested = html.split('label="Suggested"')[1].split("</optgroup>")[0]
    diplomacy = Dispute.objects.get(key="diplomacy-ruled-out-2020-10")
    assert f'value="{diplomacy.pk}"' in suggested


def test_editor_logs_a_claim_with_a_plain_form_post(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    dispute = Dispute.objects.get(key="diplomacy-ruled-out-2020-10")
    client.force_login(editor)
    response = client.post(
        reverse("claims:claim_log", args=[story.pk]),
        log_data(
            speaker="Pashinian",
            dispute=str(dispute.pk),
            stance="counters",
            **{
                "figures-0-measure": "killed",
                "figures-0-value": "834",
                "figures-0-qualifier": "at_least",
                "figures-0-counted": "soldiers",
                "figures-0-raw": "834 of their troops",
            },
        ),
    )
    claim = Claim.objects.get(story=story, quote=UNCLAIMED)
    assert response.status_code == 302 and response.url == f"{story.get_absolute_url()}#claim-{claim.pk}"
    body = story.current_revision.body
    assert (claim.start, claim.end) == (body.index(UNCLAIMED), body.index(UNCLAIMED) + len(UNCLAIMED))
    assert claim.speaker.name == "Nikol Pashinyan" and claim.created_by == editor
    assert ClaimDispute.objects.get(claim=claim).stance == "counters"
    figure = claim.figures.get()
    assert (figure.value, figure.low, figure.high, figure.counted) == (834, 834, None, "soldiers")
    page = client.get(response.url).content.decode()
    assert f'id="claim-{claim.pk}"' in page


def test_htmx_save_returns_a_fresh_form_and_the_new_highlight_out_of_band(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    response = client.post(
        reverse("claims:claim_log", args=[story.pk]),
        log_data(
            speaker="Hikmat Hajiyev",
            new_dispute_title="Is Karabakh under separatist control?",
            dispute="new",
            new_dispute_kind="territorial_control",
        ),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    claim = Claim.objects.get(story=story, quote=UNCLAIMED)
    assert html.lstrip().startswith('<form id="log-claim-form"')
    assert re.search(r'<div id="story-text" class="story-text" hx-swap-oob="true">', html)
    assert f'id="claim-{claim.pk}"' in html
    assert f'data-logged="{claim.pk}"' in html
    dispute = Dispute.objects.get(title="Is Karabakh under separatist control?")
    assert dispute.kind == "territorial_control" and dispute.created_by == editor
    assert ClaimDispute.objects.filter(claim=claim, dispute=dispute).exists()


def test_a_quote_not_in_the_story_is_refused_and_nothing_is_written(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    counts = (Claim.objects.count(), Dispute.objects.count())
    response = client.post(
        reverse("claims:claim_log", args=[story.pk]),
        log_data(quote="Words that were never written", dispute="new", new_dispute_title="A new question"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "The quote was not found in the story text." in response.content.decode()
    assert (Claim.objects.count(), Dispute.objects.count()) == counts  # the new dispute rolled back too


def test_an_ambiguous_quote_needs_its_occurrence_or_the_selection_offset(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    body = story.current_revision.body
    url = reverse("claims:claim_log", args=[story.pk])
    client.force_login(editor)
    response = client.post(url, log_data(quote="Nagorno-Karabakh", mode="outlet_voice"))
    assert response.status_code == 422
    assert "say which occurrence is meant" in text_of(response)
    third = [m.start() for m in re.finditer("Nagorno-Karabakh", body)][2]
    assert client.post(url, log_data(quote="Nagorno-Karabakh", mode="outlet_voice", occurrence="3")).status_code == 302
    assert Claim.objects.filter(story=story, quote="Nagorno-Karabakh", start=third).exists()
    fifth = [m.start() for m in re.finditer("Nagorno-Karabakh", body)][4]
    response = client.post(url, log_data(quote="Nagorno-Karabakh", mode="outlet_voice", start_hint=str(fifth + 2)))
    assert response.status_code == 302
    assert Claim.objects.filter(story=story, quote="Nagorno-Karabakh", start=fifth).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"speaker": "Nobody Atall"}, "No speaker called"),
        ({"speaker": "Pashinyan", "mode": "outlet_voice"}, "outlet's own voice has no speaker"),
        ({"quote": ""}, "This field is required"),
        ({"mode": "shouting"}, "Select a valid choice"),
        ({"dispute": "new"}, "Write the question the new dispute is about"),
        ({"dispute": "999999"}, "Select a valid choice"),
        ({"figures-0-measure": "killed"}, "Give the number"),
        ({"figures-0-value": "-3", "figures-0-measure": "killed"}, "greater than or equal to 0"),
        ({"figures-0-value": str(2**31), "figures-0-measure": "killed"}, "less than or equal to 2147483647"),
        ({"figures-0-value": "9" * 40, "figures-0-measure": "killed"}, "less than or equal to 2147483647"),
        (
            {"figures-0-value": str(2**31 - 1), "figures-0-measure": "killed", "figures-0-qualifier": "more_than"},
            "more than 2,147,483,647 is beyond the largest figure the desk can store",
        ),
        ({"said_on": "2020-13-45"}, "Enter a valid date"),
        ({"start_hint": "abc"}, "Enter a whole number"),
    ],
)
def test_bad_input_gets_a_clear_422_and_writes_nothing(client, editor, seeded, overrides, message):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    before = (Claim.objects.count(), Figure.objects.count(), Annotation.objects.count())
    response = client.post(reverse("claims:claim_log", args=[story.pk]), log_data(**overrides))
    assert response.status_code == 422
    assert message in unescape(response.content.decode())
    assert (Claim.objects.count(), Figure.objects.count(), Annotation.objects.count()) == before


def test_a_damaged_figures_form_is_a_422(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    data = log_data()
    del data["figures-TOTAL_FORMS"]
    assert client.post(reverse("claims:claim_log", args=[story.pk]), data).status_code == 422


def test_add_another_figure_adds_a_row_and_saves_nothing(client, editor, seeded):
    story = Story.objects.get(key=PASHINIAN_STORY)
    client.force_login(editor)
    before = Claim.objects.count()
    response = client.post(
        reverse("claims:claim_log", args=[story.pk]), log_data(quote="", add_figure="1"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Figure 2" in html and 'name="figures-1-value"' in html
    assert "This field is required" not in html  # still typing: no errors yet
    assert Claim.objects.count() == before


def test_log_claim_writes_only_on_post_and_is_csrf_protected(editor, seeded):
    from django.test import Client

    story = Story.objects.get(key=PASHINIAN_STORY)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    url = reverse("claims:claim_log", args=[story.pk])
    before = Claim.objects.count()
    assert strict.get(url).status_code == 200  # the (empty) form, nothing logged
    assert strict.post(url, log_data()).status_code == 403
    assert Claim.objects.count() == before
    page = strict.get(story.get_absolute_url()).content.decode()
    form = page.split('id="log-claim-form"')[1].split("</form>")[0]
    assert 'name="csrfmiddlewaretoken"' in form


def test_outlet_state_media_badge_and_machine_translation_notice(client, editor):
    outlet = OutletFactory(state_affiliated=True)
    story = StoryFactory(outlet=outlet, body="Some text.")
    story.machine_translated = True
    story.translated_from = "fr"
    story.save()
    client.force_login(editor)
    page = text_of(client.get(story.get_absolute_url()))
    assert "State media" in page and "Machine-translated" in page


def test_every_seed_story_dispute_and_claim_page_renders_safely(client, editor, seeded):
    """The curated dataset, overlapping claims, no-break spaces and all: every page renders under
    the strict CSP, and the reader's text is the stored text exactly."""
    client.force_login(editor)
    for story in Story.objects.select_related("current_revision"):
        response = client.get(story.get_absolute_url())
        assert response.status_code == 200, story
        assert body_text(response.content.decode()) == story.current_revision.body
        assert_csp_safe(response)
    for dispute in Dispute.objects.all():
        response = client.get(dispute.get_absolute_url())
        assert response.status_code in (200, 302), dispute
        if response.status_code == 200:
            assert_csp_safe(response)
    for claim in Claim.objects.all():
        response = client.get(claim.get_absolute_url())
        assert response.status_code == 200, claim
        assert_csp_safe(response)
    edit = client.get(reverse("claims:claim_edit", args=[Claim.objects.first().pk]))
    assert edit.status_code == 200
    assert_csp_safe(edit)


def test_story_claim_list_pages_in_text_order_and_refuses_a_bad_page_link(client, editor):
    sentences = [f"Speaker {i:02} said {i} things happened." for i in range(60)]
    story = StoryFactory(body=" ".join(sentences))
    logged = [services.claim_log(story=story, author=editor, quote=s) for s in sentences]
    client.force_login(editor)
    first = client.get(story.get_absolute_url())
    assert [c.pk for c in first.context["claims_page"]] == [c.pk for c in logged[:50]]
    assert first.content.decode().count('hl-start" id="claim-') == 60  # every claim highlighted, whatever the page
    second = client.get(story.get_absolute_url() + first.context["claims_page"].next_url)
    assert [c.pk for c in second.context["claims_page"]] == [c.pk for c in logged[50:]]
    refused = client.get(story.get_absolute_url(), {"claims": "not-a-page"})
    assert refused.status_code == 400


def test_log_form_offers_statements_as_you_type_never_all_of_them(client, editor):
    speaker = ActorFactory(name="Zorab Mikaelyanov")
    wanted = StatementFactory(speaker=speaker, description="Video address on the ceasefire talks")
    StatementFactory(description="An unrelated press conference about harvests")
    story = StoryFactory(body="Mikaelyanov said talks had failed.")
    client.force_login(editor)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "unrelated press conference" not in html and 'list="statement-options"' in html
    options = client.get(reverse("claims:statement_options"), {"statement": "ceasefire address"}).content.decode()
    assert f'value="{wanted.pk}"' in options and "harvests" not in options
    by_number = client.get(reverse("claims:statement_options"), {"statement": str(wanted.pk)}).content.decode()
    assert f'value="{wanted.pk}"' in by_number
    for odd in ('"unclosed', "-" * 50, "a & | ! b", "<script>", "9" * 40):
        assert client.get(reverse("claims:statement_options"), {"statement": odd}).status_code == 200
    # the number chosen logs the claim against that statement; one that does not exist is refused
    data = {"quote": "talks had failed", "mode": "paraphrase", "statement": str(wanted.pk), "stance": "asserts"}
    data |= {"new_dispute_kind": "other", "figures-TOTAL_FORMS": "1", "figures-INITIAL_FORMS": "0"}
    client.post(reverse("claims:claim_log", args=[story.pk]), data)
    assert story.claims.get().statement == wanted
    refused = client.post(reverse("claims:claim_log", args=[story.pk]), data | {"statement": "999999"})
    assert refused.status_code == 422 and "Choose a statement" in refused.content.decode()
