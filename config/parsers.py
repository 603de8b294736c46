"""The API's JSON parser, with the nesting of a body checked before it is parsed.

Set as the JSON parser in ``settings.REST_FRAMEWORK``: JSON nested deeper than
``API_MAX_JSON_DEPTH`` answers 400 in the documented error format (docs/api.md).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

# A JSON string, closed or running to the end of the body; possessive, so one linear pass.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*+"?', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")


def nesting_exceeds(text: str, limit: int) -> bool:
    """Whether JSON ``text`` opens more than ``limit`` arrays or objects inside one another.

    Brackets inside strings do not count. Linear in the length of ``text``, and it stops at the
    first bracket past the limit, so it is safe to run on any body before parsing it.
    """
    brackets = _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text))
    depth = 0
    for bracket in brackets:
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing (400) bodies nested deeper than ``settings.API_MAX_JSON_DEPTH``
    before parsing them: Python's parser would otherwise fail with a RecursionError (a 500)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as error:
            raise exceptions.ParseError(f"JSON parse error - the body is not valid {encoding}.") from error
        limit = settings.API_MAX_JSON_DEPTH
        if nesting_exceeds(text, limit):
            raise exceptions.ParseError(f"JSON parse error - arrays and objects nested more than {limit} deep.")
        try:
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError(f"JSON parse error - {error}") from error
