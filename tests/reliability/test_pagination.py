"""Pagination: servers whose list pages never end.

Cursors that come back (A -> A, A -> B -> A, longer cycles) end ``list()``, ``events()`` and
``checkpoints()``, sync and async, with :class:`ftjobs.PaginationError` after one lap; ``wait(on_event=)``
and ``ftjobs events --follow`` against cycling, endless or slow event pages end at their deadline
(WaitTimeoutError, exit code 5), read a bounded number of pages per poll, and emit each event once.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

import ftjobs
from ftjobs._wait import MAX_EVENT_PAGES_PER_POLL

from . import support
from .loopback import JOB, Loopback, RawServer

KINDS = ("list", "events", "checkpoints")
#: Generous bound on any call here: a hang shows up as a failure, not as a stuck suite.
BOUND = 60.0


def _item(kind: str, key: str) -> dict[str, Any]:
    if kind == "list":
        return {**JOB, "id": f"ftjob-{key}"}
    if kind == "events":
        return {
            "object": "fine_tuning.job.event",
            "id": f"ftevent-{key}",
            "created_at": 1721764800,
            "level": "info",
            "message": f"event {key}",
            "type": "message",
        }
    return {
        "object": "fine_tuning.job.checkpoint",
        "id": f"ftckpt-{key}",
        "created_at": 1721764800,
        "fine_tuned_model_checkpoint": "ft:gpt-4o-mini:x:ckpt",
        "fine_tuning_job_id": "ftjob-abc123",
        "step_number": 1,
        "metrics": {"step": 1},
    }


Pages = Callable[[str | None], tuple[list[str], str]]


def cycle(length: int) -> Pages:
    """Page i (cursor ``cur-i``) holds item ``i`` and points to cursor ``cur-(i+1 mod length)``."""

    def page(after: str | None) -> tuple[list[str], str]:
        i = 0 if after is None else int(after.removeprefix("cur-"))
        return [str(i)], f"cur-{(i + 1) % length}"

    return page


def endless(after: str | None) -> tuple[list[str], str]:
    """A new cursor and two new items on every page, forever."""
    i = 0 if after is None else int(after.removeprefix("cur-"))
    return [f"{i}a", f"{i}b"], f"cur-{i + 1}"


def _server(pages: Pages, *, status: str = "running", delay: float = 0.0) -> Loopback:
    """A server listing ``pages`` for jobs, events and checkpoints; every job has ``status``."""

    def handle(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(path)
        after = parse_qs(url.query).get("after", [None])[0]
        last = url.path.rstrip("/").rsplit("/", 1)[-1]
        kind = {"jobs": "list", "events": "events", "checkpoints": "checkpoints"}.get(last)
        if kind is None:
            doc: Any = {**JOB, "id": last, "status": status}
        else:
            if delay:
                time.sleep(delay)
            keys, cursor = pages(after)
            data = [_item(kind, key) for key in keys]
            doc = {"object": "list", "data": data, "has_more": True, "last_id": cursor}
        return 200, {"Content-Type": "application/json"}, json.dumps(doc).encode()

    return Loopback(handle)


def _pager(jobs: Any, kind: str) -> Any:
    return {
        "list": jobs.list,
        "events": lambda: jobs.events("ftjob-abc123"),
        "checkpoints": lambda: jobs.checkpoints("ftjob-abc123"),
    }[kind]()


def _walk(url: str, kind: str, mode: str) -> list[Any]:
    """Every item of the pager; items seen before the error are in the error's ``items_seen`` note."""
    seen: list[Any] = []
    if mode == "sync":
        with support.client(url) as client:
            try:
                for item in _pager(client.jobs, kind):
                    seen.append(item)
            except ftjobs.PaginationError as exc:
                exc.add_note(f"items_seen={len(seen)}")
                raise
        return seen

    async def main() -> list[Any]:
        async with support.async_client(url) as client:
            try:
                async for item in _pager(client.jobs, kind):
                    seen.append(item)
            except ftjobs.PaginationError as exc:
                exc.add_note(f"items_seen={len(seen)}")
                raise
        return seen

    return asyncio.run(main())


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("length", [1, 2, 3, 7])
def test_a_cursor_cycle_ends_with_pagination_error_after_one_lap(length: int, kind: str, mode: str) -> None:
    """A -> A, A -> B -> A and longer cycles: PaginationError naming the cursor, after one lap of pages."""
    with _server(cycle(length)) as server:
        started = time.monotonic()
        with pytest.raises(ftjobs.PaginationError) as caught:
            _walk(server.origin + "/v1", kind, mode)
        assert time.monotonic() - started < BOUND
    error = caught.value
    assert isinstance(error, ftjobs.ResponseValidationError)  # caught by the usual handler too
    assert error.cursor == f"cur-{1 % length}"
    assert error.pages == length + 1
    assert len(server.seen) == length + 1  # one lap and the page that closed it
    assert f"items_seen={length + 1}" in (error.__notes__ or [])
    assert repr(error.cursor) in str(error)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_distinct_cursors_are_followed_and_max_pages_bounds_a_walk(mode: str) -> None:
    """Distinct cursors are a long list, not an error; ``pages(max_pages=n)`` stops after n pages."""
    with _server(endless) as server:
        first, error = _forty_then_bounded(server.origin + "/v1", mode)
    assert len(set(first)) == 40
    assert error.pages == 5
    assert error.cursor is None


def _forty_then_bounded(url: str, mode: str) -> tuple[list[str | None], ftjobs.PaginationError]:
    """The first 40 event ids of an endless walk, and the error of a walk bounded to 5 pages."""
    if mode == "sync":
        with support.client(url) as client:
            first = [item.id for _, item in zip(range(40), client.jobs.events("ftjob-abc123"), strict=False)]
            with pytest.raises(ftjobs.PaginationError) as caught:
                for _ in client.jobs.events("ftjob-abc123").pages(max_pages=5):
                    pass
        return first, caught.value

    async def main() -> tuple[list[str | None], ftjobs.PaginationError]:
        async with support.async_client(url) as client:
            ids: list[str | None] = []
            async for event in client.jobs.events("ftjob-abc123"):
                ids.append(event.id)
                if len(ids) == 40:
                    break
            with pytest.raises(ftjobs.PaginationError) as caught:
                async for _ in client.jobs.events("ftjob-abc123").pages(max_pages=5):
                    pass
            return ids, caught.value

    return asyncio.run(main())


def _wait(url: str, mode: str, **kwargs: Any) -> tuple[float, list[str], BaseException | ftjobs.Job]:
    """(seconds taken, event ids emitted, the job or the exception) of one wait()."""
    emitted: list[str] = []
    kwargs.setdefault("poll_interval", 0.05)
    kwargs["on_event"] = lambda event: emitted.append(event.id)
    started = time.monotonic()
    outcome: BaseException | ftjobs.Job
    try:
        if mode == "sync":
            with support.client(url) as client:
                outcome = client.jobs.wait("ftjob-abc123", **kwargs)
        else:

            async def main() -> ftjobs.Job:
                async with support.async_client(url) as client:
                    return await client.jobs.wait("ftjob-abc123", **kwargs)

            outcome = asyncio.run(main())
    except ftjobs.Error as exc:
        outcome = exc
    return time.monotonic() - started, emitted, outcome


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("pages", ["cycle-2", "cycle-5", "endless", "slow-endless"])
def test_wait_with_on_event_ends_at_its_deadline(pages: str, mode: str) -> None:
    """wait(on_event=, timeout=1) against cycling, endless or slow event pages: WaitTimeoutError soon after
    the deadline, each event emitted once, and never more than the per-poll page limit per poll."""
    source = {"cycle-2": cycle(2), "cycle-5": cycle(5), "endless": endless, "slow-endless": endless}[pages]
    with _server(source, delay=0.2 if pages == "slow-endless" else 0.0) as server:
        took, emitted, outcome = _wait(server.origin + "/v1", mode, timeout=1.0)
    assert isinstance(outcome, ftjobs.WaitTimeoutError), outcome
    assert outcome.job is not None and outcome.job.status.value == "running"
    assert 1.0 <= took < BOUND
    assert len(emitted) == len(set(emitted)) > 0
    polls = sum(1 for _, path, _ in server.seen if urlsplit(path).path.endswith("ftjob-abc123"))
    event_pages = sum(1 for _, path, _ in server.seen if "/events" in path)
    assert polls >= 1
    assert event_pages <= polls * MAX_EVENT_PAGES_PER_POLL


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_wait_without_deadline_reads_a_bounded_number_of_event_pages_per_poll(mode: str) -> None:
    """No timeout, endless distinct event pages, a finished job: one poll, at most the page limit, done."""
    with _server(endless, status="succeeded") as server:
        took, emitted, outcome = _wait(server.origin + "/v1", mode, timeout=None)
    assert isinstance(outcome, ftjobs.Job) and outcome.status.value == "succeeded"
    event_pages = sum(1 for _, path, _ in server.seen if "/events" in path)
    assert event_pages == MAX_EVENT_PAGES_PER_POLL
    assert len(emitted) == len(set(emitted)) == 2 * MAX_EVENT_PAGES_PER_POLL
    assert emitted[-1] == "ftevent-0a"  # oldest first: the first page is the newest
    assert took < BOUND


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_wait_returns_a_finished_job_despite_cycling_event_pages(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    """An events cycle does not fail a wait whose job finished: the job is returned, the cycle logged."""
    with _server(cycle(3), status="succeeded") as server:
        _, emitted, outcome = _wait(server.origin + "/v1", mode, timeout=30.0)
    assert isinstance(outcome, ftjobs.Job) and outcome.status.value == "succeeded"
    assert sorted(emitted) == ["ftevent-0", "ftevent-1", "ftevent-2"]
    assert any("cursor" in record.getMessage() for record in caplog.records if record.name == "ftjobs")


class Dripping:
    """Job requests get a whole head, then one body byte every 0.5 s: each poll lasts as long as the
    client lets it."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.server = RawServer(self._respond)
        self.server.on_exit = self.stop.set

    def _respond(self, conn: Any, line: str) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        while not self.stop.wait(0.5):
            conn.sendall(b" ")


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_wait_ends_near_its_deadline_when_polls_drip(mode: str) -> None:
    """wait(timeout=2) whose polls drip (request timeout 30 s, 2 retries): WaitTimeoutError in seconds,
    not 3 x 30 s: each poll's limit is the time left, and a poll failing past the deadline is a timeout."""
    dripping = Dripping()
    with dripping.server:
        took, emitted, outcome = _wait(dripping.server.url, mode, timeout=2.0, request_timeout=30.0)
    assert isinstance(outcome, ftjobs.WaitTimeoutError), outcome
    assert isinstance(outcome.__cause__, ftjobs.APITimeoutError)
    assert 2.0 <= took < 20.0, took
    assert emitted == []


def _cli(url: str, *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PORTKEY_", "AZURE_"))}
    env.update({"OPENAI_API_KEY": "sk-pages", "OPENAI_BASE_URL": url, "NO_COLOR": "1"})
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "ftjobs", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return time.monotonic() - started, result


@pytest.mark.parametrize("pages", ["cycle-2", "endless"])
def test_events_follow_with_timeout_exits_5_against_pages_that_never_end(pages: str) -> None:
    """`ftjobs events --follow --timeout 2` against cycling or endless event pages exits 5 (timed out)."""
    source = cycle(2) if pages == "cycle-2" else endless
    with _server(source) as server:
        took, result = _cli(
            server.origin + "/v1",
            "events",
            "ftjob-abc123",
            "--follow",
            "--timeout",
            "2",
            "--poll-interval",
            "0.1",
        )
    assert result.returncode == 5, result.stderr
    assert "did not finish within 2s" in result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines and len(lines) == len(set(lines))  # each event printed once
    assert took < 120


@pytest.mark.parametrize("kind", KINDS)
def test_cli_lists_end_with_exit_1_on_a_cycle(kind: str) -> None:
    """`ftjobs list --all`, `events`, `checkpoints` on a cycle: exit 1 and a one-line PaginationError."""
    args = {
        "list": ["list", "--all"],
        "events": ["events", "ftjob-abc123", "--limit", "1000"],
        "checkpoints": ["checkpoints", "ftjob-abc123"],
    }[kind]
    with _server(cycle(2)) as server:
        _, result = _cli(server.origin + "/v1", *args)
    assert result.returncode == 1, result.stderr
    assert "again after 3 pages" in result.stderr
    assert "Traceback" not in result.stderr
