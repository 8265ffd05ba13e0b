"""AsyncClient mirrors Client: operations, pagination, errors, retries, wait, cancellation."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import pytest

import ftjobs
from ftjobs import JobStatus

from .helpers import SECRET, Recorder, job_json, make_async_client


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_async_operations() -> None:
    """retrieve/create/cancel/pause/resume await the same requests as the sync client."""
    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json(status="queued")))

    async def main() -> list[ftjobs.Job]:
        async with make_async_client(recorder) as client:
            return [
                await client.jobs.retrieve("ftjob-abc123"),
                await client.jobs.create(model="m", training_file="f", seed=7),
                await client.jobs.cancel("ftjob-abc123"),
                await client.jobs.pause("ftjob-abc123"),
                await client.jobs.resume("ftjob-abc123"),
            ]

    jobs = run(main())
    assert all(j.status is JobStatus.QUEUED for j in jobs)
    assert [(r.method, r.url.path.rsplit("/", 1)[-1]) for r in recorder.requests] == [
        ("GET", "ftjob-abc123"),
        ("POST", "jobs"),
        ("POST", "cancel"),
        ("POST", "pause"),
        ("POST", "resume"),
    ]
    assert json.loads(recorder.requests[1].content) == {"model": "m", "training_file": "f", "seed": 7}


def test_async_pagination() -> None:
    """`async for` walks every page lazily."""
    items = [job_json(f"ftjob-{i}") for i in range(5)]

    def handler(request: httpx2.Request) -> httpx2.Response:
        after = request.url.params.get("after")
        start = 0 if after is None else int(after.split("-")[1]) + 1
        return httpx2.Response(
            200, json={"object": "list", "data": items[start : start + 2], "has_more": start + 2 < 5}
        )

    recorder = Recorder(handler)

    async def main() -> list[str]:
        client = make_async_client(recorder)
        pager = client.jobs.list(limit=2)
        assert recorder.requests == []
        return [job.id async for job in pager]

    assert run(main()) == [f"ftjob-{i}" for i in range(5)]
    assert len(recorder.requests) == 3


def test_async_errors_and_retries() -> None:
    """Retries then errors map exactly as in sync; secrets stay out."""
    recorder = Recorder(
        lambda r: httpx2.Response(
            503, json={"error": {"message": f"down {SECRET}"}}, headers={"x-request-id": "req_9"}
        )
    )

    async def main() -> None:
        await make_async_client(recorder).jobs.retrieve("ftjob-abc123")

    with pytest.raises(ftjobs.InternalServerError) as info:
        run(main())
    assert len(recorder.requests) == 3
    assert "req_9" in str(info.value) and SECRET not in str(info.value)


def test_async_validation_error() -> None:
    """A non-JSON body raises ResponseValidationError in async too."""

    async def main() -> None:
        await make_async_client(lambda r: httpx2.Response(200, text="<html/>")).jobs.retrieve("ftjob-1")

    with pytest.raises(ftjobs.ResponseValidationError):
        run(main())


def test_async_wait_and_cancellation(monkeypatch: pytest.MonkeyPatch) -> None:
    """wait() reaches the terminal job; cancelling the task stops it with CancelledError."""
    statuses = iter(["queued", "running", "succeeded"])
    client = make_async_client(lambda r: httpx2.Response(200, json=job_json(status=next(statuses))))
    updates: list[str] = []

    async def main() -> ftjobs.Job:
        return await client.jobs.wait(
            "ftjob-abc123", poll_interval=0.001, on_update=lambda j: updates.append(j.status.value)
        )

    assert run(main()).status is JobStatus.SUCCEEDED
    assert updates == ["queued", "running", "succeeded"]

    forever = make_async_client(lambda r: httpx2.Response(200, json=job_json(status="running")))

    async def cancel_it() -> None:
        task = asyncio.create_task(forever.jobs.wait("ftjob-abc123", poll_interval=0.01))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(cancel_it())


def test_async_wait_timeout() -> None:
    """WaitTimeoutError in async carries the last job."""
    client = make_async_client(lambda r: httpx2.Response(200, json=job_json(status="running")))

    async def main() -> None:
        await client.jobs.wait("ftjob-abc123", timeout=0.05, poll_interval=0.01)

    with pytest.raises(ftjobs.WaitTimeoutError) as info:
        run(main())
    assert info.value.job is not None


def test_async_repr_has_no_secret() -> None:
    """repr(AsyncClient) shows provider and URL only."""
    client = ftjobs.AsyncClient(api_key=SECRET)
    assert SECRET not in repr(client)
    assert repr(client) == "AsyncClient(provider='openai', base_url='https://api.openai.com/v1')"
