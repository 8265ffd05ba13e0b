"""The rule families beyond the fixture pairs: what is *not* a change, and the cases a pair cannot show."""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

import pytest

from scripts.specdiff import diff_docs
from scripts.specdiff.rules import deprecation
from scripts.specdiff.sources import load
from scripts.trim import load_spec_text
from tests.scripts.test_specdiff_pointers import unresolved

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "specdiff"

BASE = """
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /fine_tuning/jobs:
    get:
      operationId: list
      parameters:
        - {name: limit, in: query, schema: {type: integer}}
        - {name: OpenAI-Beta, in: header, schema: {type: string}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
      responses:
        '200':
          description: OK
          headers:
            X-Request-Id: {schema: {type: string}, required: true}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
    post:
      operationId: create
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Req'}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Job'}
  /fine_tuning/jobs/{id}/pause:
    post:
      operationId: pause
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: OK}
components:
  schemas:
    Req:
      type: object
      required: [model]
      properties:
        model: {type: string}
        kind: {type: string}
    Job:
      type: object
      required: [id]
      properties:
        id: {type: string}
        secret: {type: string, writeOnly: true}
"""


def doc() -> dict[str, Any]:
    return load_spec_text(BASE, "t")


def ids(base: dict[str, Any], rev: dict[str, Any]) -> list[str]:
    return sorted(c.id for c in diff_docs(base, rev, "b", "r").changes)


def get(d: dict[str, Any]) -> dict[str, Any]:
    return d["paths"]["/fine_tuning/jobs"]["get"]  # type: ignore[no-any-return]


def schemas(d: dict[str, Any]) -> dict[str, Any]:
    return d["components"]["schemas"]  # type: ignore[no-any-return]


def test_header_names_compare_case_insensitively() -> None:
    """`X-Request-Id` and `x-request-id` (response) and `OpenAI-Beta`/`openai-beta` (request) match."""
    rev = doc()
    headers = get(rev)["responses"]["200"]["headers"]
    headers["x-request-id"] = headers.pop("X-Request-Id")
    get(rev)["parameters"][1]["name"] = "openai-beta"
    assert ids(doc(), rev) == []
    # a real change under the other spelling is still found, at the header's schema
    headers["x-request-id"]["schema"] = {"type": "integer"}
    changes = diff_docs(doc(), rev, "b", "r").changes
    assert [(c.id, c.revision) for c in changes] == [
        ("response-type-changed", "/paths/~1fine_tuning~1jobs/get/responses/200/headers/x-request-id/schema")
    ]


def test_request_header_parameter_rules_are_the_parameter_rules() -> None:
    """A request header is a parameter: a new required one breaks, its required flag is compared."""
    rev = doc()
    get(rev)["parameters"].append({"name": "Idempotency-Key", "in": "header", "required": True})
    assert ids(doc(), rev) == ["request-parameter-added-required"]
    rev = doc()
    get(rev)["parameters"][1] = {"name": "openai-beta", "in": "header", "required": True}
    assert ids(doc(), rev) == ["request-parameter-became-required"]


def test_content_type_response_header_is_ignored() -> None:
    """OpenAPI ignores a response header named Content-Type: adding or dropping it is no change."""
    rev = doc()
    get(rev)["responses"]["200"]["headers"]["Content-Type"] = {"schema": {"type": "string"}}
    assert ids(doc(), rev) == []
    assert ids(rev, doc()) == []


def test_header_via_ref_and_content_schema() -> None:
    """A header given as a $ref to components/headers, with its schema under `content`, is compared."""
    base, rev = doc(), doc()
    for d, typ in ((base, "string"), (rev, "integer")):
        d["components"]["headers"] = {
            "Rid": {"required": True, "content": {"text/plain": {"schema": {"type": typ}}}}
        }
        get(d)["responses"]["200"]["headers"]["X-Request-Id"] = {"$ref": "#/components/headers/Rid"}
    assert ids(base, base) == []
    assert ids(base, rev) == ["response-type-changed"]


def test_read_only_request_property_is_not_required_of_callers() -> None:
    """A new required readOnly property in a request body is not a new required input."""
    rev = doc()
    req = schemas(rev)["Req"]
    req["properties"]["id"] = {"type": "string", "readOnly": True}
    req["required"] = ["model", "id"]
    assert ids(doc(), rev) == ["request-property-added-optional"]


def test_write_only_property_leaving_a_response_breaks_nothing() -> None:
    """A writeOnly property was never returned: removing it from a response schema is no change."""
    rev = doc()
    del schemas(rev)["Job"]["properties"]["secret"]
    assert ids(doc(), rev) == []


def test_read_only_through_a_ref_sibling() -> None:
    """`{$ref: X, readOnly: true}` (3.1) marks the property read-only like an inline flag."""
    base, rev = doc(), doc()
    for d in (base, rev):
        schemas(d)["Kind"] = {"type": "string"}
        schemas(d)["Req"]["properties"]["kind"] = {"$ref": "#/components/schemas/Kind"}
    schemas(rev)["Req"]["properties"]["kind"]["readOnly"] = True
    assert ids(base, rev) == ["request-property-became-read-only"]


def test_a_read_only_property_that_becomes_writable_and_required_is_one_finding() -> None:
    """readOnly in the base, writable and required in the revision: callers must now send it, said
    once (request-required-property-became-writable), not also as request-property-became-required."""
    base, rev = doc(), doc()
    schemas(base)["Req"]["properties"]["kind"]["readOnly"] = True
    schemas(rev)["Req"]["required"] = ["model", "kind"]
    assert ids(base, rev) == ["request-required-property-became-writable"]


def test_a_writable_property_that_becomes_read_only_and_required_is_one_finding() -> None:
    """The other way: required but readOnly in the revision is not required of callers."""
    base, rev = doc(), doc()
    schemas(rev)["Req"]["properties"]["kind"]["readOnly"] = True
    schemas(rev)["Req"]["required"] = ["model", "kind"]
    assert ids(base, rev) == ["request-property-became-read-only"]


def test_a_write_only_property_that_becomes_returned_and_required_is_one_finding() -> None:
    """writeOnly in the base response, returned and required in the revision: the flag's finding
    only (once per response that uses Job), no response-property-became-required besides."""
    rev = doc()
    del schemas(rev)["Job"]["properties"]["secret"]["writeOnly"]
    schemas(rev)["Job"]["required"] = ["id", "secret"]
    assert ids(doc(), rev) == ["response-property-no-longer-write-only"] * 2


def changes(base: dict[str, Any], rev: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((c.id, c.message) for c in diff_docs(base, rev, "b", "r").changes)


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        ({"minimum": 1}, {"minimum": 5}, "request minimum tightened from >= 1 to >= 5"),
        ({"minimum": 1}, {"exclusiveMinimum": 1}, "request minimum tightened from >= 1 to > 1"),
        ({"maximum": 9}, {"maximum": 5}, "request maximum tightened from <= 9 to <= 5"),
        ({"exclusiveMaximum": 9}, {"maximum": 9}, "request maximum relaxed from < 9 to <= 9"),
    ],
)
def test_numeric_bounds_are_shown_with_their_side(
    before: dict[str, Any], after: dict[str, Any], message: str
) -> None:
    """A lower bound reads >= / >, an upper one <= / <, in the finding's message."""
    base, rev = doc(), doc()
    schemas(base)["Req"]["properties"]["n"] = {"type": "integer", **before}
    schemas(rev)["Req"]["properties"]["n"] = {"type": "integer", **after}
    assert [m for _, m in changes(base, rev)] == [message]


def test_additional_properties_are_compared_only_between_two_objects() -> None:
    """A string that becomes an object is a type change, not also an additionalProperties one."""
    base, rev = doc(), doc()
    schemas(base)["Req"]["properties"]["m"] = {"type": "string"}
    schemas(rev)["Req"]["properties"]["m"] = {"type": "object", "additionalProperties": False}
    assert ids(base, rev) == ["request-type-changed"]
    schemas(base)["Req"]["properties"]["m"] = {"type": "object", "additionalProperties": True}
    assert ids(base, rev) == ["request-additional-properties-tightened"]


def test_a_response_header_without_a_schema_on_one_side_is_no_schema_change() -> None:
    """A header whose schema is dropped (or added): nothing to compare, no finding, no crash."""
    base, rev = doc(), doc()
    del get(rev)["responses"]["200"]["headers"]["X-Request-Id"]["schema"]
    assert ids(base, rev) == []
    assert ids(rev, base) == []


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (
            {"oneOf": [{"type": "integer"}, {"type": "string"}]},
            {"oneOf": [{"type": "integer"}, {"type": "boolean"}]},
            ["request-type-changed"],
        ),
        (
            {"oneOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "integer"}]},
            {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            ["request-enum-lifted"],
        ),
        (
            {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            {"oneOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "integer"}]},
            ["request-enum-introduced"],
        ),
        ({"type": "string"}, {"oneOf": [{"type": "string"}, {"type": "integer"}]}, ["request-variant-added"]),
        (
            {"type": "string", "maxLength": 3},
            {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            ["request-bound-relaxed", "request-variant-added"],
        ),
    ],
)
def test_variants_are_paired_before_they_are_compared(
    before: dict[str, Any], after: dict[str, Any], expected: list[str]
) -> None:
    """One alternative left on each side is the same one changed; a plain string covers its enum; a
    schema that became one alternative of several is compared with that one."""
    base, rev = doc(), doc()
    schemas(base)["Req"]["properties"]["v"] = before
    schemas(rev)["Req"]["properties"]["v"] = after
    assert ids(base, rev) == expected


@pytest.mark.parametrize(
    ("sunset", "expected"),
    [
        ("2026-06-01", "operation-removed-before-sunset"),
        ("2026-05-31", "operation-removed-after-sunset"),
        ("2026-05-01T00:00:00Z", "operation-removed-after-sunset"),
    ],
)
def test_removal_is_judged_against_today(monkeypatch: pytest.MonkeyPatch, sunset: str, expected: str) -> None:
    """A deprecated operation removed before its x-sunset date breaks; on or after it, it is info."""
    monkeypatch.setattr(deprecation, "today", lambda: datetime.date(2026, 5, 31))
    base = doc()
    get(base).update({"deprecated": True, "x-sunset": sunset})
    rev = doc()
    del rev["paths"]["/fine_tuning/jobs"]["get"]
    assert ids(base, rev) == [expected]


def test_removed_path_of_announced_operations_is_not_path_removed() -> None:
    """A path whose operations all were deprecated is removed per operation, not as path-removed."""
    base = doc()
    base["paths"]["/fine_tuning/jobs/{id}/pause"]["post"]["deprecated"] = True
    rev = doc()
    del rev["paths"]["/fine_tuning/jobs/{id}/pause"]
    assert ids(base, rev) == ["operation-removed-after-deprecation"]
    # one unannounced operation on the path: the path removal is breaking as before
    base["paths"]["/fine_tuning/jobs/{id}/pause"]["get"] = {"responses": {"200": {"description": "OK"}}}
    assert ids(base, rev) == ["path-removed"]


def test_invalid_stability_level_counts_as_stable() -> None:
    """An unknown x-stability-level value is neither a decrease nor an increase (lint's business)."""
    rev = doc()
    get(rev)["x-stability-level"] = "experimental"
    assert ids(doc(), rev) == []


def test_written_out_serialization_defaults_are_no_change() -> None:
    """style: form + explode: true on a query parameter is what an absent style/explode means."""
    rev = doc()
    for param in get(rev)["parameters"]:
        if param["in"] == "query":
            param.update(style="form", explode=True)
        else:
            param.update(style="simple", explode=False)
    assert ids(doc(), rev) == []


def test_explode_of_a_scalar_parameter_is_no_change() -> None:
    """explode changes nothing on the wire for a value that is never an array or an object."""
    rev = doc()
    get(rev)["parameters"][0]["explode"] = False  # limit: integer
    assert ids(doc(), rev) == []
    get(rev)["parameters"][2]["explode"] = False  # tags: array
    assert ids(doc(), rev) == ["request-parameter-explode-changed"]


def test_const_is_a_one_value_enum() -> None:
    """`const: x` equals `enum: [x]`; changing it in a request is value added + value removed."""
    base, same, rev = doc(), doc(), doc()
    schemas(base)["Req"]["properties"]["kind"] = {"type": "string", "const": "a"}
    schemas(same)["Req"]["properties"]["kind"] = {"type": "string", "enum": ["a"]}
    schemas(rev)["Req"]["properties"]["kind"] = {"type": "string", "const": "b"}
    assert ids(base, same) == []
    assert ids(base, rev) == ["request-enum-value-added", "request-enum-value-removed"]
    assert ids(doc(), base) == ["request-enum-introduced"]


@pytest.mark.parametrize("spelling", [True, {}, {"description": "anything"}])
def test_open_additional_properties_spellings_are_equal(spelling: Any) -> None:
    """Absent, `true` and `{}` all allow any extra property."""
    rev = doc()
    schemas(rev)["Req"]["additionalProperties"] = copy.deepcopy(spelling)
    assert ids(doc(), rev) == []


def test_additional_properties_schema_to_schema_is_compared_by_the_walker() -> None:
    """Between two schemas the walker compares them (one finding, not a second 'tightened')."""
    base, rev = doc(), doc()
    schemas(base)["Req"]["additionalProperties"] = {"type": "string"}
    schemas(rev)["Req"]["additionalProperties"] = {"type": "integer"}
    assert ids(base, rev) == ["request-type-changed"]


def test_extensible_enum_introduced_or_dropped_is_no_change() -> None:
    """Listing known values of an open value (or no longer listing them) restricts nothing."""
    rev = doc()
    schemas(rev)["Req"]["properties"]["kind"]["x-extensible-enum"] = ["a", "b"]
    assert ids(doc(), rev) == []
    assert ids(rev, doc()) == []


def test_discriminator_mapping_targets_compare_by_component_name() -> None:
    """`Sup` and `#/components/schemas/Sup` name the same mapping target."""
    base, rev = doc(), doc()
    for d, target in ((base, "Sup"), (rev, "#/components/schemas/Sup")):
        schemas(d)["Sup"] = {"type": "object", "properties": {"type": {"type": "string"}}}
        schemas(d)["Job"]["properties"]["method"] = {
            "oneOf": [{"$ref": "#/components/schemas/Sup"}, {"type": "string"}],
            "discriminator": {"propertyName": "type", "mapping": {"supervised": target}},
        }
    assert ids(base, rev) == []


def _callback(schema_ref: str) -> dict[str, Any]:
    body = {"content": {"application/json": {"schema": {"$ref": schema_ref}}}}
    return {"onDone": {"{$request.body#/url}": {"post": {"requestBody": body, "responses": {"200": {}}}}}}


def test_callback_directions_flip() -> None:
    """The client reads a callback's request body: a new enum value there breaks like a response's."""
    base, rev = doc(), doc()
    for d in (base, rev):
        schemas(d)["Event"] = {"type": "object", "properties": {"kind": {"type": "string", "enum": ["a"]}}}
        d["paths"]["/fine_tuning/jobs"]["post"]["callbacks"] = _callback("#/components/schemas/Event")
    schemas(rev)["Event"]["properties"]["kind"]["enum"].append("b")
    changes = diff_docs(base, rev, "b", "r").changes
    assert [(c.id, c.level) for c in changes] == [("response-enum-value-added", "breaking")]


def test_every_removed_callback_is_reported_and_a_body_on_one_side_is_skipped() -> None:
    """Two callbacks removed: two findings. A callback whose request body exists on one side only, or
    whose media types differ, is no schema comparison (and no crash)."""
    base, rev = doc(), doc()
    schemas(base)["Event"] = {"type": "object"}
    callbacks = {
        **_callback("#/components/schemas/Event"),
        "onFail": _callback("#/components/schemas/Event")["onDone"],
    }
    base["paths"]["/fine_tuning/jobs"]["post"]["callbacks"] = callbacks
    assert ids(base, rev) == ["callback-removed", "callback-removed"]
    rev = copy.deepcopy(base)
    del rev["paths"]["/fine_tuning/jobs"]["post"]["callbacks"]["onDone"]["{$request.body#/url}"]["post"][
        "requestBody"
    ]
    assert ids(base, rev) == []
    rev = copy.deepcopy(base)
    post = rev["paths"]["/fine_tuning/jobs"]["post"]["callbacks"]["onFail"]["{$request.body#/url}"]["post"]
    post["requestBody"]["content"] = {"text/plain": {"schema": {"type": "integer"}}}
    assert ids(base, rev) == []


def test_then_else_and_pattern_properties_are_walked() -> None:
    """Subschemas under then/else and patternProperties are compared deeply, at their own pointers."""
    base, rev = doc(), doc()
    for d, typ in ((base, "string"), (rev, "integer")):
        req = schemas(d)["Req"]
        req["if"] = {"required": ["kind"]}
        req["then"] = {"properties": {"model": {"type": typ}}}
        req["patternProperties"] = {"^x-": {"type": typ}}
    changes = diff_docs(base, rev, "b", "r").changes
    assert sorted((c.id, c.revision) for c in changes) == [
        ("request-type-changed", "/components/schemas/Req/patternProperties/^x-"),
        ("request-type-changed", "/components/schemas/Req/then/properties/model"),
    ]


def test_not_compares_meaning_not_text() -> None:
    """A `not` schema reordered or respelled (3.1 type list vs anyOf null) is no change."""
    base, rev = doc(), doc()
    schemas(base)["Req"]["properties"]["kind"]["not"] = {"enum": ["a", "b"], "type": ["string", "null"]}
    schemas(rev)["Req"]["properties"]["kind"]["not"] = {
        "anyOf": [{"type": "string", "enum": ["b", "a"]}, {"type": "null"}]
    }
    assert ids(base, rev) == []
    schemas(rev)["Req"]["properties"]["kind"]["not"] = {"type": "string", "enum": ["a"]}
    assert ids(base, rev) == ["schema-not-changed"]


def test_link_documentation_is_no_change() -> None:
    """A link's description is documentation; its target is its meaning."""
    base, rev = doc(), doc()
    get(base)["responses"]["200"]["links"] = {"Next": {"operationId": "list", "description": "a"}}
    get(rev)["responses"]["200"]["links"] = {"Next": {"operationId": "list", "description": "b"}}
    assert ids(base, rev) == []


def test_a_document_edited_between_two_diffs_is_seen_afresh() -> None:
    """What the keyword families know about a document (which keywords it uses) is not kept across
    diffs: editing it after a diff and diffing again sees the edit."""
    base, rev = doc(), doc()
    assert ids(base, rev) == []
    schemas(rev)["Req"]["properties"]["kind"]["readOnly"] = True
    assert ids(base, rev) == ["request-property-became-read-only"]
    schemas(rev)["Req"]["properties"]["kind"]["x-extensible-enum"] = ["a"]
    schemas(base)["Req"]["properties"]["kind"]["x-extensible-enum"] = ["a", "b"]
    assert ids(base, rev) == ["request-extensible-enum-value-removed", "request-property-became-read-only"]


@pytest.mark.parametrize("rule", sorted(p.name for p in FIXTURES.iterdir() if not p.name.startswith("_")))
def test_every_fixture_pointer_resolves(rule: str) -> None:
    """The pointers of each rule's fixture diff resolve in the (loaded) base and revision."""
    base = load(str(FIXTURES / rule / "base.yaml"))[0]
    revision = load(str(FIXTURES / rule / "revision.yaml"))[0]
    checked, bad = unresolved(base, revision)
    assert checked >= 1
    assert bad == []
