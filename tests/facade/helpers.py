"""Helpers for facade tests: clients over httpx2.MockTransport with plain handler functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2

import ftjobs

Handler = Callable[[httpx2.Request], httpx2.Response]
SECRET = "sk-test-UNIQUE-7f3a9c"
BASE = "http://api.test/v1"


def job_json(job_id: str = "ftjob-abc123", status: str = "running", **extra: Any) -> dict[str, Any]:
    """A job object as the API sends it (current spec shape)."""
    return {
        "object": "fine_tuning.job",
        "id": job_id,
        "model": "gpt-4o-mini-2024-07-18",
        "created_at": 1721764800,
        "finished_at": None,
        "fine_tuned_model": None,
        "organization_id": "org-123",
        "result_files": [],
        "status": status,
        "validation_file": None,
        "training_file": "file-abc123",
        "error": None,
        "hyperparameters": {"n_epochs": "auto", "batch_size": "auto", "learning_rate_multiplier": "auto"},
        "trained_tokens": None,
        "seed": 42,
        "integrations": [],
        "metadata": None,
        "method": {
            "type": "supervised",
            "supervised": {
                "hyperparameters": {"n_epochs": 3, "batch_size": "auto", "learning_rate_multiplier": 1.5}
            },
        },
        **extra,
    }


class Recorder:
    """Wraps a handler and records every request it sees."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        self.requests.append(request)
        return self.handler(request)


def make_client(handler: Handler, **kwargs: Any) -> ftjobs.Client:
    """A Client on a MockTransport, retries without sleeping."""
    kwargs.setdefault("api_key", SECRET)
    kwargs.setdefault("base_url", BASE)
    kwargs.setdefault("retry", ftjobs.RetryPolicy(max_retries=2, initial_delay=0.0, max_delay=0.0))
    return ftjobs.Client(http_client=httpx2.Client(transport=httpx2.MockTransport(handler)), **kwargs)


def make_async_client(handler: Handler, **kwargs: Any) -> ftjobs.AsyncClient:
    """An AsyncClient on a MockTransport, retries without sleeping."""
    kwargs.setdefault("api_key", SECRET)
    kwargs.setdefault("base_url", BASE)
    kwargs.setdefault("retry", ftjobs.RetryPolicy(max_retries=2, initial_delay=0.0, max_delay=0.0))
    return ftjobs.AsyncClient(
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)), **kwargs
    )
