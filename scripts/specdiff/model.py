"""Data types of the contract diff: rules, raw findings, reported changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from .normalize import Norm, Resolver

Level = Literal["breaking", "warning", "info"]
Direction = Literal["request", "response", "any"]
Unit = Literal["spec", "operation", "schema"]

LEVELS: tuple[Level, ...] = ("breaking", "warning", "info")
LEVEL_RANK: dict[str, int] = {"info": 0, "warning": 1, "breaking": 2}


@dataclass(frozen=True)
class Rule:
    """One row of the registry: a rule id, its level and direction, and the handler that emits it."""

    id: str
    level: Level
    direction: Direction
    unit: Unit
    handler: Callable[..., None]


@dataclass(frozen=True)
class Finding:
    """What a handler emits: a rule id, a JSON pointer in each side (None if absent), message params."""

    rule_id: str
    base: str | None
    revision: str | None
    params: tuple[tuple[str, str], ...] = ()
    operation: str | None = None


@dataclass
class Sink:
    """Collects findings; handlers call emit()."""

    findings: list[Finding] = field(default_factory=list)

    def emit(
        self,
        rule_id: str,
        base: str | None,
        revision: str | None,
        *,
        operation: str | None = None,
        **params: Any,
    ) -> None:
        items = tuple(sorted((k, str(v)) for k, v in params.items()))
        self.findings.append(Finding(rule_id, base, revision, items, operation))


@dataclass(frozen=True)
class Change:
    """One reported change (the JSON output's `changes` items)."""

    id: str
    level: Level
    direction: Direction
    operation: str | None
    base: str | None
    revision: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "direction": self.direction,
            "operation": self.operation,
            "location": {"base": self.base, "revision": self.revision},
            "message": self.message,
        }


@dataclass
class DiffResult:
    """The changes between two specs, in a deterministic order."""

    base_name: str
    revision_name: str
    changes: list[Change]

    def count(self, level: str) -> int:
        return sum(1 for c in self.changes if c.level == level)

    def worst(self) -> str | None:
        if not self.changes:
            return None
        return max((c.level for c in self.changes), key=LEVEL_RANK.__getitem__)

    def fails(self, threshold: str) -> bool:
        rank = LEVEL_RANK[threshold]
        return any(LEVEL_RANK[c.level] >= rank for c in self.changes)


class SchemaWalker(Protocol):
    """What operation-level handlers use to compare two schemas."""

    def schema(
        self, sink: Sink, b_node: Any, b_ptr: str, r_node: Any, r_ptr: str, direction: Direction
    ) -> None: ...


@dataclass
class SchemaPair:
    """The unit a schema handler looks at: one schema in each side, and the direction of data flow."""

    base: Norm
    revision: Norm
    direction: Direction
    base_resolver: Resolver
    revision_resolver: Resolver
    walker: SchemaWalker | None = None  # for handlers that compare subschemas (not, if, ...)


Param = tuple[dict[str, Any], str]


@dataclass
class OpPair:
    """The unit an operation handler looks at: one operation present in both sides."""

    label: str
    base: dict[str, Any]
    revision: dict[str, Any]
    base_ptr: str
    revision_ptr: str
    base_params: dict[tuple[str, str], Param]
    revision_params: dict[tuple[str, str], Param]
    base_security: list[frozenset[str]] | None
    revision_security: list[frozenset[str]] | None
    base_security_ptr: str
    revision_security_ptr: str
    walker: SchemaWalker
    base_resolver: Resolver
    revision_resolver: Resolver


@dataclass
class SpecPair:
    """The unit a spec handler looks at: the two documents (and, for handlers that compare schemas
    outside `paths`, such as webhooks, the walker and both resolvers)."""

    base: dict[str, Any]
    revision: dict[str, Any]
    walker: SchemaWalker | None = None
    base_resolver: Resolver | None = None
    revision_resolver: Resolver | None = None
