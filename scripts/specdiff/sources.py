"""Load one side of a diff: a file, `REV:path` from the current git repository, or an upstream spec."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import trim
from ..trim import SpecError
from .yamlload import load_yaml_fast

__all__ = ["load", "load_path", "load_text", "load_yaml_fast", "prepare", "read_side"]


def load_text(text: str, name: str) -> dict[str, Any]:
    """Parse text into an OpenAPI document (the fast loader, then trim's checks)."""
    return trim.check_spec(load_yaml_fast(text, name), name)


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


def load_prepared(text: str, name: str, prefixes: Sequence[str]) -> dict[str, Any]:
    """Parse and trim; a large block-style spec is sliced first (fastload), with the same result."""
    from .fastload import load_sliced

    sliced = load_sliced(text, name, prefixes)
    if sliced is not None:
        return trim.trim(sliced, prefixes)
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
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from exc
    return load_prepared(text, str(path), prefixes)
