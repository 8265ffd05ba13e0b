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

    def all_schemas(self) -> None:
        while self.schemas:
            node, ptr = self.schemas.pop()
            if isinstance(node, bool):
                continue
            node = self.mapping(node, ptr, "a schema (a mapping or a boolean)")
            if id(node) in self.seen:
                continue
            self.seen.add(id(node))
            self.schema(node, ptr)

    def schema(self, node: dict[Any, Any], ptr: str) -> None:
        self.keys_are_strings(node, ptr)
        self.is_ref(node, ptr)
        for key in _SCHEMA_ONE:
            if key in node and not isinstance(node[key], bool):
                self.schemas.append((node[key], join(ptr, key)))
        for key in _SCHEMA_MANY:
            for i, sub in enumerate(self.opt_list(node, key, ptr)):
                self.schemas.append((sub, join(ptr, key, i)))
        for key in _SCHEMA_MAPS:
            entries = self.opt_mapping(node, key, ptr)
            self.keys_are_strings(entries, join(ptr, key))
            self.schemas.extend((sub, join(ptr, key, name)) for name, sub in entries.items())
        self.strings(node, "required", ptr)
        self.opt_list(node, "enum", ptr)
        if "type" in node and not isinstance(node["type"], str):
            if not isinstance(node["type"], list):
                raise self.fail(join(ptr, "type"), "a type name or a list of them", node["type"])
            self.strings(node, "type", ptr)
        for key in _NUMBERS:
            value = node.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise self.fail(join(ptr, key), "a number", value)
        for key in ("exclusiveMinimum", "exclusiveMaximum"):
            value = node.get(key)
            if value is not None and not isinstance(value, int | float):
                raise self.fail(join(ptr, key), "a number or a boolean", value)
        for key in ("pattern", "format"):
            if key in node and node[key] is not None and not isinstance(node[key], str):
                raise self.fail(join(ptr, key), "a string", node[key])
        discriminator = node.get("discriminator")
        if discriminator is not None:
            dptr = join(ptr, "discriminator")
            discriminator = self.mapping(discriminator, dptr)
            if not isinstance(discriminator.get("propertyName"), str):
                raise self.fail(join(dptr, "propertyName"), "a string", discriminator.get("propertyName"))
            for value_name, target in self.opt_mapping(discriminator, "mapping", dptr).items():
                if not isinstance(target, str):
                    raise self.fail(join(dptr, "mapping", str(value_name)), "a string", target)


def check_structure(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """doc if every node the diff reads has a type OpenAPI allows there; else SpecError naming it."""
    _Checker(name).document(doc)
    return doc
