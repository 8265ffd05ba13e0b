"""Apply OpenAPI Overlay 1.0 documents (https://spec.openapis.org/overlay/v1.0.0) to a spec.

The actions themselves are applied by the maintained `oas-patch` library. This module adds what a
correction layer needs on top: each action must say why (`description`) and on what evidence
(`x-evidence`), and an action whose target matches nothing is an error, so that an overlay that
upstream has made obsolete is noticed instead of silently doing nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .trim import SpecError, load_yaml_text


def load_overlay(path: Path) -> dict[str, Any]:
    """Read and check an overlay file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"{path}: cannot read overlay: {exc.strerror or exc}") from exc
    overlay = load_yaml_text(text, str(path))
    if not isinstance(overlay, dict) or not str(overlay.get("overlay", "")).startswith("1."):
        raise SpecError(f"{path.name}: not an Overlay 1.x document (no 'overlay: 1.0.0')")
    actions = overlay.get("actions")
    if not isinstance(actions, list) or not actions:
        raise SpecError(f"{path.name}: an overlay needs a non-empty 'actions' list")
    for index, action in enumerate(actions):
        where = f"{path.name}: action {index}"
        if not isinstance(action, dict) or not isinstance(action.get("target"), str):
            raise SpecError(f"{where}: needs a 'target' JSONPath")
        if not action.get("description") or not action.get("x-evidence"):
            raise SpecError(f"{where}: needs a 'description' (reason) and 'x-evidence'")
        if ("update" in action) == bool(action.get("remove")):
            raise SpecError(f"{where}: needs exactly one of 'update' or 'remove: true'")
    return overlay


def apply(doc: dict[str, Any], overlay: dict[str, Any], name: str = "overlay") -> dict[str, Any]:
    """Apply overlay to doc in place and return it; raise SpecError on a target matching nothing."""
    from jsonpath_ng.exceptions import JsonPathParserError
    from jsonpath_ng.ext import parse  # type: ignore[attr-defined]
    from oas_patch.overlay import apply_overlay

    for index, action in enumerate(overlay["actions"]):
        try:
            matches = parse(action["target"]).find(doc)
        except (JsonPathParserError, Exception) as exc:  # jsonpath_ng raises bare Exceptions too
            raise SpecError(f"{name}: action {index}: bad target {action['target']!r}: {exc}") from exc
        if not matches:
            raise SpecError(
                f"{name}: action {index} ({action['description']!r}) matches nothing at "
                f"{action['target']}: upstream may have fixed it; remove the action"
            )
        try:
            apply_overlay(doc, {"actions": [action]})
        except (TypeError, ValueError, KeyError, IndexError) as exc:  # e.g. a filter on a list item
            raise SpecError(
                f"{name}: action {index} ({action['description']!r}) cannot be applied at "
                f"{action['target']}: {type(exc).__name__}: {exc}"
            ) from exc
    return doc


def apply_file(doc: dict[str, Any], path: Path) -> dict[str, Any]:
    """Load the overlay at path and apply it to doc."""
    return apply(doc, load_overlay(path), path.name)
