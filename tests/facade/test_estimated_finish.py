"""`estimated_finish: 0` is the API's "not known": `Job.estimated_finish` is None, never 1970-01-01."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx2
import pytest

import ftjobs

from .helpers import job_json, make_async_client, make_client


@pytest.mark.parametrize("unknown", [0, 0.0, None])
def test_zero_and_null_read_as_none(unknown: object) -> None:
    """0 (as integer or number) and null are both "unknown"; raw keeps what the API sent."""
    job = ftjobs.Job.from_dict(job_json(estimated_finish=unknown))
    assert job.estimated_finish is None
    assert job.raw["estimated_finish"] == unknown


def test_a_real_time_is_a_utc_datetime() -> None:
    """Any other Unix time is the aware UTC datetime it names (1 second after the epoch included)."""
    assert ftjobs.Job.from_dict(job_json(estimated_finish=1721764800)).estimated_finish == dt.datetime(
        2024, 7, 23, 20, 0, tzinfo=dt.UTC
    )
    one = ftjobs.Job.from_dict(job_json(estimated_finish=1)).estimated_finish
    assert one == dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=dt.UTC)


def test_zero_is_not_known_for_every_time() -> None:
    """0 is "not known" for every timestamp (issue 23: the gateways' backends send 0 and NaN for
    times they do not have), and 1 second after the epoch is still a time."""
    job = ftjobs.Job.from_dict(job_json(created_at=0, estimated_finish=0, finished_at=1))
    assert (job.created_at, job.estimated_finish) == (None, None)
    assert job.finished_at == dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize("bad", [False, "0", -1e300])
def test_wrong_values_are_still_errors(bad: object) -> None:
    """A boolean or a string is not a timestamp (False == 0 in Python, but not in JSON)."""
    with pytest.raises(ftjobs.ResponseValidationError, match="estimated_finish"):
        ftjobs.Job.from_dict(job_json(estimated_finish=bad))


def test_client_calls_return_none_for_zero() -> None:
    """retrieve and list (sync and async) read 0 as None."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/jobs"):
            return httpx2.Response(200, json={"object": "list", "data": [job_json(estimated_finish=0)]})
        return httpx2.Response(200, json=job_json(estimated_finish=0))

    with make_client(handler) as client:
        assert client.jobs.retrieve("ftjob-abc123").estimated_finish is None
        assert [job.estimated_finish for job in client.jobs.list()] == [None]

    async def main() -> None:
        async with make_async_client(handler) as client:
            assert (await client.jobs.retrieve("ftjob-abc123")).estimated_finish is None
            assert [job.estimated_finish async for job in client.jobs.list()] == [None]

    asyncio.run(main())
