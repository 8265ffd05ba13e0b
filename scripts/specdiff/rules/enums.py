"""Enumerations: values added or removed, enum introduced or lifted, judged by direction."""

from __future__ import annotations

from ..model import SchemaPair, Sink

RESPONSE_ENUM_VALUE_ADDED = "response-enum-value-added"
RESPONSE_ENUM_VALUE_REMOVED = "response-enum-value-removed"
REQUEST_ENUM_VALUE_ADDED = "request-enum-value-added"
REQUEST_ENUM_VALUE_REMOVED = "request-enum-value-removed"
REQUEST_ENUM_INTRODUCED = "request-enum-introduced"
REQUEST_ENUM_LIFTED = "request-enum-lifted"
RESPONSE_ENUM_INTRODUCED = "response-enum-introduced"
RESPONSE_ENUM_LIFTED = "response-enum-lifted"


def _show(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))


def check(sink: Sink, pair: SchemaPair) -> None:
    b, r = pair.base, pair.revision
    if b.variants or r.variants or b.enum == r.enum:
        return
    response = pair.direction == "response"
    if b.enum is None and r.enum is not None:
        rule = RESPONSE_ENUM_INTRODUCED if response else REQUEST_ENUM_INTRODUCED
        sink.emit(rule, b.ptr, r.ptr, values=_show(r.enum))
        return
    if r.enum is None and b.enum is not None:
        sink.emit(RESPONSE_ENUM_LIFTED if response else REQUEST_ENUM_LIFTED, b.ptr, r.ptr)
        return
    old, new = b.enum or frozenset(), r.enum or frozenset()
    added, removed = new - old, old - new
    if added:
        rule = RESPONSE_ENUM_VALUE_ADDED if response else REQUEST_ENUM_VALUE_ADDED
        sink.emit(rule, b.ptr, r.ptr, values=_show(added))
    if removed:
        rule = RESPONSE_ENUM_VALUE_REMOVED if response else REQUEST_ENUM_VALUE_REMOVED
        sink.emit(rule, b.ptr, r.ptr, values=_show(removed))
