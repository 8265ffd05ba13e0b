"""Every operation, sync and async, against every fault of the local server's fault injection.

Each case queues a fault ``times`` times for the operation's request, runs the operation with
three attempts allowed (``support.POLICY``) and a 0.3 s timeout, and checks three things: the
outcome (a result, or exactly the documented ``ftjobs`` error class), the number of requests the
server saw, and that it all took bounded time. A fault is *short* when it fits in the retry
budget and *long* when it outlasts it. Reads and cancel/pause/resume retry 408/409/429/5xx,
resets and timeouts; create retries only 429 and failures to connect (see ``ftjobs._retry``).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import ftjobs
from ftjobs.testing import serve

from . import support
from .loopback import RawServer
from .support import ASYNC_OPS, OPERATIONS, SYNC_OPS, TIMEOUT, Admin, FakeClock

ACTIONS = frozenset({"cancel", "pause", "resume"})
OK = None  # the operation returns its result


@dataclass(frozen=True)
class Expect:
    """What a fault leads to: an error class (or OK) and the number of requests sent."""

    error: type[ftjobs.Error] | None
    attempts: int
    #: A refused retry of cancel/pause/resume is followed by one GET of the job, to see if it acted.
    recovered: bool = False


@dataclass(frozen=True)
class Case:
    """A fault queued ``times`` times; what reads, actions and create end in; its extra seconds."""

    spec: str
    times: int
    read: Expect
    create: Expect
    action: Expect | None = None  # cancel/pause/resume, when not as for reads
    waits: float = 0.0  # seconds the fault makes the client wait at least (server hints)
    slow: bool = False
    ops: tuple[str, ...] = OPERATIONS

    @property
    def id(self) -> str:
        return f"{self.spec}x{self.times}"


RLE, ISE = ftjobs.RateLimitError, ftjobs.InternalServerError
ACE, ATE = ftjobs.APIConnectionError, ftjobs.APITimeoutError
RVE, BRE = ftjobs.ResponseValidationError, ftjobs.BadRequestError

CASES = [
    # 429 with Retry-After (seconds) and retry-after-ms: obeyed, for create too.
    Case("429;retry-after=0", 2, Expect(OK, 3), Expect(OK, 3)),
    Case("retry-after-ms=150", 2, Expect(OK, 3), Expect(OK, 3), waits=0.3),
    # A whole second, once per retry class (the header parsing is the same for every operation).
    Case(
        "429;retry-after=1", 1, Expect(OK, 2), Expect(OK, 2), waits=1.0, slow=True, ops=("retrieve", "create")
    ),
    Case("429;retry-after=0", 3, Expect(RLE, 3), Expect(RLE, 3)),
    Case("429;retry-after-ms=10", 3, Expect(RLE, 3), Expect(RLE, 3)),
    # 5xx bursts shorter and longer than the budget; create never repeats after the server answered.
    *(Case(status, 2, Expect(OK, 3), Expect(ISE, 1)) for status in ("500", "502", "503")),
    *(Case(status, 3, Expect(ISE, 3), Expect(ISE, 1)) for status in ("500", "502", "503")),
    # Connection reset before any response byte, and in the middle of the body.
    Case("reset", 1, Expect(OK, 2), Expect(ACE, 1)),
    Case("reset", 3, Expect(ACE, 3), Expect(ACE, 1)),
    # reset-body and truncate act first: a repeated cancel/pause/resume meets the new status (400),
    # and the client then sees, by one retrieve, that the lost first answer did the work.
    Case("reset-body", 1, Expect(OK, 2), Expect(ACE, 1), action=Expect(OK, 2, recovered=True)),
    Case("reset-body", 3, Expect(ACE, 3), Expect(ACE, 1)),
    Case("truncate", 1, Expect(OK, 2), Expect(ACE, 1), action=Expect(OK, 2, recovered=True)),
    Case("truncate", 3, Expect(ACE, 3), Expect(ACE, 1)),
    # A server that never answers.
    Case("hang", 1, Expect(OK, 2), Expect(ATE, 1), slow=True),
    Case("hang", 3, Expect(ATE, 3), Expect(ATE, 1), slow=True),
    # A slow answer: within the timeout, and past it (the late answer is ignored).
    Case("delay=0.1", 1, Expect(OK, 1), Expect(OK, 1)),
    Case("delay=0.6", 1, Expect(OK, 2), Expect(ATE, 1), slow=True),
    # Bodies that are not the documented JSON.
    Case("non-json", 1, Expect(RVE, 1), Expect(RVE, 1)),
    Case("html", 1, Expect(RVE, 1), Expect(RVE, 1)),
    Case("html=502", 1, Expect(OK, 2), Expect(ISE, 1)),
    Case("html=502", 3, Expect(ISE, 3), Expect(ISE, 1)),
    Case("wrong-type", 1, Expect(RVE, 1), Expect(RVE, 1)),
    # An empty answer is no job; to cancel/pause/resume it is the answer a gateway gives (Bedrock
    # through Portkey): a Job with what is known (README, "Answers that are not a job").
    Case("empty", 1, Expect(RVE, 1), Expect(RVE, 1), action=Expect(OK, 1)),
]


def expected(case: Case, op: str) -> Expect:
    if op == "create":
        return case.create
    if op in ACTIONS and case.action is not None:
        return case.action
    return case.read


def budget(case: Case, attempts: int) -> float:
    """Seconds a case may take at most: every attempt timing out, the hints, the backoff, slack."""
    return attempts * TIMEOUT + case.waits + attempts * support.POLICY.max_delay + 1.0


PARAMS = [
    pytest.param(case, op, mode, id=f"{case.id}-{op}-{mode}", marks=[pytest.mark.slow] if case.slow else [])
    for case in CASES
    for op in case.ops
    for mode in ("sync", "async")
]


@dataclass
class Local:
    """The module's local server, its clock, its admin API and a fault-free client for setup."""

    url: str
    clock: FakeClock
    admin: Admin
    setup: ftjobs.Client


@pytest.fixture(scope="module")
def server() -> Iterator[Local]:
    """One local server for the module, on a clock that moves only when a test moves it."""
    clock = FakeClock()
    with serve(clock=clock, step_seconds=support.STEP) as url, support.client(url, timeout=10.0) as setup:
        admin = Admin(url)
        yield Local(url, clock, admin, setup)
        admin.close()


def prepare(local: Local, op: str) -> str:
    """A fresh job in the status the operation needs (running for pause, paused for resume)."""
    jobs = local.setup.jobs
    job = jobs.create(**support.CREATE_ARGS)
    if op in ("pause", "resume"):
        local.clock.advance(2.5 * support.STEP)  # validating_files -> queued -> running
        assert jobs.retrieve(job.id).status is ftjobs.JobStatus.RUNNING
    if op == "resume":
        assert jobs.pause(job.id).status is ftjobs.JobStatus.PAUSED
    return job.id


def run(url: str, op: str, mode: str, job_id: str) -> object:
    if mode == "sync":
        with support.client(url) as client:
            return SYNC_OPS[op](client.jobs, job_id)

    async def main() -> object:
        async with support.async_client(url) as client:
            return await ASYNC_OPS[op](client.jobs, job_id)

    return asyncio.run(main())


@pytest.mark.parametrize(("case", "op", "mode"), PARAMS)
def test_fault(server: Local, case: Case, op: str, mode: str) -> None:
    """The fault ends in the expected result or ftjobs error, after the expected requests, in time."""
    url, admin = server.url, server.admin
    job_id = prepare(server, op)
    method, path = support.request_line(op, job_id)
    want = expected(case, op)
    admin.clear_faults()
    admin.clear_requests()
    admin.queue(case.spec, times=case.times, path=path, method=method)
    started = time.monotonic()
    try:
        result: object = run(url, op, mode, job_id)
        error: BaseException | None = None
    except BaseException as exc:  # any exception at all is classified below
        result, error = None, exc
    elapsed = time.monotonic() - started
    admin.clear_faults()
    total = want.attempts + (1 if want.recovered else 0)
    seen = admin.settled_requests(total, grace=0.1 if case.spec.startswith("delay") else 0.0)

    if want.error is None:
        assert error is None, f"expected a result, got {error!r}"
        assert isinstance(result, ftjobs.Job | ftjobs.Page | ftjobs.AsyncPage)
        if op in ("retrieve", *ACTIONS):
            assert isinstance(result, ftjobs.Job)
            assert result.id == job_id
    else:
        assert type(error) is want.error, f"expected {want.error.__name__}, got {error!r}"
    recovery = [("GET", path.rsplit("/", 1)[0])] if want.recovered else []
    assert [(e["method"], e["path"].split("?")[0]) for e in seen] == [
        (method, path)
    ] * want.attempts + recovery
    assert case.waits <= elapsed < budget(case, total)


def test_matrix_covers_every_operation_and_both_modes() -> None:
    """Every operation appears with every fault kind, sync and async (the matrix is not thinned)."""
    ops_by_spec: dict[str, set[tuple[str, str]]] = {}
    for case, op, mode in (p.values for p in PARAMS):
        ops_by_spec.setdefault(case.spec, set()).add((op, mode))
    everything = {(op, mode) for op in OPERATIONS for mode in ("sync", "async")}
    thinned = {spec for spec, combos in ops_by_spec.items() if combos != everything}
    assert thinned == {"429;retry-after=1"}  # its 0-second twin runs everywhere
    kinds = {case.spec.split(";")[0].split("=")[0] for case in CASES}
    assert kinds >= {"429", "retry-after-ms", "500", "502", "503", "reset", "reset-body", "truncate"}
    assert kinds >= {"hang", "delay", "non-json", "html", "wrong-type", "empty"}


def test_cancel_whose_answer_was_lost_reports_the_cancelled_job(server: Local) -> None:
    """A cancel whose response is cut off and retried returns the cancelled job, not an error."""
    url, admin = server.url, server.admin
    job_id = prepare(server, "cancel")
    admin.queue("reset-body", times=1, path=f"/v1/fine_tuning/jobs/{job_id}/cancel", method="POST")
    try:
        with support.client(url) as client:
            assert client.jobs.cancel(job_id).status is ftjobs.JobStatus.CANCELLED
    finally:
        admin.clear_faults()


# --- wait(): its polls ride out faults like any read --------------------------------------------

WAIT_CASES = [
    Case("503", 2, Expect(OK, 3), Expect(OK, 3)),
    Case("reset", 2, Expect(OK, 3), Expect(OK, 3)),
    Case("429;retry-after=0", 2, Expect(OK, 3), Expect(OK, 3)),
    Case("truncate", 2, Expect(OK, 3), Expect(OK, 3)),
    Case("503", 3, Expect(ISE, 3), Expect(ISE, 3)),
    Case("hang", 3, Expect(ATE, 3), Expect(ATE, 3), slow=True),
]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("case", WAIT_CASES, ids=lambda case: case.id)
def test_wait_through_a_fault(server: Local, case: Case, mode: str) -> None:
    """wait() on a finished job returns it through a short burst, or raises the ftjobs error."""
    job_id = prepare(server, "retrieve")
    server.clock.advance(100 * support.STEP)  # every job created so far has finished
    method, path = support.request_line("retrieve", job_id)
    server.admin.clear_requests()
    server.admin.queue(case.spec, times=case.times, path=path, method=method)
    started = time.monotonic()
    try:
        if mode == "sync":
            with support.client(server.url) as client:
                job: ftjobs.Job | None = client.jobs.wait(job_id, timeout=10.0, poll_interval=0.01)
        else:

            async def main() -> ftjobs.Job:
                async with support.async_client(server.url) as client:
                    return await client.jobs.wait(job_id, timeout=10.0, poll_interval=0.01)

            job = asyncio.run(main())
        error: BaseException | None = None
    except BaseException as exc:  # any exception at all is classified below
        job, error = None, exc
    finally:
        server.admin.clear_faults()
    if case.read.error is None:
        assert error is None, f"expected the job, got {error!r}"
        assert job is not None
        assert job.status is ftjobs.JobStatus.SUCCEEDED
    else:
        assert type(error) is case.read.error, f"expected {case.read.error.__name__}, got {error!r}"
    seen = server.admin.settled_requests(case.read.attempts)
    assert [(e["method"], e["path"]) for e in seen] == [(method, path)] * case.read.attempts
    assert time.monotonic() - started < budget(case, case.read.attempts)


# --- a slow body: bytes trickle in (no fault SPEC does this, so a raw socket does) -------------

JOB_BODY = (
    b'{"object": "fine_tuning.job", "id": "ftjob-drip", "status": "running", "model": "gpt-4o-mini",'
    b' "created_at": 1721764800, "result_files": [], "training_file": "file-abc123"}'
)


def drip(*, chunk: int, gap: float, stall: float = 0.0) -> RawServer:
    """A RawServer answering JOB_BODY ``chunk`` bytes every ``gap`` seconds, with one ``stall``
    (seconds) after the first chunk."""
    stop = threading.Event()

    def respond(conn: socket.socket, line: str) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(JOB_BODY)}\r\nConnection: close\r\n\r\n"
        )
        conn.sendall(head.encode())
        for index in range(0, len(JOB_BODY), chunk):
            conn.sendall(JOB_BODY[index : index + chunk])
            if stop.wait(stall if index == 0 and stall else gap):
                return

    server = RawServer(respond)
    server.on_exit = stop.set
    return server


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_slow_body_within_the_timeout_is_read_whole(mode: str) -> None:
    """A body trickling in well within the attempt's total time limit is read to the end: one request."""
    with drip(chunk=32, gap=0.01) as server:
        job = run(server.url, "retrieve", mode, "ftjob-drip")
        assert isinstance(job, ftjobs.Job)
        assert job.id == "ftjob-drip"
        assert len(server.requests) == 1


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_slow_body_stalling_past_the_timeout_times_out_after_every_attempt(mode: str) -> None:
    """A body that stalls longer than the read timeout ends in APITimeoutError after 3 requests."""
    with drip(chunk=16, gap=0.01, stall=3 * TIMEOUT) as server:
        started = time.monotonic()
        with pytest.raises(ftjobs.APITimeoutError):
            run(server.url, "retrieve", mode, "ftjob-drip")
        assert time.monotonic() - started < 3 * TIMEOUT + 1.5
        assert len(server.requests) == 3
