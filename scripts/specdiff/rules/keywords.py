"""Raw schema keywords the canonical form (normalize.Norm) leaves out, seen through `$ref`, `allOf` and
a nullability wrapper (`anyOf`/`oneOf` with one non-null branch), memoised per document and pointer.

`extras(resolver, ptr)` maps each keyword of KEYWORDS that the schema at `ptr` carries to its value
and the pointer of the node that holds it (so a subschema such as `not` can be located and walked).
The schema's own keywords win over those of its `allOf` parts and `$ref` target.
"""

from __future__ import annotations

import weakref
from typing import Any

from ...trim import SpecError
from ..normalize import Resolver, join

KEYWORDS = frozenset(
    {
        "readOnly",
        "writeOnly",
        "uniqueItems",
        "x-extensible-enum",
        "discriminator",
        "not",
        "if",
        "then",
        "else",
        "patternProperties",
        "additionalProperties",
    }
)

Found = dict[str, tuple[Any, str]]

_MEMO: weakref.WeakKeyDictionary[Resolver, dict[str, Found]] = weakref.WeakKeyDictionary()
_PRESENT: weakref.WeakKeyDictionary[Resolver, frozenset[str]] = weakref.WeakKeyDictionary()
_EMPTY: Found = {}


def present(resolver: Resolver) -> frozenset[str]:
    """The KEYWORDS used anywhere in the resolver's document (one walk per document): a handler
    whose keywords neither side uses has nothing to compare."""
    found = _PRESENT.get(resolver)
    if found is None:
        seen: set[str] = set()
        stack: list[Any] = [resolver.doc]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                seen.update(KEYWORDS.intersection(item))
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
        found = _PRESENT[resolver] = frozenset(seen)
    return found


def used(base: Resolver, revision: Resolver, *keys: str) -> bool:
    """True if either document uses one of `keys`."""
    return not present(base).isdisjoint(keys) or not present(revision).isdisjoint(keys)


def _node(resolver: Resolver, ptr: str) -> Any:
    try:
        return resolver.lookup("#" + ptr)
    except SpecError:
        return None


def _is_null(node: Any) -> bool:
    return isinstance(node, dict) and node.get("type") == "null"


def extras(resolver: Resolver, ptr: str) -> Found:
    """The KEYWORDS of the schema at `ptr` (a pointer into the resolver's document)."""
    memo = _MEMO.get(resolver)
    if memo is None:
        memo = _MEMO[resolver] = {}
    found = memo.get(ptr)
    if found is not None:
        return found
    memo[ptr] = _EMPTY  # a cycle through allOf/$ref contributes nothing
    node = _node(resolver, ptr)
    out: Found = {}
    if isinstance(node, dict):
        parts: list[str] = []
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            parts.append(ref[1:])
        all_of = node.get("allOf")
        if isinstance(all_of, list):
            parts += [join(ptr, "allOf", i) for i in range(len(all_of))]
        for key in ("anyOf", "oneOf"):
            branches = node.get(key)
            if isinstance(branches, list):
                kept = [i for i, b in enumerate(branches) if not _is_null(b)]
                if len(kept) == 1:
                    parts.append(join(ptr, key, kept[0]))
        for part in parts:
            for key, value in extras(resolver, part).items():
                out.setdefault(key, value)
        for key in KEYWORDS.intersection(node):
            out[key] = (node[key], ptr)
    memo[ptr] = out
    return out


def value(resolver: Resolver, ptr: str, key: str) -> Any:
    """One keyword's value at `ptr` (None when absent)."""
    hit = extras(resolver, ptr).get(key)
    return None if hit is None else hit[0]


def child_flag(resolver: Resolver, child: tuple[Any, str], key: str) -> bool:
    """True if a child schema (raw node, pointer), seen through its `$ref`, sets `key: true`."""
    if key not in present(resolver):
        return False
    return value(resolver, resolver.norm(*child).ptr, key) is True
