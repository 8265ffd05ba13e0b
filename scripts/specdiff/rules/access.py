"""readOnly / writeOnly on object properties, judged by direction.

A readOnly property is never sent (OpenAPI: "SHOULD NOT be sent as part of the request", and
`required` does not apply to it in requests); a writeOnly one is never returned.
"""

from __future__ import annotations

from ..model import SchemaPair, Sink
from .keywords import child_flag

USES = frozenset({"readOnly", "writeOnly"})  # the keywords it reads (rules/keywords.py dispatch)

REQUEST_PROPERTY_BECAME_READ_ONLY = "request-property-became-read-only"
REQUEST_PROPERTY_BECAME_WRITABLE = "request-property-became-writable"
REQUEST_REQUIRED_PROPERTY_BECAME_WRITABLE = "request-required-property-became-writable"
RESPONSE_PROPERTY_BECAME_WRITE_ONLY = "response-property-became-write-only"
RESPONSE_PROPERTY_NO_LONGER_WRITE_ONLY = "response-property-no-longer-write-only"


def check(sink: Sink, pair: SchemaPair) -> None:
    b, r = pair.base, pair.revision
    if b.variants or r.variants or not b.properties or not r.properties:
        return
    key = "readOnly" if pair.direction == "request" else "writeOnly"
    for name, b_child in b.properties.items():
        r_child = r.properties.get(name)
        if r_child is None:
            continue
        was = child_flag(pair.base_resolver, b_child, key)
        now = child_flag(pair.revision_resolver, r_child, key)
        if was == now:
            continue
        if pair.direction == "request":
            if now:
                rule = REQUEST_PROPERTY_BECAME_READ_ONLY
            elif name in r.required:
                rule = REQUEST_REQUIRED_PROPERTY_BECAME_WRITABLE
            else:
                rule = REQUEST_PROPERTY_BECAME_WRITABLE
        else:
            rule = RESPONSE_PROPERTY_BECAME_WRITE_ONLY if now else RESPONSE_PROPERTY_NO_LONGER_WRITE_ONLY
        sink.emit(rule, b_child[1], r_child[1], name=name)
