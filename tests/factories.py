"""factory_boy factories for the desk's models. Stories get real text and a current revision."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims import services
from claims.models import Actor, ActorAlias, Dispute, Scope, Side, Statement
from sources.models import Outlet, Story, StoryRevision


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw")


class SideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Side
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"side-{n}")
    name = factory.Sequence(lambda n: f"Side {n}")


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"outlet-{n}")
    name = factory.Sequence(lambda n: f"Outlet {n}")
    kind = Outlet.Kind.WIRE


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story
        skip_postgeneration_save = True

    outlet = factory.SubFactory(OutletFactory)
    headline = factory.Sequence(lambda n: f"Story {n}")
    url = factory.Sequence(lambda n: f"https://example.org/story/{n}")
    published_on = factory.LazyFunction(lambda: timezone.now().date())

    @factory.post_generation
    def body(self, create, extracted, **kwargs):
        text = extracted or (
            "The ministry said 13 civilians were killed in the strike. "
            "The other side denied firing at all, calling the report baseless."
        )
        revision = StoryRevision.objects.create(story=self, number=1, body=text)
        self.current_revision = revision
        self.save(update_fields=["current_revision"])


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Speaker {n}")
    side = factory.SubFactory(SideFactory)

    @factory.post_generation
    def aliases(self, create, extracted, **kwargs):
        for alias in [self.name, *(extracted or [])]:
            ActorAlias.objects.get_or_create(actor=self, alias=alias)


class ScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scope

    label = factory.Sequence(lambda n: f"Scope {n}")


class DisputeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispute

    title = factory.Sequence(lambda n: f"Who is right about question {n}?")
    kind = Dispute.Kind.CASUALTY_COUNT
    is_published = True
    published_at = factory.LazyFunction(timezone.now)


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    speaker = factory.SubFactory(ActorFactory)
    occasion = Statement.Occasion.ADDRESS


def claim_in(*disputes, publish: bool = True):
    """A claim logged on a new story and placed in ``disputes`` (published unless told not)."""
    return services.claim_log(
        story=StoryFactory(),
        author=None,
        quote="13 civilians were killed",
        disputes=[services.DisputeLink(dispute=d) for d in disputes],
        publish=publish,
    )
