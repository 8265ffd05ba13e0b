"""`ftjobs-spec lint --ignore FILE`: accepted lint findings, in the contract diff's ignore files.

Without `--ignore`, `<name>.lint-ignore.yaml` beside a spec file `<name>.yaml` applies when it exists
(the committed openapi/fine_tuning.lint-ignore.yaml, for `ftjobs-spec lint openapi/fine_tuning.yaml`
as a user types it); the text output names it and how many findings it accepted; `--no-ignore` shows
every finding.

The file format and its checks are the diff's (`workflow.load_ignores`: `id`, `operation`, `pointer`,
`reason`, optional `expires`), with the lint's finding ids (`lint.FINDING_IDS`) as `id`. A finding's
pointer is its location; its operation is `METHOD /path` when the location lies under
`/paths/<path>/<method>`, else null (components, the document). Ignored findings leave the counts and
the exit status. An entry past its `expires` day stops applying and is reported; an active entry that
matches no finding is reported too (what it accepted is gone: remove it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..trim import HTTP_METHODS
from .lint import FINDING_IDS, LintFinding, lint_doc
from .sources import load
from .workflow import IgnoreEntry, load_ignores


@dataclass
class LintApplied:
    """Findings left after the ignore entries, those taken out (with their entry), expired and unused
    entries."""

    findings: list[LintFinding] = field(default_factory=list)
    ignored: list[tuple[LintFinding, IgnoreEntry]] = field(default_factory=list)
    expired: list[IgnoreEntry] = field(default_factory=list)
    unused: list[IgnoreEntry] = field(default_factory=list)


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def operation_of(location: str) -> str | None:
    """`METHOD /path` of a location under /paths/<path>/<method>, else None."""
    parts = location.split("/")
    if len(parts) >= 4 and parts[0] == "" and parts[1] == "paths" and parts[3] in HTTP_METHODS:
        return f"{parts[3].upper()} {_unescape(parts[2])}"
    return None


def load_lint_ignores(spec: str) -> list[IgnoreEntry]:
    """A lint ignore file (a file or `REV:path`); SpecError when malformed or naming an unknown id."""
    return load_ignores(spec, known=FINDING_IDS)


def apply(
    findings: Sequence[LintFinding], ignores: Sequence[IgnoreEntry], today: dt.date | None = None
) -> LintApplied:
    today = today or dt.date.today()
    active = [e for e in ignores if not e.expired(today)]
    out = LintApplied(expired=[e for e in ignores if e.expired(today)])
    used: set[int] = set()
    for finding in findings:
        operation = operation_of(finding.location)
        entry = next((e for e in active if e.matches_at(finding.id, operation, (finding.location,))), None)
        if entry is None:
            out.findings.append(finding)
        else:
            out.ignored.append((finding, entry))
            used.add(id(entry))
    out.unused = [e for e in active if id(e) not in used]
    return out


def _entry(entry: IgnoreEntry) -> str:
    return f"{entry.source}: entry {entry.index} ({entry.id}, {entry.operation})"


def beside(spec: str) -> str | None:
    """The ignore file beside a spec file: `<name>.lint-ignore.yaml` for `<name>.yaml`, when it exists."""
    path = Path(spec)
    if path.suffix not in (".yaml", ".yml") or not path.is_file():
        return None
    candidate = path.with_name(path.stem + ".lint-ignore.yaml")
    return str(candidate) if candidate.is_file() else None


def command(args: argparse.Namespace) -> int:
    """`ftjobs-spec lint`: exit 1 when an error is left after the ignore files, else 0.

    Without `--ignore`, the ignore file beside the spec (`beside`) applies, unless `--no-ignore`."""
    found = None if args.ignore or getattr(args, "no_ignore", False) else beside(args.spec)
    paths: list[str] = list(args.ignore) or ([found] if found else [])
    ignores = [entry for path in paths for entry in load_lint_ignores(path)]
    doc, name = load(args.spec, args.paths)
    applied = apply(lint_doc(doc, name), ignores)
    findings = applied.findings
    if args.format == "json":
        out: dict[str, object] = {"spec": name, "findings": [f.to_json() for f in findings]}
        if paths:
            out["ignore_files"] = paths
            out["ignored"] = [{**f.to_json(), "ignore": e.to_json()} for f, e in applied.ignored]
            out["expired_ignores"] = [e.to_json() for e in applied.expired]
            out["unused_ignores"] = [e.to_json() for e in applied.unused]
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    else:
        errors = sum(1 for f in findings if f.level == "error")
        print(f"{name}: {errors} error(s), {len(findings) - errors} warning(s)")
        for f in findings:
            print(f"{f.level:8} {f.id:24} {f.location}\n{'':8} {'':24} {f.message}")
        if found:
            print(f"{len(applied.ignored)} finding(s) accepted by {found} (--no-ignore shows them)")
        elif paths:
            print(f"{len(applied.ignored)} finding(s) accepted by the ignore file(s)")
    for entry in applied.expired:
        print(f"warning: {_entry(entry)} expired on {entry.expires}; it no longer applies", file=sys.stderr)
    for entry in applied.unused:
        print(f"warning: {_entry(entry)} matches no finding; remove it", file=sys.stderr)
    return 1 if any(f.level == "error" for f in findings) else 0
