"""Replay `ftjobs-spec update` over the OpenAI upstream history, in a temporary copy of the project.

Usage::

    python -m scripts.update_history [--output docs/update-history.md]   # `make update-history`

The copy holds what an update reads and writes (openapi/, generated/, the version file, the server's
spec JSON, CHANGELOG.md); the facade is not needed. It starts from the first version of
openapi/upstream/openai/fine_tuning_history/ (index.json order) at version 0.1.0 and runs `update`
with each next version. The overlays are today's (openapi/overlays/fine_tuning/), brought in the way a
maintainer would have written them: an overlay enters the copy before the first version in which
every one of its targets exists (it was written against today's spec, whose paths and schemas appear
over time), and leaves it when `update` reports it obsolete (as `update` advises) or conflicting
(the step fails with exit 2 and the tree stays as it was; the maintainer deletes the overlay).

Speed: every step's spec is predicted (its version with the overlays in force) and built ahead of time
in a process pool: generated, imported (in the worker, as `update` does in a fresh interpreter) and
read for its Python API, once per distinct spec. Each step's `update` gets these results through a
`Toolchain` (scripts/update.py) and does the rest itself; a spec that was not predicted is built on
the spot, and an overlay that leaves makes the replay predict the remaining versions again.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import importlib
import json
import multiprocessing
import pkgutil
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import regen, release, trim
from .overlays import apply_checked, load_overlay
from .specdiff.client_impact import Surface
from .specdiff.sources import load_path
from .trim import SpecError
from .update import Plan, Project, Toolchain, UpdateError, check_imports, render_spec, update

HISTORY = trim.UPSTREAM / "openai" / "fine_tuning_history"
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
    content_changed: bool = False  # the trimmed spec's document changed (not only its header)
    #: The key (CachedGenerator.key) of the spec the step committed; "" when it generated nothing.
    generated: str = ""
    tree_unchanged_on_failure: bool = True


@dataclass
class Replay:
    """A finished replay: its steps, the copy as the last step left it, and every client it built."""

    steps: list[Step]
    project: Project
    builds: dict[str, Built]
    never_entered: list[str]  # overlays whose targets are in no version


def history() -> list[tuple[Path, str]]:
    """(file, upstream commit) of each OpenAI version, in index.json order."""
    try:
        index = json.loads((HISTORY / "index.json").read_text(encoding="utf-8"))
        return [(HISTORY / str(entry["file"]), str(entry["commit"])) for entry in index]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SpecError(f"{HISTORY / 'index.json'}: cannot read the history index: {exc!r}") from exc


@cache
def _overlay(path: Path) -> dict[str, Any]:
    return load_overlay(path)


def _overlay_fits(doc: dict[str, Any], overlay: Path) -> bool:
    """Whether every target of overlay exists in doc (a trimmed version, no other overlay applied)."""
    report = apply_checked(copy.deepcopy(doc), _overlay(overlay), overlay.name)
    return report.status != "conflicting"


def _fingerprint(root: Path) -> str:
    """A digest of every file under root (names and bytes), to prove a failed step wrote nothing."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# -- building each distinct spec once ------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """A client generated from one spec and what `update` checks of it."""

    package: Path | None  # None: the generator failed (error says why)
    error: str = ""
    import_error: str = ""  # as `update.check_imports` reports it: the last line of the traceback
    surface: Surface | None = None


def trim_header(text: str) -> str:
    """The spec text without its header comments (the generated code does not depend on them)."""
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("#"))


def spec_key(spec_text: str) -> str:
    return hashlib.sha256(trim_header(spec_text).encode()).hexdigest()[:16]


def _import_error(package: Path) -> str:
    """Import every module of package in this process ('' if all import, else the error's last line).

    What `update.check_imports` runs in a fresh interpreter; used in the pool's workers, which hold
    no other copy of the package: the modules of its name are set aside and put back after.
    """
    name = package.name
    held = {m: sys.modules.pop(m) for m in list(sys.modules) if m == name or m.startswith(f"{name}.")}
    sys.path.insert(0, str(package.parent))
    importlib.invalidate_caches()
    bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        root = importlib.import_module(name)
        if not str(root.__file__).startswith(str(package)):
            return f"ImportError: {name} was imported from {root.__file__}, not from {package}"
        for info in pkgutil.walk_packages(root.__path__, f"{name}."):
            importlib.import_module(info.name)
    except Exception as exc:  # whatever the generated code raises is the finding
        return f"{type(exc).__name__}: {exc}"
    finally:
        sys.dont_write_bytecode = bytecode
        sys.path.remove(str(package.parent))
        for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[module]
        sys.modules.update(held)
    return ""


def build_spec(spec_text: str, folder: Path, in_worker: bool) -> Built:
    """Generate spec_text into folder, import the result and read its Python API."""
    from .specdiff.client_impact import surface

    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / "fine_tuning.yaml"
    spec.write_text(spec_text, encoding="utf-8")
    try:
        package = regen.generate(spec, folder, in_process=True)
    except regen.GenerationError as exc:
        return Built(None, error=str(exc))
    if in_worker:
        imported = _import_error(package)
    else:
        try:
            check_imports(package)
            imported = ""
        except UpdateError as exc:
            imported = str(exc).removeprefix("the generated client does not import: ")
    return Built(package, import_error=imported, surface=surface(package))


def _predict_job(version: str, overlays: list[str], folder: str) -> tuple[str, Built] | None:
    """Worker: render a version with overlays as `update` would, then build it (None: unusable)."""
    try:
        text = render_spec(Path(version), Path(folder) / "absent.yaml", [Path(o) for o in overlays]).text
    except SpecError:  # the step itself reports it (exit 2)
        return None
    key = spec_key(text)
    return key, build_spec(text, Path(folder) / key, in_worker=True)


class CachedGenerator(Toolchain):
    """The toolchain `update` runs with in the replay: each distinct spec is built once, mostly ahead
    of time in a process pool (see the module's docstring). Every step gets its own copy of the
    package, byte for byte what `regen.generate` writes."""

    def __init__(self, cache_dir: Path, pool: ProcessPoolExecutor | None) -> None:
        self.cache_dir = cache_dir
        self.pool = pool
        self.builds: dict[str, Built] = {}
        self.pending: deque[Future[tuple[str, Built] | None]] = deque()
        self.origin: dict[Path, str] = {}  # package folder handed to a step -> its spec key
        self._jobs = 0

    @staticmethod
    def key(spec_text: str) -> str:
        return spec_key(spec_text)

    def predict(self, version: Path, overlays: Sequence[Path]) -> None:
        """Build version with overlays in the pool (nothing without a pool)."""
        if self.pool is not None:
            folder = self.cache_dir / f"predicted-{self._jobs}"
            self._jobs += 1
            self.pending.append(
                self.pool.submit(_predict_job, str(version), [str(o) for o in overlays], str(folder))
            )

    def forget_predictions(self) -> None:
        """Drop the predictions not yet started (an overlay left: they would not match)."""
        self.pending = deque(job for job in self.pending if not job.cancel())  # running ones stay

    def build(self, spec_text: str) -> tuple[str, Built]:
        key = self.key(spec_text)
        while key not in self.builds and self.pending:
            job = self.pending.popleft()
            done = None if job.cancelled() else job.result()
            if done is not None:
                self.builds.setdefault(*done)
        if key not in self.builds:
            self.builds[key] = build_spec(spec_text, self.cache_dir / f"local-{key}", in_worker=False)
        return key, self.builds[key]

    def generate(self, spec: Path, out_dir: Path) -> Path:
        key, built = self.build(spec.read_text(encoding="utf-8"))
        if built.package is None:
            raise regen.GenerationError(built.error)
        target = out_dir / regen.PACKAGE
        shutil.copytree(built.package, target)
        self.origin[target] = key
        return target

    def _built(self, package: Path) -> Built | None:
        key = self.origin.get(package)
        return None if key is None else self.builds[key]

    def check_imports(self, package: Path) -> None:
        built = self._built(package)
        if built is None:
            super().check_imports(package)
        elif built.import_error:
            raise UpdateError(f"the generated client does not import: {built.import_error}")

    def surface(self, package: Path) -> Surface:
        built = self._built(package)
        if built is None or built.surface is None:
            return super().surface(package)
        return copy.deepcopy(built.surface)


# -- the replay ------------------------------------------------------------------------------------


def bootstrap(project: Project, first: Path, overlays: Sequence[Path], tools: Toolchain) -> None:
    """The copy as it would be with the first version regenerated (with these overlay files): the
    spec, generated/, the server's spec JSON, version 0.1.0 and an empty changelog."""
    folder = project.root / "openapi" / "overlays" / "fine_tuning"
    folder.mkdir(parents=True)
    for path in overlays:
        shutil.copy(path, folder / path.name)
    spec = render_spec(first, project.spec, project.overlay_files(project.spec))
    if spec.conflicts:
        raise SpecError(f"{first.name}: the overlays chosen for the first version conflict")
    project.spec.write_text(spec.text, encoding="utf-8")
    project.generated.parent.mkdir(parents=True)
    with tempfile.TemporaryDirectory(dir=project.root) as tmp:
        package = tools.generate(project.spec, Path(tmp))
        shutil.copytree(package, project.generated)
    project.spec_json.parent.mkdir(parents=True)
    project.spec_json.write_text(regen.spec_json(project.spec), encoding="utf-8")
    project.version_file.parent.mkdir(parents=True, exist_ok=True)
    project.version_file.write_text(f'__version__ = "{FIRST_VERSION}"\n', encoding="utf-8")
    project.changelog.write_text(release.CHANGELOG_HEADER, encoding="utf-8")


def _entered_by(enters: int | None, step: int) -> bool:
    return enters is not None and enters <= step


def _worker_init() -> None:
    """Pool workers keep the generator's compiled templates from one client to the next.

    openapi-python-client makes a new jinja2 Environment per run, which compiles its ~20 templates
    again: about half of a run. An in-memory bytecode cache (jinja2's own mechanism; entries keyed by
    template name and checked against the source's checksum) skips that; the output is the same
    (the replay test compares the last client with a plain `regen.generate`).
    """
    import jinja2
    import openapi_python_client

    class MemoryBytecodeCache(jinja2.BytecodeCache):
        def __init__(self) -> None:
            self.store: dict[str, bytes] = {}

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            if bucket.key in self.store:
                bucket.bytecode_from_string(self.store[bucket.key])

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            self.store[bucket.key] = bucket.bytecode_to_string()

    cache = MemoryBytecodeCache()
    init = openapi_python_client.Project.__init__

    def project_init(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        if isinstance(getattr(self, "env", None), jinja2.Environment):
            self.env.bytecode_cache = cache

    openapi_python_client.Project.__init__ = project_init  # type: ignore[method-assign]


@contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    if workers < 1:
        yield None
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init) as pool:
        yield pool


def replay(
    workdir: Path,
    versions: Sequence[tuple[Path, str]] | None = None,
    overlays: Path = OVERLAYS,
    workers: int = 2,
) -> Replay:
    """Run the replay in workdir (an empty temporary folder): one Step per `update`.

    versions: (file, commit) in order (default: the whole OpenAI history); overlays: the folder of
    overlays brought in as they fit.
    """
    versions = list(history() if versions is None else versions)
    if len(versions) < 2:
        raise SpecError("the replay needs at least two versions")
    overlay_files = sorted(overlays.glob("*.yaml"))
    # When each overlay enters: before the first version that has all its targets (absent: never).
    enters: dict[str, int] = {}
    project = Project(workdir / "project")
    project.root.mkdir(parents=True)
    folder = project.root / "openapi" / "overlays" / "fine_tuning"
    left: set[str] = set()  # overlays deleted after `update` reported them obsolete or conflicting

    def in_force(step: int) -> list[Path]:
        return [p for p in overlay_files if p.name not in left and _entered_by(enters.get(p.name), step)]

    with _pool(workers) as pool:
        tools = CachedGenerator(workdir / "cache", pool)
        for i, (version, _) in enumerate(versions):
            doc = trim.trim(load_path(version), trim.DEFAULT_PATH_PREFIXES)
            for path in overlay_files:
                if path.name not in enters and _overlay_fits(doc, path):
                    enters[path.name] = i
            tools.predict(version, in_force(i))  # the pool starts on it while the next is read
        bootstrap(project, versions[0][0], in_force(0), tools)
        folder.mkdir(parents=True, exist_ok=True)
        steps: list[Step] = []
        for i, (version, commit) in enumerate(versions[1:], 1):
            entered = [p.name for p in overlay_files if enters.get(p.name) == i]
            for name in entered:
                shutil.copy(overlays / name, folder / name)
            step = _step(project, version, commit, entered, tools)
            steps.append(step)
            for name in step.obsolete + step.conflicting:
                (folder / name).unlink()
                left.add(name)
            if step.obsolete or step.conflicting:
                tools.forget_predictions()
                for j in range(i + 1, len(versions)):
                    tools.predict(versions[j][0], in_force(j))
        builds = dict(tools.builds)
    never = [p.name for p in overlay_files if p.name not in enters]
    return Replay(steps, project, builds, never)


def _step(project: Project, version: Path, commit: str, entered: list[str], tools: CachedGenerator) -> Step:
    before = _fingerprint(project.root)
    current = project.version_file.read_text(encoding="utf-8").split('"')[1]
    step = Step(version.name, commit, 0, current, current, "none", entered=entered)
    try:
        plan: Plan | None = update(project, version, None, tools=tools)
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
            step.content_changed = plan.openai.content_changed
            step.impact = plan.impact
            step.headline = plan.note.headline() if plan.note else "no release"
            if plan.diff is not None:
                step.breaking_http = plan.diff.count("breaking")
            step.breaking_api = sum(1 for c in plan.api_changes if release.api_group(c) == "Breaking")
            step.added = sum(1 for e in (plan.note.entries if plan.note else []) if e.group == "Added")
            if project.generated in plan.staged:
                step.generated = spec_key(plan.openai.text)
    if step.exit_code:
        step.tree_unchanged_on_failure = _fingerprint(project.root) == before
    return step


# -- the report ------------------------------------------------------------------------------------


def _cell(text: str, limit: int = 220) -> str:
    text = text.replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _names(names: list[str]) -> str:
    return ", ".join(name.split("-", 1)[0] for name in names) or "-"


def render(result: Replay) -> str:
    """docs/update-history.md: the summary and one row per step."""
    steps = result.steps
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
        "`openapi/upstream/openai/fine_tuning_history/` at version 0.1.0 and runs `ftjobs-spec update`",
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
    if result.never_entered:
        lines.append(
            "- overlays never brought in (a target is in no version: the history holds the "
            "`/fine_tuning/jobs*` paths only): " + ", ".join(f"`{n}`" for n in result.never_entered)
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


def build(workers: int = 2) -> tuple[Replay, str]:
    """Replay the whole history in a temporary folder (removed after); the result and its report."""
    with tempfile.TemporaryDirectory(prefix="ftjobs-update-history-") as tmp:
        result = replay(Path(tmp), workers=workers)
    return result, render(result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.update_history", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--output", type=Path, help="output file (default: stdout)")
    parser.add_argument("--workers", type=int, default=2, help="processes building clients ahead (0: none)")
    args = parser.parse_args(argv)
    try:
        _, text = build(args.workers)
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
