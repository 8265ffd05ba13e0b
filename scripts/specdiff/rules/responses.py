"""Responses: status codes (success vs error), media types; schemas are compared as responses.

Removing the `default` response is breaking: it bounds every status the operation does not list
(errors above all), and clients parse those errors with its schema; without it an undocumented
status may carry any body. Removing one listed error status is informative (the default, or the
client's generic handling, still covers it)."""

from __future__ import annotations

from ..model import OpPair, Sink
from ..normalize import join
from .request_body import content

SUCCESS_STATUS_ADDED = "response-success-status-added"
SUCCESS_STATUS_REMOVED = "response-success-status-removed"
ERROR_STATUS_ADDED = "response-error-status-added"
ERROR_STATUS_REMOVED = "response-error-status-removed"
MEDIA_TYPE_ADDED = "response-media-type-added"
MEDIA_TYPE_REMOVED = "response-media-type-removed"
DEFAULT_REMOVED = "response-default-removed"


def is_success(status: str) -> bool:
    return status.upper().startswith("2")


def check(sink: Sink, op: OpPair) -> None:
    b_resp = op.base.get("responses") or {}
    r_resp = op.revision.get("responses") or {}
    b_root, r_root = join(op.base_ptr, "responses"), join(op.revision_ptr, "responses")
    for code, raw in b_resp.items():
        status = str(code)
        if status not in {str(s) for s in r_resp}:
            if status == "default":
                rule = DEFAULT_REMOVED
            else:
                rule = SUCCESS_STATUS_REMOVED if is_success(status) else ERROR_STATUS_REMOVED
            sink.emit(rule, join(b_root, status), None, status=status)
            continue
        rraw = r_resp[status] if status in r_resp else r_resp[int(status)]
        b_node, b_ptr = op.base_resolver.deref(raw, join(b_root, status))
        r_node, r_ptr = op.revision_resolver.deref(rraw, join(r_root, status))
        b_media = content(op.base_resolver, b_node, b_ptr)
        r_media = content(op.revision_resolver, r_node, r_ptr)
        for media, (obj, ptr) in b_media.items():
            if media not in r_media:
                if is_success(status):
                    sink.emit(MEDIA_TYPE_REMOVED, ptr, None, media=media, status=status)
                continue
            robj, rptr = r_media[media]
            if "schema" in obj and "schema" in robj:
                op.walker.schema(
                    sink, obj["schema"], join(ptr, "schema"), robj["schema"], join(rptr, "schema"), "response"
                )
        for media, (_, ptr) in r_media.items():
            if media not in b_media:
                sink.emit(MEDIA_TYPE_ADDED, None, ptr, media=media, status=status)
    for code in r_resp:
        status = str(code)
        if status not in {str(s) for s in b_resp}:
            rule = SUCCESS_STATUS_ADDED if is_success(status) else ERROR_STATUS_ADDED
            sink.emit(rule, None, join(r_root, status), status=status)
