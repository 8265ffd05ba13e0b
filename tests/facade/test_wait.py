"""Waiter decisions: arguments checked, deadline before every request, each event once."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

import ftjobs
from ftjobs import JobStatus
from ftjobs._models import JobEvent
from ftjobs._wait import MIN_REQUEST_LIMIT, Waiter

from .helpers import Recorder, job_json, make_async_client, make_client


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _event(event_id: str | None) -> JobEvent:
    raw: dict[str, Any] = {
        "object": "fine_tuning.job.event",
        "created_at": 1,
        "level": "info",
        "message": "m",
    }
    if event_id is not None:
        raw["id"] = event_id
    return JobEvent.from_dict(raw)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": math.nan},
        {"timeout": -1},
        {"timeout": "5"},
        {"timeout": True},
        {"poll_interval": 0},
        {"poll_interval": math.inf},
        {"poll_interval": math.nan},
        {"max_poll_interval": -2},
        {"max_poll_interval": "30"},
        {"on_update": "print"},
        {"on_event": 42},
    ],
)
def test_bad_arguments_are_invalid_argument_errors(kwargs: dict[str, Any]) -> None:
    """NaN, negatives, strings and bools never reach a comparison: InvalidArgumentError at once."""
    kwargs.setdefault("timeout", 10)
    with pytest.raises(ftjobs.InvalidArgumentError):
        Waiter("ftjob-1", **kwargs)


def test_request_limit_is_the_time_left_near_the_deadline() -> None:
    """Far from the deadline a request keeps its own limit; near it, the time left (at least 1 s)."""
    clock = Clock()
    waiter = Waiter("ftjob-1", timeout=60, clock=clock)
    assert waiter.request_limit(30.0) is None
    clock.now += 45
    assert waiter.request_limit(30.0) == 15.0
    assert waiter.request_limit(None) == 15.0  # an unbounded request gets a bound
    clock.now += 14.5
    assert waiter.request_limit(30.0) == 1.0  # 0.5 s left: the documented floor of 1 s
    clock.now += 100
    assert waiter.request_limit(30.0) == 1.0 == MIN_REQUEST_LIMIT
    assert Waiter("ftjob-1", timeout=None).request_limit(30.0) is None


def test_walk_stops_at_seen_events_or_at_the_deadline() -> None:
    """An events walk stops on a page with a seen event, or once the deadline has passed."""
    clock = Clock()
    waiter = Waiter("ftjob-1", timeout=10, clock=clock)
    waiter.new_events([_event("a")])
    assert waiter.walk_done([_event("a")])
    assert not waiter.walk_done([_event("b")])
    clock.now += 11
    assert waiter.walk_done([_event("b")])


def test_new_events_are_emitted_once_oldest_first() -> None:
    """The same event twice in one walk (a cycle) is emitted once; id-less events on the first poll only."""
    waiter = Waiter("ftjob-1", timeout=None)
    fresh = waiter.new_events([_event("c"), _event("b"), _event("c"), _event(None), _event(None)])
    assert [e.id for e in fresh] == [None, None, "b", "c"]
    assert [e.id for e in waiter.new_events([_event("d"), _event("c"), _event(None)])] == ["d"]


def test_timed_out_error_is_redacted() -> None:
    """The last status (server text) in WaitTimeoutError goes through the client's redaction."""
    waiter = Waiter("ftjob-1", timeout=0, redact=lambda text: text.replace("sk-echo", "***"))
    job = ftjobs.Job.from_dict({"id": "ftjob-1", "status": "running sk-echo", "object": "fine_tuning.job"})
    waiter.observe(job)
    error = waiter.timed_out()
    assert "sk-echo" not in str(error) + repr(error)
    assert "***" in str(error)


# --- what wait() sleeps, under a recording clock (sync and async) ------------------------------------


class RecordingClock:
    """time.monotonic and the sleeps of a wait: a sleep records its length and moves the clock on.
    More sleeps than a test can need means a wait that no longer ends: it fails at once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 1000.0
        self.slept: list[float] = []
        monkeypatch.setattr(time, "monotonic", lambda: self.now)
        monkeypatch.setattr(time, "sleep", self.sleep)
        monkeypatch.setattr(asyncio, "sleep", self.asleep)

    def sleep(self, seconds: float) -> None:
        assert len(self.slept) < 20, f"wait() does not end: slept {self.slept}"
        self.slept.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def _answering(*answers: tuple[str, dict[str, str]]) -> Callable[[], Recorder]:
    """A handler factory: the job with each (status, headers) in turn, the last one forever."""

    def make() -> Recorder:
        queue = list(answers)

        def handler(request: httpx2.Request) -> httpx2.Response:
            status, headers = queue.pop(0) if len(queue) > 1 else queue[0]
            return httpx2.Response(200, json=job_json(status=status), headers=headers)

        return Recorder(handler)

    return make


def _wait_both(
    monkeypatch: pytest.MonkeyPatch, make: Callable[[], Recorder], **kwargs: Any
) -> list[tuple[list[float], float, ftjobs.Job | ftjobs.Error]]:
    """wait() on a sync then an async client: per client, (sleeps, time spent, job or error)."""
    outcomes: list[tuple[list[float], float, ftjobs.Job | ftjobs.Error]] = []
    for mode in ("sync", "async"):
        clock = RecordingClock(monkeypatch)
        start = clock.now
        outcome: ftjobs.Job | ftjobs.Error
        try:
            if mode == "sync":
                outcome = make_client(make()).jobs.wait("ftjob-abc123", **kwargs)
            else:

                async def main() -> ftjobs.Job:
                    async with make_async_client(make()) as client:
                        return await client.jobs.wait("ftjob-abc123", **kwargs)

                outcome = asyncio.run(main())
        except ftjobs.Error as exc:
            outcome = exc
        outcomes.append((clock.slept, clock.now - start, outcome))
    return outcomes


def test_wait_never_sleeps_past_its_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """timeout=20, polls every 10 s then 15 s: the second sleep is cut to the 10 s left, and the poll
    at the deadline raises WaitTimeoutError instead of sleeping again."""
    make = _answering(("running", {}))
    for slept, spent, outcome in _wait_both(monkeypatch, make, timeout=20, poll_interval=10):
        assert slept == [10.0, 10.0]
        assert spent == 20.0
        assert isinstance(outcome, ftjobs.WaitTimeoutError)
        assert outcome.job is not None and outcome.job.status is JobStatus.RUNNING


def test_wait_ends_when_the_time_left_is_exactly_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deadline reached exactly (no time left, none over) ends the wait: no zero-length sleep."""
    make = _answering(("running", {}))
    for slept, spent, outcome in _wait_both(monkeypatch, make, timeout=25, poll_interval=10):
        assert slept == [10.0, 15.0] and spent == 25.0
        assert isinstance(outcome, ftjobs.WaitTimeoutError)


def test_wait_caps_the_server_poll_hint_at_max_poll_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retry-After: 120 on a running job with max_poll_interval=30: the next poll comes after 30 s."""
    make = _answering(
        ("running", {"retry-after": "120"}), ("running", {"retry-after-ms": "90000"}), ("failed", {})
    )
    for slept, _, outcome in _wait_both(monkeypatch, make, poll_interval=1, max_poll_interval=30):
        assert slept == [30.0, 30.0]
        assert isinstance(outcome, ftjobs.Job) and outcome.status is JobStatus.FAILED


def test_wait_keeps_a_poll_interval_above_max_poll_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    """poll_interval=10 with max_poll_interval=2: every poll waits 10 s (the larger one is kept)."""
    make = _answering(("running", {}), ("running", {}), ("succeeded", {}))
    for slept, _, outcome in _wait_both(monkeypatch, make, poll_interval=10, max_poll_interval=2):
        assert slept == [10.0, 10.0]
        assert isinstance(outcome, ftjobs.Job) and outcome.status is JobStatus.SUCCEEDED


def test_wait_sleeps_the_last_half_second_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """timeout=20.5 with polls every 10 s: the last 0.5 s is waited for, then the deadline ends it."""
    make = _answering(("running", {}))
    kwargs = {"timeout": 20.5, "poll_interval": 10, "max_poll_interval": 10}
    for slept, spent, outcome in _wait_both(monkeypatch, make, **kwargs):
        assert slept == [10.0, 10.0, 0.5] and spent == 20.5
        assert isinstance(outcome, ftjobs.WaitTimeoutError)


def test_on_update_sees_each_new_unknown_status_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two different statuses this client does not know are two updates; the same one twice is one."""
    make = _answering(("warming_up", {}), ("warming_up", {}), ("cooling", {}), ("succeeded", {}))
    seen: list[str] = []
    outcomes = _wait_both(monkeypatch, make, on_update=lambda job: seen.append(job.status.value))
    assert [o[2].status.value for o in outcomes if isinstance(o[2], ftjobs.Job)] == ["succeeded"] * 2
    assert seen == ["warming_up", "cooling", "succeeded"] * 2  # sync, then async


def test_a_wait_reads_at_most_100_pages_of_events_per_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """Events pages that never end (new cursors forever): 100 pages per poll, then the job decides."""
    counts = {"events": 0, "job": 0}

    def make() -> Recorder:
        def handler(request: httpx2.Request) -> httpx2.Response:
            if request.url.path.endswith("/events"):
                counts["events"] += 1
                event = {
                    "object": "fine_tuning.job.event",
                    "id": f"ev-{counts['events']}",
                    "created_at": 1,
                    "level": "info",
                    "message": "m",
                }
                return httpx2.Response(200, json={"object": "list", "data": [event], "has_more": True})
            counts["job"] += 1
            return httpx2.Response(200, json=job_json(status="running" if counts["job"] % 2 else "succeeded"))

        return Recorder(handler)

    seen: list[str] = []
    outcomes = _wait_both(monkeypatch, make, poll_interval=1, on_event=lambda e: seen.append(e.id or ""))
    assert [o[2].status.value for o in outcomes if isinstance(o[2], ftjobs.Job)] == ["succeeded"] * 2
    assert counts == {"events": 400, "job": 4}  # 2 polls x 100 pages, sync then async
    assert len(seen) == 400 and len(set(seen)) == 400
