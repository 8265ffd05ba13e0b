"""The spec as the generated-model tests read it: schemas, unions and the JSON types they admit."""

from __future__ import annotations

from typing import Any

import yaml

from scripts import trim

SPEC: dict[str, Any] = yaml.safe_load((trim.OPENAPI_DIR / "fine_tuning.yaml").read_text(encoding="utf-8"))
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]
# One value of each JSON type, to find a type no variant of a union accepts.
PROBES: dict[str, Any] = {
    "null": None,
    "boolean": True,
    "integer": 7,
    "number": 2.5,
    "string": "zz-not-a-known-value",
    "list": [],
    "object": {},
}


def ref_name(node: Any) -> str | None:
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        return str(node["$ref"]).rsplit("/", 1)[-1]
    return None


def resolve(node: Any) -> Any:
    while (name := ref_name(node)) is not None:
        node = SCHEMAS[name]
    return node


def variants(node: dict[str, Any]) -> list[Any]:
    """The members of a union node: oneOf/anyOf entries, or one schema per entry of a type list."""
    if "oneOf" in node or "anyOf" in node:
        return list(node.get("oneOf", []) + node.get("anyOf", []))
    rest = {k: v for k, v in node.items() if k != "type"}
    return [{**rest, "type": t} for t in node["type"]]


def is_union(node: Any) -> bool:
    return isinstance(node, dict) and (
        "oneOf" in node or "anyOf" in node or isinstance(node.get("type"), list)
    )


def is_object(node: Any) -> bool:
    node = resolve(node)
    return (
        isinstance(node, dict)
        and not is_union(node)
        and (node.get("type") == "object" or "properties" in node)
    )


def leaves(node: Any) -> list[Any]:
    """The non-union schemas of a (possibly nested) union: what the generator flattens it into."""
    resolved = resolve(node)
    if is_union(resolved):
        return [leaf for variant in variants(resolved) for leaf in leaves(variant)]
    return [resolved]


def accepts(node: Any) -> set[str]:
    """JSON types a schema admits (an integer is a number)."""
    node = resolve(node)
    if is_union(node):
        return set().union(*(accepts(v) for v in variants(node)))
    if "enum" in node or "const" in node:
        return {"string"}
    kind = node.get("type", "object" if "properties" in node else None)
    if kind is None:
        return set(PROBES)
    names = {"array": "list", "number": "number"}
    found = {names.get(kind, kind)} | ({"integer"} if kind == "number" else set())
    return found | ({"null"} if node.get("nullable") else set())
