"""Benchmark the contract diff: the 32 OpenAI history diffs, and two full upstream OpenAI specs.

Usage::

    python -m scripts.bench_specdiff [--repeat N]

Prints the best of N runs (default 3) of: (1) loading and diffing every consecutive pair of
`../shared/upstream/openai/fine_tuning_history/` (target: under 10 s in total); (2) loading two full
upstream OpenAI specs (3 MB each, a second copy so that nothing is shared), trimming them to the
fine-tuning paths and diffing them (target: under 5 s), then the same with the sliced loading
(scripts/specdiff/fastload.py) turned off, so that every byte of both files is parsed.
Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from . import trim
from .specdiff import diff, fastload

HISTORY = trim.SHARED_UPSTREAM / "openai" / "fine_tuning_history"
FULL = trim.SHARED_UPSTREAM / "openai" / "openapi.yaml"


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
        print("error: ../shared/upstream is missing", file=sys.stderr)
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
    return 0 if changes == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
