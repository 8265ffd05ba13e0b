"""`prefixItems` (JSON Schema 2020-12, OpenAPI 3.1): a schema per leading position of an array (a
tuple). A position that gains a schema restricts the values there: breaking in a request,
informative in a response; a position that loses its schema is informative in a request and a
warning in a response (clients lose what they knew of it). Positions on both sides are walked like
properties (same direction, findings at `prefixItems/<i>`)."""

from __future__ import annotations

from typing import Any

from ..model import SchemaPair, Sink
from ..normalize import join
from .keywords import extras

USES = frozenset({"prefixItems"})  # rules/keywords.py dispatch

REQUEST_PREFIX_ITEM_ADDED = "request-prefix-item-added"
REQUEST_PREFIX_ITEM_REMOVED = "request-prefix-item-removed"
RESPONSE_PREFIX_ITEM_ADDED = "response-prefix-item-added"
RESPONSE_PREFIX_ITEM_REMOVED = "response-prefix-item-removed"


def _positions(found: dict[str, tuple[Any, str]]) -> tuple[list[Any], str]:
    hit = found.get("prefixItems")
    if hit is None or not isinstance(hit[0], list):
        return [], ""
    return hit[0], join(hit[1], "prefixItems")


def check(sink: Sink, pair: SchemaPair) -> None:
    b_items, b_at = _positions(extras(pair.base_resolver, pair.base.ptr))
    r_items, r_at = _positions(extras(pair.revision_resolver, pair.revision.ptr))
    if not b_items and not r_items:
        return
    request = pair.direction == "request"
    for i in range(max(len(b_items), len(r_items))):
        if i < len(b_items) and i < len(r_items):
            if pair.walker is not None:
                pair.walker.schema(sink, b_items[i], join(b_at, i), r_items[i], join(r_at, i), pair.direction)
        elif i < len(r_items):
            rule = REQUEST_PREFIX_ITEM_ADDED if request else RESPONSE_PREFIX_ITEM_ADDED
            sink.emit(rule, pair.base.ptr, join(r_at, i), position=i)
        else:
            rule = REQUEST_PREFIX_ITEM_REMOVED if request else RESPONSE_PREFIX_ITEM_REMOVED
            sink.emit(rule, join(b_at, i), pair.revision.ptr, position=i)
