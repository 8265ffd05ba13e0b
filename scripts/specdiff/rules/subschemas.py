"""Subschemas the canonical form does not fold: `not`, `if`/`then`/`else`, `patternProperties`.

Added or removed, they are judged by direction (each restricts the values it applies to). Present
on both sides, `then`, `else` and each pattern's schema are walked like properties (same direction,
findings at their own pointers); a `not` or an `if` is a condition, whose change in meaning (any
finding of the walker between the two) is reported as a change of the condition.
"""

from __future__ import annotations

from typing import Any

from ..model import SchemaPair, Sink
from ..normalize import join
from .keywords import Found, extras

USES = frozenset({"not", "if", "patternProperties"})  # the keywords it reads (rules/keywords.py dispatch)

REQUEST_NOT_ADDED = "request-not-added"
REQUEST_NOT_REMOVED = "request-not-removed"
RESPONSE_NOT_ADDED = "response-not-added"
RESPONSE_NOT_REMOVED = "response-not-removed"
SCHEMA_NOT_CHANGED = "schema-not-changed"
REQUEST_CONDITION_ADDED = "request-condition-added"
REQUEST_CONDITION_REMOVED = "request-condition-removed"
RESPONSE_CONDITION_ADDED = "response-condition-added"
RESPONSE_CONDITION_REMOVED = "response-condition-removed"
SCHEMA_CONDITION_CHANGED = "schema-condition-changed"
REQUEST_PATTERN_PROPERTY_ADDED = "request-pattern-property-added"
REQUEST_PATTERN_PROPERTY_REMOVED = "request-pattern-property-removed"
RESPONSE_PATTERN_PROPERTY_ADDED = "response-pattern-property-added"
RESPONSE_PATTERN_PROPERTY_REMOVED = "response-pattern-property-removed"

Sub = tuple[Any, str]  # (subschema, its pointer)


def _sub(found: Found, key: str) -> Sub | None:
    hit = found.get(key)
    return None if hit is None else (hit[0], join(hit[1], key))


def _differs(pair: SchemaPair, b: Sub, r: Sub) -> bool:
    """True if the walker finds any change between two subschemas."""
    if pair.walker is None:
        return False
    scratch = Sink()
    pair.walker.schema(scratch, *b, *r, pair.direction)
    return bool(scratch.findings)


def _presence(
    sink: Sink, pair: SchemaPair, b: Sub | None, r: Sub | None, rules: tuple[str, str, str, str]
) -> bool:
    """Report a subschema added or removed (rules: request added/removed, response added/removed);
    True when it is on both sides."""
    request = pair.direction == "request"
    if b is None and r is not None:
        sink.emit(rules[0] if request else rules[2], pair.base.ptr, r[1])
    elif b is not None and r is None:
        sink.emit(rules[1] if request else rules[3], b[1], pair.revision.ptr)
    return b is not None and r is not None


def check(sink: Sink, pair: SchemaPair) -> None:
    b_found = extras(pair.base_resolver, pair.base.ptr)
    r_found = extras(pair.revision_resolver, pair.revision.ptr)
    if not b_found and not r_found:
        return
    b_not, r_not = _sub(b_found, "not"), _sub(r_found, "not")
    not_rules = (REQUEST_NOT_ADDED, REQUEST_NOT_REMOVED, RESPONSE_NOT_ADDED, RESPONSE_NOT_REMOVED)
    if _presence(sink, pair, b_not, r_not, not_rules) and b_not and r_not and _differs(pair, b_not, r_not):
        sink.emit(SCHEMA_NOT_CHANGED, b_not[1], r_not[1])
    _conditional(sink, pair, b_found, r_found)
    _pattern_properties(sink, pair, b_found, r_found)


def _conditional(sink: Sink, pair: SchemaPair, b_found: Found, r_found: Found) -> None:
    b_if, r_if = _sub(b_found, "if"), _sub(r_found, "if")
    rules = (
        REQUEST_CONDITION_ADDED,
        REQUEST_CONDITION_REMOVED,
        RESPONSE_CONDITION_ADDED,
        RESPONSE_CONDITION_REMOVED,
    )
    if not _presence(sink, pair, b_if, r_if, rules) or b_if is None or r_if is None:
        return
    changed = _differs(pair, b_if, r_if)
    for key in ("then", "else"):
        b_branch, r_branch = _sub(b_found, key), _sub(r_found, key)
        if b_branch is not None and r_branch is not None:
            if pair.walker is not None:
                pair.walker.schema(sink, *b_branch, *r_branch, pair.direction)
        elif b_branch is not None or r_branch is not None:
            changed = True
    if changed:
        sink.emit(SCHEMA_CONDITION_CHANGED, b_if[1], r_if[1])


def _pattern_properties(sink: Sink, pair: SchemaPair, b_found: Found, r_found: Found) -> None:
    b_hit, r_hit = b_found.get("patternProperties"), r_found.get("patternProperties")
    b_map = b_hit[0] if b_hit is not None and isinstance(b_hit[0], dict) else {}
    r_map = r_hit[0] if r_hit is not None and isinstance(r_hit[0], dict) else {}
    if not b_map and not r_map:
        return
    request = pair.direction == "request"
    for pattern, schema in b_map.items():
        assert b_hit is not None
        b_ptr = join(b_hit[1], "patternProperties", str(pattern))
        if pattern not in r_map:
            rule = REQUEST_PATTERN_PROPERTY_REMOVED if request else RESPONSE_PATTERN_PROPERTY_REMOVED
            sink.emit(rule, b_ptr, pair.revision.ptr, pattern=pattern)
        elif pair.walker is not None:
            assert r_hit is not None
            r_ptr = join(r_hit[1], "patternProperties", str(pattern))
            pair.walker.schema(sink, schema, b_ptr, r_map[pattern], r_ptr, pair.direction)
    for pattern in r_map:
        if pattern not in b_map:
            assert r_hit is not None
            rule = REQUEST_PATTERN_PROPERTY_ADDED if request else RESPONSE_PATTERN_PROPERTY_ADDED
            sink.emit(rule, pair.base.ptr, join(r_hit[1], "patternProperties", str(pattern)), pattern=pattern)
