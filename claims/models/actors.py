"""Who speaks: sides of the conflict and the actors who speak for them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pgtrigger
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField, TrigramSimilarity, TrigramWordSimilarity
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.urls import reverse

from claims import visibility
from core.history import track_history
from core.search import search_vector
from core.text import fold_in_database, fold_sql
from core.versioning import Versioned


class Side(Versioned):
    """A party to the conflict, or a third party."""

    class Kind(models.TextChoices):
        PARTY = "party", "Party to the conflict"
        THIRD_PARTY = "third_party", "Third party"

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PARTY)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The actors each text names: its folded form (core.text.FOLD_SQL) is an alias's (indexed) or an
# actor's name's, and an actor merged into another stands for the one it was merged into.
_NAMED_SQL = f"""
    WITH RECURSIVE wanted(text, key) AS (
        SELECT t, {fold_sql("t")} FROM unnest(%s::text[]) AS t
    ), named(text, id, merged_into_id, depth) AS (
        SELECT w.text, a.id, a.merged_into_id, 0
          FROM wanted w
          JOIN claims_actoralias al ON al.normalized = w.key
          JOIN claims_actor a ON a.id = al.actor_id
        UNION
        SELECT w.text, a.id, a.merged_into_id, 0
          FROM wanted w JOIN claims_actor a ON {fold_sql("a.name")} = w.key
        UNION
        SELECT n.text, a.id, a.merged_into_id, n.depth + 1
          FROM named n JOIN claims_actor a ON a.id = n.merged_into_id
         WHERE n.depth < 10
    )
    SELECT DISTINCT text, id FROM named WHERE merged_into_id IS NULL
"""


def actors_named(texts: Iterable[str]) -> dict[str, set[int]]:
    """For each text, the ids of the actors it names (``ActorQuerySet.matching``), in one query."""
    texts = list(dict.fromkeys(texts))
    found: dict[str, set[int]] = defaultdict(set)
    if texts:
        with connection.cursor() as cursor:
            cursor.execute(_NAMED_SQL, [texts])
            for text, actor_id in cursor.fetchall():
                found[text].add(actor_id)
    return dict(found)


class ActorQuerySet(models.QuerySet):
    def active(self) -> ActorQuerySet:
        """Actors not merged into another."""
        return self.filter(merged_into__isnull=True)

    def matching(self, text: str) -> ActorQuerySet:
        """The actors ``text`` names exactly: it is one of their aliases or their name, once both
        are folded (core.text.FOLD_SQL: accents, case and outer spaces ignored). An actor merged
        into another stands for the one it was merged into, so only active actors come back.

        The one lookup of a speaker by name, for the desk's speaker field and the claim assistant
        (``actors_named`` for many names at once). Several actors come back when they share the
        name: callers must not pick one.
        """
        named = RawSQL(f"SELECT id FROM ({_NAMED_SQL}) AS named", ([text],))  # noqa: S611 - the text is a parameter
        return self.filter(pk__in=named)

    def visible(self) -> ActorQuerySet:
        """What may leave the desk (claims/visibility.py): the speaker of a visible claim, not merged away."""
        return visibility.actors(self)


class Actor(Versioned):
    """A speaker: a person, an organisation or a government body."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        GOVERNMENT_BODY = "government_body", "Government body"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(max_length=120, unique=True, null=True, blank=True)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, null=True, blank=True, related_name="actors")
    description = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_actors",
        help_text="Set when this actor turned out to be the same as another.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=search_vector("name", weight="A") + search_vector("description", weight="C"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("merge_actor", "Can merge duplicate actors"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="claims_actor_not_merged_into_self"),
        ]
        indexes = [
            GinIndex(name="claims_actor_search", fields=["search_vector"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("claims:actor_detail", args=[self.pk])

    def role_on(self, day) -> ActorRole | None:
        """The role the actor held on ``day`` (from prefetched roles when there are any)."""
        if day is None:
            return None
        for role in self.roles.all():
            if (role.start is None or role.start <= day) and (role.end is None or day <= role.end):
                return role
        return None


class ActorAlias(models.Model):
    """A name the actor goes by: a spelling, a transliteration, a description ("Armenia's premier").

    ``normalized`` is the accent- and case-folded alias (``core.text.FOLD_SQL``), set by a database
    trigger so every writer (the desk, the admin, raw SQL) folds alike; one alias per actor after
    folding.
    """

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=300)
    normalized = models.CharField(max_length=300, editable=False, default="")
    search_vector = models.GeneratedField(
        expression=search_vector("alias", weight="A"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "actor aliases"
        constraints = [
            models.UniqueConstraint(fields=["actor", "normalized"], name="claims_actoralias_unique_folded"),
        ]
        indexes = [
            # speaker autocomplete and the assistant's speaker resolution: `normalized % 'pashinian'`
            GinIndex(name="claims_actoralias_trgm", fields=["normalized"], opclasses=["gin_trgm_ops"]),
            # the assistant's typo lookup: the aliases nearest a name, in order (`<->`, `<<->`, with LIMIT)
            GistIndex(name="claims_actoralias_trgm_near", fields=["normalized"], opclasses=["gist_trgm_ops"]),
            # exact folded-name lookups
            models.Index(name="claims_actoralias_normalized", fields=["normalized"]),
            # search: a speaker's claims found by any of their names
            GinIndex(name="claims_actoralias_search", fields=["search_vector"]),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="claims_actoralias_normalize",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=f"NEW.normalized := {fold_sql('NEW.alias')}; RETURN NEW;",
            )
        ]

    def __str__(self) -> str:
        return self.alias


class ActorRole(models.Model):
    """A role held over a period: "assistant to the President of Azerbaijan", from-to."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=300)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["actor", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(start__lte=F("end")),
                name="claims_actorrole_start_le_end",
            ),
        ]

    def __str__(self) -> str:
        return self.title


@dataclass(frozen=True)
class SpeakerMatch:
    actor: Actor
    matched: str  # the alias or name that matched what was typed


def find_speakers(text: str, *, limit: int = 8) -> list[SpeakerMatch]:
    """Actors whose name or an alias resembles ``text``: "Pashinian" finds Nikol Pashinyan.

    Trigram similarity over the folded aliases (the ``%`` and ``%>`` operators, which use the
    alias trigram index), plus substring matches so that a prefix like "Haj" works too.
    """
    term = fold_in_database(text)
    if len(term) < 2:
        return []
    aliases = (
        ActorAlias.objects.filter(actor__merged_into__isnull=True)
        .filter(
            Q(normalized__trigram_similar=term)
            | Q(normalized__trigram_word_similar=term)
            | Q(normalized__contains=term)
        )
        .annotate(score=Greatest(TrigramSimilarity("normalized", term), TrigramWordSimilarity(term, "normalized")))
        .select_related("actor__side")
        .order_by("-score", "alias")[: limit * 4]
    )
    found: dict[int, SpeakerMatch] = {}
    exact = [a for a in aliases if a.normalized == term]
    for alias in [*exact, *aliases]:
        if alias.actor_id not in found:
            found[alias.actor_id] = SpeakerMatch(actor=alias.actor, matched=alias.alias)
        if len(found) >= limit:
            break
    return list(found.values())


def actors_like(*texts: str, limit: int = 8) -> list[SpeakerMatch]:
    """The actors a new actor called ``texts`` may duplicate, for "Did you mean …": those the
    texts name exactly (``ActorQuerySet.matching``: a name or alias, folded), then those with a
    trigram-close alias (``find_speakers``, through the alias trigram index). At most ``limit``."""
    found: dict[int, SpeakerMatch] = {}
    texts = tuple(dict.fromkeys(" ".join(t.split()) for t in texts if t and t.strip()))
    for text in texts:
        for actor in Actor.objects.active().matching(text).select_related("side")[:limit]:
            found.setdefault(actor.pk, SpeakerMatch(actor=actor, matched=text))
    for text in texts:
        for match in find_speakers(text, limit=limit):
            found.setdefault(match.actor.pk, match)
    return list(found.values())[:limit]


for _model in (Side, Actor, ActorAlias, ActorRole):
    track_history(_model)
