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
        PaginationError,
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
    from ._types import (
        CheckpointMetrics,
        DpoHyperparameters,
        DpoMethod,
        EvalContent,
        EvalItem,
        Grader,
        Integration,
        JobError,
        JobHyperparameters,
        LabelModelGrader,
        Method,
        MultiGrader,
        PythonGrader,
        ReinforcementHyperparameters,
        ReinforcementMethod,
        SamplingParams,
        ScoreModelGrader,
        StringCheckGrader,
        SupervisedHyperparameters,
        SupervisedMethod,
        TextSimilarityGrader,
        UnknownVariant,
        WandbIntegration,
    )


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
    "CheckpointMetrics": "._types",
    "Client": "._client",
    "ConfigurationError": "._errors",
    "ConflictError": "._errors",
    "DpoHyperparameters": "._types",
    "DpoMethod": "._types",
    "Error": "._errors",
    "EvalContent": "._types",
    "EvalItem": "._types",
    "Grader": "._types",
    "InsecureTransportWarning": "._client",
    "Integration": "._types",
    "InternalServerError": "._errors",
    "InvalidArgumentError": "._errors",
    "InvalidJobIdError": "._errors",
    "Job": "._models",
    "JobError": "._types",
    "JobEvent": "._models",
    "JobHyperparameters": "._types",
    "JobStatus": "._status",
    "Jobs": "._client",
    "LabelModelGrader": "._types",
    "Method": "._types",
    "MultiGrader": "._types",
    "NotFoundError": "._errors",
    "Page": "._models",
    "PaginationError": "._errors",
    "PermissionDeniedError": "._errors",
    "PythonGrader": "._types",
    "RateLimitError": "._errors",
    "ReinforcementHyperparameters": "._types",
    "ReinforcementMethod": "._types",
    "ResponseValidationError": "._errors",
    "RetryPolicy": "._retry",
    "SamplingParams": "._types",
    "ScoreModelGrader": "._types",
    "StringCheckGrader": "._types",
    "SupervisedHyperparameters": "._types",
    "SupervisedMethod": "._types",
    "SyncPager": "._pagination",
    "TextSimilarityGrader": "._types",
    "UnknownVariant": "._types",
    "UnprocessableEntityError": "._errors",
    "WaitTimeoutError": "._errors",
    "WandbIntegration": "._types",
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
    "CheckpointMetrics",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "DpoHyperparameters",
    "DpoMethod",
    "Error",
    "EvalContent",
    "EvalItem",
    "Grader",
    "InsecureTransportWarning",
    "Integration",
    "InternalServerError",
    "InvalidArgumentError",
    "InvalidJobIdError",
    "Job",
    "JobError",
    "JobEvent",
    "JobHyperparameters",
    "JobStatus",
    "Jobs",
    "LabelModelGrader",
    "Method",
    "MultiGrader",
    "NotFoundError",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "PythonGrader",
    "RateLimitError",
    "ReinforcementHyperparameters",
    "ReinforcementMethod",
    "ResponseValidationError",
    "RetryPolicy",
    "SamplingParams",
    "ScoreModelGrader",
    "StringCheckGrader",
    "SupervisedHyperparameters",
    "SupervisedMethod",
    "SyncPager",
    "TextSimilarityGrader",
    "UnknownVariant",
    "UnprocessableEntityError",
    "WaitTimeoutError",
    "WandbIntegration",
    "__version__",
]
