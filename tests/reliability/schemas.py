"""Schema-driven generation for the property tests: OpenAPI schemas to JSON Schema to strategies.

hypothesis-jsonschema 0.23.1 cannot draw objects with the pinned hypothesis 6.170 (its
``from_object_schema`` calls ``many.more()``, which hypothesis removed), so objects, arrays and
unions are built here with ``st.fixed_dictionaries``/``st.lists``/``st.one_of`` and every scalar
(strings with patterns and formats, bounded numbers) is drawn by ``hypothesis_jsonschema``.
A test validates what is drawn against the JSON Schema with ``jsonschema``, so this generator
cannot silently drift from the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

_DROP = frozenset({"description", "title", "example", "examples", "discriminator", "deprecated"})
#: Unix timestamps are drawn in [0, 2**32): a datetime cannot hold the year 10000, and a
#: schema-valid ``created_at`` of 10**20 is not a shape any server has sent.
TIMESTAMP_KEYS = frozenset({"created_at", "finished_at", "estimated_finish"})
_TIMESTAMP = st.integers(min_value=0, max_value=2**32 - 1)
#: A job's ``id`` and ``status`` are drawn non-empty: the client refuses an empty id or status by
#: design (no endpoint has one), which the schemas do not say (no ``minLength``).
NON_EMPTY_KEYS = frozenset({"id", "status"})
_SCALARS = ("string", "number", "integer", "boolean", "null")


def to_json_schema(node: Any, components: Mapping[str, Any], stack: tuple[str, ...] = ()) -> Any:
    """The JSON Schema of an OpenAPI 3.0/3.1 schema: ``$ref`` inlined, ``nullable`` as a null
    branch, ``oneOf`` as ``anyOf`` (overlapping branches are the spec's, not the data's fault),
    ``x-*`` and documentation keys dropped, ``type: object`` made explicit where implied."""
    if isinstance(node, list):
        return [to_json_schema(item, components, stack) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in stack:
            raise ValueError(f"recursive schema {' -> '.join((*stack, name))}")
        return to_json_schema(components[name], components, (*stack, name))
    out = {
        ("anyOf" if key == "oneOf" else key): to_json_schema(value, components, stack)
        for key, value in node.items()
        if not key.startswith("x-") and key not in _DROP
    }
    if "properties" in out:
        out["properties"] = {
            name: to_json_schema(value, components, stack) for name, value in node["properties"].items()
        }
        out.setdefault("type", "object")
    for bound in ("Minimum", "Maximum"):  # OpenAPI 3.0: a boolean beside minimum/maximum
        flag = out.get(f"exclusive{bound}")
        if isinstance(flag, bool):
            del out[f"exclusive{bound}"]
            if flag and bound.lower() in out:
                out[f"exclusive{bound}"] = out.pop(bound.lower())
    if out.pop("nullable", False):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    for part in parts:
        merged["properties"].update(part.get("properties", {}))
        merged["required"] += [r for r in part.get("required", []) if r not in merged["required"]]
    return merged


def strategy(schema: Any, key: str = "") -> st.SearchStrategy[Any]:
    """Values valid against a JSON Schema produced by :func:`to_json_schema`."""
    if schema is True or schema == {}:
        return st.none() | st.booleans() | st.integers() | st.text(max_size=8)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    if "anyOf" in schema:
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        return st.one_of([strategy({**rest, **branch}, key) for branch in schema["anyOf"]])
    if "allOf" in schema:
        return strategy(_merge(schema["allOf"]), key)
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([strategy({**schema, "type": one}, key) for one in kind])
    if kind == "object":
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        return st.fixed_dictionaries(
            {name: strategy(properties.get(name, {}), name) for name in required},
            optional={name: strategy(s, name) for name, s in properties.items() if name not in required},
        )
    if kind == "array":
        low = schema.get("minItems", 0)
        return st.lists(strategy(schema.get("items", {}), key), min_size=low, max_size=max(low, 2))
    if kind == "integer" and key in TIMESTAMP_KEYS:
        return _TIMESTAMP
    if kind == "string" and key in NON_EMPTY_KEYS:
        return from_schema({"minLength": 1, **schema})
    if kind in _SCALARS:
        return from_schema(schema)
    raise ValueError(f"no strategy for {schema!r}")
