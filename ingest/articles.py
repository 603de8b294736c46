"""One article from the web to a story: fetch it safely, extract its text, import it.

Feeds and links pasted in the desk all come through :func:`article_fetch` (no transaction held
while the network answers) then :func:`article_store`, which ends in the importer every other way in
uses (``sources.services.story_import``): the same text for
the outlet again changes nothing, a known URL with new text becomes a new revision, and the whole
import is one transaction, so a refused article leaves nothing behind.

The article's text is extracted by trafilatura (boilerplate, navigation, comments and share
buttons dropped: the story as a reader sees it), and the page's HTML is kept beside it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import trafilatura
from django.contrib.auth.models import AbstractBaseUser

from core.errors import DomainError
from ingest.fetching import HTML_TYPES, Fetched, fetch
from sources.models import Outlet, Story
from sources.services import ImportResult, story_import

logger = logging.getLogger(__name__)

_HEADLINE_MAX = Story._meta.get_field("headline").max_length
_BYLINE_MAX = Story._meta.get_field("byline").max_length
_URL_MAX = Story._meta.get_field("url").max_length
# Fewer words than this is a page without a story (an index, a paywall, a cookie wall), whatever
# the extractor kept of its navigation.
MIN_ARTICLE_WORDS = 20


@dataclass(frozen=True)
class Article:
    text: str
    title: str = ""
    byline: str = ""
    published_on: date | None = None
    raw_html: str = ""


def clip(value: str | None, limit: int) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def article_read(page: Fetched) -> Article:
    """The story in a fetched page: trafilatura's main text for HTML, the body for plain text."""
    source = page.text()
    if "\x00" in source:
        raise DomainError(f"{page.final_url} contains NUL bytes: it is not an article.")
    if page.content_type == "text/plain":
        if not source.strip():
            raise DomainError(f"{page.final_url} is empty.")
        return Article(text=source)
    document = trafilatura.bare_extraction(
        source,
        url=page.final_url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = (document.text if document is not None else "") or ""
    words = len(text.split())
    if words < MIN_ARTICLE_WORDS:
        found = f" (only {words} word{'s' if words != 1 else ''})" if words else ""
        raise DomainError(f"No article text was found in {page.final_url}{found}.")
    published = None
    if document.date:
        try:
            published = date.fromisoformat(document.date[:10])
        except ValueError:
            published = None
    return Article(
        text=text,
        title=document.title or "",
        byline=document.author or "",
        published_on=published,
        raw_html=source,
    )


def article_fetch(url: str) -> Article:
    """Fetch ``url`` (``ingest.fetching.fetch``: safe, bounded) and extract its article. Outside
    any transaction: the network is slow, the database should not wait for it."""
    if len(url) > _URL_MAX:
        raise DomainError(f"The link is {len(url)} characters long, over the limit of {_URL_MAX}.", field="url")
    return article_read(fetch(url, accept=HTML_TYPES))


def article_store(
    *,
    outlet: Outlet,
    url: str,
    article: Article,
    headline: str = "",
    published_on: date | None = None,
    source_name: str = "",
    author: AbstractBaseUser | None = None,
) -> ImportResult:
    """Import a fetched ``article`` for ``outlet`` through ``story_import`` (one transaction).

    ``headline`` and ``published_on`` (a feed item's) are used when the page gives none. Raises
    ``DomainError`` with the reason; nothing is written then.
    """
    title = clip(article.title or headline, _HEADLINE_MAX)
    if not title:
        raise DomainError(f"{url} has no title, and none was given.", field="headline")
    return story_import(
        outlet=outlet,
        text=article.text,
        headline=title,
        # the story is known by the link it came as (a feed's item, a pasted link): the same link
        # again, even when it redirects somewhere else, finds the same story
        url=url,
        published_on=article.published_on or published_on,
        byline=clip(article.byline, _BYLINE_MAX),
        raw_html=article.raw_html,
        source_name=(source_name or url)[:500],
        author=author,
    )
