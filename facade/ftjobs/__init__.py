"""ftjobs: a fast, tolerant, typed client for the fine-tuning jobs API.

OpenAI, Portkey, Azure OpenAI and any OpenAI-compatible base URL::

    from ftjobs import Client
    with Client(api_key="sk-...") as client:
        job = client.jobs.retrieve("ftjob-abc123")
        print(job.status, job.status.is_terminal)
"""

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
from ._version import __version__

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
