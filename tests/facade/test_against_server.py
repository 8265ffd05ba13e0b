"""The facade end to end against the bundled local server on 127.0.0.1 (sync and async)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx2
import pytest

import ftjobs
from ftjobs import JobStatus
from ftjobs.testing import admin_url, serve

KEY = "sk-ftjobs-local"
#: The admin API takes the same key as /v1.
ADMIN = {"Authorization": f"Bearer {KEY}"}
FAST = ftjobs.RetryPolicy(max_retries=2, initial_delay=0.01, max_delay=0.05)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    """A fast local server."""
    with serve(step_seconds=0.03) as base:
        yield base


def _requests(url: str) -> list[dict[str, object]]:
    log = httpx2.get(admin_url(url, "requests"), headers=ADMIN).json()
    return list(log["data"] if isinstance(log, dict) else log)


def _queue(url: str, fault: str, times: int) -> None:
    httpx2.delete(admin_url(url, "requests"), headers=ADMIN).raise_for_status()
    httpx2.post(
        admin_url(url, "faults"), json={"fault": fault, "times": times}, headers=ADMIN
    ).raise_for_status()


def test_full_lifecycle_with_wait_and_events(url: str) -> None:
    """create -> wait (status updates, events) -> succeeded job with checkpoints, all typed."""
    with ftjobs.Client(api_key=KEY, base_url=url) as client:
        job = client.jobs.create(
            model="gpt-4o-mini", training_file="file-abc123", metadata={"case": "lifecycle"}
        )
        assert job.status is JobStatus.VALIDATING_FILES
        updates: list[JobStatus] = []
        messages: list[str] = []
        done = client.jobs.wait(
            job.id,
            poll_interval=0.01,
            max_poll_interval=0.02,
            on_update=lambda j: updates.append(j.status),
            on_event=lambda e: messages.append(e.message or ""),
        )
        assert done.status is JobStatus.SUCCEEDED
        assert updates[-1] is JobStatus.SUCCEEDED
        assert len(updates) == len(set(updates))
        assert messages[0].startswith("Created fine-tuning job")
        assert messages[-1] == "The job has successfully completed"
        assert len(messages) == len(set(messages))
        assert done.fine_tuned_model
        assert done.trained_tokens
        assert done.finished_at is not None
        assert done.metadata == {"case": "lifecycle"}
        checkpoints = list(client.jobs.checkpoints(job.id, limit=1))
        assert len(checkpoints) >= 2
        assert all(c.fine_tuning_job_id == job.id for c in checkpoints)


def test_pagination_across_pages_and_metadata_filter(url: str) -> None:
    """list() walks several pages of the real server and filters by metadata."""
    with ftjobs.Client(api_key=KEY, base_url=url) as client:
        ids = {client.jobs.create(model="m", training_file="f", metadata={"batch": "p"}).id for _ in range(5)}
        seen = [j.id for j in client.jobs.list(limit=2, metadata={"batch": "p"})]
        assert set(seen) == ids
        assert len(seen) == 5
        assert len(list(client.jobs.list(limit=3))) >= 6


@pytest.mark.parametrize(
    ("fault", "times", "attempts", "outcome"),
    [
        ("503", 2, 3, None),
        ("429", 1, 2, None),
        ("reset", 2, 3, None),
        ("truncate", 1, 2, None),
        ("500", 3, 3, ftjobs.InternalServerError),
        ("non-json", 1, 1, ftjobs.ResponseValidationError),
    ],
)
def test_retries_against_injected_faults(
    url: str, fault: str, times: int, attempts: int, outcome: type[Exception] | None
) -> None:
    """Injected faults: retried to success within the budget, or the documented error; counted requests."""
    _queue(url, fault, times)
    with ftjobs.Client(api_key=KEY, base_url=url, retry=FAST, timeout=2.0) as client:
        if outcome is None:
            assert client.jobs.retrieve("ftjob-abc123").id == "ftjob-abc123"
        else:
            with pytest.raises(outcome):
                client.jobs.retrieve("ftjob-abc123")
    hits = [r for r in _requests(url) if str(r.get("path", "")).startswith("/v1/")]
    assert len(hits) == attempts
    httpx2.delete(admin_url(url, "faults"), headers=ADMIN)


def test_async_lifecycle_and_retry(url: str) -> None:
    """AsyncClient: create, wait, list concurrently, and a retried 502."""

    async def main() -> None:
        async with ftjobs.AsyncClient(api_key=KEY, base_url=url, retry=FAST) as client:
            jobs = await asyncio.gather(*(client.jobs.create(model="m", training_file="f") for _ in range(4)))
            done = await asyncio.gather(*(client.jobs.wait(j.id, poll_interval=0.01) for j in jobs))
            assert {d.status for d in done} == {JobStatus.SUCCEEDED}
            listed = [j.id async for j in client.jobs.list(limit=2)]
            assert {j.id for j in jobs} <= set(listed)
            _queue(url, "502", 1)
            assert (await client.jobs.retrieve(jobs[0].id)).id == jobs[0].id

    asyncio.run(main())
    assert len([r for r in _requests(url) if str(r.get("path", "")).startswith("/v1/")]) == 2


def test_auth_failure_and_not_found(url: str) -> None:
    """A wrong key is AuthenticationError (401); an unknown id NotFoundError; both carry request ids."""
    with (
        ftjobs.Client(api_key="sk-wrong", base_url=url) as client,
        pytest.raises(ftjobs.AuthenticationError) as info,
    ):
        client.jobs.retrieve("ftjob-abc123")
    assert info.value.request_id
    with ftjobs.Client(api_key=KEY, base_url=url) as client, pytest.raises(ftjobs.NotFoundError) as missing:
        client.jobs.retrieve("ftjob-does-not-exist")
    assert missing.value.request_id
    assert missing.value.request_id in str(missing.value)


def test_portkey_headers_accepted(url: str) -> None:
    """The Portkey preset (api key + virtual key) against a self-hosted gateway URL."""
    with ftjobs.Client(provider="portkey", api_key=KEY, virtual_key="vk-local", base_url=url) as client:
        assert client.jobs.retrieve("ftjob-abc123").status is JobStatus.SUCCEEDED
