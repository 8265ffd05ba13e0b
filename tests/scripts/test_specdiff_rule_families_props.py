"""Property tests over the keywords of the newer rule families (readOnly/writeOnly, uniqueItems,
x-extensible-enum, additionalProperties, pattern, discriminator, not, if/then/else,
patternProperties): no crash, diff(A, A) is empty, a 3.0 document equals its 3.1 rewrite."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts.specdiff import SpecError, diff_docs
from scripts.specdiff.lint import to_31
from tests.scripts.test_specdiff_pointers import unresolved

REFS = st.sampled_from(["#/components/schemas/A", "#/components/schemas/B"])
FLAGS = st.fixed_dictionaries(
    {},
    optional={
        "readOnly": st.booleans(),
        "writeOnly": st.booleans(),
        "nullable": st.booleans(),
        "deprecated": st.booleans(),
        "pattern": st.sampled_from(["^a", "^b"]),
        "x-extensible-enum": st.lists(st.sampled_from(["p", "q", "r"]), max_size=3, unique=True),
    },
)


def _leaf() -> st.SearchStrategy[Any]:
    typed = st.builds(
        lambda t, flags: {"type": t, **flags},
        st.sampled_from(["string", "integer", "boolean", "object"]),
        FLAGS,
    )
    return st.one_of(typed, st.builds(lambda r: {"$ref": r}, REFS), st.just({}))


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    obj = st.builds(
        lambda props, req, extra, pp: {
            "type": "object",
            "properties": props,
            "required": [p for p in req if p in props],
            **({"additionalProperties": extra} if extra is not None else {}),
            **({"patternProperties": {"^x-": pp}} if pp is not None else {}),
        },
        st.dictionaries(st.sampled_from("xyz"), children, max_size=3),
        st.lists(st.sampled_from("xyz"), max_size=3, unique=True),
        st.one_of(st.none(), st.booleans(), children),
        st.one_of(st.none(), children),
    )
    arr = st.builds(
        lambda items, unique: {"type": "array", "items": items, "uniqueItems": unique},
        children,
        st.booleans(),
    )
    one_of = st.builds(
        lambda alts, prop, nullable: {
            "oneOf": alts,
            "discriminator": {"propertyName": prop, "mapping": {"a": "#/components/schemas/A"}},
            "nullable": nullable,
        },
        st.lists(children, min_size=1, max_size=3),
        st.sampled_from(["type", "kind"]),
        st.booleans(),
    )
    neg = st.builds(lambda n, flags: {"not": n, **flags}, children, FLAGS)
    cond = st.builds(lambda i, t, e: {"if": i, "then": t, "else": e}, children, children, children)
    return st.one_of(obj, arr, one_of, neg, cond)


SCHEMAS = st.recursive(_leaf(), _extend, max_leaves=8)


def spec(a: Any, b: Any, body: Any, version: str) -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/A"}
    return {
        "openapi": version,
        "info": {"title": "f", "version": "1"},
        "paths": {
            "/fine_tuning/jobs": {
                "post": {
                    "parameters": [{"name": "q", "in": "query", "schema": copy.deepcopy(body)}],
                    "requestBody": {"content": {"application/json": {"schema": copy.deepcopy(body)}}},
                    "responses": {
                        "200": {
                            "description": "OK",
                            "headers": {"X-Id": {"schema": copy.deepcopy(b)}},
                            "content": {"application/json": {"schema": ref}},
                        }
                    },
                }
            }
        },
        "components": {"schemas": {"A": copy.deepcopy(a), "B": copy.deepcopy(b)}},
    }


def _diff(one: dict[str, Any], two: dict[str, Any]) -> list[str] | None:
    try:
        return [c.id for c in diff_docs(one, two, "1", "2").changes]
    except SpecError as exc:  # only a pure $ref loop (A: {$ref: A}) is unusable input
        message = str(exc)
    assert "cycle" in message
    return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCHEMAS, SCHEMAS, SCHEMAS, SCHEMAS, SCHEMAS, SCHEMAS)
def test_never_crashes_and_self_diff_is_empty(a1: Any, b1: Any, c1: Any, a2: Any, b2: Any, c2: Any) -> None:
    """Random schemas with the newer keywords: diff(X, X) is empty and diff(X, Y) terminates."""
    one, two = spec(a1, b1, c1, "3.1.0"), spec(a2, b2, c2, "3.1.0")
    same = _diff(one, one)
    if same is None:
        return
    assert same == []
    _diff(one, two)
    _diff(two, one)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCHEMAS, SCHEMAS, SCHEMAS)
def test_openapi_30_document_equals_its_31_rewrite(a: Any, b: Any, c: Any) -> None:
    """The same document in 3.0 spelling (nullable) and in 3.1 spelling means the same."""
    doc30 = spec(a, b, c, "3.0.3")
    doc31 = {**to_31(doc30), "openapi": "3.1.0"}
    forward = _diff(doc30, doc31)
    if forward is None:
        return
    assert forward == []
    assert _diff(doc31, doc30) == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCHEMAS, SCHEMAS, SCHEMAS, SCHEMAS, SCHEMAS, SCHEMAS)
def test_pointers_of_the_newer_families_resolve(a1: Any, b1: Any, c1: Any, a2: Any, b2: Any, c2: Any) -> None:
    """Every pointer a change names (readOnly, not, if, patternProperties, discriminator, header
    schema...) resolves in the document it names."""
    one, two = spec(a1, b1, c1, "3.1.0"), spec(a2, b2, c2, "3.1.0")
    try:
        _, bad = unresolved(one, two)
    except SpecError as exc:
        assert "cycle" in str(exc)  # noqa: PT017 - the one unusable input these strategies can build
        return
    assert bad == []
