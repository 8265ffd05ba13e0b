"""Numeric, length and size bounds: tightened or relaxed, judged by direction."""

from __future__ import annotations

from ..model import SchemaPair, Sink

REQUEST_BOUND_TIGHTENED = "request-bound-tightened"
REQUEST_BOUND_RELAXED = "request-bound-relaxed"
RESPONSE_BOUND_RELAXED = "response-bound-relaxed"
RESPONSE_BOUND_TIGHTENED = "response-bound-tightened"


def _fmt(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if value == int(value) else str(value)


def _numeric(bounds: dict[str, float], plain: str, excl: str) -> tuple[float, bool] | None:
    if excl in bounds:
        return bounds[excl], True
    if plain in bounds:
        return bounds[plain], False
    return None


def _emit(sink: Sink, pair: SchemaPair, bound: str, tighter: bool, old: str, new: str) -> None:
    if pair.direction == "request":
        rule = REQUEST_BOUND_TIGHTENED if tighter else REQUEST_BOUND_RELAXED
    else:
        rule = RESPONSE_BOUND_TIGHTENED if tighter else RESPONSE_BOUND_RELAXED
    sink.emit(rule, pair.base.ptr, pair.revision.ptr, bound=bound, old=old, new=new)


def _show(bound: tuple[float, bool] | None, below: str, above: str) -> str:
    if bound is None:
        return "none"
    return f"{above if bound[1] else below} {_fmt(bound[0])}"


def check(sink: Sink, pair: SchemaPair) -> None:
    b, r = pair.base, pair.revision
    if b.variants or r.variants or b.bounds == r.bounds:
        return
    # numeric range: (value, exclusive) per side, exclusive being the stricter at equal value
    for plain, excl, sign, lower in (
        ("minimum", "exclusiveMinimum", 1, True),
        ("maximum", "exclusiveMaximum", -1, False),
    ):
        old, new = _numeric(b.bounds, plain, excl), _numeric(r.bounds, plain, excl)
        if old == new:
            continue
        if old is None or new is None:
            tighter = old is None
        else:
            tighter = (sign * new[0], new[1]) > (sign * old[0], old[1])
        below, above = (">=", ">") if lower else ("<=", "<")
        _emit(sink, pair, plain, tighter, _show(old, below, above), _show(new, below, above))
    # sizes: lengths, items, properties
    for key in ("minLength", "minItems", "minProperties", "maxLength", "maxItems", "maxProperties"):
        old_v, new_v = b.bounds.get(key), r.bounds.get(key)
        if old_v == new_v:
            continue
        if key.startswith("min"):
            tighter = old_v is None or (new_v is not None and new_v > old_v)
        else:
            tighter = old_v is None or (new_v is not None and new_v < old_v)
        _emit(sink, pair, key, tighter, _fmt(old_v), _fmt(new_v))
