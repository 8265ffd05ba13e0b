"""`dependentRequired` and `dependentSchemas` (JSON Schema 2020-12, OpenAPI 3.1): what an object must
also hold, or satisfy, when a given property is present. A new dependency restricts the values it
applies to: breaking in a request, informative in a response; a dependency lifted is informative in
a request, and in a response clients lose a guarantee (a required one: breaking, like a property
that became optional; a schema: a warning, like a lifted `not`). A dependent schema on both sides
is walked like a property (same direction, findings at its own pointer)."""

from __future__ import annotations

from typing import Any

from ..model import SchemaPair, Sink
from ..normalize import join
from .keywords import extras

USES = frozenset({"dependentRequired", "dependentSchemas"})  # rules/keywords.py dispatch

REQUEST_DEPENDENT_REQUIRED_ADDED = "request-dependent-required-added"
REQUEST_DEPENDENT_REQUIRED_REMOVED = "request-dependent-required-removed"
RESPONSE_DEPENDENT_REQUIRED_ADDED = "response-dependent-required-added"
RESPONSE_DEPENDENT_REQUIRED_REMOVED = "response-dependent-required-removed"
REQUEST_DEPENDENT_SCHEMA_ADDED = "request-dependent-schema-added"
REQUEST_DEPENDENT_SCHEMA_REMOVED = "request-dependent-schema-removed"
RESPONSE_DEPENDENT_SCHEMA_ADDED = "response-dependent-schema-added"
RESPONSE_DEPENDENT_SCHEMA_REMOVED = "response-dependent-schema-removed"


def _map(found: dict[str, tuple[Any, str]], key: str) -> tuple[dict[str, Any], str | None]:
    hit = found.get(key)
    if hit is None or not isinstance(hit[0], dict):
        return {}, None
    return {str(k): v for k, v in hit[0].items()}, join(hit[1], key)


def _names(raw: Any) -> frozenset[str]:
    return frozenset(str(n) for n in raw) if isinstance(raw, list) else frozenset()


def check(sink: Sink, pair: SchemaPair) -> None:
    b_found = extras(pair.base_resolver, pair.base.ptr)
    r_found = extras(pair.revision_resolver, pair.revision.ptr)
    if not b_found and not r_found:
        return
    request = pair.direction == "request"
    b_req, b_at = _map(b_found, "dependentRequired")
    r_req, r_at = _map(r_found, "dependentRequired")
    for trigger in sorted(b_req.keys() | r_req.keys()):
        old, new = _names(b_req.get(trigger)), _names(r_req.get(trigger))
        at_b = join(b_at, trigger) if b_at and trigger in b_req else pair.base.ptr
        at_r = join(r_at, trigger) if r_at and trigger in r_req else pair.revision.ptr
        if new - old:
            rule = REQUEST_DEPENDENT_REQUIRED_ADDED if request else RESPONSE_DEPENDENT_REQUIRED_ADDED
            sink.emit(rule, at_b, at_r, trigger=trigger, names=", ".join(sorted(new - old)))
        if old - new:
            rule = REQUEST_DEPENDENT_REQUIRED_REMOVED if request else RESPONSE_DEPENDENT_REQUIRED_REMOVED
            sink.emit(rule, at_b, at_r, trigger=trigger, names=", ".join(sorted(old - new)))
    b_sch, b_sat = _map(b_found, "dependentSchemas")
    r_sch, r_sat = _map(r_found, "dependentSchemas")
    for trigger in sorted(b_sch.keys() | r_sch.keys()):
        if trigger in b_sch and trigger in r_sch:
            assert b_sat is not None
            assert r_sat is not None
            if pair.walker is not None:
                pair.walker.schema(
                    sink,
                    b_sch[trigger],
                    join(b_sat, trigger),
                    r_sch[trigger],
                    join(r_sat, trigger),
                    pair.direction,
                )
        elif trigger in r_sch:
            assert r_sat is not None
            rule = REQUEST_DEPENDENT_SCHEMA_ADDED if request else RESPONSE_DEPENDENT_SCHEMA_ADDED
            sink.emit(rule, pair.base.ptr, join(r_sat, trigger), trigger=trigger)
        else:
            assert b_sat is not None
            rule = REQUEST_DEPENDENT_SCHEMA_REMOVED if request else RESPONSE_DEPENDENT_SCHEMA_REMOVED
            sink.emit(rule, join(b_sat, trigger), pair.revision.ptr, trigger=trigger)
