"""Response headers: added, removed, required flag; their schemas are compared as responses.

Header names compare case-insensitively (HTTP field names are). `Content-Type` is not a header
object's business (OpenAPI ignores it), and `Sunset`/`Deprecation` announce a removal: they belong
to rules/deprecation.py. Request headers are `in: header` parameters (rules/parameters.py), matched
by lower-cased name as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import OpPair, Sink
from ..normalize import Resolver, join

RESPONSE_HEADER_ADDED = "response-header-added"
RESPONSE_REQUIRED_HEADER_REMOVED = "response-required-header-removed"
RESPONSE_OPTIONAL_HEADER_REMOVED = "response-optional-header-removed"
RESPONSE_HEADER_BECAME_OPTIONAL = "response-header-became-optional"
RESPONSE_HEADER_BECAME_REQUIRED = "response-header-became-required"

IGNORED = frozenset({"content-type"})
LIFECYCLE = frozenset({"sunset", "deprecation"})

Header = tuple[dict[str, Any], str, str]  # header object, pointer, name as written


def responses_in_both(op: OpPair) -> Iterator[tuple[str, Any, str, Any, str]]:
    """(status, base response, its pointer, revision response, its pointer) for shared statuses."""
    b_resp, r_resp = op.base.get("responses"), op.revision.get("responses")
    if not isinstance(b_resp, dict) or not isinstance(r_resp, dict):
        return
    r_by_status = {str(code): raw for code, raw in r_resp.items()}
    for code, raw in b_resp.items():
        status = str(code)
        if status not in r_by_status:
            continue
        b_node, b_ptr = op.base_resolver.deref(raw, join(op.base_ptr, "responses", status))
        r_node, r_ptr = op.revision_resolver.deref(
            r_by_status[status], join(op.revision_ptr, "responses", status)
        )
        yield status, b_node, b_ptr, r_node, r_ptr


def headers(resolver: Resolver, response: Any, ptr: str) -> dict[str, Header]:
    """Lower-cased header name -> (header object, pointer, name) of one response."""
    out: dict[str, Header] = {}
    raw = response.get("headers") if isinstance(response, dict) else None
    if not isinstance(raw, dict):
        return out
    for name, value in raw.items():
        header, hptr = resolver.deref(value, join(ptr, "headers", str(name)))
        if isinstance(header, dict):
            out[str(name).lower()] = (header, hptr, str(name))
    return out


def schema(header: dict[str, Any], ptr: str) -> tuple[Any, str] | None:
    """A header's schema: `schema`, else the one media type's `schema` under `content`."""
    if "schema" in header:
        return header["schema"], join(ptr, "schema")
    content = header.get("content")
    if isinstance(content, dict):
        for media, obj in content.items():
            if isinstance(obj, dict) and "schema" in obj:
                return obj["schema"], join(ptr, "content", str(media), "schema")
    return None


def _required(header: dict[str, Any]) -> bool:
    return header.get("required") is True


def check(sink: Sink, op: OpPair) -> None:
    for status, b_node, b_ptr, r_node, r_ptr in responses_in_both(op):
        b_headers = headers(op.base_resolver, b_node, b_ptr)
        r_headers = headers(op.revision_resolver, r_node, r_ptr)
        if not b_headers and not r_headers:
            continue
        for key, (header, ptr, name) in b_headers.items():
            if key in IGNORED or key in LIFECYCLE:
                continue
            if key not in r_headers:
                rule = (
                    RESPONSE_REQUIRED_HEADER_REMOVED
                    if _required(header)
                    else RESPONSE_OPTIONAL_HEADER_REMOVED
                )
                sink.emit(rule, ptr, r_ptr, name=name, status=status)
                continue
            rheader, rptr, rname = r_headers[key]
            if _required(header) and not _required(rheader):
                sink.emit(RESPONSE_HEADER_BECAME_OPTIONAL, ptr, rptr, name=rname, status=status)
            elif _required(rheader) and not _required(header):
                sink.emit(RESPONSE_HEADER_BECAME_REQUIRED, ptr, rptr, name=rname, status=status)
            b_schema, r_schema = schema(header, ptr), schema(rheader, rptr)
            if b_schema is not None and r_schema is not None:
                op.walker.schema(sink, *b_schema, *r_schema, "response")
        for key, (_, ptr, name) in r_headers.items():
            if key not in b_headers and key not in IGNORED and key not in LIFECYCLE:
                sink.emit(RESPONSE_HEADER_ADDED, b_ptr, ptr, name=name, status=status)
