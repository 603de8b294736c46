"""OpenAPI schema touches: error components that name list items by their real index.

drf-standardized-errors documents an error in the third figure as ``attr: "figures.INDEX.value"``,
while the response says ``"figures.2.value"`` (and ``"figures.non_field_errors"`` where the
response says ``"figures"``). This hook turns such attr enums into patterns, so
the schema describes what the API actually sends (schemathesis checks every response against it),
and drops the discriminator of those error unions, whose mapping keys could never match.
"""

from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers

INDEX = "INDEX"


def _reshaped(name: str) -> bool:
    return INDEX in name or name.endswith(".non_field_errors")


def _pattern(name: str) -> str:
    parts = name.split(".")
    optional = ""
    if parts[-1] == "non_field_errors" and len(parts) > 1:
        # a list, or a list item, that is wrong as a whole (null, not a list, too long) is reported
        # under its own name: "figures", "figures.2"
        parts, optional = parts[:-1], r"(\.non_field_errors)?"
    return "^" + r"\.".join(r"[0-9]+" if part == INDEX else re.escape(part) for part in parts) + optional + "$"


def postprocess_indexed_error_attrs(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    for component in result.get("components", {}).get("schemas", {}).values():
        attr = component.get("properties", {}).get("attr")
        if isinstance(attr, dict) and len(attr.get("enum") or []) == 1 and _reshaped(str(attr["enum"][0])):
            component["properties"]["attr"] = {"type": "string", "pattern": _pattern(attr["enum"][0])}
        mapping = component.get("discriminator", {}).get("mapping", {})
        if any(_reshaped(key) for key in mapping):
            del component["discriminator"]
    return result


class ClientErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ClientErrorResponseSerializer(serializers.Serializer):
    """A 4xx other than validation: ``{"type": "client_error", "errors": [{code, detail, attr}]}``."""

    type = serializers.ChoiceField(choices=[("client_error", "client_error")])
    errors = ClientErrorSerializer(many=True)
