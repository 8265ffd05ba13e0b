"""Each backend's job, as the Portkey gateway shapes it (tests/fixtures/gateway/), lands in the same Job:
timestamps in milliseconds or seconds, errors as strings, {} or status objects, Vertex's int64
numbers as strings, Fireworks' completed_at, object other than fine_tuning.job."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest

import ftjobs
from ftjobs import Job, JobStatus

GATEWAY = Path(__file__).resolve().parents[1] / "fixtures" / "gateway"
UTC = dt.UTC
ARN_ID = json.loads((GATEWAY / "bedrock.create.json").read_text())["id"]


def _fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GATEWAY / name).read_text())
    return data


def _job(name: str) -> Job:
    return Job.from_dict(_fixture(name))


def _at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


# --- timestamps ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1733480000, _at(2024, 12, 6, 10, 13, 20)),  # seconds (OpenAI, Azure)
        (1733480000123, _at(2024, 12, 6, 10, 13, 20, 123000)),  # milliseconds (Date.getTime())
        (99_999_999_999, _at(5138, 11, 16, 9, 46, 39)),  # the largest read as seconds
        (100_000_000_000, _at(1973, 3, 3, 9, 46, 40)),  # the smallest read as milliseconds
        (100_000_000_001, _at(1973, 3, 3, 9, 46, 40, 1000)),
        (1.5, _at(1970, 1, 1, 0, 0, 1, 500000)),
        (1733480000123.0, _at(2024, 12, 6, 10, 13, 20, 123000)),
        (-1, _at(1969, 12, 31, 23, 59, 59)),
        (0, None),  # "not known"
        (None, None),  # null, and what JSON.stringify makes of NaN
        (math.nan, None),
    ],
)
def test_a_timestamp_is_read_in_seconds_or_milliseconds_by_magnitude(value: object, expected: object) -> None:
    """At or above 1e11 a timestamp is in milliseconds (1e11 seconds would be the year 5138); UTC."""
    job = Job.from_dict({"id": "ftjob-1", "status": "running", "created_at": value, "finished_at": value})
    assert job.created_at == expected
    assert job.finished_at == expected
    if isinstance(job.created_at, dt.datetime):
        assert job.created_at.tzinfo is UTC


@pytest.mark.parametrize("value", [True, "1733480000", [1], math.inf, 10**20])
def test_what_is_no_timestamp_is_still_refused(value: object) -> None:
    """Booleans, strings, lists and out-of-range numbers are no timestamps."""
    with pytest.raises(ftjobs.ResponseValidationError, match=r"job\.created_at"):
        Job.from_dict({"id": "ftjob-1", "status": "running", "created_at": value})


# --- every field of every fixture ------------------------------------------------------------------


def test_bedrock_running() -> None:
    job = _job("bedrock.retrieve.running.json")
    assert job.id == ARN_ID
    assert job.status is JobStatus.RUNNING
    assert job.created_at == _at(2024, 12, 6, 10, 13, 20, 123000)
    assert job.finished_at is None  # NaN while running, serialised null
    assert job.fine_tuned_model == "titan-support-v1"
    assert job.training_file == "s3%3A%2F%2Fft-data%2Ftrain.jsonl"  # the gateway's file id, as given
    assert job.validation_file == ""
    assert job.error is None  # {}
    assert job.hyperparameters is not None
    hp = job.hyperparameters
    assert (hp.learning_rate_multiplier, hp.batch_size, hp.n_epochs) == (0.00001, 1, 2)
    assert job.raw["object"] == "finetune" and job.raw["job_name"] == "portkey-finetune-5f0c"


def test_bedrock_failed() -> None:
    job = _job("bedrock.retrieve.failed.json")
    assert job.status is JobStatus.FAILED and job.status.is_terminal
    assert job.finished_at == _at(2024, 12, 6, 11, 13, 20, 456000)
    assert job.error is not None
    assert job.error.message == "Training data validation failed: line 3 is not valid JSON"
    assert (job.error.code, job.error.param) == (None, None)
    assert job.hyperparameters is not None
    hp = job.hyperparameters
    assert (hp.learning_rate_multiplier, hp.batch_size, hp.n_epochs) == (None, None, 2)  # Number(undefined)
    assert job.validation_file == "s3%3A%2F%2Fft-data%2Fvalid.jsonl"
    assert job.raw["suffix"] == "titan-support-v1"


def test_vertex_succeeded() -> None:
    job = _job("vertex.retrieve.succeeded.json")
    assert job.id == "1234567890123456789"
    assert job.status is JobStatus.SUCCEEDED
    assert job.created_at == _at(2024, 12, 6, 10, 13, 20)
    assert job.finished_at == _at(2024, 12, 6, 13, 0, 0, 999000)
    assert job.fine_tuned_model == "projects/123/locations/us-central1/models/456@1"
    assert job.model == "gemini-1.5-flash-002"
    assert job.trained_tokens == 184320  # an int64, sent as a string
    assert job.training_file == "gs%3A%2F%2Fft-data%2Ftrain.jsonl"
    assert job.validation_file == "gs%3A%2F%2Fft-data%2Fvalid.jsonl"
    assert job.error is None
    assert job.hyperparameters is not None
    hp = job.hyperparameters
    assert (hp.n_epochs, hp.learning_rate_multiplier) == (3, 1)
    assert hp.batch_size is None  # an adapter size ("ADAPTER_SIZE_FOUR"), no batch size: in raw
    assert job.raw["hyperparameters"]["batch_size"] == "ADAPTER_SIZE_FOUR"


def test_vertex_failed_and_queued() -> None:
    failed = _job("vertex.retrieve.failed.json")
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None
    assert (failed.error.code, failed.error.message) == ("3", "Dataset is too small: 8 examples, 16 needed")
    assert failed.finished_at == _at(2024, 12, 6, 10, 14, 20)
    queued = _job("vertex.retrieve.queued.json")
    assert queued.status is JobStatus.QUEUED  # PAUSED, PENDING and QUEUED all read "queued"
    assert queued.finished_at is None  # only once ended


def test_fireworks() -> None:
    failed = _job("fireworks.retrieve.failed.json")
    assert "object" not in failed.raw
    assert failed.id == "support-ft-1"
    assert failed.status is JobStatus.FAILED
    assert failed.created_at == _at(2024, 12, 6, 10, 13, 20)
    assert failed.finished_at == _at(2024, 12, 6, 10, 30, 0)  # from completed_at
    assert failed.error is not None
    assert (failed.error.code, failed.error.message) == (
        "INVALID_ARGUMENT",
        "dataset support-train has no rows",
    )
    assert (failed.model, failed.training_file, failed.validation_file) == (
        "llama-v3p1-8b-instruct",
        "support-train",
        "support-valid",
    )
    assert failed.fine_tuned_model == "support-model"
    assert failed.hyperparameters is not None
    assert failed.hyperparameters.n_epochs == 2
    assert failed.hyperparameters.learning_rate_multiplier is None  # Fireworks sends learning_rate
    assert failed.raw["hyperparameters"]["learning_rate"] == 0.0001
    running = _job("fireworks.retrieve.running.json")
    assert (running.status, running.finished_at, running.error) == (JobStatus.RUNNING, None, None)


def test_azure() -> None:
    job = _job("azure.retrieve.pending.json")
    assert job.status is JobStatus.PENDING and job.status.is_active
    assert job.created_at == _at(2024, 12, 6, 10, 13, 20)
    assert (job.organization_id, job.result_files, job.estimated_finish) == (None, (), None)
    assert job.hyperparameters is not None
    hp = job.hyperparameters
    assert (hp.n_epochs, hp.batch_size, hp.learning_rate_multiplier) == (3, 8, 1.0)


@pytest.mark.parametrize(
    ("name", "ids", "more", "cursor"),
    [
        ("bedrock.list.first.json", [ARN_ID], True, "AAEAAV0tZXh0VG9rZW4"),
        ("bedrock.list.last.json", [ARN_ID], False, ARN_ID),
        ("vertex.list.json", ["1234567890123456789", "1234567890123456791"], True, "1234567890123456791"),
        ("fireworks.list.json", ["support-ft-2"], False, "support-ft-2"),
    ],
)
def test_list_pages(name: str, ids: list[str], more: bool, cursor: str) -> None:
    """Every backend's list page: its jobs, whether there is more, and the cursor."""
    from ftjobs._models import parse_page

    page = parse_page(_fixture(name), Job)
    assert [job.id for job in page.items] == ids
    assert (page.has_more, page.next_after) == (more, cursor)


# --- the tolerance, field by field ------------------------------------------------------------------


def _read(**fields: Any) -> Job:
    return Job.from_dict({"id": "ftjob-1", "status": "failed", **fields})


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("the data is bad", ("the data is bad", None, None)),  # Bedrock's failureMessage
        ("", None),
        ({}, None),  # Bedrock's error while not failed
        (None, None),
        ({"code": 3, "message": "too small", "details": []}, ("too small", "3", None)),  # Vertex
        (
            {"code": "invalid_file", "message": "m", "param": "training_file"},
            ("m", "invalid_file", "training_file"),
        ),
    ],
)
def test_an_error_as_string_empty_object_or_number_code(error: object, expected: object) -> None:
    job = _read(error=error)
    got = None if job.error is None else (job.error.message, job.error.code, job.error.param)
    assert got == expected


@pytest.mark.parametrize("error", [["a list"], 3, True, {"code": True}, {"message": 4}])
def test_an_error_of_another_type_is_still_refused(error: object) -> None:
    with pytest.raises(ftjobs.ResponseValidationError, match=r"job\.error"):
        _read(error=error)


@pytest.mark.parametrize(
    ("hyperparameters", "expected"),
    [
        (
            {"n_epochs": "3", "batch_size": "16", "learning_rate_multiplier": "0.5"},
            (3, 16, 0.5),
        ),  # int64 strings
        ({"n_epochs": "auto", "batch_size": "auto", "learning_rate_multiplier": "auto"}, ("auto",) * 3),
        ({"batch_size": "ADAPTER_SIZE_FOUR", "n_epochs": "ADAPTER_SIZE_ONE"}, (None, None, None)),
        ({"n_epochs": "-2", "learning_rate_multiplier": "-0.5"}, (-2, None, -0.5)),
    ],
)
def test_hyperparameters_as_strings(hyperparameters: dict[str, Any], expected: tuple[Any, ...]) -> None:
    """Decimal strings are numbers; Vertex's adapter size reads None (kept in raw)."""
    hp = _read(hyperparameters=hyperparameters).hyperparameters
    assert hp is not None
    assert (hp.n_epochs, hp.batch_size, hp.learning_rate_multiplier) == expected


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("n_epochs", "x"),
        ("n_epochs", "3.5"),
        ("batch_size", ""),
        ("batch_size", "adapter_size_four"),
        ("learning_rate_multiplier", "high"),
        ("learning_rate_multiplier", "1e-5"),
        ("learning_rate_multiplier", "ADAPTER_SIZE_FOUR"),
    ],
)
def test_other_strings_in_hyperparameters_are_still_refused(key: str, value: str) -> None:
    with pytest.raises(ftjobs.ResponseValidationError, match=rf"job\.hyperparameters\.{key}"):
        _read(hyperparameters={key: value})


@pytest.mark.parametrize(("value", "expected"), [("184320", 184320), ("0", 0), ("-1", -1), (7.0, 7)])
def test_an_int64_string_is_an_integer(value: object, expected: int) -> None:
    assert _read(trained_tokens=value).trained_tokens == expected


@pytest.mark.parametrize("value", ["1.5", "x", "", "1_000", "٣", "1" * 21, [1], True])
def test_what_is_no_integer_is_still_refused(value: object) -> None:
    with pytest.raises(ftjobs.ResponseValidationError, match=r"job\.trained_tokens"):
        _read(trained_tokens=value)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"completed_at": 1733481000000}, _at(2024, 12, 6, 10, 30, 0)),  # Fireworks
        ({"finished_at": 1733480000, "completed_at": 1733481000000}, _at(2024, 12, 6, 10, 13, 20)),
        ({"finished_at": None, "completed_at": 1733481000}, _at(2024, 12, 6, 10, 30, 0)),
        ({}, None),
    ],
)
def test_completed_at_is_read_when_finished_at_is_not_there(fields: dict[str, Any], expected: object) -> None:
    assert _read(**fields).finished_at == expected


def test_zero_is_not_known_for_every_timestamp() -> None:
    """Events and checkpoints too (the one reader): 0 reads as None."""
    from ftjobs import Checkpoint, JobEvent

    event = JobEvent.from_dict(
        {"id": "e", "object": "fine_tuning.job.event", "created_at": 0, "message": "m"}
    )
    assert event.created_at is None
    checkpoint = Checkpoint.from_dict({"id": "c", "created_at": 1733480000123})
    assert checkpoint.created_at == _at(2024, 12, 6, 10, 13, 20, 123000)
