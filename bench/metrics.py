"""``python -m bench.metrics``: a job with 1,000 metrics events on the local server, read as a series.

Not a test: it prints figures. The job is created through the API; its 1,000 metrics events (one per
step, a noisy decreasing loss, validation every 10 steps) are written into the local server's store
(the server's own lifecycle emits at most 100 steps) and then read back through the API like any
other: 10 pages of 100 events.

Rows (median of 5 runs, same run, same server):
- ``client.jobs.metrics(id)`` against the official SDK reading the same pages
  (``client.fine_tuning.jobs.list_events(id, limit=100)`` auto-paging) and collecting each metrics
  event's ``data`` into a dict by step: the peer does the reading, not the typing, ordering and
  de-duplication ftjobs adds;
- the ``ftjobs metrics ID`` command (a fresh process: import, 10 requests, output) as a chart, a
  table, JSON lines and CSV, against ``ftjobs retrieve ID`` (a fresh process, one request) as the
  floor of any command.
"""

from __future__ import annotations

import math
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import ftjobs
from ftjobs._server import DEFAULT_API_KEY, Server

from ._common import bench_env

EVENTS = 1000
RUNS = 5


def _events(job_id: str, t0: int) -> list[dict[str, Any]]:
    rng = random.Random(7)  # noqa: S311 (noise for a loss curve)
    docs = []
    for step in range(1, EVENTS + 1):
        loss = 2.0 * math.exp(-step / 300) + 0.2 + rng.uniform(-0.05, 0.05)
        data: dict[str, Any] = {"step": step, "train_loss": loss, "train_mean_token_accuracy": 1 - loss / 3}
        if step % 10 == 0:
            data |= {"valid_loss": loss + 0.03, "valid_mean_token_accuracy": 1 - (loss + 0.03) / 3}
        docs.append(
            {
                "object": "fine_tuning.job.event",
                "id": f"ftevent-bench{step:06d}",
                "created_at": t0 + step,
                "level": "info",
                "message": f"Step {step}/{EVENTS}: training loss={loss:.4f}",
                "data": {**data, "total_steps": EVENTS},
                "type": "metrics",
            }
        )
    return docs


def _median(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    with Server(step_seconds=3600.0) as server:
        with ftjobs.Client(api_key=DEFAULT_API_KEY, base_url=server.url) as client:
            job_id = client.jobs.create(model="gpt-4o-mini", training_file="file-t").id
            assert server._app is not None
            store = server._app.store
            with store._lock, store._db:
                store._db.execute("BEGIN")
                store._insert("events", job_id, _events(job_id, int(time.time())))
            series = client.jobs.metrics(job_id)
            assert len(series) == EVENTS, len(series)
            ours = _median(lambda: client.jobs.metrics(job_id))

        import openai

        sdk = openai.OpenAI(api_key=DEFAULT_API_KEY, base_url=server.url, max_retries=0)

        def peer() -> dict[int, Any]:
            rows: dict[int, Any] = {}
            for event in sdk.fine_tuning.jobs.list_events(job_id, limit=100):
                data = event.data
                if event.type == "metrics" and isinstance(data, dict) and "step" in data:
                    rows[int(data["step"])] = data
            return rows

        assert len(peer()) == EVENTS
        theirs = _median(peer)
        sdk.close()

        # bench_env: bytecode caches as an installed package has them (see bench/_common.py).
        env = bench_env(OPENAI_API_KEY=DEFAULT_API_KEY, OPENAI_BASE_URL=server.url)
        env.pop("NO_COLOR", None)

        def command(*args: str) -> Callable[[], object]:
            cmd = [sys.executable, "-m", "ftjobs", *args]

            def run() -> object:
                return subprocess.run(cmd, env=env, capture_output=True, check=True)

            run()  # untimed warm-up: writes the bytecode caches
            return run

        floor = _median(command("retrieve", job_id))
        commands = {
            "chart": _median(command("metrics", job_id)),
            "--table": _median(command("metrics", job_id, "--table")),
            "--json": _median(command("metrics", job_id, "--json")),
            "--csv": _median(command("metrics", job_id, "--csv")),
        }
    print(f"{EVENTS} metrics events, {EVENTS // 100} pages of 100, median of {RUNS} runs")
    print(f"{'measure':48} {'ftjobs':>10} {'peer':>10} {'ratio':>7}")
    print(
        f"{'client.jobs.metrics vs openai list_events loop':48} {ours * 1000:8.1f}ms {theirs * 1000:8.1f}ms "
        f"{ours / theirs:7.2f}"
    )
    for name, wall in commands.items():
        print(
            f"{'ftjobs metrics ID ' + name + ' vs ftjobs retrieve ID':48} {wall * 1000:8.1f}ms "
            f"{floor * 1000:8.1f}ms {wall / floor:7.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
