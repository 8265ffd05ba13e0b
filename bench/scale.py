"""Goal 4: scale. (a) Iterate 100,000 jobs through auto-pagination and watch resident memory. (b)
``AsyncClient.jobs.wait`` over 1,000 jobs at once, counting requests per second against the polling
budget (jobs / poll_interval).

(a) uses the bench-only fast server (``bench.fastserver``, synthetic jobs paginated 100 per page):
seeding 100,000 jobs into the real local server through its API takes longer than the whole bench
budget. Each client iterates in its own child process (``python -m bench.scale paginate KIND URL``),
which samples its RSS (``/proc/self/statm``) after the first 1,000 jobs and at the end. One run per
client (100k jobs each); memory growth is what is judged, throughput is shown beside it.

(b) awaits ``wait()`` on 1,000 jobs at once with ``poll_interval == max_poll_interval`` (so the
budget is a fixed rate), counting requests with an httpx2 event hook. The jobs live on the fast
server too (``ftjob-wait-*`` ids run for ``JOB_LIFETIME`` seconds from their first poll), so every
job needs the same number of polls however long the start-up burst takes; on the real local server a
job's clock starts at creation, and creating 1,000 jobs concurrently through it failed
intermittently with connection resets while its HTTP layer was being reworked (working tree of
2026-11-23). The peer is the loop a user writes with the official SDK (it has no wait helper):
``retrieve`` then ``asyncio.sleep(poll_interval)``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections import Counter
from typing import Any

from ._common import API_KEY, PYTHON, ROOT, Row, fast_server, run_child

TOTAL_JOBS = 100_000
WAIT_JOBS = 1000
#: The default poll interval of wait(); the budget is WAIT_JOBS / POLL_INTERVAL requests per second.
POLL_INTERVAL = 5.0
#: A job runs this long from its first poll: wait() polls it about JOB_LIFETIME / POLL_INTERVAL + 1 times.
JOB_LIFETIME = 10.0
#: A wait run still going after this many seconds is stopped and reported as such.
WAIT_DEADLINE = 40.0
TERMINAL = {"succeeded", "failed", "cancelled"}
_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE / 2**20


def paginate(kind: str, base_url: str) -> dict[str, float]:
    """Iterate every job with kind's auto-pagination; RSS after 1,000 jobs and at the end."""
    if kind == "ftjobs":
        import ftjobs

        items: Any = ftjobs.Client(api_key=API_KEY, base_url=base_url).jobs.list(limit=100)
    else:
        import openai

        items = openai.OpenAI(api_key=API_KEY, base_url=base_url).fine_tuning.jobs.list(limit=100)
    count, warm, peak = 0, 0.0, 0.0
    start = time.perf_counter()
    for job in items:
        count += 1
        if count == 1000:
            warm = rss_mib()
        if count % 10_000 == 0:
            peak = max(peak, rss_mib())
        last = job.id
    seconds = time.perf_counter() - start
    assert last == "ftjob-" + "0" * 24, last
    return {"jobs": count, "seconds": seconds, "warm": warm, "end": rss_mib(), "peak": max(peak, rss_mib())}


# --- (b) wait over 1,000 jobs ----------------------------------------------------------------------


class Meter:
    """Time and job of every request sent (an httpx2 request hook; ftjobs calls its client's hooks)."""

    def __init__(self) -> None:
        self.polls: list[tuple[float, str]] = []

    async def hook(self, request: Any) -> None:
        self.polls.append((time.monotonic(), request.url.path))

    def summary(self, start: float, end: float) -> dict[str, float]:
        duration = end - start
        per_second = Counter(int(t - start) for t, _ in self.polls)
        last: dict[str, float] = {}
        gaps: list[float] = []
        for t, job in self.polls:
            if job in last:
                gaps.append(t - last[job])
            last[job] = t
        return {
            "requests": len(self.polls),
            "seconds": duration,
            "rate": len(self.polls) / duration,
            # every job's first poll is due at once; the budget governs the polls after it
            "repoll_rate": len(gaps) / duration,
            "min_gap": min(gaps, default=float("nan")),
            # the busiest whole second after the first (the start-up burst is every job's first poll)
            "peak": max((n for s, n in per_second.items() if s >= 1), default=0),
        }


async def _finish(tasks: list[asyncio.Task[str]], meter: Meter, start: float) -> dict[str, float]:
    """Wait for tasks up to WAIT_DEADLINE seconds; the request figures and how many jobs finished."""
    done, _ = await asyncio.wait(tasks, timeout=WAIT_DEADLINE)
    end = time.monotonic()
    result = meter.summary(start, end)
    errors = [t.exception() for t in done if t.exception() is not None]
    result["terminal"] = sum(1 for t in done if t.exception() is None and t.result() in TERMINAL)
    result["errors"] = len(errors)
    result["error"] = repr(errors[0])[:160] if errors else ""  # type: ignore[assignment]
    result["timed_out"] = len(done) < len(tasks)
    return result


async def wait_all(kind: str, base_url: str, n: int) -> dict[str, float]:
    """Wait for n ``ftjob-wait-*`` jobs at once; requests sent per second, and how many finished."""
    ids = [f"ftjob-wait-{kind}-{i:06d}" for i in range(n)]
    meter = Meter()
    if kind.startswith("ftjobs"):
        import httpx2

        import ftjobs
        from ftjobs._constants import ASYNC_POOL_LIMITS

        # "ftjobs": the pool AsyncClient() builds itself (ASYNC_POOL_LIMITS, 8 connections), with a
        # request hook to count; "ftjobs-pool100": httpx2's default 100-connection pool, for contrast.
        limits = httpx2.Limits() if kind == "ftjobs-pool100" else ASYNC_POOL_LIMITS
        http = httpx2.AsyncClient(event_hooks={"request": [meter.hook]}, limits=limits)
        client = ftjobs.AsyncClient(api_key=API_KEY, base_url=base_url, http_client=http)

        async def wait(job_id: str) -> str:
            job = await client.jobs.wait(job_id, poll_interval=POLL_INTERVAL, max_poll_interval=POLL_INTERVAL)
            return job.status.value

    else:
        import openai
        from openai import DefaultAsyncHttpxClient

        http = DefaultAsyncHttpxClient(event_hooks={"request": [meter.hook]})
        sdk = openai.AsyncOpenAI(api_key=API_KEY, base_url=base_url, http_client=http)

        async def wait(job_id: str) -> str:
            while True:
                job = await sdk.fine_tuning.jobs.retrieve(job_id)
                if job.status in TERMINAL:
                    return job.status
                await asyncio.sleep(POLL_INTERVAL)

    start = time.monotonic()
    return await _finish([asyncio.create_task(wait(i)) for i in ids], meter, start)


def _child(*args: str) -> tuple[dict[str, float], int]:
    child = run_child([PYTHON, "-m", "bench.scale", *args], timeout=600)
    return json.loads(child.stdout), child.maxrss_kib


def run() -> list[Row]:
    rows: list[Row] = []
    with fast_server(total=TOTAL_JOBS) as server:
        url = server.base_url  # type: ignore[attr-defined]
        pages = {kind: _child("paginate", kind, url) for kind in ("ftjobs", "openai")}
    (f, f_max), (o, o_max) = pages["ftjobs"], pages["openai"]
    fg, og = f["end"] - f["warm"], o["end"] - o["warm"]
    rows.append(
        Row(
            "4",
            f"iterate {TOTAL_JOBS:,} jobs: RSS growth after first 1k (MiB)",
            f"{fg:+.1f} MiB (peak {f_max / 1024:.0f})",
            f"{og:+.1f} MiB (peak {o_max / 1024:.0f})",
            None,
            "flat: < +5 MiB",
            fg < 5,
        )
    )
    fr, orate = f["jobs"] / f["seconds"], o["jobs"] / o["seconds"]
    rows.append(
        Row(
            "4",
            f"iterate {TOTAL_JOBS:,} jobs: jobs/s vs OpenAI auto-paging",
            f"{fr:,.0f}/s",
            f"{orate:,.0f}/s",
            fr / orate,
            "info",
            None,
        )
    )
    waits: dict[str, dict[str, float]] = {}
    with fast_server(total=0, lifetime=JOB_LIFETIME) as server:
        for kind in ("ftjobs", "openai", "ftjobs-pool100"):
            url = server.base_url  # type: ignore[attr-defined]
            waits[kind], _ = _child("wait", kind, url, str(WAIT_JOBS))
    budget = WAIT_JOBS / POLL_INTERVAL
    ideal = WAIT_JOBS * (JOB_LIFETIME // POLL_INTERVAL + 1)

    def polls(w: dict[str, Any]) -> str:
        if w["errors"]:
            return f"{w['errors']:.0f} FAILED: {w['error']}"
        late = " (stopped)" if w["timed_out"] else ""
        done = f"{w['terminal']:.0f} done in {w['seconds']:.0f}s{late}"
        return f"{w['repoll_rate']:.0f}/s re-polls, {w['requests']:.0f} polls, {done}"

    w, p, q = waits["ftjobs"], waits["openai"], waits["ftjobs-pool100"]
    ok = w["terminal"] == WAIT_JOBS and not w["errors"]
    rows += [
        Row(
            "4",
            f"wait() x{WAIT_JOBS} async: re-poll req/s vs budget {budget:.0f}/s",
            polls(w),
            polls(p),
            w["repoll_rate"] / budget,
            "<= 1.00",
            w["repoll_rate"] <= budget and ok,
        ),
        Row(
            "4",
            f"wait() x{WAIT_JOBS}: shortest gap between 2 polls of a job vs poll_interval",
            f"{w['min_gap']:.2f} s",
            f"{p['min_gap']:.2f} s",
            w["min_gap"] / POLL_INTERVAL,
            ">= 0.98",
            w["min_gap"] >= 0.98 * POLL_INTERVAL,
        ),
        Row(
            "4",
            f"wait() x{WAIT_JOBS}: busiest second after the first vs budget",
            f"{w['peak']:.0f}/s",
            f"{p['peak']:.0f}/s",
            w["peak"] / budget,
            "info: bursts",
            None,
        ),
        Row(
            "4",
            f"wait() x{WAIT_JOBS}: polls made vs the schedule's {ideal:.0f} (keeps up?)",
            f"{w['requests']:.0f}",
            f"{p['requests']:.0f}",
            w["requests"] / ideal,
            "info: 1.00 = on time",
            None,
        ),
        Row(
            "4",
            f"wait() x{WAIT_JOBS} on httpx2's default 100-connection pool (for contrast)",
            polls(q),
            polls(p),
            q["repoll_rate"] / budget,
            "info",
            None,
        ),
    ]
    return rows


def main() -> None:
    mode = sys.argv[1]
    if mode == "paginate":
        print(json.dumps(paginate(sys.argv[2], sys.argv[3])))
    elif mode == "wait":
        print(json.dumps(asyncio.run(wait_all(sys.argv[2], sys.argv[3], int(sys.argv[4])))), flush=True)
        os._exit(0)  # do not wait for the tasks a timed-out run leaves behind
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
