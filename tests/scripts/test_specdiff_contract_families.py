"""Issue 26's families beyond their fixture pairs: security schemes by what a client sends, discriminator
values, webhooks' flipped directions, x-sunset boundaries, format and pattern non-changes, and the
documented ignore-file example."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest

from scripts.specdiff import diff_docs
from scripts.specdiff.rules import deprecation
from tests.scripts.test_specdiff_rule_families import doc, get, schemas
from tests.scripts.test_specdiff_workflow import pair, run

DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "spec-diff.md"


def changes(base: dict[str, Any], rev: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(rule id, level, operation) of each change, sorted."""
    return sorted((c.id, c.level, c.operation) for c in diff_docs(base, rev, "b", "r").changes)


def with_scheme(
    d: dict[str, Any], name: str, scheme: dict[str, Any], scopes: list[str] | None = None
) -> None:
    d.setdefault("components", {}).setdefault("securitySchemes", {})[name] = scheme
    d["security"] = [{name: scopes or []}]


ORG = {"type": "apiKey", "in": "header", "name": "OpenAI-Organization"}
OAUTH = {
    "type": "oauth2",
    "flows": {"clientCredentials": {"tokenUrl": "https://a.example/token", "scopes": {"r": "", "w": ""}}},
}
OPS = ["GET /fine_tuning/jobs", "POST /fine_tuning/jobs", "POST /fine_tuning/jobs/{id}/pause"]


def test_api_key_header_renamed_breaks_every_operation_that_sends_it() -> None:
    """The issue's first miss: `securitySchemes.X.name` renamed is breaking, once per operation."""
    base, rev = doc(), doc()
    with_scheme(base, "Org", ORG)
    with_scheme(rev, "Org", {**ORG, "name": "OpenAI-Project"})
    assert changes(base, rev) == [("security-scheme-location-changed", "breaking", op) for op in OPS]
    message = diff_docs(base, rev, "b", "r").changes[0].message
    assert "header openai-organization" in message and "header openai-project" in message
    # the key moved to the query string: the same rule
    with_scheme(rev, "Org", {**ORG, "in": "query"})
    assert {c[0] for c in changes(base, rev)} == {"security-scheme-location-changed"}


def test_header_name_case_and_scheme_name_alone_are_no_change() -> None:
    """HTTP field names are case-insensitive; a scheme renamed with the same definition sends the same."""
    base, rev = doc(), doc()
    with_scheme(base, "Org", ORG)
    with_scheme(rev, "Org", {**ORG, "name": "openai-organization"})
    assert changes(base, rev) == []
    rev = doc()
    with_scheme(rev, "Organization", dict(ORG))
    assert changes(base, rev) == []
    # renamed and changed: the old alternative is gone, a new one accepted
    with_scheme(rev, "Organization", {**ORG, "name": "X-Org"})
    assert {c[0] for c in changes(base, rev)} == {
        "security-alternative-removed",
        "security-alternative-added",
    }


def test_http_scheme_compares_case_insensitively_and_its_change_breaks() -> None:
    base, rev = doc(), doc()
    with_scheme(base, "Auth", {"type": "http", "scheme": "bearer"})
    with_scheme(rev, "Auth", {"type": "http", "scheme": "Bearer"})
    assert changes(base, rev) == []
    with_scheme(rev, "Auth", {"type": "http", "scheme": "basic"})
    assert {(c[0], c[1]) for c in changes(base, rev)} == {("security-scheme-type-changed", "breaking")}


def test_scopes_per_operation_and_global() -> None:
    """A scope newly required by one operation's own requirement breaks that operation only; by the
    global requirement, every operation that inherits it (pointing at /security)."""
    base, rev = doc(), doc()
    for d in (base, rev):
        with_scheme(d, "OAuth", OAUTH, ["r"])
        d["paths"]["/fine_tuning/jobs"]["post"]["security"] = [{"OAuth": ["w"]}]
    rev["paths"]["/fine_tuning/jobs"]["post"]["security"] = [{"OAuth": ["w", "r"]}]
    assert changes(base, rev) == [("security-scope-added", "breaking", "POST /fine_tuning/jobs")]
    rev = doc()
    with_scheme(rev, "OAuth", OAUTH, ["r", "w"])
    rev["paths"]["/fine_tuning/jobs"]["post"]["security"] = [{"OAuth": ["w"]}]
    found = diff_docs(base, rev, "b", "r").changes
    assert sorted((c.id, c.operation) for c in found) == [
        ("security-scope-added", "GET /fine_tuning/jobs"),
        ("security-scope-added", "POST /fine_tuning/jobs/{id}/pause"),
    ]
    assert {c.revision for c in found} == {"/security"}
    # and back: a scope no longer required is info
    assert {(c[0], c[1]) for c in changes(rev, base)} == {("security-scope-removed", "info")}


def test_a_requirement_on_an_open_operation_breaks() -> None:
    """`security: []` on an operation means none: requiring a scheme there is security-added."""
    base, rev = doc(), doc()
    for d in (base, rev):
        with_scheme(d, "OAuth", OAUTH, ["r"])
    get(base)["security"] = []
    assert changes(base, rev) == [("security-added", "breaking", "GET /fine_tuning/jobs")]


def disc_doc(mapping: dict[str, str], where: str = "Job") -> dict[str, Any]:
    d = doc()
    for name in ("Sup", "Dpo"):
        schemas(d)[name] = {"type": "object", "properties": {"type": {"type": "string"}}}
    schemas(d)[where]["properties"]["method"] = {
        "oneOf": [{"$ref": "#/components/schemas/Sup"}, {"$ref": "#/components/schemas/Dpo"}],
        "discriminator": {
            "propertyName": "type",
            "mapping": {k: f"#/components/schemas/{v}" for k, v in mapping.items()},
        },
    }
    return d


@pytest.mark.parametrize("where", ["Job", "Req"])
def test_a_dropped_mapping_key_whose_variant_stays_is_a_rename_both_ways(where: str) -> None:
    """Without its mapping entry the variant is tagged by its component name: the old tag is gone."""
    base = disc_doc({"supervised": "Sup", "dpo": "Dpo"}, where)
    rev = disc_doc({"supervised": "Sup"}, where)
    found = diff_docs(base, rev, "b", "r").changes
    assert {(c.id, c.level) for c in found} == {("discriminator-value-renamed", "breaking")}
    assert found[0].message.startswith("discriminator value dpo of Dpo is now Dpo:")


def test_discriminator_value_added_breaks_a_response_only() -> None:
    small, big = {"supervised": "Sup", "dpo": "Dpo"}, {"supervised": "Sup", "dpo": "Dpo", "pref": "Dpo"}
    assert {c[:2] for c in changes(disc_doc(small), disc_doc(big))} == {
        ("response-discriminator-value-added", "breaking")
    }
    assert {c[:2] for c in changes(disc_doc(small, "Req"), disc_doc(big, "Req"))} == {
        ("request-discriminator-value-added", "info")
    }


def with_webhook(d: dict[str, Any], body: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    d["webhooks"] = {
        "jobDone": {
            "post": {
                "requestBody": {"content": {"application/json": {"schema": body}}},
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": answer}}}
                },
            }
        }
    }
    return d


def test_webhook_body_is_a_response_and_its_answer_a_request() -> None:
    body = {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}, "n": {"type": "integer"}},
    }
    answer = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    base = with_webhook(doc(), body, answer)
    rev = with_webhook(doc(), {**body, "properties": {"id": {"type": "string"}}}, answer)
    found = diff_docs(base, rev, "b", "r").changes
    assert [(c.id, c.level, c.operation) for c in found] == [
        ("response-property-removed", "breaking", "WEBHOOK jobDone POST")
    ]
    assert found[0].base == "/webhooks/jobDone/post/requestBody/content/application~1json/schema/properties/n"
    rev = with_webhook(doc(), body, {**answer, "required": ["ok"]})
    assert changes(base, rev) == [("request-property-became-required", "breaking", "WEBHOOK jobDone POST")]
    # a method of its own is a webhook of its own
    rev = with_webhook(doc(), body, answer)
    rev["webhooks"]["jobDone"]["put"] = rev["webhooks"]["jobDone"]["post"]
    assert changes(base, rev) == [("webhook-added", "info", "WEBHOOK jobDone PUT")]


@pytest.mark.parametrize(
    ("sunset", "expected"),
    [
        ("2026-06-01", "request-parameter-removed-before-sunset"),  # one day before the date
        ("2026-05-31", "request-parameter-removed-after-sunset"),  # on the date
    ],
)
def test_parameter_sunset_boundary(monkeypatch: pytest.MonkeyPatch, sunset: str, expected: str) -> None:
    monkeypatch.setattr(deprecation, "today", lambda: datetime.date(2026, 5, 31))
    base = doc()
    get(base)["parameters"][0].update({"deprecated": True, "x-sunset": sunset})
    rev = doc()
    del get(rev)["parameters"][0]
    assert [c[0] for c in changes(base, rev)] == [expected]


def test_sunset_is_only_read_on_a_deprecated_parameter_or_property() -> None:
    base, rev = doc(), doc()
    get(base)["parameters"][0]["x-sunset"] = "2099-01-01"
    del get(rev)["parameters"][0]
    assert [c[0] for c in changes(base, rev)] == ["request-parameter-removed"]
    base, rev = doc(), doc()
    schemas(base)["Job"]["properties"]["secret"]["x-sunset"] = "2099-01-01"
    schemas(base)["Req"]["properties"]["kind"].update({"x-sunset": "2099-01-01", "deprecated": True})
    del schemas(rev)["Req"]["properties"]["kind"]
    assert [c[0] for c in changes(base, rev)] == ["request-property-removed-before-sunset"]


def test_a_write_only_property_with_a_sunset_is_not_a_response_removal() -> None:
    """A writeOnly property is never returned: its scheduled removal does not count in responses."""
    base, rev = doc(), doc()
    schemas(base)["Job"]["properties"]["secret"].update({"x-sunset": "2099-01-01", "deprecated": True})
    del schemas(rev)["Job"]["properties"]["secret"]
    assert changes(base, rev) == []
    schemas(base)["Job"]["properties"]["secret"]["writeOnly"] = False
    assert {c[:2] for c in changes(base, rev)} == {("response-property-removed-before-sunset", "breaking")}


@pytest.mark.parametrize(
    ("old", "new", "where", "expected"),
    [
        ("int64", "int32", "Job", "schema-format-changed"),  # narrowed in a response: a warning
        ("int32", "int64", "Req", "schema-format-changed"),  # widened in a request: a warning
        ("int32", "int64", "Job", "response-integer-format-widened"),
        ("int16", "int32", "Job", "response-integer-format-widened"),
        ("int64", "int32", "Req", "request-integer-format-narrowed"),
        ("float", "double", "Job", "schema-format-changed"),  # not an integer format
    ],
)
def test_integer_format_by_direction(old: str, new: str, where: str, expected: str) -> None:
    base, rev = doc(), doc()
    for d, fmt in ((base, old), (rev, new)):
        schemas(d)[where]["properties"]["n"] = {"type": "integer", "format": fmt}
    assert {c[0] for c in changes(base, rev)} == {expected}


def test_a_respelled_pattern_is_no_change_and_a_lookahead_is_undecided() -> None:
    base, rev = doc(), doc()
    schemas(base)["Req"]["properties"]["kind"]["pattern"] = r"^\d{3}$"
    schemas(rev)["Req"]["properties"]["kind"]["pattern"] = "^[0-9][0-9][0-9]$"
    assert changes(base, rev) == []
    schemas(rev)["Req"]["properties"]["kind"]["pattern"] = "^(?!000)[0-9]{3}$"
    found = diff_docs(base, rev, "b", "r").changes
    assert {(c.id, c.level) for c in found} == {("schema-pattern-undecided", "warning")}
    assert found[0].message.endswith("not decided: the new pattern: lookarounds are not supported")


def test_the_documented_ignore_file_accepts_both_rules(tmp_path: Path) -> None:
    """docs/spec-diff.md's ignore-file example, used as written, takes out the two rules."""
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"```yaml\n  # api-ignore\.yaml.*?\n  ```", text, re.S)
    assert block is not None
    ignore = tmp_path / "api-ignore.yaml"
    ignore.write_text(
        "\n".join(line[2:] for line in block.group(0).split("\n")[1:-1]) + "\n", encoding="utf-8"
    )
    for rule in ("response-default-removed", "response-integer-format-widened"):
        status, _, _ = run(["diff", *pair(rule)])
        assert status == 1
        status, out, _ = run(["diff", *pair(rule), "--ignore", str(ignore), "--format", "json"])
        assert status == 0
        result = json.loads(out)
        assert result["summary"]["breaking"] == 0
        assert {c["id"] for c in result["ignored"]} == {rule}
