"""Object properties: added, removed, required flag, judged by direction.

A readOnly property is not sent in requests, so its `required` flag and its removal do not matter
there; likewise a writeOnly property in responses (rules/access.py reports the flags themselves).
"""

from __future__ import annotations

from ..model import SchemaPair, Sink
from .keywords import child_flag
from .sunset import property_schedule

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
    hidden = "readOnly" if request else "writeOnly"  # a property this direction never carries
    for name, b_child in b.properties.items():
        ptr = b_child[1]
        if name not in r.properties:
            if property_schedule(pair, b_child) is not None:
                continue  # deprecated with a sunset date: rules/sunset.py
            if not child_flag(pair.base_resolver, b_child, hidden):
                rule = REQUEST_PROPERTY_REMOVED if request else RESPONSE_PROPERTY_REMOVED
                sink.emit(rule, ptr, r.ptr, name=name)
            continue
        r_child = r.properties[name]
        was, now = name in b.required, name in r.required
        if was == now or child_flag(pair.base_resolver, b_child, hidden):
            continue
        if child_flag(pair.revision_resolver, r_child, hidden):
            continue
        if now:
            rule = REQUEST_PROPERTY_BECAME_REQUIRED if request else RESPONSE_PROPERTY_BECAME_REQUIRED
        else:
            rule = REQUEST_PROPERTY_BECAME_OPTIONAL if request else RESPONSE_PROPERTY_BECAME_OPTIONAL
        sink.emit(rule, ptr, r_child[1], name=name)
    for name, r_child in r.properties.items():
        if name in b.properties:
            continue
        if not request:
            rule = RESPONSE_PROPERTY_ADDED
        elif name in r.required and not child_flag(pair.revision_resolver, r_child, hidden):
            rule = REQUEST_PROPERTY_ADDED_REQUIRED
        else:
            rule = REQUEST_PROPERTY_ADDED_OPTIONAL
        sink.emit(rule, b.ptr, r_child[1], name=name)
