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


def _parent_and_key(match: Any, name: str, index: int) -> tuple[Any, Any]:
    """The container holding a match and the match's key (field name or list index) in it.

    oas-patch 0.6.0 resolves list-index matches through ``path.index``, which jsonpath-ng 1.7+
    renamed to ``indices``; resolving here keeps index and filter targets (``oneOf[1]``,
    ``$..[?(...)]``) working while oas-patch still does the merging.
    """
    path = match.path
    if hasattr(path, "fields") and path.fields:
        return match.context.value, path.fields[0]
    indices = getattr(path, "indices", None) or ((path.index,) if hasattr(path, "index") else ())
    if indices:
        return match.context.value, indices[0]
    raise SpecError(f"{name}: action {index}: cannot locate a match of kind {type(path).__name__}")


def apply(doc: dict[str, Any], overlay: dict[str, Any], name: str = "overlay") -> dict[str, Any]:
    """Apply overlay to doc in place and return it; raise SpecError on a target matching nothing.

    Targets are selected with jsonpath-ng; an ``update`` is merged with oas-patch's Overlay 1.0
    semantics (objects merged recursively, arrays appended to, scalars replaced); ``remove: true``
    deletes the matched node.
    """
    from jsonpath_ng.exceptions import JsonPathParserError
    from jsonpath_ng.ext import parse  # type: ignore[attr-defined]
    from oas_patch.overlay import _apply_root_update, _apply_update

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
        located: list[tuple[Any, Any]] = [
            (None, None) if m.context is None else _parent_and_key(m, name, index) for m in matches
        ]
        if action.get("remove"):
            if any(parent is None for parent, _ in located):
                raise SpecError(f"{name}: action {index}: cannot remove the document root")
            # Delete list items from the highest index down so earlier deletions don't shift later ones.
            for parent, key in sorted(
                located, key=lambda pk: pk[1] if isinstance(pk[1], int) else -1, reverse=True
            ):
                del parent[key]
            continue
        for parent, key in located:
            if parent is None:
                _apply_root_update(doc, action["update"])
            else:
                _apply_update(parent, key, action["update"])
    return doc


def apply_file(doc: dict[str, Any], path: Path) -> dict[str, Any]:
    """Load the overlay at path and apply it to doc."""
    return apply(doc, load_overlay(path), path.name)
