"""Callbacks (operation unit): requests the server makes to the client, so directions flip: the
callback's request body is read by the client (compared as a response), what the client answers
is read by the server (compared as a request)."""

from __future__ import annotations

from typing import Any

from ...trim import HTTP_METHODS
from ..model import Direction, OpPair, SchemaWalker, Sink
from ..normalize import Resolver, join
from .request_body import content

CALLBACK_ADDED = "callback-added"
CALLBACK_REMOVED = "callback-removed"
CALLBACK_OPERATION_ADDED = "callback-operation-added"
CALLBACK_OPERATION_REMOVED = "callback-operation-removed"

Ops = dict[tuple[str, str], tuple[dict[str, Any], str]]


def _callbacks(resolver: Resolver, op: dict[str, Any], ptr: str) -> dict[str, tuple[Any, str]]:
    raw = op.get("callbacks")
    out: dict[str, tuple[Any, str]] = {}
    for name, value in (raw or {}).items() if isinstance(raw, dict) else ():
        out[str(name)] = resolver.deref(value, join(ptr, "callbacks", str(name)))
    return out


def path_item_operations(resolver: Resolver, callback: Any, ptr: str) -> Ops:
    """(runtime expression, method) -> (operation, pointer)."""
    out: Ops = {}
    for expression, raw in (callback or {}).items() if isinstance(callback, dict) else ():
        item, iptr = resolver.deref(raw, join(ptr, str(expression)))
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                out[(str(expression), method)] = (item[method], join(iptr, method))
    return out


def compare_flipped(
    walker: SchemaWalker,
    resolvers: tuple[Resolver, Resolver],
    sink: Sink,
    b: tuple[dict[str, Any], str],
    r: tuple[dict[str, Any], str],
) -> None:
    """Compare two operations the server makes to the client (callbacks, webhooks): the request body
    as a response, the answers as requests."""
    (b_op, b_ptr), (r_op, r_ptr) = b, r
    b_resolver, r_resolver = resolvers
    flips: tuple[tuple[str, Direction], ...] = (("requestBody", "response"), ("responses", "request"))
    for key, direction in flips:
        b_raw, r_raw = b_op.get(key), r_op.get(key)
        if not isinstance(b_raw, dict) or not isinstance(r_raw, dict):
            continue
        if key == "requestBody":
            pairs = [(b_raw, join(b_ptr, key), r_raw, join(r_ptr, key))]
        else:
            r_by = {str(k): v for k, v in r_raw.items()}
            pairs = [
                (v, join(b_ptr, key, str(k)), r_by[str(k)], join(r_ptr, key, str(k)))
                for k, v in b_raw.items()
                if str(k) in r_by
            ]
        for b_node, b_at, r_node, r_at in pairs:
            b_body, bp = b_resolver.deref(b_node, b_at)
            r_body, rp = r_resolver.deref(r_node, r_at)
            b_media = content(b_resolver, b_body, bp)
            r_media = content(r_resolver, r_body, rp)
            for media, (obj, ptr) in b_media.items():
                if media in r_media and "schema" in obj and "schema" in r_media[media][0]:
                    robj, rptr = r_media[media]
                    walker.schema(
                        sink,
                        obj["schema"],
                        join(ptr, "schema"),
                        robj["schema"],
                        join(rptr, "schema"),
                        direction,
                    )


def check(sink: Sink, op: OpPair) -> None:
    b_cbs = _callbacks(op.base_resolver, op.base, op.base_ptr)
    r_cbs = _callbacks(op.revision_resolver, op.revision, op.revision_ptr)
    for name, (callback, ptr) in b_cbs.items():
        if name not in r_cbs:
            sink.emit(CALLBACK_REMOVED, ptr, op.revision_ptr, name=name)
            continue
        r_callback, r_ptr = r_cbs[name]
        b_ops = path_item_operations(op.base_resolver, callback, ptr)
        r_ops = path_item_operations(op.revision_resolver, r_callback, r_ptr)
        for key, (_, optr) in b_ops.items():
            if key not in r_ops:
                sink.emit(
                    CALLBACK_OPERATION_REMOVED, optr, r_ptr, name=name, call=f"{key[1].upper()} {key[0]}"
                )
            else:
                resolvers = (op.base_resolver, op.revision_resolver)
                compare_flipped(op.walker, resolvers, sink, b_ops[key], r_ops[key])
        for key, (_, optr) in r_ops.items():
            if key not in b_ops:
                sink.emit(CALLBACK_OPERATION_ADDED, ptr, optr, name=name, call=f"{key[1].upper()} {key[0]}")
    for name, (_, ptr) in r_cbs.items():
        if name not in b_cbs:
            sink.emit(CALLBACK_ADDED, op.base_ptr, ptr, name=name)
