"""Markdown as the desk writes notes and review reasoning, rendered to sanitised HTML."""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

# What reasoning may contain once rendered: text formatting, lists, quotes, links; no images,
# no raw HTML beyond these, links with rel="noopener noreferrer" and only http(s)/mailto.
_TAGS = {"p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4", "hr"}


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML, sanitised with nh3 so nothing but plain formatting survives."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 above
