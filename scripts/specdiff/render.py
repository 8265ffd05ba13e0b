"""Render a DiffResult as text, markdown (a pull request comment) or JSON (schema: docs/spec-diff.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .model import LEVELS, Change, DiffResult

JSON_SCHEMA_VERSION = 1
_ICON = {"breaking": "🔴", "warning": "🟡", "info": "🔵"}


def summary(result: DiffResult) -> str:
    counts = ", ".join(f"{result.count(level)} {level}" for level in LEVELS)
    return f"{len(result.changes)} change(s): {counts}"


def _where(change: Change) -> str:
    """Where a change is: one pointer when both sides agree (or one is absent), else base → revision."""
    if change.base is None or change.base == change.revision:
        return change.revision or ""
    if change.revision is None:
        return change.base
    return f"{change.base} → {change.revision}"


def text(result: DiffResult) -> str:
    lines = [f"{result.base_name} -> {result.revision_name}: {summary(result)}"]
    for level in LEVELS:
        for change in (c for c in result.changes if c.level == level):
            op = f"{change.operation}: " if change.operation else ""
            lines.append(f"{level:8} {change.id:36} {op}{change.message}")
            lines.append(f"{'':8} {'':36} at {_where(change)}")
    return "\n".join(lines) + "\n"


def _md_escape(value: str) -> str:
    return value.replace("|", "\\|")


def markdown_table(changes: Iterable[Change]) -> list[str]:
    """A markdown table of changes, one row per (rule, location, message), naming the operations."""
    rows: dict[tuple[str, str, str, str], list[str]] = {}
    for c in changes:
        rows.setdefault((c.level, c.id, _where(c), c.message), []).append(c.operation or "")
    lines = ["| level | rule | operations | where | change |", "|---|---|---|---|---|"]
    order: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}
    for (level, rule, where, message), ops in sorted(rows.items(), key=lambda kv: order[kv[0][0]]):
        shown = ", ".join(dict.fromkeys(o for o in ops if o)) or "(spec)"
        lines.append(
            f"| {_ICON[level]} {level} | `{rule}` | {_md_escape(shown)} | `{_md_escape(where)}` "
            f"| {_md_escape(message)} |"
        )
    return lines


def markdown(result: DiffResult) -> str:
    worst = result.worst()
    verdict = "**breaking changes**" if worst == "breaking" else "no breaking change"
    lines = [
        f"### API contract diff: `{result.base_name}` → `{result.revision_name}`",
        "",
        f"{verdict}: {summary(result)}",
    ]
    if result.changes:
        lines += ["", *markdown_table(result.changes)]
    return "\n".join(lines) + "\n"


def as_json(result: DiffResult) -> str:
    doc = {
        "schema_version": JSON_SCHEMA_VERSION,
        "base": result.base_name,
        "revision": result.revision_name,
        "summary": {level: result.count(level) for level in LEVELS},
        "changes": [c.to_json() for c in result.changes],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


FORMATS = {"text": text, "markdown": markdown, "json": as_json}


def rule_table() -> str:
    """The registry as a markdown table (docs/spec-diff.md embeds it; a test keeps them equal)."""
    from .messages import MESSAGES
    from .registry import RULES

    lines = ["| rule id | level | direction | family | message |", "|---|---|---|---|---|"]
    for rule in RULES:
        family = rule.handler.__module__.rsplit(".", 1)[1]
        message = _md_escape(MESSAGES[rule.id])
        lines.append(f"| `{rule.id}` | {rule.level} | {rule.direction} | `rules/{family}.py` | {message} |")
    return "\n".join(lines) + "\n"
