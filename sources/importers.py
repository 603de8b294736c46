"""Reading story files (plain text or simple HTML) and their metadata, for import.

One code path for every way a story file arrives: ``manage.py import_stories`` and the desk's
browser upload both call :func:`read_story_file` (bytes -> text, refusing bad input with a clear
message) and :func:`import_story_file` (that, plus metadata, through ``sources.services.story_import``
in one transaction; ``import_stories`` takes many files' :func:`story_file_arguments` to
``sources.services.story_import_many`` in a transaction for each batch of them). Every refusal is a
:class:`~core.errors.DomainError` whose message can be shown to an editor as it is; nothing is
written when one is raised.

HTML is reduced to readable text with ``html-text`` (Zyte's small, maintained extractor on top of
lxml): it drops scripts, styles and comments and lays block elements out as lines and paragraphs
(``<p>``, headings and lists are separated by a blank line, ``<br>``/``<div>``/``<li>`` by a line
break), which is exactly the "readable text with paragraph breaks" editors anchor claims in. The
stdlib ``html.parser`` would need that layout logic written and maintained here; lxml's parser is
also the more forgiving one for the tag soup scrapers produce. The raw HTML is kept beside the text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

import html_text
import lxml.etree
import lxml.html
import yaml
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from core.errors import DomainError
from sources.models import Outlet, Story
from sources.services import ImportResult, normalise_text, story_import

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SIDECAR_SUFFIXES = (".meta.json", ".meta.yaml", ".meta.yml")
_HTML_START = re.compile(r"\A\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)


class MissingMetadata(DomainError):
    """Something every story needs (``field``: its outlet or headline) was not given. The message
    speaks to the command line; the desk's import page words it for an editor."""


@dataclass(frozen=True)
class StoryText:
    """A story file's text, ready for ``story_import``.

    ``text`` is the decoded file (plain text) or the readable text extracted from it (HTML);
    ``raw_html`` is the decoded HTML source, empty for plain text; ``title`` is the HTML
    document's ``<title>`` (or first ``<h1>``), used as the headline when none is given.
    """

    text: str
    raw_html: str = ""
    title: str = ""


def is_sidecar(path: Path) -> bool:
    return path.name.lower().endswith(SIDECAR_SUFFIXES)


def _looks_like_html(name: str, text: str) -> bool:
    return Path(name).suffix.lower() in HTML_SUFFIXES or bool(_HTML_START.match(text[:4096]))


def _decode(name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DomainError(f"{name} is UTF-16 text; save it as UTF-8 and import it again.", field="file")
    if b"\x00" in data:
        raise DomainError(f"{name} contains NUL bytes: it looks like a binary file, not a story.", field="file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        # Do not guess another encoding: a wrong guess would store wrong words, silently.
        raise DomainError(
            f"{name} is not valid UTF-8 (byte 0x{data[error.start]:02x} at position {error.start}); "
            "convert it to UTF-8 and import it again.",
            field="file",
        ) from error


def _extract_html(name: str, source: str) -> tuple[str, str]:
    """(readable text, title) of an HTML document."""
    try:
        # Parse from the decoded text with any XML encoding declaration removed (lxml refuses
        # str input that declares an encoding); the bytes were already checked to be UTF-8.
        document = lxml.html.document_fromstring(re.sub(r"\A\s*<\?xml[^>]*\?>", "", source))
    except (lxml.etree.ParserError, ValueError) as error:
        raise DomainError(f"{name} could not be read as HTML: {error}.", field="file") from error
    title = ""
    for path in ("//head/title", "//title", "//h1"):
        found = document.xpath(path)
        if found:
            title = " ".join(found[0].text_content().split())
            if title:
                break
    # Only the body is the story: with no <body> at all (a bare <title>, a <head> alone) there is
    # no text, rather than the title or <noscript> words standing in for it.
    body = document.find("body")
    text = html_text.extract_text(body, guess_layout=True) if body is not None else ""
    return text, title


def _has_visible_text(text: str) -> bool:
    """Whether ``text`` has a character a reader can see: not only white space, no-break spaces
    and invisible format characters (zero-width spaces, joiners, direction marks)."""
    return any(unicodedata.category(char)[0] not in "ZC" for char in text)


def read_story_file(name: str, data: bytes, *, max_bytes: int | None = None) -> StoryText:
    """Decode and check one story file; extract readable text when it is HTML.

    Refuses, with a message naming ``name``: an empty file, one over ``max_bytes`` (default
    ``settings.STORY_MAX_BYTES``), a binary file (NUL bytes), text that is not UTF-8 (no
    encoding is guessed), and HTML with no visible text in its body (refused as empty). A
    leading byte-order mark and CRLF line ends are normalised
    (``sources.services.normalise_text``); nothing else is changed.
    """
    limit = settings.STORY_MAX_BYTES if max_bytes is None else max_bytes
    if not data:
        raise DomainError(f"{name} is empty.", field="file")
    if len(data) > limit:
        raise DomainError(
            f"{name} is {len(data):,} bytes, over the limit of {limit:,} bytes for one story.", field="file"
        )
    decoded = _decode(name, data)
    source = normalise_text(decoded)
    if not source.strip():
        raise DomainError(f"{name} has no text (only white space).", field="file")
    if not _looks_like_html(name, source):
        return StoryText(text=source)
    text, title = _extract_html(name, source)
    if not _has_visible_text(text):
        raise DomainError(f"{name} is empty: HTML with no text in its body.", field="file")
    return StoryText(text=text, raw_html=decoded, title=title)


# --- Metadata ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryMeta:
    """What is known about a story besides its text: from a sidecar file, flags, or a form.

    ``None`` means "not given" (so flags can be laid over a sidecar with :meth:`merged`).
    """

    outlet: str | None = None
    headline: str | None = None
    url: str | None = None
    published: date | None = None
    published_precision: str | None = None
    byline: str | None = None
    dateline: str | None = None
    language: str | None = None
    translated_from: str | None = None
    machine_translated: bool | None = None

    def merged(self, over: StoryMeta) -> StoryMeta:
        """This metadata with every value given in ``over`` taking precedence."""
        given = {f.name: getattr(over, f.name) for f in fields(over) if getattr(over, f.name) is not None}
        return replace(self, **given)

    @classmethod
    def from_mapping(cls, data: Any, *, source: str) -> StoryMeta:
        """Validate a sidecar's (or a form's) mapping; ``source`` names it in error messages.

        Accepted keys: the field names, plus ``published_on``/``date`` for ``published``. A
        ``published`` date may be ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; the precision follows
        from it unless ``published_precision`` says otherwise.
        """
        if not isinstance(data, dict):
            raise DomainError(f"{source} must hold a mapping of fields (outlet, headline, url, ...).")
        aliases = {"published_on": "published", "date": "published"}
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for raw_key, value in data.items():
            key = aliases.get(str(raw_key), str(raw_key))
            if key not in known:
                raise DomainError(f"{source}: unknown field {raw_key!r} (known: {', '.join(sorted(known))}).")
            if key in values:
                raise DomainError(f"{source}: the publication date is given twice.")
            values[key] = value
        meta: dict[str, Any] = {}
        for key, value in values.items():
            if value is None:
                continue
            if key == "machine_translated":
                if not isinstance(value, bool):
                    raise DomainError(f"{source}: machine_translated must be true or false, not {value!r}.")
                meta[key] = value
            elif key == "published":
                published, precision = parse_published(value, source=source)
                meta["published"] = published
                meta.setdefault("published_precision", precision)
            else:
                if isinstance(value, (dict, list, bool)):
                    raise DomainError(f"{source}: {key} must be text, not {value!r}.")
                meta[key] = str(value).strip()
        if values.get("published_precision") is not None:
            meta["published_precision"] = str(values["published_precision"]).strip()
        return cls(**meta)


_PUBLISHED = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_published(value: Any, *, source: str = "the date") -> tuple[date, str]:
    """A publication date and its precision from ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""
    if isinstance(value, date):
        return value, Story.Precision.DAY
    match = _PUBLISHED.match(str(value).strip())
    if match is None:
        raise DomainError(f"{source}: published date {value!r} is not YYYY-MM-DD, YYYY-MM or YYYY.")
    year, month, day = match.groups()
    try:
        published = date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:
        raise DomainError(f"{source}: published date {value!r} is not a real date ({error}).") from error
    precision = Story.Precision.DAY if day else Story.Precision.MONTH if month else Story.Precision.YEAR
    return published, precision


def sidecar_for(path: Path) -> Path | None:
    """The sidecar beside ``path`` (``<file>.meta.json``/``.meta.yaml``/``.meta.yml``), if any."""
    found = [path.with_name(path.name + suffix) for suffix in SIDECAR_SUFFIXES]
    found = [candidate for candidate in found if candidate.is_file()]
    if len(found) > 1:
        raise DomainError(f"{path.name} has more than one sidecar ({', '.join(p.name for p in found)}); keep one.")
    return found[0] if found else None


def read_sidecar(path: Path) -> StoryMeta:
    """Read and validate a sidecar file (JSON or YAML, by its name)."""
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise DomainError(f"Sidecar {path.name} is not valid UTF-8.") from error
    try:
        data = json.loads(raw) if path.name.lower().endswith(".json") else yaml.safe_load(raw)
    except json.JSONDecodeError as error:
        raise DomainError(
            f"Sidecar {path.name} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from error
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        at = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
        raise DomainError(f"Sidecar {path.name} is not valid YAML{at}.") from error
    return StoryMeta.from_mapping(data, source=f"Sidecar {path.name}")


def _check_length(name: str, field: str, value: str) -> None:
    limit = Story._meta.get_field(field).max_length
    if limit and len(value) > limit:
        raise DomainError(f"{name}: the {field} is {len(value)} characters long, over the limit of {limit}.")


def _resolve_outlet(name: str, key: str | None) -> Outlet:
    if not key:
        raise MissingMetadata(f"{name}: no outlet given (set it in the sidecar or with --outlet).", field="outlet")
    outlet = Outlet.objects.filter(key=key).first()
    if outlet is None:
        keys = list(Outlet.objects.order_by("key").values_list("key", flat=True)[:30])
        known = f" Known outlets: {', '.join(keys)}." if keys else " There are no outlets yet."
        raise DomainError(f"{name}: unknown outlet {key!r}.{known}", field="outlet")
    return outlet


def import_story_file(
    *,
    name: str,
    data: bytes,
    meta: StoryMeta,
    author: AbstractBaseUser | None = None,
    max_bytes: int | None = None,
) -> ImportResult:
    """Import one story file with its metadata, in one transaction (``story_import``'s).

    Raises ``DomainError`` naming the file and what is wrong; then nothing is written. The
    headline falls back to an HTML file's own ``<title>``; everything else must be given.
    """
    arguments = story_file_arguments(name=name, data=data, meta=meta, author=author, max_bytes=max_bytes)
    try:
        return story_import(**arguments)
    except DomainError as error:
        if error.message.startswith(name):
            raise
        raise DomainError(f"{name}: {error.message}", field=error.field) from error


def story_file_arguments(
    *,
    name: str,
    data: bytes,
    meta: StoryMeta,
    author: AbstractBaseUser | None = None,
    max_bytes: int | None = None,
    outlets: dict[str, Outlet] | None = None,
) -> dict[str, Any]:
    """``story_import``'s arguments for one story file with its metadata (``import_story_file``;
    ``manage.py import_stories`` imports many together with ``story_import_many``). Raises
    ``DomainError`` naming the file and what is wrong. ``outlets`` keeps the outlets already
    looked up, by key, for the next file."""
    story_text = read_story_file(name, data, max_bytes=max_bytes)
    outlets = {} if outlets is None else outlets
    if meta.outlet not in outlets:
        outlets[meta.outlet] = _resolve_outlet(name, meta.outlet)
    outlet = outlets[meta.outlet]
    headline = (meta.headline or story_text.title or "").strip()
    if not headline:
        raise MissingMetadata(
            f"{name}: no headline given (set it in the sidecar or with --headline).", field="headline"
        )
    url = (meta.url or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise DomainError(f"{name}: {url!r} is not a valid http(s) URL.", field="url") from error
    precision = meta.published_precision or Story.Precision.DAY
    if precision not in Story.Precision.values:
        raise DomainError(
            f"{name}: published_precision must be one of {', '.join(Story.Precision.values)}, not {precision!r}.",
            field="published_precision",
        )
    text_fields = {
        "headline": headline,
        "url": url,
        "byline": meta.byline or "",
        "dateline": meta.dateline or "",
        "language": meta.language or "en",
        "translated_from": meta.translated_from or "",
    }
    for field, value in text_fields.items():
        _check_length(name, field, value)
    return {
        "outlet": outlet,
        "text": story_text.text,
        "raw_html": story_text.raw_html,
        "published_on": meta.published,
        "published_precision": precision,
        "machine_translated": bool(meta.machine_translated),
        "source_name": name[:500],
        "author": author,
        **text_fields,
    }
