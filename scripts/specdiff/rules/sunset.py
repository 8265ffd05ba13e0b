"""`x-sunset` on parameters and properties: removing a deprecated one is judged by its schedule, as
for operations (rules/deprecation.py). Before its sunset date the removal breaks what was promised
until then; on or after it, the removal was announced and is informative. Without `deprecated: true`
the date is not read (oasdiff's reading), and the plain removal rules apply."""

from __future__ import annotations

from typing import Any

from ..model import OpPair, SchemaPair, Sink
from . import deprecation
from .keywords import child_flag, extras, present

USES = frozenset({"x-sunset"})  # the keywords it reads (rules/keywords.py dispatch)

REQUEST_PARAMETER_REMOVED_BEFORE_SUNSET = "request-parameter-removed-before-sunset"
REQUEST_PARAMETER_REMOVED_AFTER_SUNSET = "request-parameter-removed-after-sunset"
REQUEST_PROPERTY_REMOVED_BEFORE_SUNSET = "request-property-removed-before-sunset"
REQUEST_PROPERTY_REMOVED_AFTER_SUNSET = "request-property-removed-after-sunset"
RESPONSE_PROPERTY_REMOVED_BEFORE_SUNSET = "response-property-removed-before-sunset"
RESPONSE_PROPERTY_REMOVED_AFTER_SUNSET = "response-property-removed-after-sunset"


def schedule(node: Any) -> tuple[bool, str] | None:
    """(passed, date) for a deprecated node with an `x-sunset`; None otherwise. An unreadable date
    counts as not passed (the removal stays breaking until the date can be read)."""
    if not isinstance(node, dict) or node.get("deprecated") is not True:
        return None
    date = deprecation.sunset(node)
    if date is None:
        return None
    parsed = deprecation.parse_date(date)
    return (parsed is not None and parsed <= deprecation.today()), date


def check_parameters(sink: Sink, op: OpPair) -> None:
    """Removed parameters that were deprecated with a sunset date."""
    for key, (param, ptr) in op.base_params.items():
        if key in op.revision_params:
            continue
        found = schedule(param)
        if found is not None:
            rule = (
                REQUEST_PARAMETER_REMOVED_AFTER_SUNSET
                if found[0]
                else REQUEST_PARAMETER_REMOVED_BEFORE_SUNSET
            )
            sink.emit(rule, ptr, None, name=f"{param.get('name')} ({param.get('in')})", date=found[1])


def property_schedule(pair: SchemaPair, child: tuple[Any, str]) -> tuple[bool, str] | None:
    """schedule() of a base property schema (seen through its `$ref`)."""
    if "x-sunset" not in present(pair.base_resolver):
        return None
    found = extras(pair.base_resolver, child[1], child[0])
    flags = {k: v[0] for k, v in found.items() if k in ("deprecated", "x-sunset")}
    return schedule(flags)


def check_properties(sink: Sink, pair: SchemaPair) -> None:
    """Removed properties that were deprecated with a sunset date (rules/properties.py leaves them)."""
    b, r = pair.base, pair.revision
    if b.variants or r.variants:
        return
    request = pair.direction == "request"
    hidden = "readOnly" if request else "writeOnly"  # never carried this way (rules/properties.py)
    for name, child in b.properties.items():
        if name in r.properties:
            continue
        found = property_schedule(pair, child)
        if found is None or child_flag(pair.base_resolver, child, hidden):
            continue
        if request:
            rule = (
                REQUEST_PROPERTY_REMOVED_AFTER_SUNSET if found[0] else REQUEST_PROPERTY_REMOVED_BEFORE_SUNSET
            )
        else:
            rule = (
                RESPONSE_PROPERTY_REMOVED_AFTER_SUNSET
                if found[0]
                else RESPONSE_PROPERTY_REMOVED_BEFORE_SUNSET
            )
        sink.emit(rule, child[1], r.ptr, name=name, date=found[1])
