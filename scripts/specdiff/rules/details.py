"""Format and default: changes that alter what is valid or what an omitted value means (patterns:
rules/patterns.py)."""

from __future__ import annotations

from ..model import SchemaPair, Sink

SCHEMA_FORMAT_CHANGED = "schema-format-changed"
SCHEMA_FORMAT_ADDED = "schema-format-added"
SCHEMA_FORMAT_REMOVED = "schema-format-removed"
REQUEST_DEFAULT_CHANGED = "request-default-changed"


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
            sink.emit(SCHEMA_FORMAT_CHANGED, b.ptr, r.ptr, old=b.format, new=r.format)
    if pair.direction == "request" and b.default != r.default and b.default is not None:
        sink.emit(REQUEST_DEFAULT_CHANGED, b.ptr, r.ptr, old=b.default, new=r.default or "none")
