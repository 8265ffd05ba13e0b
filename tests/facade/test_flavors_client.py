"""Every client operation, sync and async, and the CLI, against every server flavor
(`ftjobs serve --flavor`): the jobs each backend gives back read as the same Job."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import ftjobs
from ftjobs import JobStatus
from ftjobs.testing import serve

KEY = "sk-ftjobs-local"
FLAVORS = ("openai", "azure", "portkey-bedrock", "portkey-vertex", "portkey-fireworks")
GATEWAY = ("portkey-bedrock", "portkey-vertex", "portkey-fireworks")
#: What a create sends beside model and training_file: Bedrock needs a role (the gateway's config).
EXTRA = {"portkey-bedrock": {"role_arn": "arn:aws:iam::123456789012:role/ft", "job_name": "ftjobs-test"}}


@pytest.fixture(scope="module", params=FLAVORS)
def flavor_url(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """One slow server per flavor (jobs stay active for the test), and its flavor."""
    with serve(flavor=request.param, step_seconds=30.0, seed_examples=False) as url:
        yield request.param, url


def _client_options(flavor: str, url: str) -> dict[str, Any]:
    if flavor == "azure":
        return {"provider": "azure", "base_url": url.removesuffix("/v1")}
    if flavor in GATEWAY:
        return {"provider": "portkey", "virtual_key": f"vk-{flavor}", "base_url": url}
    return {"base_url": url}


def _recent(moment: dt.datetime | None) -> bool:
    now = dt.datetime.now(dt.UTC)
    return moment is not None and abs((now - moment).total_seconds()) < 3600


def _check_created(flavor: str, job: ftjobs.Job) -> None:
    if flavor == "portkey-bedrock":  # {id} only: what is known
        assert job.id.startswith("arn%3Aaws%3Abedrock%3A") and job.status.is_unknown
        assert job.model == "gpt-4o-mini"
    else:
        assert job.status in (JobStatus.VALIDATING_FILES, JobStatus.PENDING, JobStatus.QUEUED)
        assert _recent(job.created_at)


def _check_retrieved(flavor: str, job: ftjobs.Job, job_id: str) -> None:
    assert job.id == job_id
    assert _recent(job.created_at)  # seconds or milliseconds, read right
    assert job.finished_at is None and job.error is None
    assert job.status.is_active


def test_every_operation_sync(flavor_url: tuple[str, str]) -> None:
    flavor, url = flavor_url
    with ftjobs.Client(api_key=KEY, **_client_options(flavor, url)) as client:
        extra = EXTRA.get(flavor)
        created = client.jobs.create(model="gpt-4o-mini", training_file="file-t", **(extra or {}))
        _check_created(flavor, created)
        _check_retrieved(flavor, client.jobs.retrieve(created.id), created.id)
        assert created.id in [job.id for job in client.jobs.list()]
        if flavor in GATEWAY:
            with pytest.raises(ftjobs.NotFoundError):
                list(client.jobs.events(created.id))
            with pytest.raises(ftjobs.NotFoundError):
                list(client.jobs.checkpoints(created.id))
            with pytest.raises(ftjobs.NotFoundError):
                client.jobs.metrics(created.id)
        else:
            assert all(event.id for event in client.jobs.events(created.id))
            assert list(client.jobs.checkpoints(created.id)) == []
            assert len(client.jobs.metrics(created.id)) == 0
            for action in ("pause", "resume"):  # a job still validating neither pauses nor resumes
                with pytest.raises(ftjobs.BadRequestError, match=f"Cannot {action}"):
                    getattr(client.jobs, action)(created.id)
        if flavor in GATEWAY:  # through the gateway, pause and resume are its cancel route
            for action in ("pause", "resume"):
                other = client.jobs.create(model="gpt-4o-mini", training_file="file-t", extra_body=extra)
                assert getattr(client.jobs, action)(other.id).id == other.id
                assert client.jobs.retrieve(other.id).status is JobStatus.CANCELLED
        cancelled = client.jobs.cancel(created.id)
        assert cancelled.id == created.id
        assert cancelled.status in (JobStatus.CANCELLED, JobStatus("unknown"))
        assert client.jobs.retrieve(created.id).status is JobStatus.CANCELLED


def test_every_operation_async(flavor_url: tuple[str, str]) -> None:
    flavor, url = flavor_url

    async def main() -> None:
        async with ftjobs.AsyncClient(api_key=KEY, **_client_options(flavor, url)) as client:
            created = await client.jobs.create(
                model="gpt-4o-mini", training_file="file-t", extra_body=EXTRA.get(flavor)
            )
            _check_created(flavor, created)
            _check_retrieved(flavor, await client.jobs.retrieve(created.id), created.id)
            assert created.id in [job.id async for job in client.jobs.list()]
            if flavor in GATEWAY:
                with pytest.raises(ftjobs.NotFoundError):
                    [event async for event in client.jobs.events(created.id)]
            else:
                assert all([event.id async for event in client.jobs.events(created.id)])
            cancelled = await client.jobs.cancel(created.id)
            assert cancelled.id == created.id
            assert (await client.jobs.retrieve(created.id)).status is JobStatus.CANCELLED

    asyncio.run(main())


def _cli(flavor: str, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PORTKEY_", "AZURE_"))}
    env["NO_COLOR"] = "1"
    if flavor == "azure":
        env.update({"AZURE_OPENAI_API_KEY": KEY, "AZURE_OPENAI_ENDPOINT": url.removesuffix("/v1")})
        common = ["--provider", "azure"]
    elif flavor in GATEWAY:
        env.update({"PORTKEY_API_KEY": KEY, "PORTKEY_VIRTUAL_KEY": f"vk-{flavor}", "PORTKEY_BASE_URL": url})
        common = ["--provider", "portkey"]
    else:
        env.update({"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": url})
        common = []
    return subprocess.run(
        [sys.executable, "-m", "ftjobs", *common, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_cli(flavor_url: tuple[str, str]) -> None:
    """create (a backend's own fields in --extra-body), retrieve by the id as given, list, events, cancel."""
    flavor, url = flavor_url
    extra = ["--extra-body", json.dumps(EXTRA[flavor])] if flavor in EXTRA else []
    create = ["create", "--model", "gpt-4o-mini", "--training-file", "file-t", "--json", *extra]
    created = _cli(flavor, url, *create)
    assert created.returncode == 0, created.stderr
    job_id = json.loads(created.stdout)["id"]
    retrieved = _cli(flavor, url, "retrieve", job_id, "--json")
    assert retrieved.returncode == 0, retrieved.stderr
    assert json.loads(retrieved.stdout)["id"] == job_id
    listed = _cli(flavor, url, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert job_id in [json.loads(line)["id"] for line in listed.stdout.splitlines()]
    events = _cli(flavor, url, "events", job_id, "--json")
    assert (events.returncode != 0) is (flavor in GATEWAY), events.stderr
    cancelled = _cli(flavor, url, "cancel", job_id, "--json")
    assert cancelled.returncode == 0, cancelled.stderr
    assert json.loads(_cli(flavor, url, "retrieve", job_id, "--json").stdout)["status"] == "cancelled"


def test_the_cli_takes_a_backends_fields_by_name() -> None:
    """``--field K=V`` sends a backend's own create field, typed by the generated GatewayFieldsParam:
    Bedrock's role_arn and job_name reach the gateway-flavored server (which requires role_arn), an
    object field is JSON; a misspelt field is a usage error (exit 2) naming the closest one, before
    anything is sent."""
    flavor = "portkey-bedrock"
    with serve(flavor=flavor) as url:
        _fields_by_name(flavor, url)


def _fields_by_name(flavor: str, url: str) -> None:
    base = ["create", "--model", "gpt-4o-mini", "--training-file", "file-t", "--json"]
    fields = [f"role_arn={EXTRA[flavor]['role_arn']}", "job_name=cli-job", 'provider_options={"k": "v"}']
    created = _cli(flavor, url, *base, *[arg for field in fields for arg in ("--field", field)])
    assert created.returncode == 0, created.stderr
    without = _cli(flavor, url, *base)
    assert without.returncode == 1 and "role_arn" in without.stderr
    typo = _cli(flavor, url, *base, "--field", "role_rn=x")
    assert typo.returncode == 2
    assert "unknown field 'role_rn'; did you mean 'role_arn'?" in typo.stderr
    bad_json = _cli(
        flavor,
        url,
        *base,
        "--field",
        f"role_arn={EXTRA[flavor]['role_arn']}",
        "--field",
        "provider_options=[1",
    )
    assert bad_json.returncode == 2 and "--field provider_options" in bad_json.stderr
