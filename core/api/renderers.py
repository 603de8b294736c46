"""The API's renderers: JSON through orjson (drf-orjson-renderer: the API's lists spent a large share
of their time in the standard library's encoder), JSON-LD for ClaimReview, and CSV for exports."""

from __future__ import annotations

import csv
import io
from typing import Any

from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework.renderers import BaseRenderer

from core.csv import neutralise_cell


class JSONRenderer(ORJSONRenderer):
    """Every JSON response of the API (settings' DEFAULT_RENDERER_CLASSES and the exports)."""


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class CSVRenderer(BaseRenderer):
    """Renders a list of flat rows (dicts with the same keys) as CSV; errors as a one-column table."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        if isinstance(data, dict):
            rows = data.get("rows")
            if rows is None:  # an error body
                rows = [{"error": str(data)}]
        else:
            rows = list(data)
        buffer = io.StringIO()
        header = list(rows[0].keys()) if rows else []
        writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: neutralise_cell(value) for key, value in row.items()})
        return buffer.getvalue().encode("utf-8")
