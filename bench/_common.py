"""Shared pieces: the job payload, timing helpers, child-process measurement and the result rows."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parent.parent
API_KEY = "sk-ftjobs-local"
JOB_ID = "ftjob-i3dGSikpAECKVR3s9vSkR6fQ"

#: A full job as the local server returns it: method, hyperparameters, integrations, metadata.
JOB: dict[str, object] = {
    "object": "fine_tuning.job",
    "id": JOB_ID,
    "model": "gpt-4o-mini-2024-07-18",
    "created_at": 1795460367,
    "error": None,
    "fine_tuned_model": "ft:gpt-4o-mini-2024-07-18:org-ftjobs-local:bench:9vskr6fq",
    "finished_at": 1795460367,
    "hyperparameters": {"batch_size": 8, "learning_rate_multiplier": 1.8, "n_epochs": 3},
    "organization_id": "org-ftjobs-local",
    "result_files": ["file-i3dGSikpAECKVR3s9vSkR6fQ"],
    "status": "succeeded",
    "trained_tokens": 12288,
    "training_file": "file-abc123",
    "validation_file": None,
    "integrations": [
        {"type": "wandb", "wandb": {"project": "ft", "name": "r17", "entity": "acme", "tags": ["a", "b"]}}
    ],
    "seed": 42,
    "estimated_finish": None,
    "method": {
        "type": "supervised",
        "supervised": {"hyperparameters": {"batch_size": 8, "learning_rate_multiplier": 1.8, "n_epochs": 3}},
    },
    "metadata": {"team": "ml", "run": "17"},
    "user_provided_suffix": "bench",
}
JOB_BYTES = json.dumps(JOB).encode()


def page_of(n: int, *, has_more: bool = True) -> dict[str, object]:
    """A list page of n copies of JOB with distinct ids."""
    data = [{**JOB, "id": f"ftjob-{i:024d}"} for i in range(n)]
    return {"object": "list", "data": data, "has_more": has_more}


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def alternate(
    contenders: dict[str, Callable[[], float]], rounds: int, *, warmup: bool = True
) -> dict[str, list[float]]:
    """Run each contender once per round, rotating the order every round; the samples per name."""
    names = list(contenders)
    if warmup:
        for name in names:
            contenders[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            samples[name].append(contenders[name]())
    return samples


@dataclass
class Child:
    """One finished child process: wall seconds, peak resident memory (KiB), stdout."""

    wall: float
    maxrss_kib: int
    stdout: str
    returncode: int


def run_child(argv: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 300) -> Child:
    """Run argv, measuring its wall time and (via wait4) its own peak RSS, not ours."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, env=env or bench_env(), cwd=ROOT)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{argv!r} failed ({proc.returncode}): {stderr.strip()[-2000:]}")
    return Child(wall=wall, maxrss_kib=usage.ru_maxrss, stdout=stdout, returncode=proc.returncode)


#: Bytecode caches of every child go here (out of the tree): the untimed warm-up run of each contender
#: writes them, as ``pip install`` does for an installed package. With PYTHONDONTWRITEBYTECODE set
#: (as on the CI machines), the editable ftjobs would otherwise recompile its sources on every start
#: while the peers, installed from wheels, read theirs: an unfair cold start.
PYCACHE = os.path.join(tempfile.gettempdir(), "ftjobs-bench-pycache")


def bench_env(**extra: str) -> dict[str, str]:
    """The environment for child processes: ours, minus proxies and PYTHONDONTWRITEBYTECODE, plus extra."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = PYCACHE
    env.update(extra)
    return env


@dataclass
class Row:
    """One line of the table: a figure for ftjobs beside its peer, the ratio and the target."""

    goal: str
    what: str
    ftjobs: str
    peer: str
    ratio: float | None
    target: str
    met: bool | None

    def cells(self) -> list[str]:
        ratio = "" if self.ratio is None else f"{self.ratio:.3g}"
        met = "" if self.met is None else ("yes" if self.met else "NO")
        return [self.goal, self.what, self.ftjobs, self.peer, ratio, self.target, met]


def compare(
    goal: str,
    what: str,
    ours: float,
    peer: float,
    show: Callable[[float], str],
    target: str = "info",
    peer_suffix: str = "",
) -> Row:
    """A row whose ratio is ours / peer; target ">= X" or "<= X" decides met, "info..." leaves it blank."""
    ratio = ours / peer
    met: bool | None = None
    if target.startswith(">="):
        met = ratio >= float(target[2:])
    elif target.startswith("<="):
        met = ratio <= float(target[2:])
    return Row(goal, what, show(ours), show(peer) + peer_suffix, ratio, target, met)


HEADER = ["goal", "measure", "ftjobs", "peer", "ratio", "target", "met?"]


def table(rows: Sequence[Row]) -> str:
    """A Markdown pipe table (readable in a terminal, pasteable into the docs)."""
    lines = [HEADER, *(r.cells() for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    out = []
    for n, line in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


class Subprocess:
    """A server child process that prints its port (or base URL) on its first stdout line."""

    def __init__(self, argv: Sequence[str], *, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            list(argv),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env=env or bench_env(),
            text=True,
        )
        assert self.proc.stdout is not None
        self.first_line = self.proc.stdout.readline().strip()
        if not self.first_line:
            self.stop()
            raise RuntimeError(f"{argv!r} did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> Subprocess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def fast_server(total: int = 100_000, lifetime: float = 10.0) -> Subprocess:
    """The bench-only fast server (bench.fastserver) in its own process; .base_url is set."""
    server = Subprocess(
        [PYTHON, "-m", "bench.fastserver", "--total", str(total), "--lifetime", str(lifetime)]
    )
    server.base_url = f"http://127.0.0.1:{server.first_line}/v1"  # type: ignore[attr-defined]
    return server
