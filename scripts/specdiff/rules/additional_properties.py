"""`additionalProperties` of an object: closed (`false`) < constrained (a schema) < open (absent,
`true`, `{}`); tightening breaks requests, loosening surprises closed response models. Two schemas
are compared property by property by the walker, not here."""

from __future__ import annotations

from typing import Any

from ..model import SchemaPair, Sink
from ..normalize import Norm
from .keywords import value

USES = frozenset({"additionalProperties"})  # the keywords it reads (rules/keywords.py dispatch)

REQUEST_ADDITIONAL_PROPERTIES_TIGHTENED = "request-additional-properties-tightened"
REQUEST_ADDITIONAL_PROPERTIES_LOOSENED = "request-additional-properties-loosened"
RESPONSE_ADDITIONAL_PROPERTIES_LOOSENED = "response-additional-properties-loosened"
RESPONSE_ADDITIONAL_PROPERTIES_TIGHTENED = "response-additional-properties-tightened"

RANK = {"false": 0, "a schema": 1, "any": 2}


def kind(raw: Any) -> str:
    if raw is False:
        return "false"
    if isinstance(raw, dict) and any(not (k.startswith("x-") or k in ("description", "title")) for k in raw):
        return "a schema"
    return "any"


def _object(n: Norm) -> bool:
    return n.types is not None and "object" in n.types and not n.variants


def check(sink: Sink, pair: SchemaPair) -> None:
    b, r = pair.base, pair.revision
    if not (_object(b) and _object(r)):
        return
    old_raw = value(pair.base_resolver, b.ptr, "additionalProperties")
    new_raw = value(pair.revision_resolver, r.ptr, "additionalProperties")
    if isinstance(old_raw, dict) and isinstance(new_raw, dict):
        return
    old, new = kind(old_raw), kind(new_raw)
    if old == new:
        return
    tighter = RANK[new] < RANK[old]
    if pair.direction == "request":
        rule = REQUEST_ADDITIONAL_PROPERTIES_TIGHTENED if tighter else REQUEST_ADDITIONAL_PROPERTIES_LOOSENED
    else:
        rule = (
            RESPONSE_ADDITIONAL_PROPERTIES_TIGHTENED if tighter else RESPONSE_ADDITIONAL_PROPERTIES_LOOSENED
        )
    sink.emit(rule, b.ptr, r.ptr, old=old, new=new)
