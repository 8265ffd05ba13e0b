"""Apply OpenAPI Overlay 1.0 documents (https://spec.openapis.org/overlay/v1.0.0) to a spec.

The actions themselves are applied by the maintained `oas-patch` library. This module adds what a
correction layer needs on top: each action must say why (`description`) and on what evidence
(`x-evidence`), and an action whose target matches nothing is an error, so that an overlay that
upstream has made obsolete is noticed instead of silently doing nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .trim import SpecError, load_yaml_text

Status = Literal["applied", "obsolete", "conflicting"]
STATUSES: tuple[Status, ...] = ("applied", "obsolete", "conflicting")


@dataclass(frozen=True)
class ActionReport:
    """What one action did: applied (changed the document), obsolete (the document already said what
    the action says: applying it changes nothing) or conflicting (it cannot apply), with the evidence."""

    index: int
    target: str
    description: str
    status: Status
    evidence: str

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "target": self.target, "status": self.status, "evidence": self.evidence}


@dataclass(frozen=True)
class OverlayReport:
    """The outcome of one overlay file: conflicting if any action is, obsolete if every action is."""

    name: str
    actions: tuple[ActionReport, ...]

    @property
    def status(self) -> Status:
        statuses = {a.status for a in self.actions}
        if "conflicting" in statuses:
            return "conflicting"
        return "obsolete" if statuses == {"obsolete"} else "applied"

    def summary(self) -> str:
        """One line: the status, and the actions that are not applied (index: evidence)."""
        others = [a for a in self.actions if a.status != "applied"]
        if self.status == "applied" and not others:
            return f"{len(self.actions)} action(s) applied"
        parts = [f"action {a.index} {a.status}: {a.evidence}" for a in others]
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"overlay": self.name, "status": self.status, "actions": [a.to_json() for a in self.actions]}


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


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    return "scalar"


def _short(value: Any, limit: int = 160) -> str:
    """A value as one line of JSON, cut to limit characters."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        keys = list(value)
        shown = ", ".join(str(k) for k in keys[:8]) + (", ..." if len(keys) > 8 else "")
        return f"a mapping with keys [{shown}]"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s): {_short(value, 100)}"
    return f"the {type(value).__name__} {_short(value, 100)}"


def _missing_part(current: Any, update: Any) -> Any:
    """The part of update that current does not already hold (None when it holds all of it), with the
    merge semantics of Overlay 1.0: mappings merged key by key, lists appended to, scalars replaced."""
    if isinstance(update, dict) and isinstance(current, dict):
        out = {}
        for key, value in update.items():
            if key not in current:
                out[key] = value
                continue
            rest = _missing_part(current[key], value)
            if rest is not None:
                out[key] = rest
        return out or None
    if isinstance(current, list) and not isinstance(update, dict):
        items = update if isinstance(update, list) else [update]
        new = [item for item in items if item not in current]
        return (new if isinstance(update, list) else new[0]) if new else None
    return None if current == update else update


def _projection(current: Any, update: Any) -> Any:
    """What current holds where update points (the evidence that an update is already there)."""
    if isinstance(update, dict) and isinstance(current, dict):
        return {key: _projection(current.get(key), value) for key, value in update.items()}
    if isinstance(current, list) and not isinstance(update, dict):
        items = update if isinstance(update, list) else [update]
        return [item for item in current if item in items]
    return current


def _not_found(doc: Any, expression: Any, target: str) -> str:
    """Evidence for a target matching nothing: the deepest part of its path that exists, what is
    there, and where else in the document its last step's name is found (a moved target)."""
    from jsonpath_ng.jsonpath import Child, Descendants, Fields, Root

    found = ""
    node = expression
    while isinstance(node, Child):
        node = node.left
        try:
            matches = node.find(doc)
        except Exception:  # jsonpath_ng raises bare Exceptions
            matches = []
        if matches:
            where = "$" if isinstance(node, Root) else f"$.{matches[0].full_path}"
            found = f"; found {where}: {_describe(matches[0].value)}"
            break
    elsewhere = ""
    if isinstance(expression, Child) and isinstance(expression.right, Fields):
        try:
            others = Descendants(Root(), expression.right).find(doc)
        except Exception:  # jsonpath_ng raises bare Exceptions
            others = []
        if others:
            shown = ", ".join(f"$.{m.full_path}" for m in others[:3]) + (", ..." if len(others) > 3 else "")
            elsewhere = f"; {expression.right} exists elsewhere: {shown}"
    return f"matches nothing at {target}{found}{elsewhere}"


def _check_action(doc: dict[str, Any], action: dict[str, Any], name: str, index: int) -> ActionReport:
    """Apply one action to doc in place (unless it conflicts) and say what it did."""
    from jsonpath_ng.exceptions import JsonPathParserError
    from jsonpath_ng.ext import parse  # type: ignore[attr-defined]
    from oas_patch.overlay import _apply_root_update, _apply_update

    target = action["target"]
    description = str(action["description"])

    def report(status: Status, evidence: str) -> ActionReport:
        return ActionReport(index, target, description, status, evidence)

    try:
        expression = parse(target)
        matches = expression.find(doc)
    except (JsonPathParserError, Exception) as exc:  # jsonpath_ng raises bare Exceptions too
        raise SpecError(f"{name}: action {index}: bad target {target!r}: {exc}") from exc
    if not matches:
        return report("conflicting", _not_found(doc, expression, target))
    located: list[tuple[Any, Any]] = [
        (None, None) if m.context is None else _parent_and_key(m, name, index) for m in matches
    ]
    if action.get("remove"):
        if any(parent is None for parent, _ in located):
            return report("conflicting", "cannot remove the document root")
        # Delete list items from the highest index down so earlier deletions don't shift later ones.
        for parent, key in sorted(
            located, key=lambda pk: pk[1] if isinstance(pk[1], int) else -1, reverse=True
        ):
            del parent[key]
        return report("applied", f"removed {len(located)} node(s)")
    update = action["update"]
    for match in matches:
        current, wanted = _kind(match.value), _kind(update)
        if current != wanted and not (current == "list" and wanted == "scalar"):
            where = "$" if match.context is None else f"$.{match.full_path}"
            return report(
                "conflicting",
                f"the update is a {wanted} but {where} holds {_describe(match.value)}: the target changed",
            )
    rests = [_missing_part(match.value, update) for match in matches]
    if all(rest is None for rest in rests):
        held = _short(_projection(matches[0].value, update))
        count = f" (all {len(matches)} matches)" if len(matches) > 1 else ""
        return report("obsolete", f"{target} already holds {held}{count}: applying it changes nothing")
    changed = 0
    for (parent, key), rest in zip(located, rests, strict=True):
        if rest is None:
            continue
        changed += 1
        if parent is None:
            _apply_root_update(doc, rest)
        else:
            _apply_update(parent, key, rest)
    return report("applied", f"changed {changed} of {len(matches)} match(es)")


def apply_checked(doc: dict[str, Any], overlay: dict[str, Any], name: str = "overlay") -> OverlayReport:
    """Apply every action that can apply to doc (in place, in order) and report each one's status.

    Never raises for a conflicting action (it is skipped and reported); raises SpecError for a
    target that is not JSONPath.
    """
    actions = tuple(_check_action(doc, action, name, i) for i, action in enumerate(overlay["actions"]))
    return OverlayReport(name, actions)


def apply(doc: dict[str, Any], overlay: dict[str, Any], name: str = "overlay") -> dict[str, Any]:
    """Apply overlay to doc in place and return it; raise SpecError on a conflicting action.

    Targets are selected with jsonpath-ng; an ``update`` is merged with oas-patch's Overlay 1.0
    semantics (objects merged recursively, arrays appended to, scalars replaced), except that array
    items the target already holds are not appended again; ``remove: true`` deletes the matched node.
    An action is conflicting when its target matches nothing or holds another kind of value than
    the update (see `apply_checked`); an action upstream has made obsolete changes nothing.
    """
    report = apply_checked(doc, overlay, name)
    for action in report.actions:
        if action.status == "conflicting":
            raise SpecError(f"{name}: action {action.index} ({action.description!r}) {action.evidence}")
    return doc


def apply_file(doc: dict[str, Any], path: Path) -> dict[str, Any]:
    """Load the overlay at path and apply it to doc."""
    return apply(doc, load_overlay(path), path.name)
