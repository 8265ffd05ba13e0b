"""What a spec update means for the package: its impact, the version bump, and the changelog entry.

Used by `ftjobs-spec update` (scripts/update.py). Pure functions of the contract diff
(scripts/specdiff) and the generated-API diff (scripts/specdiff/client_impact.py); no I/O here.

Version policy (README, "The spec pipeline"): the impact of an update is the worst of its changes.

| impact | bump |
|---|---|
| breaking: for callers (HTTP) or Python code (generated API) | major: X+1.0.0 |
| added: operations, properties, optional parameters, classes, members | minor: X.Y+1.0 |
| changed: other contract changes, documentation, upstream fixes | patch: X.Y.Z+1 |
| none: the trimmed spec's content is the same | no release |

The same at 0.y.z: a breaking update of 0.1.0 is 1.0.0. The version is a promise to users about
their code, and the contract diff is the evidence; it does not wait for a decision to leave 0.y.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .specdiff.client_impact import ApiChange
from .specdiff.model import Change
from .trim import SpecError

Impact = Literal["breaking", "added", "changed", "none"]
Group = Literal["Breaking", "Added", "Changed", "Fixed"]
IMPACTS: tuple[Impact, ...] = ("none", "changed", "added", "breaking")
GROUPS: tuple[Group, ...] = ("Breaking", "Added", "Changed", "Fixed")
RULES_DOC = "docs/spec-diff.md#rules"
_VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
_UNSET = re.compile(r"\bUnset\b")  # in an attribute's annotation: the attribute is optional
_GROUP_IMPACT: dict[Group, Impact] = {
    "Breaking": "breaking",
    "Added": "added",
    "Changed": "changed",
    "Fixed": "changed",
}
#: Generated-API changes that cannot break Python code using the previous version.
_API_ADDITIONS = frozenset(
    {"class-added", "attribute-added", "enum-added", "enum-member-added", "function-added"}
)


def parse_version(version: str) -> tuple[int, int, int]:
    """(major, minor, patch) of an X.Y.Z version; SpecError for anything else."""
    match = _VERSION.fullmatch(version.strip())
    if not match:
        raise SpecError(f"the package version {version!r} is not X.Y.Z: cannot bump it")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def bump(version: str, impact: Impact) -> str | None:
    """The next version for an update of this impact (the table above); None: no release."""
    major, minor, patch = parse_version(version)
    if impact == "none":
        return None
    if impact == "breaking":
        return f"{major + 1}.0.0"
    if impact == "added":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


@dataclass(frozen=True)
class Entry:
    """One changelog line: its group, whom it concerns (HTTP callers or Python code), the text."""

    group: Group
    audience: Literal["callers", "python", "upstream"]
    text: str


def http_group(change: Change) -> Group:
    """Breaking for a breaking rule; Added for an addition (rule ids with `-added`); Changed otherwise."""
    if change.level == "breaking":
        return "Breaking"
    return "Added" if "-added" in change.id else "Changed"


def _signatures(detail: str) -> tuple[ast.arguments, str, ast.arguments, str] | None:
    """The two signatures of a function-signature-changed detail (`(args) -> R -> (args) -> R`):
    (arguments, return annotation) of each, or None if the detail does not read as two signatures."""
    start = 0
    while (cut := detail.find(" -> (", start)) != -1:
        start = cut + 1
        try:
            old, new = (ast.parse(f"def f{side}: pass").body[0] for side in (detail[:cut], detail[cut + 4 :]))
        except SyntaxError:
            continue
        if not (isinstance(old, ast.FunctionDef) and isinstance(new, ast.FunctionDef)):
            continue
        returns = [ast.unparse(fn.returns) if fn.returns else "" for fn in (old, new)]
        return old.args, returns[0], new.args, returns[1]
    return None


def added_parameters(detail: str) -> list[str] | None:
    """The parameters a signature change only adds: keyword-only ones with a default, everything else
    (positional parameters, the other keyword-only ones, their annotations and defaults, the return
    annotation) the same, as `name: annotation=default`. None when the change is anything else (it
    can break a call)."""
    parsed = _signatures(detail)
    if parsed is None:
        return None
    old, old_returns, new, new_returns = parsed

    def same(a: ast.AST | None, b: ast.AST | None) -> bool:
        return (ast.unparse(a) if a else None) == (ast.unparse(b) if b else None)

    def kwonly(args: ast.arguments) -> dict[str, tuple[ast.arg, ast.expr | None]]:
        return {
            arg.arg: (arg, default) for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
        }

    positional = ast.arguments(old.posonlyargs, old.args, old.vararg, [], [], old.kwarg, old.defaults)
    positional_new = ast.arguments(new.posonlyargs, new.args, new.vararg, [], [], new.kwarg, new.defaults)
    if old_returns != new_returns or not same(positional, positional_new):
        return None
    before, after = kwonly(old), kwonly(new)
    for name, (arg, default) in before.items():
        if name not in after or not same(arg.annotation, after[name][0].annotation):
            return None
        if not same(default, after[name][1]):
            return None
    added = [after[name] for name in after if name not in before]
    if not added or any(default is None for _, default in added):
        return None
    return [ast.unparse(arg) + f"={ast.unparse(default)}" for arg, default in added if default is not None]


def api_group(change: ApiChange) -> Group:
    """Additions are Added (a new attribute only when optional: a required one is a new constructor
    argument; a signature change only when it adds optional keyword-only parameters); anything else
    removed or changed in the generated API can break Python code."""
    if change.kind == "attribute-added":
        if change.name.startswith("ftjobs."):  # a class users hold, or a create TypedDict
            optional = " = " in change.detail or change.detail.endswith("(optional key)")
            return "Added" if optional else "Breaking"
        return "Added" if _UNSET.search(change.detail) else "Breaking"
    if change.kind == "function-signature-changed":
        return "Added" if added_parameters(change.detail) else "Breaking"
    return "Added" if change.kind in _API_ADDITIONS else "Breaking"


def _rule_link(rule_id: str, docs_prefix: str) -> str:
    return f"[`{rule_id}`]({docs_prefix}{RULES_DOC})"


def http_entries(changes: Iterable[Change], docs_prefix: str = "") -> list[Entry]:
    """One entry per (rule, message), naming the operations it reaches (a schema change is reported
    once per operation using it) and linking the rule id to docs/spec-diff.md."""
    grouped: dict[tuple[str, str], tuple[Change, list[str]]] = {}
    for change in changes:
        _, ops = grouped.setdefault((change.id, change.message), (change, []))
        if change.operation and change.operation not in ops:
            ops.append(change.operation)
    out = []
    for change, ops in grouped.values():
        where = ", ".join(f"`{op}`" for op in ops[:3]) + (f" and {len(ops) - 3} more" if len(ops) > 3 else "")
        prefix = f"{where}: " if where else ""
        out.append(
            Entry(
                http_group(change),
                "callers",
                f"{prefix}{change.message} ({_rule_link(change.id, docs_prefix)})",
            )
        )
    return out


def api_entries(changes: Iterable[ApiChange]) -> list[Entry]:
    out = []
    for change in changes:
        if change.name.startswith("ftjobs."):  # already the name users import
            module = ""
        else:
            module = "ftjobs_generated." if change.name.startswith("api.") else "ftjobs_generated.models."
        detail = f" (`{change.detail}`)" if change.detail else ""
        what = change.kind.replace("-", " ")
        added = added_parameters(change.detail) if change.kind == "function-signature-changed" else None
        if added:
            what, detail = "optional keyword parameter(s) added: " + ", ".join(f"`{a}`" for a in added), ""
        elif change.kind == "attribute-added" and api_group(change) == "Breaking":
            what = "required attribute added (a new constructor argument)"
        out.append(Entry(api_group(change), "python", f"`{module}{change.name}`: {what}{detail}"))
    return out


def impact_of(entries: Sequence[Entry], content_changed: bool) -> Impact:
    """The worst impact among the entries; `changed` for a content change no rule names (documentation,
    examples); `none` when the trimmed spec's content is the same."""
    worst: Impact = "changed" if content_changed else "none"
    for entry in entries:
        impact = _GROUP_IMPACT[entry.group]
        if IMPACTS.index(impact) > IMPACTS.index(worst):
            worst = impact
    return worst


@dataclass
class ReleaseNote:
    """The changelog entry of one update."""

    version: str
    previous: str
    impact: Impact
    source: str
    sha256: str
    previous_sha256: str
    entries: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[Group, int]:
        return {group: sum(1 for e in self.entries if e.group == group) for group in GROUPS}

    def headline(self) -> str:
        """One line: the version, the impact and the number of entries per group."""
        counts = ", ".join(f"{n} {group.lower()}" for group, n in self.counts().items() if n)
        return f"{self.version} ({self.impact}): {counts or 'documentation only'}"

    def markdown(self) -> str:
        lines = [
            f"## {self.version}",
            "",
            f"Regenerated from `{self.source}`, sha256 `{self.sha256}`",
            f"(previously `{self.previous_sha256}`).",
            f"Impact: **{self.impact}** ({self.previous} → {self.version}).",
        ]
        lines += [f"{note}" for note in self.notes]
        audiences = {
            "callers": "For callers (HTTP contract)",
            "python": "For Python code (`ftjobs`, `ftjobs_generated`)",
            "upstream": "Upstream",
        }
        for group in GROUPS:
            entries = [e for e in self.entries if e.group == group]
            if not entries:
                continue
            lines += ["", f"### {group}", ""]
            for audience, title in audiences.items():
                chosen = [e for e in entries if e.audience == audience]
                if chosen:
                    lines.append(f"- {title}:")
                    lines += [f"  - {e.text}" for e in chosen]
        if not self.entries:
            lines += [
                "",
                "### Changed",
                "",
                "- Documentation only: descriptions or examples in the spec changed.",
            ]
        return "\n".join(lines) + "\n"


CHANGELOG_HEADER = (
    "# Changelog\n\n"
    'Written by `ftjobs-spec update` (README, "The spec pipeline") for each regeneration from a new\n'
    "upstream spec: what changed for callers (the HTTP contract; rule ids are explained in\n"
    "[docs/spec-diff.md](docs/spec-diff.md#rules)) and for Python code using the generated client.\n"
)


def prepend(changelog: str, entry: str) -> str:
    """The changelog text with entry as its newest (first) section; a header is written if none."""
    if not changelog.strip():
        changelog = CHANGELOG_HEADER
    head, sep, rest = changelog.partition("\n## ")
    body = f"{sep.lstrip(chr(10))}{rest}" if sep else ""
    return f"{head.rstrip()}\n\n{entry.rstrip()}\n" + (f"\n{body}" if body else "")
