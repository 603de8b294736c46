"""Cursor pagination with one fixed, unique ordering per endpoint.

Lists are ordered by ``public_id``: unique, never changed, never reused, so a cursor stays valid
and no item is repeated or skipped when others are inserted meanwhile. The cursor carries only a
public id, never an internal key. (New items may land before a cursor already passed: the change
feed is how partners learn about those.) A malformed cursor or page size is a 400 naming the
parameter, never a silent default.
"""

from __future__ import annotations

import uuid
from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class PublicIdCursorPagination(CursorPagination):
    ordering = ("public_id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return size

    def decode_cursor(self, request: Request) -> Any:
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: ["Not a cursor this list handed out."]}) from None
        if cursor is not None and cursor.position is not None:
            try:
                uuid.UUID(cursor.position)
            except ValueError:
                raise ValidationError({self.cursor_query_param: ["Not a cursor this list handed out."]}) from None
        return cursor

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters
