"""Highlighting claims in a story's text for the reader: nested marks, one per claim, over the exact text."""

from __future__ import annotations

import re

import pytest

from claims import services
from claims.highlighting import highlighted_body, segments
from claims.models import Claim
from tests.factories import ActorFactory, SideFactory, StoryFactory

pytestmark = pytest.mark.django_db


def test_overlapping_claims_are_nested_marks_and_every_piece_knows_its_claims(editor):
    story = StoryFactory(body="Alpha beta gamma delta epsilon.")
    side = SideFactory()
    outer = services.claim_log(
        story=story, author=editor, quote="Alpha beta gamma delta", speaker=ActorFactory(side=side)
    )
    inner = services.claim_log(story=story, author=editor, quote="beta gamma", mode=Claim.Mode.OUTLET_VOICE)
    tail = services.claim_log(story=story, author=editor, quote="delta epsilon", mode=Claim.Mode.OUTLET_VOICE)
    claims = list(Claim.objects.filter(story=story).select_related("speaker__side"))
    pieces = segments(story.current_revision.body, claims)
    assert "".join(p.text for p in pieces) == story.current_revision.body
    covering = {p.text: {c.pk for c in p.claims} for p in pieces}
    assert covering["Alpha "] == {outer.pk}
    assert covering["beta gamma"] == {outer.pk, inner.pk}
    assert covering["delta"] == {outer.pk, tail.pk}
    assert covering[" epsilon"] == {tail.pk}
    html = str(highlighted_body(story.current_revision.body, claims))
    assert re.search(
        rf'data-claim="{outer.pk}"[^>]*><mark [^>]*data-claim="{inner.pk}"[^>]*>beta gamma</mark></mark>', html
    )
    # overlapping claims take different lanes (stacked underlines)
    assert "lane-1" in html
