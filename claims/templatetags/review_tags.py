"""``{% load review_tags %}``: ``{{ text|reasoning_html }}`` renders markdown sanitised with nh3."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from core.markdown import render_markdown

register = template.Library()


@register.filter
def reasoning_html(text: str) -> SafeString:
    return render_markdown(text)
