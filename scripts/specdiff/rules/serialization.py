"""Parameter serialization: `style` and `explode`, compared as the methods in effect (defaults
written out are no change; `explode` is no change for a value that is never an array or object),
and a query parameter's `allowReserved`."""

from __future__ import annotations

from typing import Any

from ..model import OpPair, Sink
from ..normalize import Resolver, join

REQUEST_PARAMETER_STYLE_CHANGED = "request-parameter-style-changed"
REQUEST_PARAMETER_EXPLODE_CHANGED = "request-parameter-explode-changed"
REQUEST_PARAMETER_BECAME_ALLOW_RESERVED = "request-parameter-became-allow-reserved"
REQUEST_PARAMETER_BECAME_NOT_ALLOW_RESERVED = "request-parameter-became-not-allow-reserved"

_SCALARS = frozenset({"string", "number", "integer", "boolean", "null"})


def method(param: dict[str, Any]) -> tuple[str, bool]:
    """(style, explode) in effect: form for query and cookie, simple otherwise; explode iff form."""
    style = param.get("style")
    if not isinstance(style, str):
        style = "form" if param.get("in") in ("query", "cookie") else "simple"
    explode = param.get("explode")
    return style, explode if isinstance(explode, bool) else style == "form"


def _scalar(resolver: Resolver, param: dict[str, Any], ptr: str) -> bool:
    if "schema" not in param:
        return False
    norm = resolver.norm(param["schema"], join(ptr, "schema"))
    return not norm.variants and norm.types is not None and norm.types <= _SCALARS


def check(sink: Sink, op: OpPair) -> None:
    for key, (param, ptr) in op.base_params.items():
        if key not in op.revision_params:
            continue
        rparam, rptr = op.revision_params[key]
        name = f"{rparam.get('name')} ({rparam.get('in')})"
        if param.get("in") == "query" and (param.get("allowReserved") is True) != (
            rparam.get("allowReserved") is True
        ):
            rule = (
                REQUEST_PARAMETER_BECAME_ALLOW_RESERVED
                if rparam.get("allowReserved") is True
                else REQUEST_PARAMETER_BECAME_NOT_ALLOW_RESERVED
            )
            sink.emit(rule, ptr, rptr, name=name)
        if "schema" not in param or "schema" not in rparam:
            continue  # a parameter described by `content` is serialized by its media type
        (old_style, old_explode), (new_style, new_explode) = method(param), method(rparam)
        if old_style != new_style:
            sink.emit(REQUEST_PARAMETER_STYLE_CHANGED, ptr, rptr, name=name, old=old_style, new=new_style)
        elif old_explode != new_explode and not (
            _scalar(op.base_resolver, param, ptr) and _scalar(op.revision_resolver, rparam, rptr)
        ):
            sink.emit(
                REQUEST_PARAMETER_EXPLODE_CHANGED,
                ptr,
                rptr,
                name=name,
                old=str(old_explode).lower(),
                new=str(new_explode).lower(),
            )
