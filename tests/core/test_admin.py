"""The Django admin as the desk's fallback editor: every page loads, search, history, and the
desk's rules (version check on save, no deletes of claims/reviews/annotations, withdraw instead).

Forms are submitted the way a browser would: the rendered page is parsed and every field's value
sent back (lxml's ``form_values``), with the user's edits laid over it.
"""

from __future__ import annotations

import lxml.html
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pghistory.models import Event

from claims import roles
from claims.merging import actor_merge
from claims.models import (
    Actor,
    ActorAlias,
    Alert,
    AlertSeen,
    Annotation,
    Claim,
    Dispute,
    Figure,
    Follow,
    Merge,
    Review,
    StoryWithoutClaims,
    SuggestionDismissal,
    WaitingClaim,
)
from claims.reviewing import review_draft
from claims.services import annotation_add, claim_log, claim_update
from sources.models import Outlet, Story
from tests.factories import ActorFactory, DisputeFactory, OutletFactory, StoryFactory, UserFactory

pytestmark = pytest.mark.django_db

DESK_APPS = ("sources", "claims")


def desk_models() -> list[type]:
    return [
        model for app in DESK_APPS for model in apps.get_app_config(app).get_models() if not issubclass(model, Event)
    ]


def admin_url(model_or_obj, view: str, *args) -> str:
    opts = model_or_obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def form_data(response, form_id: str, **edits) -> dict[str, list[str]]:
    """What the browser would post from the page's form, with ``edits`` applied (None removes)."""
    page = lxml.html.fromstring(response.content.decode())
    form = page.get_element_by_id(form_id)
    if form.tag != "form":
        form = form.xpath(".//form")[0]
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    for name, value in edits.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [str(value)]
    return data


def errors_on(response) -> str:
    page = lxml.html.fromstring(response.content.decode())
    return " ".join(" ".join(node.text_content().split()) for node in page.find_class("errorlist"))


@pytest.fixture
def superuser(db):
    user = UserFactory(username="chief")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def chief(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def every_model_has_a_row(seeded, superuser):
    """The seed dataset, plus a row for the models it leaves empty."""
    claim = Claim.objects.filter(withdrawn_at__isnull=True).first()
    if not Review.objects.exists():
        review_draft(claim=claim, reviewer=superuser, rating="unproven", reasoning="Not enough evidence.")
    if not SuggestionDismissal.objects.exists():
        SuggestionDismissal.objects.create(story=claim.story, fingerprint="speaker:x", dismissed_by=superuser)
    if not StoryWithoutClaims.objects.exists():
        StoryFactory(headline="A story with no claims yet")
    if not WaitingClaim.objects.exists():
        claim_log(story=StoryFactory(body="Nobody grouped this claim."), author=superuser, quote="Nobody grouped")
    if not Merge.objects.exists():
        actor_merge(survivor=ActorFactory(name="Survivor"), duplicate=ActorFactory(name="Duplicate"), user=superuser)
    dispute = Dispute.objects.order_by("pk").first()
    if not Follow.objects.exists():
        Follow.objects.create(user=superuser, dispute=dispute)
    if not Alert.objects.exists():
        story = claim.story
        Alert.objects.create(
            kind=Alert.Kind.FIGURE,
            story=story,
            revision=story.current_revision,
            start=claim.start,
            end=claim.end,
            quote=claim.quote,
            words_key="figure:x",
            dispute=dispute,
            detail="A figure outside the published range.",
        )
    if not AlertSeen.objects.exists():
        AlertSeen.objects.create(alert=Alert.objects.order_by("pk").first(), user=superuser)


def test_every_desk_model_is_in_the_admin():
    registered = set(admin.site._registry)
    missing = [model._meta.label for model in desk_models() if model not in registered]
    assert missing == []


@pytest.mark.parametrize("model", desk_models(), ids=lambda model: model._meta.label)
def test_changelist_change_history_and_add_pages_load(chief, every_model_has_a_row, model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} to open"

    assert chief.get(admin_url(model, "changelist")).status_code == 200
    change = chief.get(admin_url(model, "change", obj.pk))
    assert change.status_code == 200
    assert chief.get(admin_url(model, "history", obj.pk)).status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(change.wsgi_request):
        assert chief.get(admin_url(model, "add")).status_code == 200


def test_versioned_change_forms_carry_the_version_they_were_opened_at(chief, seeded):
    claim = Claim.objects.order_by("pk").first()

    response = chief.get(admin_url(Claim, "change", claim.pk))

    assert form_data(response, "claim_form")["expected_version"] == [str(claim.version)]


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        (Actor, "Pashinian", "Nikol Pashinyan"),  # an alias finds the actor
        (Claim, "Pashinian", "Nikol Pashinyan"),  # and the claims he is the speaker of
        (Outlet, "anadolu", "Anadolu"),
        (Story, "Pashinian", "Pashinian"),
        (Dispute, "Ganja", "Ganja"),
    ],
)
def test_search_finds_by_name_alias_and_text(chief, seeded, model, query, expected):
    response = chief.get(admin_url(model, "changelist"), {"q": query})

    assert response.status_code == 200
    result_list = lxml.html.fromstring(response.content.decode()).get_element_by_id("result_list")
    assert expected in result_list.text_content()


def test_search_that_matches_nothing_says_so(chief, seeded):
    response = chief.get(admin_url(Claim, "changelist"), {"q": "zzz-no-such-words"})

    assert "0 claims" in response.content.decode()


def test_autocomplete_finds_actors_by_alias(chief, seeded):
    response = chief.get(
        reverse("admin:autocomplete"),
        {"term": "Pashinian", "app_label": "claims", "model_name": "claim", "field_name": "speaker"},
    )

    assert response.status_code == 200
    assert "Nikol Pashinyan" in [row["text"] for row in response.json()["results"]]


def test_claim_changelist_runs_a_bounded_number_of_queries(chief, seeded, django_assert_max_num_queries):
    assert Claim.objects.count() >= 50  # enough rows that an N+1 would show
    with django_assert_max_num_queries(12):
        response = chief.get(admin_url(Claim, "changelist"), {"all": ""})
    assert response.status_code == 200


@pytest.mark.parametrize("model", [Story, Actor, Dispute, Figure, Annotation])
def test_other_changelists_run_a_bounded_number_of_queries(chief, seeded, django_assert_max_num_queries, model):
    with django_assert_max_num_queries(12):
        response = chief.get(admin_url(model, "changelist"))
    assert response.status_code == 200


# --- version check: no silent overwrite -------------------------------------------------------


def test_stale_outlet_save_is_refused_with_a_visible_conflict_and_nothing_overwritten(chief, db):
    outlet = OutletFactory(name="Anadolu Agency", country="TR")
    opened = chief.get(admin_url(Outlet, "change", outlet.pk))
    # someone else saves first
    chief.post(
        admin_url(Outlet, "change", outlet.pk),
        form_data(opened, "outlet_form", name="Anadolu Agency (AA)", _save="Save"),
    )
    outlet.refresh_from_db()
    assert (outlet.name, outlet.version) == ("Anadolu Agency (AA)", 2)

    stale = chief.post(
        admin_url(Outlet, "change", outlet.pk),
        form_data(opened, "outlet_form", country="AZ", _save="Save"),
    )

    assert stale.status_code == 200  # the form again, not a redirect
    message = errors_on(stale)
    assert "This outlet was changed by someone else since you opened it" in message
    assert "(you had version 1, it is now version 2)" in message
    assert "Changed since you opened it: Name." in message
    outlet.refresh_from_db()
    assert (outlet.name, outlet.country, outlet.version) == ("Anadolu Agency (AA)", "TR", 2)


def test_stale_claim_save_after_a_desk_edit_is_refused_and_the_desk_edit_kept(chief, seeded, editor):
    claim = Claim.objects.filter(withdrawn_at__isnull=True, status=Claim.Status.UNVERIFIED).order_by("pk").first()
    opened = chief.get(admin_url(Claim, "change", claim.pk))
    claim_update(claim=claim, expected_version=claim.version, author=editor, status=Claim.Status.DISPUTED)

    stale = chief.post(
        admin_url(Claim, "change", claim.pk),
        form_data(opened, "claim_form", status=Claim.Status.VERIFIED, _save="Save"),
    )

    assert stale.status_code == 200
    assert "This claim was changed by someone else" in errors_on(stale)
    assert "Status" in errors_on(stale)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.DISPUTED


def test_fresh_claim_save_goes_through_the_service_and_bumps_the_version(chief, seeded):
    claim = Claim.objects.filter(withdrawn_at__isnull=True).exclude(status=Claim.Status.FALSE).order_by("pk").first()
    version = claim.version
    opened = chief.get(admin_url(Claim, "change", claim.pk))

    saved = chief.post(
        admin_url(Claim, "change", claim.pk), form_data(opened, "claim_form", status=Claim.Status.FALSE, _save="Save")
    )

    assert saved.status_code == 302, errors_on(saved)
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (Claim.Status.FALSE, version + 1)


def test_history_page_shows_who_changed_what(chief, superuser, db):
    outlet = OutletFactory(name="TRT World", kind=Outlet.Kind.BROADCASTER)
    opened = chief.get(admin_url(Outlet, "change", outlet.pk))
    chief.post(
        admin_url(Outlet, "change", outlet.pk), form_data(opened, "outlet_form", kind="state_channel", _save="Save")
    )

    history = chief.get(admin_url(Outlet, "history", outlet.pk))

    rows = [
        " ".join(row.text_content().split())
        for row in lxml.html.fromstring(history.content.decode()).xpath("//div[@id='change-history']//tbody/tr")
    ]
    assert any("update" in row and "chief" in row and "kind: broadcaster → state_channel" in row for row in rows), rows
    assert any("insert" in row for row in rows)


def test_history_of_an_actor_includes_its_aliases(chief, db):
    actor = ActorFactory(name="Hikmet Hajiyev", aliases=["Hikmat Hajiyev"])

    history = chief.get(admin_url(Actor, "history", actor.pk))

    assert "Hikmat Hajiyev" in history.content.decode()


# --- no deletes; withdraw instead -------------------------------------------------------------


@pytest.fixture
def note_and_review(seeded, superuser, factchecker):
    claim = Claim.objects.filter(withdrawn_at__isnull=True).order_by("pk").first()
    note = annotation_add(author=superuser, body="Internal: check the toll.", claim=claim)
    review = review_draft(claim=claim, reviewer=factchecker, rating="unproven", reasoning="Cannot be verified.")
    return claim, note, review


@pytest.mark.parametrize("model", [Claim, Annotation, Review])
def test_claims_notes_and_reviews_cannot_be_deleted_in_the_admin(chief, note_and_review, model):
    obj = {Claim: note_and_review[0], Annotation: note_and_review[1], Review: note_and_review[2]}[model]

    assert chief.get(admin_url(model, "delete", obj.pk)).status_code == 403
    assert chief.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    listing = chief.get(admin_url(model, "changelist"))
    assert "delete_selected" not in listing.content.decode()
    bulk = chief.post(
        admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    assert model.objects.filter(pk=obj.pk).exists()
    change = chief.get(admin_url(model, "change", obj.pk))
    assert admin_url(model, "delete", obj.pk) not in change.content.decode()


def test_withdraw_action_asks_for_a_reason_then_withdraws_through_the_service(chief, superuser, seeded):
    claims = list(Claim.objects.filter(withdrawn_at__isnull=True).order_by("pk")[:2])
    selected = {"action": "withdraw_claims", "_selected_action": [c.pk for c in claims], "index": "0"}

    asked = chief.post(admin_url(Claim, "changelist"), selected)
    assert asked.status_code == 200
    assert "Withdraw claims" in asked.content.decode()
    assert not Claim.objects.filter(pk__in=[c.pk for c in claims], withdrawn_at__isnull=False).exists()

    no_reason = chief.post(admin_url(Claim, "changelist"), form_data(asked, "content", confirm="Withdraw"))
    assert no_reason.status_code == 200
    assert "This field is required." in errors_on(no_reason)
    assert not Claim.objects.filter(pk__in=[c.pk for c in claims], withdrawn_at__isnull=False).exists()

    done = chief.post(
        admin_url(Claim, "changelist"),
        form_data(asked, "content", reason="Logged twice by mistake.", confirm="Withdraw"),
        follow=True,
    )

    assert "Withdrew 2 claim(s)." in done.content.decode()
    for claim in claims:
        version = claim.version
        claim.refresh_from_db()
        assert claim.withdrawn_at is not None
        assert (claim.withdrawn_by, claim.withdrawal_reason) == (superuser, "Logged twice by mistake.")
        assert claim.version == version + 1
    assert Claim.objects.filter(pk__in=[c.pk for c in claims]).count() == 2


def test_withdrawing_an_already_withdrawn_claim_is_reported_not_repeated(chief, superuser, seeded):
    claim = Claim.objects.filter(withdrawn_at__isnull=True).order_by("pk").first()
    chief.post(
        admin_url(Claim, "changelist"),
        {"action": "withdraw_claims", "_selected_action": [claim.pk], "index": "0", "reason": "First.", "confirm": "1"},
    )

    again = chief.post(
        admin_url(Claim, "changelist"),
        {"action": "withdraw_claims", "_selected_action": [claim.pk], "index": "0", "reason": "Again.", "confirm": "1"},
        follow=True,
    )

    assert "The claim is already withdrawn." in again.content.decode()
    claim.refresh_from_db()
    assert claim.withdrawal_reason == "First."


def test_a_withdrawn_claim_cannot_be_published_in_the_admin(chief, superuser, seeded):
    claim = Claim.objects.filter(withdrawn_at__isnull=True, is_published=False).order_by("pk").first()
    chief.post(
        admin_url(Claim, "changelist"),
        {"action": "withdraw_claims", "_selected_action": [claim.pk], "index": "0", "reason": "Error.", "confirm": "1"},
    )
    opened = chief.get(admin_url(Claim, "change", claim.pk))

    refused = chief.post(
        admin_url(Claim, "change", claim.pk), form_data(opened, "claim_form", is_published="on", _save="Save")
    )

    assert "A withdrawn claim cannot be published." in errors_on(refused)
    claim.refresh_from_db()
    assert not claim.is_published


def test_fact_checker_without_publish_permission_has_no_withdraw_action(client, factchecker, seeded):
    client.force_login(factchecker)

    listing = client.get(admin_url(Claim, "changelist"))

    assert listing.status_code == 200
    assert "withdraw_claims" not in listing.content.decode()


# --- adding and editing through the services --------------------------------------------------


def test_adding_a_claim_anchors_its_quote_in_the_story(chief, superuser, db):
    story = StoryFactory(body="Baku said 13 civilians were killed. Yerevan denied it.")
    opened = chief.get(admin_url(Claim, "add"))

    saved = chief.post(
        admin_url(Claim, "add"),
        form_data(
            opened, "claim_form", story=story.pk, quote="13 civilians were killed", mode="paraphrase", _save="Save"
        ),
    )

    assert saved.status_code == 302, errors_on(saved)
    claim = Claim.objects.get(story=story)
    assert (claim.start, claim.end, claim.quote) == (10, 34, "13 civilians were killed")
    assert claim.revision == story.current_revision
    assert claim.created_by == superuser


def test_adding_a_claim_whose_quote_is_not_in_the_story_is_refused(chief, db):
    story = StoryFactory(body="Baku said 13 civilians were killed.")
    opened = chief.get(admin_url(Claim, "add"))

    refused = chief.post(
        admin_url(Claim, "add"),
        form_data(opened, "claim_form", story=story.pk, quote="63 civilians", mode="paraphrase", _save="Save"),
    )

    assert refused.status_code == 200
    assert "The quote was not found in the story text." in errors_on(refused)
    assert not Claim.objects.filter(story=story).exists()


def test_figure_bounds_are_derived_from_the_qualifier(chief, superuser, db):
    story = StoryFactory(body="At least 60 civilians were killed.")
    claim = claim_log(story=story, author=superuser, quote="At least 60 civilians were killed")
    opened = chief.get(admin_url(Figure, "add"))

    saved = chief.post(
        admin_url(Figure, "add"),
        form_data(
            opened,
            "figure_form",
            claim=claim.pk,
            measure="killed",
            counted="civilians",
            qualifier="at_least",
            value="60",
            tally="total",
            _save="Save",
        ),
    )

    assert saved.status_code == 302, errors_on(saved)
    figure = claim.figures.get()
    assert (figure.low, figure.high, figure.approximate) == (60, None, False)


def test_a_figure_whose_bound_is_past_the_column_is_a_form_error_not_a_server_error(chief, superuser, db):
    story = StoryFactory(body="More than 2147483647 people were displaced.")
    claim = claim_log(story=story, author=superuser, quote="More than 2147483647 people were displaced")
    opened = chief.get(admin_url(Figure, "add"))
    data = dict(claim=claim.pk, measure="displaced", counted="people", tally="total", _save="Save")

    refused = chief.post(
        admin_url(Figure, "add"), form_data(opened, "figure_form", qualifier="more_than", value=str(2**31 - 1), **data)
    )

    assert refused.status_code == 200
    assert "beyond the largest figure the desk can store" in errors_on(refused)
    assert not claim.figures.exists()


def test_two_aliases_that_fold_to_the_same_name_are_refused_not_a_server_error(chief, db):
    actor = ActorFactory(name="Hikmet Hajiyev")
    opened = chief.get(admin_url(Actor, "change", actor.pk))
    data = form_data(opened, "actor_form", _save="Save")
    prefix = "aliases"
    new_index = int(data[f"{prefix}-TOTAL_FORMS"][0]) - 1  # the empty extra row
    data[f"{prefix}-{new_index}-alias"] = ["HIKMET HAJİYEV "]
    data[f"{prefix}-{new_index}-actor"] = [str(actor.pk)]

    refused = chief.post(admin_url(Actor, "change", actor.pk), data)

    assert refused.status_code == 200
    assert "is the same name as “Hikmet Hajiyev” once accents and case are folded" in errors_on(refused)
    assert ActorAlias.objects.filter(actor=actor).count() == 1


def test_adding_a_story_uploads_it_through_the_importer(chief, superuser, db):
    outlet = OutletFactory(key="afp-test", name="AFP (test)")
    opened = chief.get(admin_url(Story, "add"))
    data = form_data(
        opened,
        "story_form",
        outlet=outlet.pk,
        headline="Ganja struck again",
        url="https://afp.example/ganja",
        language="en",
        _save="Save",
    )
    data["file"] = SimpleUploadedFile(
        "ganja.html", b"<html><body><p>Thirteen killed.</p><p>Baku says.</p></body></html>"
    )

    saved = chief.post(admin_url(Story, "add"), data)

    assert saved.status_code == 302, errors_on(saved)
    story = Story.objects.get(url="https://afp.example/ganja")
    assert story.current_revision.body == "Thirteen killed.\n\nBaku says."
    assert story.current_revision.raw_html.startswith("<html>")
    assert story.created_by == superuser


def test_adding_a_story_with_a_bad_file_shows_why_and_writes_nothing(chief, db):
    outlet = OutletFactory(key="afp-test", name="AFP (test)")
    opened = chief.get(admin_url(Story, "add"))
    data = form_data(opened, "story_form", outlet=outlet.pk, headline="Bad", language="en", _save="Save")
    data["file"] = SimpleUploadedFile("scan.txt", b"\x89PNG\x00\x00")
    before = Story.objects.count()

    refused = chief.post(admin_url(Story, "add"), data)

    assert refused.status_code == 200
    assert "scan.txt contains NUL bytes" in errors_on(refused)
    assert Story.objects.count() == before


def test_editor_in_the_admin_sees_desk_models_but_cannot_delete_claims(client, editor, seeded):
    client.force_login(editor)
    claim = Claim.objects.order_by("pk").first()

    assert client.get(admin_url(Claim, "change", claim.pk)).status_code == 200
    assert client.get(admin_url(Claim, "delete", claim.pk)).status_code == 403
    assert Group.objects.get(name=roles.EDITOR) in editor.groups.all()


def test_dispute_published_in_the_admin_gets_its_publication_date(chief, db):
    dispute = DisputeFactory(is_published=False, published_at=None)
    opened = chief.get(admin_url(Dispute, "change", dispute.pk))

    saved = chief.post(
        admin_url(Dispute, "change", dispute.pk), form_data(opened, "dispute_form", is_published="on", _save="Save")
    )

    assert saved.status_code == 302, errors_on(saved)
    dispute.refresh_from_db()
    assert dispute.is_published and dispute.published_at is not None


def test_someone_elses_review_draft_is_view_only_and_approval_needs_a_second_person(
    client, seeded, factchecker, second_factchecker
):
    claim = Claim.objects.filter(withdrawn_at__isnull=True).order_by("pk").first()
    review = review_draft(claim=claim, reviewer=factchecker, rating="unproven", reasoning="Cannot be verified.")
    approve = {"action": "approve_reviews", "_selected_action": [review.pk], "index": "0"}

    client.force_login(second_factchecker)
    page = client.get(admin_url(Review, "change", review.pk)).content.decode()
    assert 'name="reasoning"' not in page  # shown, not editable

    client.force_login(factchecker)
    own = client.post(admin_url(Review, "changelist"), approve, follow=True)
    assert "A review must be approved by a second person" in own.content.decode()
    review.refresh_from_db()
    assert not review.is_published

    client.force_login(second_factchecker)
    client.post(admin_url(Review, "changelist"), approve)
    review.refresh_from_db()
    assert review.is_published and review.approved_by == second_factchecker


def test_note_edited_in_the_admin_goes_through_the_service_and_stays_on_its_claim(chief, note_and_review):
    claim, note, _ = note_and_review
    opened = chief.get(admin_url(Annotation, "change", note.pk))

    saved = chief.post(
        admin_url(Annotation, "change", note.pk),
        form_data(opened, "annotation_form", body="Public: toll excludes soldiers.", is_public="on", _save="Save"),
    )

    assert saved.status_code == 302, errors_on(saved)
    note.refresh_from_db()
    assert (note.body, note.is_public, note.version, note.claim) == ("Public: toll excludes soldiers.", True, 2, claim)


def test_reviewer_edits_own_draft_in_the_admin(client, note_and_review, factchecker):
    _, _, review = note_and_review
    client.force_login(factchecker)
    opened = client.get(admin_url(Review, "change", review.pk))

    saved = client.post(
        admin_url(Review, "change", review.pk),
        form_data(opened, "review_form", rating="false", evidence='["not a link"]', _save="Save"),
    )
    assert saved.status_code == 200
    assert "is not an http(s) link" in errors_on(saved)

    saved = client.post(
        admin_url(Review, "change", review.pk),
        form_data(opened, "review_form", rating="false", evidence='["https://example.org/report"]', _save="Save"),
    )
    assert saved.status_code == 302, errors_on(saved)
    review.refresh_from_db()
    assert (review.rating, review.evidence, review.version) == ("false", ["https://example.org/report"], 2)


def test_story_headline_edited_in_the_admin_keeps_its_revisions(chief, seeded):
    story = Story.objects.filter(key__isnull=False).order_by("pk").first()
    revisions = list(story.revisions.values_list("pk", "body"))
    opened = chief.get(admin_url(Story, "change", story.pk))

    saved = chief.post(
        admin_url(Story, "change", story.pk),
        form_data(opened, "story_form", headline="Corrected headline", _save="Save"),
    )

    assert saved.status_code == 302, errors_on(saved)
    story.refresh_from_db()
    assert story.headline == "Corrected headline"
    assert list(story.revisions.values_list("pk", "body")) == revisions
