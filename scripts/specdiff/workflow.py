"""What CI wires around the diff (oasdiff's conventions): optional checks, level overrides, ignore files.

Applied in this order to a DiffResult: optional checks not included are dropped, level overrides
re-level (or turn off) rules, then active ignore entries take out the changes they match. Expired
ignore entries stop applying and are returned, so the caller reports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from ..trim import SpecError
from .model import LEVELS, Change, DiffResult, Level
from .registry import BY_ID
from .sources import read_side
from .yamlload import load_yaml_fast

#: Rules that only report annotations (documentation, `format` stated or dropped): off in `diff`
#: unless named in `--include-checks` (oasdiff's optional checks); the history report keeps them.
OPTIONAL_CHECKS = frozenset({"operation-docs-changed", "schema-format-added", "schema-format-removed"})
OFF = "off"
_ENTRY_KEYS = {"id", "operation", "pointer", "reason", "expires"}
_REQUIRED_KEYS = ("id", "operation", "pointer", "reason")


@dataclass(frozen=True)
class IgnoreEntry:
    """One accepted change: rule id, operation (`*` any, null a spec-level change), pointer (`*` any,
    `/a/*` that node or below), the reason, and an optional last day it applies."""

    id: str
    operation: str | None
    pointer: str
    reason: str
    expires: dt.date | None = None
    source: str = ""
    index: int = 0

    def matches(self, change: Change) -> bool:
        return self.matches_at(change.id, change.operation, (change.base, change.revision))

    def matches_at(self, rule_id: str, operation: str | None, pointers: Iterable[str | None]) -> bool:
        """Whether the entry takes out a finding of rule_id on operation at any of the pointers."""
        if rule_id != self.id:
            return False
        if self.operation != "*" and _op(self.operation) != _op(operation):
            return False
        return any(self._pointer_matches(p) for p in pointers if p is not None)

    def _pointer_matches(self, pointer: str) -> bool:
        if self.pointer == "*":
            return True
        if self.pointer.endswith("/*"):
            stem = self.pointer[:-2]
            return pointer == stem or pointer.startswith(stem + "/")
        return pointer == self.pointer

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today > self.expires

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "operation": self.operation,
            "pointer": self.pointer,
            "reason": self.reason,
            "expires": self.expires.isoformat() if self.expires else None,
            "source": self.source,
            "index": self.index,
        }


def _op(operation: str | None) -> str | None:
    if operation is None:
        return None
    method, _, path = operation.strip().partition(" ")
    return f"{method.upper()} {path.strip()}"


@dataclass
class Applied:
    """The result after the workflow options, the changes ignored (with their entry), expired entries."""

    result: DiffResult
    ignored: list[tuple[Change, IgnoreEntry]] = field(default_factory=list)
    expired: list[IgnoreEntry] = field(default_factory=list)


def _read(spec: str, what: str) -> Any:
    text, name = read_side(spec)
    try:
        return load_yaml_fast(text, name)
    except SpecError as exc:
        raise SpecError(f"{what}: {exc}") from exc


def _known(rule_id: Any, where: str, known: Collection[str] | None = None) -> str:
    if not isinstance(rule_id, str) or rule_id not in (BY_ID if known is None else known):
        raise SpecError(f"{where}: unknown rule id {rule_id!r} (see the rule table in docs/spec-diff.md)")
    return rule_id


def include_checks(names: Iterable[str]) -> frozenset[str]:
    """The optional checks turned on by `--include-checks` (rule ids, or `all`)."""
    out: set[str] = set()
    for name in names:
        if name == "all":
            out |= OPTIONAL_CHECKS
            continue
        _known(name, "--include-checks")
        if name not in OPTIONAL_CHECKS:
            raise SpecError(
                f"--include-checks: {name!r} always runs; the optional checks are {sorted(OPTIONAL_CHECKS)}"
            )
        out.add(name)
    return frozenset(out)


def load_levels(spec: str) -> dict[str, str]:
    """A level override file: a mapping `rule-id: breaking|warning|info|off`."""
    doc = _read(spec, "level overrides")
    if not isinstance(doc, dict):
        raise SpecError(f"{spec}: a level override file is a mapping of rule id to level")
    out: dict[str, str] = {}
    for rule_id, level in doc.items():
        _known(rule_id, spec)
        if level not in (*LEVELS, OFF):
            raise SpecError(f"{spec}: level of {rule_id!r} must be one of {[*LEVELS, OFF]}, not {level!r}")
        out[rule_id] = level
    return out


def load_ignores(spec: str, known: Collection[str] | None = None) -> list[IgnoreEntry]:
    """An ignore file: a list of entries with `id`, `operation`, `pointer`, `reason`, optional `expires`.

    `id` is a rule id of the diff, or one of `known` (the lint's finding ids) when given."""
    doc = _read(spec, "ignore file")
    if doc is None:
        return []
    if not isinstance(doc, list):
        raise SpecError(f"{spec}: an ignore file is a list of entries")
    entries = []
    for i, raw in enumerate(doc, 1):
        where = f"{spec}: entry {i}"
        if not isinstance(raw, dict):
            raise SpecError(f"{where}: not a mapping")
        unknown = sorted(str(k) for k in raw if k not in _ENTRY_KEYS)
        missing = [k for k in _REQUIRED_KEYS if k not in raw]
        if unknown or missing:
            raise SpecError(f"{where}: unknown keys {unknown}, missing keys {missing}")
        operation, pointer, reason = raw["operation"], raw["pointer"], raw["reason"]
        if operation is not None and not isinstance(operation, str):
            raise SpecError(f"{where}: operation is 'METHOD /path', '*' or null")
        if not isinstance(pointer, str) or not (pointer == "*" or pointer.startswith("/")):
            raise SpecError(f"{where}: pointer is a JSON pointer ('/...'), '/.../*' or '*'")
        if not isinstance(reason, str) or not reason.strip():
            raise SpecError(f"{where}: a reason is required")
        expires = None
        if raw.get("expires") is not None:
            try:
                expires = dt.date.fromisoformat(str(raw["expires"]))
            except ValueError as exc:
                raise SpecError(f"{where}: expires is a date (YYYY-MM-DD), not {raw['expires']!r}") from exc
        entries.append(
            IgnoreEntry(_known(raw["id"], where, known), operation, pointer, reason.strip(), expires, spec, i)
        )
    return entries


def apply(
    result: DiffResult,
    *,
    include: frozenset[str] = frozenset(),
    levels: dict[str, str] | None = None,
    ignores: Sequence[IgnoreEntry] = (),
    today: dt.date | None = None,
) -> Applied:
    """The result as CI sees it: optional checks, level overrides, then ignore entries."""
    today = today or dt.date.today()
    levels = levels or {}
    active = [e for e in ignores if not e.expired(today)]
    applied = Applied(DiffResult(result.base_name, result.revision_name, []))
    applied.expired = [e for e in ignores if e.expired(today)]
    for found in result.changes:
        if found.id in OPTIONAL_CHECKS and found.id not in include:
            continue
        level = levels.get(found.id, found.level)
        if level == OFF:
            continue
        change = found if level == found.level else replace(found, level=cast(Level, level))
        entry = next((e for e in active if e.matches(change)), None)
        if entry is not None:
            applied.ignored.append((change, entry))
        else:
            applied.result.changes.append(change)
    return applied
