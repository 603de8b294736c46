"""Writes to outlets and stories: importing a story's text, revision by revision."""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.postgres.search import TrigramSimilarity
from django.db import DatabaseError, transaction
from django.db.models import Max, Q
from django.dispatch import Signal
from django.utils.text import slugify

from core.errors import DomainError
from sources.models import Outlet, Story, StoryRevision, StorySource, content_hash

# Sent inside story_import's transaction when a story gets a new revision, with ``story``,
# ``revision`` and ``author``: the claims app re-anchors the story's claims in the new text.
revision_added = Signal()
# Sent inside story_import's transaction when a new story is imported, with ``story``,
# ``revision`` and ``author``. (With ``revision_added``, the claims app's assistant reads the text.)
story_added = Signal()


def normalise_text(text: str) -> str:
    """The only changes made to imported text: CRLF -> LF and a leading byte-order mark removed."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n")


@dataclass
class ImportResult:
    story: Story
    revision: StoryRevision
    outcome: str  # "new story" | "new revision" | "unchanged"
    republication_of: list[Story] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.outcome != "unchanged"


def _checked_text(text: str, headline: str) -> tuple[str, str]:
    """The text as stored and its hash; ``DomainError`` when it or the headline cannot be imported."""
    body = normalise_text(text)
    if not body.strip():
        raise DomainError("The story text is empty.", field="text")
    if "\x00" in body:
        raise DomainError("The story text contains NUL bytes: is it a binary file?", field="text")
    if not headline.strip():
        raise DomainError("The story needs a headline.", field="headline")
    return body, content_hash(body)


@transaction.atomic
def story_import(
    *,
    outlet: Outlet,
    text: str,
    headline: str,
    url: str = "",
    published_on: date | None = None,
    published_precision: str = Story.Precision.DAY,
    byline: str = "",
    dateline: str = "",
    language: str = "en",
    translated_from: str = "",
    machine_translated: bool = False,
    raw_html: str = "",
    source_name: str = "",
    author: AbstractBaseUser | None = None,
    key: str | None = None,
) -> ImportResult:
    """Import one story's text for ``outlet``.

    - The same text for the same outlet again is a no-op ("unchanged").
    - The same URL with different text becomes a new revision of that story; the old one is kept.
    - Text another outlet already published is a new story, recognised as republication: the
      story records that it carries the first outlet's copy.
    """
    arguments = dict(locals())  # the call's arguments, defaults applied (for _new_story)
    body, digest = _checked_text(text, headline)

    existing = (
        StoryRevision.objects.select_related("story")
        .filter(content_hash=digest, story__outlet=outlet)
        .order_by("story_id", "number")
        .first()
    )
    if existing is not None:
        return ImportResult(existing.story, existing, "unchanged")

    story = None
    if key:
        story = Story.objects.select_for_update().filter(key=key).first()
    if story is None and url:
        story = Story.objects.select_for_update().filter(outlet=outlet, url=url).order_by("id").first()
    if story is not None:
        if story.outlet_id != outlet.pk:
            raise DomainError(f"Story {key or url} belongs to {story.outlet}, not {outlet}.", field="outlet")
        number = (story.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        revision = StoryRevision.objects.create(
            story=story,
            number=number,
            body=body,
            raw_html=raw_html,
            content_hash=digest,
            source_name=source_name,
            created_by=author,
        )
        Story.objects.filter(pk=story.pk).update(current_revision=revision)
        story.current_revision = revision
        revision_added.send(sender=Story, story=story, revision=revision, author=author)
        return ImportResult(story, revision, "new revision")

    story = _new_story(arguments)
    story.save()
    revision = _first_revision(story, arguments, body, digest)
    revision.save()
    story.current_revision = revision
    story.save(update_fields=["current_revision"])
    story_added.send(sender=Story, story=story, revision=revision, author=author)

    originals = list(
        Story.objects.filter(revisions__content_hash=digest).exclude(pk=story.pk).select_related("outlet").distinct()
    )
    for original in originals:
        StorySource.objects.get_or_create(
            story=story, outlet=original.outlet, relation=StorySource.Relation.REPUBLISHES
        )
    return ImportResult(story, revision, "new story", republication_of=originals)


def _new_story(arguments: dict[str, Any]) -> Story:
    """The story (unsaved) that ``story_import``'s ``arguments``, defaults applied, describe."""
    return Story(
        key=arguments["key"],
        outlet=arguments["outlet"],
        headline=arguments["headline"].strip(),
        url=arguments["url"],
        published_on=arguments["published_on"],
        published_precision=arguments["published_precision"],
        byline=arguments["byline"],
        dateline=arguments["dateline"],
        language=arguments["language"],
        translated_from=arguments["translated_from"],
        machine_translated=arguments["machine_translated"],
        created_by=arguments["author"],
    )


def _first_revision(story: Story, arguments: dict[str, Any], body: str, digest: str) -> StoryRevision:
    """The first revision (unsaved) of a new ``story``: its checked ``body`` and its hash."""
    return StoryRevision(
        story=story,
        number=1,
        body=body,
        raw_html=arguments["raw_html"],
        content_hash=digest,
        source_name=arguments["source_name"],
        created_by=arguments["author"],
    )


def _with_defaults(item: dict[str, Any]) -> dict[str, Any]:
    """``item`` (keyword arguments of ``story_import``) with the defaults of those not given."""
    bound = inspect.signature(story_import).bind(**item)
    bound.apply_defaults()
    return bound.arguments


def story_import_many(imports: Sequence[dict[str, Any]]) -> list[ImportResult | DomainError | DatabaseError]:
    """``story_import`` for each of ``imports`` (its keyword arguments), in the caller's
    transaction: each one's result, or its error, in order. A story that cannot be imported is
    rolled back alone (a savepoint of its own); the others are imported.

    The stories that are plainly new (no text for their outlet or any other, no story at their URL
    or key, in the desk or elsewhere in ``imports``: the usual wire story) are inserted together,
    a few queries for all of them; the rest go through ``story_import`` one by one, after them, in
    their order, as do all of them when the insert together fails.
    """
    results: list[ImportResult | DomainError | DatabaseError | None] = [None] * len(imports)
    checked: dict[int, tuple[str, str]] = {}
    for n, item in enumerate(imports):
        try:
            checked[n] = _checked_text(item["text"], item["headline"])
        except DomainError as error:
            results[n] = error
    digests = Counter(digest for _, digest in checked.values())
    keys = Counter(imports[n].get("key") for n in checked if imports[n].get("key"))
    urls = Counter((imports[n]["outlet"].pk, imports[n]["url"]) for n in checked if imports[n].get("url"))
    known = set(StoryRevision.objects.filter(content_hash__in=list(digests)).values_list("content_hash", flat=True))
    taken_keys = set(Story.objects.filter(key__in=list(keys)).values_list("key", flat=True))
    taken_urls = set()
    if urls:
        wanted = Q()
        for outlet_id, url in urls:
            wanted |= Q(outlet_id=outlet_id, url=url)
        taken_urls = set(Story.objects.filter(wanted).values_list("outlet_id", "url"))

    def plainly_new(n: int) -> bool:
        item, digest = imports[n], checked[n][1]
        key, url = item.get("key"), item.get("url")
        where = (item["outlet"].pk, url)
        return (
            digest not in known
            and digests[digest] == 1
            and (not key or (key not in taken_keys and keys[key] == 1))
            and (not url or (where not in taken_urls and urls[where] == 1))
        )

    together = [n for n in checked if plainly_new(n)]
    one_by_one = [n for n in checked if n not in set(together)]
    if together:
        try:
            with transaction.atomic():
                for n, result in zip(
                    together, _insert_new([imports[n] for n in together], together, checked), strict=True
                ):
                    results[n] = result
        except DatabaseError:
            one_by_one = sorted(one_by_one + together)
    for n in one_by_one:
        try:
            results[n] = story_import(**imports[n])
        except (DomainError, DatabaseError) as error:
            results[n] = error
    return results  # type: ignore[return-value]


def _insert_new(
    items: list[dict[str, Any]], numbers: list[int], checked: dict[int, tuple[str, str]]
) -> list[ImportResult]:
    """New stories, none like another or any in the desk (``story_import_many``), inserted together."""
    arguments = [_with_defaults(item) for item in items]
    stories = Story.objects.bulk_create([_new_story(a) for a in arguments])
    revisions = StoryRevision.objects.bulk_create(
        [_first_revision(story, a, *checked[n]) for story, a, n in zip(stories, arguments, numbers, strict=True)]
    )
    for story, revision in zip(stories, revisions, strict=True):
        story.current_revision = revision
    Story.objects.bulk_update(stories, ["current_revision"])
    for story, revision, item in zip(stories, revisions, items, strict=True):
        story_added.send(sender=Story, story=story, revision=revision, author=item.get("author"))
    return [ImportResult(story, revision, "new story") for story, revision in zip(stories, revisions, strict=True)]


# --- Outlets ----------------------------------------------------------------------------------

OUTLETS_LIKE_MAX = 5


class PossibleDuplicate(DomainError):
    """An outlet (or an actor: claims.services.actor_create) being added looks like one the desk
    already has; ``matches`` are those."""

    def __init__(self, message: str, *, matches: Sequence[Any]):
        super().__init__(message, field="name")
        self.matches = matches


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def outlets_like(name: str, homepage: str = "") -> list[Outlet]:
    """Outlets the desk has that ``name`` (or ``homepage``) may mean: a similar name (pg_trgm's
    ``%`` operator, through the name's trigram index), the same short key, or the same web site.
    The closest first, at most ``OUTLETS_LIKE_MAX``."""
    name = " ".join(name.split())
    condition = Q(name__trigram_similar=name) | Q(name__iexact=name) | Q(key=slugify(name)[:80])
    host = _host(homepage) if homepage else ""
    if host:
        condition |= Q(homepage__icontains=host)
    return list(
        Outlet.objects.filter(condition)
        .annotate(similarity=TrigramSimilarity("name", name))
        .order_by("-similarity", "name")[:OUTLETS_LIKE_MAX]
    )


def _free_key(name: str) -> str:
    base = slugify(name)[:70] or "outlet"
    taken = set(Outlet.objects.filter(key__startswith=base).values_list("key", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


@transaction.atomic
def outlet_create(
    *,
    name: str,
    author: AbstractBaseUser,
    kind: str = Outlet.Kind.OTHER,
    country: str = "",
    state_affiliated: bool = False,
    homepage: str = "",
    not_a_duplicate: bool = False,
) -> Outlet:
    """Add an outlet the desk does not know yet, with ``author`` recorded (and its history kept).

    Unless ``not_a_duplicate`` says the editor has seen them, outlets that look the same (a
    similar name, the same key or web site) are offered first: ``PossibleDuplicate`` names them
    and nothing is written.
    """
    name = " ".join(name.split())
    if not name:
        raise DomainError("Give the outlet a name.", field="name")
    if kind not in Outlet.Kind.values:
        raise DomainError("Choose what kind of outlet it is.", field="kind")
    country = country.strip().upper()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise DomainError("Give the country as its two-letter code, e.g. AZ, AM, TR.", field="country")
    if not not_a_duplicate:
        matches = outlets_like(name, homepage)
        if matches:
            listed = ", ".join(outlet.name for outlet in matches)
            raise PossibleDuplicate(
                f"The desk already has {listed}. Choose it from the list, or say this is a different outlet.",
                matches=matches,
            )
    return Outlet.objects.create(
        key=_free_key(name),
        name=name,
        kind=kind,
        country=country,
        state_affiliated=state_affiliated,
        homepage=homepage,
        created_by=author,
    )
