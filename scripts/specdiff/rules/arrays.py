"""Array `uniqueItems` (item counts are bounds: rules/bounds.py), judged by direction."""

from __future__ import annotations

from ..model import SchemaPair, Sink
from .keywords import value

USES = frozenset({"uniqueItems"})  # the keywords it reads (rules/keywords.py dispatch)

REQUEST_ITEMS_BECAME_UNIQUE = "request-items-became-unique"
REQUEST_ITEMS_NO_LONGER_UNIQUE = "request-items-no-longer-unique"
RESPONSE_ITEMS_NO_LONGER_UNIQUE = "response-items-no-longer-unique"
RESPONSE_ITEMS_BECAME_UNIQUE = "response-items-became-unique"


def check(sink: Sink, pair: SchemaPair) -> None:
    b, r = pair.base, pair.revision
    if b.items is None and r.items is None:
        return
    was = value(pair.base_resolver, b.ptr, "uniqueItems") is True
    now = value(pair.revision_resolver, r.ptr, "uniqueItems") is True
    if was == now:
        return
    if pair.direction == "request":
        rule = REQUEST_ITEMS_BECAME_UNIQUE if now else REQUEST_ITEMS_NO_LONGER_UNIQUE
    else:
        rule = RESPONSE_ITEMS_BECAME_UNIQUE if now else RESPONSE_ITEMS_NO_LONGER_UNIQUE
    sink.emit(rule, b.ptr, r.ptr)
