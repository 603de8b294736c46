"""Actor and outlet pages, and comparing chosen claims side by side."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from claims import services
from claims.merging import actor_merge
from claims.models import ActorRole, Claim
from tests.factories import ActorFactory, DisputeFactory, OutletFactory, SideFactory, StatementFactory, StoryFactory

pytestmark = pytest.mark.django_db


def log(story, quote, author, **kwargs) -> Claim:
    return services.claim_log(story=story, author=author, quote=quote, **kwargs)


def claims_by(actor, author, n: int, *, outlet=None) -> list[Claim]:
    made = []
    for i in range(n):
        story = StoryFactory(
            outlet=outlet or OutletFactory(),
            published_on=date(2020, 1, 1 + i % 28),
            body=f"Officials said {i} soldiers were killed near the border.",
        )
        made.append(
            log(
                story,
                f"{i} soldiers were killed",
                author,
                speaker=actor,
                disputes=[services.DisputeLink(dispute=DisputeFactory())],
                figures=[services.FigureInput(measure="killed", value=i)],
            )
        )
    return made


def test_actor_page_shows_aliases_roles_side_and_claims_in_time_order(client, editor):
    side = SideFactory(name="Velmoraland")
    actor = ActorFactory(name="Hikmet Quzbaratov", side=side, aliases=["Hikmat Quzbaratov"])
    ActorRole.objects.create(actor=actor, title="Assistant to the President", start=date(2019, 1, 1))
    late = log(
        StoryFactory(published_on=date(2022, 9, 14), body="He said 49 were killed."),
        "49 were killed",
        editor,
        speaker=actor,
    )
    early = log(
        StoryFactory(published_on=date(2020, 10, 2), body="He said 12 were killed."),
        "12 were killed",
        editor,
        speaker=actor,
    )
    client.force_login(editor)

    response = client.get(reverse("claims:actor_detail", args=[actor.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Hikmat Quzbaratov" in html and "Velmoraland" in html and "Assistant to the President" in html
    assert [c.pk for c in response.context["claims"]] == [early.pk, late.pk]
    assert html.index("12 were killed") < html.index("49 were killed")
    # the role at the time is shown with each claim
    assert "as Assistant to the President" in html
    # each claim can be picked for comparison
    assert html.count('name="claims"') == 2 and 'id="compare-form"' in html


def test_actor_page_pages_its_claims_newest_first_with_bounded_queries(client, editor, django_assert_max_num_queries):
    actor = ActorFactory()
    client.force_login(editor)
    url = reverse("claims:actor_detail", args=[actor.pk])
    claims_by(actor, editor, 5)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    claims_by(actor, editor, 50)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["claims"]) == 25
    assert response.context["claim_total"] == "55"
    # page after page, each claim once, the newest logged first, as many queries on the last page
    seen, page = [], response
    while True:
        seen += [c.pk for c in page.context["claims"]]
        following = page.context["claims"].next_url
        if not following:
            break
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = client.get(url + following)
    assert seen == list(Claim.objects.filter(speaker=actor).order_by("-created_at", "-id").values_list("pk", flat=True))
    for bad in ("1", "garbage", "x" * 2000):
        refused = client.get(url, {"claims": bad})
        assert refused.status_code == 400 and "not one this list handed out" in refused.content.decode()


def test_merge_picker_takes_a_name_not_a_list_of_every_actor(client, editor):
    survivor = ActorFactory(name="Nikolai Pashinyanov")
    duplicate = ActorFactory(name="Nikol Pashinianov", aliases=["N. Pashinianov"])
    ActorFactory(name="Somebody Else Entirely")
    client.force_login(editor)
    html = client.get(reverse("claims:actor_detail", args=[survivor.pk])).content.decode()
    assert "Somebody Else Entirely" not in html and 'list="speaker-options"' in html
    review = client.get(reverse("claims:actor_merge", args=[survivor.pk]), {"duplicate": "N. Pashinianov"})
    assert review.status_code == 200 and review.context["duplicate"] == duplicate
    assert "Somebody Else Entirely" not in review.content.decode()
    unknown = client.get(reverse("claims:actor_merge", args=[survivor.pk]), {"duplicate": "Nobody By This Name"})
    assert unknown.status_code == 422 and "No single actor goes by" in unknown.content.decode()


def test_outlet_page_lists_its_stories_and_their_claims_with_bounded_queries(
    client, editor, django_assert_max_num_queries
):
    outlet = OutletFactory(name="Velmora Wire", state_affiliated=True)
    client.force_login(editor)
    url = reverse("claims:outlet_detail", args=[outlet.pk])
    claims_by(ActorFactory(), editor, 4, outlet=outlet)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    claims_by(ActorFactory(), editor, 40, outlet=outlet)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Velmora Wire" in html and "State media" in html
    assert response.context["claims"].paginator.count == 44
    assert response.context["stories"].paginator.count == 44
    assert len(response.context["claims"]) == 25 and len(response.context["stories"]) == 25
    # the two lists page independently, keeping each other's page
    page = client.get(url, {"page": 2, "stories_page": 2})
    assert page.context["claims"].number == 2 and page.context["stories"].number == 2
    assert "page=2" in page.context["stories"].previous_url and "stories_page=1" in page.context["stories"].previous_url


def test_a_merged_actor_redirects_to_the_survivor(client, editor):
    survivor, duplicate = ActorFactory(), ActorFactory()
    actor_merge(survivor=survivor, duplicate=duplicate, user=editor)
    client.force_login(editor)

    response = client.get(reverse("claims:actor_detail", args=[duplicate.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("claims:actor_detail", args=[survivor.pk])


def test_unknown_actor_or_outlet_is_404(client, editor):
    client.force_login(editor)
    assert client.get("/actors/999999999/").status_code == 404
    assert client.get("/outlets/999999999/").status_code == 404
    assert client.get("/actors/99999999999999999999999/").status_code == 404


@pytest.mark.parametrize("url_name", ["claims:actor_detail", "claims:outlet_detail"])
def test_people_pages_refuse_users_without_a_desk_role(client, outsider, url_name):
    actor, outlet = ActorFactory(), OutletFactory()
    url = reverse(url_name, args=[actor.pk if "actor" in url_name else outlet.pk])
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 403


# --- compare ---------------------------------------------------------------------------------


def test_compare_shows_the_chosen_claims_side_by_side_in_order(client, editor):
    north, south = SideFactory(name="Northland"), SideFactory(name="Southland")
    a = log(
        StoryFactory(body="North said 12 were killed."),
        "12 were killed",
        editor,
        speaker=ActorFactory(name="North Minister", side=north),
    )
    b = log(
        StoryFactory(body="South said 13 were killed."),
        "13 were killed",
        editor,
        speaker=ActorFactory(name="South Minister", side=south),
    )
    client.force_login(editor)

    for query in (f"{b.pk},{a.pk}", f"{b.pk}, {a.pk},{b.pk}"):
        response = client.get(reverse("claims:compare"), {"claims": query})
        assert response.status_code == 200
        assert [c.pk for c in response.context["claims"]] == [b.pk, a.pk]
    # the checkbox form sends the ids as repeated parameters
    response = client.get(f"{reverse('claims:compare')}?claims={a.pk}&claims={b.pk}")
    assert [c.pk for c in response.context["claims"]] == [a.pk, b.pk]
    html = response.content.decode()
    assert "Northland" in html and "Southland" in html and "North Minister" in html


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "between 2 and 6"),
        ("{a}", "between 2 and 6"),
        ("{a},{a}", "between 2 and 6"),
        ("1,2,3,4,5,6,7", "between 2 and 6"),
        ("{a},abc", "is not a claim number"),
        ("{a},-3", "is not a claim number"),
        ("{a},99999999999999999999999", "is not a claim number"),
        ("{a},987654321", "No claim numbered 987654321"),
        ("{a},\x00", "Null characters are not allowed"),  # refused before the view (config.middleware)
    ],
)
def test_compare_refuses_bad_choices_with_a_clear_message(client, editor, value, message):
    a = log(StoryFactory(), "13 civilians were killed", editor)
    client.force_login(editor)

    response = client.get(reverse("claims:compare"), {"claims": value.format(a=a.pk)})

    # a NUL byte is refused before any form, with 400, everywhere on the desk (config/middleware.py)
    assert response.status_code == (400 if "\x00" in value else 422)
    assert message in response.content.decode()


def test_compare_queries_are_bounded(client, editor, django_assert_max_num_queries):
    made = claims_by(ActorFactory(), editor, 6)
    client.force_login(editor)
    with django_assert_max_num_queries(14) as two:
        client.get(reverse("claims:compare"), {"claims": f"{made[0].pk},{made[1].pk}"})
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(reverse("claims:compare"), {"claims": ",".join(str(c.pk) for c in made)})
    assert len(response.context["claims"]) == 6


def test_compare_refuses_users_without_a_desk_role(client, outsider, editor):
    a, b = claims_by(ActorFactory(), editor, 2)
    client.force_login(outsider)
    assert client.get(reverse("claims:compare"), {"claims": f"{a.pk},{b.pk}"}).status_code == 403


def test_actor_page_counts_each_statements_versions(client, editor):
    actor = ActorFactory(name="Hikmet Quzbaratov")
    address = StatementFactory(speaker=actor, said_on=date(2020, 10, 21), description="The video address")
    briefing = StatementFactory(speaker=actor, said_on=date(2020, 10, 2), description="The briefing")
    for i in range(3):
        story = StoryFactory(body=f"He said {i + 10} were killed in the address.")
        log(story, f"{i + 10} were killed", editor, speaker=actor, statement=address)
    log(StoryFactory(body="He said 7 were wounded."), "7 were wounded", editor, speaker=actor, statement=briefing)
    client.force_login(editor)

    page = client.get(reverse("claims:actor_detail", args=[actor.pk])).content.decode()

    assert "· 3 versions</span>" in page and "· 1 version</span>" in page
    assert page.index("The video address") < page.index("The briefing")
