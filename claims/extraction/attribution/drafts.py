"""The clause analysis: the drafts a clause's attribution makes, by where its words stand.

The words after the attribution ("X said that ..."), before it ("“...,” he said"), around an
"according to X", after a reaction verb ("X responded to ..., saying ..."), and a clause with no
attribution at all (a quotation paragraph, or the outlet's own words).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from claims.extraction import lexicon as lx
from claims.extraction.attribution.clause import (
    Clause,
    Draft,
    Mode,
    Phrase,
    draft,
    is_close,
    is_open,
    lower,
    mode_of,
    quote_closes_before,
    quote_runs_to_end,
    quote_span,
)
from claims.extraction.attribution.cues import (
    Cue,
    content_follows,
    content_start_after,
    continuations,
    find_nominal,
    main_cue,
    quote_after_verb,
    verb_cues,
    via_phrases,
)
from claims.extraction.attribution.subjects import opening_subject
from claims.extraction.figure_reading import parse_figures


@dataclass
class _Attribution:
    """The clause's main attribution: its cue, the speaker's tokens sa..sb, where the speaker stands
    (left, inverted, according, reaction), and the intermediaries named after it."""

    cue: Cue
    sa: int
    sb: int
    position: str
    speaker: Phrase
    via: list[Phrase]

    @property
    def flags(self) -> dict[str, bool]:
        verb = self.cue.form.split()[0]
        # "called" alone is a cue only before a denial word ("called the reports fake news")
        denies = verb in lx.DENIAL_VERBS or self.cue.form in lx.CALLING_VERBS
        return {"denial_cue": denies, "accusation_cue": verb in lx.ACCUSATION_VERBS}


def clause_drafts(clause: Clause, speaker_before: Phrase | None = None) -> list[Draft]:
    """The drafts of one clause: the words of its main attribution (or, with none, the clause as a
    quote or in the outlet's own voice), then one per reporting noun in it ("X denied Y's claim
    that ...": Y's claim, and X's denial carrying it).

    ``speaker_before`` is the speaker of the clause before in the same sentence, for a clause that
    opens with its verb: "The army said ..., but denied that ..."."""
    cues = verb_cues(clause)
    chosen = main_cue(clause, cues)
    if chosen is None:
        drafts = _without_subject(clause, cues, speaker_before) or _opening_subject(clause) or [_unattributed(clause)]
    else:
        cue, (sa, sb), position = chosen
        found = _Attribution(cue, sa, sb, position, clause.phrase(sa, sb), via_phrases(clause, cues, cue))
        if position == "according":
            drafts = [_according(clause, found)]
        elif position == "reaction":
            drafts = _reaction(clause, found)
        elif _words_come_first(clause, found):
            drafts = _words_before_attribution(clause, found)
        else:
            drafts = _words_after_attribution(clause, found)
    return drafts + _nominal_drafts(clause)


def _without_subject(clause: Clause, cues: list[Cue], speaker: Phrase | None) -> list[Draft]:
    """A clause that opens with its speech verb ("but denied that ...", split off the clause
    before): the words of the speaker before."""
    if speaker is None or not cues or cues[0].index != 0 or cues[0].kind != "verb":
        return []
    found = _Attribution(cues[0], 0, 0, "left", speaker, [])
    return _words_after_attribution(clause, found)


def _opening_subject(clause: Clause) -> list[Draft]:
    """ "X declared a state of emergency, saying ...": no speech verb, but a participle says what
    the clause's subject said; the rest is the outlet's."""
    conts = continuations(clause, 0)
    subject = opening_subject(clause) if conts else None
    if subject is None:
        return []
    cue = Cue(subject[1], subject[1], "", lx.CLAUSE, "verb")
    found = _Attribution(cue, *subject, "left", clause.phrase(*subject), [])
    outlet = draft(clause, clause.start, clause.end_of(conts[0] - 2), "outlet", Mode.OUTLET_VOICE)
    return [outlet, *_continuation_drafts(clause, found, conts)]


def _unattributed(clause: Clause) -> Draft:
    """A clause with no attribution: a quotation paragraph (the last speaker's), or the outlet's words."""
    tokens = clause.tokens
    if is_open(tokens[0]) and quote_runs_to_end(clause, 0, slack=2):
        start = tokens[0].idx + len(tokens[0].text)
        return draft(clause, start, clause.end, "standalone_quote", Mode.VERBATIM)
    return draft(clause, clause.start, clause.end, "outlet", Mode.OUTLET_VOICE)


def _according(clause: Clause, found: _Attribution) -> Draft:
    """ "According to X, ...": the whole clause, paraphrased."""
    cue = found.cue
    return draft(
        clause,
        clause.start,
        clause.end,
        "according",
        Mode.PARAPHRASE,
        speaker=found.speaker,
        cue=cue.form,
        post=cue.index > 2,
        via=found.via,
    )


def _reaction(clause: Clause, found: _Attribution) -> list[Draft]:
    """ "X responded to statements by Y that ...": X's own words come only in a participle."""
    return _continuation_drafts(clause, found, continuations(clause, found.cue.last, any_frame=True), reaction=True)


def _words_come_first(clause: Clause, found: _Attribution) -> bool:
    """ "“...,” he said." / "..., the ministry said on Friday." / ", said X.": the attribution follows the words."""
    return (
        found.position == "inverted"
        or quote_closes_before(clause, found.sa)
        or (not content_follows(clause, found.cue) and not _nothing_before(clause.tokens, found.sa))
    )


def _nothing_before(tokens: list[Token], sa: int) -> bool:
    """Only scene-setting before the speaker ("In a live video address on Facebook, X said"),
    or a participial lead-in ("Arguing that ..., X said"): the words come after the verb."""
    if sa <= 1:
        return True
    first = lower(tokens[0])
    if first in lx.PREPOSITIONS and parse_figures(tokens[:sa], tokens[0].doc.text):
        return False  # "At least 14 people were killed ..., X said": a figure, not scene-setting
    return (
        first in lx.PREPOSITIONS
        or first in lx.CONTINUATION_PARTICIPLES
        or first
        in {
            "additionally",
            "meanwhile",
            "however",
            "also",
            "earlier",
            "separately",
            "regarding",
            "asked",
            "speaking",
        }
    )


def _words_before_attribution(clause: Clause, found: _Attribution) -> list[Draft]:
    tokens = clause.tokens
    cue, left = found.cue, found.position == "left"
    common = {"speaker": found.speaker, "cue": cue.form, "post": True, "via": found.via, **found.flags}
    if is_open(tokens[0]):
        start, end = quote_span(clause, found.sa if left else cue.index)
        drafts = [draft(clause, start, end, "quote", Mode.VERBATIM, **common)]
    else:
        end_token = max(found.sb, cue.last) if left else len(tokens) - 1
        drafts = [draft(clause, clause.start, clause.end_of(end_token), "reported", Mode.PARAPHRASE, **common)]
    tail = max(found.sb, cue.last) + 1 if left else cue.last + 1
    while tail < len(tokens) and tokens[tail].text != ",":
        tail += 1
    conts = [k for k in continuations(clause, tail - 1) if k == tail + 1]
    if conts:
        # "“...,” she said, adding that five people had been wounded": a claim of the same speaker
        drafts.extend(_continuation_drafts(clause, found, continuations(clause, tail - 1)))
    elif left and tail + 3 < len(tokens):
        # Narration after the attribution: "..., he said, after four weeks of battles that ..."
        drafts.append(draft(clause, tokens[tail + 1].idx, clause.end, "outlet", Mode.OUTLET_VOICE))
    return drafts


def _words_after_attribution(clause: Clause, found: _Attribution) -> list[Draft]:
    """ "X said (that) ...", "X said: “...”", "Arguing that ..., X said ...", with ", adding that ..."."""
    tokens = clause.tokens
    cue = found.cue
    quote_at = quote_after_verb(clause, cue)
    if quote_at is not None and quote_runs_to_end(clause, quote_at):
        start = tokens[quote_at].idx + len(tokens[quote_at].text)
        return [
            draft(
                clause,
                start,
                clause.end,
                "quote",
                Mode.VERBATIM,
                speaker=found.speaker,
                cue=cue.form,
                via=found.via,
                **found.flags,
            )
        ]
    lead_in = _lead_in(clause, found)
    # ", adding that ..." after a figure stays in the figure's claim, except after a denial: the
    # denial carries the figure it denies, and what the speaker says instead is a claim of its own
    has_figure = bool(parse_figures(tokens, clause.layout.text))
    conts = continuations(clause, cue.last) if not has_figure or found.flags["denial_cue"] else []
    main_end = conts[0] - 2 if conts else len(tokens) - 1
    main = draft(
        clause,
        tokens[found.sa].idx,
        clause.end_of(main_end),
        "reported",
        mode_of(clause, cue.last + 1, main_end),
        speaker=found.speaker,
        cue=cue.form,
        via=found.via,
        **found.flags,
    )
    return [*([lead_in] if lead_in else []), main, *_continuation_drafts(clause, found, conts)]


def _lead_in(clause: Clause, found: _Attribution) -> Draft | None:
    """ "Arguing that ..., X said ...": the participle's words are a claim of the same speaker."""
    tokens = clause.tokens
    if not (lower(tokens[0]) in lx.CONTINUATION_PARTICIPLES and len(tokens) > 2 and lower(tokens[1]) == "that"):
        return None
    lead_end = found.sa - 1
    while lead_end > 2 and (tokens[lead_end].text == "," or is_close(tokens[lead_end])):
        lead_end -= 1
    if lead_end <= 2:
        return None
    return draft(
        clause,
        tokens[2].idx,
        clause.end_of(lead_end),
        "lead_in",
        mode_of(clause, 2, lead_end),
        speaker=found.speaker,
        cue=lower(tokens[0]),
    )


def _continuation_drafts(
    clause: Clause, found: _Attribution, conts: list[int], *, reaction: bool = False
) -> list[Draft]:
    """One draft per participle that opens a claim of its own (", adding that ..."), each running to
    the next. After a reaction verb the first one starts at the speaker, and all are paraphrases."""
    tokens = clause.tokens
    drafts = []
    for n, p in enumerate(conts):
        stop = conts[n + 1] - 2 if n + 1 < len(conts) else len(tokens) - 1
        content = content_start_after(clause, p)
        if reaction:
            start, mode = (found.sa if n == 0 else content), Mode.PARAPHRASE
        else:
            start, mode = content, mode_of(clause, content, stop)
        verb = lower(tokens[p])
        drafts.append(
            draft(
                clause,
                tokens[start].idx,
                clause.end_of(stop),
                "continuation",
                mode,
                speaker=found.speaker,
                cue=verb,
                via=found.via,
                denial_cue=verb in lx.DENIAL_VERBS,
                accusation_cue=verb in lx.ACCUSATION_VERBS,
            )
        )
    return drafts


def _nominal_drafts(clause: Clause) -> list[Draft]:
    """Reporting nouns inside the clause: their own claim, with their own speaker."""
    tokens = clause.tokens
    return [
        draft(
            clause,
            tokens[a].idx,
            clause.end,
            "nominal",
            mode_of(clause, c0, len(tokens) - 1),
            speaker=clause.phrase(s0, s1),
            cue="reports",
        )
        for a, s0, s1, c0 in find_nominal(clause)
        if c0 < len(tokens)
    ]
