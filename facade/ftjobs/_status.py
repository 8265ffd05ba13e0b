"""The fine-tuning job status enum, forward compatible."""

from __future__ import annotations

import enum
from typing import Any


class JobStatus(enum.StrEnum):
    """Status of a fine-tuning job.

    Every value any version of the API has documented is a member (``created`` and ``pending`` are
    from 2023; ``paused`` is returned by the pause operation although the spec's enum omits it). A
    value that no version knows yet still parses: it becomes a pseudo-member named ``UNKNOWN`` whose
    ``value`` keeps the raw string, and it is neither terminal nor active.
    """

    VALIDATING_FILES = "validating_files"
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    CREATED = "created"
    PENDING = "pending"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member

    @property
    def is_terminal(self) -> bool:
        """True once the job can no longer change: succeeded, failed or cancelled."""
        return self in _TERMINAL

    @property
    def is_active(self) -> bool:
        """True while the job is known to be on its way (including paused, which can resume)."""
        return self in _ACTIVE

    @property
    def is_unknown(self) -> bool:
        """True for a value this client version does not know."""
        return self._name_ == "UNKNOWN"

    def __str__(self) -> str:
        return self.value


_TERMINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})
_ACTIVE = frozenset(
    {
        JobStatus.VALIDATING_FILES,
        JobStatus.QUEUED,
        JobStatus.RUNNING,
        JobStatus.PAUSED,
        JobStatus.CREATED,
        JobStatus.PENDING,
    }
)
