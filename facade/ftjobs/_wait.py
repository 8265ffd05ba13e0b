"""Waiting for a job: the decisions (pure, shared by sync and async), not the sleeping.

The deadline is checked before every request a wait makes (each job poll and each page of events),
not only between polls: a server that keeps answering (cycling or endless event pages) cannot keep
``wait(timeout=...)`` past its deadline by more than one request's own bound.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from ._constants import DEFAULT_POLL_INTERVAL, MAX_POLL_INTERVAL, POLL_BACKOFF
from ._errors import InvalidArgumentError, WaitTimeoutError
from ._retry import parse_retry_after
from ._status import JobStatus

if TYPE_CHECKING:
    from ._models import Job, JobEvent

OnUpdate = Callable[["Job"], object]
OnEvent = Callable[["JobEvent"], object]

logger = logging.getLogger("ftjobs")

#: Pages of events read per poll at most (100 events each): a real job never writes 10,000 events
#: between two polls, and a server sending distinct cursors forever cannot hold a poll longer.
MAX_EVENT_PAGES_PER_POLL = 100
#: The shortest limit a request of a wait gets once its deadline is near (or passed): the last poll
#: at the deadline still has time to connect and answer.
MIN_REQUEST_LIMIT = 1.0


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise InvalidArgumentError(f"{name} must be a number of seconds, got {value!r}")
    return float(value)


def wait_timeout(value: object) -> float | None:
    """wait()'s timeout: None (no limit) or seconds >= 0; anything else is InvalidArgumentError."""
    if value is None:
        return None
    seconds = _number("timeout", value)
    if seconds < 0:
        raise InvalidArgumentError(f"timeout must be >= 0 seconds (or None for no limit), got {value!r}")
    return seconds


def interval(name: str, value: object) -> float:
    """A polling interval: positive, finite seconds; anything else is InvalidArgumentError."""
    seconds = _number(name, value)
    if not 0 < seconds < math.inf:
        raise InvalidArgumentError(f"{name} must be a positive, finite number of seconds, got {value!r}")
    return seconds


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
        on_event: OnEvent | None = None,
        clock: Callable[[], float] | None = None,
        redact: Callable[[str], str] | None = None,
    ) -> None:
        for name, callback in (("on_update", on_update), ("on_poll", on_poll), ("on_event", on_event)):
            if callback is not None and not callable(callback):
                raise InvalidArgumentError(
                    f"{name} must be a function (or None), got {type(callback).__name__}"
                )
        timeout = wait_timeout(timeout)
        first, maximum = (
            interval("poll_interval", poll_interval),
            interval("max_poll_interval", max_poll_interval),
        )
        self.job_id = job_id
        self.clock = clock or time.monotonic
        self.deadline = None if timeout is None or math.isinf(timeout) else self.clock() + timeout
        self.timeout = timeout
        self.interval = first
        self.max_interval = max(maximum, first)
        self.on_update = on_update
        self.on_poll = on_poll
        self.redact = redact
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
        fresh: list[JobEvent] = []
        idless_seen = None in self.seen_events  # events without an id (2023 shapes): first poll only
        for event in newest_first:
            if event.id is None:
                if not idless_seen:
                    fresh.append(event)
            elif event.id not in self.seen_events:  # a page walked twice in one poll is emitted once
                fresh.append(event)
            self.seen_events.add(event.id)
        return fresh[::-1]

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

    def request_limit(self, attempt: float | None) -> float | None:
        """A shorter total limit for the next request when the deadline is nearer than ``attempt`` (the
        request's own limit, None for unbounded); None to keep the request's own."""
        if self.deadline is None:
            return None
        remaining = max(self.deadline - self.clock(), MIN_REQUEST_LIMIT)
        return remaining if attempt is None or remaining < attempt else None

    def walk_done(self, page: Iterable[JobEvent]) -> bool:
        """After one page of events: stop the walk once it reaches events already seen, or the deadline
        (the job is still observed: a terminal job is returned, else the wait times out)."""
        return self.expired() or any(e.id in self.seen_events for e in page)

    def events_walk_ended(self, exc: Exception) -> None:
        """An events walk that cannot end (cycle, endless pages): log it, keep waiting for the job."""
        logger.warning("ftjobs: wait(%s): events not followed further this poll: %s", self.job_id, exc)

    def timed_out(self) -> WaitTimeoutError:
        """The error for a deadline passed, carrying the last job seen."""
        status = self.last.status.value if self.last else "unknown"
        error = WaitTimeoutError(
            f"job {self.job_id} did not finish within {self.timeout:g}s (last status: {status})", self.last
        )
        return error if self.redact is None else error.redact(self.redact)

    def expired(self) -> bool:
        """True once the deadline (if any) has passed."""
        return self.deadline is not None and self.clock() >= self.deadline
