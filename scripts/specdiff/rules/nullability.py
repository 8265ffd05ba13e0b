"""Nullability, whichever way each side spells it (3.0 `nullable`, 3.1 type list, null branch)."""

from __future__ import annotations

from ..model import SchemaPair, Sink

RESPONSE_BECAME_NULLABLE = "response-became-nullable"
RESPONSE_BECAME_NON_NULLABLE = "response-became-non-nullable"
REQUEST_BECAME_NULLABLE = "request-became-nullable"
REQUEST_BECAME_NON_NULLABLE = "request-became-non-nullable"


def check(sink: Sink, pair: SchemaPair) -> None:
    b, r = pair.base, pair.revision
    if b.nullable == r.nullable:
        return
    if pair.direction == "response":
        rule = RESPONSE_BECAME_NULLABLE if r.nullable else RESPONSE_BECAME_NON_NULLABLE
    else:
        rule = REQUEST_BECAME_NULLABLE if r.nullable else REQUEST_BECAME_NON_NULLABLE
    sink.emit(rule, b.ptr, r.ptr)
