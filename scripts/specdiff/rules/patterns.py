"""String `pattern`: added, changed or removed, judged by direction (two regular expressions are not
compared for inclusion: a changed pattern is a warning either way)."""

from __future__ import annotations

from ..model import SchemaPair, Sink

REQUEST_PATTERN_ADDED = "request-pattern-added"
REQUEST_PATTERN_CHANGED = "request-pattern-changed"
REQUEST_PATTERN_REMOVED = "request-pattern-removed"
RESPONSE_PATTERN_ADDED = "response-pattern-added"
RESPONSE_PATTERN_CHANGED = "response-pattern-changed"
RESPONSE_PATTERN_REMOVED = "response-pattern-removed"


def check(sink: Sink, pair: SchemaPair) -> None:
    b, r = pair.base, pair.revision
    if b.variants or r.variants or b.pattern == r.pattern:
        return
    request = pair.direction == "request"
    if b.pattern is None:
        rule = REQUEST_PATTERN_ADDED if request else RESPONSE_PATTERN_ADDED
    elif r.pattern is None:
        rule = REQUEST_PATTERN_REMOVED if request else RESPONSE_PATTERN_REMOVED
    else:
        rule = REQUEST_PATTERN_CHANGED if request else RESPONSE_PATTERN_CHANGED
    sink.emit(rule, b.ptr, r.ptr, old=b.pattern or "none", new=r.pattern or "none")
