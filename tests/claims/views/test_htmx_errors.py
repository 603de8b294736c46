"""One convention for a refused form: the HTML views answer 422 with the form again, and one rule
in static/js/desk.js (loaded on every desk page) lets htmx swap 422 and 409 answers in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.claims.views.helpers import build_dispute, fresh_claim

pytestmark = pytest.mark.django_db

JS = Path(settings.BASE_DIR) / "static" / "js"


def test_desk_js_is_the_one_place_that_decides_which_htmx_answers_are_swapped():
    rule = (JS / "desk.js").read_text()
    assert re.search(r'\{ code: "422", swap: true, error: false \}', rule)
    assert re.search(r'\{ code: "409", swap: true, error: false \}', rule)
    deciding = re.compile(r"responseHandling|shouldSwap|isError")
    assert [p.name for p in JS.glob("*.js") if deciding.search(p.read_text())] == ["desk.js"]


def test_every_desk_page_loads_desk_js_and_no_other_error_swapping(client, editor):
    claim = fresh_claim(editor)
    dispute = build_dispute(editor, claims=2)
    client.force_login(editor)
    for url in (
        reverse("claims:desk"),
        claim.get_absolute_url(),
        reverse("claims:claim_edit", args=[claim.pk]),
        dispute.get_absolute_url(),
        claim.story.get_absolute_url(),
        reverse("claims:search"),
        reverse("claims:story_import"),
    ):
        html = client.get(url).content.decode()
        assert html.count("js/desk.js") == 1, url
        assert "data-swap-errors" not in html and "desk_pages.js" not in html, url


def test_a_refused_htmx_form_is_a_422_with_the_form_to_swap_in(client, editor):
    claim = fresh_claim(editor)
    client.force_login(editor)

    response = client.post(
        reverse("claims:claim_note_add", args=[claim.pk]),
        {"body": " ", "visibility": "internal"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    assert response.content.decode().lstrip().startswith('<section id="notes"')
