"""Writes the desk and the API make to the ways in: registering a feed, asking for a link to be
imported (and importing it, in a job), and stories pushed by agencies."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.errors import DomainError
from ingest.articles import article_fetch, article_store
from ingest.models import Feed, IngestKey, LinkImport, Outcome, Push
from sources.models import Outlet, content_hash
from sources.services import normalise_text, story_import

INTERVAL_MIN, INTERVAL_MAX = 1, 10080  # a minute, a week


def _checked_url(url: str) -> str:
    url = url.strip()
    if not url:
        raise DomainError("Give the link.", field="url")
    if len(url) > 1000:
        raise DomainError(f"The link is {len(url)} characters long, over the limit of 1,000.", field="url")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as error:
        raise DomainError("Give a web address starting with http:// or https://.", field="url") from error
    return url


@transaction.atomic
def feed_register(*, outlet: Outlet, url: str, interval_minutes: int, author: AbstractBaseUser) -> Feed:
    """Register ``outlet``'s feed at ``url``, polled every ``interval_minutes``; its first poll is
    queued at once (and commits with the feed)."""
    from ingest.tasks import feed_poll_defer

    url = _checked_url(url)
    if not INTERVAL_MIN <= interval_minutes <= INTERVAL_MAX:
        raise DomainError(f"Poll every {INTERVAL_MIN} to {INTERVAL_MAX:,} minutes (a week).", field="interval_minutes")
    if Feed.objects.filter(outlet=outlet, url=url).exists():
        raise DomainError(f"{outlet} already has this feed.", field="url")
    feed = Feed.objects.create(outlet=outlet, url=url, interval_minutes=interval_minutes, created_by=author)
    feed_poll_defer(feed)
    return feed


@transaction.atomic
def link_import_request(*, url: str, outlet: Outlet, author: AbstractBaseUser) -> LinkImport:
    """Queue the import of the article at ``url`` for ``outlet``; its job commits with it."""
    from ingest.tasks import link_import_job

    link = LinkImport.objects.create(url=_checked_url(url), outlet=outlet, requested_by=author)
    link_import_job.defer(link_id=link.pk)
    return link


def link_import_run(link: LinkImport) -> str:
    """Fetch, extract and import a requested link (the job); record the outcome or the reason."""
    if link.outcome != Outcome.WAITING:
        return link.outcome
    links = LinkImport.objects.filter(pk=link.pk)
    try:
        article = article_fetch(link.url)
        with transaction.atomic():
            result = article_store(
                outlet=link.outlet, url=link.url, article=article, source_name=link.url, author=link.requested_by
            )
            links.update(outcome=result.outcome, story=result.story, done_at=timezone.now())
            return result.outcome
    except DomainError as error:
        links.update(outcome=Outcome.FAILED, reason=error.message[:2000], done_at=timezone.now())
        return Outcome.FAILED


# --- Push -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PushResult:
    push: Push
    repeated: bool  # the same push was received before: nothing was written this time


def story_push(
    *,
    key: IngestKey,
    outlet: Outlet,
    text: str,
    headline: str,
    url: str = "",
    agency_id: str = "",
    **story_fields,
) -> PushResult:
    """Import a story pushed with ``key``, once per (outlet, URL or agency id, text).

    A story known by its agency id (and no URL) keeps one story per id across revisions: its key
    is the outlet's key and the id. The same push again answers the first push's result.
    """
    if key.outlet_id is not None and key.outlet_id != outlet.pk:
        raise DomainError(f"This key pushes {key.outlet}'s stories only, not {outlet}'s.", field="outlet")
    url = _checked_url(url) if url.strip() else ""
    agency_id = agency_id.strip()
    if not url and not agency_id:
        raise DomainError("Give the story's url or the agency's id for it.", field="url")
    ref = url or f"id:{agency_id}"
    digest = content_hash(normalise_text(text))
    earlier = Push.objects.filter(outlet=outlet, ref=ref, content_hash=digest).first()
    if earlier is not None:
        return PushResult(earlier, repeated=True)
    story_key = None if url else slugify(f"{outlet.key}--{agency_id}")[:120]
    try:
        with transaction.atomic():
            result = story_import(
                outlet=outlet,
                text=text,
                headline=headline,
                url=url,
                key=story_key,
                source_name=f"push with key {key.name}"[:500],
                **story_fields,
            )
            push = Push.objects.create(
                key=key,
                outlet=outlet,
                ref=ref,
                content_hash=digest,
                story=result.story,
                revision=result.revision,
                outcome=result.outcome,
            )
    except IntegrityError:
        # the same push arrived twice at once: the other one won, answer what it did
        return PushResult(Push.objects.get(outlet=outlet, ref=ref, content_hash=digest), repeated=True)
    return PushResult(push, repeated=False)
