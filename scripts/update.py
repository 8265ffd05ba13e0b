"""`ftjobs-spec update`: turn a new upstream spec into a regenerated, versioned release of the client.

Usage::

    ftjobs-spec update [UPSTREAM] [--portkey UPSTREAM] [--dry-run] [--check]
                       [--format text|markdown|json] [--project DIR]

In one run: (1) trim the upstream spec(s) with the current trim settings; (2) apply the overlays,
reporting each as applied, obsolete (upstream already says what it says: it can be deleted) or
conflicting (its target is missing or holds something else: exit 2); (3) diff the committed
openapi/fine_tuning.yaml against the new one (contract diff, and the generated Python API);
(4) check that generated/ is what the committed spec generates (the drift check), generate the new
client and import every module of it; (5) bump facade/ftjobs/_version.py by the impact
(scripts/release.py); (6) prepend the CHANGELOG.md entry. Everything is built in a temporary folder
inside the project and moved in at the end; a failure leaves the tree as it was. `--dry-run` and
`--check` write nothing in the project (their scratch folder is the system's temporary one).

The project is the checkout this tooling runs from, or `--project DIR`; the upstream specs default
to the project's `openapi/upstream/`. Installed from a wheel, the tooling has no checkout: it needs
`--project DIR` and says so in one line.

Exit status: 0 updated or nothing to do; 1 `--check` found the committed specs behind upstream;
2 unusable input, a conflicting overlay or a generator problem (nothing written).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import regen, release, trim
from .overlays import ActionReport, OverlayReport, apply_checked, load_overlay
from .specdiff.client_impact import ApiChange, Surface, compare, surface
from .specdiff.compare import diff_docs
from .specdiff.fastload import load_sliced
from .specdiff.model import DiffResult
from .specdiff.sources import check_document, load_text, read_side
from .trim import SpecError

Status = Literal["nothing-to-do", "updated", "planned", "behind", "conflicting"]
_VERSION_LINE = re.compile(r'^__version__ = "([^"]*)"$', re.MULTILINE)
_SHA = re.compile(r"^# sha256: ([0-9a-f]{64})$", re.MULTILINE)


def generate_in_process(spec: Path, out_dir: Path) -> Path:
    """The default generator: scripts/regen.py's, run in this interpreter."""
    return regen.generate(spec, out_dir, in_process=True)


class UpdateError(SpecError):
    """A problem that stops the update (exit 2): the message says what and where."""


class Toolchain:
    """How an update builds and inspects a client: generate it, import it, read its Python API.

    These are the real steps; the history replay (scripts/update_history.py) subclasses it to do the
    same work ahead of time in a process pool and hand each step its results.
    """

    def generate(self, spec: Path, out_dir: Path) -> Path:
        """Generate spec into out_dir; return the package folder. regen.GenerationError on failure."""
        return generate_in_process(spec, out_dir)

    def check_imports(self, package: Path) -> None:
        """UpdateError unless every module of the generated package imports."""
        check_imports(package)

    def surface(self, package: Path) -> Surface:
        """The public Python API of a generated package (scripts/specdiff/client_impact.py)."""
        return surface(package)


DEFAULT_TOOLS = Toolchain()


@dataclass(frozen=True)
class Project:
    """The files an update reads and writes, relative to a project root (a checkout or a copy of it)."""

    root: Path

    @property
    def spec(self) -> Path:
        return self.root / "openapi" / "fine_tuning.yaml"

    @property
    def portkey_spec(self) -> Path:
        return self.root / "openapi" / "fine_tuning.portkey.yaml"

    @property
    def generated(self) -> Path:
        return self.root / "generated" / regen.PACKAGE

    @property
    def spec_json(self) -> Path:
        return self.root / regen.SPEC_JSON.relative_to(regen.ROOT)

    @property
    def version_file(self) -> Path:
        return self.root / "facade" / "ftjobs" / "_version.py"

    @property
    def changelog(self) -> Path:
        return self.root / "CHANGELOG.md"

    def overlay_files(self, output: Path) -> list[Path]:
        """openapi/overlays/<output stem>/*.yaml in name order (as scripts/trim.py's overlays_for)."""
        folder = self.root / "openapi" / "overlays" / output.name.removesuffix(".yaml")
        return sorted(folder.glob("*.yaml")) if folder.is_dir() else []

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


@dataclass
class SpecUpdate:
    """One trimmed spec: its new text (with the overlays applied) and the committed one."""

    output: Path
    source_name: str
    sha256: str
    text: str
    doc: dict[str, Any]
    overlays: list[OverlayReport]
    previous_text: str | None

    @property
    def changed(self) -> bool:
        return self.text != self.previous_text

    @property
    def content_changed(self) -> bool:
        """Whether the document changed (not only the header: a new checksum, another overlay list)."""
        return self.previous_text is None or _body(self.text) != _body(self.previous_text)

    @property
    def previous_sha256(self) -> str:
        found = _SHA.search(self.previous_text or "")
        return found.group(1) if found else "unknown"

    @property
    def conflicts(self) -> list[tuple[str, ActionReport]]:
        return [
            (report.name, action)
            for report in self.overlays
            for action in report.actions
            if action.status == "conflicting"
        ]


def _body(text: str) -> str:
    """The spec without its header comment lines."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return "".join(lines[start:])


def render_spec(source: Path, output: Path, overlay_files: Sequence[Path]) -> SpecUpdate:
    """Trim source with the current trim settings and apply the overlays, reporting each one."""
    prefixes = trim.DEFAULT_PATH_PREFIXES
    text, name = read_side(str(source))
    sliced = load_sliced(text, name, prefixes)
    doc = trim.trim(check_document(sliced, name) if sliced is not None else load_text(text, name), prefixes)
    reports = [apply_checked(doc, load_overlay(path), path.name) for path in overlay_files]
    raw = source.read_bytes()
    out = trim.header(trim.display_name(source), raw, [path.name for path in overlay_files]) + trim.dump_yaml(
        doc
    )
    previous = output.read_text(encoding="utf-8") if output.is_file() else None
    return SpecUpdate(
        output=output,
        source_name=trim.display_name(source),
        sha256=hashlib.sha256(raw).hexdigest(),
        text=out,
        doc=doc,
        overlays=reports,
        previous_text=previous,
    )


@dataclass
class Plan:
    """What an update found and would do."""

    project: Project
    specs: list[SpecUpdate]
    version: str
    diff: DiffResult | None = None
    api_changes: list[ApiChange] = field(default_factory=list)
    note: release.ReleaseNote | None = None
    staged: dict[Path, Path] = field(default_factory=dict)  # committed path -> staged file or folder
    status: Status = "planned"

    @property
    def openai(self) -> SpecUpdate:
        return self.specs[0]

    @property
    def new_version(self) -> str | None:
        return self.note.version if self.note else None

    @property
    def impact(self) -> release.Impact:
        return self.note.impact if self.note else "none"


def read_version(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UpdateError(f"{path.name}: cannot read the package version: {exc.strerror or exc}") from exc
    found = _VERSION_LINE.search(text)
    if not found:
        raise UpdateError(f'{path.name}: no line `__version__ = "X.Y.Z"`')
    release.parse_version(found.group(1))
    return found.group(1)


def _tree_problems(committed: Path, fresh: Path) -> list[str]:
    """Files that differ between a committed generated package and a fresh one (names only)."""

    def files(folder: Path) -> set[Path]:
        if not folder.is_dir():
            return set()
        return {
            p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        }

    old, new = files(committed), files(fresh)
    problems = [f"missing: {rel}" for rel in sorted(new - old)]
    problems += [f"not generated: {rel}" for rel in sorted(old - new)]
    problems += [
        f"differs: {rel}"
        for rel in sorted(old & new)
        if (committed / rel).read_bytes() != (fresh / rel).read_bytes()
    ]
    return problems


_IMPORT_ALL = (
    "import importlib, pkgutil, sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "import ftjobs_generated as p\n"
    "assert p.__file__.startswith(sys.argv[1]), p.__file__\n"
    "for m in pkgutil.walk_packages(p.__path__, 'ftjobs_generated.'):\n"
    "    importlib.import_module(m.name)\n"
)


def check_imports(package: Path) -> None:
    """Import every module of a generated package in a fresh interpreter; UpdateError if one fails."""
    proc = subprocess.run(
        [sys.executable, "-I", "-B", "-c", _IMPORT_ALL, str(package.parent)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise UpdateError(f"the generated client does not import: {last}")


def _generate(tools: Toolchain, spec_text: str, folder: Path) -> Path:
    folder.mkdir(parents=True)
    spec = folder / "fine_tuning.yaml"
    spec.write_text(spec_text, encoding="utf-8")
    try:
        return tools.generate(spec, folder)
    except regen.GenerationError as exc:
        raise UpdateError(f"generator problem: {exc}") from exc


def build_plan(
    project: Project,
    upstream: Path,
    portkey: Path | None,
    staging: Path,
    *,
    check_only: bool = False,
    tools: Toolchain = DEFAULT_TOOLS,
) -> Plan:
    """Steps 1-6 into staging; nothing in the project is written. Raises UpdateError (exit 2)."""
    specs = [render_spec(upstream, project.spec, project.overlay_files(project.spec))]
    if portkey is not None:
        specs.append(render_spec(portkey, project.portkey_spec, project.overlay_files(project.portkey_spec)))
    plan = Plan(project, specs, read_version(project.version_file))
    if any(spec.conflicts for spec in specs):
        plan.status = "conflicting"
        return plan
    if not any(spec.changed for spec in specs):
        plan.status = "nothing-to-do"
        return plan
    if check_only:
        plan.status = "behind"
        return plan
    for spec in specs:
        if spec.changed:
            staged = staging / "specs" / spec.output.name
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_text(spec.text, encoding="utf-8")
            plan.staged[spec.output] = staged
    openai = plan.openai
    entries: list[release.Entry] = []
    if openai.content_changed:
        if openai.previous_text is None:
            raise UpdateError(f"{project.rel(project.spec)} does not exist: run `make regen` once first")
        # The drift check: generated/ must be what the committed spec generates, or the impact on
        # Python code (new package against the committed one) would be measured from the wrong base.
        baseline = _generate(tools, openai.previous_text, staging / "baseline")
        drift = _tree_problems(project.generated, baseline)
        if drift:
            shown = "; ".join(drift[:5]) + (f"; and {len(drift) - 5} more" if len(drift) > 5 else "")
            raise UpdateError(
                f"drift: {project.rel(project.generated)} is not what {project.rel(project.spec)} "
                f"generates ({shown}); run `make regen` (or commit) before updating"
            )
        package = _generate(tools, openai.text, staging / "new")
        tools.check_imports(package)
        previous_doc = load_text(openai.previous_text, project.rel(project.spec))
        plan.diff = diff_docs(previous_doc, openai.doc, project.rel(project.spec), openai.source_name)
        plan.api_changes = compare(tools.surface(baseline), tools.surface(package))
        entries = release.http_entries(plan.diff.changes) + release.api_entries(plan.api_changes)
        plan.staged[project.generated] = package
        spec_json = staging / "fine_tuning.json"
        spec_json.write_text(regen.spec_json(plan.staged[project.spec]), encoding="utf-8")
        plan.staged[project.spec_json] = spec_json
    entries += [
        release.Entry(
            "Fixed",
            "upstream",
            f"upstream now says what overlay `{report.name}` corrected ({report.summary()}); "
            "the overlay can be deleted",
        )
        for report in openai.overlays
        if report.status == "obsolete"
    ]
    impact = release.impact_of(entries, openai.content_changed)
    new_version = release.bump(plan.version, impact)
    if new_version is not None:
        plan.note = release.ReleaseNote(
            version=new_version,
            previous=plan.version,
            impact=impact,
            source=openai.source_name,
            sha256=openai.sha256,
            previous_sha256=openai.previous_sha256,
            entries=entries,
        )
        version_text = project.version_file.read_text(encoding="utf-8")
        staged_version = staging / "_version.py"
        staged_version.write_text(
            _VERSION_LINE.sub(f'__version__ = "{new_version}"', version_text, count=1), encoding="utf-8"
        )
        plan.staged[project.version_file] = staged_version
        old_log = project.changelog.read_text(encoding="utf-8") if project.changelog.is_file() else ""
        staged_log = staging / "CHANGELOG.md"
        staged_log.write_text(release.prepend(old_log, plan.note.markdown()), encoding="utf-8")
        plan.staged[project.changelog] = staged_log
    return plan


def commit(staged: dict[Path, Path], staging: Path) -> None:
    """Move every staged file or folder into place; on any failure put back what was there."""
    backup = staging / "backup"
    backup.mkdir()
    done: list[tuple[Path, Path | None]] = []  # (committed path, its backup) in the order replaced
    try:
        for i, (dest, src) in enumerate(staged.items()):
            saved: Path | None = None
            if dest.exists():
                saved = backup / f"{i}-{dest.name}"
                os.replace(dest, saved)
            done.append((dest, saved))
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dest)
    except BaseException:
        for dest, saved in reversed(done):
            if dest.is_dir() and not dest.is_symlink():
                shutil.rmtree(dest, ignore_errors=True)
            elif dest.exists():
                dest.unlink()
            if saved is not None:
                os.replace(saved, dest)
        raise


@contextmanager
def staging_dir(project: Project, *, inside: bool = True) -> Iterator[Path]:
    """A temporary folder, removed after: inside the project (so that moving results in is a rename),
    or, for a run that writes nothing (`--dry-run`, `--check`), in the system's temporary folder."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=".ftjobs-update-", dir=project.root if inside else None))
    except OSError as exc:
        where = project.root if inside else Path(tempfile.gettempdir())
        raise UpdateError(f"{where}: cannot write a staging folder: {exc.strerror or exc}") from exc
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def update(
    project: Project,
    upstream: Path,
    portkey: Path | None = None,
    *,
    dry_run: bool = False,
    check_only: bool = False,
    tools: Toolchain = DEFAULT_TOOLS,
) -> Plan:
    """Run an update; return its plan with `status` set. Raises UpdateError / SpecError (exit 2)."""
    with staging_dir(project, inside=not (dry_run or check_only)) as staging:
        plan = build_plan(project, upstream, portkey, staging, check_only=check_only, tools=tools)
        if plan.status == "planned" and not dry_run:
            try:
                commit(plan.staged, staging)
            except OSError as exc:
                raise UpdateError(f"could not move the results in (nothing changed): {exc}") from exc
            plan.status = "updated"
    return plan


def exit_code(plan: Plan) -> int:
    return {"conflicting": 2, "behind": 1}.get(plan.status, 0)


# -- output ------------------------------------------------------------------------------------------


def overlay_rows(plan: Plan) -> list[tuple[str, str, str]]:
    return [
        (f"{spec.output.name.removesuffix('.yaml')}/{report.name}", report.status, report.summary())
        for spec in plan.specs
        for report in spec.overlays
    ]


def _headline(plan: Plan) -> str:
    p = plan.project
    if plan.status == "nothing-to-do":
        return "nothing to do: " + ", ".join(p.rel(s.output) for s in plan.specs) + " match upstream"
    if plan.status == "conflicting":
        return "conflicting overlay(s): nothing written"
    if plan.status == "behind":
        behind = [p.rel(s.output) for s in plan.specs if s.changed]
        return f"behind upstream: {', '.join(behind)} (run `ftjobs-spec update`)"
    if plan.note is None:
        # Only the OpenAI spec generates the client: a header (checksum, overlay list) or a Portkey
        # spec change is written without a release.
        changed = [
            f"{p.rel(s.output)} {'content' if s.content_changed else 'header'}"
            for s in plan.specs
            if s.changed
        ]
        what = f"no release, the generated client is the same (changed: {', '.join(changed)})"
    else:
        what = f"version {plan.version} -> {plan.note.version} ({plan.note.impact})"
    return ("planned (dry run): " if plan.status == "planned" else "updated: ") + what


def render_text(plan: Plan) -> str:
    p = plan.project
    lines = [_headline(plan)]
    for spec in plan.specs:
        state = "changed" if spec.content_changed else ("header only" if spec.changed else "unchanged")
        lines.append(f"  {p.rel(spec.output)} <- {spec.source_name} (sha256 {spec.sha256[:12]}): {state}")
    lines.append("overlays:")
    lines += [f"  {name:48} {status:12} {detail}" for name, status, detail in overlay_rows(plan)]
    if plan.diff is not None:
        from .specdiff.render import summary

        lines.append(f"contract diff: {summary(plan.diff)}")
        lines.append(f"generated Python API: {len(plan.api_changes)} change(s)")
    if plan.staged and plan.status in ("planned", "updated"):
        verb = "would write" if plan.status == "planned" else "wrote"
        lines.append(f"{verb}: " + ", ".join(p.rel(path) for path in plan.staged))
    if plan.note is not None:
        lines += ["", plan.note.markdown().rstrip()]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(plan: Plan) -> str:
    lines = [
        f"### ftjobs-spec update: {_headline(plan)}",
        "",
        "| overlay | status | detail |",
        "|---|---|---|",
    ]
    lines += [f"| `{n}` | {s} | {_md_cell(d)} |" for n, s, d in overlay_rows(plan)]
    if plan.note is not None:
        lines += ["", plan.note.markdown().rstrip()]
    return "\n".join(lines) + "\n"


def render_json(plan: Plan) -> str:
    p = plan.project
    doc = {
        "status": plan.status,
        "specs": [
            {
                "output": p.rel(s.output),
                "source": s.source_name,
                "sha256": s.sha256,
                "previous_sha256": s.previous_sha256,
                "changed": s.changed,
                "content_changed": s.content_changed,
                "overlays": [r.to_json() for r in s.overlays],
            }
            for s in plan.specs
        ],
        "diff": None if plan.diff is None else [c.to_json() for c in plan.diff.changes],
        "client_impact": [c.to_json() for c in plan.api_changes],
        "version": {"current": plan.version, "new": plan.new_version, "impact": plan.impact},
        "files": [p.rel(path) for path in plan.staged] if plan.status in ("planned", "updated") else [],
        "changelog": plan.note.markdown() if plan.note else None,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}


def find_project(root: Path | None) -> Project:
    """The project an update works on: root, or the checkout this tooling runs from; UpdateError when
    root is not an ftjobs project, or when none is named and the tooling runs from an installed package."""
    if root is None:
        root = trim.checkout_path(".", "name the project with --project DIR (a checkout of ftjobs)")
    project = Project(root.resolve())
    if not project.root.is_dir():
        raise UpdateError(f"{root}: no such project folder")
    for needed in (project.version_file, project.root / "openapi"):
        if not needed.exists():
            raise UpdateError(f"{root}: not an ftjobs project ({project.rel(needed)} is missing)")
    return project


def _default_upstream(project: Project, vendor: str, option: str) -> Path:
    path = project.root / "openapi" / "upstream" / vendor / "openapi.yaml"
    if not path.is_file():
        raise UpdateError(
            f"{project.rel(path)}: no such file in {project.root}; name the new spec ({option})"
        )
    return path


def run(args: argparse.Namespace) -> int:
    """The `update` subcommand: print the report, return the exit status; SpecError propagates (2)."""
    project = find_project(args.project)
    upstream = args.upstream or _default_upstream(project, "openai", "ftjobs-spec update UPSTREAM")
    portkey = args.portkey
    if portkey is None and project.portkey_spec.is_file():
        portkey = _default_upstream(project, "portkey", "--portkey UPSTREAM")
    plan = update(project, upstream, portkey, dry_run=args.dry_run, check_only=args.check)
    sys.stdout.write(RENDERERS[args.format](plan))
    for spec in plan.specs:
        for name, action in spec.conflicts:
            print(
                f"error: {project.rel(spec.output)}: overlay {name} action {action.index} "
                f"({action.target}) conflicting: {action.evidence}",
                file=sys.stderr,
            )
    return exit_code(plan)
