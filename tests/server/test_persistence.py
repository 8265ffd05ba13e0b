"""SQLite persistence: a restart on the same file loses no job, event, checkpoint or clock offset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ftjobs._server import Server

from .conftest import STEP, Harness, frozen_clock


def snapshot(harness: Harness) -> dict[str, Any]:
    """Every job with its events and checkpoints, as the API shows them."""
    jobs = harness.api.get("/fine_tuning/jobs", params={"limit": 100}).json()["data"]
    out: dict[str, Any] = {"jobs": jobs}
    for job in jobs:
        for kind in ("events", "checkpoints"):
            path = f"/fine_tuning/jobs/{job['id']}/{kind}"
            out[f"{job['id']}/{kind}"] = harness.api.get(path, params={"limit": 100}).json()
    return out


def restarted(db: Path) -> Server:
    return Server(db=db, clock=frozen_clock, step_seconds=STEP)


def test_restart_loses_nothing(tmp_path: Path) -> None:
    """Jobs in every state, their events and checkpoints, and the advanced clock survive a restart."""
    db = tmp_path / "ftjobs.sqlite3"
    with restarted(db) as server:
        harness = Harness(server)
        running = harness.create(metadata={"k": "v"})["id"]
        paused = harness.create()["id"]
        cancelled = harness.create()["id"]
        harness.advance(5)
        harness.api.post(f"/fine_tuning/jobs/{paused}/pause")
        harness.api.post(f"/fine_tuning/jobs/{cancelled}/cancel")
        done = harness.create()["id"]
        harness.advance(20)  # `done` finished, `running` did too: create one more to stay mid-run
        fresh = harness.create(training_file="file-invalid")["id"]
        mid = harness.create()["id"]
        harness.advance(4)
        before = snapshot(harness)
        harness.close()
    assert db.stat().st_size > 0

    with restarted(db) as server:
        harness = Harness(server)
        after = snapshot(harness)
        assert after == before  # also: the example jobs were not seeded a second time
        statuses = {job["id"]: job["status"] for job in after["jobs"]}
        assert statuses[running] == statuses[done] == "succeeded"
        assert (statuses[paused], statuses[cancelled], statuses[fresh], statuses[mid]) == (
            "paused",
            "cancelled",
            "failed",
            "running",
        )
        assert len(after[f"{mid}/checkpoints"]["data"]) == 1
        # Life goes on where it stopped.
        harness.api.post(f"/fine_tuning/jobs/{paused}/resume")
        harness.advance(10)
        assert harness.job(mid)["status"] == "succeeded"
        assert harness.job(paused)["status"] == "succeeded"
        harness.close()


def test_in_memory_store_starts_afresh() -> None:
    """Without db, a new server knows only the seeded examples."""
    with Server(clock=frozen_clock, step_seconds=STEP) as server:
        harness = Harness(server)
        harness.create()
        harness.close()
    with Server(clock=frozen_clock, step_seconds=STEP) as server:
        harness = Harness(server)
        ids = [job["id"] for job in harness.api.get("/fine_tuning/jobs").json()["data"]]
        harness.close()
    assert ids == ["ftjob-abc", "ftjob-abc123"]
