"""Request bodies: presence, required flag, media types; body schemas are compared as requests."""

from __future__ import annotations

from typing import Any

from ..model import OpPair, Sink
from ..normalize import Resolver, join

BODY_ADDED_REQUIRED = "request-body-added-required"
BODY_ADDED_OPTIONAL = "request-body-added-optional"
BODY_REMOVED = "request-body-removed"
BODY_BECAME_REQUIRED = "request-body-became-required"
BODY_BECAME_OPTIONAL = "request-body-became-optional"
MEDIA_TYPE_ADDED = "request-media-type-added"
MEDIA_TYPE_REMOVED = "request-media-type-removed"


def media_key(media: str) -> str:
    return media.split(";", 1)[0].strip().lower()


def content(resolver: Resolver, node: Any, ptr: str) -> dict[str, tuple[dict[str, Any], str]]:
    """media type (without parameters) -> (media type object, pointer)."""
    out: dict[str, tuple[dict[str, Any], str]] = {}
    raw = node.get("content") if isinstance(node, dict) else None
    for media, obj in (raw or {}).items():
        if isinstance(obj, dict):
            out[media_key(str(media))] = (obj, join(ptr, "content", str(media)))
    return out


def check(sink: Sink, op: OpPair) -> None:
    b_raw, r_raw = op.base.get("requestBody"), op.revision.get("requestBody")
    b_ptr, r_ptr = join(op.base_ptr, "requestBody"), join(op.revision_ptr, "requestBody")
    if b_raw is None and r_raw is None:
        return
    if r_raw is None:
        sink.emit(BODY_REMOVED, b_ptr, None)
        return
    r_body, r_ptr = op.revision_resolver.deref(r_raw, r_ptr)
    r_required = isinstance(r_body, dict) and r_body.get("required") is True
    if b_raw is None:
        sink.emit(BODY_ADDED_REQUIRED if r_required else BODY_ADDED_OPTIONAL, None, r_ptr)
        return
    b_body, b_ptr = op.base_resolver.deref(b_raw, b_ptr)
    b_required = isinstance(b_body, dict) and b_body.get("required") is True
    if r_required and not b_required:
        sink.emit(BODY_BECAME_REQUIRED, b_ptr, r_ptr)
    elif b_required and not r_required:
        sink.emit(BODY_BECAME_OPTIONAL, b_ptr, r_ptr)
    b_media = content(op.base_resolver, b_body, b_ptr)
    r_media = content(op.revision_resolver, r_body, r_ptr)
    for media, (obj, ptr) in b_media.items():
        if media not in r_media:
            sink.emit(MEDIA_TYPE_REMOVED, ptr, None, media=media)
            continue
        robj, rptr = r_media[media]
        if "schema" in obj and "schema" in robj:
            op.walker.schema(
                sink, obj["schema"], join(ptr, "schema"), robj["schema"], join(rptr, "schema"), "request"
            )
    for media, (_, ptr) in r_media.items():
        if media not in b_media:
            sink.emit(MEDIA_TYPE_ADDED, None, ptr, media=media)
