"""Security requirements (operation's own, else global): alternatives added or removed."""

from __future__ import annotations

from ..model import OpPair, Sink

SECURITY_ADDED = "security-added"
SECURITY_REMOVED = "security-removed"
SECURITY_ALTERNATIVE_ADDED = "security-alternative-added"
SECURITY_ALTERNATIVE_REMOVED = "security-alternative-removed"


def _name(alternative: frozenset[str]) -> str:
    return " + ".join(sorted(alternative)) or "(anonymous)"


def check(sink: Sink, op: OpPair) -> None:
    base, rev = op.base_security, op.revision_security
    b_ptr, r_ptr = op.base_security_ptr, op.revision_security_ptr
    if base == rev or (base is not None and rev is not None and set(base) == set(rev)):
        return
    if base is None and rev is not None:
        if frozenset() not in rev:
            sink.emit(SECURITY_ADDED, None, r_ptr, schemes=", ".join(_name(a) for a in rev))
        return
    if rev is None:
        sink.emit(SECURITY_REMOVED, b_ptr, None)
        return
    assert base is not None
    for alternative in base:
        if alternative not in rev:
            sink.emit(SECURITY_ALTERNATIVE_REMOVED, b_ptr, r_ptr, alternative=_name(alternative))
    for alternative in rev:
        if alternative not in base:
            sink.emit(SECURITY_ALTERNATIVE_ADDED, b_ptr, r_ptr, alternative=_name(alternative))
