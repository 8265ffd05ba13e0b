"""ftjobs: a fast, tolerant, typed client for the fine-tuning jobs API.

OpenAI, Portkey, Azure OpenAI and any OpenAI-compatible base URL::

    from ftjobs import Client
    with Client(api_key="sk-...") as client:
        job = client.jobs.retrieve("ftjob-abc123")
        print(job.status, job.status.is_terminal)
"""

import typing as _typing

from ._version import __version__

if _typing.TYPE_CHECKING:  # the names below load on first use: `import ftjobs` stays cheap for the CLI
    from ._client import AsyncClient, AsyncJobs, Client, InsecureTransportWarning, Jobs
    from ._errors import (
        APIConnectionError,
        APIError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConfigurationError,
        ConflictError,
        Error,
        InternalServerError,
        InvalidArgumentError,
        InvalidJobIdError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ResponseValidationError,
        UnprocessableEntityError,
        WaitTimeoutError,
    )
    from ._models import Checkpoint, Job, JobEvent, Page
    from ._pagination import AsyncPager, SyncPager
    from ._retry import RetryPolicy
    from ._status import JobStatus


_LAZY = {
    "APIConnectionError": "._errors",
    "APIError": "._errors",
    "APIStatusError": "._errors",
    "APITimeoutError": "._errors",
    "AsyncClient": "._client",
    "AsyncJobs": "._client",
    "AsyncPager": "._pagination",
    "AuthenticationError": "._errors",
    "BadRequestError": "._errors",
    "Checkpoint": "._models",
    "Client": "._client",
    "ConfigurationError": "._errors",
    "ConflictError": "._errors",
    "Error": "._errors",
    "InsecureTransportWarning": "._client",
    "InternalServerError": "._errors",
    "InvalidArgumentError": "._errors",
    "InvalidJobIdError": "._errors",
    "Job": "._models",
    "JobEvent": "._models",
    "Jobs": "._client",
    "JobStatus": "._status",
    "NotFoundError": "._errors",
    "Page": "._models",
    "PermissionDeniedError": "._errors",
    "RateLimitError": "._errors",
    "ResponseValidationError": "._errors",
    "RetryPolicy": "._retry",
    "SyncPager": "._pagination",
    "UnprocessableEntityError": "._errors",
    "WaitTimeoutError": "._errors",
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ftjobs' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncJobs",
    "AsyncPager",
    "AuthenticationError",
    "BadRequestError",
    "Checkpoint",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "Error",
    "InsecureTransportWarning",
    "InternalServerError",
    "InvalidArgumentError",
    "InvalidJobIdError",
    "Job",
    "JobEvent",
    "JobStatus",
    "Jobs",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "RetryPolicy",
    "SyncPager",
    "UnprocessableEntityError",
    "WaitTimeoutError",
    "__version__",
]
