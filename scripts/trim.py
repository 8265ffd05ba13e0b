"""Trim an upstream OpenAPI spec to the fine-tuning paths and the components they reference.

Usage::

    python -m scripts.trim [SOURCE] [-o OUTPUT] [--paths PREFIX ...] [--no-overlays]

The output keeps the OpenAPI version of its input, resolves YAML anchors, keeps the source's order
for paths and sorts components by name, and starts with a header naming the source file and its
SHA-256. Running it twice on the same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

#: The fine-tuning namespace, and the files API and Uploads (a job's training and result files).
DEFAULT_PATH_PREFIXES = ("/fine_tuning/", "/files", "/uploads")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
REF_PREFIX = "#/components/"

ROOT = Path(__file__).resolve().parent.parent
OPENAPI_DIR = ROOT / "openapi"
#: The upstream specs and their histories, committed with the project (openapi/upstream/README.md).
UPSTREAM = OPENAPI_DIR / "upstream"
SOURCES = {
    "openai": (UPSTREAM / "openai" / "openapi.yaml", OPENAPI_DIR / "fine_tuning.yaml"),
    "portkey": (
        UPSTREAM / "portkey" / "openapi.yaml",
        OPENAPI_DIR / "fine_tuning.portkey.yaml",
    ),
}


class SpecError(Exception):
    """A spec that cannot be read or trimmed: unreadable, not YAML, not OpenAPI, bad $ref."""


def checkout() -> Path | None:
    """The ftjobs checkout this tooling runs from (`python -m scripts.X`, an editable install), or None
    when it runs from an installed package: then ROOT is site-packages, which holds no project file."""
    markers = (ROOT / "pyproject.toml", ROOT / "scripts" / "trim.py", OPENAPI_DIR)
    return ROOT if all(path.exists() for path in markers) else None


def checkout_path(rel: str, hint: str) -> Path:
    """ROOT / rel of the checkout; SpecError saying what to name (hint) when there is no checkout."""
    root = checkout()
    if root is None:
        raise SpecError(f"ftjobs-spec runs from an installed package, not a checkout of ftjobs: {hint}")
    return root / rel


def check_output(path: Path) -> None:
    """SpecError unless path can be written as a file (before a long run produces what goes there)."""
    if path.is_dir():
        raise SpecError(f"{path}: is a directory; name the output file")
    if not path.parent.is_dir():
        raise SpecError(f"{path}: cannot write: no such folder {path.parent}")


def write_output(path: Path, text: str) -> None:
    """Write text to path; SpecError (one line) when that fails."""
    check_output(path)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"{path}: cannot write: {exc.strerror or exc}") from exc


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Safe loader that keeps every scalar as YAML 1.2-ish JSON types (dates stay strings)."""


# OpenAPI documents are JSON-compatible: a YAML timestamp such as 2024-01-01 must stay a string.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]
    """Dumper that never writes anchors (the input's anchors are resolved) and keeps key order."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data and not data.endswith((" ", "\t")) and "\t" not in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def load_yaml_text(text: str, name: str) -> Any:
    """Parse YAML (or JSON) text; raise SpecError naming the source on failure."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader subclass
    except yaml.YAMLError as exc:
        raise SpecError(f"{name}: not valid YAML: {exc}") from exc


def load_spec_text(text: str, name: str) -> dict[str, Any]:
    """Parse text into an OpenAPI document (a mapping with `openapi` and `paths`)."""
    return check_spec(load_yaml_text(text, name), name)


def check_spec(doc: Any, name: str) -> dict[str, Any]:
    """doc if it is an OpenAPI 3 document (a mapping with `openapi` and `paths`); else SpecError."""
    if not isinstance(doc, dict) or "openapi" not in doc:
        raise SpecError(f"{name}: not an OpenAPI 3 document (no top-level 'openapi' key)")
    if not isinstance(doc.get("paths"), dict):
        raise SpecError(f"{name}: the document has no 'paths' mapping")
    return doc


def load_spec(path: Path) -> tuple[dict[str, Any], bytes]:
    """Read a spec file; return the document and its raw bytes."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return load_spec_text(raw.decode("utf-8", errors="replace"), str(path)), raw


def dump_yaml(doc: Any) -> str:
    """Serialise deterministically: no anchors, insertion order, wide lines, unicode kept."""
    return yaml.dump(  # type: ignore[no-any-return]
        doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )


def iter_refs(node: Any) -> Iterator[str]:
    """Yield every `$ref` string below node."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                yield ref
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _split_ref(ref: str) -> tuple[str, str]:
    if not ref.startswith(REF_PREFIX):
        raise SpecError(f"unsupported $ref {ref!r}: only local '#/components/...' refs are handled")
    parts = ref[len(REF_PREFIX) :].split("/")
    if len(parts) != 2:
        raise SpecError(f"unsupported $ref {ref!r}: expected '#/components/<kind>/<name>'")
    kind, name = (p.replace("~1", "/").replace("~0", "~") for p in parts)
    return kind, name


def component_closure(doc: dict[str, Any], roots: Iterable[Any]) -> dict[str, set[str]]:
    """Return {kind: {name}} for every component reachable from roots (cycle safe)."""
    components = doc.get("components") or {}
    seen: dict[str, set[str]] = {}
    pending = [ref for root in roots for ref in iter_refs(root)]
    while pending:
        kind, name = _split_ref(pending.pop())
        if name in seen.setdefault(kind, set()):
            continue
        target = (components.get(kind) or {}).get(name)
        if target is None:
            raise SpecError(f"dangling $ref '#/components/{kind}/{name}'")
        seen[kind].add(name)
        pending.extend(iter_refs(target))
    return seen


def select_paths(doc: dict[str, Any], prefixes: Iterable[str]) -> dict[str, Any]:
    """The path items whose template starts with one of prefixes, in source order."""
    chosen = tuple(prefixes)
    return {p: item for p, item in doc["paths"].items() if p.startswith(chosen)}


def _used_security_schemes(doc: dict[str, Any], paths: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    requirements = list(doc.get("security") or [])
    for item in paths.values():
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict):
                requirements.extend(op.get("security") or [])
    for requirement in requirements:
        names.update(requirement)
    return names


def _used_tags(paths: dict[str, Any]) -> set[str]:
    return {
        tag
        for item in paths.values()
        for method in HTTP_METHODS
        if isinstance(item.get(method), dict)
        for tag in item[method].get("tags") or []
    }


def _dedupe_titles(schemas: dict[str, Any]) -> None:
    """Make schema titles unique so the generator names every model and drops none.

    A component schema is titled by its component name (unique by construction). An inline
    schema keeps its title only when no other schema uses it; otherwise the title is dropped and
    the generator names the model from its position (parent class + property name).
    """
    counts: dict[str, int] = {}

    def walk(node: Any, top: bool) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if not top and isinstance(node.get("title"), str):
                yield node
            for key, value in node.items():
                if key not in ("example", "examples", "default", "enum", "const"):
                    yield from walk(value, False)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value, False)

    for name, schema in schemas.items():
        if isinstance(schema, dict):
            schema["title"] = name
    inline = [node for schema in schemas.values() for node in walk(schema, True)]
    for node in inline:
        counts[node["title"]] = counts.get(node["title"], 0) + 1
    names = set(schemas)
    for node in inline:
        if counts[node["title"]] > 1 or node["title"] in names:
            del node["title"]


def _unshared(node: Any, stack: frozenset[int] = frozenset()) -> Any:
    """A copy in which no two places share an object (YAML aliases resolved into real copies).

    copy.deepcopy keeps aliasing: with `servers: *DataPlaneServers` on every path, an overlay that
    updates one path's servers would silently update all of them.
    """
    if isinstance(node, dict | list):
        if id(node) in stack:
            raise SpecError("recursive YAML alias: the document refers to itself")
        inner = stack | {id(node)}
        if isinstance(node, dict):
            return {key: _unshared(value, inner) for key, value in node.items()}
        return [_unshared(value, inner) for value in node]
    return node


def _split_single_ref_allof(node: Any) -> None:
    """Rewrite `{allOf: [$ref X], properties: ...}` as `{allOf: [$ref X, {properties: ...}]}`.

    Both mean the same, but openapi-python-client treats an allOf of a single $ref as an alias of
    X and drops the sibling properties (Portkey's BedrockFinetuneJob and PortkeyFinetuneJob become
    OpenAIFinetuneJob, clash with it, and the create endpoint is not generated).
    """
    if isinstance(node, dict):
        all_of = node.get("allOf")
        if (
            isinstance(all_of, list)
            and len(all_of) == 1
            and isinstance(all_of[0], dict)
            and "$ref" in all_of[0]
            and "properties" in node
            and "additionalProperties" not in node
        ):
            own: dict[str, Any] = {"type": "object"}
            for key in ("properties", "required"):
                if key in node:
                    own[key] = node.pop(key)
            all_of.append(own)
        for key, value in node.items():
            if key not in ("example", "examples", "default", "enum", "const"):
                _split_single_ref_allof(value)
    elif isinstance(node, list):
        for value in node:
            _split_single_ref_allof(value)


def trim(doc: dict[str, Any], prefixes: Iterable[str] = DEFAULT_PATH_PREFIXES) -> dict[str, Any]:
    """Return a new document holding only the chosen paths and their component closure."""
    doc = _unshared({**doc, "paths": select_paths(doc, prefixes)})  # the other paths are not copied
    paths = select_paths(doc, prefixes)
    if not paths:
        raise SpecError(f"no path starts with any of {list(prefixes)!r}")
    _split_single_ref_allof(paths)
    closure = component_closure(doc, [paths, doc.get("security") or []])
    components: dict[str, Any] = {}
    source_components = doc.get("components") or {}
    schemes = _used_security_schemes(doc, paths)
    if schemes:
        available = source_components.get("securitySchemes") or {}
        missing = schemes - set(available)
        if missing:
            raise SpecError(f"security requirement names unknown scheme(s): {sorted(missing)}")
        closure.setdefault("securitySchemes", set()).update(schemes)
        for scheme in schemes:  # schemes may themselves hold refs (rare, but allowed)
            for kind, names in component_closure(doc, [available[scheme]]).items():
                closure.setdefault(kind, set()).update(names)
    for kind in sorted(closure):
        components[kind] = {name: source_components[kind][name] for name in sorted(closure[kind])}
    _split_single_ref_allof(components.get("schemas"))
    if "schemas" in components:
        _dedupe_titles(components["schemas"])

    out: dict[str, Any] = {"openapi": doc["openapi"]}
    for key in ("info", "servers", "security"):
        if key in doc:
            out[key] = doc[key]
    tags = _used_tags(paths)
    if tags and doc.get("tags"):
        out["tags"] = [t for t in doc["tags"] if isinstance(t, dict) and t.get("name") in tags]
    out["paths"] = paths
    if components:
        out["components"] = components
    return out


def display_name(path: Path) -> str:
    """A machine-independent name for a source file: never an absolute path of this machine."""
    parts = PurePosixPath(path.resolve().as_posix()).parts
    if "upstream" in parts:
        return "/".join(parts[parts.index("upstream") :])
    return "/".join(parts[-2:])


def header(source_name: str, raw: bytes, overlays: list[str]) -> str:
    lines = [
        "# Trimmed by scripts/trim.py: the paths of the fine_tuning namespace, the files API and"
        " Uploads, and the components they reference.",
        f"# source: {source_name}",
        f"# sha256: {hashlib.sha256(raw).hexdigest()}",
    ]
    if overlays:
        lines.append(f"# overlays: {', '.join(overlays)}")
    lines.append("# Do not edit: change the overlays in openapi/overlays/ and run `make regen`.")
    return "\n".join(lines) + "\n"


def render(
    source: Path,
    prefixes: Iterable[str] = DEFAULT_PATH_PREFIXES,
    overlay_files: Iterable[Path] = (),
) -> str:
    """Trim source, apply overlays in order, and return the output text with its header."""
    from . import overlays as overlay_mod

    doc, raw = load_spec(source)
    trimmed = trim(doc, prefixes)
    applied: list[str] = []
    for overlay_path in overlay_files:
        trimmed = overlay_mod.apply_file(trimmed, overlay_path)
        applied.append(overlay_path.name)
    return header(display_name(source), raw, applied) + dump_yaml(trimmed)


def overlays_for(output: Path) -> list[Path]:
    """The overlays that apply to an output file: openapi/overlays/<output stem>/*.yaml, sorted."""
    folder = OPENAPI_DIR / "overlays" / output.name.removesuffix(".yaml")
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.trim", description=__doc__.splitlines()[0])
    parser.add_argument(
        "source",
        nargs="?",
        help="upstream spec file, or 'openai' / 'portkey' / 'all' for the bundled ones (default: all)",
        default="all",
    )
    parser.add_argument("-o", "--output", type=Path, help="output file (default: per source)")
    parser.add_argument(
        "--paths", nargs="+", default=list(DEFAULT_PATH_PREFIXES), help="path prefixes to keep"
    )
    parser.add_argument("--no-overlays", action="store_true", help="do not apply overlays")
    args = parser.parse_args(argv)

    if args.source in SOURCES or args.source == "all":
        keys = list(SOURCES) if args.source == "all" else [args.source]
        jobs = [SOURCES[k] for k in keys]
        if args.output and len(jobs) > 1:
            parser.error("--output needs a single source")
        if args.output:
            jobs = [(jobs[0][0], args.output)]
    else:
        source = Path(args.source)
        jobs = [(source, args.output or Path("-"))]
    try:
        for source, output in jobs:
            overlay_files = [] if args.no_overlays else overlays_for(output)
            text = render(source, args.paths, overlay_files)
            if str(output) == "-":
                sys.stdout.write(text)
            else:
                write_output(output, text)
                print(f"wrote {output.name}", file=sys.stderr)
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
