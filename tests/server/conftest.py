"""Fixtures for the local server tests: real servers on 127.0.0.1, plain httpx clients."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from ftjobs._server import DEFAULT_API_KEY, Server

from .spec_check import checker

FAULT_HEADER = "x-ftjobs-fault"

T0 = 1_800_000_000.0
STEP = 1.0
AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
#: One TLS context for every client: building one per httpx2.Client costs ~40 ms (loopback is plain HTTP).
TLS = ssl.create_default_context()


def frozen_clock() -> float:
    """A clock that never moves: only ``advance`` makes jobs progress."""
    return T0


def check_response(response: httpx2.Response) -> None:
    """Every API response a Harness gets conforms to the spec (spec_check); injected faults aside."""
    request = response.request
    if request.headers.get(FAULT_HEADER) or request.method == "HEAD":
        return
    response.read()
    # a file's content is not JSON (the spec types it as a string)
    kind = response.headers.get("content-type", "")
    body = response.text if kind.startswith("application/octet-stream") else response.json()
    problems = checker().problems(request.method, request.url.path, response.status_code, body)
    assert not problems, problems


class Harness:
    """A started server, an authenticated API client and an (as authenticated) admin client."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.api = httpx2.Client(
            base_url=server.url,
            headers=AUTH,
            timeout=5.0,
            verify=TLS,
            event_hooks={"response": [check_response]},
        )
        self.admin = httpx2.Client(
            base_url=server.root_url + "/_ftjobs", headers=AUTH, timeout=5.0, verify=TLS
        )

    def advance(self, steps: float) -> None:
        response = self.admin.post("/advance", json={"seconds": steps * STEP})
        assert response.status_code == 200, response.text

    def create(self, **body: Any) -> dict[str, Any]:
        response = self.api.post(
            "/fine_tuning/jobs", json={"model": "gpt-4o-mini", "training_file": "file-t", **body}
        )
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        return job

    def job(self, job_id: str) -> dict[str, Any]:
        response = self.api.get(f"/fine_tuning/jobs/{job_id}")
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        return job

    def close(self) -> None:
        self.api.close()
        self.admin.close()


@pytest.fixture
def harness() -> Iterator[Harness]:
    """A server on a frozen clock (1 s steps): jobs move only when the test advances time."""
    with Server(clock=frozen_clock, step_seconds=STEP) as server:
        harness = Harness(server)
        try:
            yield harness
        finally:
            harness.close()
