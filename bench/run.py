"""``make bench``: every goal (1-5 of issue 7, 6 of issue 27, 7 of issue 24: ``ftjobs validate``), one
table (goal / measure / ftjobs / peer / ratio / target / met?).

``python -m bench.run`` runs them all (about 4 minutes on 2 cores); ``--only 1,3`` runs some goals.
Ratios are ftjobs / peer for times, sizes and rates alike: read each against its target column.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time

from ._common import Row, table


def machine() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()} ({platform.system()})"


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("ftjobs", "httpx", "openai", "httpx2", "portkey-ai", "pydantic"):
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} (missing)")
    return ", ".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="1,2,3,4,5,6,7", help="comma-separated goals to run")
    args = parser.parse_args(argv)
    goals = set(args.only.split(","))
    from . import cli, coldstart, firstanswer, parsing, percall, scale, validate

    steps = [
        ("1", coldstart.run),
        ("2", percall.run),
        ("3", parsing.run),
        ("4", scale.run),
        ("5", cli.run),
        ("6", firstanswer.run),
        ("7", validate.run),  # issue 24: validation throughput and memory
    ]
    rows: list[Row] = []
    started = time.perf_counter()
    for goal, step in steps:
        if goal in goals:
            t = time.perf_counter()
            rows.extend(step())
            print(f"goal {goal} measured in {time.perf_counter() - t:.0f}s", file=sys.stderr, flush=True)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"ftjobs benchmarks, {now}; {machine()}")
    print(versions())
    print()
    print(table(rows))
    print()
    missed = [r for r in rows if r.met is False]
    print(f"{len(rows)} figures, {len(missed)} targets missed; {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
