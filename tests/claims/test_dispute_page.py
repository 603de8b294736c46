"""The dispute page: claims side by side, figures charted and compared, statements diffed, notes,
exports. Data is built through the services, as editors would build it."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import services
from claims.models import Annotation, Claim, ClaimDispute, Dispute, Figure, Review
from tests.factories import (
    ActorFactory,
    DisputeFactory,
    OutletFactory,
    ScopeFactory,
    SideFactory,
    StatementFactory,
    StoryFactory,
)

pytestmark = pytest.mark.django_db


# --- Building data -------------------------------------------------------------------------------


def build_dispute(editor, *, claims: int, kind: str = Dispute.Kind.CASUALTY_COUNT, reviewer=None) -> Dispute:
    """A dispute with ``claims`` claims spread over three outlets (one state media) and three
    sides plus the outlets' own voice, each with a figure and a note, some versions of one
    statement, some reviews, and notes on the dispute itself."""
    sides = [SideFactory(name=f"Side {letter}") for letter in "ABC"]
    outlets = [OutletFactory(), OutletFactory(state_affiliated=True), OutletFactory()]
    speakers = [ActorFactory(side=side) for side in sides]
    statement = StatementFactory(speaker=speakers[0])
    scope = ScopeFactory(label="Strike on 17 Oct")
    dispute = DisputeFactory(kind=kind)
    per_story = -(-claims // len(outlets))
    made = 0
    for outlet in outlets:
        count = min(per_story, claims - made)
        if count <= 0:
            break
        numbers = range(made, made + count)
        sentences = [f"Official number {n} said {10 + n} civilians were killed in the strike." for n in numbers]
        story = StoryFactory(outlet=outlet, body=" ".join(sentences), published_on=date(2020, 10, 21))
        for i, sentence in zip(numbers, sentences, strict=True):
            voice = i % 4
            speaker = speakers[voice] if voice < 3 else None
            claim = services.claim_log(
                story=story,
                author=editor,
                quote=sentence,
                mode=Claim.Mode.OUTLET_VOICE if speaker is None else Claim.Mode.PARAPHRASE,
                speaker=speaker,
                statement=statement if voice == 0 and i < 8 else None,
                via=[outlets[0]] if i % 5 == 0 else [],
                disputes=[
                    services.DisputeLink(
                        dispute=dispute,
                        stance=ClaimDispute.Stance.DENIES if voice == 1 else ClaimDispute.Stance.ASSERTS,
                        blames=sides[(voice + 1) % 3] if kind != Dispute.Kind.CASUALTY_COUNT else None,
                    )
                ],
                figures=[
                    services.FigureInput(
                        measure=Figure.Measure.KILLED,
                        value=10 + i,
                        qualifier=Figure.Qualifier.AT_LEAST if i % 3 == 0 else Figure.Qualifier.EXACT,
                        counted=Figure.Counted.CIVILIANS,
                        whose=sides[0],
                        scope=scope,
                        raw=f"{10 + i} civilians",
                        as_of=date(2020, 10, 17) + timedelta(days=i % 5),
                    )
                ],
            )
            services.annotation_add(author=editor, body=f"Checked *{i}*", is_public=i % 2 == 0, claim=claim)
            if reviewer is not None and i % 7 == 0:
                Review.objects.create(claim=claim, rating="unproven", reasoning="Not yet **known**.", reviewer=reviewer)
            made += 1
    for n in range(3):
        services.annotation_add(author=editor, body=f"Dispute note {n}", is_public=n == 0, dispute=dispute)
    return dispute


class _Scripts(HTMLParser):
    """Collects <script> tags and inline event handlers / style attributes."""

    def __init__(self):
        super().__init__()
        self.inline_scripts: list[dict] = []
        self.inline_handlers: list[tuple[str, str]] = []
        self.style_attributes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/ld+json":
            self.inline_scripts.append(attributes)
        for name, _ in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.inline_handlers.append((tag, name))
            if name == "style":
                self.style_attributes.append(tag)


def assert_csp_safe(response) -> None:
    """The page holds under script-src 'self': a CSP header without unsafe-inline, no inline
    scripts, handlers or style attributes."""
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("script-src") == ["'self'"], policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    parser = _Scripts()
    parser.feed(response.content.decode())
    assert parser.inline_scripts == []
    assert parser.inline_handlers == []
    assert parser.style_attributes == []


def text_of(response) -> str:
    """The page's text, tags stripped and whitespace collapsed, for asserting what a reader sees."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


# --- The page -----------------------------------------------------------------------------------


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
    assert re.search(r"Side A <span class=\"meta\">\(circle\)</span>", html)
    assert re.search(r"Side B <span class=\"meta\">\(square\)</span>", html)
    # "at least" figures are open-ended: drawn with an arrow
    assert 'class="arrow"' in html
    page = text_of(response)
    assert "10 to 17 Side A civilians killed in Strike on 17 Oct: 8 sources, 7 apart (41%)" in page
    assert "5,000" not in page.split("Claims side by side")[0]


def test_statement_versions_are_shown_with_a_word_diff(client, editor):
    dispute = build_dispute(editor, claims=12)
    client.force_login(editor)
    html = client.get(dispute.get_absolute_url()).content.decode()
    assert "Versions of the same statement" in html
    assert "<ins>" in html and "<del>" in html


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


def test_factchecker_adds_a_note_with_htmx_and_gets_the_thread_back(client, editor, factchecker):
    dispute = build_dispute(editor, claims=2)
    client.force_login(factchecker)
    url = reverse("claims:dispute_note_add", args=[dispute.pk])
    response = client.post(
        url, {"body": "Baku publishes no military losses.", "visibility": "internal"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Baku publishes no military losses." in response.content.decode()
    note = Annotation.objects.get(body="Baku publishes no military losses.")
    assert note.dispute == dispute and note.author == factchecker and not note.is_public


def test_empty_note_is_refused_with_422_and_nothing_saved(client, editor):
    dispute = build_dispute(editor, claims=1)
    client.force_login(editor)
    before = Annotation.objects.count()
    url = reverse("claims:dispute_note_add", args=[dispute.pk])
    response = client.post(url, {"body": "   ", "visibility": "public"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()
    plain = client.post(url, {"body": "", "visibility": "nonsense"})
    assert plain.status_code == 422
    assert Annotation.objects.count() == before


def test_viewer_cannot_add_a_note_or_publish_a_dispute(client, editor, viewer):
    dispute = build_dispute(editor, claims=1)
    client.force_login(viewer)
    assert client.get(dispute.get_absolute_url()).status_code == 200
    response = client.post(reverse("claims:dispute_note_add", args=[dispute.pk]), {"body": "x", "visibility": "public"})
    assert response.status_code == 403
    response = client.post(reverse("claims:dispute_publish", args=[dispute.pk]), {"version": dispute.version})
    assert response.status_code == 403


def test_factchecker_cannot_publish_a_dispute_but_editor_can_unpublish_it(client, editor, factchecker):
    dispute = build_dispute(editor, claims=1)
    url = reverse("claims:dispute_publish", args=[dispute.pk])
    client.force_login(factchecker)
    assert client.post(url, {"version": dispute.version, "publish": "0"}).status_code == 403
    client.force_login(editor)
    response = client.post(url, {"version": dispute.version, "publish": "0"})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert not dispute.is_published


def test_publishing_a_dispute_with_a_stale_version_changes_nothing(client, editor):
    dispute = build_dispute(editor, claims=1)
    stale = dispute.version
    services.dispute_publish(dispute=dispute, expected_version=stale, publish=False)
    client.force_login(editor)
    response = client.post(
        reverse("claims:dispute_publish", args=[dispute.pk]), {"version": stale, "publish": "1"}, follow=True
    )
    assert "changed by someone else" in text_of(response)
    dispute.refresh_from_db()
    assert not dispute.is_published


def test_publish_without_version_is_a_400(client, editor):
    dispute = build_dispute(editor, claims=1)
    client.force_login(editor)
    response = client.post(reverse("claims:dispute_publish", args=[dispute.pk]), {"version": "abc"})
    assert response.status_code == 400


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


# --- Exports ---------------------------------------------------------------------------------------


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


# --- Bounded queries --------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_dispute_page_queries_are_bounded_and_do_not_grow_with_claims(
    client, editor, factchecker, django_assert_max_num_queries
):
    small = build_dispute(editor, claims=6, reviewer=factchecker)
    big = build_dispute(editor, claims=63, reviewer=factchecker)
    client.force_login(editor)
    _queries(client, small.get_absolute_url())  # warm the session and permission caches alike
    with django_assert_max_num_queries(25):
        response = client.get(big.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="card') >= 60
    assert _queries(client, small.get_absolute_url()) == _queries(client, big.get_absolute_url())
    # by outlet too; a short last page may skip a prefetch that has nothing to fetch
    assert _queries(client, big.get_absolute_url() + "?by=outlet&page=2") <= _queries(
        client, small.get_absolute_url() + "?by=outlet"
    )


# --- The pieces: word diffs, chart geometry, CSV cells ------------------------------------------------


def test_word_diff_gives_back_the_new_wording_and_marks_words_not_letters():
    from core.diffing import word_diff

    old = "There is no way now to settle the Nagorno-Karabakh issue through diplomacy"
    new = "We have to recognize that there is no diplomatic solution to the Karabakh case"
    parts = word_diff(old, new)
    assert "".join(p.text for p in parts if p.op != "removed") == new

    # changes are whole words of the old and new wordings, never pieces of words
    def words(text: str) -> set[str]:
        return set(re.findall(r"\w+", text))

    assert words(" ".join(p.text for p in parts if p.op == "removed")) <= words(old)
    assert words(" ".join(p.text for p in parts if p.op == "added")) <= words(new)
    assert "Karabakh" not in words(" ".join(p.text for p in parts if p.op != "same"))  # shared, so unchanged
    removed = " ".join(p.text for p in parts if p.op == "removed")
    assert "diplomacy" in removed and "diplomatic" not in removed


def test_similarity_is_the_same_in_both_directions_and_pairs_only_across_outlets():
    from core.diffing import closest_pairs, similarity

    a = "We have to recognize that there is no diplomatic solution to the Karabakh case, now and for a long time"
    b = "There is no way now to settle the Nagorno-Karabakh issue through diplomacy"
    assert similarity(a, b) == similarity(b, a)
    items = [("ap", b), ("ap", "There is no way now to settle it"), ("afp", a), ("afp", "Victory or defeat.")]
    pairs = closest_pairs(items, text=lambda item: item[1], group=lambda item: item[0])
    assert pairs and all(first[0] != second[0] for first, second, _ in pairs)
    assert all(diff.similarity >= 0.2 for _, _, diff in pairs)


def test_range_chart_draws_open_ends_as_arrows_and_tells_series_apart_by_shape(editor):
    from claims.charts import range_chart

    story = StoryFactory(body="At least 60 died. Up to 70 died. Exactly 65 died.", published_on=date(2020, 10, 21))
    sides = [SideFactory(), SideFactory(), SideFactory()]
    qualifiers = [
        ("At least 60 died.", "at_least", 60),
        ("Up to 70 died.", "up_to", 70),
        ("Exactly 65 died.", "exact", 65),
    ]
    for side, (quote, qualifier, value) in zip(sides, qualifiers, strict=True):
        services.claim_log(
            story=story,
            author=editor,
            quote=quote,
            speaker=ActorFactory(side=side),
            figures=[services.FigureInput(measure="killed", value=value, qualifier=qualifier)],
        )
    figures = list(
        Figure.objects.filter(claim__story=story).select_related("claim__speaker__side", "claim__story__outlet")
    )
    chart = range_chart(
        figures, series_of=lambda f: (str(f.claim.speaker.side_id), f.claim.speaker.side.name), title="Killed"
    )
    marks = {m.figure.value: m for m in chart.marks}
    assert marks[60].open_high and not marks[60].open_low and marks[60].y_top < marks[60].y_bottom
    assert marks[70].open_low and not marks[70].open_high
    assert not marks[65].open_high and not marks[65].open_low and marks[65].y_top == marks[65].y_bottom
    assert len({s.shape for s in chart.series}) == 3
    assert marks[60].label == "≥60" and marks[70].label == "≤70"
    # every mark sits inside the plot
    assert all(chart.plot_top <= m.y_top <= m.y <= m.y_bottom <= chart.plot_bottom for m in chart.marks)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+3", "'+3"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("", ""),
        (12, 12),
    ],
)
def test_neutralise_cell(value, expected):
    from core.csv import neutralise_cell

    assert neutralise_cell(value) == expected
