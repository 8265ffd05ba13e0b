"""Shared pieces of the reliability suite: a controllable clock, the admin API, the operations."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx2

import ftjobs
from ftjobs.testing import DEFAULT_API_KEY, admin_url

#: Client read/connect timeout in these tests: a fault that never answers surfaces at once.
TIMEOUT = 0.3
#: Two retries (three attempts), short backoff, and server hints obeyed up to 1.5 s.
POLICY = ftjobs.RetryPolicy(max_retries=2, initial_delay=0.01, max_delay=0.02, max_retry_after=1.5)
#: Seconds per lifecycle step of the local server; its clock only moves when a test moves it.
STEP = 1.0
OPERATIONS = ("retrieve", "list", "create", "cancel", "pause", "resume", "events", "checkpoints")


class FakeClock:
    """A wall clock that stands still until ``advance``: local jobs change status only when told."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


class Admin:
    """The local server's admin API: fault queue and request log (it takes the API's key)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._http = httpx2.Client(timeout=5.0, headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"})

    def close(self) -> None:
        self._http.close()

    def queue(self, spec: str, *, times: int, path: str, method: str) -> None:
        body = {"fault": spec, "times": times, "path": path, "method": method}
        self._http.post(admin_url(self.base_url, "faults"), json=body).raise_for_status()

    def clear_faults(self) -> None:
        self._http.delete(admin_url(self.base_url, "faults")).raise_for_status()

    def requests(self) -> list[dict[str, Any]]:
        response = self._http.get(admin_url(self.base_url, "requests"))
        response.raise_for_status()
        data: list[dict[str, Any]] = response.json()["data"]
        return data

    def clear_requests(self) -> None:
        self._http.delete(admin_url(self.base_url, "requests")).raise_for_status()

    def settled_requests(
        self, expected: int, *, within: float = 3.0, grace: float = 0.0
    ) -> list[dict[str, Any]]:
        """The request log once it holds ``expected`` entries, or whatever it holds after ``within``
        seconds; ``grace`` seconds more when late extras are possible (``delay`` logs after answering)."""
        deadline = time.monotonic() + within
        entries = self.requests()
        while len(entries) < expected and time.monotonic() < deadline:
            time.sleep(0.02)
            entries = self.requests()
        if grace:
            time.sleep(grace)
            entries = self.requests()
        return entries


#: One verifying TLS context for every test client: building one (certifi's CA bundle) costs ~45 ms,
#: paid per client otherwise, hundreds of times. Verification stays on; these servers are plain HTTP.
TLS = ssl.create_default_context()


def client(base_url: str, **kwargs: Any) -> ftjobs.Client:
    kwargs.setdefault("verify", TLS)
    kwargs.setdefault("api_key", DEFAULT_API_KEY)
    kwargs.setdefault("timeout", TIMEOUT)
    kwargs.setdefault("retry", POLICY)
    return ftjobs.Client(base_url=base_url, **kwargs)


def async_client(base_url: str, **kwargs: Any) -> ftjobs.AsyncClient:
    kwargs.setdefault("verify", TLS)
    kwargs.setdefault("api_key", DEFAULT_API_KEY)
    kwargs.setdefault("timeout", TIMEOUT)
    kwargs.setdefault("retry", POLICY)
    return ftjobs.AsyncClient(base_url=base_url, **kwargs)


CREATE_ARGS = {"model": "gpt-4o-mini-2024-07-18", "training_file": "file-abc123"}

SYNC_OPS: dict[str, Callable[[ftjobs.Jobs, str], Any]] = {
    "retrieve": lambda jobs, job_id: jobs.retrieve(job_id),
    "list": lambda jobs, job_id: jobs.list().first_page(),
    "create": lambda jobs, job_id: jobs.create(**CREATE_ARGS),
    "cancel": lambda jobs, job_id: jobs.cancel(job_id),
    "pause": lambda jobs, job_id: jobs.pause(job_id),
    "resume": lambda jobs, job_id: jobs.resume(job_id),
    "events": lambda jobs, job_id: jobs.events(job_id).first_page(),
    "checkpoints": lambda jobs, job_id: jobs.checkpoints(job_id).first_page(),
}

ASYNC_OPS: dict[str, Callable[[ftjobs.AsyncJobs, str], Awaitable[Any]]] = {
    "retrieve": lambda jobs, job_id: jobs.retrieve(job_id),
    "list": lambda jobs, job_id: jobs.list().first_page(),
    "create": lambda jobs, job_id: jobs.create(**CREATE_ARGS),
    "cancel": lambda jobs, job_id: jobs.cancel(job_id),
    "pause": lambda jobs, job_id: jobs.pause(job_id),
    "resume": lambda jobs, job_id: jobs.resume(job_id),
    "events": lambda jobs, job_id: jobs.events(job_id).first_page(),
    "checkpoints": lambda jobs, job_id: jobs.checkpoints(job_id).first_page(),
}


def request_line(op: str, job_id: str) -> tuple[str, str]:
    """(method, path) of the one request an operation sends."""
    base = "/v1/fine_tuning/jobs"
    return {
        "retrieve": ("GET", f"{base}/{job_id}"),
        "list": ("GET", base),
        "create": ("POST", base),
        "cancel": ("POST", f"{base}/{job_id}/cancel"),
        "pause": ("POST", f"{base}/{job_id}/pause"),
        "resume": ("POST", f"{base}/{job_id}/resume"),
        "events": ("GET", f"{base}/{job_id}/events"),
        "checkpoints": ("GET", f"{base}/{job_id}/checkpoints"),
    }[op]
