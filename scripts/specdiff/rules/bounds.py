"""Numeric, length and size bounds: tightened or relaxed, judged by direction."""

from __future__ import annotations

from ..model import SchemaPair, Sink
from ..normalize import LOWER_BOUNDS, UPPER_BOUNDS

REQUEST_BOUND_TIGHTENED = "request-bound-tightened"
REQUEST_BOUND_RELAXED = "request-bound-relaxed"
RESPONSE_BOUND_RELAXED = "response-bound-relaxed"
RESPONSE_BOUND_TIGHTENED = "response-bound-tightened"


def _fmt(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if value == int(value) else str(value)


def check(sink: Sink, pair: SchemaPair) -> None:
    b, r = pair.base, pair.revision
    if b.variants or r.variants or b.bounds == r.bounds:
        return
    for key in (*LOWER_BOUNDS, *UPPER_BOUNDS):
        old, new = b.bounds.get(key), r.bounds.get(key)
        if old == new:
            continue
        if key in LOWER_BOUNDS:
            tighter = old is None or (new is not None and new > old)
        else:
            tighter = old is None or (new is not None and new < old)
        if pair.direction == "request":
            rule = REQUEST_BOUND_TIGHTENED if tighter else REQUEST_BOUND_RELAXED
        else:
            rule = RESPONSE_BOUND_TIGHTENED if tighter else RESPONSE_BOUND_RELAXED
        sink.emit(rule, b.ptr, r.ptr, bound=key, old=_fmt(old), new=_fmt(new))
