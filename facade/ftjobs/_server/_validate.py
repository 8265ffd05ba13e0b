"""The spec is the validator: routes, path and query parameters and request bodies checked against
openapi/fine_tuning.yaml's own schemas, plus the few named checks the spec cannot express.

The spec ships as ``fine_tuning.json`` next to this module (written by ``make regen``; the server has
no YAML parser at run time). Requests are validated with jsonschema (Draft 2020-12, the dialect of
OpenAPI 3.1), under two documented readings of the request schemas (see docs/server.md, Validation):

* ``nullable: true`` (OpenAPI 3.0 wording left in the 3.1 document) also allows ``null``;
* a request object that lists its ``properties`` and says nothing of others is closed: unknown
  keys, nested ones included, are rejected (the spec is silent; the API rejects them).

Named checks (:data:`NAMED_CHECKS`): finite numbers, the metadata limits the spec states only in
prose, the page limit bounds, the method and its settings agreeing, a reinforcement grader. State
transitions are ``_lifecycle.transition``'s.

Every problem is a 400 :class:`~._errors.ApiError` in the OpenAI shape, ``param`` naming the field
as a JSON path (``method.dpo.hyperparameters.beta``, ``integrations[0].wandb.tags[0]``).
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from . import _errors

INSTALL_HINT = "the local server needs jsonschema and rfc3986-validator: pip install 'ftjobs[server]'"
try:
    import jsonschema
    import referencing
    import rfc3986_validator  # noqa: F401 - jsonschema checks the ``uri`` format with it
    from referencing.jsonschema import DRAFT202012
except ModuleNotFoundError as exc:  # the `server` extra is not installed
    raise ModuleNotFoundError(f"{INSTALL_HINT} (missing module {exc.name!r})", name=exc.name) from exc

SPEC_RESOURCE = "fine_tuning.json"
SPEC_URI = "urn:ftjobs:fine_tuning.json"
SCHEMAS_REF = "#/components/schemas/"
REQUEST_SUFFIX = "__request"
CREATE_OPERATION = "createFineTuningJob"
#: Page sizes: the spec gives each list its default and no bounds; the API's are 1..100.
MIN_LIMIT, MAX_LIMIT = 1, 100
#: Metadata limits, stated in the spec's prose only.
METADATA_MAX_KEYS, METADATA_MAX_KEY_LENGTH, METADATA_MAX_VALUE_LENGTH = 16, 64, 512
METHOD_TYPES = ("supervised", "dpo", "reinforcement")
MAX_INTEGRATIONS = 5
NAMED_CHECKS = (
    "finite_numbers",
    "metadata_limits",
    "integrations_limit",
    "limit_bounds",
    "method_settings_match_type",
    "reinforcement_needs_grader",
)
_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "object": "an object",
    "array": "an array",
    "boolean": "a boolean",
    "null": "null",
}
# Which error of several to report: the shallowest field (a missing or unknown key is one level
# below its object), then unknown keys, wrong types, wrong values, missing keys.
_KIND_ORDER = {"additionalProperties": 0, "type": 1, "required": 3}
#: The ``format`` annotations of request schemas that are checked: ``uri`` (RFC 3986, a scheme and
#: no space: an image's ``image_url``), as a response validator checks it when the value comes back.
#: Raises KeyError at import if jsonschema lost its ``uri`` checker (rfc3986-validator missing).
FORMATS = jsonschema.FormatChecker(formats=("uri",))
#: Words for a value a ``format`` refuses.
_FORMAT_NAMES = {"uri": "an absolute URI (RFC 3986: a scheme, no spaces)"}

Path = tuple[str | int, ...]
_ABSENT = object()


def load_spec() -> dict[str, Any]:
    """The packaged spec document."""
    text = resources.files(__package__).joinpath(SPEC_RESOURCE).read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def param_name(path: Iterable[str | int]) -> str:
    """``("integrations", 0, "wandb")`` -> ``integrations[0].wandb``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _invalid(path: Path, message: str, code: str = "invalid_value") -> _errors.ApiError:
    name = param_name(path)
    return _errors.bad_request(f"Invalid value for '{name}': {message}", param=name or None, code=code)


# --- the request schemas -----------------------------------------------------------------------


def strict(node: Any) -> Any:
    """A copy of a request schema under the two readings above (nullable, closed objects)."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: strict(value) for key, value in node.items()}
    if out.pop("nullable", False) is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        elif kind is None:
            out = {"anyOf": [{"type": "null"}, out]}
    if isinstance(out.get("properties"), dict) and not any(
        key in out for key in ("additionalProperties", "patternProperties", "allOf", "anyOf", "oneOf")
    ):
        out["additionalProperties"] = False
    return out


def strict_requests(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the spec whose request bodies and parameters are read strictly (:func:`strict`):
    they refer to closed copies of the component schemas (``NAME__request``); responses keep the
    spec's own schemas (the API answers with fields the spec does not list)."""
    out: dict[str, Any] = copy.deepcopy(dict(document))
    schemas = out.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(
        {name + REQUEST_SUFFIX: _retarget(strict(schema)) for name, schema in list(schemas.items())}
    )
    for _, _, operation in _operations(out):
        for parameter in operation.get("parameters", []):
            parameter["schema"] = _retarget(strict(parameter.get("schema", {})))
        for media in operation.get("requestBody", {}).get("content", {}).values():
            media["schema"] = _retarget(strict(media["schema"]))
    return out


def _retarget(node: Any) -> Any:
    """``#/components/schemas/X`` refs -> ``X__request``, in place."""
    if isinstance(node, list):
        for item in node:
            _retarget(item)
    elif isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMAS_REF) and not ref.endswith(REQUEST_SUFFIX):
            node["$ref"] = ref + REQUEST_SUFFIX
        for value in node.values():
            _retarget(value)
    return node


def _operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                yield path, method.upper(), operation


@dataclass(frozen=True)
class Route:
    """One spec operation: its id and the path template split into segments."""

    operation_id: str
    method: str
    segments: tuple[str, ...]

    def match(self, segments: Sequence[str]) -> dict[str, str] | None:
        """Path parameters when ``segments`` fit the template, else ``None``."""
        if len(segments) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for template, segment in zip(self.segments, segments, strict=True):
            if template.startswith("{") and template.endswith("}"):
                if not segment:
                    return None
                params[template[1:-1]] = segment
            elif template != segment:
                return None
        return params


@dataclass(frozen=True)
class _Parameter:
    name: str
    where: str
    schema: dict[str, Any]
    required: bool
    validator: jsonschema.protocols.Validator


class Spec:
    """The packaged spec, ready to route and validate requests."""

    def __init__(self, document: dict[str, Any] | None = None) -> None:
        self.document = document if document is not None else load_spec()
        document = strict_requests(self.document)
        registry: referencing.Registry[Any] = referencing.Registry().with_resource(
            SPEC_URI, DRAFT202012.create_resource(document)
        )
        self._registry = registry
        self.routes: list[Route] = []
        self._parameters: dict[str, list[_Parameter]] = {}
        self._bodies: dict[str, jsonschema.protocols.Validator] = {}
        for path, method, operation in _operations(document):
            operation_id = operation["operationId"]
            self.routes.append(Route(operation_id, method, tuple(path.strip("/").split("/"))))
            self._parameters[operation_id] = [
                _Parameter(
                    p["name"],
                    p["in"],
                    p.get("schema", {}),
                    bool(p.get("required")),
                    self._validator(p.get("schema", {})),
                )
                for p in operation.get("parameters", [])
            ]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                self._bodies[operation_id] = self._validator(body["schema"])

    def _validator(self, schema: dict[str, Any]) -> jsonschema.protocols.Validator:
        if "$ref" in schema and schema["$ref"].startswith("#"):
            schema = {"$ref": SPEC_URI + schema["$ref"]}
        validator: jsonschema.protocols.Validator = jsonschema.Draft202012Validator(
            schema, registry=self._registry, format_checker=FORMATS
        )
        return validator

    # --- routing -------------------------------------------------------------------------------

    def route(self, method: str, segments: Sequence[str]) -> tuple[Route, dict[str, str]] | list[str]:
        """The operation for a request and its path parameters, or the methods the path allows
        (empty: no such path)."""
        allowed: list[str] = []
        for route in self.routes:
            params = route.match(segments)
            if params is None:
                continue
            if route.method == method:
                return route, params
            allowed.append(route.method)
        return allowed

    # --- parameters ----------------------------------------------------------------------------

    def parameters(
        self, operation_id: str, path_params: Mapping[str, str], query: Sequence[tuple[str, str]]
    ) -> dict[str, Any]:
        """Path and query parameters of an operation, typed and validated (unknown query
        parameters are ignored, as the API does). Absent ones take the spec's default."""
        values: dict[str, Any] = {}
        given = dict(query)
        for parameter in self._parameters[operation_id]:
            schema = parameter.schema
            if parameter.where == "path":
                raw: Any = path_params.get(parameter.name, _ABSENT)
            elif parameter.where == "query" and _is_object(schema):
                raw = _deep_object(parameter.name, query)
            elif parameter.where == "query":
                raw = given.get(parameter.name, _ABSENT)
            else:
                continue
            if raw is _ABSENT:
                if parameter.required:
                    raise _errors.bad_request(
                        f"Missing required parameter: '{parameter.name}'.",
                        param=parameter.name,
                        code="missing_required_parameter",
                    )
                if "default" in schema:
                    values[parameter.name] = schema["default"]
                continue
            value = _coerce(parameter.name, raw, schema)
            self._check(parameter.validator, value, (parameter.name,))
            values[parameter.name] = value
        if "limit" in values:
            _check_limit(values["limit"])
        return values

    # --- bodies --------------------------------------------------------------------------------

    def body(self, operation_id: str, body: object) -> dict[str, Any]:
        """A request body checked against the operation's schema and the named checks."""
        if not isinstance(body, dict):
            raise _errors.bad_request("Invalid request body: expected a JSON object.")
        _check_finite(body, ())
        self._check(self._bodies[operation_id], body, ())
        if operation_id == CREATE_OPERATION:
            _check_metadata(body.get("metadata"))
            _check_integrations(body.get("integrations"))
            _check_method(body.get("method"))
        return body

    def _check(self, validator: jsonschema.protocols.Validator, value: Any, base: Path) -> None:
        errors = list(validator.iter_errors(value))
        if errors:
            raise self._explain(_first(errors), base)

    def _explain(self, error: jsonschema.ValidationError, base: Path) -> _errors.ApiError:
        path: Path = (*base, *error.absolute_path)
        instance, kind = error.instance, error.validator
        if kind == "required":
            missing = next(name for name in error.validator_value if name not in instance)
            name = param_name((*path, missing))
            return _errors.bad_request(
                f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter"
            )
        if kind == "additionalProperties":
            known = error.schema.get("properties", {})
            extra = next(key for key in instance if key not in known)
            name = param_name((*path, extra))
            return _errors.bad_request(
                f"Unrecognized request argument supplied: {name}", param=name, code="unknown_parameter"
            )
        fitting = True
        if kind in ("oneOf", "anyOf"):
            branches = [self._resolve(branch) for branch in error.validator_value]
            chosen: int | None = None
            tags = [_tag(branch) for branch in branches]
            if isinstance(instance, dict) and all(tag is not None for tag in tags):  # tagged by "type"
                if "type" not in instance:
                    name = param_name((*path, "type"))
                    return _errors.bad_request(
                        f"Missing required parameter: '{name}'.",
                        param=name,
                        code="missing_required_parameter",
                    )
                if instance["type"] not in tags:
                    got = _show(instance["type"])
                    return _invalid(
                        (*path, "type"),
                        f"expected one of {', '.join(map(repr, tags))}, but got {got} instead.",
                    )
                chosen = tags.index(instance["type"])
            if chosen is None and isinstance(instance, dict):  # some branches tagged: the one named
                named = [i for i, tag in enumerate(tags) if tag is not None and tag == instance.get("type")]
                chosen = named[0] if len(named) == 1 else None
            typed = [i for i, branch in enumerate(branches) if self._accepts_type(branch, instance)]
            if chosen is None and isinstance(instance, dict | list) and len(typed) == 1:
                chosen = typed[0]  # one branch of this JSON type: its complaint is the useful one
            if chosen is not None:
                inner = [e for e in error.context or () if e.schema_path and e.schema_path[0] == chosen]
                if inner:
                    return self._explain(_first(inner), base)
            fitting = bool(typed)
        if kind == "format":
            words = _FORMAT_NAMES.get(str(error.validator_value), f"a {error.validator_value!r} string")
            return _invalid(path, f"expected {words}, but got {_show(instance)} instead.")
        expected = self._describe(error.schema)
        if kind == "type" or not fitting:
            name = param_name(path)
            return _errors.bad_request(
                f"Invalid type for '{name}': expected {expected}, but got {_json_type(instance)} instead.",
                param=name or None,
                code="invalid_type",
            )
        return _invalid(path, f"expected {expected}, but got {_show(instance)} instead.")

    def _resolve(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 8:
            ref = schema["$ref"]
            uri = ref if ref.startswith(SPEC_URI) else SPEC_URI + ref
            schema = self._registry.resolver().lookup(uri).contents
            seen += 1
        return schema

    def _accepts_type(self, schema: Any, instance: Any) -> bool:
        """Whether ``schema`` takes values of ``instance``'s JSON type (its other rules aside)."""
        schema = self._resolve(schema)
        if not isinstance(schema, dict):
            return True
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return any(self._accepts_type(branch, instance) for branch in schema[key])
        if "enum" in schema and "type" not in schema:
            return any(_json_type(value) == _json_type(instance) for value in schema["enum"])
        kinds = schema.get("type")
        if kinds is None:
            return True
        checker = jsonschema.Draft202012Validator.TYPE_CHECKER
        return any(checker.is_type(instance, kind) for kind in ([kinds] if isinstance(kinds, str) else kinds))

    def _describe(self, schema: Any) -> str:
        """What a schema accepts, in words: ``'auto' or a number > 0 and <= 2``."""
        schema = self._resolve(schema)
        if not isinstance(schema, dict):
            return "a valid value"
        for key in ("oneOf", "anyOf"):
            if key in schema:
                words = list(dict.fromkeys(self._describe(branch) for branch in schema[key]))
                return " or ".join(words)
        if "const" in schema:
            return repr(schema["const"])
        if "enum" in schema:
            values = [repr(v) if v is not None else "null" for v in schema["enum"]]
            return values[0] if len(values) == 1 else "one of " + ", ".join(values)
        kinds = schema.get("type")
        kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
        if not kinds:
            return "a " + schema["title"] if "title" in schema else "a valid value"
        words = [_TYPE_NAMES.get(kind, kind) + _bounds(schema, kind) for kind in kinds]
        return " or ".join(words)


# --- helpers -----------------------------------------------------------------------------------


def _first(errors: Iterable[jsonschema.ValidationError]) -> jsonschema.ValidationError:
    def key(error: jsonschema.ValidationError) -> tuple[int, int]:
        kind = str(error.validator)
        depth = len(error.absolute_path) + (kind in ("required", "additionalProperties"))
        return depth, _KIND_ORDER.get(kind, 2)

    return min(errors, key=key)


def _tag(schema: Any) -> Any:
    """The single ``type`` value an object schema pins (a union's discriminator), or ``None``."""
    if not isinstance(schema, dict):
        return None
    prop = schema.get("properties", {}).get("type")
    if not isinstance(prop, dict):
        return None
    if "const" in prop:
        return prop["const"]
    enum = prop.get("enum")
    return enum[0] if isinstance(enum, list) and len(enum) == 1 else None


def _bounds(schema: Mapping[str, Any], kind: str) -> str:
    parts: list[str] = []
    if kind in ("integer", "number"):
        if "exclusiveMinimum" in schema:
            parts.append(f"> {schema['exclusiveMinimum']}")
        elif "minimum" in schema:
            parts.append(f">= {schema['minimum']}")
        if "exclusiveMaximum" in schema:
            parts.append(f"< {schema['exclusiveMaximum']}")
        elif "maximum" in schema:
            parts.append(f"<= {schema['maximum']}")
    elif kind == "string" and ("minLength" in schema or "maxLength" in schema):
        parts.append(
            f"of {schema.get('minLength', 0)} to {schema.get('maxLength', 'any number of')} characters"
        )
    return " " + " and ".join(parts) if parts else ""


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _show(value: Any) -> str:
    text = json.dumps(value, allow_nan=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_object(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    return kind == "object" or (isinstance(kind, list) and "object" in kind)


def _deep_object(name: str, query: Sequence[tuple[str, str]]) -> object:
    """``name[k]=v`` pairs as a dict; ``name=null`` as ``None`` (the spec's "no metadata");
    :data:`_ABSENT` when neither is given."""
    wanted: dict[str, str] = {}
    prefix = name + "["
    for key, value in query:
        if key == name:
            if value != "null":
                raise _errors.bad_request(
                    f"Invalid '{name}': use {name}[KEY]=VALUE, or {name}=null.", param=name
                )
            return None
        if key == prefix + "]":  # name[]=v: a list (or nothing) where a key belongs
            raise _errors.bad_request(
                f"Invalid '{name}': a key is needed, use {name}[KEY]=VALUE.", param=name
            )
        if key.startswith(prefix) and key.endswith("]") and len(key) > len(prefix) + 1:
            inner = key[len(prefix) : -1]
            if "[" in inner or "]" in inner:  # name[k][x]=v: an object where a string belongs
                raise _errors.bad_request(
                    f"Invalid '{name}': values are strings, use {name}[KEY]=VALUE.", param=name
                )
            wanted[inner] = value
    return wanted or _ABSENT


def _coerce(name: str, raw: Any, schema: Mapping[str, Any]) -> Any:
    """A query or path string as the schema's type (objects are already dicts)."""
    kind = schema.get("type")
    if kind == "integer" and isinstance(raw, str):
        try:
            return int(raw.strip())
        except ValueError:
            raise _errors.bad_request(
                f"Invalid type for '{name}': expected an integer, but got {raw!r} instead.",
                param=name,
                code="invalid_type",
            ) from None
    return raw


def _check_finite(value: Any, path: Path) -> None:
    """Named check ``finite_numbers``: JSON has no Infinity or NaN (Python's parser accepts them)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise _invalid(path, f"numbers must be finite, but got {value!r}.")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_finite(item, (*path, index))


def _check_limit(limit: int) -> None:
    """Named check ``limit_bounds``."""
    if limit < MIN_LIMIT:
        raise _errors.bad_request(
            f"Invalid 'limit': integer below minimum value. Expected a value >= {MIN_LIMIT},"
            f" but got {limit} instead.",
            param="limit",
            code="integer_below_min_value",
        )
    if limit > MAX_LIMIT:
        raise _errors.bad_request(
            f"Invalid 'limit': integer above maximum value. Expected a value <= {MAX_LIMIT},"
            f" but got {limit} instead.",
            param="limit",
            code="integer_above_max_value",
        )


def _check_metadata(metadata: object) -> None:
    """Named check ``metadata_limits``: 16 keys of 64 characters, values of 512."""
    if not isinstance(metadata, dict):
        return
    if len(metadata) > METADATA_MAX_KEYS:
        raise _invalid(("metadata",), f"expected at most {METADATA_MAX_KEYS} keys, but got {len(metadata)}.")
    for key, value in metadata.items():
        if len(key) > METADATA_MAX_KEY_LENGTH:
            raise _invalid(("metadata",), f"keys are at most {METADATA_MAX_KEY_LENGTH} characters.")
        if len(value) > METADATA_MAX_VALUE_LENGTH:
            raise _invalid(("metadata", key), f"values are at most {METADATA_MAX_VALUE_LENGTH} characters.")


def _check_integrations(integrations: object) -> None:
    """Named check ``integrations_limit``: a job holds at most 5 (its schema's maxItems; the request
    schema has no bound)."""
    if isinstance(integrations, list) and len(integrations) > MAX_INTEGRATIONS:
        raise _invalid(
            ("integrations",),
            f"expected at most {MAX_INTEGRATIONS} integrations, but got {len(integrations)}.",
        )


def _check_method(method: object) -> None:
    """Named checks ``method_settings_match_type`` and ``reinforcement_needs_grader``."""
    if not isinstance(method, dict):
        return
    kind = method["type"]
    for other in METHOD_TYPES:
        if other != kind and method.get(other) is not None:
            raise _invalid(("method", other), f"settings for '{other}' given, but method.type is {kind!r}.")
    if kind == "reinforcement" and method.get("reinforcement") is None:
        name = "method.reinforcement.grader"
        raise _errors.bad_request(
            f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter"
        )
