"""Lint a spec: validate it as OpenAPI, then every example in it against its own schema.

Examples come from standard `example`/`examples` (media types, parameters, schemas) and from
OpenAI's `x-oaiMeta.examples[].response` (JSON text; some is not strict JSON: trailing commas or
Python's None/True/False are accepted with a warning, and text that still does not parse is a
warning, never a crash). OpenAPI 3.0 schemas are converted to the 3.1 form (`nullable`, boolean
`exclusiveMinimum`) and every schema is checked with JSON Schema Draft 2020-12.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ftjobs._lenient import loads_lenient as parse_lenient

from ..trim import HTTP_METHODS, SpecError
from .normalize import Resolver, join

SPEC_URI = "urn:ftjobs-spec"
NOT_STRICT = "response example is not strict JSON (trailing comma, Python literal); parsed leniently"
_SCHEMA_KEYS_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames")
_SCHEMA_KEYS_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_SKIP = ("example", "examples", "default", "enum", "const")


#: Every finding id the lint reports (what a lint ignore file may name).
FINDING_IDS = frozenset({"spec-invalid", "example-invalid", "example-not-strict-json", "example-unparseable"})


@dataclass(frozen=True)
class LintFinding:
    id: str
    level: str  # "error" | "warning"
    location: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "level": self.level, "location": self.location, "message": self.message}


def to_31(node: Any) -> Any:
    """A copy of a 3.0 document (or schema) with 3.0-only schema keywords in their 3.1 form."""
    if isinstance(node, list):
        return [to_31(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: (v if k in _SKIP or str(k).startswith("x-") else to_31(v)) for k, v in node.items()}
    for excl, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(excl), bool):
            if out[excl] and plain in out:
                out[excl] = out.pop(plain)
            else:
                del out[excl]
    if out.pop("nullable", None) is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        elif "type" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


class _Checker:
    def __init__(self, doc: dict[str, Any]) -> None:
        # 3.1 documents too: upstream 3.1 specs still hold 3.0-style boolean exclusiveMinimum
        self.doc = to_31(doc)
        resource = Resource.from_contents(self.doc, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self._validators: dict[str, Draft202012Validator] = {}

    def errors(self, schema_ptr: str, value: Any) -> list[str]:
        validator = self._validators.get(schema_ptr)
        if validator is None:
            validator = Draft202012Validator({"$ref": f"{SPEC_URI}#{schema_ptr}"}, registry=self.registry)
            self._validators[schema_ptr] = validator
        out = []
        for err in sorted(validator.iter_errors(value), key=lambda e: list(map(str, e.absolute_path))):
            where = "/".join(str(p) for p in err.absolute_path)
            out.append(f"at /{where}: {err.message}" if where else err.message)
        return out


def _schemas(node: Any, ptr: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every schema node below a schema (through properties, items, combinators), with its pointer."""
    if not isinstance(node, dict):
        return
    yield node, ptr
    for name, sub in (node.get("properties") or {}).items():
        yield from _schemas(sub, join(ptr, "properties", name))
    for key in _SCHEMA_KEYS_ONE:
        if isinstance(node.get(key), dict):
            yield from _schemas(node[key], join(ptr, key))
    for key in _SCHEMA_KEYS_MANY:
        for i, sub in enumerate(node.get(key) or []):
            yield from _schemas(sub, join(ptr, key, i))


def _examples_of(node: dict[str, Any], ptr: str) -> Iterator[tuple[Any, str]]:
    if "example" in node:
        yield node["example"], join(ptr, "example")
    examples = node.get("examples")
    if isinstance(examples, dict):
        for name, ex in examples.items():
            if isinstance(ex, dict) and "value" in ex:
                yield ex["value"], join(ptr, "examples", name, "value")


def _success_schema(op: dict[str, Any], op_ptr: str) -> str | None:
    for status, resp in (op.get("responses") or {}).items():
        if not str(status).startswith("2") or not isinstance(resp, dict):
            continue
        for media, obj in (resp.get("content") or {}).items():
            if "json" in str(media) and isinstance(obj, dict) and "schema" in obj:
                return join(op_ptr, "responses", str(status), "content", str(media), "schema")
    return None


def _meta_examples(op: dict[str, Any], op_ptr: str) -> Iterator[tuple[Any, str]]:
    examples = (op.get("x-oaiMeta") or {}).get("examples")
    base = join(op_ptr, "x-oaiMeta", "examples")
    items = (
        [(examples, base)]
        if isinstance(examples, dict)
        else [(ex, join(base, i)) for i, ex in enumerate(examples or [])]
    )
    for ex, ptr in items:
        if isinstance(ex, dict) and isinstance(ex.get("response"), str):
            yield ex["response"], join(ptr, "response")


def check_examples(doc: dict[str, Any]) -> list[LintFinding]:
    checker = _Checker(doc)
    findings: list[LintFinding] = []

    def validate(value: Any, schema_ptr: str, where: str) -> None:
        for message in checker.errors(schema_ptr, value):
            findings.append(LintFinding("example-invalid", "error", where, message))

    for path, item in (checker.doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            op_ptr = join("/paths", path, method)
            for i, param in enumerate(op.get("parameters") or []):
                pptr = join(op_ptr, "parameters", i)
                if isinstance(param, dict) and "schema" in param:
                    for value, where in _examples_of(param, pptr):
                        validate(value, join(pptr, "schema"), where)
            body = op.get("requestBody")
            for media, obj in ((body or {}).get("content") or {}).items() if isinstance(body, dict) else ():
                mptr = join(op_ptr, "requestBody", "content", str(media))
                if isinstance(obj, dict) and "schema" in obj:
                    for value, where in _examples_of(obj, mptr):
                        validate(value, join(mptr, "schema"), where)
            for status, resp in (op.get("responses") or {}).items():
                for media, obj in (
                    ((resp or {}).get("content") or {}).items() if isinstance(resp, dict) else ()
                ):
                    mptr = join(op_ptr, "responses", str(status), "content", str(media))
                    if isinstance(obj, dict) and "schema" in obj:
                        for value, where in _examples_of(obj, mptr):
                            validate(value, join(mptr, "schema"), where)
            target = _success_schema(op, op_ptr)
            for text, where in _meta_examples(op, op_ptr):
                try:
                    value, strict = parse_lenient(text)
                except (ValueError, RecursionError) as exc:
                    reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
                    findings.append(
                        LintFinding(
                            "example-unparseable", "warning", where, f"response example is not JSON: {reason}"
                        )
                    )
                    continue
                if not strict:
                    findings.append(
                        LintFinding(
                            "example-not-strict-json",
                            "warning",
                            where,
                            NOT_STRICT,
                        )
                    )
                if target is not None:
                    validate(value, target, where)
    for name, schema in ((checker.doc.get("components") or {}).get("schemas") or {}).items():
        for node, ptr in _schemas(schema, join("/components/schemas", name)):
            for value, where in _examples_of(node, ptr):
                if "examples" in node and isinstance(node["examples"], list):
                    continue
                validate(value, ptr, where)
            if isinstance(node.get("examples"), list):  # JSON Schema 2020-12 `examples`: a list
                for i, value in enumerate(node["examples"]):
                    validate(value, ptr, join(ptr, "examples", i))
    return findings


def validate_spec(doc: dict[str, Any]) -> list[LintFinding]:
    """OpenAPI structural validation (openapi-spec-validator)."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    version = str(doc.get("openapi", ""))
    cls = OpenAPIV30SpecValidator if version.startswith("3.0") else OpenAPIV31SpecValidator
    findings = []
    try:
        for err in cls(copy.deepcopy(doc)).iter_errors():
            where = "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in err.absolute_path)
            message = str(err.message).split("\n\n", 1)[0]  # not the instance, which may be the document
            findings.append(LintFinding("spec-invalid", "error", where, message))
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
        # the validator walks on where a required node is null or missing: the document is invalid
        message = f"the OpenAPI validator stopped on the document ({type(exc).__name__}: {exc})"
        findings.append(LintFinding("spec-invalid", "error", "/", message))
    return findings


def lint_doc(doc: dict[str, Any], name: str = "spec") -> list[LintFinding]:
    """Validate a loaded document; SpecError when it cannot be validated at all (a bad or cyclic
    `$ref`, a reference cycle the validators cannot follow)."""
    try:
        Resolver(doc).check_refs()
        return validate_spec(doc) + check_examples(doc)
    except SpecError as exc:
        raise SpecError(f"{name}: {exc}") from exc
    except RecursionError as exc:
        raise SpecError(f"{name}: cannot be validated: its references recurse without end") from exc
