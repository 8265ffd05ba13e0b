"""Raw schema keywords the canonical form (normalize.Norm) leaves out, seen through `$ref`, `allOf` and
a nullability wrapper (`anyOf`/`oneOf` with one non-null branch), memoised per document and pointer.

`extras(resolver, ptr)` maps each keyword of KEYWORDS that the schema at `ptr` carries to its value
and the pointer of the node that holds it (so a subschema such as `not` can be located and walked).
The schema's own keywords win over those of its `allOf` parts and `$ref` target.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import SchemaPair, Sink
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
        "deprecated",
        "x-sunset",
        "dependentRequired",
        "dependentSchemas",
        "prefixItems",
        "unevaluatedProperties",
        "unevaluatedItems",
    }
)

Found = dict[str, tuple[Any, str]]


@dataclass
class _State:
    """What this module keeps about one document: the KEYWORDS it uses, and extras() by pointer."""

    resolver: Resolver
    present: frozenset[str]
    memo: dict[str, Found] = field(default_factory=dict)
    nodes: dict[str, Any] = field(default_factory=dict)


_STATES: list[_State] = []  # the most recent documents, newest first (a diff alternates two)
_BY_ID: dict[int, _State] = {}  # the same, by id() of the resolver (checked by identity)
_KEEP = 4
_EMPTY: Found = {}
_COMPOSED = frozenset({"$ref", "allOf", "anyOf", "oneOf"})
_LAST_PAIR: list[Any] = []  # [base, revision, union of their KEYWORDS]: the pair being compared


def _scan(doc: Any) -> frozenset[str]:
    """KEYWORDS used as keys anywhere in the document (one walk per diff and side: a document may
    be edited between two diffs, so nothing is remembered by document)."""
    seen: set[str] = set()
    stack: list[Any] = [doc]
    pop, push = stack.pop, stack.append
    while stack:  # loaded documents hold plain dicts and lists: exact type checks are the fast ones
        item = pop()
        children = item.values() if type(item) is dict else item
        if type(item) is dict and not KEYWORDS.isdisjoint(item):
            seen.update(KEYWORDS.intersection(item))
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                push(child)
    return frozenset(seen)


def _state(resolver: Resolver) -> _State:
    state = _BY_ID.get(id(resolver))
    if state is not None and state.resolver is resolver:
        return state
    state = _State(resolver, _scan(resolver.doc), nodes={"": resolver.doc})
    _STATES.insert(0, state)
    for old in _STATES[_KEEP:]:
        _BY_ID.pop(id(old.resolver), None)
    del _STATES[_KEEP:]
    _BY_ID[id(resolver)] = state
    return state


def present(resolver: Resolver) -> frozenset[str]:
    """The KEYWORDS used anywhere in the resolver's document (one walk per document): a handler
    whose keywords neither side uses has nothing to compare."""
    return _state(resolver).present


def _pair_keywords(base: Resolver, revision: Resolver) -> frozenset[str]:
    last = _LAST_PAIR
    if last and last[0] is base and last[1] is revision:
        union: frozenset[str] = last[2]
        return union
    union = _state(base).present | _state(revision).present
    _LAST_PAIR[:] = [base, revision, union]
    return union


SchemaHandler = Callable[[Sink, SchemaPair], None]


def dispatch(families: Sequence[tuple[SchemaHandler, frozenset[str]]]) -> SchemaHandler:
    """One schema handler for the families that only read KEYWORDS: per schema pair it runs those
    whose keywords either document uses (most documents use few or none), in the given order."""

    def run(sink: Sink, pair: SchemaPair) -> None:
        union = _pair_keywords(pair.base_resolver, pair.revision_resolver)
        if union:
            for handler, keys in families:
                if not union.isdisjoint(keys):
                    handler(sink, pair)

    return run


def _node(state: _State, ptr: str) -> Any:
    """The node at a JSON pointer, from its parent's (memoised: pointers share their prefixes)."""
    if ptr in state.nodes:
        return state.nodes[ptr]
    parent_ptr, _, token = ptr.rpartition("/")
    parent = _node(state, parent_ptr) if ptr.startswith("/") else None
    token = token.replace("~1", "/").replace("~0", "~")
    node: Any = None
    if isinstance(parent, dict):
        node = parent.get(token)
    elif isinstance(parent, list) and token.isdigit() and int(token) < len(parent):
        node = parent[int(token)]
    state.nodes[ptr] = node
    return node


def _is_null(node: Any) -> bool:
    return isinstance(node, dict) and node.get("type") == "null"


def extras(resolver: Resolver, ptr: str, node: Any = None) -> Found:
    """The KEYWORDS of the schema at `ptr` (a pointer into the resolver's document; `node` is the
    schema there when the caller has it)."""
    state = _state(resolver)
    found = state.memo.get(ptr)
    return found if found is not None else _extras(state, ptr, node)


def _extras(state: _State, ptr: str, node: Any) -> Found:
    memo = state.memo
    found = memo.get(ptr)
    if found is not None:
        return found
    if node is None:
        node = _node(state, ptr)
    if not isinstance(node, dict):
        memo[ptr] = _EMPTY
        return _EMPTY
    own = KEYWORDS.intersection(node) if not KEYWORDS.isdisjoint(node) else ()
    if _COMPOSED.isdisjoint(node):  # the common case: nothing to look through
        out: Found = {key: (node[key], ptr) for key in own} if own else _EMPTY
        memo[ptr] = out
        return out
    memo[ptr] = _EMPTY  # a cycle through allOf/$ref contributes nothing
    parts: list[tuple[str, Any]] = []
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        parts.append((ref[1:], None))
    all_of = node.get("allOf")
    if isinstance(all_of, list):
        parts += [(join(ptr, "allOf", i), part) for i, part in enumerate(all_of)]
    for key in ("anyOf", "oneOf"):
        branches = node.get(key)
        if isinstance(branches, list):
            kept = [i for i, b in enumerate(branches) if not _is_null(b)]
            if len(kept) == 1:
                parts.append((join(ptr, key, kept[0]), branches[kept[0]]))
    out = {}
    for part_ptr, part in parts:
        for key, value in _extras(state, part_ptr, part).items():
            out.setdefault(key, value)
    for key in own:
        out[key] = (node[key], ptr)
    memo[ptr] = out
    return out


def value(resolver: Resolver, ptr: str, key: str) -> Any:
    """One keyword's value at `ptr` (None when absent)."""
    hit = extras(resolver, ptr).get(key)
    return None if hit is None else hit[0]


def child_flag(resolver: Resolver, child: tuple[Any, str], key: str) -> bool:
    """True if a child schema (raw node, pointer), seen through its `$ref`, sets `key: true`."""
    if key not in _state(resolver).present:
        return False
    hit = extras(resolver, child[1], child[0]).get(key)
    return hit is not None and hit[0] is True
