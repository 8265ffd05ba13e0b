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
import math
import random
import time
from collections.abc import Callable, Mapping

import attrs
import httpx2

from ._constants import DEFAULT_MAX_RETRIES, INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY
from ._errors import ConfigurationError, Error

#: The largest ``max_retries`` accepted: more is a mistake (or a wish to retry forever, which the
#: overall bound of a call forbids).
MAX_RETRIES_LIMIT = 100

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

    def __attrs_post_init__(self) -> None:
        check_max_retries(self.max_retries, "RetryPolicy.max_retries")
        for name in ("initial_delay", "max_delay", "max_retry_after"):
            check_delay(getattr(self, name), f"RetryPolicy.{name}")

    def with_max_retries(self, max_retries: int | None) -> RetryPolicy:
        """This policy with another retry count (None keeps it)."""
        return self if max_retries is None else attrs.evolve(self, max_retries=max_retries)


def check_max_retries(
    value: object, name: str = "max_retries", error: type[Error] = ConfigurationError
) -> int:
    """value as a retry count: an int (not bool) from 0 to MAX_RETRIES_LIMIT; else ``error``."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RETRIES_LIMIT:
        raise error(f"{name} must be an integer from 0 to {MAX_RETRIES_LIMIT}, got {value!r}")
    return value


def check_delay(value: object, name: str) -> float:
    """value as a delay: a finite number of seconds >= 0 (not bool, NaN or inf); else ConfigurationError."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
        raise ConfigurationError(f"{name} must be a finite number of seconds >= 0, got {value!r}")
    return float(value)


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
    """Seconds the server asks us to wait, from ``retry-after-ms`` or ``Retry-After``; None if absent/bad.

    Never raises: a value that is not a number or an HTTP date (``year 10000``, a year too large for
    the platform, NaN, junk) is ignored, as if absent. A huge value is returned as is (possibly
    ``inf``): :func:`backoff_delay` and ``wait()`` cap what they actually sleep.
    """
    try:
        lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    except (TypeError, ValueError, UnicodeError):
        return None
    raw_ms = lowered.get("retry-after-ms")
    if raw_ms is not None:
        ms = _number(raw_ms)
        if ms is not None:
            return ms / 1000.0
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    seconds = _number(raw)
    if seconds is not None:
        return seconds
    return _until(raw.strip(), time.time() if now is None else now)


def _number(text: str) -> float | None:
    """A non-negative number of seconds (``inf`` included), or None for anything else."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if value >= 0 else None  # NaN compares False: ignored too


def _until(date: str, now: float) -> float | None:
    """Seconds from now until an HTTP date (0 if past), or None if it is not one we can represent."""
    try:
        parsed = email.utils.parsedate_tz(date)
        if parsed is None:
            return None
        return max(email.utils.mktime_tz(parsed) - now, 0.0)
    except (ValueError, OverflowError, OSError, IndexError, TypeError):  # year 10000, 10**11, ...
        return None


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
