"""Loading the curated seed dataset (seeds/dataset.yaml; format in seeds/README.md).

Idempotent: every record is found by its key (or, for notes and links, by what it says) and
created only when missing, so loading twice gives the same data and never overwrites what
editors changed since. Anchors are computed from each claim's quote; a quote that is missing
or ambiguous stops the whole load, naming the claim, and nothing is written.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from claims import services
from claims.extraction.readings import story_read
from claims.models import (
    Actor,
    ActorRole,
    Annotation,
    Claim,
    ClaimLink,
    Dispute,
    Review,
    Scope,
    Side,
    Statement,
)
from core.errors import DomainError
from sources.models import Outlet, Story, StorySource
from sources.services import story_import

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
DATASET = SEEDS_DIR / "dataset.yaml"


class SeedError(Exception):
    """The dataset is wrong; the message names the record."""


def read_dataset(path: Path = DATASET) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


class _Loader:
    def __init__(self, data: dict[str, Any], seeds_dir: Path):
        self.data = data
        self.seeds_dir = seeds_dir
        self.counts: Counter[str] = Counter()
        self.sides: dict[str, Side] = {}
        self.outlets: dict[str, Outlet] = {}
        self.actors: dict[str, Actor] = {}
        self.stories: dict[str, Story] = {}
        self.scopes: dict[str, Scope] = {}
        self.disputes: dict[str, Dispute] = {}
        self.statements: dict[str, Statement] = {}
        self.claims: dict[str, Claim] = {}
        self.users: dict[str, Any] = {}

    def ref(self, table: dict[str, Any], key: str | None, what: str, owner: str) -> Any:
        if key in (None, ""):
            return None
        try:
            return table[key]
        except KeyError:
            raise SeedError(f"{owner}: unknown {what} {key!r}") from None

    def user(self, username: str | None) -> Any:
        if not username:
            return None
        if username not in self.users:
            user, created = get_user_model().objects.get_or_create(username=username)
            if created:
                user.set_unusable_password()
                user.save()
            self.users[username] = user
        return self.users[username]

    def created(self, kind: str, was_created: bool) -> None:
        if was_created:
            self.counts[kind] += 1

    def load(self) -> Counter[str]:
        for row in self.data.get("sides", []):
            side, made = Side.objects.get_or_create(
                key=row["key"], defaults={"name": row["name"], "kind": row.get("kind", Side.Kind.PARTY)}
            )
            self.sides[row["key"]] = side
            self.created("sides", made)
        for row in self.data.get("outlets", []):
            outlet, made = Outlet.objects.get_or_create(
                key=row["key"],
                defaults={
                    "name": row["name"],
                    "kind": row.get("kind", Outlet.Kind.OTHER),
                    "country": row.get("country") or "",
                    "state_affiliated": bool(row.get("state_affiliated")),
                    "homepage": row.get("homepage") or "",
                    "licence": row.get("licence", Outlet.Licence.QUOTES_ONLY),
                    "licence_note": row.get("licence_note") or "",
                },
            )
            self.outlets[row["key"]] = outlet
            self.created("outlets", made)
        self.load_actors()
        self.load_stories()
        for row in self.data.get("scopes", []):
            scope, made = Scope.objects.get_or_create(
                key=row["key"],
                defaults={
                    "label": row["label"],
                    "kind": row.get("kind", Scope.Kind.PERIOD),
                    "place": row.get("place") or "",
                    "start": _date(row.get("start")),
                    "end": _date(row.get("end")),
                },
            )
            self.scopes[row["key"]] = scope
            self.created("scopes", made)
        for row in self.data.get("disputes", []):
            self.load_dispute(row)
        for row in self.data.get("statements", []):
            owner = f"statement {row['key']}"
            statement, made = Statement.objects.get_or_create(
                key=row["key"],
                defaults={
                    "speaker": self.ref(self.actors, row["speaker"], "actor", owner),
                    "occasion": row.get("occasion", Statement.Occasion.OTHER),
                    "said_on": _date(row.get("said_on")),
                    "description": row.get("description") or "",
                },
            )
            self.statements[row["key"]] = statement
            self.created("statements", made)
        for row in self.data.get("statements", []):
            if row.get("responds_to"):
                statement = self.statements[row["key"]]
                target = self.ref(self.statements, row["responds_to"], "statement", f"statement {row['key']}")
                if statement.responds_to_id != target.pk:
                    Statement.objects.filter(pk=statement.pk).update(responds_to=target)
        for row in self.data.get("claims", []):
            self.load_claim(row)
        self.load_links_and_notes()
        # the assistant read each story at its import, before the disputes and statements it
        # matches were loaded: read again, so the stored suggestions are current
        for story in self.stories.values():
            story_read(story)
        return self.counts

    def load_actors(self) -> None:
        for row in self.data.get("actors", []):
            owner = f"actor {row['key']}"
            actor, made = Actor.objects.get_or_create(
                key=row["key"],
                defaults={
                    "name": row["name"],
                    "kind": row.get("kind", Actor.Kind.PERSON),
                    "side": self.ref(self.sides, row.get("side"), "side", owner),
                    "description": row.get("description") or "",
                },
            )
            self.actors[row["key"]] = actor
            self.created("actors", made)
            for alias in [row["name"], *row.get("aliases", [])]:
                services.actor_alias_add(actor=actor, alias=alias)
            for role in row.get("roles", []):
                _, made = ActorRole.objects.get_or_create(
                    actor=actor,
                    title=role["title"],
                    defaults={"start": _date(role.get("start")), "end": _date(role.get("end"))},
                )
                self.created("roles", made)

    def load_stories(self) -> None:
        for row in self.data.get("stories", []):
            owner = f"story {row['key']}"
            path = self.seeds_dir / row["file"]
            if not path.is_file():
                raise SeedError(f"{owner}: file {row['file']} not found in {self.seeds_dir}")
            try:
                result = story_import(
                    key=row["key"],
                    outlet=self.ref(self.outlets, row["outlet"], "outlet", owner),
                    text=path.read_bytes().decode("utf-8"),
                    headline=row["headline"],
                    url=row.get("url") or "",
                    published_on=_date(row.get("published")),
                    published_precision=row.get("published_precision", Story.Precision.DAY),
                    byline=row.get("byline") or "",
                    dateline=row.get("dateline") or "",
                    language=row.get("language", "en"),
                    translated_from=row.get("translated_from") or "",
                    machine_translated=bool(row.get("machine_translated")),
                    source_name=row["file"],
                )
            except DomainError as error:
                raise SeedError(f"{owner}: {error}") from error
            self.stories[row["key"]] = result.story
            self.created("stories", result.outcome == "new story")
            for source in row.get("carried_from", []) or []:
                StorySource.objects.get_or_create(
                    story=result.story,
                    outlet=self.ref(self.outlets, source["outlet"], "outlet", owner),
                    relation=source.get("relation", StorySource.Relation.REPUBLISHES),
                )

    def load_dispute(self, row: dict[str, Any]) -> None:
        dispute = Dispute.objects.filter(key=row["key"]).first()
        if dispute is None:
            try:
                dispute = services.dispute_create(
                    key=row["key"],
                    title=row["title"],
                    kind=row.get("kind", Dispute.Kind.OTHER),
                    status=row.get("status", Dispute.Status.OPEN),
                    summary=row.get("summary") or "",
                    place=row.get("place") or "",
                    event_start=_date(row.get("event_start")),
                    event_end=_date(row.get("event_end")),
                    publish=bool(row.get("published", True)),
                    author=None,
                )
            except DomainError as error:
                raise SeedError(f"dispute {row['key']}: {error}") from error
            self.counts["disputes"] += 1
        self.disputes[row["key"]] = dispute

    def load_claim(self, row: dict[str, Any]) -> None:
        key = row["key"]
        owner = f"claim {key}"
        existing = Claim.objects.filter(key=key).first()
        if existing is not None:
            self.claims[key] = existing
            return
        story = self.ref(self.stories, row["story"], "story", owner)
        figures = [
            services.FigureInput(
                measure=f["measure"],
                value=int(f["value"]),
                qualifier=f.get("qualifier", "exact"),
                counted=f.get("counted", "unspecified"),
                whose=self.ref(self.sides, f.get("whose"), "side", owner),
                scope=self.ref(self.scopes, f.get("scope"), "scope", owner),
                tally=f.get("tally", "total"),
                raw=f.get("raw") or "",
                as_of=_date(f.get("as_of")),
            )
            for f in row.get("figures", []) or []
        ]
        links = [
            services.DisputeLink(
                dispute=self.ref(self.disputes, d["dispute"], "dispute", owner),
                stance=d.get("stance", "asserts"),
                blames=self.ref(self.sides, d.get("blames"), "side", owner),
            )
            for d in row.get("disputes", []) or []
        ]
        try:
            claim = services.claim_log(
                key=key,
                story=story,
                author=None,
                quote=row["quote"],
                occurrence=row.get("occurrence"),
                mode=row.get("mode", Claim.Mode.PARAPHRASE),
                speaker=self.ref(self.actors, row.get("speaker"), "actor", owner),
                said_on=_date(row.get("said_on")),
                statement=self.ref(self.statements, row.get("statement"), "statement", owner),
                via=[self.ref(self.outlets, o, "outlet", owner) for o in row.get("via", []) or []],
                disputes=links,
                figures=figures,
                status=row.get("status", Claim.Status.UNVERIFIED),
                publish=bool(row.get("published", True)),
            )
        except DomainError as error:
            raise SeedError(f"{owner}: {error}") from error
        self.claims[key] = claim
        self.counts["claims"] += 1

    def load_links_and_notes(self) -> None:
        for row in self.data.get("claim_links", []):
            owner = f"claim link {row['from']} -> {row['to']}"
            _, made = ClaimLink.objects.get_or_create(
                source=self.ref(self.claims, row["from"], "claim", owner),
                target=self.ref(self.claims, row["to"], "claim", owner),
                kind=row["kind"],
            )
            self.created("claim links", made)
        for row in self.data.get("annotations", []):
            claim = self.ref(self.claims, row.get("on_claim"), "claim", "annotation")
            dispute = self.ref(self.disputes, row.get("on_dispute"), "dispute", "annotation")
            if (claim is None) == (dispute is None):
                raise SeedError(f"annotation {row['body'][:40]!r}: name one claim or one dispute")
            _, made = Annotation.objects.get_or_create(
                claim=claim,
                dispute=dispute,
                body=row["body"],
                defaults={"author": self.user(row.get("author", "editor")), "is_public": bool(row.get("public"))},
            )
            self.created("annotations", made)
        for row in self.data.get("reviews", []):
            claim = self.ref(self.claims, row["claim"], "claim", "review")
            published = bool(row.get("published"))
            approver = self.user(row.get("approver"))
            if published and approver is None:
                raise SeedError(f"review on {row['claim']}: a published review needs an approver")
            now = timezone.now()
            _, made = Review.objects.get_or_create(
                claim=claim,
                rating=row["rating"],
                reasoning=row["reasoning"],
                defaults={
                    "reviewer": self.user(row.get("reviewer", "factchecker")),
                    "approved_by": approver,
                    "approved_at": now if approver else None,
                    "is_published": published,
                    "published_at": now if published else None,
                    "evidence": row.get("evidence", []),
                },
            )
            self.created("reviews", made)


def load_seeds(path: Path = DATASET, seeds_dir: Path = SEEDS_DIR) -> Counter[str]:
    """Load the dataset in one transaction; returns how many records of each kind were created."""
    data = read_dataset(path)
    with transaction.atomic():
        return _Loader(data, seeds_dir).load()
