"""String `pattern`: added, removed, or changed and then decided by the strings each accepts
(scripts/specdiff/regex_lang.py): narrower in a request or wider in a response is breaking, the
same strings is no change, neither including the other stays a warning, and a pattern the automaton
library cannot read (lookarounds, backreferences, `\\p{...}`, over the work budget) is a warning
that says why."""

from __future__ import annotations

from ..model import SchemaPair, Sink
from ..regex_lang import Unreadable, compare

REQUEST_PATTERN_ADDED = "request-pattern-added"
REQUEST_PATTERN_NARROWED = "request-pattern-narrowed"
REQUEST_PATTERN_WIDENED = "request-pattern-widened"
REQUEST_PATTERN_CHANGED = "request-pattern-changed"
REQUEST_PATTERN_REMOVED = "request-pattern-removed"
RESPONSE_PATTERN_ADDED = "response-pattern-added"
RESPONSE_PATTERN_WIDENED = "response-pattern-widened"
RESPONSE_PATTERN_NARROWED = "response-pattern-narrowed"
RESPONSE_PATTERN_CHANGED = "response-pattern-changed"
RESPONSE_PATTERN_REMOVED = "response-pattern-removed"
SCHEMA_PATTERN_UNDECIDED = "schema-pattern-undecided"

_CHANGED = {
    ("request", "narrower"): REQUEST_PATTERN_NARROWED,
    ("request", "wider"): REQUEST_PATTERN_WIDENED,
    ("request", "incomparable"): REQUEST_PATTERN_CHANGED,
    ("response", "narrower"): RESPONSE_PATTERN_NARROWED,
    ("response", "wider"): RESPONSE_PATTERN_WIDENED,
    ("response", "incomparable"): RESPONSE_PATTERN_CHANGED,
}


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
        try:
            verdict = compare(b.pattern, r.pattern)
        except Unreadable as exc:
            sink.emit(SCHEMA_PATTERN_UNDECIDED, b.ptr, r.ptr, old=b.pattern, new=r.pattern, reason=exc)
            return
        if verdict == "equal":
            return  # another spelling of the same strings
        rule = _CHANGED["request" if request else "response", verdict]
    sink.emit(rule, b.ptr, r.ptr, old=b.pattern or "none", new=r.pattern or "none")
