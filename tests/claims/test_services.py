"""The writes of claims/services.py: their rules and the errors a user sees when one is broken."""

from __future__ import annotations

from datetime import date

import pytest

from claims import services
from claims.models import ActorAlias, Annotation, Claim, ClaimDispute, ClaimLink, Dispute, Statement
from core.errors import DomainError
from core.versioning import EditConflict
from tests.factories import ActorFactory, DisputeFactory, SideFactory, StatementFactory, StoryFactory

pytestmark = pytest.mark.django_db

QUOTE = "13 civilians were killed"


def log(author=None, quote: str = QUOTE, story=None, **kwargs) -> Claim:
    return services.claim_log(story=story or StoryFactory(), author=author, quote=quote, **kwargs)


def stored(instance):
    return type(instance).objects.get(pk=instance.pk)


# --- actor_alias_add ---------------------------------------------------------------------------


def test_an_alias_is_stored_without_its_surrounding_spaces_and_folded():
    actor = ActorFactory(name="Nikol Pashinyan")

    alias = services.actor_alias_add(actor=actor, alias="  Pashinián \n")

    assert (alias.actor_id, alias.alias) == (actor.pk, "Pashinián")
    assert ActorAlias.objects.get(pk=alias.pk).normalized == "pashinian"


def test_an_alias_equal_to_an_existing_one_after_folding_accents_and_case_is_the_existing_one():
    actor = ActorFactory(name="Hikmet Hajiyev")
    before = ActorAlias.objects.filter(actor=actor).count()

    same = services.actor_alias_add(actor=actor, alias=" HIKMET Hajíyev ")

    assert same.alias == "Hikmet Hajiyev"
    assert ActorAlias.objects.filter(actor=actor).count() == before


def test_two_actors_may_go_by_the_same_alias():
    ministry_a, ministry_b = ActorFactory(), ActorFactory()
    services.actor_alias_add(actor=ministry_a, alias="the defence ministry")

    other = services.actor_alias_add(actor=ministry_b, alias="The Defence Ministry")

    assert other.actor_id == ministry_b.pk
    assert ActorAlias.objects.filter(normalized="the defence ministry").count() == 2


def test_an_empty_alias_is_refused():
    actor = ActorFactory()
    before = ActorAlias.objects.filter(actor=actor).count()

    with pytest.raises(DomainError, match="The alias is empty") as error:
        services.actor_alias_add(actor=actor, alias=" \t ")

    assert error.value.field == "alias"
    assert ActorAlias.objects.filter(actor=actor).count() == before


# --- dispute_create ----------------------------------------------------------------------------


def test_a_new_dispute_keeps_its_question_without_surrounding_spaces_and_is_not_published(editor):
    dispute = services.dispute_create(
        title="  Who fired first on 13 Sept?  ",
        kind=Dispute.Kind.ATTACK_ATTRIBUTION,
        author=editor,
        place="Armenia-Azerbaijan border",
        event_start=date(2022, 9, 13),
        event_end=date(2022, 9, 13),
    )

    row = stored(dispute)
    assert row.title == "Who fired first on 13 Sept?"
    assert (row.kind, row.status, row.created_by) == ("attack_attribution", "open", editor)
    assert (row.event_start, row.event_end) == (date(2022, 9, 13), date(2022, 9, 13))
    assert not row.is_published and row.published_at is None
    assert [e.pgh_label for e in row.events.all()] == ["insert"]


def test_a_dispute_created_published_gets_its_publication_date(editor):
    dispute = services.dispute_create(
        title="How many died in Ganja?", kind="casualty_count", author=editor, publish=True
    )

    row = stored(dispute)
    assert row.is_published and row.published_at is not None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "   "}, "title", "A dispute needs its question."),
        ({"kind": "rumour"}, "kind", "'rumour' is not a valid kind."),
        ({"status": "closed"}, "status", "'closed' is not a valid status."),
        (
            {"event_start": date(2020, 10, 21), "event_end": date(2020, 10, 20)},
            "event_end",
            "The event cannot end before it starts.",
        ),
    ],
)
def test_a_dispute_with_a_bad_field_is_refused_and_nothing_is_written(editor, changes, field, message):
    values = {"title": "Who broke the ceasefire?", "kind": "ceasefire_violation"} | changes
    before = Dispute.objects.count()

    with pytest.raises(DomainError) as error:
        services.dispute_create(author=editor, **values)

    assert (error.value.field, error.value.message) == (field, message)
    assert Dispute.objects.count() == before


# --- dispute_update ----------------------------------------------------------------------------


def test_a_dispute_update_changes_the_fields_strips_the_question_and_records_history(editor):
    dispute = DisputeFactory(title="Old question?", status=Dispute.Status.OPEN)

    services.dispute_update(
        dispute=dispute,
        expected_version=1,
        title="  Who started the 13 Sept 2022 clashes?  ",
        status=Dispute.Status.CONTESTED,
        summary="Each side says the other fired first.",
    )

    row = stored(dispute)
    assert (row.title, row.status, row.version) == ("Who started the 13 Sept 2022 clashes?", "contested", 2)
    assert row.summary == "Each side says the other fired first."
    before, after = row.events.order_by("pgh_id")
    assert (before.title, after.title) == ("Old question?", "Who started the 13 Sept 2022 clashes?")


def test_a_dispute_update_on_a_stale_version_is_refused_with_conflict():
    dispute = DisputeFactory(title="Who fired first?")
    opened_earlier = Dispute.objects.get(pk=dispute.pk)
    services.dispute_update(dispute=dispute, expected_version=1, status=Dispute.Status.CONTESTED)

    with pytest.raises(EditConflict, match=r"changed by someone else .*version 1, it is now version 2"):
        services.dispute_update(dispute=opened_earlier, expected_version=1, title="Overwritten?")

    row = stored(dispute)
    assert (row.title, row.status, row.version) == ("Who fired first?", "contested", 2)


@pytest.mark.parametrize("name", ["is_published", "merged_into", "created_by", "published_at"])
def test_a_dispute_update_refuses_fields_that_are_not_editable_here(name):
    dispute = DisputeFactory()

    with pytest.raises(DomainError, match=f"Cannot change {name} here"):
        services.dispute_update(dispute=dispute, expected_version=1, **{name: None})

    assert stored(dispute).version == 1


def test_a_merged_dispute_cannot_be_edited():
    survivor = DisputeFactory()
    duplicate = DisputeFactory(merged_into=survivor)

    with pytest.raises(DomainError, match="merged into another; edit the surviving one"):
        services.dispute_update(dispute=duplicate, expected_version=1, summary="Lost edit")

    assert stored(duplicate).summary == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " \n "}, "title"),
        ({"kind": "nonsense"}, "kind"),
        ({"status": "archived"}, "status"),
        ({"event_end": date(2022, 9, 12)}, "event_end"),  # the stored start is 13 Sept
    ],
)
def test_a_dispute_update_with_a_bad_value_is_refused_and_nothing_changes(changes, field):
    dispute = DisputeFactory(title="Who fired first?", event_start=date(2022, 9, 13))

    with pytest.raises(DomainError) as error:
        services.dispute_update(dispute=dispute, expected_version=1, **changes)

    assert error.value.field == field
    row = stored(dispute)
    assert (row.title, row.kind, row.status, row.event_end, row.version) == (
        "Who fired first?",
        "casualty_count",
        "open",
        None,
        1,
    )


# --- dispute_publish ---------------------------------------------------------------------------


def test_publishing_a_dispute_dates_it_once_and_unpublishing_keeps_the_first_date():
    dispute = DisputeFactory(is_published=False, published_at=None)

    services.dispute_publish(dispute=dispute, expected_version=1)
    first = stored(dispute)
    assert first.is_published and first.published_at is not None and first.version == 2

    services.dispute_publish(dispute=first, expected_version=2, publish=False)
    hidden = stored(dispute)
    assert not hidden.is_published and hidden.published_at == first.published_at

    services.dispute_publish(dispute=hidden, expected_version=3)
    again = stored(dispute)
    assert again.is_published and again.published_at == first.published_at and again.version == 4


def test_a_dispute_publish_on_a_stale_version_is_refused_with_conflict():
    dispute = DisputeFactory()
    opened_earlier = Dispute.objects.get(pk=dispute.pk)
    services.dispute_publish(dispute=dispute, expected_version=1, publish=False)

    with pytest.raises(EditConflict, match="version 1, it is now version 2"):
        services.dispute_publish(dispute=opened_earlier, expected_version=1, publish=True)

    assert not stored(dispute).is_published


# --- claim_dispute_set -------------------------------------------------------------------------


def test_placing_a_claim_again_in_a_dispute_changes_its_stance_without_a_second_placement():
    claim, dispute = log(), DisputeFactory()
    armenia = SideFactory(key="armenia-test", name="Armenia")
    services.claim_dispute_set(claim=claim, link=services.DisputeLink(dispute=dispute))

    services.claim_dispute_set(claim=claim, link=services.DisputeLink(dispute=dispute, stance="denies", blames=armenia))

    placement = ClaimDispute.objects.get(claim=claim, dispute=dispute)
    assert (placement.stance, placement.blames) == ("denies", armenia)


def test_a_claim_cannot_be_placed_with_an_unknown_stance():
    claim, dispute = log(), DisputeFactory()

    with pytest.raises(DomainError, match="'doubts' is not a valid stance") as error:
        services.claim_dispute_set(claim=claim, link=services.DisputeLink(dispute=dispute, stance="doubts"))

    assert error.value.field == "stance"
    assert not ClaimDispute.objects.filter(claim=claim).exists()


def test_a_claim_cannot_be_placed_in_a_merged_dispute():
    claim, survivor = log(), DisputeFactory()
    duplicate = DisputeFactory(merged_into=survivor)

    with pytest.raises(DomainError, match="merged into another; use the surviving one") as error:
        services.claim_dispute_set(claim=claim, link=services.DisputeLink(dispute=duplicate))

    assert error.value.field == "dispute"
    assert not ClaimDispute.objects.filter(claim=claim).exists()


# --- claim_log_in_new_dispute ------------------------------------------------------------------


def test_a_claim_logged_with_a_new_dispute_opens_it_and_is_placed_there_with_its_stance(editor):
    story = StoryFactory()
    armenia = SideFactory(key="armenia-test", name="Armenia")

    claim = services.claim_log_in_new_dispute(
        dispute_title=" Who fired at the city? ",
        dispute_kind=Dispute.Kind.ATTACK_ATTRIBUTION,
        author=editor,
        stance=ClaimDispute.Stance.DENIES,
        blames=armenia,
        story=story,
        quote="The other side denied firing at all",
    )

    placement = ClaimDispute.objects.select_related("dispute").get(claim=claim)
    assert (placement.stance, placement.blames) == ("denies", armenia)
    dispute = placement.dispute
    assert (dispute.title, dispute.kind, dispute.created_by) == ("Who fired at the city?", "attack_attribution", editor)
    assert not dispute.is_published
    assert (claim.story, claim.created_by, claim.quote) == (story, editor, "The other side denied firing at all")


@pytest.mark.parametrize(
    ("quote", "mode", "stance", "field"),
    [
        ("99 soldiers were captured", "paraphrase", "asserts", "quote"),  # not in the story
        (QUOTE, "hearsay", "asserts", "mode"),
        (QUOTE, "paraphrase", "shrugs", "stance"),  # refused after the dispute and claim are written
    ],
)
def test_a_claim_that_cannot_be_logged_leaves_no_new_dispute_behind(editor, quote, mode, stance, field):
    story = StoryFactory()

    with pytest.raises(DomainError) as error:
        services.claim_log_in_new_dispute(
            dispute_title="A dispute that must not be left empty",
            dispute_kind="casualty_count",
            author=editor,
            stance=stance,
            story=story,
            quote=quote,
            mode=mode,
        )

    assert error.value.field == field
    assert not Dispute.objects.filter(title="A dispute that must not be left empty").exists()
    assert not Claim.objects.filter(story=story).exists()


def test_a_claim_logged_with_a_new_dispute_cannot_also_name_other_disputes(editor):
    story, elsewhere = StoryFactory(), DisputeFactory()

    with pytest.raises(DomainError, match="goes into that dispute only") as error:
        services.claim_log_in_new_dispute(
            dispute_title="Second question",
            dispute_kind="other",
            author=editor,
            story=story,
            quote=QUOTE,
            disputes=[services.DisputeLink(dispute=elsewhere)],
        )

    assert error.value.field == "dispute"
    assert not Dispute.objects.filter(title="Second question").exists()
    assert not Claim.objects.filter(story=story).exists()


def test_a_new_dispute_with_a_bad_kind_is_refused_before_the_claim_is_logged(editor):
    story = StoryFactory()

    with pytest.raises(DomainError, match="'war' is not a valid kind") as error:
        services.claim_log_in_new_dispute(
            dispute_title="Bad kind", dispute_kind="war", author=editor, story=story, quote=QUOTE
        )

    assert error.value.field == "kind"
    assert not Claim.objects.filter(story=story).exists()


# --- claim_publish -----------------------------------------------------------------------------


def test_publishing_a_claim_dates_it_once_and_unpublishing_keeps_the_first_date(editor):
    claim = log(editor)

    services.claim_publish(claim=claim, expected_version=1)
    first = stored(claim)
    assert first.is_published and first.published_at is not None and first.version == 2

    services.claim_publish(claim=first, expected_version=2, publish=False)
    hidden = stored(claim)
    assert not hidden.is_published and hidden.published_at == first.published_at

    services.claim_publish(claim=hidden, expected_version=3)
    assert stored(claim).published_at == first.published_at


def test_a_withdrawn_claim_cannot_be_published_but_can_be_unpublished(editor):
    claim = log(editor, publish=True)
    services.claim_withdraw(claim=claim, expected_version=1, user=editor, reason="Logged twice")

    with pytest.raises(DomainError, match="A withdrawn claim cannot be published"):
        services.claim_publish(claim=claim, expected_version=2)
    services.claim_publish(claim=claim, expected_version=2, publish=False)

    row = stored(claim)
    assert not row.is_published and row.is_withdrawn and row.version == 3


def test_a_claim_publish_on_a_stale_version_is_refused_with_conflict(editor):
    claim = log(editor)
    opened_earlier = Claim.objects.get(pk=claim.pk)
    services.claim_update(claim=claim, expected_version=1, author=editor, status="disputed")

    with pytest.raises(EditConflict, match="This claim was changed by someone else"):
        services.claim_publish(claim=opened_earlier, expected_version=1)

    row = stored(claim)
    assert not row.is_published and row.published_at is None and row.status == "disputed"


# --- claim_link_add ----------------------------------------------------------------------------


def test_a_link_between_claims_records_who_and_when_and_is_not_recorded_twice(editor):
    story = StoryFactory()
    report = log(editor, story=story)
    denial = log(editor, story=story, quote="The other side denied firing at all")

    link = services.claim_link_add(
        source=denial, target=report, kind="denies", user=editor, noted_on=date(2020, 10, 17)
    )
    again = services.claim_link_add(source=denial, target=report, kind="denies", user=None)

    assert again.pk == link.pk
    row = ClaimLink.objects.get(source=denial, target=report)
    assert (row.kind, row.recorded_by, row.noted_on) == ("denies", editor, date(2020, 10, 17))
    # only a retraction changes the target
    assert (stored(report).status, stored(report).version) == ("unverified", 1)


@pytest.mark.parametrize(("kind", "same", "field"), [("supports", False, "kind"), ("denies", True, "target")])
def test_a_link_of_unknown_kind_or_to_the_claim_itself_is_refused(editor, kind, same, field):
    first = log(editor)
    second = first if same else log(editor)

    with pytest.raises(DomainError) as error:
        services.claim_link_add(source=first, target=second, kind=kind, user=editor)

    assert error.value.field == field
    assert not ClaimLink.objects.filter(source=first).exists()


def test_a_retraction_of_a_claim_changed_since_it_was_read_is_refused_and_no_link_is_kept(editor):
    story = StoryFactory()
    claim = log(editor, story=story)
    retraction = log(editor, story=story, quote="The other side denied firing at all")
    read_earlier = Claim.objects.get(pk=claim.pk)
    services.claim_update(claim=claim, expected_version=1, author=editor, status="verified")

    with pytest.raises(EditConflict):
        services.claim_link_add(source=retraction, target=read_earlier, kind="retracts", user=editor)

    assert not ClaimLink.objects.filter(source=retraction).exists()
    assert (stored(claim).status, stored(claim).version) == ("verified", 2)


def test_a_second_retraction_leaves_an_already_retracted_claim_as_it_is(editor):
    story = StoryFactory()
    claim = log(editor, story=story, status="retracted")
    retraction = log(editor, story=story, quote="The other side denied firing at all")

    services.claim_link_add(source=retraction, target=claim, kind="retracts", user=editor)

    assert (stored(claim).status, stored(claim).version) == ("retracted", 1)
    assert ClaimLink.objects.filter(source=retraction, target=claim, kind="retracts").exists()


# --- annotation_update -------------------------------------------------------------------------


def test_an_annotation_update_changes_its_words_and_visibility_and_keeps_the_old_words_in_history(editor):
    note = services.annotation_add(author=editor, body="Internal: check with AFP", claim=log(editor))

    services.annotation_update(
        annotation=note, expected_version=1, body="Figure excludes military losses.", is_public=True
    )

    row = stored(note)
    assert (row.body, row.is_public, row.version) == ("Figure excludes military losses.", True, 2)
    assert [(e.body, e.is_public) for e in row.events.order_by("pgh_id")] == [
        ("Internal: check with AFP", False),
        ("Figure excludes military losses.", True),
    ]


def test_an_annotation_cannot_be_emptied(editor):
    note = services.annotation_add(author=editor, body="Keep me", dispute=DisputeFactory())

    with pytest.raises(DomainError, match="The note is empty") as error:
        services.annotation_update(annotation=note, expected_version=1, body="  \n", is_public=True)

    assert error.value.field == "body"
    row = stored(note)
    assert (row.body, row.is_public, row.version) == ("Keep me", False, 1)


def test_an_annotation_update_on_a_stale_version_is_refused_with_conflict(editor):
    note = services.annotation_add(author=editor, body="First words", dispute=DisputeFactory())
    opened_earlier = Annotation.objects.get(pk=note.pk)
    services.annotation_update(annotation=note, expected_version=1, body="Second words", is_public=False)

    with pytest.raises(EditConflict, match="This annotation was changed by someone else"):
        services.annotation_update(annotation=opened_earlier, expected_version=1, body="Third words", is_public=True)

    row = stored(note)
    assert (row.body, row.is_public, row.version) == ("Second words", False, 2)


# --- statement_create --------------------------------------------------------------------------


def test_a_statement_is_recorded_for_its_speaker_and_may_respond_to_another():
    pashinyan, hajiyev = ActorFactory(name="Nikol Pashinyan"), ActorFactory(name="Hikmet Hajiyev")
    address = StatementFactory(speaker=pashinyan, said_on=date(2020, 10, 21))

    answer = services.statement_create(
        speaker=hajiyev,
        occasion=Statement.Occasion.WRITTEN_STATEMENT,
        said_on=date(2020, 10, 22),
        description="  Answer to the address  ",
        responds_to=address,
    )

    row = stored(answer)
    assert (row.speaker, row.occasion, row.said_on) == (hajiyev, "written_statement", date(2020, 10, 22))
    assert (row.description, row.responds_to) == ("Answer to the address", address)
    assert list(address.responses.all()) == [row]


def test_a_statement_with_an_unknown_occasion_is_refused():
    speaker = ActorFactory()

    with pytest.raises(DomainError, match="'rally' is not a valid occasion") as error:
        services.statement_create(speaker=speaker, occasion="rally")

    assert error.value.field == "occasion"
    assert not Statement.objects.filter(speaker=speaker).exists()


def test_a_statement_cannot_be_given_to_a_merged_actor():
    survivor = ActorFactory()
    duplicate = ActorFactory(merged_into=survivor)

    with pytest.raises(DomainError, match="merged into another; use the surviving one") as error:
        services.statement_create(speaker=duplicate)

    assert error.value.field == "speaker"
    assert not Statement.objects.filter(speaker__in=[survivor, duplicate]).exists()


# --- statement_update --------------------------------------------------------------------------


def test_a_statement_update_changes_its_fields_and_records_history():
    statement = StatementFactory(said_on=date(2020, 10, 20))
    earlier = StatementFactory()

    services.statement_update(
        statement=statement,
        expected_version=1,
        occasion=Statement.Occasion.PRESS_CONFERENCE,
        said_on=date(2020, 10, 21),
        description="Call with journalists",
        responds_to=earlier,
    )

    row = stored(statement)
    assert (row.occasion, row.said_on, row.description, row.responds_to, row.version) == (
        "press_conference",
        date(2020, 10, 21),
        "Call with journalists",
        earlier,
        2,
    )
    before, after = row.events.order_by("pgh_id")
    assert (before.said_on, after.said_on) == (date(2020, 10, 20), date(2020, 10, 21))


def test_a_statement_update_on_a_stale_version_is_refused_with_conflict():
    statement = StatementFactory(description="Video address")
    opened_earlier = Statement.objects.get(pk=statement.pk)
    services.statement_update(statement=statement, expected_version=1, description="Video address, 21 Oct")

    with pytest.raises(EditConflict, match="This statement was changed by someone else") as conflict:
        services.statement_update(statement=opened_earlier, expected_version=1, description="Overwrite")

    assert conflict.value.changed_fields(attempted={"description": "Overwrite"}) == ["description"]
    row = stored(statement)
    assert (row.description, row.version) == ("Video address, 21 Oct", 2)


def test_a_statement_update_cannot_change_its_speaker():
    statement = StatementFactory()
    speaker = statement.speaker

    with pytest.raises(DomainError, match="Cannot change speaker here"):
        services.statement_update(statement=statement, expected_version=1, speaker=ActorFactory())

    assert (stored(statement).speaker, stored(statement).version) == (speaker, 1)


def test_a_statement_cannot_respond_to_itself():
    statement = StatementFactory()

    with pytest.raises(DomainError, match="A statement cannot respond to itself") as error:
        services.statement_update(statement=statement, expected_version=1, responds_to=statement)

    assert error.value.field == "responds_to"
    assert (stored(statement).responds_to, stored(statement).version) == (None, 1)


def test_a_statement_update_with_an_unknown_occasion_is_refused():
    statement = StatementFactory()

    with pytest.raises(DomainError, match="'tweetstorm' is not a valid occasion") as error:
        services.statement_update(statement=statement, expected_version=1, occasion="tweetstorm")

    assert error.value.field == "occasion"
    assert (stored(statement).occasion, stored(statement).version) == ("address", 1)
