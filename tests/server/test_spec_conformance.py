"""Every response the local server produces validates against openapi/fine_tuning.yaml.

The validators are spec_check's (the spec's own response schemas, Draft 2020-12, and OpenAI's
error shape), the same that check every Harness response; this test drives every operation through
every job status.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from ftjobs._server import Server

from .conftest import STEP, Harness, frozen_clock
from .spec_check import SPEC_URI, checker


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return checker().spec


@pytest.fixture(scope="module")
def validators() -> dict[str, Any]:
    """operationId -> validator of its 200 response; 'error' -> ErrorResponse; 'create' -> request."""
    check = checker()
    out: dict[str, Any] = {"error": check.error, **check.operations}
    out["create"] = check.validator({"$ref": SPEC_URI + "#/components/schemas/CreateFineTuningJobRequest"})
    return out


class Recorder:
    """Calls the API and keeps (operationId, status, body) of every response."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.seen: list[tuple[str, int, Any]] = []

    def call(self, operation: str, method: str, path: str, **kwargs: Any) -> Any:
        response = self.harness.api.request(method, path, **kwargs)
        body = response.json()
        self.seen.append((operation, response.status_code, body))
        return body

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        job: dict[str, Any] = self.call("createFineTuningJob", "POST", "/fine_tuning/jobs", json=body)
        return job

    def everything_about(self, job_id: str) -> dict[str, Any]:
        job: dict[str, Any] = self.call("retrieveFineTuningJob", "GET", f"/fine_tuning/jobs/{job_id}")
        self.call("listFineTuningEvents", "GET", f"/fine_tuning/jobs/{job_id}/events", params={"limit": 100})
        self.call("listFineTuningJobCheckpoints", "GET", f"/fine_tuning/jobs/{job_id}/checkpoints")
        self.call("listPaginatedFineTuningJobs", "GET", "/fine_tuning/jobs", params={"limit": 100})
        return job


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    with Server(clock=frozen_clock, step_seconds=STEP) as server:
        harness = Harness(server)
        try:
            yield Recorder(harness)
        finally:
            harness.close()


REQUESTS: list[dict[str, Any]] = [
    {"model": "gpt-4o-mini", "training_file": "file-a"},
    {
        "model": "gpt-4o-mini",
        "training_file": "file-a",
        "validation_file": "file-b",
        "suffix": "custom",
        "seed": 42,
        "metadata": {"team": "x"},
        "integrations": [{"type": "wandb", "wandb": {"project": "p", "tags": ["t"]}}],
        "method": {
            "type": "supervised",
            "supervised": {
                "hyperparameters": {"n_epochs": 1, "batch_size": 4, "learning_rate_multiplier": 0.5}
            },
        },
    },
    {"model": "gpt-4o-mini", "training_file": "file-a", "hyperparameters": {"n_epochs": 2}},
    {
        "model": "gpt-4o-mini",
        "training_file": "file-a",
        "method": {"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.1}}},
    },
    {
        "model": "o4-mini",
        "training_file": "file-a",
        "method": {
            "type": "reinforcement",
            "reinforcement": {
                "grader": {
                    "type": "string_check",
                    "name": "g",
                    "input": "{{sample.output_text}}",
                    "reference": "{{item.label}}",
                    "operation": "eq",
                },
                "hyperparameters": {"reasoning_effort": "medium"},
            },
        },
    },
    {"model": "gpt-4o-mini", "training_file": "file-invalid"},
]


def test_every_response_conforms(
    recorder: Recorder, validators: dict[str, Any], spec: dict[str, Any]
) -> None:
    """All operations, every lifecycle status and the error bodies validate against the spec."""
    for body in REQUESTS:
        validators["create"].validate(body)  # the test's own requests are valid, too
    harness = recorder.harness
    jobs = [recorder.create(body)["id"] for body in REQUESTS]
    statuses: set[str] = set()
    for job_id in (*jobs, "ftjob-abc123", "ftjob-abc"):
        statuses.add(recorder.everything_about(job_id)["status"])
    harness.advance(1)  # queued; the file-invalid job failed
    statuses |= {recorder.everything_about(job_id)["status"] for job_id in jobs}
    harness.advance(2)  # running
    statuses |= {recorder.everything_about(job_id)["status"] for job_id in jobs}
    statuses.add(recorder.call("pauseFineTuningJob", "POST", f"/fine_tuning/jobs/{jobs[0]}/pause")["status"])
    recorder.everything_about(jobs[0])
    statuses.add(
        recorder.call("resumeFineTuningJob", "POST", f"/fine_tuning/jobs/{jobs[0]}/resume")["status"]
    )
    statuses.add(
        recorder.call("cancelFineTuningJob", "POST", f"/fine_tuning/jobs/{jobs[2]}/cancel")["status"]
    )
    failed = harness.admin.post(
        f"/jobs/{jobs[3]}/fail", json={"code": "x", "message": "y", "param": "z"}
    ).json()
    recorder.seen.append(("retrieveFineTuningJob", 200, failed))
    harness.advance(100)
    statuses |= {recorder.everything_about(job_id)["status"] for job_id in jobs}
    recorder.call("listPaginatedFineTuningJobs", "GET", "/fine_tuning/jobs", params={"metadata[team]": "x"})
    recorder.call(
        "listPaginatedFineTuningJobs", "GET", "/fine_tuning/jobs", params={"limit": 2, "after": jobs[2]}
    )
    recorder.call("listFineTuningEvents", "GET", f"/fine_tuning/jobs/{jobs[1]}/events", params={"limit": 3})
    # Checkpoint permissions (on a checkpoint of a finished job) and the grader tools.
    done = recorder.call("listFineTuningJobCheckpoints", "GET", f"/fine_tuning/jobs/{jobs[1]}/checkpoints")
    permissions = f"/fine_tuning/checkpoints/{done['data'][0]['fine_tuned_model_checkpoint']}/permissions"
    created = recorder.call(
        "createFineTuningCheckpointPermission",
        "POST",
        permissions,
        json={"project_ids": ["proj_a", "proj_b"]},
    )
    recorder.call("listFineTuningCheckpointPermissions", "GET", permissions, params={"limit": 1})
    recorder.call(
        "listFineTuningCheckpointPermissions",
        "GET",
        permissions,
        params={"order": "ascending", "project_id": "proj_b"},
    )
    recorder.call(
        "deleteFineTuningCheckpointPermission", "DELETE", f"{permissions}/{created['data'][0]['id']}"
    )
    grader = {"type": "string_check", "name": "g", "input": "{{item.a}}", "reference": "x", "operation": "eq"}
    recorder.call("validateGrader", "POST", "/fine_tuning/alpha/graders/validate", json={"grader": grader})
    for sample, item in (("x", {"a": "x"}), ("x", {}), ("{}", {"a": 1})):
        recorder.call(
            "runGrader", "POST", "/fine_tuning/alpha/graders/run",
            json={"grader": grader, "model_sample": sample, "item": item},
        )  # fmt: skip
    # Files and Uploads (multipart bodies: answered by _server/_files, checked against the spec here).
    line = b'{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}\n'
    file = recorder.call(
        "createFile", "POST", "/files", data={"purpose": "fine-tune"}, files={"file": ("t.jsonl", line * 2)}
    )
    recorder.call("retrieveFile", "GET", f"/files/{file['id']}")
    recorder.call("listFiles", "GET", "/files", params={"purpose": "fine-tune", "limit": 2})
    content = harness.api.get(f"/files/{file['id']}/content")
    recorder.seen.append(("downloadFile", content.status_code, content.text))
    recorder.call("deleteFile", "DELETE", f"/files/{file['id']}")
    upload = recorder.call(
        "createUpload",
        "POST",
        "/uploads",
        json={"filename": "t.jsonl", "purpose": "fine-tune", "bytes": len(line), "mime_type": "text/jsonl"},
    )
    part = recorder.call(
        "addUploadPart", "POST", f"/uploads/{upload['id']}/parts", files={"data": ("b", line)}
    )
    recorder.call(
        "completeUpload", "POST", f"/uploads/{upload['id']}/complete", json={"part_ids": [part["id"]]}
    )
    other = recorder.call(
        "createUpload",
        "POST",
        "/uploads",
        json={"filename": "u.jsonl", "purpose": "fine-tune", "bytes": 1, "mime_type": "text/jsonl"},
    )
    recorder.call("cancelUpload", "POST", f"/uploads/{other['id']}/cancel")
    recorder.call("error", "GET", "/files/file-missing")
    # Error bodies.
    recorder.call("error", "GET", "/fine_tuning/jobs/ftjob-missing")
    recorder.call("error", "GET", "/fine_tuning/checkpoints/ft:missing/permissions")
    recorder.call("error", "DELETE", f"{permissions}/cp_missing")
    python = {"type": "python", "name": "p", "source": "def grade(s, i): return 1"}
    recorder.call(
        "error", "POST", "/fine_tuning/alpha/graders/run", json={"grader": python, "model_sample": ""}
    )
    recorder.call("error", "POST", "/fine_tuning/jobs", json={"model": "m"})
    recorder.call("error", "POST", f"/fine_tuning/jobs/{jobs[0]}/pause")
    recorder.call("error", "GET", "/fine_tuning/jobs", params={"limit": 500})
    recorder.call("error", "GET", "/fine_tuning/jobs", headers={"Authorization": "Bearer wrong"})
    recorder.call("error", "GET", "/fine_tuning/jobs/ftjob-abc123", headers={"x-ftjobs-fault": "503"})
    unauthenticated = httpx2.get(harness.server.url + "/fine_tuning/jobs")
    recorder.seen.append(("error", unauthenticated.status_code, unauthenticated.json()))

    enum = spec["components"]["schemas"]["FineTuningJob"]["properties"]["status"]["enum"]
    assert statuses == set(enum)
    operations = {op["operationId"] for ops in spec["paths"].values() for op in ops.values()}
    assert {operation for operation, _, _ in recorder.seen} == operations | {"error"}
    for operation, status, body in recorder.seen:
        expected_error = operation == "error"
        assert (status >= 400) == expected_error, (operation, status, body)
        errors = sorted(validators[operation].iter_errors(body), key=str)
        assert not errors, f"{operation}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_the_validators_are_not_vacuous(validators: dict[str, Any]) -> None:
    """A job missing a required field, a bad status or a bad checkpoint does not validate."""
    job = {"id": "x", "object": "fine_tuning.job"}
    assert not validators["retrieveFineTuningJob"].is_valid(job)
    listing = {"object": "list", "data": [{"object": "fine_tuning.job.event"}], "has_more": False}
    assert not validators["listFineTuningEvents"].is_valid(listing)
    assert not validators["error"].is_valid({"error": {"message": "m"}})
    assert validators["error"].is_valid({"error": {"message": "m", "type": "t", "param": None, "code": None}})


def test_seeded_examples_parse_with_the_generated_models(recorder: Recorder) -> None:
    """The generated client models accept the server's jobs, events and checkpoints."""
    from ftjobs_generated.models import (
        ListFineTuningJobCheckpointsResponse,
        ListFineTuningJobEventsResponse,
        ListPaginatedFineTuningJobsResponse,
    )

    job_id = recorder.create({"model": "m", "training_file": "f"})["id"]
    recorder.harness.advance(100)
    jobs = recorder.call("listPaginatedFineTuningJobs", "GET", "/fine_tuning/jobs")
    events = recorder.call("listFineTuningEvents", "GET", f"/fine_tuning/jobs/{job_id}/events")
    checkpoints = recorder.call(
        "listFineTuningJobCheckpoints", "GET", f"/fine_tuning/jobs/{job_id}/checkpoints"
    )
    assert len(ListPaginatedFineTuningJobsResponse.from_dict(jobs).data) == 3
    assert ListFineTuningJobEventsResponse.from_dict(events).data
    assert ListFineTuningJobCheckpointsResponse.from_dict(checkpoints).data
