"""anyOf/oneOf alternatives (null branches excepted): matched by component name or type shape."""

from __future__ import annotations

from ..model import SchemaPair, Sink
from ..normalize import Norm
from .types import covers

RESPONSE_VARIANT_ADDED = "response-variant-added"
RESPONSE_VARIANT_REMOVED = "response-variant-removed"
REQUEST_VARIANT_ADDED = "request-variant-added"
REQUEST_VARIANT_REMOVED = "request-variant-removed"


def _shape(n: Norm) -> str:
    if n.ref:
        return f"ref:{n.ref}"
    types = ",".join(sorted(n.types)) if n.types is not None else "any"
    return f"{types}:enum" if n.enum is not None else types


def _keyed(norms: list[Norm]) -> dict[str, Norm]:
    out: dict[str, Norm] = {}
    for n in norms:
        key, i = _shape(n), 1
        while key in out:
            i += 1
            key = f"{_shape(n)}#{i}"
        out[key] = n
    return out


def _alternatives(pair_side: Norm, resolver_norms: list[Norm]) -> list[Norm]:
    return resolver_norms if pair_side.variants else [pair_side]


def match(pair: SchemaPair) -> tuple[list[tuple[Norm, Norm]], list[Norm], list[Norm]]:
    """(matched pairs, base-only, revision-only) alternatives of a schema pair."""
    b_alts = _alternatives(pair.base, [pair.base_resolver.norm(*c) for c in pair.base.variants])
    r_alts = _alternatives(pair.revision, [pair.revision_resolver.norm(*c) for c in pair.revision.variants])
    b_keyed, r_keyed = _keyed(b_alts), _keyed(r_alts)
    matched = [(b_keyed[k], r_keyed[k]) for k in b_keyed if k in r_keyed]
    b_only = [n for k, n in b_keyed.items() if k not in r_keyed]
    r_only = [n for k, n in r_keyed.items() if k not in b_keyed]
    if len(b_only) == 1 and len(r_only) == 1:
        matched.append((b_only[0], r_only[0]))
        return matched, [], []
    for bn in list(b_only):  # renamed objects: pair by the most shared property names (half or more)
        best = max(r_only, key=lambda rn: _overlap(bn, rn), default=None)
        if best is not None and _overlap(bn, best) >= 0.5:
            matched.append((bn, best))
            b_only.remove(bn)
            r_only.remove(best)
    return matched, b_only, r_only


def _overlap(a: Norm, b: Norm) -> float:
    names_a, names_b = set(a.properties), set(b.properties)
    union = names_a | names_b
    return len(names_a & names_b) / len(union) if union else 0.0


def subsumes(wide: Norm, narrow: Norm) -> bool:
    """True if `wide` is a plain typed schema that accepts every value of `narrow` (string ⊇ enum)."""
    plain = not (
        wide.properties or wide.items or wide.variants or wide.bounds or wide.pattern or wide.additional
    )
    if not plain or narrow.variants or not covers(wide.types, narrow.types):
        return False
    return wide.enum is None or (narrow.enum is not None and narrow.enum <= wide.enum)


def check(sink: Sink, pair: SchemaPair) -> None:
    if not (pair.base.variants or pair.revision.variants):
        return
    matched, b_only, r_only = match(pair)
    response = pair.direction == "response"
    # an alternative that another one of the other side wholly accepts changes nothing
    b_alts = [b for b, _ in matched] + b_only
    r_alts = [r for _, r in matched] + r_only
    b_only = [n for n in b_only if not any(subsumes(r, n) for r in r_alts)]
    r_only = [n for n in r_only if not any(subsumes(b, n) for b in b_alts)]
    for n in b_only:
        rule = RESPONSE_VARIANT_REMOVED if response else REQUEST_VARIANT_REMOVED
        sink.emit(rule, n.ptr, pair.revision.ptr, variant=_shape(n))
    for n in r_only:
        rule = RESPONSE_VARIANT_ADDED if response else REQUEST_VARIANT_ADDED
        sink.emit(rule, pair.base.ptr, n.ptr, variant=_shape(n))
