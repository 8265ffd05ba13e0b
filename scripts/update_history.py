"""Replay `ftjobs-spec update` over the OpenAI upstream history, in a temporary copy of the project.

Usage::

    python -m scripts.update_history [--output docs/update-history.md]   # `make update-history`

The copy holds what an update reads and writes (openapi/, generated/, the version file, the server's
spec JSON, CHANGELOG.md); the facade is not needed. It starts from the first version of
../shared/upstream/openai/fine_tuning_history/ (index.json order) at version 0.1.0 and runs `update`
with each next version. The overlays are today's (openapi/overlays/fine_tuning/), brought in the way a
maintainer would have written them: an overlay enters the copy before the first version in which
every one of its targets exists (it was written against today's spec, whose paths and schemas appear
over time), and leaves it when `update` reports it obsolete (as `update` advises) or conflicting
(the step fails with exit 2 and the tree stays as it was; the maintainer deletes the overlay).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import multiprocessing
import shutil
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import regen, release, trim
from .overlays import apply_checked, load_overlay
from .specdiff.sources import load_path
from .trim import SpecError
from .update import Plan, Project, render_spec, update

HISTORY = trim.SHARED_UPSTREAM / "openai" / "fine_tuning_history"
OVERLAYS = trim.OPENAPI_DIR / "overlays" / "fine_tuning"
REPORT = trim.ROOT / "docs" / "update-history.md"
FIRST_VERSION = "0.1.0"


@dataclass
class Step:
    """One `update` of the replay: the version it read and what it did."""

    file: str
    commit: str
    exit_code: int
    version_before: str
    version_after: str
    impact: release.Impact
    applied: list[str] = field(default_factory=list)
    obsolete: list[str] = field(default_factory=list)
    conflicting: list[str] = field(default_factory=list)
    entered: list[str] = field(default_factory=list)
    headline: str = ""
    error: str = ""
    breaking_http: int = 0
    breaking_api: int = 0
    added: int = 0
    tree_unchanged_on_failure: bool = True


def history() -> list[tuple[Path, str]]:
    """(file, upstream commit) of each OpenAI version, in index.json order."""
    try:
        index = json.loads((HISTORY / "index.json").read_text(encoding="utf-8"))
        return [(HISTORY / str(entry["file"]), str(entry["commit"])) for entry in index]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SpecError(f"{HISTORY / 'index.json'}: cannot read the history index: {exc!r}") from exc


def _overlay_fits(doc: dict[str, Any], overlay: Path) -> bool:
    """Whether every target of overlay exists in doc (a trimmed version, no other overlay applied)."""
    report = apply_checked(copy.deepcopy(doc), load_overlay(overlay), overlay.name)
    return report.status != "conflicting"


def _fingerprint(root: Path) -> str:
    """A digest of every file under root (names and bytes), to prove a failed step wrote nothing."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _entered_by(enters: int | None, step: int) -> bool:
    return enters is not None and enters <= step


def _generate_job(spec_text: str, folder: str) -> str:
    """Worker: generate one spec text into folder (a process-pool job); return the package folder."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    spec = out / "fine_tuning.yaml"
    spec.write_text(spec_text, encoding="utf-8")
    return str(regen.generate(spec, out, in_process=True))


class CachedGenerator:
    """A generator for `update` that generates each distinct spec once, ahead of time when it can.

    The replay predicts each step's spec (its version with the overlays in force) and generates the
    predictions in a process pool while the steps run; a step's baseline is the previous step's
    output. A spec that was not predicted is generated on the spot. Output is copied, so every
    step gets its own package, byte for byte what `regen.generate` writes.
    """

    def __init__(self, cache_dir: Path, pool: ProcessPoolExecutor | None) -> None:
        self.cache_dir = cache_dir
        self.pool = pool
        self.jobs: dict[str, Future[str] | str] = {}

    @staticmethod
    def key(spec_text: str) -> str:
        return hashlib.sha256(trim_header(spec_text).encode()).hexdigest()[:16]

    def prefetch(self, spec_text: str) -> None:
        key = self.key(spec_text)
        if key not in self.jobs and self.pool is not None:
            self.jobs[key] = self.pool.submit(_generate_job, spec_text, str(self.cache_dir / key))

    def __call__(self, spec: Path, out_dir: Path) -> Path:
        text = spec.read_text(encoding="utf-8")
        key = self.key(text)
        job = self.jobs.get(key)
        if job is None:
            job = self.jobs[key] = _generate_job(text, str(self.cache_dir / key))
        built = Path(job if isinstance(job, str) else job.result())
        target = out_dir / regen.PACKAGE
        shutil.copytree(built, target)
        return target


def trim_header(text: str) -> str:
    """The spec text without its header comments (the generated code does not depend on them)."""
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("#"))


def bootstrap(project: Project, first: Path, overlay_names: list[str], generator: CachedGenerator) -> None:
    """The copy as it would be with the first version regenerated: spec, generated/, version 0.1.0."""
    folder = project.root / "openapi" / "overlays" / "fine_tuning"
    folder.mkdir(parents=True)
    for name in overlay_names:
        shutil.copy(OVERLAYS / name, folder / name)
    spec = render_spec(first, project.spec, project.overlay_files(project.spec))
    if spec.conflicts:
        raise SpecError(f"{first.name}: the overlays chosen for the first version conflict")
    project.spec.write_text(spec.text, encoding="utf-8")
    project.generated.parent.mkdir(parents=True)
    with tempfile.TemporaryDirectory(dir=project.root) as tmp:
        package = generator(project.spec, Path(tmp))
        shutil.copytree(package, project.generated)
    project.spec_json.parent.mkdir(parents=True)
    project.spec_json.write_text(regen.spec_json(project.spec), encoding="utf-8")
    project.version_file.write_text(f'__version__ = "{FIRST_VERSION}"\n', encoding="utf-8")
    project.changelog.write_text(release.CHANGELOG_HEADER, encoding="utf-8")


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    if workers < 1:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def replay(workdir: Path, workers: int = 2) -> list[Step]:
    """Run the replay in workdir (a temporary folder); one Step per `update`."""
    versions = history()
    overlay_names = sorted(p.name for p in OVERLAYS.glob("*.yaml"))
    # When each overlay enters: before the first version that has all its targets (None: never).
    docs = [trim.trim(load_path(version), trim.DEFAULT_PATH_PREFIXES) for version, _ in versions]
    enters: dict[str, int | None] = {}
    for name in overlay_names:
        enters[name] = next((i for i, doc in enumerate(docs) if _overlay_fits(doc, OVERLAYS / name)), None)
    project = Project(workdir / "project")
    project.root.mkdir(parents=True)
    with _pool(workers) as pool:
        generator = CachedGenerator(workdir / "cache", pool)
        # Predictions: each version with the overlays in force if none leaves (a miss costs time only).
        for i, (version, _) in enumerate(versions):
            names = [n for n in overlay_names if _entered_by(enters[n], i)]
            text = render_spec(version, project.spec, [OVERLAYS / n for n in names]).text
            generator.prefetch(text)
        bootstrap(project, versions[0][0], [n for n in overlay_names if enters[n] == 0], generator)
        folder = project.root / "openapi" / "overlays" / "fine_tuning"
        steps = []
        for i, (version, commit) in enumerate(versions[1:], 1):
            entered = [n for n in overlay_names if enters[n] == i]
            for name in entered:
                shutil.copy(OVERLAYS / name, folder / name)
            steps.append(_step(project, version, commit, entered, generator))
            for name in steps[-1].obsolete + steps[-1].conflicting:
                (folder / name).unlink()
    return steps


def _step(
    project: Project, version: Path, commit: str, entered: list[str], generator: CachedGenerator
) -> Step:
    before = _fingerprint(project.root)
    current = project.version_file.read_text(encoding="utf-8").split('"')[1]
    step = Step(version.name, commit, 0, current, current, "none", entered=entered)
    try:
        plan: Plan | None = update(project, version, None, generator=generator)
    except SpecError as exc:  # UpdateError and unusable input: exit 2
        plan = None
        step.exit_code, step.error = 2, " ".join(str(exc).split())
    if plan is not None:
        reports = plan.openai.overlays
        step.applied = [r.name for r in reports if r.status == "applied"]
        step.obsolete = [r.name for r in reports if r.status == "obsolete"]
        step.conflicting = [r.name for r in reports if r.status == "conflicting"]
        if plan.status == "conflicting":
            step.exit_code = 2
            step.error = "; ".join(
                f"{name} action {a.index}: {a.evidence}" for name, a in plan.openai.conflicts
            )
        else:
            step.version_after = plan.new_version or current
            step.impact = plan.impact
            step.headline = plan.note.headline() if plan.note else "no release"
            if plan.diff is not None:
                step.breaking_http = plan.diff.count("breaking")
            step.breaking_api = sum(1 for c in plan.api_changes if release.api_group(c) == "Breaking")
            step.added = sum(1 for e in (plan.note.entries if plan.note else []) if e.group == "Added")
    if step.exit_code:
        step.tree_unchanged_on_failure = _fingerprint(project.root) == before
    return step


def _cell(text: str, limit: int = 220) -> str:
    text = text.replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _names(names: list[str]) -> str:
    return ", ".join(name.split("-", 1)[0] for name in names) or "-"


def render(steps: list[Step]) -> str:
    """docs/update-history.md: the summary and one row per step."""
    ok = [s for s in steps if s.exit_code == 0]
    bumps = {
        impact: sum(1 for s in ok if s.impact == impact)
        for impact in ("breaking", "added", "changed", "none")
    }
    lines = [
        "# `ftjobs-spec update` over the upstream history",
        "",
        "Generated by `python -m scripts.update_history --output docs/update-history.md`",
        "(`make update-history`); do not edit. A test replays the history and fails when this file is stale.",
        "",
        "The replay runs in a temporary copy of the project (the spec files, `generated/`, the version",
        "file, `CHANGELOG.md`; the facade is not needed). It starts from the first OpenAI version of",
        "`../shared/upstream/openai/fine_tuning_history/` at version 0.1.0 and runs `ftjobs-spec update`",
        "with each next version. The overlays are today's `openapi/overlays/fine_tuning/*.yaml`, each",
        "brought in before the first version that has all of its targets (they were written against",
        "today's spec) and deleted when `update` reports it obsolete or conflicting. The version policy",
        "is in [scripts/release.py](../scripts/release.py) and the README; rule ids in",
        "[spec-diff.md](spec-diff.md#rules). Overlays are named by number; `+` marks the ones brought in",
        "before that step.",
        "",
        "## Summary",
        "",
        f"- steps: {len(steps)}; updated: {len(ok)}; failed with exit 2: {len(steps) - len(ok)}",
        "- bumps: " + ", ".join(f"{kind} {n}" for kind, n in bumps.items()),
        f"- version: {FIRST_VERSION} → {ok[-1].version_after if ok else FIRST_VERSION}",
    ]
    for status in ("obsolete", "conflicting"):
        events = [(s.file, name) for s in steps for name in getattr(s, status)]
        shown = "; ".join(f"`{name}` at `{file}`" for file, name in events) or "none"
        lines.append(f"- overlays {status}: {shown}")
    never = sorted(
        {p.name for p in OVERLAYS.glob("*.yaml")}
        - {n for s in steps for n in s.entered}
        - _first_overlays(steps)
    )
    if never:
        lines.append(
            "- overlays never brought in (a target exists in no version of the history): "
            + ", ".join(f"`{n}`" for n in never)
        )
    lines += [
        "",
        "## Steps",
        "",
        "| # | version | exit | bump | overlays applied | obsolete | conflicting | headline / error |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for i, s in enumerate(steps, 1):
        bump = f"{s.version_before} → {s.version_after} ({s.impact})" if s.exit_code == 0 else "-"
        applied = ", ".join(("+" if n in s.entered else "") + n.split("-", 1)[0] for n in s.applied) or "-"
        lines.append(
            f"| {i} | `{s.file}` | {s.exit_code} | {bump} | {applied} | {_names(s.obsolete)} "
            f"| {_names(s.conflicting)} | {_cell(s.error or s.headline)} |"
        )
    return "\n".join(lines) + "\n"


def _first_overlays(steps: list[Step]) -> set[str]:
    """Overlays in force from the bootstrap (applied or reported at the first step, not entered there)."""
    if not steps:
        return set()
    first = steps[0]
    return {n for n in first.applied + first.obsolete + first.conflicting if n not in first.entered}


def build(workers: int = 2) -> tuple[list[Step], str]:
    with tempfile.TemporaryDirectory(prefix="ftjobs-update-history-") as tmp:
        steps = replay(Path(tmp), workers)
    return steps, render(steps)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.update_history", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--output", type=Path, help="output file (default: stdout)")
    args = parser.parse_args(argv)
    try:
        _, text = build()
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
