"""Raw responses, request ids, to_dict/to_json, next_page() and with_options(), sync and async:
over the probe (mock) transport and against the local server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

import ftjobs
from ftjobs import AsyncPage, Job, Page
from ftjobs.testing import serve
from tests.facade.helpers import Recorder, job_json, make_async_client, make_client

KEY = "sk-ftjobs-local"
JOB = "ftjob-abc123"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    """A fast local server holding three jobs."""
    with serve(step_seconds=0.03) as base:
        with ftjobs.Client(api_key=KEY, base_url=base) as client:
            for n in range(3):
                client.jobs.create(model="gpt-4o-mini", training_file="file-abc123", suffix=f"p{n}")
        yield base


# --- request ids and exports ------------------------------------------------------------------------


def test_results_carry_the_request_id(url: str) -> None:
    """Job, page and the page's items carry the x-request-id of their response; raw agrees."""
    with ftjobs.Client(api_key=KEY, base_url=url) as client:
        job = next(iter(client.jobs.list()))
        assert job.request_id and job.request_id.startswith("req_")
        fetched = client.jobs.retrieve(job.id)
        assert fetched.request_id and fetched.request_id != job.request_id
        page = client.jobs.list(limit=2).first_page()
        assert page.request_id and all(item.request_id == page.request_id for item in page.items)
        raw = client.jobs.with_raw_response.retrieve(job.id)
        assert raw.status_code == 200
        assert raw.request_id == raw.headers["x-request-id"] == raw.parse().request_id
        assert raw.parse() is raw.parse()  # parsed once
        assert raw.parse().id == fetched.id
    assert Job.from_dict(job_json()) == Job.from_dict(job_json())  # request_id is not part of equality
    assert Job(id="ftjob-x", status=ftjobs.JobStatus.RUNNING).request_id is None


def test_to_dict_keeps_every_raw_key_and_is_a_copy() -> None:
    """to_dict is the object as sent (unknown keys too), JSON-ready, and changing it changes nothing."""
    sent = job_json(brand_new_field={"nested": [1, 2]})
    job = Job.from_dict(sent)
    out = job.to_dict()
    assert out == sent
    out["brand_new_field"]["nested"].append(3)
    assert job.raw["brand_new_field"]["nested"] == [1, 2]
    assert json.loads(job.to_json()) == sent
    assert job.to_json(indent=2).startswith("{\n  ")
    event = ftjobs.JobEvent.from_dict(
        {"object": "fine_tuning.job.event", "id": "e1", "level": "info", "x": 1}
    )
    assert event.to_dict()["x"] == 1
    checkpoint = ftjobs.Checkpoint.from_dict(
        {"id": "c1", "step_number": 3, "metrics": {"step": 3.0}, "y": True}
    )
    assert json.loads(checkpoint.to_json()) == checkpoint.raw


def test_to_dict_of_an_object_built_by_hand() -> None:
    """Without raw: the fields, times as Unix seconds and the status as its value; JSON-serialisable."""
    import datetime as dt

    when = dt.datetime(2024, 7, 23, 20, 0, tzinfo=dt.UTC)
    job = Job(id="ftjob-x", status=ftjobs.JobStatus.SUCCEEDED, created_at=when, result_files=("file-1",))
    out = job.to_dict()
    assert out["id"] == "ftjob-x" and out["status"] == "succeeded"
    assert out["created_at"] == 1721764800 and out["result_files"] == ["file-1"]
    assert "raw" not in out and "request_id" not in out
    assert json.loads(job.to_json()) == out


# --- pages ------------------------------------------------------------------------------------------


def test_next_page_walks_every_page_then_none(url: str) -> None:
    """first_page().next_page() ... visits what iterating visits, with the same options; None at the end."""
    with ftjobs.Client(api_key=KEY, base_url=url) as client:
        every = [job.id for job in client.jobs.list()]
        page: Page[Job] | None = client.jobs.list(limit=1, timeout=10).first_page()
        seen: list[str] = []
        while page is not None:
            seen.extend(job.id for job in page.items)
            page = page.next_page()
        assert seen == every and len(every) >= 3
        after = client.jobs.list(after=every[0], limit=10).first_page()
        assert [job.id for job in after.items] == every[1:]
        assert [job.id for job in client.jobs.list(after=every[1])] == every[2:]
    assert Page(items=(), has_more=True, next_after="x").next_page() is None  # not from a call


def test_async_next_page_and_after(url: str) -> None:
    """The async twin: AsyncPage.next_page() is awaited; after= starts the walk."""

    async def go() -> tuple[list[str], list[str], list[str]]:
        async with ftjobs.AsyncClient(api_key=KEY, base_url=url) as client:
            every = [job.id async for job in client.jobs.list()]
            page: AsyncPage[Job] | None = await client.jobs.list(limit=2).first_page()
            seen: list[str] = []
            while page is not None:
                assert isinstance(page, AsyncPage) and page.request_id
                seen.extend(job.id for job in page.items)
                page = await page.next_page()
            rest = [job.id async for job in client.jobs.list(after=every[0])]
            return every, seen, rest

    every, seen, rest = asyncio.run(go())
    assert seen == every and rest == every[1:]


def test_next_page_keeps_the_list_options() -> None:
    """The page after carries the list's own arguments and per-call options (probe)."""
    pages = [
        {"object": "list", "data": [job_json("ftjob-1")], "has_more": True},
        {"object": "list", "data": [job_json("ftjob-2")], "has_more": False},
    ]
    recorder = Recorder(lambda r: httpx2.Response(200, json=pages[len(recorder.requests) - 1]))
    with make_client(recorder) as client:
        first = client.jobs.list(limit=1, metadata={"team": "x"}, extra_headers={"X-T": "1"}).first_page()
        second = first.next_page()
        assert second is not None and [j.id for j in second.items] == ["ftjob-2"]
        assert second.next_page() is None
    later = recorder.requests[1]
    assert later.url.params["after"] == "ftjob-1" and later.url.params["limit"] == "1"
    assert later.url.params["metadata[team]"] == "x" and later.headers["x-t"] == "1"
    assert len(recorder.requests) == 2


# --- raw responses ----------------------------------------------------------------------------------


def _api(request: httpx2.Request) -> httpx2.Response:
    path = request.url.path
    headers = {"x-request-id": "req_raw", "x-extra": "1"}
    if path.endswith(("/events", "/checkpoints")) or (path.endswith("/jobs") and request.method == "GET"):
        item = (
            {"object": "fine_tuning.job.event", "id": "e1", "level": "info"}
            if path.endswith("/events")
            else {"id": "c1", "step_number": 1}
            if path.endswith("/checkpoints")
            else job_json()
        )
        return httpx2.Response(
            200, json={"object": "list", "data": [item], "has_more": False}, headers=headers
        )
    status = {"cancel": "cancelled", "pause": "paused", "resume": "running"}.get(
        path.rsplit("/", 1)[-1], "succeeded"
    )
    return httpx2.Response(
        201 if request.method == "POST" else 200, json=job_json(status=status), headers=headers
    )


RAW_CALLS: list[tuple[str, Any]] = [
    ("retrieve", lambda r: r.retrieve(JOB, timeout=5)),
    ("create", lambda r: r.create(model="m", training_file="file-1", max_retries=0)),
    ("cancel", lambda r: r.cancel(JOB)),
    ("pause", lambda r: r.pause(JOB)),
    ("resume", lambda r: r.resume(JOB)),
    ("list", lambda r: r.list(limit=1)),
    ("events", lambda r: r.events(JOB, after="e0")),
    ("checkpoints", lambda r: r.checkpoints(JOB)),
    ("wait", lambda r: r.wait(JOB, request_timeout=5)),
]


@pytest.mark.parametrize(("name", "call"), RAW_CALLS, ids=[c[0] for c in RAW_CALLS])
def test_with_raw_response_every_method(name: str, call: Any) -> None:
    """status_code, headers, request_id and parse() (the typed result), sync and async."""
    expected = {
        "list": Page,
        "events": Page,
        "checkpoints": Page,
    }.get(name, Job)
    with make_client(_api) as client:
        raw = call(client.jobs.with_raw_response)
        assert raw.status_code == (201 if name in ("create", "cancel", "pause", "resume") else 200)
        assert raw.headers["x-extra"] == "1" and raw.request_id == "req_raw"
        parsed = raw.parse()
        assert isinstance(parsed, expected) and parsed.request_id == "req_raw"
        assert "RawResponse" in repr(raw) and raw.json is not None

    async def go() -> Any:
        async with make_async_client(_api) as client:
            return (await call(client.jobs.with_raw_response)).parse()

    parsed = asyncio.run(go())
    assert isinstance(parsed, AsyncPage if expected is Page else Job) and parsed.request_id == "req_raw"


def test_raw_parse_of_a_bad_body_is_a_located_validation_error() -> None:
    """parse() of a body that is not a job: ResponseValidationError with the status and request id."""

    def bad(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={"object": "fine_tuning.job"}, headers={"x-request-id": "req_bad"})

    with make_client(bad) as client:
        raw = client.jobs.with_raw_response.retrieve(JOB)
        assert raw.status_code == 200
        with pytest.raises(ftjobs.ResponseValidationError) as caught:
            raw.parse()
    assert caught.value.request_id == "req_bad" and caught.value.status_code == 200


# --- with_options -----------------------------------------------------------------------------------


def test_with_options_shares_the_pool_and_not_its_ownership(url: str) -> None:
    """The copy has its own settings, sends on the same pool; closing it leaves the original working;
    closing the original ends the copy too."""
    client = ftjobs.Client(api_key=KEY, base_url=url, max_retries=3)
    job = next(iter(client.jobs.list()))
    copy = client.with_options(timeout=4, max_retries=0, default_headers={"X-Copy": "1"})
    assert copy._engine.http is client._engine.http
    assert copy._settings.timeout.read == 4 and copy._settings.retry.max_retries == 0
    assert client._settings.retry.max_retries == 3 and "X-Copy" not in client._settings.headers
    assert copy.jobs.retrieve(job.id).id == job.id
    copy.close()
    assert client.jobs.retrieve(job.id).id == job.id
    other = client.with_options(max_retries=1)
    client.close()
    with pytest.raises(ftjobs.APIConnectionError, match="closed"):
        other.jobs.retrieve(job.id)


def test_with_options_async(url: str) -> None:
    """AsyncClient.with_options: same pool, the copy's close leaves the original open."""

    async def go() -> None:
        async with ftjobs.AsyncClient(api_key=KEY, base_url=url) as client:
            copy = client.with_options(timeout=3)
            assert copy._engine.http is client._engine.http
            job = await client.jobs.retrieve((await client.jobs.list().first_page()).items[0].id)
            assert (await copy.jobs.retrieve(job.id)).id == job.id
            await copy.close()
            assert (await client.jobs.retrieve(job.id)).id == job.id

    asyncio.run(go())


def test_with_options_checks_like_the_constructor() -> None:
    """Unknown or bad options and verify: ConfigurationError; max_retries replaces a retry policy."""
    with make_client(_api) as client:
        with pytest.raises(ftjobs.ConfigurationError, match="did you mean 'timeout'"):
            client.with_options(timout=3)  # type: ignore[call-arg]
        with pytest.raises(ftjobs.ConfigurationError, match="timeout"):
            client.with_options(timeout=-1)
        with pytest.raises(ftjobs.ConfigurationError, match="verify"):
            client.with_options(verify=False)
        assert client.with_options(max_retries=0)._settings.retry.max_retries == 0
        recorder = Recorder(_api)
        copy = make_client(recorder).with_options(default_headers={"X-A": "b"})
        copy.jobs.retrieve(JOB)
        assert recorder.requests[0].headers["x-a"] == "b"
