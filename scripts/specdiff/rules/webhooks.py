"""Webhooks (OpenAPI 3.1 `webhooks`, spec unit): calls the API makes to its subscribers, so, as for
callbacks (rules/callbacks.py), directions flip: the webhook's request body is what the client
receives (compared as a response), the client's answer is what the server reads (compared as a
request). A webhook or one of its methods added is informative (nothing calls the client yet that
did not); removed, it is a warning: subscribers are no longer called, and their handlers go quiet."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..model import Sink, SpecPair
from ..normalize import Resolver
from .callbacks import compare_flipped, path_item_operations

WEBHOOK_ADDED = "webhook-added"
WEBHOOK_REMOVED = "webhook-removed"


def _hooks(
    resolver: Resolver | None, doc: dict[str, Any]
) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
    raw = doc.get("webhooks")
    if not isinstance(raw, dict) or resolver is None:
        return {}
    return path_item_operations(resolver, raw, "/webhooks")


def _label(key: tuple[str, str]) -> str:
    return f"WEBHOOK {key[0]} {key[1].upper()}"


def check(sink: Sink, pair: SpecPair) -> None:
    b_hooks = _hooks(pair.base_resolver, pair.base)
    r_hooks = _hooks(pair.revision_resolver, pair.revision)
    for key, (_, ptr) in b_hooks.items():
        if key not in r_hooks:
            sink.emit(WEBHOOK_REMOVED, ptr, None, operation=_label(key), name=key[0], method=key[1].upper())
    for key, (_, ptr) in r_hooks.items():
        if key not in b_hooks:
            sink.emit(WEBHOOK_ADDED, None, ptr, operation=_label(key), name=key[0], method=key[1].upper())
    if pair.walker is None or pair.base_resolver is None or pair.revision_resolver is None:
        return
    resolvers = (pair.base_resolver, pair.revision_resolver)
    for key in (k for k in b_hooks if k in r_hooks):
        local = Sink()
        compare_flipped(pair.walker, resolvers, local, b_hooks[key], r_hooks[key])
        sink.findings.extend(replace(f, operation=f.operation or _label(key)) for f in local.findings)
