"""Answers that are not a job (Bedrock and Vertex through the Portkey gateway) give a Job with what is
known: a create answering only {id}, a cancel answering an empty body or {}."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx2
import pytest

import ftjobs
from ftjobs import JobStatus

from .helpers import Recorder, make_async_client, make_client

GATEWAY = Path(__file__).resolve().parents[1] / "fixtures" / "gateway"
CREATED: dict[str, Any] = json.loads((GATEWAY / "bedrock.create.json").read_text())
EMPTY = (GATEWAY / "bedrock.cancel.body").read_bytes()
ARN_ID = CREATED["id"]
REQUEST = {"model": "amazon.titan-text-lite-v1:0:4k", "training_file": "s3%3A%2F%2Fft-data%2Ftrain.jsonl"}


def _answer(body: bytes) -> Recorder:
    return Recorder(lambda request: httpx2.Response(200, content=body, headers={"x-request-id": "req-9"}))


def test_the_fixtures_are_what_the_gateway_sends() -> None:
    """create: only the encoded ARN; cancel: no bytes at all."""
    assert list(CREATED) == ["id"] and ARN_ID.startswith("arn%3Aaws%3Abedrock%3A")
    assert EMPTY == b""


def test_a_create_answering_only_its_id_gives_what_is_known() -> None:
    """id from the answer, status unknown, model and files as requested, raw as received."""
    recorder = _answer(json.dumps(CREATED).encode())
    with make_client(recorder) as client:
        job = client.jobs.create(**REQUEST, validation_file="s3%3A%2F%2Fft-data%2Fvalid.jsonl")
        raw = client.jobs.with_raw_response.create(**REQUEST).parse()
    assert job.id == ARN_ID
    assert job.status == "unknown" and job.status.is_unknown
    assert not job.status.is_terminal and not job.status.is_active
    assert (job.model, job.training_file) == (REQUEST["model"], REQUEST["training_file"])
    assert job.validation_file == "s3%3A%2F%2Fft-data%2Fvalid.jsonl"
    assert job.created_at is None and job.error is None
    assert job.raw == {"id": ARN_ID}
    assert job.request_id == "req-9"
    assert (raw.id, raw.status, raw.validation_file) == (ARN_ID, "unknown", None)


@pytest.mark.parametrize("action", ["cancel", "pause", "resume"])
@pytest.mark.parametrize("body", [EMPTY, b"  \n", b"{}", b'{"object": "finetune"}'])
def test_an_action_answering_nothing_gives_the_job_it_was_called_with(action: str, body: bytes) -> None:
    """An empty body (Bedrock's cancel) or {} (Vertex's) is the job called, status unknown."""
    recorder = _answer(body)
    with make_client(recorder) as client:
        job = getattr(client.jobs, action)(ARN_ID)
        raw = getattr(client.jobs.with_raw_response, action)(ARN_ID).parse()
    for got in (job, raw):
        assert (got.id, got.status, got.model) == (ARN_ID, JobStatus("unknown"), None)
        assert got.raw == (json.loads(body) if body.strip() else {})
    assert [r.url.raw_path for r in recorder.requests] == [
        f"/v1/fine_tuning/jobs/{ARN_ID}/{action}".encode()
    ] * 2


def test_the_async_client_reads_them_the_same() -> None:
    """create {id} and an empty cancel through the AsyncClient."""

    async def main() -> tuple[ftjobs.Job, ftjobs.Job]:
        async with make_async_client(_answer(json.dumps(CREATED).encode())) as client:
            created = await client.jobs.create(**REQUEST)
        async with make_async_client(_answer(EMPTY)) as client:
            cancelled = await client.jobs.cancel(ARN_ID)
        return created, cancelled

    created, cancelled = asyncio.run(main())
    assert (created.id, created.status, created.model) == (ARN_ID, "unknown", REQUEST["model"])
    assert (cancelled.id, cancelled.status, cancelled.raw) == (ARN_ID, "unknown", {})


@pytest.mark.parametrize(
    ("operation", "body", "words"),
    [
        ("create", b"{}", "names none"),  # no id: nothing to go on
        ("create", b'{"id": ""}', "names none"),
        ("create", b'{"id": 7}', "names none"),
        ("create", EMPTY, "empty response body"),  # only actions may answer nothing
        ("create", b'{"id": "ftjob-1", "model": "m"}', "status"),  # more than an id: a job, without status
        ("retrieve", b'{"id": "ftjob-1"}', "status"),  # a retrieve must give a job
        ("retrieve", EMPTY, "empty response body"),
        ("cancel", b"[]", "object"),
    ],
)
def test_what_is_still_refused(operation: str, body: bytes, words: str) -> None:
    """Everything else that is not a job is still a ResponseValidationError."""
    with make_client(_answer(body)) as client:
        call = (lambda: client.jobs.create(**REQUEST)) if operation == "create" else None
        with pytest.raises(ftjobs.ResponseValidationError, match=words):
            call() if call else getattr(client.jobs, operation)("ftjob-1")
