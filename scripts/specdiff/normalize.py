"""Reference resolution and a canonical, shallow form of a schema.

`Resolver.norm(node, ptr)` resolves `$ref`s (cycle safe), merges `allOf`, and folds the three ways of
saying "may be null" into one flag: OpenAPI 3.0 `nullable: true`, 3.1 `type: [T, "null"]`, and an
`anyOf`/`oneOf` with a `{type: "null"}` branch (or `enum` holding null). The result is shallow: its
children stay raw nodes with their JSON pointers, so the walker normalises only what it visits, and
every result is memoised by pointer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from ..trim import SpecError

LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")

Child = tuple[Any, str]


def escape(token: str) -> str:
    """Escape one JSON pointer token."""
    return token.replace("~", "~0").replace("/", "~1")


def join(ptr: str, *tokens: str | int) -> str:
    return ptr + "".join("/" + escape(str(t)) for t in tokens)


def canon(value: Any) -> str:
    """A hashable, order-independent text form of a JSON value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


@dataclass
class Norm:
    """The meaning of one schema node, with raw children."""

    ptr: str
    types: frozenset[str] | None = None
    nullable: bool = False
    enum: frozenset[str] | None = None
    properties: dict[str, Child] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    items: Child | None = None
    additional: Child | None = None
    variants: list[Child] = field(default_factory=list)
    bounds: dict[str, float] = field(default_factory=dict)
    pattern: str | None = None
    format: str | None = None
    default: str | None = None
    deprecated: bool = False

    @property
    def ref(self) -> str | None:
        """The component name when this schema is a named component."""
        if self.ptr.startswith("/components/schemas/") and self.ptr.count("/") == 3:
            return self.ptr.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
        return None

    @property
    def key(self) -> tuple[str, bool, str | None]:
        return (self.ptr, self.nullable, self.default)


def _pointer_tokens(ref: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in ref[2:].split("/")] if ref != "#" else []


class Resolver:
    """Resolves refs and normalises schemas of one document, memoising by pointer."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self._memo: dict[str, Norm] = {}
        self._active: set[str] = set()

    def lookup(self, ref: str) -> Any:
        """The node a local `$ref` points to; SpecError if it is not local or does not resolve."""
        if not ref.startswith("#"):
            raise SpecError(f"unsupported $ref {ref!r}: only local refs ('#/...') are handled")
        node: Any = self.doc
        for token in _pointer_tokens(ref):
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                raise SpecError(f"unresolvable $ref {ref!r}")
        return node

    def deref(self, node: Any, ptr: str) -> tuple[Any, str]:
        """Follow `$ref` chains (ignoring sibling documentation keys); cycle safe."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise SpecError(f"$ref cycle without content at {ref!r}")
            seen.add(ref)
            node, ptr = self.lookup(ref), ref[1:]
        return node, ptr

    def check_refs(self) -> None:
        """Raise SpecError for the first `$ref` that does not resolve or starts a chain of `$ref`s
        that comes back to itself without content (`A: {$ref: B}`, `B: {$ref: A}`).

        Every node is visited once, however many aliases share it.
        """
        stack: list[Any] = [self.doc]
        seen: set[int] = set()
        checked: set[str] = set()
        while stack:
            item = stack.pop()
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, dict):
                ref = item.get("$ref")
                if isinstance(ref, str) and ref not in checked:
                    self._check_chain(ref)
                    checked.add(ref)
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
            elif isinstance(item, list):
                stack.extend(v for v in item if isinstance(v, dict | list))

    def _check_chain(self, ref: str) -> None:
        """Follow a `$ref` through nodes that only wrap another `$ref` (a pure `$ref`, or a lone
        `allOf`/`anyOf`/`oneOf` of one `$ref`); coming back to a ref already seen is an error."""
        seen: set[str] = set()
        next_ref: str | None = ref
        while next_ref is not None:
            if next_ref in seen:
                raise SpecError(f"$ref cycle without content at {next_ref!r}")
            seen.add(next_ref)
            next_ref = _wrapped_ref(self.lookup(next_ref))

    def norm(self, node: Any, ptr: str) -> Norm:
        node, ptr = self._unwrap(node, ptr)
        cached = self._memo.get(ptr)
        if cached is not None:
            return cached
        if ptr in self._active:  # allOf/anyOf cycle through itself: treat as unconstrained
            return Norm(ptr)
        self._active.add(ptr)
        try:
            result = self._build(node, ptr)
        finally:
            self._active.discard(ptr)
        self._memo[ptr] = result
        return result

    def _unwrap(self, node: Any, ptr: str) -> tuple[Any, str]:
        """Resolve a pure `$ref` (3.1 allows documentation siblings) to its target."""
        if isinstance(node, dict) and "$ref" in node:
            extra = [k for k in node if k != "$ref" and not _is_doc_key(k)]
            if not extra:
                return self.deref(node, ptr)
        return node, ptr

    def _build(self, node: Any, ptr: str) -> Norm:
        if not isinstance(node, dict):
            return Norm(ptr)
        parts: list[Child] = []
        if isinstance(node.get("$ref"), str):  # $ref with constraining siblings: allOf of the two
            parts.append(({"$ref": node["$ref"]}, ptr))  # normalises to the target's own pointer
            node = {k: v for k, v in node.items() if k != "$ref"}
        if isinstance(node.get("allOf"), list):
            parts += [(p, join(ptr, "allOf", i)) for i, p in enumerate(node["allOf"])]
        out = self._own(node, ptr)
        if parts:
            out = self._merge_all_of(out, node, ptr, parts)
        for key in ("anyOf", "oneOf"):
            branches = node.get(key)
            if isinstance(branches, list):
                out = self._fold_branches(out, node, ptr, key, branches)
        return out

    def _own(self, node: dict[str, Any], ptr: str) -> Norm:
        out = Norm(ptr)
        raw_type = node.get("type")
        if isinstance(raw_type, str):
            types: set[str] | None = {raw_type}
        elif isinstance(raw_type, list):
            types = {t for t in raw_type if isinstance(t, str)}
        else:
            types = None
        if types is not None and "null" in types and len(types) > 1:
            types.discard("null")
            out.nullable = True
        if node.get("nullable") is True:
            out.nullable = True
        values = node.get("enum")
        if "const" in node:
            values = [node["const"]]
        if isinstance(values, list):
            if None in values:
                out.nullable = True
                values = [v for v in values if v is not None]
                if not values:
                    types = {"null"}
            if values:
                out.enum = frozenset(canon(v) for v in values)
        props = node.get("properties")
        if isinstance(props, dict):
            out.properties = {str(k): (v, join(ptr, "properties", str(k))) for k, v in props.items()}
        req = node.get("required")
        if isinstance(req, list):
            out.required = frozenset(str(r) for r in req)
        if "items" in node and isinstance(node["items"], dict):
            out.items = (node["items"], join(ptr, "items"))
        if isinstance(node.get("additionalProperties"), dict):
            out.additional = (node["additionalProperties"], join(ptr, "additionalProperties"))
        if types is None and (props is not None or "additionalProperties" in node):
            types = {"object"}
        if types is None and "items" in node:
            types = {"array"}
        out.types = frozenset(types) if types is not None else None
        out.bounds = _bounds(node)
        if isinstance(node.get("pattern"), str):
            out.pattern = node["pattern"]
        if isinstance(node.get("format"), str):
            out.format = node["format"]
        if "default" in node and node["default"] is not None:
            out.default = canon(node["default"])
        out.deprecated = node.get("deprecated") is True
        return out

    def _merge_all_of(self, out: Norm, node: dict[str, Any], ptr: str, children: list[Child]) -> Norm:
        parts = [self.norm(*child) for child in children]
        if len(parts) == 1 and not _constrains(node, exclude=("allOf", "nullable", "default")):
            part = parts[0]
            return replace(
                part,
                ptr=ptr,
                nullable=out.nullable or part.nullable,
                default=out.default if out.default is not None else part.default,
            )
        merged = out
        for part in parts:
            if part.types is not None:
                merged.types = part.types if merged.types is None else merged.types & part.types
            merged.properties = {**part.properties, **merged.properties}
            merged.required = merged.required | part.required
            if part.enum is not None:
                merged.enum = part.enum if merged.enum is None else merged.enum & part.enum
            merged.items = merged.items or part.items
            merged.additional = merged.additional or part.additional
            merged.variants = merged.variants or part.variants
            merged.bounds = {**part.bounds, **merged.bounds}
            merged.pattern = merged.pattern or part.pattern
            merged.format = merged.format or part.format
            merged.default = merged.default if merged.default is not None else part.default
        if parts and all(p.nullable for p in parts):
            merged.nullable = True
        return merged

    def _fold_branches(
        self, out: Norm, node: dict[str, Any], ptr: str, key: str, branches: list[Any]
    ) -> Norm:
        kept: list[Child] = []
        nullable = out.nullable
        for i, branch in enumerate(branches):
            child = (branch, join(ptr, key, i))
            n = self.norm(*child)
            if n.types == frozenset({"null"}):
                nullable = True
                continue
            nullable = nullable or n.nullable
            kept.append(child)
        if len(kept) == 1 and not _constrains(node, exclude=(key, "nullable", "default", "type")):
            inner = self.norm(*kept[0])
            return replace(
                inner,
                ptr=ptr,
                nullable=nullable or inner.nullable,
                default=out.default if out.default is not None else inner.default,
            )
        out.nullable = nullable
        out.variants = out.variants + kept
        if out.types is not None:
            out.types = out.types - {"null"} or None
        return out


_DOC_KEYS = frozenset(
    {"description", "summary", "title", "example", "examples", "externalDocs", "$comment", "discriminator"}
)


def _is_doc_key(key: Any) -> bool:
    return isinstance(key, str) and (key in _DOC_KEYS or key.startswith("x-"))


def _wrapped_ref(node: Any) -> str | None:
    """The `$ref` a node only wraps (no content of its own besides documentation), else None."""
    keys = _content_keys(node)
    if keys == ["$ref"]:
        return node["$ref"] if isinstance(node["$ref"], str) else None
    if len(keys) == 1 and keys[0] in ("allOf", "anyOf", "oneOf"):
        branches = node[keys[0]]
        if isinstance(branches, list) and len(branches) == 1 and _content_keys(branches[0]) == ["$ref"]:
            ref = branches[0]["$ref"]
            return ref if isinstance(ref, str) else None
    return None


def _content_keys(node: Any) -> list[Any]:
    """The keys of a node that say something (not documentation, not `nullable: false`)."""
    if not isinstance(node, dict):
        return []
    return [k for k, v in node.items() if not _is_doc_key(k) and not (k == "nullable" and v is False)]


def _constrains(node: dict[str, Any], exclude: tuple[str, ...]) -> bool:
    return any(not _is_doc_key(k) and k not in exclude for k in node)


def _bounds(node: dict[str, Any]) -> dict[str, float]:
    """Bounds in one canonical form: at most one of minimum/exclusiveMinimum (the stricter), same
    for the maximum; OpenAPI 3.0's boolean exclusiveMinimum/Maximum qualifies minimum/maximum."""
    out: dict[str, float] = {}
    for key in (*LOWER_BOUNDS, *UPPER_BOUNDS):
        value = node.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[key] = float(value)
    for excl, plain, sign in (("exclusiveMinimum", "minimum", 1), ("exclusiveMaximum", "maximum", -1)):
        if node.get(excl) is True and plain in out:
            out[excl] = out.pop(plain)
        elif excl in out and plain in out:  # both: keep the stricter (the exclusive one at a tie)
            del out[plain if sign * out[excl] >= sign * out[plain] else excl]
    return out
