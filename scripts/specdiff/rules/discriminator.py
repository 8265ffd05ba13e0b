"""`discriminator` of a oneOf/anyOf: the property that names the alternative, and its value mapping
(values compared by the component they name). Generated clients dispatch on it in both directions.

A value that now names its alternative under another value (mapping key renamed, or dropped so that
the component's own name is the value) breaks both directions: a request or a response tagged with
the old value no longer dispatches. A value dropped with its alternative breaks a request (callers
still send it) and is informative in a response (the server no longer sends it). A new value is
informative in a request and breaking in a response (clients cannot dispatch it)."""

from __future__ import annotations

from typing import Any

from ..model import SchemaPair, Sink
from ..normalize import join
from .keywords import extras

USES = frozenset({"discriminator"})  # the keywords it reads (rules/keywords.py dispatch)

DISCRIMINATOR_ADDED = "discriminator-added"
DISCRIMINATOR_REMOVED = "discriminator-removed"
DISCRIMINATOR_PROPERTY_CHANGED = "discriminator-property-changed"
DISCRIMINATOR_VALUE_RENAMED = "discriminator-value-renamed"
REQUEST_DISCRIMINATOR_VALUE_REMOVED = "request-discriminator-value-removed"
RESPONSE_DISCRIMINATOR_VALUE_REMOVED = "response-discriminator-value-removed"
REQUEST_DISCRIMINATOR_VALUE_ADDED = "request-discriminator-value-added"
RESPONSE_DISCRIMINATOR_VALUE_ADDED = "response-discriminator-value-added"
DISCRIMINATOR_MAPPING_CHANGED = "discriminator-mapping-changed"


def _mapping(disc: dict[str, Any]) -> dict[str, str]:
    raw = disc.get("mapping")
    if not isinstance(raw, dict):
        return {}
    return {str(k): str(v).rsplit("/", 1)[-1] for k, v in raw.items()}


def check(sink: Sink, pair: SchemaPair) -> None:
    if not (pair.base.variants or pair.revision.variants):
        return  # no alternatives to name (a discriminator on an allOf base counts where it is used)
    b_hit = extras(pair.base_resolver, pair.base.ptr).get("discriminator")
    r_hit = extras(pair.revision_resolver, pair.revision.ptr).get("discriminator")
    if b_hit is None and r_hit is None:
        return
    if b_hit is None or not isinstance(b_hit[0], dict):
        if r_hit is not None and isinstance(r_hit[0], dict):
            sink.emit(
                DISCRIMINATOR_ADDED,
                pair.base.ptr,
                join(r_hit[1], "discriminator"),
                name=str(r_hit[0].get("propertyName")),
            )
        return
    b_disc, b_ptr = b_hit[0], join(b_hit[1], "discriminator")
    if r_hit is None or not isinstance(r_hit[0], dict):
        sink.emit(DISCRIMINATOR_REMOVED, b_ptr, pair.revision.ptr, name=str(b_disc.get("propertyName")))
        return
    r_disc, r_ptr = r_hit[0], join(r_hit[1], "discriminator")
    if b_disc.get("propertyName") != r_disc.get("propertyName"):
        sink.emit(
            DISCRIMINATOR_PROPERTY_CHANGED,
            b_ptr,
            r_ptr,
            old=str(b_disc.get("propertyName")),
            new=str(r_disc.get("propertyName")),
        )
    old, new = _mapping(b_disc), _mapping(r_disc)
    request = pair.direction == "request"
    renamed_to: set[str] = set()
    r_variants = _variant_names(pair)
    for key in sorted(old.keys() - new.keys()):
        target = old[key]
        keys = sorted(k for k, t in new.items() if t == target and k not in old)
        if keys or target in r_variants - set(new.values()):
            value = keys[0] if keys else target  # without a mapping entry, the component's name
            renamed_to.add(value)
            sink.emit(DISCRIMINATOR_VALUE_RENAMED, b_ptr, r_ptr, old=key, new=value, target=target)
        else:
            rule = REQUEST_DISCRIMINATOR_VALUE_REMOVED if request else RESPONSE_DISCRIMINATOR_VALUE_REMOVED
            sink.emit(rule, b_ptr, r_ptr, value=key, target=target)
    for key in sorted(new.keys() - old.keys() - renamed_to):
        rule = REQUEST_DISCRIMINATOR_VALUE_ADDED if request else RESPONSE_DISCRIMINATOR_VALUE_ADDED
        sink.emit(rule, b_ptr, r_ptr, value=key, target=new[key])
    for key in sorted(old.keys() & new.keys()):
        if old[key] != new[key]:
            sink.emit(DISCRIMINATOR_MAPPING_CHANGED, b_ptr, r_ptr, value=key, old=old[key], new=new[key])


def _variant_names(pair: SchemaPair) -> set[str]:
    """The component names of the revision's alternatives that are `$ref`s."""
    out = set()
    for node, _ in pair.revision.variants:
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            out.add(node["$ref"].rsplit("/", 1)[-1])
    return out
