"""The local server's metrics events: a noisy falling loss, validation every few steps with a
validation file, the full validation at the end, consistent with trained_tokens and the checkpoints.
Every response is checked against the spec by the harness."""

from __future__ import annotations

import itertools
from typing import Any

from ftjobs._server import _lifecycle as lc

from .conftest import Harness


def _metrics_events(harness: Harness, job_id: str) -> list[dict[str, Any]]:
    data = harness.api.get(f"/fine_tuning/jobs/{job_id}/events", params={"limit": 100}).json()["data"]
    return [e for e in data[::-1] if e["type"] == "metrics"]


def _supervised(n_epochs: int) -> dict[str, Any]:
    return {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": n_epochs}}}


def test_validation_every_few_steps_and_full_validation_at_the_end(harness: Harness) -> None:
    """20 steps with a validation file: valid_* every 2 steps, full_valid_* only at step 20; the
    loss falls with noise; the checkpoints carry their step's numbers; trained_tokens follows steps."""
    job = harness.create(validation_file="file-v", seed=11, method=_supervised(10))
    harness.advance(2 + 7)  # running, 7 steps done
    running = harness.job(job["id"])
    assert running["trained_tokens"] == 7 * lc.TOKENS_PER_STEP
    assert [e["data"]["step"] for e in _metrics_events(harness, job["id"])] == [float(s) for s in range(1, 8)]
    harness.advance(20)
    events = _metrics_events(harness, job["id"])
    assert [e["data"]["step"] for e in events] == [float(s) for s in range(1, 21)]
    validated = [int(e["data"]["step"]) for e in events if "valid_loss" in e["data"]]
    assert validated == list(range(2, 21, 2))
    assert [int(e["data"]["step"]) for e in events if "full_valid_loss" in e["data"]] == [20]
    assert all(e["data"]["total_steps"] == 20 for e in events)
    losses = [e["data"]["train_loss"] for e in events]
    assert losses[-1] < losses[0] / 3
    assert any(b > a for a, b in itertools.pairwise(losses)), "no noise: the loss never rises"
    last = events[-1]
    assert "validation loss=" in last["message"] and "full validation loss=" in last["message"]
    assert 0 < last["data"]["full_valid_mean_token_accuracy"] < 1
    checkpoints = harness.api.get(f"/fine_tuning/jobs/{job['id']}/checkpoints", params={"limit": 100}).json()
    by_step = {int(e["data"]["step"]): e["data"] for e in events}
    for checkpoint in checkpoints["data"]:
        expected = {k: v for k, v in by_step[checkpoint["step_number"]].items() if k != "total_steps"}
        assert checkpoint["metrics"] == expected
    assert harness.job(job["id"])["trained_tokens"] == 20 * lc.TOKENS_PER_STEP


def test_no_validation_without_a_validation_file(harness: Harness) -> None:
    """Without a validation file the events carry training numbers only."""
    job = harness.create(seed=3)
    harness.advance(30)
    events = _metrics_events(harness, job["id"])
    assert len(events) == 6
    assert {key for e in events for key in e["data"]} == {
        "step",
        "train_loss",
        "train_mean_token_accuracy",
        "total_steps",
    }


def test_metrics_are_deterministic_for_a_seed(harness: Harness) -> None:
    """Two jobs with the same seed and plan report the same numbers; another seed differs."""
    jobs = [harness.create(validation_file="file-v", seed=seed) for seed in (5, 5, 6)]
    harness.advance(30)
    data = [[e["data"] for e in _metrics_events(harness, job["id"])] for job in jobs]
    assert data[0] == data[1]
    assert data[0] != data[2]
