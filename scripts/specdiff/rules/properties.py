"""Object properties: added, removed, required flag, judged by direction."""

from __future__ import annotations

from ..model import SchemaPair, Sink

REQUEST_PROPERTY_ADDED_REQUIRED = "request-property-added-required"
REQUEST_PROPERTY_ADDED_OPTIONAL = "request-property-added-optional"
REQUEST_PROPERTY_REMOVED = "request-property-removed"
REQUEST_PROPERTY_BECAME_REQUIRED = "request-property-became-required"
REQUEST_PROPERTY_BECAME_OPTIONAL = "request-property-became-optional"
RESPONSE_PROPERTY_ADDED = "response-property-added"
RESPONSE_PROPERTY_REMOVED = "response-property-removed"
RESPONSE_PROPERTY_BECAME_OPTIONAL = "response-property-became-optional"
RESPONSE_PROPERTY_BECAME_REQUIRED = "response-property-became-required"


def check(sink: Sink, pair: SchemaPair) -> None:
    b, r = pair.base, pair.revision
    if b.variants or r.variants:
        return
    request = pair.direction == "request"
    for name, (_, ptr) in b.properties.items():
        if name not in r.properties:
            sink.emit(
                REQUEST_PROPERTY_REMOVED if request else RESPONSE_PROPERTY_REMOVED, ptr, r.ptr, name=name
            )
            continue
        rptr = r.properties[name][1]
        was, now = name in b.required, name in r.required
        if now and not was:
            rule = REQUEST_PROPERTY_BECAME_REQUIRED if request else RESPONSE_PROPERTY_BECAME_REQUIRED
            sink.emit(rule, ptr, rptr, name=name)
        elif was and not now:
            rule = REQUEST_PROPERTY_BECAME_OPTIONAL if request else RESPONSE_PROPERTY_BECAME_OPTIONAL
            sink.emit(rule, ptr, rptr, name=name)
    for name, (_, ptr) in r.properties.items():
        if name in b.properties:
            continue
        if not request:
            rule = RESPONSE_PROPERTY_ADDED
        elif name in r.required:
            rule = REQUEST_PROPERTY_ADDED_REQUIRED
        else:
            rule = REQUEST_PROPERTY_ADDED_OPTIONAL
        sink.emit(rule, b.ptr, ptr, name=name)
