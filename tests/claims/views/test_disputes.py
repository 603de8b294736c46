"""The dispute page: cards by side or outlet, who blames whom, charts and spreads, statement
versions, exports, bounded queries."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import services
from claims.models import Claim, ClaimDispute, Dispute, Figure
from claims.views.disputes import CARDS_PER_PAGE, CHARTS_SHOWN, FIRST_CARDS
from tests.claims.views.helpers import add_strikes, assert_csp_safe, build_dispute, text_of
from tests.factories import (
    DisputeFactory,
    OutletFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db


# --- The page ---------------------------------------------------------------------------------


def test_dispute_page_shows_claims_in_columns_by_side_with_own_voice_apart(client, editor, factchecker):
    dispute = build_dispute(editor, claims=8, reviewer=factchecker)
    client.force_login(factchecker)
    response = client.get(dispute.get_absolute_url())
    assert response.status_code == 200
    columns = re.findall(r'<h3 id="column-([^"]+)" class="column-title">([^<]+)', response.content.decode())
    labels = [unescape(label).strip() for _, label in columns]
    assert labels == ["Side A", "Side B", "Side C", "Outlets' own voice"]
    page = text_of(response)
    assert "State media" in page
    assert "Denies" in page and "Asserts" in page
    assert "Draft review" in page  # drafts are shown on the desk, marked
    claim = Claim.objects.filter(dispute_links__dispute=dispute).first()
    # every card's quote leads back to its highlighted place in the story
    assert f'href="/stories/{claim.story_id}/#claim-{claim.pk}"' in response.content.decode()
    assert_csp_safe(response)


def test_dispute_page_by_outlet_groups_cards_by_outlet_and_htmx_gets_only_the_cards(client, editor):
    dispute = build_dispute(editor, claims=6)
    client.force_login(editor)
    response = client.get(dispute.get_absolute_url(), {"by": "outlet"})
    outlets = {c.story.outlet.name for c in Claim.objects.filter(dispute_links__dispute=dispute)}
    titles = [t.strip() for t in re.findall(r'class="column-title">([^<]+)', response.content.decode())]
    assert set(titles) == outlets
    fragment = client.get(dispute.get_absolute_url(), {"by": "outlet", "part": "cards"}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert body.lstrip().startswith('<section id="cards"')
    assert "<html" not in body and "Figures over time" not in body


def test_who_blames_whom_lists_each_sides_version(client, editor):
    dispute = build_dispute(editor, claims=8, kind=Dispute.Kind.ATTACK_ATTRIBUTION)
    client.force_login(editor)
    page = text_of(client.get(dispute.get_absolute_url()))
    assert "Who blames whom" in page
    # voice 0 (Side A) blames Side B, voice 1 (Side B) denies and blames Side C
    assert re.search(r"Side A Side B \(\d+\)", page)
    assert re.search(r"Side B Side C \(\d+\) [1-9]", page)


def test_casualty_dispute_has_range_chart_and_spread_of_comparable_figures(client, editor):
    dispute = build_dispute(editor, claims=8)
    # a figure that is NOT comparable (other scope) must not enter the spread
    other = Claim.objects.filter(dispute_links__dispute=dispute).first()
    services.figure_add(
        claim=other,
        figure=services.FigureInput(measure=Figure.Measure.KILLED, value=5000, counted=Figure.Counted.CIVILIANS),
    )
    client.force_login(editor)
    response = client.get(dispute.get_absolute_url())
    html = response.content.decode()
    assert "<svg" in html and 'class="range-chart"' in html
    # one series per voice, each with its own shape named in the legend
    legend = re.findall(r"</svg> (Side [A-C]) <span class=\"meta\">\((\w[\w-]*)\)</span>", html)
    assert {side for side, _ in legend} >= {"Side A", "Side B"}
    shapes = dict(legend)
    assert len(set(shapes.values())) == len(shapes)
    # "at least" figures are open-ended: drawn with an arrow
    assert 'class="arrow"' in html
    page = text_of(response)
    # the figures are compared as ranges: the verdict in words, never "N apart" between values
    assert "Differ by" in page or "Agree." in page
    assert " apart (" not in page
    # the figure of another scope is said not to be comparable, and why, never measured against
    assert re.search(r"Cannot be compared\. [^.]*5,000 \(Speaker \d+\)\. Different whose [^.]*different scopes", page)


def test_charts_beyond_the_first_few_are_one_request_away_with_htmx_and_without(client, editor):
    dispute = build_dispute(editor, claims=8)
    add_strikes(dispute, CHARTS_SHOWN + 2)  # six more groups of comparable figures: other strikes
    groups = CHARTS_SHOWN + 3  # the dispute's own strike and the six others
    client.force_login(editor)
    html = client.get(dispute.get_absolute_url()).content.decode()
    assert html.count('class="range-chart"') == CHARTS_SHOWN
    # the groups with most figures first: the dispute's own strike, eight figures
    assert "Strike on 17 Oct" in html.split('class="range-chart"')[1]
    assert 'href="?part=figures#figures" hx-get="?part=figures"' in html
    assert f"Show all charts ({groups - CHARTS_SHOWN} more)" in html
    fragment = client.get(dispute.get_absolute_url(), {"part": "figures"}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert body.lstrip().startswith('<section id="figures"')
    assert body.count('class="range-chart"') == groups and "Show all charts" not in body
    whole = client.get(dispute.get_absolute_url(), {"part": "figures"}).content.decode()
    assert "<html" in whole and whole.count('class="range-chart"') == groups and "Claims side by side" in whole


def test_statement_versions_load_when_reached_and_without_javascript(client, editor):
    dispute = build_dispute(editor, claims=12)
    client.force_login(editor)
    html = client.get(dispute.get_absolute_url()).content.decode()
    # the section loads itself when scrolled to; a plain link shows it without JavaScript
    assert 'hx-get="?part=statements" hx-trigger="revealed"' in html
    assert 'href="?part=statements#statements"' in html
    fragment = client.get(dispute.get_absolute_url(), {"part": "statements"}, HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert body.lstrip().startswith('<section id="statements"')
    assert "Versions of the same statement" in body and "<ins>" in body and "<del>" in body
    whole = client.get(dispute.get_absolute_url(), {"part": "statements"}).content.decode()
    assert "<html" in whole and "<ins>" in whole and "Claims side by side" in whole


def test_annotation_with_script_is_rendered_as_harmless_text(client, editor):
    dispute = build_dispute(editor, claims=2)
    services.annotation_add(
        author=editor, body="Look <script>alert('x')</script> **here** [x](javascript:alert(1))", dispute=dispute
    )
    client.force_login(editor)
    response = client.get(dispute.get_absolute_url())
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "javascript:alert" not in html
    assert "<strong>here</strong>" in html
    assert_csp_safe(response)


def test_internal_and_public_notes_are_labelled(client, editor):
    dispute = build_dispute(editor, claims=2)
    client.force_login(editor)
    html = client.get(dispute.get_absolute_url()).content.decode()
    public = re.search(r'<article class="note note-public" id="note-\d+".*?</article>', html, re.S).group(0)
    internal = re.search(r'<article class="note note-internal" id="note-\d+".*?</article>', html, re.S).group(0)
    assert ">Public<" in public
    assert "Internal: stays on the desk" in internal


def test_withdrawn_claims_leave_the_dispute_page(client, editor):
    dispute = build_dispute(editor, claims=3)
    claim = Claim.objects.filter(dispute_links__dispute=dispute).order_by("id").first()
    services.claim_withdraw(claim=claim, expected_version=claim.version, user=editor, reason="Logged twice.")
    client.force_login(editor)
    html = client.get(dispute.get_absolute_url()).content.decode()
    assert f'id="card-{claim.pk}"' not in html


def test_merged_dispute_redirects_to_the_surviving_one(client, editor):
    survivor = DisputeFactory()
    merged = DisputeFactory(merged_into=survivor)
    client.force_login(editor)
    response = client.get(merged.get_absolute_url())
    assert response.status_code == 302 and response.url == survivor.get_absolute_url()


# --- Exports ----------------------------------------------------------------------------------


def test_csv_export_has_claims_and_only_public_notes_unless_asked(client, editor):
    dispute = build_dispute(editor, claims=4)
    client.force_login(editor)
    url = reverse("claims:dispute_export", kwargs={"pk": dispute.pk, "fmt": "csv"})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    claims = [r for r in rows if r["record"] == "claim"]
    assert len(claims) == 4
    assert {r["note_visibility"] for r in rows if r["record"] != "claim"} == {"public"}
    internal = list(csv.DictReader(io.StringIO(client.get(url, {"internal": "1"}).content.decode())))
    labels = {r["note_visibility"] for r in internal if r["record"] != "claim"}
    assert labels == {"public", "INTERNAL (not for publication)"}


def test_csv_export_neutralises_formula_cells(client, editor):
    outlet = OutletFactory(name='=HYPERLINK("http://evil")')
    story = StoryFactory(outlet=outlet, body="-2+3 people said @SUM(A1) was wrong. And more text here.")
    dispute = DisputeFactory()
    services.claim_log(
        story=story,
        author=editor,
        quote="-2+3 people said @SUM(A1) was wrong.",
        mode=Claim.Mode.OUTLET_VOICE,
        disputes=[services.DisputeLink(dispute=dispute)],
    )
    services.annotation_add(author=editor, body="\tTAB then =1+1", is_public=True, dispute=dispute)
    client.force_login(editor)
    response = client.get(reverse("claims:dispute_export", kwargs={"pk": dispute.pk, "fmt": "csv"}))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'-2+3 people said @SUM(A1) was wrong." in cells
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'\tTAB then =1+1" in cells
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)


def test_json_export_labels_internal_notes_only_when_asked(client, editor):
    dispute = build_dispute(editor, claims=3)
    client.force_login(editor)
    url = reverse("claims:dispute_export", kwargs={"pk": dispute.pk, "fmt": "json"})
    data = json.loads(client.get(url).content)
    assert data["includes_internal_notes"] is False
    assert data["dispute"]["title"] == dispute.title
    assert len(data["claims"]) == 3
    assert all(note["visibility"] == "public" for c in data["claims"] for note in c["notes"])
    assert data["claims"][0]["figures"][0]["measure"] == "killed"
    full = json.loads(client.get(url, {"internal": "1"}).content)
    visibilities = {note["visibility"] for c in full["claims"] for note in c["notes"]} | {
        n["visibility"] for n in full["notes"]
    }
    assert visibilities == {"public", "internal"}
    assert all(n["label"] == "INTERNAL (not for publication)" for n in full["notes"] if n["visibility"] == "internal")


def test_export_of_unknown_format_or_dispute_is_404(client, editor):
    dispute = build_dispute(editor, claims=1)
    client.force_login(editor)
    assert client.get(f"/disputes/{dispute.pk}/export.xlsx").status_code == 404
    assert client.get("/disputes/999999/export.csv").status_code == 404


def test_outsider_cannot_export(client, editor, outsider):
    dispute = build_dispute(editor, claims=1)
    client.force_login(outsider)
    assert client.get(reverse("claims:dispute_export", kwargs={"pk": dispute.pk, "fmt": "json"})).status_code == 403


# --- Bounded queries --------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


CARD = re.compile(r'<article class="card[^"]*" id="card-(\d+)"')


def _column_ids(html: str) -> dict[str, list[int]]:
    """Card ids per column, in page order."""
    columns = {}
    for key, body in re.findall(
        r'<section class="column [^"]*" id="column-([^"]+)-cards".*?>(.*?)</section>', html, re.S
    ):
        columns[key] = [int(pk) for pk in CARD.findall(body)]
    return columns


def test_dispute_page_queries_are_bounded_and_do_not_grow_with_claims(
    client, editor, factchecker, django_assert_max_num_queries
):
    # who blames whom, notes on the dispute and on its claims, reviews, vias: every part of the page
    small = build_dispute(editor, claims=6, reviewer=factchecker, kind=Dispute.Kind.ATTACK_ATTRIBUTION)
    big = build_dispute(editor, claims=320, reviewer=factchecker, kind=Dispute.Kind.ATTACK_ATTRIBUTION)
    client.force_login(editor)
    _queries(client, small.get_absolute_url())  # warm the session and permission caches alike
    with django_assert_max_num_queries(12):
        response = client.get(big.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    # per side: the count of all its claims, its first cards, and a "Show more" for the rest
    counts = [int(n) for n in re.findall(r'class="column-title">[^<]+<span class="meta">\((\d+)\)</span>', html)]
    assert sum(counts) == 320
    assert all(len(ids) == FIRST_CARDS for ids in _column_ids(html).values())
    assert html.count('class="show-more"') == 4
    assert _queries(client, small.get_absolute_url()) == _queries(client, big.get_absolute_url())
    assert (
        _queries(client, big.get_absolute_url() + "?by=outlet")
        <= _queries(client, small.get_absolute_url() + "?by=outlet") + 1
    )
    # a column's next cards cost the same wherever they are in it
    first_more = re.search(r'hx-get="([^"]+)"[^>]*data-column="side-', html).group(1).replace("&amp;", "&")
    with django_assert_max_num_queries(10):
        assert client.get(big.get_absolute_url() + first_more, HTTP_HX_REQUEST="true").status_code == 200


def test_show_more_pages_through_a_column_in_order_with_htmx_and_without(client, editor):
    dispute = build_dispute(editor, claims=130)
    client.force_login(editor)
    url = dispute.get_absolute_url()
    html = client.get(url).content.decode()
    column = next(key for key in _column_ids(html) if key.startswith("side-"))
    expected = [
        p.claim_id
        for p in ClaimDispute.objects.filter(dispute=dispute, claim__speaker__side_id=int(column[5:])).order_by(
            "claim__story__published_on", "claim__story_id", "claim__start", "id"
        )
    ]
    assert len(expected) > FIRST_CARDS + CARDS_PER_PAGE
    seen = _column_ids(html)[column]
    link = re.search(rf'hx-get="([^"]+)"[^>]*data-column="{column}"', html)
    while link:
        fragment = client.get(url + link.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true")
        assert fragment.status_code == 200
        body = fragment.content.decode()
        assert "<html" not in body
        seen += [int(pk) for pk in CARD.findall(body)]
        link = re.search(rf'hx-get="([^"]+)"[^>]*data-column="{column}"', body)
    assert seen == expected
    # without JavaScript the link reloads the page with that column's next cards
    plain = re.search(rf'<a href="([^"]+)#column-{column}" hx-get', html).group(1).replace("&amp;", "&")
    page = client.get(url + plain).content.decode()
    assert _column_ids(page)[column] == expected[FIRST_CARDS : FIRST_CARDS + CARDS_PER_PAGE]
    assert "Back to the first claims" in page


@pytest.mark.parametrize(
    "query",
    [
        {"column": "side-1", "cards": "not-a-cursor"},
        {"column": "side-99999999999999999999", "cards": "WzFd"},
        {"column": "<script>", "cards": "WyIyMDIwLTEwLTIxIiwxLDIsM10"},
        {"column": "own-voice", "cards": "WyJub3QgYSBkYXRlIiwieCIsbnVsbCwxXQ"},
        {"by": "outlet\x00", "part": "statements"},
    ],
)
def test_odd_show_more_links_give_a_page_never_an_error(client, editor, query):
    dispute = build_dispute(editor, claims=4)
    client.force_login(editor)
    assert client.get(dispute.get_absolute_url(), query).status_code in (200, 400)
    fragment = client.get(dispute.get_absolute_url(), {**query, "part": "column"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code in (200, 400)
    assert (
        client.get(
            dispute.get_absolute_url(), {"part": "column", "column": "nonsense"}, HTTP_HX_REQUEST="true"
        ).status_code
        == 400
    )
