"""Load one side of a diff: a file, `REV:path` from the current git repository, or an upstream spec."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import trim
from ..trim import SpecError
from .structure import check_structure
from .yamlload import load_yaml_fast

__all__ = [
    "MAX_BYTES",
    "check_document",
    "load",
    "load_path",
    "load_text",
    "load_yaml_fast",
    "prepare",
    "read_side",
]

MAX_BYTES = 32 * 1024 * 1024
SUPPORTED_VERSIONS = "3.0.x, 3.1.x"
_VERSION = re.compile(r"3\.[01]\.\d+(?:-[0-9A-Za-z.-]+)?")


def check_document(doc: Any, name: str) -> dict[str, Any]:
    """doc if it is an OpenAPI 3.0/3.1 document with a `paths` mapping and nodes of the types OpenAPI
    allows (`structure.check_structure`); else SpecError saying why."""
    if doc is None:
        raise SpecError(f"{name}: the document is empty")
    if not isinstance(doc, dict):
        raise SpecError(f"{name}: not an OpenAPI 3 document (the top level is a {type(doc).__name__})")
    if "swagger" in doc and "openapi" not in doc:
        raise SpecError(
            f"{name}: Swagger {doc['swagger']} (OpenAPI 2) is not supported; "
            f"convert it to OpenAPI 3 ({SUPPORTED_VERSIONS})"
        )
    version = doc.get("openapi")
    if "openapi" in doc and not (isinstance(version, str) and _VERSION.fullmatch(version)):
        shown = repr(version) if isinstance(version, str) else f"{version!r} (a {type(version).__name__})"
        raise SpecError(f"{name}: unsupported OpenAPI version {shown} (supported: {SUPPORTED_VERSIONS})")
    return check_structure(trim.check_spec(doc, name), name)


def load_text(text: str, name: str) -> dict[str, Any]:
    """Parse text into an OpenAPI document (the bounded fast loader, then the document checks)."""
    return check_document(load_yaml_fast(text, name, mapping=True), name)


def _decode(raw: bytes, name: str) -> str:
    if len(raw) > MAX_BYTES:
        raise SpecError(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if b"\x00" in raw:
        raise SpecError(f"{name}: a binary file (NUL bytes), not a YAML or JSON spec")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(f"{name}: not UTF-8 text (a binary file?): {exc.reason} at byte {exc.start}") from exc
    if not text.strip():
        raise SpecError(f"{name}: the file is empty")
    return text


def read_side(spec: str, cwd: Path | None = None) -> tuple[str, str]:
    """Return (text, display name) for a file path or a `REV:path` git object."""
    path = (cwd or Path.cwd()).joinpath(spec)
    if path.is_dir():
        raise SpecError(f"{spec}: is a directory, not a spec file")
    if path.is_file():
        try:
            if path.stat().st_size > MAX_BYTES:
                raise SpecError(f"{spec}: larger than {MAX_BYTES // (1024 * 1024)} MiB")
            return _decode(path.read_bytes(), spec), spec
        except OSError as exc:
            raise SpecError(f"{spec}: cannot read: {exc.strerror or exc}") from exc
    if path.exists():
        raise SpecError(f"{spec}: not a regular file")
    if ":" in spec:
        proc = subprocess.run(
            ["git", "show", spec],  # noqa: S607 - git from PATH, as a developer runs it
            cwd=cwd,
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            stderr = proc.stderr.decode("utf-8", errors="replace").strip()
            raise SpecError(f"{spec}: not a file, and git cannot show it: {stderr}")
        return _decode(proc.stdout, spec), spec
    raise SpecError(f"{spec}: no such file")


def load_prepared(text: str, name: str, prefixes: Sequence[str]) -> dict[str, Any]:
    """Parse and trim; a large block-style spec is sliced first (fastload), with the same result."""
    from .fastload import load_sliced

    sliced = load_sliced(text, name, prefixes)
    if sliced is not None:
        return trim.trim(check_document(sliced, name), prefixes)
    return prepare(load_text(text, name), prefixes)


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
    return load_prepared(text, name, prefixes), name


def load_path(path: Path, prefixes: Sequence[str] = trim.DEFAULT_PATH_PREFIXES) -> dict[str, Any]:
    """Load and prepare a spec file given as a Path (the history report's sides)."""
    text, name = read_side(str(path))
    return load_prepared(text, name, prefixes)
