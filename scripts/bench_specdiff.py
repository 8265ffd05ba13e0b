"""Benchmark the contract diff: the 32 OpenAI history diffs, and two full upstream OpenAI specs.

Usage::

    python -m scripts.bench_specdiff [--repeat N]

Prints the best of N runs (default 3) of: (1) loading and diffing every consecutive pair of
`openapi/upstream/openai/fine_tuning_history/` (target: under 10 s in total); (2) loading two full
upstream OpenAI specs (3 MB each, a second copy so that nothing is shared), trimming them to the
fine-tuning paths and diffing them (target: under 5 s), then the same with the sliced loading
(scripts/specdiff/fastload.py) turned off, so that every byte of both files is parsed; (3) the
whole-spec diff (`--paths /`: every path, nothing trimmed) of the full spec against a revision of
it (a copy whose first path is renamed: one path removed, one added, and whose anchored `pattern`s
are respelled `^(?:...)$`, so that each is decided by regex_lang and found equal), against the time it takes
just to load both YAML files with PyYAML's C loader (`yaml.load(text, Loader=yaml.CSafeLoader)`,
file reads included); target: the diff within 1.5x of that load. The project's own bounded loader
(scripts/specdiff/yamlload.py) is timed too, for reference.
Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import itertools
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from . import trim
from .specdiff import diff, fastload, regex_lang
from .specdiff.yamlload import load_yaml_fast

HISTORY = trim.UPSTREAM / "openai" / "fine_tuning_history"
FULL = trim.UPSTREAM / "openai" / "openapi.yaml"
TARGET_RATIO = 1.5


def best(fn: Callable[[], int], repeat: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = fn()
        times.append(time.perf_counter() - start)
    return min(times), count


def history_run() -> int:
    files = sorted(p for p in HISTORY.glob("*.yaml"))
    for base, revision in itertools.pairwise(files):
        diff(str(base), str(revision))
    return len(files) - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench_specdiff", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not HISTORY.is_dir() or not FULL.is_file():
        print(f"error: {HISTORY} or {FULL} is missing", file=sys.stderr)
        return 2
    seconds, pairs = best(history_run, args.repeat)
    print(f"history: {pairs} diffs in {seconds:.2f} s (target < 10 s)")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "openapi-copy.yaml"
        shutil.copyfile(FULL, copy)

        def full_run() -> int:
            return len(diff(str(FULL), str(copy)).changes)

        seconds, changes = best(full_run, args.repeat)
        size = FULL.stat().st_size / 1e6
        print(f"full upstream spec vs a copy (2 x {size:.1f} MB): {seconds:.2f} s (target < 5 s)")
        saved, fastload.MIN_SIZE = fastload.MIN_SIZE, sys.maxsize  # parse both files whole
        try:
            seconds, _ = best(full_run, args.repeat)
        finally:
            fastload.MIN_SIZE = saved
        print(f"  the same, parsing each file whole (no slicing): {seconds:.2f} s")
        revision = Path(tmp) / "openapi-revision.yaml"
        text, respelled = respelled_patterns(renamed_first_path(FULL.read_text(encoding="utf-8")))
        revision.write_text(text, encoding="utf-8")
        whole_changes = whole_spec(revision, args.repeat, respelled)
    return 0 if changes == 0 and whole_changes > 0 else 1


def renamed_first_path(text: str) -> str:
    """The spec text with its first path template renamed (`/x:` -> `/x-bench:`)."""
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("paths:")) + 1
    while not lines[at].strip() or lines[at].lstrip().startswith("#"):
        at += 1
    lines[at] = lines[at].rstrip().removesuffix(":") + "-bench:"
    return "\n".join(lines)


def respelled_patterns(text: str) -> tuple[str, int]:
    """The spec text with every plain anchored `pattern: ^X$` written `^(?:X)$` (the same strings)."""
    count = 0

    def respell(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"{match.group(1)}pattern: ^(?:{match.group(2)})$"

    return re.sub(r"(?m)^(\s*)pattern: \^([^'\"\n]*)\$$", respell, text), count


def whole_spec(revision: Path, repeat: int, respelled: int) -> int:
    """Time (3): the whole-spec diff against loading both files; return the number of changes."""

    def pyyaml_load() -> int:
        for path in (FULL, revision):
            yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        return 2

    def own_load() -> int:
        for path in (FULL, revision):
            load_yaml_fast(path.read_text(encoding="utf-8"), path.name)
        return 2

    def whole_diff() -> int:
        regex_lang.clear_cache()  # every run decides every respelled pattern again
        return len(diff(str(FULL), str(revision), ("/",)).changes)

    loads, owns, diffs, changes = [], [], [], 0
    for _ in range(repeat):  # interleaved, so that a busy moment of the machine hits all three
        loads.append(best(pyyaml_load, 1)[0])
        owns.append(best(own_load, 1)[0])
        seconds, changes = best(whole_diff, 1)
        diffs.append(seconds)
    load_s, own_s, diff_s = min(loads), min(owns), min(diffs)
    ratio = diff_s / load_s
    verdict = "ok" if ratio <= TARGET_RATIO else "OVER"
    print(f"whole-spec diff (--paths /, {changes} changes, {respelled} patterns decided): {diff_s:.2f} s")
    print(f"  loading both YAML files (PyYAML C loader): {load_s:.2f} s")
    print(f"  whole-spec diff / load: {ratio:.2f}x (target <= {TARGET_RATIO}x: {verdict})")
    print(
        f"  for reference, both files with ftjobs-spec's bounded loader: {own_s:.2f} s "
        f"(whole-spec diff / that load: {diff_s / own_s:.2f}x)"
    )
    return changes


if __name__ == "__main__":
    sys.exit(main())
