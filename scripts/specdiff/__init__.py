"""Contract diff of two OpenAPI specs of the fine-tuning API: rules as data, direction-aware.

`diff(base, revision)` takes two sides (file, `REV:path`, or a full upstream spec trimmed to the
chosen paths) and returns a DiffResult; `diff_docs` compares two loaded documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..trim import DEFAULT_PATH_PREFIXES, SpecError
from .compare import diff_docs
from .model import Change, DiffResult, Rule
from .registry import BY_ID, RULES
from .sources import load


def diff(
    base: str, revision: str, prefixes: Sequence[str] = DEFAULT_PATH_PREFIXES, cwd: Path | None = None
) -> DiffResult:
    """Diff two sides given as file paths or `REV:path`."""
    b_doc, b_name = load(base, prefixes, cwd)
    r_doc, r_name = load(revision, prefixes, cwd)
    return diff_docs(b_doc, r_doc, b_name, r_name)


__all__ = ["BY_ID", "RULES", "Change", "DiffResult", "Rule", "SpecError", "diff", "diff_docs"]
