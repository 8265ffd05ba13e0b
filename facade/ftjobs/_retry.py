"""Retry decisions as pure functions (table-tested), after openai-python's ``_base_client``.

- :func:`is_retryable_status` / :func:`is_retryable_exception`: what may be retried at all.
- :func:`parse_retry_after`: the server's hint from ``retry-after-ms`` or ``Retry-After``
  (seconds or an HTTP date), in seconds, or None.
- :func:`backoff_delay`: jittered exponential backoff, capped, honouring a sane server hint.

Which operations retry what (see README, "Retries"): reads (retrieve, list, events, checkpoints)
retry on 408, 409, 429, 5xx, connection errors and timeouts. Cancel, pause and resume converge
(repeating one cannot do a second, different thing), so they retry the same way. Create is not
idempotent (a retry after the server acted would start a second, billed job), so it retries only
when the request certainly was not acted on: failure to connect, and 429.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping

import attrs
import httpx2

from ._constants import DEFAULT_MAX_RETRIES, INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY

RETRYABLE_STATUSES = frozenset({408, 409, 429})
#: Exceptions raised before the request could have reached the server.
_NOT_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)


@attrs.frozen
class RetryPolicy:
    """How often and how patiently to retry. ``max_retries`` is the number of retries, not attempts."""

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = INITIAL_RETRY_DELAY
    max_delay: float = MAX_RETRY_DELAY
    max_retry_after: float = MAX_RETRY_AFTER

    def with_max_retries(self, max_retries: int | None) -> RetryPolicy:
        """This policy with another retry count (None keeps it)."""
        return self if max_retries is None else attrs.evolve(self, max_retries=max_retries)


def is_retryable_status(status_code: int, *, idempotent: bool = True) -> bool:
    """True if a response with this status may be retried."""
    if not idempotent:
        return status_code == 429
    return status_code in RETRYABLE_STATUSES or status_code >= 500


def is_retryable_exception(exc: BaseException, *, idempotent: bool = True) -> bool:
    """True if a transport exception may be retried (only pre-send failures for non-idempotent calls)."""
    if isinstance(exc, _NOT_SENT):
        return True
    return idempotent and isinstance(exc, httpx2.TransportError)


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait, from ``retry-after-ms`` or ``Retry-After``; None if absent/bad."""
    lowered = {k.lower(): v for k, v in headers.items()}
    raw_ms = lowered.get("retry-after-ms")
    if raw_ms is not None:
        try:
            value = float(raw_ms) / 1000.0
        except ValueError:
            value = -1.0
        if value >= 0 and value == value:  # not NaN
            return value
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        seconds = float(raw)
    except ValueError:
        parsed = email.utils.parsedate_tz(raw)
        if parsed is None:
            return None
        seconds = email.utils.mktime_tz(parsed) - (time.time() if now is None else now)
        return max(seconds, 0.0)
    return seconds if seconds >= 0 and seconds == seconds else None


def backoff_delay(
    retries_done: int,
    policy: RetryPolicy,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to sleep before retry number ``retries_done + 1``.

    A server hint between 0 and ``policy.max_retry_after`` is obeyed exactly; otherwise the delay is
    ``initial_delay * 2**retries_done`` capped at ``max_delay``, minus up to 25 % jitter.
    """
    if retry_after is not None and 0 <= retry_after <= policy.max_retry_after:
        return retry_after
    base = min(policy.initial_delay * (2.0**retries_done), policy.max_delay)
    return base * (1.0 - 0.25 * rand())
