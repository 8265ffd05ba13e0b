"""Render a DiffResult as text, markdown (a pull request comment) or JSON (schema: docs/spec-diff.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .model import LEVEL_RANK, LEVELS, Change, DiffResult

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


_GITHUB_COMMAND = {"breaking": "error", "warning": "warning", "info": "notice"}


def _gh_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")


def github_annotation(command: str, file: str, title: str, message: str) -> str:
    """One GitHub Actions workflow command (`::error file=...,title=...::message`), escaped."""
    return f"::{command} file={_gh_property(file)},title={_gh_property(title)}::{_gh_data(message)}"


def githubactions(result: DiffResult) -> str:
    """One annotation per change: breaking -> `::error`, warning -> `::warning`, info -> `::notice`,
    on the revision's file (the base's when the thing is gone)."""
    lines = []
    for c in result.changes:
        file = result.revision_name if c.revision is not None else result.base_name
        op = f"{c.operation}: " if c.operation else ""
        lines.append(
            github_annotation(_GITHUB_COMMAND[c.level], file, c.id, f"{op}{c.message} (at {_where(c)})")
        )
    return "".join(line + "\n" for line in lines)


def singleline(result: DiffResult) -> str:
    """One line per change: `level [rule-id] OPERATION at POINTER: message` (grep- and log-friendly)."""
    lines = []
    for c in result.changes:
        op = f" {c.operation}" if c.operation else ""
        lines.append(f"{c.level} [{c.id}]{op} at {_where(c)}: {c.message}")
    return "".join(" ".join(line.split("\n")) + "\n" for line in lines)


def junit(result: DiffResult, fail_on: str = "breaking") -> str:
    """JUnit XML: one testcase per change (classname = operation, name = rule id); changes at or above
    `fail_on` are failures, the others pass with the message in system-out."""
    from xml.etree import ElementTree as ET

    threshold = LEVEL_RANK[fail_on]
    failures = sum(1 for c in result.changes if LEVEL_RANK[c.level] >= threshold)
    suites = ET.Element("testsuites", name="ftjobs-spec diff", tests=str(len(result.changes)))
    suites.set("failures", str(failures))
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"{result.base_name} -> {result.revision_name}",
        tests=str(len(result.changes)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for c in result.changes:
        case = ET.SubElement(suite, "testcase", classname=c.operation or "(spec)", name=c.id)
        text_ = f"{c.level}: {c.message}\nat {_where(c)}"
        if LEVEL_RANK[c.level] >= threshold:
            failure = ET.SubElement(case, "failure", message=c.message, type=c.level)
            failure.text = text_
        else:
            ET.SubElement(case, "system-out").text = text_
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


FORMATS = {
    "text": text,
    "markdown": markdown,
    "json": as_json,
    "githubactions": githubactions,
    "junit": junit,
    "singleline": singleline,
}


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
