"""`x-extensible-enum` (Zalando's open enum): the known values of a value that may take others.

Clients must accept unknown values of an extensible enum, so a response gaining one is harmless; a
request losing one is not (callers sending it may be rejected).
"""

from __future__ import annotations

from typing import Any

from ..model import SchemaPair, Sink
from ..normalize import canon
from .keywords import value

USES = frozenset({"x-extensible-enum"})  # the keywords it reads (rules/keywords.py dispatch)

REQUEST_EXTENSIBLE_ENUM_VALUE_REMOVED = "request-extensible-enum-value-removed"
REQUEST_EXTENSIBLE_ENUM_VALUE_ADDED = "request-extensible-enum-value-added"
RESPONSE_EXTENSIBLE_ENUM_VALUE_ADDED = "response-extensible-enum-value-added"
RESPONSE_EXTENSIBLE_ENUM_VALUE_REMOVED = "response-extensible-enum-value-removed"


def _values(raw: Any) -> frozenset[str] | None:
    return frozenset(canon(v) for v in raw) if isinstance(raw, list) else None


def check(sink: Sink, pair: SchemaPair) -> None:
    b, r = pair.base, pair.revision
    old = _values(value(pair.base_resolver, b.ptr, "x-extensible-enum"))
    new = _values(value(pair.revision_resolver, r.ptr, "x-extensible-enum"))
    if old is None or new is None or old == new:
        return  # introducing or dropping the list says nothing about accepted values
    request = pair.direction == "request"
    if new - old:
        rule = REQUEST_EXTENSIBLE_ENUM_VALUE_ADDED if request else RESPONSE_EXTENSIBLE_ENUM_VALUE_ADDED
        sink.emit(rule, b.ptr, r.ptr, values=", ".join(sorted(new - old)))
    if old - new:
        rule = REQUEST_EXTENSIBLE_ENUM_VALUE_REMOVED if request else RESPONSE_EXTENSIBLE_ENUM_VALUE_REMOVED
        sink.emit(rule, b.ptr, r.ptr, values=", ".join(sorted(old - new)))
