"""Correcting a claim on its page (claims/views/claim_corrections.py): figures added, corrected,
removed and restored; places in disputes; words against figures after a revision. Each as a plain
form post (redirect, or the whole page with 422/409) and with htmx (the corrections part and the
history out of band); stale versions, bad values and unknown ids refused with nothing changed."""

from __future__ import annotations

import pghistory.models
import pytest
from django.urls import reverse

from claims import services
from claims.models import Claim, ClaimDispute, ClaimLink, Figure, Scope
from claims.reanchoring import claim_reanchor, claims_reanchor
from sources.models import Story, StoryRevision
from tests.claims.views.helpers import assert_csp_safe, text_of
from tests.factories import ActorFactory, DisputeFactory, SideFactory, StoryFactory

pytestmark = pytest.mark.django_db

BODY = "Officials said at least 7 people were killed in the strike on Ganja. Armenia denied it."


@pytest.fixture
def claim(editor):
    return services.claim_log(
        story=StoryFactory(body=BODY),
        author=editor,
        quote="at least 7 people were killed in the strike on Ganja",
        speaker=ActorFactory(name="Hikmet Hajiyev"),
        disputes=[services.DisputeLink(DisputeFactory(title="How many died in Ganja?"))],
        figures=[services.FigureInput(measure="killed", value=7, qualifier="at_least", counted="people")],
    )


def figure_post(figure_key, **values) -> dict:
    data = {"measure": "killed", "value": "7", "qualifier": "at_least", "counted": "people", "tally": "total"}
    data.update(values)
    return {f"figure-{figure_key}-{name}": value for name, value in data.items()}


def change_url(claim, figure):
    return reverse("claims:claim_figure_change", args=[claim.pk, figure.pk])


def test_the_claim_page_offers_every_correction_to_an_editor(client, editor, claim):
    client.force_login(editor)
    response = client.get(claim.get_absolute_url())
    html = response.content.decode()
    for words in ("Correct “at least 7 killed people”", "Remove this figure", "Add a figure", "A new scope…"):
        assert words in html, words
    assert "Put it in another dispute" in html and "Take out of this dispute" in html
    assert_csp_safe(response)


def test_a_viewer_sees_no_correction_and_may_post_none(client, viewer, claim):
    client.force_login(viewer)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Add a figure" not in html and "Remove this figure" not in html and "Take out of" not in html
    figure = claim.figures.get()
    assert client.post(change_url(claim, figure), figure_post(figure.pk, value="9", version="1")).status_code == 403
    assert Figure.objects.get(pk=figure.pk).value == 7


def test_a_figure_corrected_without_javascript_redirects_to_the_page_with_the_new_bounds(client, editor, claim):
    client.force_login(editor)
    figure = claim.figures.get()
    response = client.post(
        change_url(claim, figure), figure_post(figure.pk, value="9", qualifier="more_than", version="1")
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/claims/{claim.pk}/#corrections")
    figure.refresh_from_db()
    assert (figure.value, figure.low, figure.high, figure.version) == (9, 10, None, 2)
    page = text_of(client.get(response["Location"]))
    assert "Figure saved." in page and "more than 9 killed people" in page


def test_with_htmx_the_answer_is_the_corrections_part_and_the_history_out_of_band(client, editor, claim):
    client.force_login(editor)
    figure = claim.figures.get()
    response = client.post(
        change_url(claim, figure), figure_post(figure.pk, value="9", version="1"), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="corrections"')
    assert 'id="history"' in html and 'hx-swap-oob="true"' in html
    assert "Figure saved." in html and "at least 9 killed people" in html


def test_a_stale_figure_correction_is_a_conflict_that_keeps_the_editor_values(client, editor, claim):
    client.force_login(editor)
    figure = claim.figures.get()
    assert client.post(change_url(claim, figure), figure_post(figure.pk, value="8", version="1")).status_code == 302
    response = client.post(change_url(claim, figure), figure_post(figure.pk, value="99", version="1"))
    assert response.status_code == 409
    page = text_of(response)
    assert "changed by someone else" in page and "at least 8 killed people" in page and "Nothing was saved" in page
    html = response.content.decode()
    assert f'name="figure-{figure.pk}-value" value="99"' in html  # the editor's value is kept
    assert f'name="figure-{figure.pk}-version" value="2"' in html  # saving again replaces knowingly
    assert Figure.objects.get(pk=figure.pk).value == 8


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"value": "-3"}, "greater than or equal to 0"),
        ({"value": "ten"}, "Enter a whole number"),
        ({"value": str(2**31)}, "less than or equal to"),
        ({"measure": "eaten"}, "Select a valid choice"),
        ({"measure": "", "value": "", "raw": ""}, "Say what the figure counts"),
        ({"scope": "new", "scope_label": ""}, "Name the new scope"),
        ({"scope": "999999"}, "Select a valid choice"),
        ({"whose": "999999"}, "Select a valid choice"),
        ({"version": "stale"}, "Enter a whole number"),
    ],
)
def test_bad_figure_values_are_refused_with_422_and_nothing_changes(client, editor, claim, values, error):
    client.force_login(editor)
    figure = claim.figures.get()
    response = client.post(change_url(claim, figure), figure_post(figure.pk, **{"version": "1", **values}))
    assert response.status_code == 422
    assert error in text_of(response)
    stored = Figure.objects.get(pk=figure.pk)
    assert (stored.value, stored.measure, stored.version) == (7, "killed", 1)


def test_unknown_ids_are_404_and_a_removed_figure_is_a_conflict(client, editor, claim):
    client.force_login(editor)
    figure = claim.figures.get()
    other = services.claim_log(story=claim.story, author=editor, quote="Armenia denied it")
    assert client.post(f"/claims/{claim.pk}/figures/999999/", figure_post(999999, version="1")).status_code == 404
    assert client.post(f"/claims/{other.pk}/figures/{figure.pk}/", figure_post(figure.pk)).status_code == 404
    assert client.post("/claims/999999/figures/", figure_post("new")).status_code == 404
    remove = reverse("claims:claim_figure_remove", args=[claim.pk, figure.pk])
    assert client.post(remove, {"version": "1"}).status_code == 302
    again = client.post(remove, {"version": "1"})
    assert again.status_code == 409 and "Someone removed this figure" in text_of(again)


def test_a_figure_added_with_a_new_scope_made_in_the_form(client, editor, claim):
    client.force_login(editor)
    values = figure_post(
        "new", measure="wounded", value="30", qualifier="about", scope="new", scope_label="Ganja strike, 11 Oct"
    )
    values["figure-new-scope_kind"] = "event"
    response = client.post(reverse("claims:claim_figure_add", args=[claim.pk]), values)
    assert response.status_code == 302
    added = claim.figures.get(measure="wounded")
    assert (added.value, added.low, added.high, added.approximate) == (30, 30, 30, True)
    assert added.scope == Scope.objects.get(label="Ganja strike, 11 Oct", kind="event")
    assert added.scope.key == "ganja-strike-11-oct"


def test_a_removed_figure_is_restored_from_the_history(client, editor, claim):
    client.force_login(editor)
    figure = claim.figures.get()
    client.post(reverse("claims:claim_figure_remove", args=[claim.pk, figure.pk]), {"version": "1"})
    page = client.get(claim.get_absolute_url())
    assert "Figure removed" in text_of(page) and "Restore this figure" in page.content.decode()
    removed = pghistory.models.Events.objects.references(claim).get(pgh_label="delete")
    response = client.post(
        reverse("claims:claim_figure_restore", args=[claim.pk]), {"event": removed.pgh_id, "version": "1"}
    )
    assert response.status_code == 302
    assert Figure.objects.get(pk=figure.pk).value == 7
    history = " ".join(text_of(client.get(claim.get_absolute_url())).split("History", 1)[1].split())
    assert "Figure added by editor" in history and "(restored from the history) at least 7 killed people" in history
    stale = client.post(
        reverse("claims:claim_figure_restore", args=[claim.pk]), {"event": removed.pgh_id, "version": "1"}
    )
    assert stale.status_code == 409
    assert client.post(reverse("claims:claim_figure_restore", args=[claim.pk]), {"event": "x"}).status_code == 422
    assert (
        client.post(reverse("claims:claim_figure_restore", args=[claim.pk]), {"event": 10**8, "version": 1}).status_code
        == 422
    )


def test_the_history_reads_as_a_newsroom_record(client, editor, claim):
    client.force_login(editor)
    figure = claim.figures.get()
    client.post(change_url(claim, figure), figure_post(figure.pk, value="9", qualifier="exact", version="1"))
    response = client.get(claim.get_absolute_url())
    history = text_of(response).split("History", 1)[1]
    assert "Figure changed by editor" in history and "Figure added by the system" in history
    assert "exactly 9 killed people" in history and "at least 7 killed people" in history
    assert "Qualifier at least exactly" in " ".join(history.split())
    assert "Speaker Hikmet Hajiyev" in history and "Logged by editor" in history
    for internal in ("speaker_id", "claim id", "public id", "Key", "Low", "High", "Approximate", "pgh_"):
        assert internal not in history, internal


# --- Places in disputes --------------------------------------------------------------------------


def test_stance_and_blamed_side_are_changed_and_a_stale_change_refused(client, editor, claim):
    client.force_login(editor)
    side = SideFactory(name="Armenia")
    placement = claim.dispute_links.get()
    url = reverse("claims:claim_placement_change", args=[claim.pk, placement.dispute_id])
    prefix = f"place-{placement.dispute_id}"
    data = {f"{prefix}-version": "1", f"{prefix}-stance": "counters", f"{prefix}-blames": str(side.pk)}
    assert client.post(url, data).status_code == 302
    placement.refresh_from_db()
    assert (placement.stance, placement.blames, placement.version) == ("counters", side, 2)
    stale = client.post(url, {**data, f"{prefix}-stance": "denies"})
    assert stale.status_code == 409 and "changed by someone else" in text_of(stale)
    bad = client.post(url, {**data, f"{prefix}-version": "2", f"{prefix}-stance": "shrugs"})
    assert bad.status_code == 422
    assert ClaimDispute.objects.get(pk=placement.pk).stance == "counters"
    assert client.post(reverse("claims:claim_placement_change", args=[claim.pk, 999999]), data).status_code == 404
    # the history says which place changed, by the dispute's title
    history = " ".join(text_of(client.get(claim.get_absolute_url())).split("History", 1)[1].split())
    assert (
        "Place in a dispute changed by editor" in history
        and "How many died in Ganja? Field Before After Blames — Armenia Stance Asserts Counters with another version"
        in history
    )


def test_a_claim_is_put_in_another_dispute_and_taken_out_of_one(client, editor, claim):
    client.force_login(editor)
    other = DisputeFactory(title="Who fired first?")
    added = client.post(
        reverse("claims:claim_placement_add", args=[claim.pk]),
        {"place-dispute": str(other.pk), "place-stance": "denies"},
    )
    assert added.status_code == 302
    assert claim.dispute_links.get(dispute=other).stance == "denies"
    twice = client.post(
        reverse("claims:claim_placement_add", args=[claim.pk]),
        {"place-dispute": str(other.pk), "place-stance": "denies"},
    )
    assert twice.status_code == 422
    unknown = client.post(reverse("claims:claim_placement_add", args=[claim.pk]), {"place-dispute": "999999"})
    assert unknown.status_code == 422
    remove = reverse("claims:claim_placement_remove", args=[claim.pk, other.pk])
    assert client.post(remove, {"version": "7"}).status_code == 409
    assert client.post(remove, {"version": "1"}).status_code == 302
    assert not claim.dispute_links.filter(dispute=other).exists()
    assert "Place in a dispute removed" in text_of(client.get(claim.get_absolute_url()))


# --- Words against figures -----------------------------------------------------------------------


@pytest.fixture
def raised(claim):
    revision = StoryRevision.objects.create(story=claim.story, number=2, body=BODY.replace("at least 7", "11"))
    Story.objects.filter(pk=claim.story_id).update(current_revision=revision)
    claims_reanchor(revision=revision)
    flagged = Claim.objects.get(pk=claim.pk)
    claim_reanchor(
        claim=flagged, expected_version=flagged.version, quote="11 people were killed in the strike on Ganja"
    )
    return Claim.objects.get(pk=claim.pk)


def test_the_page_says_when_words_and_figures_disagree_and_offers_both_ways(client, editor, raised):
    client.force_login(editor)
    page = text_of(client.get(raised.get_absolute_url()))
    assert "The words and the figures disagree" in page
    assert "at least 7 killed people becomes exactly 11 killed people" in page
    assert "Update the figures" in page and "Log the new words as a revising claim" in page


def test_update_the_figures_from_the_page(client, editor, raised):
    client.force_login(editor)
    url = reverse("claims:claim_words_update_figures", args=[raised.pk])
    assert client.post(url, {"version": str(raised.version - 1)}).status_code == 409
    assert client.post(url, {"version": str(raised.version)}).status_code == 302
    claim = Claim.objects.get(pk=raised.pk)
    assert not claim.figures_disagree and claim.figures.get().value == 11
    page = text_of(client.get(claim.get_absolute_url()))
    assert "The words and the figures disagree" not in page
    # one entry says it was resolved and how, with the new version; the figure's says why it changed
    history = " ".join(page.split("History", 1)[1].split())
    assert (
        f"· version {claim.version} (resolved: the figures updated to the new words) "
        "Field Before After Words and figures disagree yes no" in history
    )
    assert history.count("Claim changed by editor") == 1
    assert (
        "Figure changed by editor" in history
        and "(resolved: the figures updated to the new words) exactly 11" in history
    )
    assert client.post(url, {"version": str(claim.version)}).status_code == 422  # nothing left to resolve


def test_log_the_new_words_as_a_revising_claim_from_the_page(client, editor, raised):
    client.force_login(editor)
    response = client.post(
        reverse("claims:claim_words_log_revision", args=[raised.pk]), {"version": str(raised.version)}
    )
    revised = Claim.objects.exclude(pk=raised.pk).get(story=raised.story)
    assert response.status_code == 302 and response["Location"] == revised.get_absolute_url()
    assert ClaimLink.objects.filter(source=revised, target=raised, kind="revises").exists()
    page = text_of(client.get(revised.get_absolute_url()))
    assert "revises" in page and "which revises claim" in page
    old = Claim.objects.get(pk=raised.pk)
    assert old.quote.startswith("at least 7") and not old.figures_disagree
    history = " ".join(text_of(client.get(old.get_absolute_url())).split("History", 1)[1].split())
    assert f"version {old.version} (resolved: the new words logged as a revising claim)" in history
    assert "Words and figures disagree yes no Quote 11 at least 7 people" in history
    assert "Link added by editor" in history and "Kind revises" in history


def test_the_claim_page_reads_a_fixed_number_of_queries_whatever_its_figures_and_disputes(
    client, editor, claim, django_assert_max_num_queries
):
    client.force_login(editor)
    side = SideFactory(name="Armenia")
    services.figure_add(claim=claim, figure=services.FigureInput(measure="wounded", value=1, whose=side))
    client.get(claim.get_absolute_url())  # warm: sessions, permissions
    with django_assert_max_num_queries(200) as few:
        assert client.get(claim.get_absolute_url()).status_code == 200
    for value in range(8):
        services.figure_add(claim=claim, figure=services.FigureInput(measure="wounded", value=value, whose=side))
    for number in range(5):
        services.claim_dispute_set(claim=claim, link=services.DisputeLink(DisputeFactory(title=f"Dispute {number}")))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(claim.get_absolute_url()).status_code == 200
