"""Response `links` (operation unit): added, removed, or pointing elsewhere (target operation,
parameters, request body or server changed)."""

from __future__ import annotations

from typing import Any

from ..model import OpPair, Sink
from ..normalize import Resolver, canon, join
from .headers import responses_in_both

RESPONSE_LINK_ADDED = "response-link-added"
RESPONSE_LINK_REMOVED = "response-link-removed"
RESPONSE_LINK_CHANGED = "response-link-changed"

_MEANING = ("operationId", "operationRef", "parameters", "requestBody", "server")


def _links(resolver: Resolver, response: Any, ptr: str) -> dict[str, tuple[dict[str, Any], str]]:
    raw = response.get("links") if isinstance(response, dict) else None
    out: dict[str, tuple[dict[str, Any], str]] = {}
    for name, value in (raw or {}).items() if isinstance(raw, dict) else ():
        link, lptr = resolver.deref(value, join(ptr, "links", str(name)))
        if isinstance(link, dict):
            out[str(name)] = (link, lptr)
    return out


def _meaning(link: dict[str, Any]) -> str:
    return canon({k: link[k] for k in _MEANING if k in link})


def check(sink: Sink, op: OpPair) -> None:
    for status, b_node, b_ptr, r_node, r_ptr in responses_in_both(op):
        b_links = _links(op.base_resolver, b_node, b_ptr)
        r_links = _links(op.revision_resolver, r_node, r_ptr)
        for name, (link, ptr) in b_links.items():
            if name not in r_links:
                sink.emit(RESPONSE_LINK_REMOVED, ptr, r_ptr, name=name, status=status)
            elif _meaning(link) != _meaning(r_links[name][0]):
                sink.emit(RESPONSE_LINK_CHANGED, ptr, r_links[name][1], name=name, status=status)
        for name, (_, ptr) in r_links.items():
            if name not in b_links:
                sink.emit(RESPONSE_LINK_ADDED, b_ptr, ptr, name=name, status=status)
