"""The story reader: a story's text with every claim highlighted (claims.highlighting), and
logging a claim from it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Prefetch
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims import services
from claims.extraction.matching import suggested_disputes
from claims.extraction.offers import FINGERPRINT, suggestions_offered
from claims.extraction.prefill import Prefill, candidate_prefill, selection_prefill
from claims.forms import NEW_DISPUTE, ActorCreateForm, ClaimLogForm, FigureFormSet, resolve_speaker
from claims.highlighting import highlighted_body, legend
from claims.models import Actor, Claim, ClaimDispute, Dispute, Figure, Statement
from claims.models.actors import find_speakers
from claims.views.common import claim_logged_message
from claims.views.new_actors import actor_chosen_or_created, check_duplicates
from core.errors import DomainError
from core.keyset import BadCursor, Key, KeysetPage, keyset_page
from core.numbers import whole_number
from core.search import search_query
from sources.models import Story

CLAIMS_PER_PAGE = 50
EARLIER_MAX = 50  # claims anchored to earlier revisions listed (their story's revisions page has the rest)
LIST_KEYS = (Key("text_at", F("start"), int), Key("row", F("id"), int))  # text order; index (revision, start)
DISPUTE_CHOICES_LIMIT = 500
NEW_SPEAKER = {"prefix": "new_actor", "auto_id": "log_%s"}  # the log form's "new speaker" fields


# --- Disputes to offer when logging a claim ---------------------------------------------------


def dispute_choice_lists(story: Story, *, speaker: Actor | None = None, quote: str = "") -> tuple[list, list]:
    suggested = suggested_disputes(story, speaker=speaker, quote=quote)
    ids = {d.pk for d in suggested}
    others = [
        d
        for d in Dispute.objects.active().only("id", "title").order_by("-updated_at", "-id")[:DISPUTE_CHOICES_LIMIT]
        if d.pk not in ids
    ]
    return suggested, others


def _speaker_or_none(text: str) -> Actor | None:
    if not text.strip():
        return None
    try:
        return resolve_speaker(text)
    except Exception:  # an unknown or ambiguous name simply gives no speaker-based suggestion
        return None


# --- Pages -----------------------------------------------------------------------------------


def suggestions_url(story: Story) -> str | None:
    """The assistant's suggestions for this story, when that part of the desk is installed."""
    try:
        return reverse("claims:story_suggestions", args=[story.pk])
    except NoReverseMatch:
        return None


def reader_context(request: HttpRequest, story: Story, *, strict_pages: bool = False) -> dict[str, Any]:
    """The text with every claim of its revision highlighted (only what a highlight shows is
    loaded), and the list of those claims a keyset page at a time, in text order. A page link the
    list did not hand out raises ``BadCursor`` with ``strict_pages`` (the reader answers 400);
    elsewhere (a form shown again, a suggestion acted on) the first claims are shown."""
    revision = story.current_revision
    claims: list[Claim] = []
    page = KeysetPage(items=[])
    if revision is not None:
        in_revision = Claim.objects.active().filter(revision=revision)
        claims = list(
            in_revision.select_related("speaker__side")
            .only("id", "start", "end", "status", "speaker__name", "speaker__side__key", "speaker__side__name")
            .order_by("start", "-end", "id")
        )
        listed = (
            in_revision.select_related("speaker__side")
            .annotate(in_dispute=Exists(ClaimDispute.objects.filter(claim=OuterRef("pk"))))
            .prefetch_related(Prefetch("figures", Figure.objects.select_related("whose", "scope").order_by("id")))
        )
        try:
            page = keyset_page(
                request,
                listed,
                keys=LIST_KEYS,
                per_page=CLAIMS_PER_PAGE,
                salt=f"story-{story.pk}",
                descending=False,
                param="claims",
            )
        except BadCursor:
            if strict_pages:
                raise
            page = KeysetPage(items=list(listed.order_by("start", "id")[:CLAIMS_PER_PAGE]))
    earlier = list(
        Claim.objects.active()
        .filter(story=story)
        .exclude(revision=revision)
        .select_related("speaker")
        .order_by("start", "id")[: EARLIER_MAX + 1]
        if revision is not None
        else []
    )
    return {
        "story": story,
        "revision": revision,
        "body_html": highlighted_body(revision.body, claims) if revision else "",
        "claims": claims,
        "claims_page": page,
        "earlier_claims": earlier[:EARLIER_MAX],
        "more_earlier": len(earlier) > EARLIER_MAX,
        "legend": legend(claims),
        "suggestions_url": suggestions_url(story),
        "can_log": request.user.has_perm("claims.add_claim"),
    }


def _new_log_forms(story: Story, *, prefill: Prefill | None = None) -> tuple[ClaimLogForm, Any]:
    """An unbound log form: empty but for the story's date, or prefilled (claims.extraction.prefill)."""
    initial = prefill.initial if prefill else {"said_on": story.published_on}
    speaker = _speaker_or_none(initial.get("speaker") or "")
    suggested, others = dispute_choice_lists(story, speaker=speaker, quote=initial.get("quote") or "")
    if prefill and prefill.dispute and all(d.pk != prefill.dispute.pk for d in suggested):
        suggested.insert(0, prefill.dispute)  # the assistant's confident match is offered first
        others = [d for d in others if d.pk != prefill.dispute.pk]
    form = ClaimLogForm(initial=initial, suggested=suggested, others=others, auto_id="log_%s")
    proposal = prefill.proposed_actor if prefill else None
    form.new_speaker = (
        check_duplicates(ActorCreateForm.proposed(proposal, proposal.get("name") or "", **NEW_SPEAKER))
        if proposal
        else ActorCreateForm(**NEW_SPEAKER)
    )
    figure_forms = FigureFormSet(
        prefix="figures", initial=prefill.figures[: FigureFormSet.max_num] if prefill else None
    )
    return form, figure_forms


@require_GET
@login_required
@permission_required(["sources.view_story", "claims.view_claim"], raise_exception=True)
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_object_or_404(Story.objects.select_related("outlet", "current_revision"), pk=pk)
    try:
        context = reader_context(request, story, strict_pages=True)
    except BadCursor as error:
        return render(request, "refused.html", {"title": "Bad page link", "message": str(error)}, status=400)
    if context["can_log"]:
        context["form"], context["figure_forms"] = _new_log_forms(story)
    return render(request, "claims/story_detail.html", context)


def _log_claim(story: Story, form: ClaimLogForm, figure_forms: Any, user: Any) -> Claim:
    """Log the claim from the form's data (with its new dispute, when one is asked for)."""
    data = form.cleaned_data
    figures = [
        services.FigureInput(
            measure=f["measure"],
            value=f["value"],
            qualifier=f["qualifier"],
            counted=f["counted"],
            whose=f.get("whose"),
            scope=f.get("scope"),
            tally=f["tally"],
            raw=f.get("raw", ""),
            as_of=f.get("as_of"),
        )
        for f in (ff.cleaned_data for ff in figure_forms.forms)
        if f and not f.get("empty")
    ]
    fields: dict[str, Any] = {
        "story": story,
        "author": user,
        "quote": data["quote"],
        "mode": data["mode"],
        "start_hint": data.get("start_hint"),
        "occurrence": data.get("occurrence"),
        "prefix": data.get("prefix") or "",
        "suffix": data.get("suffix") or "",
        "speaker": data.get("speaker"),
        "said_on": data.get("said_on"),
        "statement": data.get("statement"),
        "via": [data["via"]] if data.get("via") else [],
        "figures": figures,
    }
    choice = data.get("dispute") or ""
    if choice == NEW_DISPUTE:
        return services.claim_log_in_new_dispute(
            dispute_title=data["new_dispute_title"],
            dispute_kind=data["new_dispute_kind"],
            stance=data["stance"],
            blames=data.get("blames"),
            **fields,
        )
    links = []
    if choice:
        dispute = Dispute.objects.active().filter(pk=int(choice)).first()
        if dispute is None:
            raise DomainError("That dispute no longer exists.", field="dispute")
        links.append(services.DisputeLink(dispute=dispute, stance=data["stance"], blames=data.get("blames")))
    return services.claim_log(disputes=links, **fields)


@require_POST
@login_required
@permission_required(["claims.add_claim", "claims.add_claimdispute"], raise_exception=True)
def claim_log_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a claim from the story. htmx gets the form back (and the refreshed text, out of band);
    a plain form post is redirected to the new highlight. Bad input: 422 and nothing written."""
    story = get_object_or_404(Story.objects.select_related("outlet", "current_revision"), pk=pk)
    speaker = _speaker_or_none(request.POST.get("speaker", ""))
    suggested, others = dispute_choice_lists(story, speaker=speaker, quote=request.POST.get("quote", ""))
    form = ClaimLogForm(request.POST, suggested=suggested, others=others, auto_id="log_%s")
    figure_forms = FigureFormSet(request.POST, prefix="figures")
    if not figure_forms.management_form.is_valid():
        return HttpResponse("The figures part of the form is missing or damaged.", status=422)

    form.new_speaker = ActorCreateForm(request.POST, **NEW_SPEAKER)
    if "add_figure" in request.POST:
        # Another empty figure row, nothing saved. Errors stay hidden: the editor is still typing.
        data = request.POST.copy()
        data["figures-TOTAL_FORMS"] = str(min(figure_forms.total_form_count() + 1, FigureFormSet.max_num))
        figure_forms = FigureFormSet(data, prefix="figures")
        _unchecked(form, figure_forms)
        return _render_log_form(request, story, form, figure_forms, status=200)
    if "new_actor" in request.POST or "use_actor" in request.POST:
        return _new_speaker(request, story, form, figure_forms)

    claim = None
    if form.is_valid() and figure_forms.is_valid():
        try:
            claim = _log_claim(story, form, figure_forms, request.user)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    if claim is None:
        return _render_log_form(request, story, form, figure_forms, status=422)

    if request.htmx:
        story.refresh_from_db()
        context = reader_context(request, story)
        context["form"], context["figure_forms"] = _new_log_forms(story)
        context["logged"] = claim
        return render(request, "claims/_claim_logged.html", context)
    claim_logged_message(request, claim)
    return redirect(f"{story.get_absolute_url()}#claim-{claim.pk}")


def _unchecked(form: ClaimLogForm, figure_forms: Any) -> None:
    """Hide the log form's errors: the editor is still filling it in."""
    form._errors = ErrorDict()
    for figure_form in figure_forms.forms:
        figure_form._errors = ErrorDict()
    figure_forms._errors, figure_forms._non_form_errors = [], figure_forms.error_class()


def _new_speaker(request: HttpRequest, story: Story, form: ClaimLogForm, figure_forms: Any) -> HttpResponse:
    """The log form's "new speaker" part: create the actor (or use the existing one picked after
    the duplicate check) and show the form again with it as the speaker, nothing else changed and
    no claim logged yet. Refused: the form again (422) with the new speaker's errors."""
    if not request.user.has_perm("claims.add_actor"):
        raise PermissionDenied
    actor = actor_chosen_or_created(form.new_speaker, request.POST)
    if actor is None:
        _unchecked(form, figure_forms)
        return _render_log_form(request, story, form, figure_forms, status=422)
    data = request.POST.copy()
    data["speaker"] = actor.name
    suggested, others = dispute_choice_lists(story, speaker=actor, quote=data.get("quote", ""))
    form = ClaimLogForm(data, suggested=suggested, others=others, auto_id="log_%s")
    form.new_speaker = ActorCreateForm(**NEW_SPEAKER)
    form.speaker_notice = f"{actor.name} is the speaker."
    _unchecked(form, figure_forms)
    return _render_log_form(request, story, form, figure_forms, status=200)


def _selection(story: Story, raw_start: str | None, raw_end: str | None) -> tuple[int, int] | None:
    """The span ``start``..``end`` (code points) of the story's text, its outer spaces left out;
    None when it is not a span of words inside the text."""
    body = story.current_revision.body if story.current_revision else ""
    start, end = whole_number(raw_start), whole_number(raw_end)
    if start is None or end is None or not 0 <= start < end <= len(body):
        return None
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


@require_GET
@login_required
@permission_required(["claims.add_claim", "claims.add_claimdispute"], raise_exception=True)
def claim_log_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The log form prefilled for the words ``?start=&end=`` of the story (code points), or for an
    offered suggestion (``?suggestion=<fingerprint>``, "Edit first"): htmx gets the form alone, a
    plain request the reader with it. Reads only; a span or suggestion not found: 400 or 404 and
    the empty form, saying why."""
    story = get_object_or_404(Story.objects.select_related("outlet", "current_revision"), pk=pk)
    prefill, error, status = None, None, 200
    if "suggestion" in request.GET:
        fingerprint = request.GET["suggestion"]
        candidate = suggestions_offered(story).find(fingerprint) if FINGERPRINT.match(fingerprint) else None
        if candidate is None:
            error, status = (
                "That suggestion is no longer offered: it was logged or dismissed, or the text changed.",
                404,
            )
        else:
            prefill = candidate_prefill(candidate, story)
    elif "start" in request.GET or "end" in request.GET:
        span = _selection(story, request.GET.get("start"), request.GET.get("end"))
        if span is None:
            error, status = "Those words are not in the story's text: select them again.", 400
        else:
            prefill = selection_prefill(story, start=span[0], end=span[1])
    if prefill and len(prefill.figures) > FigureFormSet.max_num:  # said, never dropped quietly
        error = (
            f"These words hold {len(prefill.figures)} figures; one claim takes at most {FigureFormSet.max_num}: "
            "log the words in parts."
        )
    form, figure_forms = _new_log_forms(story, prefill=prefill)
    return _render_log_form(request, story, form, figure_forms, status=status, error=error)


@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest, pk: int) -> HttpResponse:
    """``stories/<pk>/claims/new/``: the prefilled form (GET) or logging the claim (POST)."""
    view = claim_log_form if request.method == "GET" else claim_log_view
    return view(request, pk)


def _render_log_form(
    request: HttpRequest,
    story: Story,
    form: ClaimLogForm,
    figure_forms: Any,
    *,
    status: int,
    error: str | None = None,
) -> HttpResponse:
    if request.htmx:
        context = {"story": story, "form": form, "figure_forms": figure_forms, "can_log": True, "log_error": error}
        return render(request, "claims/_claim_log_form.html", context, status=status)
    context = reader_context(request, story)
    context.update(form=form, figure_forms=figure_forms, log_open=True, log_error=error)
    return render(request, "claims/story_detail.html", context, status=status)


@require_GET
@login_required
@permission_required("claims.view_actor", raise_exception=True)
def speaker_options(request: HttpRequest) -> HttpResponse:
    """<option>s for the speaker field's datalist: actors matching a name or alias."""
    text = request.GET.get("speaker", "") or request.GET.get("q", "") or request.GET.get("duplicate", "")
    matches = find_speakers(text[:200]) if text.strip() else []
    return render(request, "claims/_speaker_options.html", {"matches": matches, "query": text})


@require_GET
@login_required
@permission_required(["claims.add_claim", "claims.view_dispute"], raise_exception=True)
def dispute_options(request: HttpRequest, pk: int) -> HttpResponse:
    """The dispute field again, with suggestions for the speaker and words typed so far."""
    story = get_object_or_404(Story, pk=pk)
    speaker = _speaker_or_none(request.GET.get("speaker", "")[:300])
    suggested, others = dispute_choice_lists(story, speaker=speaker, quote=request.GET.get("quote", "")[:5000])
    form = ClaimLogForm(
        initial={"dispute": request.GET.get("dispute", "")}, suggested=suggested, others=others, auto_id="log_%s"
    )
    return render(request, "claims/_dispute_field.html", {"form": form, "story": story, "suggested": suggested})


STATEMENT_OPTIONS = 20


@require_GET
@login_required
@permission_required("claims.view_claim", raise_exception=True)
def statement_options(request: HttpRequest) -> HttpResponse:
    """<option>s for the statement field's datalist: at most ``STATEMENT_OPTIONS`` statements whose
    words match what is typed (their GIN index), or the one numbered so, newest first; of the
    speaker typed in the form when there is one."""
    text = request.GET.get("statement", "")[:200].strip()
    statements = Statement.objects.none()
    if text:
        pk = whole_number(text, digits=18)
        statements = (
            Statement.objects.filter(pk=pk)
            if pk is not None
            else Statement.objects.filter(search_vector=search_query(text))
        )
        speaker = request.GET.get("speaker", "")[:300].strip()
        if speaker and pk is None:
            named = Actor.objects.matching(speaker)
            if named.exists():
                statements = statements.filter(speaker__in=named)
        statements = statements.select_related("speaker").order_by(F("said_on").desc(nulls_last=True), "-id")
    options = list(statements[:STATEMENT_OPTIONS])
    return render(request, "claims/_statement_options.html", {"statements": options})


urlpatterns = [
    path("stories/<int:pk>/", story_detail, name="story_detail"),
    path("stories/<int:pk>/claims/new/", claim_new, name="claim_log"),
    path("stories/<int:pk>/dispute-options/", dispute_options, name="dispute_options"),
    path("speakers/options/", speaker_options, name="speaker_options"),
    path("statements/options/", statement_options, name="statement_options"),
]
