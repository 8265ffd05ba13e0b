"""`unevaluatedProperties` / `unevaluatedItems` (JSON Schema 2020-12, OpenAPI 3.1): what is allowed
beyond the properties or items some subschema (`allOf` parts included) evaluated. Read like
`additionalProperties` (rules/additional_properties.py): closed (`false`) < constrained (a schema) <
open (absent, `true`, `{}`); tightening breaks requests, loosening surprises closed response
models. Two schemas are walked (same direction, findings at their own pointer)."""

from __future__ import annotations

from ..model import SchemaPair, Sink
from ..normalize import join
from .additional_properties import RANK, kind
from .keywords import extras

USES = frozenset({"unevaluatedProperties", "unevaluatedItems"})  # rules/keywords.py dispatch

REQUEST_UNEVALUATED_TIGHTENED = "request-unevaluated-tightened"
REQUEST_UNEVALUATED_LOOSENED = "request-unevaluated-loosened"
RESPONSE_UNEVALUATED_LOOSENED = "response-unevaluated-loosened"
RESPONSE_UNEVALUATED_TIGHTENED = "response-unevaluated-tightened"


def check(sink: Sink, pair: SchemaPair) -> None:
    b_found = extras(pair.base_resolver, pair.base.ptr)
    r_found = extras(pair.revision_resolver, pair.revision.ptr)
    if not b_found and not r_found:
        return
    for key in sorted(USES):
        b_hit, r_hit = b_found.get(key), r_found.get(key)
        if b_hit is None and r_hit is None:
            continue
        old_raw = None if b_hit is None else b_hit[0]
        new_raw = None if r_hit is None else r_hit[0]
        b_at = pair.base.ptr if b_hit is None else join(b_hit[1], key)
        r_at = pair.revision.ptr if r_hit is None else join(r_hit[1], key)
        if isinstance(old_raw, dict) and isinstance(new_raw, dict):
            if pair.walker is not None:
                pair.walker.schema(sink, old_raw, b_at, new_raw, r_at, pair.direction)
            continue
        old, new = kind(old_raw), kind(new_raw)
        if old == new:
            continue
        tighter = RANK[new] < RANK[old]
        if pair.direction == "request":
            rule = REQUEST_UNEVALUATED_TIGHTENED if tighter else REQUEST_UNEVALUATED_LOOSENED
        else:
            rule = RESPONSE_UNEVALUATED_TIGHTENED if tighter else RESPONSE_UNEVALUATED_LOOSENED
        sink.emit(rule, b_at, r_at, keyword=key, old=old, new=new)
