"""The typed classes users hold (``ftjobs.Job``...), generated from the spec.

``scripts.regen`` calls :func:`render` after openapi-python-client: it walks the spec's schemas from
the roots named in ``openapi/generator.yaml`` (``x-ftjobs-views``), decides for every property its
Python type and the runtime reader that parses it, and renders ``openapi/templates/view_class.py.jinja``
(a module per class in ``_views/``, so that a parse loads only the classes its data holds),
``views.py.jinja`` (the public module, loading each on first use) and ``views_runtime.py.jinja``
(the readers they call, written once) into the generated package. The spec says everything but a
few facts, which the config declares once: the names users see, which properties a result cannot
do without, which enum is a facade class (``JobStatus``), which timestamp uses ``0`` for "unknown",
which list may hold file objects, which union member may come as a list. Integers with
``format: unixtime`` are datetimes, string enums are open-ended (kept as ``str``), a single-value
``type`` enum of a union member is its tag (``Literal``), and the rest follows from the JSON types.

Nothing here is per schema: a property, enum value, union member or nested object added upstream
reaches the classes on the next ``make regen``.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

TEMPLATES = Path(__file__).resolve().parent.parent / "openapi" / "templates"
CONFIG_KEY = "x-ftjobs-views"


class ViewError(Exception):
    """The spec has a shape the view generator does not handle."""


@dataclass
class Field:
    name: str  # Python attribute
    key: str  # JSON key
    annotation: str
    reader: str  # an expression reading the value from the object `d`
    default: str | None  # Python code; None: required (no default)
    repr: bool = True
    doc: str = ""


@dataclass
class View:
    name: str
    path: str  # Schema or Schema.property... (where it is declared)
    doc: str
    fields: list[Field] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # keys read only to check their JSON type
    root: dict[str, Any] | None = (
        None  # {"root": "job", "kind": "fine_tuning.job", "generated": "FineTuningJob"}
    )
    base: str | None = None  # "module:Class" mixin
    #: Keeps ``raw``: response objects, list items and union members (what users pass around alone);
    #: an object nested once is in its parent's ``raw`` (and one more field costs every parse).
    keep_raw: bool = False


@dataclass
class Union:
    name: str  # module-level reader name
    members: list[str]  # view names (tagged)
    tags: dict[str, str]  # tag -> view name
    strings: bool = False
    integer: bool = False
    number: bool = False
    boolean: bool = False
    single: str | None = None  # untagged object member
    expected: str = ""


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def _attr(key: str) -> str:
    name = re.sub(r"\W", "_", key)
    if keyword.iskeyword(name) or not name:
        name += "_"
    return name


def _doc(text: object) -> str:
    first = str(text or "").strip().split("\n\n")[0].replace("\n", " ").strip()
    return first.replace('"""', "'''").replace("\\", "\\\\")


class Builder:
    def __init__(self, spec: dict[str, Any], config: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = spec["components"]["schemas"]
        self.names: dict[str, str] = dict(config.get("names") or {})
        self.require: dict[str, list[str]] = dict(config.get("require") or {})
        self.enums: dict[str, str] = dict(config.get("enums") or {})
        self.zero_unknown: set[str] = set(config.get("zero_is_unknown") or [])
        self.message_or_object: set[str] = set(config.get("message_or_object") or [])
        self.also_read: dict[str, str] = dict(config.get("also_read") or {})
        self.file_ids: set[str] = set(config.get("file_ids") or [])
        self.one_or_list: set[str] = set(config.get("one_or_list") or [])
        self.skip: set[str] = set(config.get("skip") or [])
        self.bases: dict[str, str] = dict(config.get("bases") or {})
        self.views: dict[str, View] = {}
        self.by_path: dict[str, str] = {}
        self.unions: dict[str, Union] = {}
        self.union_paths: dict[str, list[str]] = {}
        self.imports: set[str] = set()
        self.readers: dict[str, str] = {}

    def reader(self, name: str, code: str) -> str:
        """A reader built once at import (a closure over its constants): its module-level name."""
        if self.readers.setdefault(name, code) != code:
            raise ViewError(f"two readers would be named {name}")
        return name

    # --- schema helpers ---------------------------------------------------------------------------

    def deref(self, schema: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        name = None
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.schemas[name]
        return schema, name

    def non_null(self, schema: dict[str, Any]) -> list[tuple[dict[str, Any], str | None]]:
        """The alternatives of a schema, null dropped, refs resolved, nested anyOf/oneOf flattened."""
        schema, name = self.deref(schema)
        alts = schema.get("anyOf") or schema.get("oneOf")
        if alts and "properties" not in schema:
            out: list[tuple[dict[str, Any], str | None]] = []
            for alt in alts:
                out.extend(self.non_null(alt))
            return out
        types = schema.get("type")
        if isinstance(types, list):
            rest = [t for t in types if t != "null"]
            if not rest:
                return []
            if len(rest) == 1:
                return [({**schema, "type": rest[0]}, name)]
            return [({**schema, "type": t}, name) for t in rest]
        if types == "null":
            return []
        return [(schema, name)]

    # --- classes ------------------------------------------------------------------------------------

    def view(self, schema: dict[str, Any], path: str) -> str:
        """The view class for an object schema (declared at path); built once."""
        if path in self.by_path:
            return self.by_path[path]
        name = self.names.get(path) or (path if "." not in path else _camel(path.replace(".", "_")))
        if name in self.views:
            raise ViewError(f"two schemas would be named {name}: {self.views[name].path} and {path}")
        view = View(name=name, path=path, doc=_doc(schema.get("description") or schema.get("title") or name))
        self.views[name] = view
        self.by_path[path] = name
        view.base = self.bases.get(path)
        required = self.require.get(path, [])
        props: dict[str, Any] = schema.get("properties") or {}
        order = [k for k in required if k in props] + [k for k in props if k not in required]
        for key in order:
            if key in self.skip:
                view.checks.append(key)
                continue
            view.fields.append(self.field(props[key], f"{path}.{key}", key, key in required, schema))
        return name

    def tag_of(self, schema: dict[str, Any]) -> str | None:
        prop = (schema.get("properties") or {}).get("type")
        if prop is None:
            return None
        prop, _ = self.deref(prop)
        values = prop.get("enum")
        if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
            return values[0]
        return None

    def field(
        self, prop: dict[str, Any], path: str, key: str, required: bool, owner: dict[str, Any]
    ) -> Field:
        alts = self.non_null(prop)
        required_in_spec = key in (owner.get("required") or [])
        doc = _doc(prop.get("description") or (alts[0][0].get("description") if alts else ""))
        name = _attr(key)
        k = repr(key)
        if not alts:
            return Field(name, key, "None", "None", "None", doc=doc)
        if path in self.enums:
            module, cls = self.enums[path].split(":")
            self.imports.add(f"from {module} import {cls}")
            fn = "required_enum" if required else "enum"
            reader = self.reader(f"_{fn}_{cls}", f"{fn}({cls})")
            return Field(
                name,
                key,
                cls if required else f"{cls} | None",
                f"{reader}(d, {k})",
                None if required else "None",
                doc=doc,
            )
        if len(alts) == 1:
            schema, ref = alts[0]
            t = schema.get("type")
            if t == "string" or (
                t is None and "enum" in schema and all(isinstance(v, str) for v in schema["enum"])
            ):
                tag = owner.get("x-ftjobs-tag")
                if key == "type" and tag is not None:
                    return Field(name, key, f'Literal["{tag}"]', f'"{tag}"', f'"{tag}"', doc=doc)
                if required:
                    return Field(name, key, "str", f"required_string(d, {k})", None, doc=doc)
                return Field(name, key, "str | None", f"string(d, {k})", "None", doc=doc)
            if t == "integer" and schema.get("format") == "unixtime":
                self.imports.add("import datetime as dt")
                fn = "time_or_unknown" if path in self.zero_unknown else "time"
                if path in self.also_read:  # the key, else its other name (Fireworks' completed_at)
                    k = f"present(d, {k}, {self.also_read[path]!r})"
                return Field(name, key, "dt.datetime | None", f"{fn}(d, {k})", "None", doc=doc)
            scalar = {
                "integer": ("int", "integer"),
                "number": ("float", "number"),
                "boolean": ("bool", "boolean"),
            }
            if t in scalar:
                py, fn = scalar[t]
                return Field(name, key, f"{py} | None", f"{fn}(d, {k})", "None", doc=doc)
            if t == "array" or (t is None and "items" in schema):
                return self.array(schema, path, key, name, doc, required_in_spec)
            if t == "object" or "properties" in schema or "additionalProperties" in schema:
                return self.obj(schema, ref, path, key, name, doc, required_in_spec)
            raise ViewError(f"{path}: unsupported schema {schema!r:.200}")
        return self.union_field(alts, path, key, name, doc)

    def obj(
        self, schema: dict[str, Any], ref: str | None, path: str, key: str, name: str, doc: str, req: bool
    ) -> Field:
        k = repr(key)
        if "properties" in schema:
            cls = self.view(schema, ref or path)
            fn = "message_or_object" if path in self.message_or_object else "sub"
            read = f"{fn}(d, {k}, _read_{cls})"
            return Field(name, key, f"{cls} | None", read, "None", repr=False, doc=doc)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            inner = self.deref(extra)[0].get("type")
            if inner == "string":
                return Field(name, key, "dict[str, str] | None", f"str_map(d, {k})", "None", doc=doc)
        self.imports.add("from collections.abc import Mapping")
        self.imports.add("from typing import Any")
        if req:  # a map the spec always sends: empty when the server omits it
            return Field(
                name, key, "Mapping[str, Any]", f"mapping_or_empty(d, {k})", "_EMPTY", repr=False, doc=doc
            )
        return Field(name, key, "Mapping[str, Any] | None", f"mapping(d, {k})", "None", repr=False, doc=doc)

    def array(self, schema: dict[str, Any], path: str, key: str, name: str, doc: str, req: bool) -> Field:
        k = repr(key)
        items = schema.get("items") or {}
        alts = self.non_null(items)
        if path in self.file_ids:
            return Field(name, key, "tuple[str, ...]", f"file_ids(d, {k})", "()", doc=doc)
        if len(alts) == 1:
            inner, ref = alts[0]
            t = inner.get("type")
            simple = {
                "string": ("str", "strings"),
                "number": ("float", "numbers"),
                "integer": ("int", "integers"),
                "boolean": ("bool", "booleans"),
            }
            if t in simple and not (t == "integer" and inner.get("format") == "unixtime"):
                py, fn = simple[t]
                return Field(name, key, f"tuple[{py}, ...]", f"{fn}(d, {k})", "()", doc=doc)
            if t == "object" or "properties" in inner:
                if "properties" not in inner:
                    self.imports.add("from collections.abc import Mapping")
                    self.imports.add("from typing import Any")
                    return Field(
                        name,
                        key,
                        "tuple[Mapping[str, Any], ...]",
                        f"items(d, {k}, _as_is)",
                        "()",
                        repr=False,
                        doc=doc,
                    )
                cls = self.view(inner, ref or f"{path}[]")
                self.views[cls].keep_raw = True
                return Field(
                    name, key, f"tuple[{cls}, ...]", f"items(d, {k}, _read_{cls})", "()", repr=False, doc=doc
                )
        union = self.union(alts, path + "[]")
        return Field(
            name,
            key,
            f"tuple[{self.union_type(union)}, ...]",
            f"union_items(d, {k}, {union.name})",
            "()",
            repr=False,
            doc=doc,
        )

    def union_field(
        self, alts: list[tuple[dict[str, Any], str | None]], path: str, key: str, name: str, doc: str
    ) -> Field:
        k = repr(key)
        kinds = {a.get("type") for a, _ in alts}
        # "auto" | integer and the like: literal strings or a number
        literals = [v for a, _ in alts if a.get("type") == "string" and "enum" in a for v in a["enum"]]
        plain_strings = any(a.get("type") == "string" and "enum" not in a for a, _ in alts)
        if literals and not plain_strings and kinds <= {"string", "integer", "number"} and len(kinds) == 2:
            number = "number" if "number" in kinds else "integer"
            py = "float" if number == "number" else "int"
            lits = ", ".join(f'"{v}"' for v in literals)
            expected = " or ".join([f'"{v}"' for v in literals] + [number])
            self.imports.add("from typing import Literal")
            fn = "literal_or_number" if number == "number" else "literal_or_integer"
            reader = self.reader(
                "_" + "_".join(re.sub(r"\W", "_", v) for v in literals) + f"_or_{number}",
                f"{fn}({tuple(literals)!r}, {expected!r})",
            )
            return Field(
                name,
                key,
                f"Literal[{lits}] | {py} | None",
                f"{reader}(d, {k})",
                "None",
                doc=doc,
            )
        if kinds <= {"string"}:  # string | enum: a string
            return Field(name, key, "str | None", f"string(d, {k})", "None", doc=doc)
        if path in self.one_or_list:
            union = self.union(alts, path)
            return Field(
                name,
                key,
                f"tuple[{self.union_type(union)}, ...]",
                f"one_or_list(d, {k}, {union.name})",
                "()",
                repr=False,
                doc=doc,
            )
        lists = [(a, r) for a, r in alts if a.get("type") == "array" or "items" in a]
        if lists:
            others = [(a, r) for a, r in alts if not (a.get("type") == "array" or "items" in a)]
            item_alts = [x for a, _ in lists for x in self.non_null(a.get("items") or {})]
            if len(lists) == 1 and {id(a) for a, _ in item_alts} == {id(a) for a, _ in others}:
                union = self.union(others, path)  # X | list[X]: one member, or a tuple of them
                t = self.union_type(union)
                return Field(
                    name,
                    key,
                    f"{t} | tuple[{t}, ...] | None",
                    f"union_or_list(d, {k}, {union.name})",
                    "None",
                    repr=False,
                    doc=doc,
                )
            raise ViewError(f"{path}: unsupported union with a list")
        union = self.union(alts, path)
        return Field(
            name,
            key,
            f"{self.union_type(union)} | None",
            f"union_at(d, {k}, {union.name})",
            "None",
            repr=False,
            doc=doc,
        )

    def union(self, alts: list[tuple[dict[str, Any], str | None]], path: str) -> Union:
        reader = "_union_" + re.sub(r"\W", "_", path).strip("_")
        u = Union(name=reader, members=[], tags={})
        parts: list[str] = []
        for schema, ref in alts:
            t = schema.get("type")
            if t == "string" or (t is None and "enum" in schema):
                u.strings = True
                parts.append("string")
            elif t == "integer":
                u.integer = True
                parts.append("integer")
            elif t == "number":
                u.number = True
                parts.append("number")
            elif t == "boolean":
                u.boolean = True
                parts.append("boolean")
            elif t == "object" or "properties" in schema:
                tag = self.tag_of(schema)
                member_path = ref or f"{path}.{len(u.members)}"
                if tag is not None:
                    cls = self.view({**schema, "x-ftjobs-tag": tag}, member_path)
                    self.views[cls].keep_raw = True
                    u.tags[tag] = cls
                    u.members.append(cls)
                elif u.single is None:
                    u.single = self.view(schema, member_path)
                    self.views[u.single].keep_raw = True
                else:
                    raise ViewError(f"{path}: two untagged objects in a union")
                parts.append("object")
            else:
                raise ViewError(f"{path}: unsupported union member {schema!r:.200}")
        u.expected = " or ".join(dict.fromkeys(parts))
        self.unions[reader] = u
        return u

    def union_type(self, u: Union) -> str:
        parts = [
            py
            for flag, py in ((u.strings, "str"), (u.integer, "int"), (u.number, "float"), (u.boolean, "bool"))
            if flag
        ]
        parts += ([u.single] if u.single else []) + u.members
        if u.members:
            parts.append("UnknownVariant")
        return " | ".join(parts)


def build(spec: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """The template context: views, unions, aliases, imports."""
    b = Builder(spec, config)
    roots: dict[str, dict[str, Any]] = config.get("roots") or {}
    for schema_name, info in roots.items():
        if schema_name not in b.schemas:  # an older or smaller spec: the classes it has
            continue
        name = b.view(b.schemas[schema_name], schema_name)
        b.views[name].keep_raw = True
        b.views[name].root = {
            "root": info["root"],
            "kind": info.get("kind", info["root"]),
            "generated": schema_name,
        }
    aliases: dict[str, str] = {}
    for alias, paths in (config.get("aliases") or {}).items():
        members: list[str] = []
        for p in paths:
            schema_name, _, prop = p.partition(".")
            schema = b.schemas.get(schema_name) or {}
            target = (schema.get("properties") or {}).get(prop) if prop else schema
            if not target:
                continue
            for a, ref in b.non_null(target):
                t = a.get("type")
                scalar = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}.get(
                    t or ""
                )
                if scalar is not None:
                    py = scalar
                elif ref is not None and ref in b.by_path:
                    py = b.by_path[ref]
                else:
                    raise ViewError(f"alias {alias}: {p} has a member no class was built for")
                if py not in members:
                    members.append(py)
                if b.tag_of(a) is not None and "UnknownVariant" not in members:
                    members.append("UnknownVariant")
        members.sort(key=lambda m: m == "UnknownVariant")
        if members:
            aliases[alias] = " | ".join(members)
    order = sorted(b.views.values(), key=lambda v: v.name)
    return {
        "views": order,
        "unions": sorted(b.unions.values(), key=lambda u: u.name),
        "readers": dict(sorted(b.readers.items())),
        "aliases": aliases,
        "imports": sorted(b.imports),
        "error": config["error"],
        "names": sorted([v.name for v in order] + list(aliases)),
    }


def module_name(name: str) -> str:
    """The module of ``ftjobs_generated._views`` a class or alias is defined in: ``JobError`` is
    ``job_error``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def modules(context: dict[str, Any]) -> tuple[dict[str, str], list[dict[str, Any]], list[dict[str, Any]]]:
    """From the template context of :func:`build`: the module of every public name, and the context
    of each class's module and each alias's. A class's module defines the readers and unions its
    fields use, and reads every other class through a lazily imported reader; its annotations name
    the other classes as ``views.<Name>`` (resolved through the public module, on demand)."""
    views: list[View] = context["views"]
    names = {v.name for v in views}
    where = {name: module_name(name) for name in sorted([*names, *context["aliases"]])}
    if len(set(where.values())) != len(where):
        raise ViewError(f"two names would share a module: {sorted(where.items(), key=lambda kv: kv[1])}")
    unions: dict[str, Union] = {u.name: u for u in context["unions"]}
    readers: dict[str, str] = context["readers"]
    by_name = re.compile(r"(?<![.\w\"])(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b")
    classes = []
    for v in views:
        code = " ".join(f.reader for f in v.fields)
        used_unions = sorted(n for n in set(re.findall(r"\b_union_\w+", code)) if n in unions)
        members = {m for n in used_unions for m in [*unions[n].members, unions[n].single] if m}
        others = set(re.findall(r"\b_read_(\w+)", code)) | members
        others.discard(v.name)
        used_readers = {n: c for n, c in readers.items() if re.search(rf"\b{n}\b", code)}
        fields = [replace(f, annotation=by_name.sub(r"views.\1", f.annotation)) for f in v.fields]
        classes.append(
            {
                "module": where[v.name],
                "v": replace(v, fields=fields),
                "later": {o: where[o] for o in sorted(others)},
                "readers": used_readers,
                "unions": [unions[n] for n in used_unions],
                "imports": context["imports"],
            }
        )
    aliases = []
    for alias, union in context["aliases"].items():
        members = union.split(" | ")
        aliases.append(
            {
                "module": where[alias],
                "name": alias,
                "members": members,
                "classes": {m: where[m] for m in members if m in names},
            }
        )
    return where, classes, aliases


def render(spec_path: Path, config_path: Path, target: Path) -> list[Path]:
    """Write views.py (the public module), _views/ (a module per class and per alias),
    _views_runtime.py and params.py into the generated package at target."""
    import jinja2

    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    config = (yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}).get(CONFIG_KEY)
    if not config:
        return []
    context = build(spec, config)
    env = jinja2.Environment(  # noqa: S701 (Python source, not HTML)
        loader=jinja2.FileSystemLoader(TEMPLATES),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    where, classes, aliases = modules(context)
    outputs: list[tuple[str, str, dict[str, Any]]] = [
        ("views.py.jinja", "views.py", {**context, "modules": where}),
        ("views_runtime.py.jinja", "_views_runtime.py", context),
        ("params.py.jinja", "params.py", build_params(spec, config)),
        ("views_package.py.jinja", "_views/__init__.py", {}),
    ]
    outputs += [("view_class.py.jinja", f"_views/{c['module']}.py", c) for c in classes]
    outputs += [("view_alias.py.jinja", f"_views/{a['module']}.py", a) for a in aliases]
    (target / "_views").mkdir(exist_ok=True)
    written = []
    for template, out, values in outputs:
        path = target / out
        path.write_text(env.get_template(template).render(**values), encoding="utf-8")
        written.append(path)
    return written


# --- the create parameters: TypedDicts of the request schemas ------------------------------------


@dataclass
class Param:
    name: str
    path: str
    doc: str
    keys: list[tuple[str, str, bool]] = field(default_factory=list)  # (key, annotation, required)


class ParamBuilder:
    """TypedDicts for request bodies: what the spec requires is ``Required``, the rest may be left out;
    string enums are ``Literal`` (closed: a request names a value the spec lists), ``"auto"`` or a
    number is ``Literal["auto"] | int``, lists are ``Sequence``, maps ``Mapping``; null where the spec
    allows it (and, for the configured roots, everywhere optional: ``None`` leaves the key out)."""

    def __init__(self, views: Builder, config: dict[str, Any]) -> None:
        self.b = views
        self.names: dict[str, str] = dict(config.get("names") or {})
        self.none_omits: set[str] = set(config.get("none_means_omitted") or [])
        #: Types a facade call accepts besides the spec's, by Schema.property (a local file's path).
        self.also: dict[str, str] = dict(config.get("also_accept") or {})
        self.params: dict[str, Param] = {}
        self.by_path: dict[str, str] = {}

    def name_for(self, path: str) -> str:
        base = self.names.get(path) or self.b.names.get(path)
        if base is None:
            base = path if "." not in path else _camel(path.replace("[]", "").replace(".", "_"))
        return base + "Param"

    def typeddict(self, schema: dict[str, Any], path: str) -> str:
        if path in self.by_path:
            return self.by_path[path]
        name = self.name_for(path)
        if name in self.params or name in self.by_path.values():
            raise ViewError(f"two request schemas would be named {name} (the second at {path})")
        param = Param(
            name=name, path=path, doc=_doc(schema.get("description") or schema.get("title") or name)
        )
        self.by_path[path] = name
        required = set(schema.get("required") or [])
        for key, prop in (schema.get("properties") or {}).items():
            annotation = self.ptype(prop, f"{path}.{key}")
            more = self.also.get(f"{path}.{key}")
            if more is not None:  # before a trailing None: `str | os.PathLike[str] | None`
                kinds = annotation.split(" | ")
                kinds.insert(len(kinds) - (kinds[-1] == "None"), more)
                annotation = " | ".join(kinds)
            if path in self.none_omits and key not in required and "None" not in annotation.split(" | "):
                annotation += " | None"
            param.keys.append((key, annotation, key in required))
        # after the TypedDicts it refers to: the module has no postponed annotations (TypedDict reads
        # Required[...] when the class is created)
        self.params[name] = param
        return name

    def ptype(self, schema: dict[str, Any], path: str) -> str:
        alts = self.b.non_null(schema)
        schema, _ = self.b.deref(schema)
        nullable = False
        parts: list[str] = []
        literals: list[str] = []
        raw_alts = schema.get("anyOf") or schema.get("oneOf") or []
        if (
            schema.get("nullable")
            or any(self.b.deref(a)[0].get("type") == "null" for a in raw_alts)
            or (isinstance(schema.get("type"), list) and "null" in schema["type"])
        ):
            nullable = True
        for alt, alt_ref in alts:
            t = alt.get("type")
            if t == "string" or (t is None and "enum" in alt):
                if "enum" in alt:
                    literals += [v for v in alt["enum"] if v not in literals]
                elif "str" not in parts:
                    parts.append("str")
            elif t in ("integer", "number", "boolean"):
                py = {"integer": "int", "number": "float", "boolean": "bool"}[t]
                if py not in parts:
                    parts.append(py)
            elif t == "array" or "items" in alt:
                parts.append(f"Sequence[{self.ptype(alt.get('items') or {}, path + '[]')}]")
            elif "properties" in alt:
                parts.append(self.typeddict(alt, alt_ref or path))
            elif t == "object" or "additionalProperties" in alt:
                extra = alt.get("additionalProperties")
                inner = self.b.deref(extra)[0].get("type") if isinstance(extra, dict) else None
                parts.append("Mapping[str, str]" if inner == "string" else "Mapping[str, Any]")
            else:
                raise ViewError(f"{path}: unsupported request schema {alt!r:.200}")
        if literals and "str" not in parts:
            parts.insert(0, "Literal[" + ", ".join(repr(v).replace("'", '"') for v in literals) + "]")
        if nullable:
            parts.append("None")
        return " | ".join(parts) if parts else "None"


def build_params(spec: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    b = Builder(spec, config)
    params_config = config.get("params") or {}
    pb = ParamBuilder(b, params_config)
    roots: list[str] = params_config.get("roots") or []
    for root in roots:
        if root in b.schemas:
            pb.typeddict(b.schemas[root], root)
    aliases: dict[str, str] = {}
    for alias, p in (params_config.get("aliases") or {}).items():
        schema_name, _, prop = p.partition(".")
        schema = b.schemas.get(schema_name) or {}
        target = (schema.get("properties") or {}).get(prop) if prop else schema
        if target:
            aliases[alias + "Param"] = pb.ptype(target, p)
    return {"params": list(pb.params.values()), "aliases": aliases, "names": sorted([*pb.params, *aliases])}
