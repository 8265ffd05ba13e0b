"""Job lifecycle over HTTP: progression on the clock, cancel, pause/resume, failures."""

from __future__ import annotations

import time
from typing import Any

import httpx2

from ftjobs.testing import serve

from .conftest import AUTH, T0, Harness


def events_of(harness: Harness, job_id: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = harness.api.get(
        f"/fine_tuning/jobs/{job_id}/events", params={"limit": 100}
    ).json()["data"]
    return data[::-1]  # oldest first


def test_progression(harness: Harness) -> None:
    """validating_files -> queued -> running (tokens, estimate) -> succeeded, one step at a time."""
    job = harness.create(method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2}}})
    job_id = job["id"]  # 2 epochs: 4 training steps, succeeded at step 7
    assert job["status"] == "validating_files"
    harness.advance(1)
    assert harness.job(job_id)["status"] == "queued"
    harness.advance(1)
    running = harness.job(job_id)
    assert (running["status"], running["trained_tokens"]) == ("running", 0)
    assert running["estimated_finish"] == int(T0) + 7
    harness.advance(2.5)
    running = harness.job(job_id)
    assert running["trained_tokens"] == 2 * 2048
    assert running["estimated_finish"] == int(T0) + 7
    assert running["fine_tuned_model"] is None
    harness.advance(2.5)
    done = harness.job(job_id)
    assert done["status"] == "succeeded"
    assert done["finished_at"] == int(T0) + 7
    assert done["fine_tuned_model"] == f"ft:gpt-4o-mini:org-ftjobs-local::{job_id[-8:].lower()}"
    assert done["result_files"]
    assert done["result_files"][0].startswith("file-")
    assert (done["trained_tokens"], done["estimated_finish"], done["error"]) == (4 * 2048, None, None)
    messages = [e["message"] for e in events_of(harness, job_id)]
    assert messages[:4] == [
        f"Created fine-tuning job: {job_id}",
        "Validating training file: file-t",
        "Files validated, moving job to queued state",
        "Fine-tuning job started",
    ]
    assert [m.split(":")[0] for m in messages if m.startswith("Step ")] == [
        "Step 1/4",
        "Step 2/4",
        "Step 3/4",
        "Step 4/4",
    ]
    assert messages[-2:] == [
        f"New fine-tuned model created: {done['fine_tuned_model']}",
        "The job has successfully completed",
    ]
    metrics = [e for e in events_of(harness, job_id) if e["type"] == "metrics"]
    assert [e["data"]["step"] for e in metrics] == [1.0, 2.0, 3.0, 4.0]
    checkpoints = harness.api.get(f"/fine_tuning/jobs/{job_id}/checkpoints").json()["data"]
    assert [c["step_number"] for c in checkpoints] == [4, 2]
    assert checkpoints[0]["fine_tuned_model_checkpoint"] == done["fine_tuned_model"] + ":ckpt-step-4"
    assert set(checkpoints[0]["metrics"]) >= {"step", "train_loss", "train_mean_token_accuracy"}
    harness.advance(50)
    assert harness.job(job_id) == done


def test_event_times_follow_the_clock(harness: Harness) -> None:
    """Events carry the time their milestone was reached, even when read much later."""
    job_id = harness.create()["id"]
    harness.advance(30)
    times = {e["message"]: e["created_at"] for e in events_of(harness, job_id)}
    assert times["Files validated, moving job to queued state"] == int(T0) + 1
    assert times["Fine-tuning job started"] == int(T0) + 2
    assert times["The job has successfully completed"] == int(T0) + 9


def test_pause_and_resume_do_not_count_paused_time(harness: Harness) -> None:
    """A paused job stands still; after resume it finishes as late as the pause lasted."""
    job_id = harness.create()["id"]  # 3 epochs: 6 steps, succeeded at step 9
    harness.advance(3)
    paused = harness.api.post(f"/fine_tuning/jobs/{job_id}/pause")
    assert paused.status_code == 200
    assert (paused.json()["status"], paused.json()["estimated_finish"]) == ("paused", None)
    harness.advance(100)
    still = harness.job(job_id)
    assert still["status"] == "paused"
    assert still["trained_tokens"] == 2048
    resumed = harness.api.post(f"/fine_tuning/jobs/{job_id}/resume").json()
    assert resumed["status"] == "running"
    assert resumed["estimated_finish"] == int(T0) + 103 + 6
    harness.advance(6)
    done = harness.job(job_id)
    assert (done["status"], done["finished_at"]) == ("succeeded", int(T0) + 109)
    messages = [e["message"] for e in events_of(harness, job_id)]
    assert messages.index("Fine-tuning job paused") < messages.index("Fine-tuning job resumed")


def test_refused_transitions_are_400(harness: Harness) -> None:
    """Pausing a queued job, resuming a running one, cancelling a finished one: 400, job unchanged."""
    job_id = harness.create()["id"]
    harness.advance(1)
    for action, status in [("pause", "queued"), ("resume", "queued")]:
        response = harness.api.post(f"/fine_tuning/jobs/{job_id}/{action}")
        assert response.status_code == 400
        error = response.json()["error"]
        assert (error["type"], error["code"]) == ("invalid_request_error", "invalid_job_status")
        assert status in error["message"]
    assert harness.job(job_id)["status"] == "queued"
    response = harness.api.post("/fine_tuning/jobs/ftjob-abc123/cancel")
    assert response.status_code == 400
    assert "succeeded" in response.json()["error"]["message"]


def test_cancel(harness: Harness) -> None:
    """Cancel works from validating_files, running and paused; a cancelled job stays cancelled."""
    validating = harness.create()["id"]
    running = harness.create()["id"]
    paused = harness.create()["id"]
    harness.advance(2.5)
    harness.api.post(f"/fine_tuning/jobs/{paused}/pause")
    validating_cancelled = harness.api.post(f"/fine_tuning/jobs/{validating}/cancel")
    assert validating_cancelled.json()["status"] == "cancelled"  # it was queued by now
    for job_id in (running, paused):
        assert harness.api.post(f"/fine_tuning/jobs/{job_id}/cancel").json()["status"] == "cancelled"
    harness.advance(100)
    for job_id in (validating, running, paused):
        job = harness.job(job_id)
        assert (job["status"], job["fine_tuned_model"], job["estimated_finish"]) == ("cancelled", None, None)
        assert harness.api.post(f"/fine_tuning/jobs/{job_id}/resume").status_code == 400
        assert harness.api.post(f"/fine_tuning/jobs/{job_id}/cancel").status_code == 400
    assert events_of(harness, running)[-1]["message"] == "Fine-tuning job cancelled"


def test_cancel_before_validation_ends() -> None:
    """Cancelling right after creation, before any step, works too (real clock)."""
    with serve(step_seconds=60) as url, httpx2.Client(base_url=url, headers=AUTH) as api:
        job_id = api.post("/fine_tuning/jobs", json={"model": "m", "training_file": "f"}).json()["id"]
        job = api.post(f"/fine_tuning/jobs/{job_id}/cancel").json()
        assert job["status"] == "cancelled"


def test_invalid_training_file_fails(harness: Harness) -> None:
    """training_file 'file-invalid' fails after validation with a documented error."""
    job_id = harness.create(training_file="file-invalid")["id"]
    assert harness.job(job_id)["status"] == "validating_files"
    harness.advance(1)
    job = harness.job(job_id)
    assert job["status"] == "failed"
    assert job["error"]["code"] == "invalid_training_file"
    assert job["error"]["param"] == "training_file"
    assert "file-invalid" in job["error"]["message"]
    assert job["finished_at"] == int(T0) + 1
    last = events_of(harness, job_id)[-1]
    assert (last["level"], last["message"]) == ("error", job["error"]["message"])
    harness.advance(50)
    assert harness.job(job_id) == job


def test_admin_fail(harness: Harness) -> None:
    """POST /_ftjobs/jobs/{id}/fail fails a job with the given (or a default) error."""
    custom = harness.create()["id"]
    default = harness.create()["id"]
    harness.advance(3)
    body = {"code": "quota_exceeded", "message": "Out of quota.", "param": None}
    failed = harness.admin.post(f"/jobs/{custom}/fail", json=body).json()
    assert (failed["status"], failed["error"], failed["finished_at"]) == ("failed", body, int(T0) + 3)
    failed = harness.admin.post(f"/jobs/{default}/fail").json()
    assert failed["error"] == {
        "code": "server_error",
        "message": "The job failed due to an internal error.",
        "param": None,
    }
    harness.advance(50)
    assert harness.job(custom)["status"] == "failed"
    again = harness.admin.post(f"/jobs/{custom}/fail")
    assert again.status_code == 400


def test_real_clock_progression() -> None:
    """With the real clock and short steps a job succeeds on its own, through every status."""
    with serve(step_seconds=0.02) as url, httpx2.Client(base_url=url, headers=AUTH) as api:
        job_id = api.post("/fine_tuning/jobs", json={"model": "m", "training_file": "f"}).json()["id"]
        seen: list[str] = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            status = api.get(f"/fine_tuning/jobs/{job_id}").json()["status"]
            if not seen or seen[-1] != status:
                seen.append(status)
            if status == "succeeded":
                break
            time.sleep(0.005)
        assert seen[-1] == "succeeded"
        assert set(seen) <= {"validating_files", "queued", "running", "succeeded"}
        assert "running" in seen


def test_seeded_queued_example_goes_on(harness: Harness) -> None:
    """The spec's DPO example job (queued) continues from queued when time passes."""
    assert harness.job("ftjob-abc")["status"] == "queued"
    harness.advance(1)
    assert harness.job("ftjob-abc")["status"] == "running"
    harness.advance(20)
    assert harness.job("ftjob-abc")["status"] == "succeeded"
