"""What the desk page tests share: data builders, and reading a page as a user (its text) and as the
Content-Security-Policy does (no inline script)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape
from html.parser import HTMLParser

from claims import services
from claims.models import Claim, ClaimDispute, Dispute, Figure, Review
from tests.factories import (
    ActorFactory,
    DisputeFactory,
    OutletFactory,
    ScopeFactory,
    SideFactory,
    StatementFactory,
    StoryFactory,
)

PASHINIAN_STORY = "dailysabah-2020-10-21-pashinian"
UNCLAIMED = "Nagorno-Karabakh lies within Azerbaijan but has been under the control of Armenian separatists"


def seed_claim(key: str) -> Claim:
    return Claim.objects.get(key=key)


def fresh_claim(editor, **kwargs) -> Claim:
    story = StoryFactory(body="The ministry said 13 civilians were killed in the strike. The other side denied it.")
    return services.claim_log(
        story=story, author=editor, quote="13 civilians were killed in the strike", speaker=ActorFactory(), **kwargs
    )


def edit_data(claim: Claim, **overrides) -> dict:
    data = {
        "version": str(claim.version),
        "mode": claim.mode,
        "speaker": claim.speaker.name if claim.speaker_id else "",
        "said_on": claim.said_on.isoformat() if claim.said_on else "",
        "statement": str(claim.statement_id or ""),
        "status": claim.status,
    }
    data.update(overrides)
    return data


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


def add_strikes(dispute: Dispute, count: int) -> None:
    """``count`` more groups of comparable figures on the dispute's claims (one chart each): a toll
    of civilians killed in another strike, one figure per strike."""
    claims = Claim.objects.filter(dispute_links__dispute=dispute).order_by("pk")[:count]
    for n, claim in enumerate(claims):
        services.figure_add(
            claim=claim,
            figure=services.FigureInput(
                measure=Figure.Measure.KILLED,
                value=5 + n,
                counted=Figure.Counted.CIVILIANS,
                scope=ScopeFactory(label=f"Strike number {n}"),
                as_of=date(2020, 10, 20),
            ),
        )


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


def log_data(**overrides) -> dict:
    """A complete "Log claim" form post, as the browser sends it with one figure row."""
    data = {
        "quote": UNCLAIMED,
        "prefix": "",
        "suffix": "",
        "start_hint": "",
        "occurrence": "",
        "mode": "paraphrase",
        "speaker": "",
        "said_on": "",
        "statement": "",
        "via": "",
        "dispute": "",
        "stance": "asserts",
        "blames": "",
        "new_dispute_title": "",
        "new_dispute_kind": "other",
        "figures-TOTAL_FORMS": "1",
        "figures-INITIAL_FORMS": "0",
        "figures-MIN_NUM_FORMS": "0",
        "figures-MAX_NUM_FORMS": "12",
        "figures-0-measure": "",
        "figures-0-counted": "unspecified",
        "figures-0-whose": "",
        "figures-0-scope": "",
        "figures-0-qualifier": "exact",
        "figures-0-value": "",
        "figures-0-raw": "",
        "figures-0-as_of": "",
        "figures-0-tally": "total",
    }
    data.update(overrides)
    return data


def body_text(html: str) -> str:
    """The text inside #story-body, as a browser's text nodes hold it."""
    inner = re.search(r'<div id="story-body"[^>]*>(.*?)</div>', html, re.S).group(1)
    return unescape(re.sub(r"<[^>]+>", "", inner))
