"""Type changes, judged by direction: a request may widen, a response may narrow."""

from __future__ import annotations

from ..model import SchemaPair, Sink

REQUEST_TYPE_CHANGED = "request-type-changed"
REQUEST_TYPE_WIDENED = "request-type-widened"
RESPONSE_TYPE_CHANGED = "response-type-changed"
RESPONSE_TYPE_NARROWED = "response-type-narrowed"

ANY = frozenset({"any"})


def covers(wide: frozenset[str] | None, narrow: frozenset[str] | None) -> bool:
    """True if every value of a type in `narrow` is a value of a type in `wide` (None: any type)."""
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _show(types: frozenset[str] | None) -> str:
    return "|".join(sorted(types or ANY))


def check(sink: Sink, pair: SchemaPair) -> None:
    b, r = pair.base, pair.revision
    if b.variants or r.variants or b.types == r.types:
        return
    old, new = _show(b.types), _show(r.types)
    if pair.direction == "request":
        if not covers(r.types, b.types):
            sink.emit(REQUEST_TYPE_CHANGED, b.ptr, r.ptr, old=old, new=new)
        else:
            sink.emit(REQUEST_TYPE_WIDENED, b.ptr, r.ptr, old=old, new=new)
    elif not covers(b.types, r.types):
        sink.emit(RESPONSE_TYPE_CHANGED, b.ptr, r.ptr, old=old, new=new)
    else:
        sink.emit(RESPONSE_TYPE_NARROWED, b.ptr, r.ptr, old=old, new=new)
