"""The objects the server builds follow the spec's schemas: a required property it does not set is
filled from its schema, so that a property upstream adds (and ``make regen`` packages) is emitted
without a server edit.

The value is the schema's ``default`` when it has one, ``null`` where the schema allows null, the
first value of an enum, and otherwise the empty value of its JSON type (``""``, ``0``, ``false``,
``[]``, an object with its own required properties filled the same way).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from ._validate import load_spec


@functools.cache
def _schemas() -> Mapping[str, Any]:
    schemas: Mapping[str, Any] = load_spec()["components"]["schemas"]
    return schemas


def _resolve(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        schema = _schemas()[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _allows_null(schema: Mapping[str, Any]) -> bool:
    types = schema.get("type")
    if types == "null" or (isinstance(types, list) and "null" in types) or schema.get("nullable"):
        return True
    return any(_allows_null(_resolve(alt)) for alt in schema.get("anyOf") or schema.get("oneOf") or ())


def default_for(schema: Mapping[str, Any]) -> Any:
    """A value valid against schema, as plain as possible."""
    schema = _resolve(schema)
    if "default" in schema:
        return schema["default"]
    if _allows_null(schema):
        return None
    if schema.get("enum"):
        return schema["enum"][0]
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if alternatives and "properties" not in schema:
        return default_for(alternatives[0])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = kind[0]
    if kind == "string":
        return ""
    if kind in ("integer", "number"):
        return max(0, schema.get("minimum", 0))
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return fill_required({}, schema)


def fill_required(obj: dict[str, Any], schema: Mapping[str, Any] | str) -> dict[str, Any]:
    """obj with every required property of schema (a schema or the name of one) that it lacks set
    to :func:`default_for` its schema; obj is changed in place and returned."""
    resolved = _resolve(_schemas()[schema] if isinstance(schema, str) else schema)
    properties = resolved.get("properties") or {}
    for key in resolved.get("required") or ():
        if key not in obj and key in properties:
            obj[key] = default_for(properties[key])
    return obj
