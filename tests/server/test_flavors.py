"""`ftjobs serve --flavor`: the same jobs in each backend's shapes, as the Portkey gateway's transforms
(and Azure) give them: ids, milliseconds, {id}-only creates, empty cancels, lists without has_more."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx2
import pytest

from ftjobs._server import Server

from .conftest import AUTH, STEP, T0, TLS, frozen_clock

ARN = "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/"
BODY = {"model": "gpt-4o-mini", "training_file": "file-t"}


class Flavored:
    """A started server of one flavor, with a plain API client and the admin client."""

    def __init__(self, flavor: str) -> None:
        self.server = Server(flavor=flavor, clock=frozen_clock, step_seconds=STEP, seed_examples=False)
        self.server.start()
        self.api = httpx2.Client(base_url=self.server.url, headers=AUTH, timeout=5.0, verify=TLS)
        self.admin = httpx2.Client(base_url=self.server.root_url + "/_ftjobs", headers=AUTH, verify=TLS)

    def advance(self, steps: float) -> None:
        assert self.admin.post("/advance", json={"seconds": steps * STEP}).status_code == 200

    def create(self, **extra: Any) -> httpx2.Response:
        return self.api.post("/fine_tuning/jobs", json={**BODY, **extra})

    def close(self) -> None:
        self.api.close()
        self.admin.close()
        self.server.stop()


@pytest.fixture
def flavored(request: pytest.FixtureRequest) -> Iterator[Flavored]:
    server = Flavored(request.param)
    try:
        yield server
    finally:
        server.close()


def _flavor(name: str) -> Any:
    return pytest.mark.parametrize("flavored", [name], indirect=True)


@_flavor("portkey-bedrock")
def test_bedrock(flavored: Flavored) -> None:
    """Create answers {id} (the encoded ARN); retrieve by that id (sent as given) answers
    bedrockFinetuneToOpenAI's shape; cancel an empty body; pause is a cancel; events a 404."""
    assert flavored.create().json()["error"]["message"] == "role_arn is required"
    created = flavored.create(role_arn="arn:aws:iam::123456789012:role/ft", job_name="j", portkey_options={})
    assert created.status_code == 200
    answer = created.json()
    assert list(answer) == ["id"]
    job_id = answer["id"]
    assert job_id.startswith(quote(ARN, safe="")) and "%2F" in job_id and "%25" not in job_id
    job = flavored.api.get(f"/fine_tuning/jobs/{job_id}").json()
    assert job["id"] == job_id
    assert (job["object"], job["status"], job["finished_at"], job["error"]) == (
        "finetune",
        "running",
        None,
        {},
    )
    assert job["created_at"] == int(T0 * 1000)  # milliseconds
    assert job["hyperparameters"] == {"learning_rate_multiplier": None, "batch_size": None, "n_epochs": None}
    assert "has_more" not in flavored.api.get("/fine_tuning/jobs").json()
    events = flavored.api.get(f"/fine_tuning/jobs/{job_id}/events")
    assert events.status_code == 404
    cancelled = flavored.api.post(f"/fine_tuning/jobs/{job_id}/cancel")
    assert (cancelled.status_code, cancelled.content) == (200, b"")
    after = flavored.api.get(f"/fine_tuning/jobs/{job_id}").json()
    assert after["status"] == "cancelled"
    other = flavored.create(role_arn="arn:aws:iam::123456789012:role/ft").json()["id"]
    paused = flavored.api.post(f"/fine_tuning/jobs/{other}/pause")
    assert (paused.status_code, paused.content) == (200, b"")
    assert flavored.api.get(f"/fine_tuning/jobs/{other}").json()["status"] == "cancelled"  # as the gateway


@_flavor("portkey-bedrock")
def test_bedrock_failed_and_listed(flavored: Flavored) -> None:
    """A failed job's error is the message string; the list has total_count and no has_more, and
    does not take after."""
    job_id = flavored.create(role_arn="arn:aws:iam::1:role/ft").json()["id"]
    failed = flavored.admin.post(
        f"/jobs/{job_id}/fail", json={"code": "invalid_file", "message": "bad line 3"}
    )
    assert failed.status_code == 200, failed.text
    job = flavored.api.get(f"/fine_tuning/jobs/{job_id}").json()
    assert (job["status"], job["error"]) == ("failed", "bad line 3")
    assert isinstance(job["finished_at"], int) and job["finished_at"] >= 10**12
    page = flavored.api.get("/fine_tuning/jobs", params={"after": "anything", "limit": 1}).json()
    assert page == {"data": [job], "object": "list", "total_count": 1}


@_flavor("portkey-vertex")
def test_vertex(flavored: Flavored) -> None:
    """Queued words fold to queued, finished_at only once ended, the error a Google status, cancel {}."""
    created = flavored.create(portkey_options={"x-portkey-provider": "vertex-ai"}).json()
    assert (created["object"], created["status"], created["created_at"]) == (
        "finetune",
        "queued",
        int(T0 * 1000),
    )
    assert "finished_at" not in created and "error" not in created
    job_id = created["id"]
    flavored.admin.post(f"/jobs/{job_id}/fail", json={"code": "invalid_file", "message": "too small"})
    job = flavored.api.get(f"/fine_tuning/jobs/{job_id}").json()
    assert job["error"] == {"code": 3, "message": "too small", "details": []}
    assert job["finished_at"] == int(T0 * 1000)
    other = flavored.create().json()["id"]
    cancelled = flavored.api.post(f"/fine_tuning/jobs/{other}/cancel")
    assert (cancelled.status_code, cancelled.json()) == (200, {})
    page = flavored.api.get("/fine_tuning/jobs", params={"limit": 1}).json()
    assert (page["has_more"], page["first_id"], page["last_id"]) == (True, other, other)
    assert flavored.api.get(f"/fine_tuning/jobs/{other}/checkpoints").status_code == 404


@_flavor("portkey-fireworks")
def test_fireworks(flavored: Flavored) -> None:
    """No object, completed_at once ended, error {code, message} only when failed, cancel a job."""
    created = flavored.create().json()
    assert "object" not in created and created["completed_at"] is None and "error" not in created
    flavored.advance(20)
    done = flavored.api.get(f"/fine_tuning/jobs/{created['id']}").json()
    assert done["status"] == "succeeded" and done["completed_at"] >= int(T0 * 1000)
    assert "finished_at" not in done and "error" not in done
    other = flavored.create().json()["id"]
    cancelled = flavored.api.post(f"/fine_tuning/jobs/{other}/cancel").json()
    assert (cancelled["id"], cancelled["status"]) == (other, "cancelled")


@_flavor("azure")
def test_azure(flavored: Flavored) -> None:
    """pending for validating_files, null organization_id and result_files; events served."""
    created = flavored.create().json()
    assert (created["status"], created["organization_id"], created["result_files"]) == ("pending", None, None)
    assert created["created_at"] == int(T0)  # seconds
    assert flavored.api.get(f"/fine_tuning/jobs/{created['id']}/events").status_code == 200


def test_an_unknown_flavor_is_refused() -> None:
    with pytest.raises(ValueError, match="flavor must be one of"):
        Server(flavor="bedrock")
