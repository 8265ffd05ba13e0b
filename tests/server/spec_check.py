"""Responses checked against openapi/fine_tuning.yaml: the 200 schema of the operation, or OpenAI's
ErrorResponse for errors. Used by every Harness client (conftest) and the conformance tests.

Schemas are the spec's own (Draft 2020-12, ``#/components/...`` refs resolved through a registry
holding the whole document), read from the YAML source, not from the server's JSON copy. Error
bodies use OpenAI's ``ErrorResponse`` (upstream ``components.schemas.ErrorResponse``/``Error``, not
in the trimmed spec), copied below.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import referencing
import yaml
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "fine_tuning.yaml"
SPEC_URI = "urn:ftjobs:fine_tuning.yaml"
#: Where the server serves the spec's paths: OpenAI's /v1 and Azure's /openai.
PREFIXES = ("/v1/", "/openai/")
ERROR_RESPONSE: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["type", "message", "param", "code"],
            "properties": {
                "code": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "message": {"type": "string"},
                "param": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "type": {"type": "string"},
            },
        }
    },
}


class ResponseChecker:
    """Validators of every operation's 200 response and of error bodies."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        assert '"exclusiveMinimum": true' not in json.dumps(spec)  # overlay 03 wrote the 3.1 form
        registry: referencing.Registry[Any] = referencing.Registry().with_resource(
            SPEC_URI, DRAFT202012.create_resource(spec)
        )
        self.registry = registry
        self.error = self.validator(ERROR_RESPONSE)
        self.operations: dict[str, jsonschema.protocols.Validator] = {}
        self.routes: list[tuple[str, tuple[str, ...], str]] = []
        for path, item in spec["paths"].items():
            for method, operation in item.items():
                content = operation["responses"]["200"]["content"]
                schema = next(iter(content.values()))["schema"]  # JSON, or a file's bytes
                self.operations[operation["operationId"]] = self.validator(
                    {"$ref": SPEC_URI + schema["$ref"]} if "$ref" in schema else schema
                )  # a file's content is a plain schema (type: string)
                self.routes.append(
                    (method.upper(), tuple(path.strip("/").split("/")), operation["operationId"])
                )

    def validator(self, schema: dict[str, Any]) -> jsonschema.protocols.Validator:
        return jsonschema.Draft202012Validator(schema, registry=self.registry)

    def operation(self, method: str, path: str) -> str | None:
        """The operationId for a request path (``/v1/...`` or ``/openai/...``), if it is one."""
        prefix = next((p for p in PREFIXES if path.startswith(p)), None)
        if prefix is None:
            return None
        segments = path[len(prefix) :].split("/")
        for route_method, template, operation_id in self.routes:
            if (
                route_method == method
                and len(template) == len(segments)
                and all(t == s or (t.startswith("{") and s) for t, s in zip(template, segments, strict=True))
            ):
                return operation_id
        return None

    def problems(self, method: str, path: str, status: int, body: Any) -> list[str]:
        """Why a response does not conform (empty: it does)."""
        if status >= 400:
            validator = self.error
        else:
            operation = self.operation(method, path)
            if status != 200 or operation is None:
                return [f"{method} {path}: status {status} is not a documented success"]
            validator = self.operations[operation]
        return [
            f"{method} {path} -> {status}: {error.message} at {list(error.absolute_path)}"
            for error in validator.iter_errors(body)
        ]


@cache
def checker() -> ResponseChecker:
    return ResponseChecker(yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8")))
