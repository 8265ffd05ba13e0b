"""Format and default: changes that alter what is valid or what an omitted value means (patterns:
rules/patterns.py).

An integer `format` that grows (`int32` -> `int64`) in a response is breaking: a client that stores
the value in 32 bits overflows on the first large one. Shrinking it in a request is breaking too: a
value the client could send no longer fits. The other format changes stay a warning."""

from __future__ import annotations

from ..model import SchemaPair, Sink

SCHEMA_FORMAT_CHANGED = "schema-format-changed"
SCHEMA_FORMAT_ADDED = "schema-format-added"
SCHEMA_FORMAT_REMOVED = "schema-format-removed"
REQUEST_DEFAULT_CHANGED = "request-default-changed"
RESPONSE_INTEGER_FORMAT_WIDENED = "response-integer-format-widened"
REQUEST_INTEGER_FORMAT_NARROWED = "request-integer-format-narrowed"

INTEGER_BITS = {"int8": 8, "int16": 16, "int32": 32, "int64": 64}  # int8/int16: OpenAPI format registry


def check(sink: Sink, pair: SchemaPair) -> None:
    b, r = pair.base, pair.revision
    if b.variants or r.variants:
        return
    if b.format != r.format and b.types == r.types:
        if b.format is None:
            sink.emit(SCHEMA_FORMAT_ADDED, b.ptr, r.ptr, new=r.format)
        elif r.format is None:
            sink.emit(SCHEMA_FORMAT_REMOVED, b.ptr, r.ptr, old=b.format)
        else:
            sink.emit(_changed(b.format, r.format, pair.direction), b.ptr, r.ptr, old=b.format, new=r.format)
    if pair.direction == "request" and b.default != r.default and b.default is not None:
        sink.emit(REQUEST_DEFAULT_CHANGED, b.ptr, r.ptr, old=b.default, new=r.default or "none")


def _changed(old: str, new: str, direction: str) -> str:
    """The rule for a format changed from `old` to `new` (both stated)."""
    old_bits, new_bits = INTEGER_BITS.get(old), INTEGER_BITS.get(new)
    if old_bits is not None and new_bits is not None:
        if direction == "response" and new_bits > old_bits:
            return RESPONSE_INTEGER_FORMAT_WIDENED
        if direction == "request" and new_bits < old_bits:
            return REQUEST_INTEGER_FORMAT_NARROWED
    return SCHEMA_FORMAT_CHANGED
