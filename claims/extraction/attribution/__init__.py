"""Finding claims and who they are attributed to, sentence by sentence, with rules over tokens.

The rules follow how wire copy attributes words: a speech verb with its speaker before it
("Hajiyev said Yerevan...") or after the words ("..., the ministry said on Friday."; "..., said
the statement."), "according to X", reporting nouns ("statements by X that...", "X reports
that..."), participles that add a second claim by the same speaker (", adding that..."; "Arguing
that..., X said..."), direct quotes opening a sentence, and standalone quote paragraphs that
belong to the last speaker. Sentences with no attribution become candidates in the outlet's own
voice only when they hold a figure, an accusation or a contested assertion (decided later).

The output is a list of ``Draft``: a span, how it was found, and the speaker phrase as written.
Nothing here touches the database; speakers are resolved in ``claims.extraction.speakers``.

- ``clause``: a clause's tokens and predicates over them, splitting sentences into clauses, the
  ``Draft`` and ``Phrase`` produced, and span helpers (quotes, trimming, verbatim or paraphrase);
- ``cues``: speech verbs, "according to", reporting nouns, the clause's main attribution,
  intermediaries and participles that add a claim;
- ``subjects``: the speaker phrase before the verb or after it;
- ``drafts``: the drafts one clause makes, by where its words stand;
- here: every draft in a text (body sentences, embedded tweets), in text order.
"""

from __future__ import annotations

import re
from itertools import pairwise

from spacy.tokens import Token

from claims.extraction.attribution.clause import Clause, Draft, Mode, Phrase, split_clauses
from claims.extraction.attribution.drafts import clause_drafts
from claims.extraction.text import DATELINE, Layout, Paragraph, Sentence

__all__ = ["Draft", "Phrase", "find_drafts"]

TWEET_TAIL = re.compile(r"(?:\s*(?:#\w+|pic\.twitter\.com/\S+|https?://\S+|@\w+))+\s*$")


def find_drafts(layout: Layout) -> list[Draft]:
    """Every candidate span in the text, in text order, with its speaker phrase as written."""
    drafts: list[Draft] = []
    paragraphs = layout.paragraphs
    credit_of: dict[int, Paragraph] = {}
    for paragraph, credit in pairwise(paragraphs):
        if paragraph.role == "tweet":
            credit_of[paragraph.index] = credit
    for sentence in layout.sentences:
        paragraph = paragraphs[sentence.paragraph]
        if paragraph.role == "tweet":
            if sentence.start == paragraph.start:
                drafts.append(_tweet_draft(paragraph, credit_of[paragraph.index]))
            continue
        if paragraph.role != "body":
            continue
        tokens = _strip_dateline(layout, sentence, paragraph)
        if not tokens:
            continue
        speaker_before = None
        for number, clause_tokens in enumerate(split_clauses(layout, tokens)):
            clause = Clause(layout, clause_tokens, sentence, 0 if number == 0 else -1)
            found = [d for d in clause_drafts(clause, speaker_before) if d.end > d.start]
            drafts.extend(found)
            speaker_before = next((d.speaker for d in found if d.speaker is not None), None)
    drafts.sort(key=lambda d: (d.start, d.end))
    return drafts


def _tweet_draft(paragraph: Paragraph, credit: Paragraph) -> Draft:
    """An embedded tweet: its text (without trailing hashtags and links), by the author its credit
    line names ("— Author (@handle) date")."""
    author = paragraph.tweet_author or ""
    a_start = credit.start + credit.text.find(author)
    tail = TWEET_TAIL.search(paragraph.text)
    end = paragraph.start + (tail.start() if tail else len(paragraph.text))
    return Draft(
        paragraph.start,
        end,
        "tweet",
        Mode.VERBATIM,
        paragraph.index,
        paragraph.start,
        paragraph.end,
        speaker=Phrase(a_start, a_start + len(author), author),
        cue="tweeted",
    )


def _strip_dateline(layout: Layout, sentence: Sentence, paragraph: Paragraph) -> list[Token]:
    tokens = sentence.tokens
    if sentence.start != paragraph.start:
        return tokens
    match = DATELINE.match(layout.text[paragraph.start : paragraph.end])
    if not match:
        return tokens
    cut = paragraph.start + match.end()
    return [t for t in tokens if t.idx >= cut]
