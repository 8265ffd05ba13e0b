"""Waiting for a job: the decisions (pure, shared by sync and async), not the sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from ._constants import DEFAULT_POLL_INTERVAL, MAX_POLL_INTERVAL, POLL_BACKOFF
from ._errors import InvalidArgumentError, WaitTimeoutError
from ._models import Job, JobEvent
from ._retry import parse_retry_after
from ._status import JobStatus

OnUpdate = Callable[[Job], object]
OnEvent = Callable[[JobEvent], object]


def next_poll_delay(current: float, maximum: float, factor: float = POLL_BACKOFF) -> float:
    """The interval after current: grows by factor, never above maximum."""
    return min(current * factor, maximum)


def poll_hint(headers: Mapping[str, str], maximum: float) -> float | None:
    """A server's polling hint (``retry-after-ms``/``Retry-After`` on a 200), capped at maximum."""
    hint = parse_retry_after(headers)
    return None if hint is None else min(hint, maximum)


class Waiter:
    """State of one wait(): deadline, interval, status changes, events already seen."""

    def __init__(
        self,
        job_id: str,
        *,
        timeout: float | None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        max_poll_interval: float = MAX_POLL_INTERVAL,
        on_update: OnUpdate | None = None,
        on_poll: OnUpdate | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if poll_interval <= 0 or max_poll_interval <= 0:
            raise InvalidArgumentError("poll_interval and max_poll_interval must be positive")
        if timeout is not None and timeout < 0:
            raise InvalidArgumentError("timeout must be >= 0 (or None to wait without limit)")
        self.job_id = job_id
        self.clock = clock or time.monotonic
        self.deadline = None if timeout is None else self.clock() + timeout
        self.timeout = timeout
        self.interval = poll_interval
        self.max_interval = max(max_poll_interval, poll_interval)
        self.on_update = on_update
        self.on_poll = on_poll
        self.last: Job | None = None
        self._last_status: JobStatus | None = None
        self.seen_events: set[str | None] = set()

    def observe(self, job: Job) -> bool:
        """Record a poll result, call on_update on a status change; True once the job is terminal."""
        self.last = job
        if job.status != self._last_status or (job.status.is_unknown and job.status.value != self._raw()):
            self._last_status = job.status
            if self.on_update is not None:
                self.on_update(job)
        if self.on_poll is not None:
            self.on_poll(job)
        return job.status.is_terminal

    def _raw(self) -> str | None:
        return None if self._last_status is None else self._last_status.value

    def new_events(self, newest_first: Iterable[JobEvent]) -> list[JobEvent]:
        """Events not seen before, oldest first (the API lists newest first)."""
        fresh = [e for e in newest_first if e.id not in self.seen_events]
        self.seen_events.update(e.id for e in fresh)
        return list(reversed(fresh))

    def delay(self, headers: Mapping[str, str]) -> float:
        """Seconds to sleep before the next poll; raise WaitTimeoutError if the deadline passes first."""
        hint = poll_hint(headers, self.max_interval)
        delay = hint if hint is not None else self.interval
        self.interval = next_poll_delay(self.interval, self.max_interval)
        if self.deadline is not None:
            remaining = self.deadline - self.clock()
            if remaining <= 0:
                raise self.timed_out()
            delay = min(delay, remaining)
        return delay

    def timed_out(self) -> WaitTimeoutError:
        """The error for a deadline passed, carrying the last job seen."""
        status = self.last.status.value if self.last else "unknown"
        return WaitTimeoutError(
            f"job {self.job_id} did not finish within {self.timeout:g}s (last status: {status})", self.last
        )

    def expired(self) -> bool:
        """True once the deadline (if any) has passed."""
        return self.deadline is not None and self.clock() >= self.deadline
