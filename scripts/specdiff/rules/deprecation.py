"""Deprecation and removal schedules: `deprecated`, `x-sunset`, `Sunset`/`Deprecation` response
headers, `x-stability-level` (draft < alpha < beta < stable; absent means stable), as oasdiff reads
them.

Removing an operation that was announced (deprecated, or draft/alpha) is judged by its schedule:
before its `x-sunset` date it is still breaking, after it only informative. The one input that is
not in the documents is today's date (`today()`, the same clock oasdiff uses).
"""

from __future__ import annotations

import datetime
from typing import Any

from ..model import OpPair, SchemaPair, Sink, SpecPair
from ..normalize import join
from ..paths import operations, path_key
from .headers import LIFECYCLE, headers
from .keywords import child_flag

OPERATION_REACTIVATED = "operation-reactivated"
OPERATION_SUNSET_SET = "operation-sunset-set"
OPERATION_SUNSET_BROUGHT_FORWARD = "operation-sunset-brought-forward"
OPERATION_SUNSET_POSTPONED = "operation-sunset-postponed"
OPERATION_SUNSET_REMOVED = "operation-sunset-removed"
OPERATION_STABILITY_DECREASED = "operation-stability-decreased"
OPERATION_STABILITY_INCREASED = "operation-stability-increased"
OPERATION_DEPRECATION_HEADER_ADDED = "operation-deprecation-header-added"
OPERATION_DEPRECATION_HEADER_REMOVED = "operation-deprecation-header-removed"
OPERATION_REMOVED_AFTER_DEPRECATION = "operation-removed-after-deprecation"
OPERATION_REMOVED_BEFORE_SUNSET = "operation-removed-before-sunset"
OPERATION_REMOVED_AFTER_SUNSET = "operation-removed-after-sunset"
OPERATION_REMOVED_UNSTABLE = "operation-removed-unstable"
REQUEST_PARAMETER_DEPRECATED = "request-parameter-deprecated"
REQUEST_PROPERTY_DEPRECATED = "request-property-deprecated"
RESPONSE_PROPERTY_DEPRECATED = "response-property-deprecated"

PROPERTIES_USE = frozenset({"deprecated"})  # what check_properties reads (keywords dispatch)
STABILITY = {"draft": 0, "alpha": 1, "beta": 2, "stable": 3}
UNSTABLE = frozenset({"draft", "alpha"})


def today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


def stability(node: dict[str, Any]) -> str:
    """The operation's stability level; absent or unknown values count as stable."""
    level = node.get("x-stability-level")
    return level if isinstance(level, str) and level in STABILITY else "stable"


def sunset(node: dict[str, Any]) -> str | None:
    """The `x-sunset` date as written (YYYY-MM-DD, or an RFC 3339 timestamp), None when absent."""
    value = node.get("x-sunset")
    return None if value is None else str(value).strip()


def parse_date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _order(text: str) -> tuple[int, str]:
    """Sort key of a sunset: real dates by date (ISO text sorts so), unparseable ones last."""
    date = parse_date(text)
    return (0, date.isoformat()) if date is not None else (1, text)


def removal(op: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    """The rule for removing an announced operation (deprecated or unstable); None if it was not."""
    level = stability(op)
    if level in UNSTABLE:
        return OPERATION_REMOVED_UNSTABLE, {"stability": level}
    if op.get("deprecated") is not True:
        return None
    date = sunset(op)
    if date is None:
        return OPERATION_REMOVED_AFTER_DEPRECATION, {}
    parsed = parse_date(date)
    if parsed is not None and parsed <= today():
        return OPERATION_REMOVED_AFTER_SUNSET, {"date": date}
    return OPERATION_REMOVED_BEFORE_SUNSET, {"date": date}


def check_removed(sink: Sink, pair: SpecPair) -> None:
    """Announced operations that are gone: their path kept, or their path gone with only such ones."""
    rev_paths = {path_key(p) for p in pair.revision.get("paths") or {}}
    base_ops, rev_ops = operations(pair.base), operations(pair.revision)
    by_path: dict[str, list[tuple[str, dict[str, str]] | None]] = {}
    for (key, _), op in base_ops.items():
        by_path.setdefault(key, []).append(removal(op.node))
    for op_key, op in base_ops.items():
        if op_key in rev_ops:
            continue
        if op_key[0] not in rev_paths and None in by_path[op_key[0]]:
            continue  # the path is gone with an unannounced operation: path-removed (rules/endpoints.py)
        found = removal(op.node)
        if found is not None:
            rule, params = found
            sink.emit(rule, op.ptr, None, operation=op.label, label=op.label, **params)


def announced(base: dict[str, Any], path: str) -> bool:
    """True if every operation of a base path is announced for removal (rules/endpoints.py asks)."""
    ops = [op for (key, _), op in operations(base).items() if key == path]
    return bool(ops) and all(removal(op.node) is not None for op in ops)


def _lifecycle_headers(op: OpPair, side: str) -> dict[str, str]:
    """Lower-cased Sunset/Deprecation header name -> pointer of its first declaration."""
    node, root = (op.base, op.base_ptr) if side == "base" else (op.revision, op.revision_ptr)
    resolver = op.base_resolver if side == "base" else op.revision_resolver
    out: dict[str, str] = {}
    responses = node.get("responses")
    if not isinstance(responses, dict):
        return out
    for code, raw in responses.items():
        response, ptr = resolver.deref(raw, join(root, "responses", str(code)))
        for key, (_, hptr, _) in headers(resolver, response, ptr).items():
            if key in LIFECYCLE:
                out.setdefault(key, hptr)
    return out


def check(sink: Sink, op: OpPair) -> None:
    b, r = op.base, op.revision
    if b.get("deprecated") is True and r.get("deprecated") is not True:
        sink.emit(OPERATION_REACTIVATED, join(op.base_ptr, "deprecated"), op.revision_ptr)
    old, new = sunset(b), sunset(r)
    b_ptr, r_ptr = join(op.base_ptr, "x-sunset"), join(op.revision_ptr, "x-sunset")
    if old is None and new is not None:
        sink.emit(OPERATION_SUNSET_SET, op.base_ptr, r_ptr, date=new)
    elif old is not None and new is None:
        sink.emit(OPERATION_SUNSET_REMOVED, b_ptr, op.revision_ptr, date=old)
    elif old is not None and new is not None and _order(old) != _order(new):
        rule = OPERATION_SUNSET_BROUGHT_FORWARD if _order(new) < _order(old) else OPERATION_SUNSET_POSTPONED
        sink.emit(rule, b_ptr, r_ptr, old=old, new=new)
    b_level, r_level = stability(b), stability(r)
    if b_level != r_level:
        rule = (
            OPERATION_STABILITY_DECREASED
            if STABILITY[r_level] < STABILITY[b_level]
            else OPERATION_STABILITY_INCREASED
        )
        sink.emit(rule, op.base_ptr, op.revision_ptr, old=b_level, new=r_level)
    b_headers, r_headers = _lifecycle_headers(op, "base"), _lifecycle_headers(op, "revision")
    for header, ptr in r_headers.items():
        if header not in b_headers:
            sink.emit(OPERATION_DEPRECATION_HEADER_ADDED, op.base_ptr, ptr, header=header.capitalize())
    for header, ptr in b_headers.items():
        if header not in r_headers:
            sink.emit(OPERATION_DEPRECATION_HEADER_REMOVED, ptr, op.revision_ptr, header=header.capitalize())
    for key, (param, ptr) in op.base_params.items():
        if key in op.revision_params:
            rparam, rptr = op.revision_params[key]
            if rparam.get("deprecated") is True and param.get("deprecated") is not True:
                name = f"{rparam.get('name')} ({rparam.get('in')})"
                sink.emit(REQUEST_PARAMETER_DEPRECATED, ptr, join(rptr, "deprecated"), name=name)


def check_properties(sink: Sink, pair: SchemaPair) -> None:
    """Object properties newly marked deprecated (a schema's own `deprecated`, seen through `$ref`)."""
    b, r = pair.base, pair.revision
    if b.variants or r.variants or not b.properties:
        return
    rule = REQUEST_PROPERTY_DEPRECATED if pair.direction == "request" else RESPONSE_PROPERTY_DEPRECATED
    for name, b_child in b.properties.items():
        r_child = r.properties.get(name)
        if r_child is None:
            continue
        if child_flag(pair.revision_resolver, r_child, "deprecated") and not child_flag(
            pair.base_resolver, b_child, "deprecated"
        ):
            sink.emit(rule, b_child[1], r_child[1], name=name)
