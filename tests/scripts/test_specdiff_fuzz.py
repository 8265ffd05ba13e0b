"""Property tests: the diff never crashes on odd but well-formed schemas, and diff(A, A) is empty."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts.specdiff import SpecError, diff_docs
from scripts.specdiff.lint import to_31
from scripts.specdiff.normalize import Resolver

TYPES = st.sampled_from(["string", "integer", "number", "boolean", "object", "array", "null"])
LEAF = st.one_of(
    st.fixed_dictionaries({"type": TYPES}),
    st.fixed_dictionaries({"type": st.lists(TYPES, min_size=1, max_size=3, unique=True)}),
    st.fixed_dictionaries(
        {"type": st.just("string"), "enum": st.lists(st.sampled_from(["a", "b", None]), min_size=1)}
    ),
    st.fixed_dictionaries(
        {"type": st.just("integer"), "minimum": st.integers(-5, 5), "nullable": st.booleans()}
    ),
    st.fixed_dictionaries({"$ref": st.sampled_from(["#/components/schemas/A", "#/components/schemas/B"])}),
    st.just(True),
    st.just({}),
)


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.fixed_dictionaries(
            {
                "type": st.just("object"),
                "properties": st.dictionaries(st.sampled_from("xyz"), children, max_size=3),
            },
            optional={"required": st.lists(st.sampled_from("xyz"), max_size=3, unique=True)},
        ),
        st.fixed_dictionaries({"type": st.just("array"), "items": children}),
        st.fixed_dictionaries({"anyOf": st.lists(children, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"oneOf": st.lists(children, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"allOf": st.lists(children, min_size=1, max_size=2)}),
    )


SCHEMAS = st.recursive(LEAF, _extend, max_leaves=8)


def spec(a: Any, b: Any, body: Any) -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/A"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "f", "version": "1"},
        "paths": {
            "/fine_tuning/jobs": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": copy.deepcopy(body)}}},
                    "responses": {
                        "200": {"description": "OK", "content": {"application/json": {"schema": ref}}}
                    },
                }
            }
        },
        "components": {"schemas": {"A": copy.deepcopy(a), "B": copy.deepcopy(b)}},
    }


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCHEMAS, SCHEMAS, SCHEMAS, SCHEMAS, SCHEMAS, SCHEMAS)
def test_diff_never_crashes_and_self_diff_is_empty(
    a1: Any, b1: Any, c1: Any, a2: Any, b2: Any, c2: Any
) -> None:
    """Random schemas, recursive through refs A <-> B: the diff terminates, and diff(X, X) is empty."""
    one, two = spec(a1, b1, c1), spec(a2, b2, c2)
    error = None
    try:
        same = diff_docs(one, one, "1", "1")
        result = diff_docs(one, two, "1", "2")
    except SpecError as exc:
        error = str(exc)
    if error is not None:  # only a pure $ref loop (A: {$ref: A}) is unusable input
        assert "cycle without content" in error
        return
    assert same.changes == []
    for change in result.changes:
        assert change.level in ("breaking", "warning", "info")
        assert change.base is not None or change.revision is not None


def _cycle_error(doc: dict[str, Any]) -> str | None:
    """The message of a contentless `$ref` cycle in doc (the only SpecError these documents can have)."""
    error = None
    try:
        Resolver(doc).check_refs()
    except SpecError as exc:
        error = str(exc)
    assert error is None or "cycle without content" in error
    return error


TYPE30 = st.sampled_from(["string", "integer", "number", "boolean", "object"])
NULLABLE = st.booleans()
LEAF30 = st.one_of(
    st.fixed_dictionaries({"type": TYPE30, "nullable": NULLABLE}),
    st.fixed_dictionaries({"type": st.just("string"), "enum": st.just(["a", "b"]), "nullable": NULLABLE}),
    st.fixed_dictionaries(
        {"type": st.just("number"), "minimum": st.integers(0, 3), "exclusiveMinimum": st.booleans()}
    ),
    st.fixed_dictionaries({"allOf": st.just([{"$ref": "#/components/schemas/B"}]), "nullable": NULLABLE}),
)


def _extend30(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.fixed_dictionaries(
            {
                "type": st.just("object"),
                "nullable": NULLABLE,
                "properties": st.dictionaries(st.sampled_from("xyz"), children, max_size=3),
            }
        ),
        st.fixed_dictionaries({"type": st.just("array"), "items": children, "nullable": NULLABLE}),
        st.fixed_dictionaries({"oneOf": st.lists(children, min_size=2, max_size=3), "nullable": NULLABLE}),
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(LEAF30, _extend30, max_leaves=8), st.recursive(LEAF30, _extend30, max_leaves=4))
def test_openapi_30_document_equals_its_31_rewrite(a: Any, b: Any) -> None:
    """Any 3.0 document (nullable, boolean exclusiveMinimum) and its 3.1 rewrite mean the same."""
    doc30 = {**spec(a, b, a), "openapi": "3.0.3"}
    doc31 = {**to_31(doc30), "openapi": "3.1.0"}
    errors = [_cycle_error(doc30), _cycle_error(doc31)]
    assert errors[0] == errors[1]  # a contentless $ref cycle is one in both spellings
    if errors[0] is not None:
        return
    assert diff_docs(doc30, doc31, "3.0", "3.1").changes == []
    assert diff_docs(doc31, doc30, "3.1", "3.0").changes == []
