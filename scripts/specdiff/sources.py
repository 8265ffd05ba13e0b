"""Load one side of a diff: a file, `REV:path` from the current git repository, or an upstream spec."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from .. import trim
from ..trim import SpecError

_STR = "tag:yaml.org,2002:str"


def load_yaml_fast(text: str, name: str) -> Any:
    """Parse YAML like trim's loader (same resolvers: dates stay strings), about twice as fast.

    The C parser composes the node graph; nodes are then turned into Python values directly, with
    strings (nearly all scalars of a spec) taken as they are and every other scalar built by the
    loader's own constructor. Anchors stay shared, merge keys are flattened as PyYAML does.
    """
    loader = trim._Loader(text)  # the project's loader: C parser, no timestamp resolver
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        memo: dict[int, Any] = {}

        def build(node: yaml.Node) -> Any:
            done = memo.get(id(node))
            if done is not None:
                return done
            if isinstance(node, yaml.ScalarNode):
                return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
            if isinstance(node, yaml.SequenceNode):
                seq: list[Any] = []
                memo[id(node)] = seq
                seq.extend(build(child) for child in node.value)
                return seq
            if not isinstance(node, yaml.MappingNode):
                return loader.construct_object(node, deep=True)
            loader.flatten_mapping(node)
            mapping: dict[Any, Any] = {}
            memo[id(node)] = mapping
            for key_node, value_node in node.value:
                key = build(key_node)
                try:
                    mapping[key] = build(value_node)
                except TypeError as exc:
                    raise SpecError(f"{name}: unhashable mapping key at {key_node.start_mark}") from exc
            return mapping

        return build(root)
    except yaml.YAMLError as exc:
        raise SpecError(f"{name}: not valid YAML: {exc}") from exc
    finally:
        loader.dispose()


def load_text(text: str, name: str) -> dict[str, Any]:
    """Parse text into an OpenAPI document (same checks as trim.load_spec_text)."""
    doc = load_yaml_fast(text, name)
    if not isinstance(doc, dict) or "openapi" not in doc:
        raise SpecError(f"{name}: not an OpenAPI 3 document (no top-level 'openapi' key)")
    if not isinstance(doc.get("paths"), dict):
        raise SpecError(f"{name}: the document has no 'paths' mapping")
    return doc


def read_side(spec: str, cwd: Path | None = None) -> tuple[str, str]:
    """Return (text, display name) for a file path or a `REV:path` git object."""
    path = Path(spec)
    if (cwd or Path.cwd()).joinpath(path).is_file():
        try:
            return (cwd or Path.cwd()).joinpath(path).read_text(encoding="utf-8"), spec
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecError(f"{spec}: cannot read: {exc}") from exc
    if ":" in spec and not path.exists():
        proc = subprocess.run(
            ["git", "show", spec],  # noqa: S607 - git from PATH, as a developer runs it
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise SpecError(f"{spec}: not a file, and git cannot show it: {proc.stderr.strip()}")
        return proc.stdout, spec
    raise SpecError(f"{spec}: no such file")


def prepare(doc: dict[str, Any], prefixes: Sequence[str]) -> dict[str, Any]:
    """Trim a document to the chosen path prefixes when it holds other paths (a full upstream spec)."""
    paths = doc.get("paths") or {}
    if all(str(p).startswith(tuple(prefixes)) for p in paths):
        return doc
    return trim.trim(doc, prefixes)


def load(
    spec: str, prefixes: Sequence[str] = trim.DEFAULT_PATH_PREFIXES, cwd: Path | None = None
) -> tuple[dict[str, Any], str]:
    """Load and prepare one side; SpecError for unusable input."""
    text, name = read_side(spec, cwd)
    return prepare(load_text(text, name), prefixes), name


def load_path(path: Path, prefixes: Sequence[str] = trim.DEFAULT_PATH_PREFIXES) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from exc
    return prepare(load_text(text, str(path)), prefixes)
