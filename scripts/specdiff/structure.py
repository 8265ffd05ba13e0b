"""The shape of an OpenAPI document, as far as the diff, the trim and the lint read it.

`check_structure(doc, name)` raises SpecError naming the JSON pointer of the first node whose type
the specification does not allow there (a `responses` that is a number, a parameter without a
`name`, `required` that is not a list of strings, ...). It is not validation (that is `lint`'s job,
and the real specs are not strictly valid); it makes sure no later step meets a node of a type it
cannot read. The walk is iterative and visits each shared (aliased) node once.
"""

from __future__ import annotations

from typing import Any

from ..trim import HTTP_METHODS, SpecError
from .normalize import join

_KIND = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number"}
_SCHEMA_ONE: tuple[str, ...] = ("items", "additionalProperties", "not", "if", "then", "else", "contains")
_SCHEMA_ONE += ("propertyNames", "unevaluatedItems", "unevaluatedProperties", "additionalItems")
_SCHEMA_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
_NUMBERS: tuple[str, ...] = ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems")
_NUMBERS += ("minProperties", "maxProperties", "multipleOf")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    for cls, name in _KIND.items():
        if isinstance(value, cls) and not (cls is int and isinstance(value, bool)):
            return name
    if isinstance(value, float):
        return "a number"
    return type(value).__name__


class _Checker:
    def __init__(self, name: str) -> None:
        self.name = name
        self.schemas: list[tuple[Any, str]] = []
        self.seen: set[int] = set()

    def fail(self, ptr: str, expected: str, value: Any) -> SpecError:
        return SpecError(f"{self.name}: {ptr or '/'}: expected {expected}, got {_kind(value)}")

    def mapping(self, node: Any, ptr: str, what: str = "a mapping") -> dict[Any, Any]:
        if not isinstance(node, dict):
            raise self.fail(ptr, what, node)
        return node

    def opt_mapping(self, parent: dict[Any, Any], key: str, ptr: str) -> dict[Any, Any]:
        """parent[key] as a mapping ({} when absent or null)."""
        value = parent.get(key)
        return {} if value is None else self.mapping(value, join(ptr, key))

    def opt_list(self, parent: dict[Any, Any], key: str, ptr: str) -> list[Any]:
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(join(ptr, key), "a list", value)
        return value

    def strings(self, parent: dict[Any, Any], key: str, ptr: str) -> None:
        for i, item in enumerate(self.opt_list(parent, key, ptr)):
            if not isinstance(item, str):
                raise self.fail(join(ptr, key, i), "a string", item)

    def keys_are_strings(self, node: dict[Any, Any], ptr: str) -> None:
        for key in node:
            if not isinstance(key, str):
                raise SpecError(f"{self.name}: {ptr or '/'}: key {key!r} is not a string")

    def is_ref(self, node: dict[Any, Any], ptr: str) -> bool:
        if "$ref" not in node:
            return False
        if not isinstance(node["$ref"], str):
            raise self.fail(join(ptr, "$ref"), "a string", node["$ref"])
        return True

    # --- the document ------------------------------------------------------------------------

    def document(self, doc: dict[str, Any]) -> None:
        self.keys_are_strings(doc, "")
        paths = self.mapping(doc["paths"], "/paths")
        self.keys_are_strings(paths, "/paths")
        for path, item in paths.items():
            self.path_item(item, join("/paths", path))
        self.requirements(doc, "")
        for i, tag in enumerate(self.opt_list(doc, "tags", "")):
            self.mapping(tag, join("/tags", i))
        components = self.opt_mapping(doc, "components", "")
        self.keys_are_strings(components, "/components")
        for kind in components:
            kptr = join("/components", str(kind))
            entries = self.opt_mapping(components, kind, "/components")
            self.keys_are_strings(entries, kptr)
            for entry_name, entry in entries.items():
                eptr = join(kptr, entry_name)
                if kind == "schemas":
                    self.schemas.append((entry, eptr))
                elif kind == "parameters":
                    self.parameter(entry, eptr)
                elif kind == "responses":
                    self.response(entry, eptr)
                elif kind == "requestBodies":
                    self.request_body(entry, eptr)
                elif kind == "headers":
                    self.header(entry, eptr)
                elif kind == "pathItems":
                    self.path_item(entry, eptr)
                elif kind == "callbacks":
                    self.callback(entry, eptr)
                else:
                    self.mapping(entry, eptr)
        self.all_schemas()

    def requirements(self, node: dict[str, Any], ptr: str) -> None:
        for i, requirement in enumerate(self.opt_list(node, "security", ptr)):
            rptr = join(ptr, "security", i)
            self.keys_are_strings(self.mapping(requirement, rptr), rptr)
            for scheme, scopes in requirement.items():
                if not isinstance(scopes, list):
                    raise self.fail(join(rptr, scheme), "a list of scopes", scopes)

    def path_item(self, item: Any, ptr: str) -> None:
        item = self.mapping(item, ptr, "a path item (a mapping)")
        if self.is_ref(item, ptr):
            return
        for i, param in enumerate(self.opt_list(item, "parameters", ptr)):
            self.parameter(param, join(ptr, "parameters", i))
        for method in HTTP_METHODS:
            if method in item:
                self.operation(item[method], join(ptr, method))

    def operation(self, op: Any, ptr: str) -> None:
        op = self.mapping(op, ptr, "an operation (a mapping)")
        for i, param in enumerate(self.opt_list(op, "parameters", ptr)):
            self.parameter(param, join(ptr, "parameters", i))
        if op.get("requestBody") is not None:
            self.request_body(op["requestBody"], join(ptr, "requestBody"))
        responses = self.opt_mapping(op, "responses", ptr)
        for status, response in responses.items():
            self.response(response, join(ptr, "responses", str(status)))
        self.requirements(op, ptr)
        for key in ("tags",):
            for i, tag in enumerate(self.opt_list(op, key, ptr)):
                if not isinstance(tag, str | int | float | bool):
                    raise self.fail(join(ptr, key, i), "a tag name", tag)
        for name, callback in self.opt_mapping(op, "callbacks", ptr).items():
            self.callback(callback, join(ptr, "callbacks", str(name)))

    def callback(self, callback: Any, ptr: str) -> None:
        callback = self.mapping(callback, ptr)
        if self.is_ref(callback, ptr):
            return
        for expression, item in callback.items():
            self.path_item(item, join(ptr, str(expression)))

    def parameter(self, param: Any, ptr: str) -> None:
        param = self.mapping(param, ptr, "a parameter (a mapping)")
        if self.is_ref(param, ptr):
            return
        for key in ("name", "in"):
            if not isinstance(param.get(key), str):
                raise self.fail(join(ptr, key), "a string", param.get(key))
        self.schema_or_content(param, ptr)

    def header(self, header: Any, ptr: str) -> None:
        header = self.mapping(header, ptr, "a header (a mapping)")
        if not self.is_ref(header, ptr):
            self.schema_or_content(header, ptr)

    def schema_or_content(self, node: dict[str, Any], ptr: str) -> None:
        if "schema" in node:
            self.schemas.append((node["schema"], join(ptr, "schema")))
        self.content(node, ptr)

    def content(self, node: dict[str, Any], ptr: str) -> None:
        content = self.opt_mapping(node, "content", ptr)
        for media in content:
            mptr = join(ptr, "content", str(media))
            obj = self.opt_mapping(content, media, join(ptr, "content"))
            if "schema" in obj:
                self.schemas.append((obj["schema"], join(mptr, "schema")))
            self.opt_mapping(obj, "examples", mptr)

    def request_body(self, body: Any, ptr: str) -> None:
        body = self.mapping(body, ptr, "a request body (a mapping)")
        if not self.is_ref(body, ptr):
            self.content(body, ptr)

    def response(self, response: Any, ptr: str) -> None:
        response = self.mapping(response, ptr, "a response (a mapping)")
        if self.is_ref(response, ptr):
            return
        self.content(response, ptr)
        for name, header in self.opt_mapping(response, "headers", ptr).items():
            self.header(header, join(ptr, "headers", str(name)))
        for name, link in self.opt_mapping(response, "links", ptr).items():
            self.mapping(link, join(ptr, "links", str(name)))

    # --- schemas -----------------------------------------------------------------------------
    # Schemas are most of a document: each node is read once, key by key, and the pointer of a
    # child is only built (from its parent's and its own tokens) when something is wrong there.

    def all_schemas(self) -> None:
        stack: list[tuple[Any, Any]] = list(self.schemas)
        self.schemas = []
        seen = self.seen
        push = stack.append
        while stack:
            node, where = stack.pop()
            if not isinstance(node, dict):
                if isinstance(node, bool):
                    continue
                raise self.fail(_pointer(where), "a schema (a mapping or a boolean)", node)
            if id(node) in seen:
                continue
            seen.add(id(node))
            for key, value in node.items():
                kind = _SCHEMA_KEYS.get(key)
                if kind is None:
                    if not isinstance(key, str):
                        raise SpecError(f"{self.name}: {_pointer(where) or '/'}: key {key!r} is not a string")
                elif kind == _ONE:
                    push((value, (where, key)))
                elif value is None:
                    continue
                elif kind == _MANY:
                    if not isinstance(value, list):
                        raise self.fail(_pointer((where, key)), "a list", value)
                    for i, sub in enumerate(value):
                        push((sub, (where, key, i)))
                elif kind == _MAP:
                    if not isinstance(value, dict):
                        raise self.fail(_pointer((where, key)), "a mapping", value)
                    for name, sub in value.items():
                        if not isinstance(name, str):
                            raise SpecError(
                                f"{self.name}: {_pointer((where, key))}: key {name!r} is not a string"
                            )
                        push((sub, (where, key, name)))
                else:
                    self.keyword(kind, value, (where, key))

    def keyword(self, kind: int, value: Any, where: Any) -> None:
        """The non-schema keywords of a schema whose type the diff relies on."""
        if kind == _STRINGS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise self.fail(_pointer(where), "a list of strings", value)
        if kind == _LIST and not isinstance(value, list):
            raise self.fail(_pointer(where), "a list", value)
        if kind == _TYPE and not (
            isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        ):
            raise self.fail(_pointer(where), "a type name or a list of them", value)
        if kind == _NUMBER and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise self.fail(_pointer(where), "a number", value)
        if kind == _EXCLUSIVE and not isinstance(value, int | float):
            raise self.fail(_pointer(where), "a number or a boolean", value)
        if kind == _STRING and not isinstance(value, str):
            raise self.fail(_pointer(where), "a string", value)
        if kind == _DISCRIMINATOR:
            ptr = _pointer(where)
            value = self.mapping(value, ptr)
            if not isinstance(value.get("propertyName"), str):
                raise self.fail(join(ptr, "propertyName"), "a string", value.get("propertyName"))
            for value_name, target in self.opt_mapping(value, "mapping", ptr).items():
                if not isinstance(target, str):
                    raise self.fail(join(ptr, "mapping", str(value_name)), "a string", target)


_ONE, _MANY, _MAP, _STRINGS, _LIST, _TYPE, _NUMBER, _EXCLUSIVE, _STRING, _DISCRIMINATOR = range(10)
_SCHEMA_KEYS: dict[Any, int] = {
    **dict.fromkeys(_SCHEMA_ONE, _ONE),
    **dict.fromkeys(_SCHEMA_MANY, _MANY),
    **dict.fromkeys(_SCHEMA_MAPS, _MAP),
    **dict.fromkeys(_NUMBERS, _NUMBER),
    "required": _STRINGS,
    "enum": _LIST,
    "type": _TYPE,
    "exclusiveMinimum": _EXCLUSIVE,
    "exclusiveMaximum": _EXCLUSIVE,
    "pattern": _STRING,
    "format": _STRING,
    "$ref": _STRING,
    "discriminator": _DISCRIMINATOR,
}


def _pointer(where: Any) -> str:
    """A JSON pointer from a chain (parent chain, token, ...) or a pointer string."""
    tokens: list[Any] = []
    while isinstance(where, tuple):
        tokens[:0] = where[1:]
        where = where[0]
    return join(where, *tokens)


def check_structure(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """doc if every node the diff reads has a type OpenAPI allows there; else SpecError naming it."""
    _Checker(name).document(doc)
    return doc
