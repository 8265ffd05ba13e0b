"""Mutation testing of the modules that carry ftjobs' promises (``make mutate``), with cosmic-ray.

Usage::

    python -m scripts.mutate [--module NAME ...] [--sample N] [--rev REV]   # run, then write the report
    python -m scripts.mutate --report-only                                 # the report from saved results
    python -m scripts.mutate --save-baseline                               # results so far = "first run"
    python -m scripts.mutate --hand                                        # the hand-written mutants only

Why cosmic-ray (pinned in the ``mutate`` extra): it mutates one module at a time and runs any command
as the test, so each module is tested against the files of its own area (scripts/mutation.toml) with
a per-module timeout, and it works with this layout as it is (facade/, generated/, scripts/). mutmut 3
needs the code under ./, src/ or source/ and runs every mutant in a fork of one pytest process, which
the loopback-server tests (threads, sockets) do not survive.

Nothing is mutated in the checkout: the project is copied to a temporary folder (the work tree's
tracked and untracked files, or a git revision with ``--rev``), put first on ``PYTHONPATH`` (before
the editable install) and mutated there, without bytecode caches (a mutant of the same size, written
in the same second, would otherwise run the stale cache). Each module's results are saved as JSON in
mutation-results/ (one file per module); docs/mutation.md is written from all of them, with the known
equivalent mutants and the reasons for the known survivors from scripts/mutation-notes.toml.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "scripts" / "mutation.toml"
NOTES = ROOT / "scripts" / "mutation-notes.toml"
RESULTS = ROOT / "mutation-results"
FIRST_RUN = RESULTS / "first-run"
HAND = RESULTS / "hand-written.json"
REPORT = ROOT / "docs" / "mutation.md"


@dataclass(frozen=True)
class Module:
    """One module (or package folder) to mutate and the tests of its area."""

    path: str
    tests: tuple[str, ...]
    timeout: float
    sample: int
    args: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".")


@dataclass(frozen=True)
class Hand:
    """A hand-written mutant: one text replacement in one file, and the tests that must kill it."""

    name: str
    file: str
    old: str
    new: str
    tests: tuple[str, ...]


@dataclass(frozen=True)
class Config:
    modules: tuple[Module, ...]
    pytest: tuple[str, ...]
    operators: tuple[str, ...]
    hand: tuple[Hand, ...] = ()


def load_config(path: Path = CONFIG) -> Config:
    """scripts/mutation.toml as a Config (each module's missing keys from [defaults])."""
    data = tomllib.loads(path.read_text())
    defaults = data["defaults"]
    modules = tuple(
        Module(
            path=m["path"],
            tests=tuple(m["tests"]),
            timeout=float(m.get("timeout", defaults["timeout"])),
            sample=int(m.get("sample", defaults["sample"])),
            args=tuple(m.get("args", ())),
        )
        for m in data["module"]
    )
    hand = tuple(
        Hand(h["name"], h["file"], h["old"], h["new"], tuple(h["tests"])) for h in data.get("hand", ())
    )
    return Config(modules, tuple(defaults["pytest"]), tuple(defaults["operators"]), hand)


def _git(*args: str) -> bytes:
    git = shutil.which("git")
    if git is None:
        raise SystemExit("mutate: git is needed (the project is copied from its git work tree)")
    return subprocess.run([git, *args], cwd=ROOT, check=True, capture_output=True).stdout


def _copy_tree(rev: str | None, into: Path) -> None:
    """The project as the tests see it: a git revision, or the work tree (tracked + untracked files)."""
    if rev is not None:
        with tarfile.open(fileobj=io.BytesIO(_git("archive", rev))) as archive:
            archive.extractall(into, filter="tar")
        return
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard").decode()
    for name in filter(None, listed.split("\0")):
        source, target = ROOT / name, into / name
        if not source.exists() and not source.is_symlink():  # deleted but not yet staged
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)


@contextmanager
def project_copy(rev: str | None) -> Iterator[Path]:
    """A temporary copy of the project, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="ftjobs-mutate-") as folder:
        path = Path(folder)
        _copy_tree(rev, path)
        yield path


def _environment(copy: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(str(copy / p) for p in ("facade", "generated", "."))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("FTJOBS_RELIABILITY_REPORT", None)
    return env


def _cosmic_ray(*args: str, cwd: Path, env: Mapping[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "cosmic_ray.cli", *args], cwd=cwd, env=env, check=True)


def _test_command(module: Module, config: Config) -> str:
    words = [sys.executable, "-m", "pytest", *config.pytest, *module.args, *module.tests]
    return " ".join(_quote(w) for w in words)


def _quote(word: str) -> str:
    return word if re.fullmatch(r"[\w./:=-]+", word) else "'" + word.replace("'", "'\\''") + "'"


def _session_config(module: Module, config: Config) -> str:
    return "\n".join(
        [
            "[cosmic-ray]",
            f"module-path = {json.dumps(module.path)}",
            f"timeout = {module.timeout}",
            "excluded-modules = []",
            f"test-command = {json.dumps(_test_command(module, config))}",
            "[cosmic-ray.distributor]",
            'name = "local"',
            "",
        ]
    )


def _select(db_path: Path, module: Module, operators: Sequence[str], sample: int) -> tuple[int, int]:
    """Skip the mutants of other operators, then all but a fixed-seed sample; (generated, selected)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    kept = re.compile("|".join(f"(?:{o})" for o in operators))
    with use_db(str(db_path), WorkDB.Mode.open) as db:
        items = sorted(
            db.pending_work_items,
            # not the job id: a fresh uuid per session, which would reorder mutants at one position
            key=lambda w: (
                str(w.mutations[0].module_path),
                w.mutations[0].start_pos,
                w.mutations[0].operator_name,
                w.mutations[0].occurrence,
            ),
        )
        chosen = [w for w in items if kept.fullmatch(w.mutations[0].operator_name)]
        if sample and len(chosen) > sample:
            chosen = random.Random(module.path).sample(chosen, sample)  # noqa: S311 (a sample, not a secret)
        keep = {w.job_id for w in chosen}
        skipped = [w.job_id for w in items if w.job_id not in keep]
        if skipped:
            db.set_multiple_results(
                skipped, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output="not selected")
            )
        return len(items), len(keep)


def _outcomes(db_path: Path) -> list[dict[str, Any]]:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome

    rows: list[dict[str, Any]] = []
    with use_db(str(db_path), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            mutation = item.mutations[0]
            if result.worker_outcome != WorkerOutcome.NORMAL:
                outcome = "error"
            else:
                outcome = str(result.test_outcome.value)
            timed_out = (result.output or "").strip() == "timeout"
            rows.append(
                {
                    "file": str(mutation.module_path),
                    "line": mutation.start_pos[0],
                    "operator": mutation.operator_name.removeprefix("core/"),
                    "occurrence": mutation.occurrence,
                    "outcome": "timeout" if timed_out else outcome,
                    "diff": _short_diff(result.diff or ""),
                }
            )
    return sorted(rows, key=lambda r: (r["file"], r["line"], r["operator"], r["occurrence"]))


def _short_diff(diff: str) -> str:
    """The mutated line: `old -> new` (stripped), from a unified diff."""
    removed = [
        line[1:].strip() for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")
    ]
    added = [
        line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")
    ]
    return f"{' / '.join(removed)} -> {' / '.join(added) or '(removed)'}"


def _baseline(module: Module, config: Config, copy: Path, env: Mapping[str, str]) -> None:
    """The module's tests must pass unmutated: otherwise every mutant would count as killed."""
    command = [sys.executable, "-m", "pytest", *config.pytest, *module.args, *module.tests]
    ran = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, check=False)
    if ran.returncode:
        tail = "\n".join(ran.stdout.splitlines()[-15:])
        raise SystemExit(f"mutate: {module.path}: its tests fail without any mutant:\n{tail}")


def run_module(module: Module, config: Config, copy: Path, sample: int | None) -> dict[str, Any]:
    """Mutate one module in the copy against its tests; its results as a JSON-able dict."""
    env = _environment(copy)
    with tempfile.TemporaryDirectory(prefix="ftjobs-mutate-session-") as folder:
        session = Path(folder)
        (session / "config.toml").write_text(_session_config(module, config))
        db = session / "session.sqlite"
        _cosmic_ray("init", str(session / "config.toml"), str(db), cwd=copy, env=env)
        generated, selected = _select(
            db, module, config.operators, module.sample if sample is None else sample
        )
        _baseline(module, config, copy, env)
        started = time.monotonic()
        print(
            f"mutate: {module.path}: {selected} of {generated} mutants, tests: {' '.join(module.tests)}",
            flush=True,
        )
        _cosmic_ray("exec", str(session / "config.toml"), str(db), cwd=copy, env=env)
        seconds = time.monotonic() - started
        rows = _outcomes(db)
    return {
        "module": module.path,
        "tests": list(module.tests),
        "generated": generated,
        "selected": selected,
        "seconds": round(seconds),
        "mutants": rows,
    }


def run_hand(config: Config, copy: Path) -> list[dict[str, str]]:
    """Each hand-written mutant applied in the copy and run against its tests: killed or survived."""
    env = _environment(copy)
    rows = []
    for hand in config.hand:
        target = copy / hand.file
        original = target.read_text()
        if original.count(hand.old) != 1:
            rows.append({"name": hand.name, "outcome": "not applicable (the code changed)"})
            continue
        target.write_text(original.replace(hand.old, hand.new))
        try:
            command = [sys.executable, "-m", "pytest", *config.pytest, *hand.tests]
            ran = subprocess.run(command, cwd=copy, env=env, capture_output=True, check=False, timeout=600)
        finally:
            target.write_text(original)
        rows.append({"name": hand.name, "outcome": "killed" if ran.returncode else "survived"})
        print(f"mutate: hand-written: {rows[-1]['outcome']}: {hand.name}", flush=True)
    return rows


def _results_file(module: Module) -> Path:
    return RESULTS / f"{module.name}.json"


# -- the report -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """A known mutant: equivalent (no test can tell it apart) or a survivor left on purpose, and why."""

    file: str
    line: int
    operator: str
    kind: str
    reason: str
    #: When one line has several mutants of the operator: text the mutated line must contain.
    mutated: str = ""
    #: The original line (stripped), which finds the mutant wherever the line has moved since; without
    #: it, ``line`` does.
    code: str = ""


def load_notes(path: Path = NOTES) -> list[Note]:
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text())
    return [
        Note(
            n["file"],
            int(n.get("line", 0)),
            n["operator"].removeprefix("core/"),
            kind,
            n["reason"],
            n.get("mutated", ""),
            n.get("code", ""),
        )
        for kind in ("equivalent", "survivor")
        for n in data.get(kind, [])
    ]


_BARE_STAR = re.compile(r"(^|[(,] ?)\*(,|\)|$)")
_BARE_SLASH = re.compile(r"(^|[(,] ?)/(,|\)|$)")


def _known_equivalent(row: Mapping[str, Any]) -> str | None:
    """Why a mutant is equivalent by construction, whatever its line; None if it is not such a one."""
    old, _, new = str(row["diff"]).partition(" -> ")
    if (
        row["operator"] == "ReplaceBinaryOperator_Mul_Div"
        and _BARE_STAR.search(old)
        and _BARE_SLASH.search(new)
    ):
        return "a signature's bare `*` made `/`: every call that worked (keywords) works the same"
    if row["operator"] == "AddNot" and old == "if TYPE_CHECKING:":
        return "imports for the type checker only: importing them at run time too changes no behaviour"
    return None


def _note_for(row: Mapping[str, Any], notes: Sequence[Note]) -> Note | None:
    diff = str(row["diff"])
    for note in notes:
        if (note.file, note.operator) != (row["file"], row["operator"]) or note.mutated not in diff:
            continue
        if diff.startswith(f"{note.code} -> ") if note.code else note.line == row["line"]:
            return note
    reason = _known_equivalent(row)
    return None if reason is None else Note(row["file"], row["line"], row["operator"], "equivalent", reason)


def tally(result: Mapping[str, Any], notes: Sequence[Note]) -> dict[str, int]:
    """killed (timeouts and incompetent mutants included: the tests did not pass), survived,
    equivalent, errors; the rate is killed / (killed + survived), equivalents left out."""
    counts = {"killed": 0, "survived": 0, "equivalent": 0, "error": 0}
    for row in result["mutants"]:
        outcome = row["outcome"]
        if outcome in ("killed", "timeout", "incompetent"):
            counts["killed"] += 1
        elif outcome == "survived":
            note = _note_for(row, notes)
            counts["equivalent" if note is not None and note.kind == "equivalent" else "survived"] += 1
        else:
            counts["error"] += 1
    return counts


def _rate(counts: Mapping[str, int]) -> str:
    judged = counts["killed"] + counts["survived"]
    return "-" if not judged else f"{100 * counts['killed'] / judged:.0f}%"


def render(
    results: Sequence[Mapping[str, Any]],
    first_run: Sequence[Mapping[str, Any]],
    notes: Sequence[Note],
    hand: Sequence[Mapping[str, str]] = (),
) -> str:
    """docs/mutation.md from the per-module results, the first run's figures and the notes."""
    lines = [
        "# Mutation testing",
        "",
        "Written by `make mutate` (scripts/mutate.py, cosmic-ray; configuration in scripts/mutation.toml,",
        "known equivalent mutants and survivors in scripts/mutation-notes.toml). Each module is mutated in a",
        "temporary copy of the project and every mutant runs against the tests of that module's area only.",
        "The operators are those a reviewer would write by hand, one per site (a boundary `<` <-> `<=`,",
        "`==` <-> `!=`, a negation added or dropped, a constant changed, `and` <-> `or`, a loop run zero",
        "times, an exception handler that no longer matches, a decorator dropped); a fixed-seed sample runs",
        "per module (`sample` in the configuration). A mutant counts as killed when its tests fail, time out",
        "or cannot import it. Rate = killed / (killed + survived); equivalent mutants (no behaviour change",
        "any test could see) are listed, one line each, and left out of the rate.",
        "",
        "| module | tests | mutants (selected of all) | killed | survived | equivalent | rate | first run "
        "| time |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    total = {"killed": 0, "survived": 0, "equivalent": 0, "error": 0}
    first_total = dict(total)
    firsts = {r["module"]: r for r in first_run}
    changed_tests: list[str] = []
    for result in results:
        counts = tally(result, notes)
        for key in total:
            total[key] += counts[key]
        first = "-"
        if result["module"] in firsts:
            before = tally(firsts[result["module"]], notes)
            for key in first_total:
                first_total[key] += before[key]
            first = f"{_rate(before)} ({before['killed']}/{before['killed'] + before['survived']})"
            if firsts[result["module"]]["tests"] != result["tests"]:
                names = ", ".join(Path(t).name for t in firsts[result["module"]]["tests"])
                changed_tests.append(f"- {result['module']}: the first run used {names}.")
        tests = ", ".join(Path(t).name for t in result["tests"])
        lines.append(
            f"| {result['module']} | {tests} | {result['selected']} of {result['generated']} "
            f"| {counts['killed']} | {counts['survived']} | {counts['equivalent']} | {_rate(counts)} "
            f"| {first} | {result['seconds']} s |"
        )
    first_all = (
        f"{_rate(first_total)} ({first_total['killed']}/{first_total['killed'] + first_total['survived']})"
    )
    lines.append(
        f"| **all** | | | {total['killed']} | {total['survived']} | {total['equivalent']} | {_rate(total)} | "
        f"{first_all if first_run else '-'} | |"
    )
    lines += [
        "",
        "First run: the same mutants (same seed) against the tests as they were before issue 28's tests,",
        "with the equivalent mutants of today's notes left out the same way. Time: the run of that module",
        "on the 2-core machine shared with other work (wall clock, so only a rough guide).",
        *changed_tests,
    ]
    survivors: list[str] = []
    equivalents: list[str] = []
    for result in results:
        for row in result["mutants"]:
            if row["outcome"] != "survived":
                continue
            note = _note_for(row, notes)
            where = f"`{row['file']}:{row['line']}` {row['operator']}: `{row['diff']}`"
            if note is not None and note.kind == "equivalent":
                equivalents.append(f"- {where}: {note.reason}")
            else:
                survivors.append(f"- {where}: {note.reason if note else 'not yet analysed'}")
    lines += ["", "## Survivors", "", *(survivors or ["None."]), "", "## Equivalent mutants", ""]
    lines += [*(equivalents or ["None."]), ""]
    if hand:
        killed = sum(row["outcome"] == "killed" for row in hand)
        lines += [
            "## Hand-written mutants (issue 28)",
            "",
            "The mutants of issue 28, each a survivor of its time, applied by hand (`[[hand]]` in",
            f"scripts/mutation.toml): {killed} of {len(hand)} killed.",
            "",
            *(f"- {row['outcome']}: {row['name']}" for row in hand),
            "",
        ]
    return "\n".join(lines)


def _load_results(config: Config, folder: Path = RESULTS) -> list[dict[str, Any]]:
    results = []
    for module in config.modules:
        path = folder / _results_file(module).name
        if path.exists():
            results.append(json.loads(path.read_text()))
    return results


def write_report(config: Config) -> None:
    hand = json.loads(HAND.read_text()) if HAND.exists() else []
    REPORT.write_text(render(_load_results(config), _load_results(config, FIRST_RUN), load_notes(), hand))
    print(f"mutate: wrote {REPORT.relative_to(ROOT)}")


def save_baseline(config: Config) -> None:
    """Each module's saved results become its "first run" (kept: a module already there is left alone)."""
    FIRST_RUN.mkdir(parents=True, exist_ok=True)
    for module in config.modules:
        source, target = _results_file(module), FIRST_RUN / _results_file(module).name
        if source.exists() and not target.exists():
            shutil.copy2(source, target)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.mutate", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--module", action="append", help="only modules whose path contains this (repeatable)"
    )
    parser.add_argument(
        "--sample", type=int, help="mutants per module (overrides the configuration; 0 = all)"
    )
    parser.add_argument("--rev", help="mutate a copy of this git revision instead of the work tree")
    parser.add_argument(
        "--report-only", action="store_true", help="write docs/mutation.md from saved results"
    )
    parser.add_argument(
        "--save-baseline", action="store_true", help="saved results -> the first-run column (once per module)"
    )
    parser.add_argument("--hand", action="store_true", help="only the hand-written mutants ([[hand]])")
    args = parser.parse_args(argv)
    config = load_config()
    if args.save_baseline:
        save_baseline(config)
        return 0
    if not args.report_only:
        try:
            import cosmic_ray  # noqa: F401
        except ImportError:
            print("mutate: cosmic-ray is not installed: pip install -e '.[mutate]'", file=sys.stderr)
            return 2
        chosen = [m for m in config.modules if not args.module or any(k in m.path for k in args.module)]
        RESULTS.mkdir(exist_ok=True)
        with project_copy(args.rev) as copy:
            if args.hand or not args.module:
                HAND.write_text(json.dumps(run_hand(config, copy), indent=1) + "\n")
            for module in [] if args.hand else chosen:
                result = run_module(module, config, copy, args.sample)
                _results_file(module).write_text(json.dumps(result, indent=1) + "\n")
                counts = tally(result, load_notes())
                print(
                    f"mutate: {module.path}: {counts} rate {_rate(counts)} in {result['seconds']} s",
                    flush=True,
                )
    write_report(config)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
