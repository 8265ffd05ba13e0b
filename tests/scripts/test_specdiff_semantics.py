"""Meaning, not text: refs, cycles, reordering, quoting, docs, examples; lint's lenient JSON."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from scripts import trim
from scripts.specdiff import SpecError, diff_docs
from scripts.specdiff.client_impact import Surface, compare
from scripts.specdiff.lint import check_examples, parse_lenient, to_31
from scripts.specdiff.normalize import Resolver
from scripts.specdiff.sources import load_yaml_fast
from scripts.trim import load_spec_text

BASE = """
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /fine_tuning/jobs:
    get:
      operationId: list
      summary: List jobs.
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
        - {name: after, in: query, schema: {type: string}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
              example: {id: a}
components:
  schemas:
    Node:
      type: object
      description: A tree node.
      required: [id, children]
      properties:
        id: {type: string, example: abc}
        kind: {type: string, enum: [a, b]}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        parent: {anyOf: [{$ref: '#/components/schemas/Node'}, {type: 'null'}]}
"""


def doc(text: str = BASE) -> dict[str, Any]:
    return load_spec_text(text, "t")


def ids(base: dict[str, Any], rev: dict[str, Any]) -> list[str]:
    return [c.id for c in diff_docs(base, rev, "b", "r").changes]


def test_recursive_schema_terminates_and_compares() -> None:
    """A self-referencing schema is walked once per pair, and a change below it is still found."""
    base, rev = doc(), doc()
    assert ids(base, rev) == []
    rev["components"]["schemas"]["Node"]["properties"]["kind"]["enum"].append("c")
    assert set(ids(base, rev)) == {"response-enum-value-added"}


def test_reordering_quoting_and_docs_are_no_change() -> None:
    """Key order, list order of enums/required/parameters, quoting, descriptions and examples do not count."""
    rev = doc(
        BASE.replace("required: [id, children]", "required: [\"children\", 'id']")
        .replace("enum: [a, b]", "enum: ['b', \"a\"]")
        .replace("A tree node.", "A node of the tree, rewritten.")
        .replace("example: abc", "example: xyz")
        .replace("example: {id: a}", "example: {id: zzz}")
    )
    params = rev["paths"]["/fine_tuning/jobs"]["get"]["parameters"]
    params.reverse()
    node = rev["components"]["schemas"]["Node"]
    rev["components"]["schemas"]["Node"] = dict(reversed(list(node.items())))
    assert ids(doc(), rev) == []


def test_summary_change_is_info_only() -> None:
    """An operation's summary edit is a docs-only change, reported as info."""
    rev = doc(BASE.replace("List jobs.", "List your fine-tuning jobs."))
    result = diff_docs(doc(), rev, "b", "r")
    assert [(c.id, c.level) for c in result.changes] == [("operation-docs-changed", "info")]


def test_dangling_ref_is_a_spec_error() -> None:
    """An unresolvable $ref anywhere in either side raises SpecError."""
    rev = doc(BASE.replace("#/components/schemas/Node'}, {type", "#/components/schemas/Nope'}, {type"))
    with pytest.raises(SpecError, match="Nope"):
        diff_docs(doc(), rev, "b", "r")


def test_pure_ref_cycle_is_a_spec_error() -> None:
    """`A: {$ref: B}, B: {$ref: A}` has no content: SpecError, not a hang."""
    d = doc()
    d["components"]["schemas"]["A"] = {"$ref": "#/components/schemas/B"}
    d["components"]["schemas"]["B"] = {"$ref": "#/components/schemas/A"}
    with pytest.raises(SpecError, match="cycle"):
        Resolver(d).norm({"$ref": "#/components/schemas/A"}, "/x")


def test_path_parameter_rename_is_no_change() -> None:
    """`/jobs/{id}` and `/jobs/{job_id}` are the same operation."""

    def with_path(name: str) -> dict[str, Any]:
        d = doc()
        d["paths"][f"/fine_tuning/jobs/{{{name}}}"] = {
            "get": {
                "parameters": [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "OK"}},
            }
        }
        return d

    assert ids(with_path("id"), with_path("fine_tuning_job_id")) == []


def test_openapi_30_exclusive_minimum_equals_31_form() -> None:
    """3.0 `minimum: 0, exclusiveMinimum: true` is 3.1 `exclusiveMinimum: 0`."""
    base, rev = doc(), doc()
    base["openapi"] = "3.0.3"
    base["components"]["schemas"]["Node"]["properties"]["w"] = {
        "type": "number", "minimum": 0, "exclusiveMinimum": True,
    }  # fmt: skip
    rev["components"]["schemas"]["Node"]["properties"]["w"] = {"type": "number", "exclusiveMinimum": 0}
    assert ids(base, rev) == []


def test_direction_decides_the_level() -> None:
    """The same edit (a new enum value) breaks a response and is harmless in a request."""
    base = doc()
    base["paths"]["/fine_tuning/jobs"]["post"] = {
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
        "responses": {"204": {"description": "done"}},
    }
    rev = copy.deepcopy(base)
    rev["components"]["schemas"]["Node"]["properties"]["kind"]["enum"].append("c")
    levels = {(c.operation, c.id, c.level) for c in diff_docs(base, rev, "b", "r").changes}
    assert levels == {
        ("GET /fine_tuning/jobs", "response-enum-value-added", "breaking"),
        ("POST /fine_tuning/jobs", "request-enum-value-added", "info"),
    }


@pytest.mark.parametrize(
    ("text", "value", "strict"),
    [
        ('{"a": 1}', {"a": 1}, True),
        ('{"a": [1, 2,],\n}', {"a": [1, 2]}, False),
        ('{"a": None, "b": True, "c": "None, True,}"}', {"a": None, "b": True, "c": "None, True,}"}, False),
    ],
)
def test_parse_lenient(text: str, value: Any, strict: bool) -> None:
    """Trailing commas and Python literals are repaired outside strings only."""
    assert parse_lenient(text) == (value, strict)


def test_unparseable_example_is_a_warning() -> None:
    """An x-oaiMeta response that is not JSON even leniently is a warning, not a crash."""
    d = doc()
    d["paths"]["/fine_tuning/jobs"]["get"]["x-oaiMeta"] = {
        "examples": [{"response": "{ ... }"}, {"response": '{"id": 3}'}]
    }
    findings = [(f.id, f.level, f.location.rsplit("/", 3)[-3:], f.message) for f in check_examples(d)]
    assert findings[0][:2] == ("example-invalid", "error")  # the media type example lacks `children`
    assert findings[0][2][-1] == "example"
    assert findings[1][:3] == ("example-unparseable", "warning", ["examples", "0", "response"])
    assert {f[3] for f in findings[2:]} == {
        "'children' is a required property",
        "at /id: 3 is not of type 'string'",
    }


def test_to_31_converts_nullable_forms() -> None:
    """nullable on a typed schema, on an enum, and on a ref wrapper become the 3.1 forms."""
    assert to_31({"type": "string", "nullable": True}) == {"type": ["string", "null"]}
    assert to_31({"type": "string", "enum": ["a"], "nullable": True}) == {
        "type": ["string", "null"],
        "enum": ["a", None],
    }
    assert to_31({"allOf": [{"$ref": "#/x"}], "nullable": True}) == {
        "anyOf": [{"allOf": [{"$ref": "#/x"}]}, {"type": "null"}]
    }


def test_client_surface_compare() -> None:
    """Classes, attributes, enum members and function signatures are compared by name."""
    base = Surface({"Job": {"id": "str", "n": "int"}}, {"Status": {"A": "'a'"}}, {"api.x.sync": "(a: int)"})
    rev = Surface(
        {"Job": {"id": "str", "n": "int | None"}, "New": {}}, {"Status": {"A": "'a'", "B": "'b'"}}, {}
    )
    kinds = [(c.kind, c.name) for c in compare(base, rev)]
    assert kinds == [
        ("class-added", "New"),
        ("attribute-type-changed", "Job.n"),
        ("enum-member-added", "Status.B"),
        ("function-removed", "api.x.sync"),
    ]


@pytest.mark.parametrize(
    "path",
    [
        trim.UPSTREAM / "portkey" / "openapi.yaml",  # anchors and aliases
        trim.OPENAPI_DIR / "fine_tuning.yaml",
        trim.UPSTREAM / "openai" / "fine_tuning_history" / "2023-08-31_6654037.yaml",
    ],
    ids=lambda p: p.name,
)
def test_fast_loader_equals_trims_loader(path: Path) -> None:
    """The diff's faster YAML loading gives exactly the documents trim's loader gives."""
    if not path.is_file():
        pytest.skip(f"{path} is missing")
    text = path.read_text(encoding="utf-8")
    assert load_yaml_fast(text, path.name) == trim.load_yaml_text(text, path.name)


def test_fast_loader_keeps_dates_as_strings_and_merges_keys() -> None:
    """Dates stay strings, `<<` merge keys are flattened, bad YAML is a SpecError."""
    text = "base: &b {x: 1, d: 2024-01-01}\nuse:\n  <<: *b\n  y: no\n"
    assert load_yaml_fast(text, "t") == {
        "base": {"x": 1, "d": "2024-01-01"},
        "use": {"x": 1, "d": "2024-01-01", "y": False},
    }
    with pytest.raises(SpecError, match="not valid YAML"):
        load_yaml_fast("a: [", "t")


def test_subsumed_alternative_is_no_change() -> None:
    """`anyOf: [string, string enum]` is any string: collapsing it to `string` changes nothing."""
    base, rev = doc(), doc()
    props = base["components"]["schemas"]["Node"]["properties"]
    props["model"] = {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["gpt-4o-mini"]}]}
    rev["components"]["schemas"]["Node"]["properties"]["model"] = {"type": "string"}
    assert ids(base, rev) == []
    assert ids(rev, base) == []
    # but a real alternative (an integer) removed from a response is reported
    props["model"] = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    assert ids(base, rev) == ["response-variant-removed"]


@pytest.mark.parametrize(
    ("base", "rev", "expected"),
    [
        ({"minimum": 0, "exclusiveMinimum": True}, {"exclusiveMinimum": 0}, []),  # 3.0 vs 3.1 spelling
        ({"exclusiveMinimum": 0}, {"minimum": 0, "exclusiveMinimum": 0}, []),  # both: the stricter counts
        ({"minimum": 1, "exclusiveMinimum": 0}, {"minimum": 1}, []),
        ({"minimum": 0}, {"exclusiveMinimum": 0}, ["request-bound-tightened"]),  # 0 no longer accepted
        ({"exclusiveMinimum": 0}, {"minimum": 0}, ["request-bound-relaxed"]),
        ({"maximum": 2}, {"maximum": 2, "exclusiveMaximum": True}, ["request-bound-tightened"]),
        ({"maximum": 2}, {}, ["request-bound-relaxed"]),
        ({"minimum": 1}, {"minimum": 2}, ["request-bound-tightened"]),
    ],
)
def test_numeric_bounds_are_compared_as_ranges(
    base: dict[str, Any], rev: dict[str, Any], expected: list[str]
) -> None:
    """minimum/exclusiveMinimum (either spelling) form one lower bound; likewise the upper bound."""
    one, two = doc(), doc()
    for d, extra in ((one, base), (two, rev)):
        param = d["paths"]["/fine_tuning/jobs"]["get"]["parameters"][0]
        param["schema"] = {"type": "number", **extra}
    assert ids(one, two) == expected
