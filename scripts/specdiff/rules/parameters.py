"""Request parameters: added, removed, required flag; their schemas are compared as requests."""

from __future__ import annotations

from ..model import OpPair, Sink
from ..normalize import join
from .sunset import schedule

PARAMETER_ADDED_REQUIRED = "request-parameter-added-required"
PARAMETER_ADDED_OPTIONAL = "request-parameter-added-optional"
PARAMETER_REMOVED = "request-parameter-removed"
PARAMETER_REMOVED_AFTER_DEPRECATION = "request-parameter-removed-after-deprecation"
PARAMETER_BECAME_REQUIRED = "request-parameter-became-required"
PARAMETER_BECAME_OPTIONAL = "request-parameter-became-optional"


def _required(param: dict[str, object]) -> bool:
    return param.get("required") is True or param.get("in") == "path"


def check(sink: Sink, op: OpPair) -> None:
    for key, (param, ptr) in op.base_params.items():
        name = f"{param.get('name')} ({param.get('in')})"
        if key not in op.revision_params:
            if schedule(param) is not None:
                continue  # a deprecated parameter with a sunset date: rules/sunset.py
            deprecated = param.get("deprecated") is True
            sink.emit(
                PARAMETER_REMOVED_AFTER_DEPRECATION if deprecated else PARAMETER_REMOVED, ptr, None, name=name
            )
            continue
        rparam, rptr = op.revision_params[key]
        if _required(rparam) and not _required(param):
            sink.emit(PARAMETER_BECAME_REQUIRED, ptr, rptr, name=name)
        elif _required(param) and not _required(rparam):
            sink.emit(PARAMETER_BECAME_OPTIONAL, ptr, rptr, name=name)
        if "schema" in param and "schema" in rparam:
            op.walker.schema(
                sink, param["schema"], join(ptr, "schema"), rparam["schema"], join(rptr, "schema"), "request"
            )
    for key, (param, ptr) in op.revision_params.items():
        if key not in op.base_params:
            name = f"{param.get('name')} ({param.get('in')})"
            rule = PARAMETER_ADDED_REQUIRED if _required(param) else PARAMETER_ADDED_OPTIONAL
            sink.emit(rule, None, ptr, name=name)
