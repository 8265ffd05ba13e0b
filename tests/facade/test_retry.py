"""Retry decisions as pure functions, table-tested."""

from __future__ import annotations

import email.utils

import httpx2
import pytest

from ftjobs import ConfigurationError, RetryPolicy
from ftjobs._retry import backoff_delay, is_retryable_exception, is_retryable_status, parse_retry_after

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"retry-after": "3"}, 3.0),
        ({"Retry-After": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "junk", "retry-after": "2"}, 2.0),
        ({"retry-after": "-4"}, None),
        ({"retry-after": "soon"}, None),
        ({"retry-after": email.utils.formatdate(NOW + 7, usegmt=True)}, 7.0),
        ({"retry-after": email.utils.formatdate(NOW - 100, usegmt=True)}, 0.0),
        ({"retry-after": "nan"}, None),
        ({"retry-after": "Mon, 01 Jan 10000 00:00:00 GMT"}, None),  # ValueError in mktime_tz
        ({"retry-after": "Mon, 01 Jan 99999999999 00:00:00 GMT"}, None),  # OverflowError
        ({"retry-after": "inf"}, float("inf")),  # huge: above any cap, backoff_delay ignores it
        ({"retry-after-ms": "1e999"}, float("inf")),
        ({"retry-after-ms": "nan", "retry-after": "2"}, 2.0),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    """retry-after-ms wins, then Retry-After as seconds or HTTP date; junk, negatives and dates no
    platform can represent are ignored (never raised)."""
    assert parse_retry_after(headers, now=NOW) == expected


@pytest.mark.parametrize(
    ("status", "idempotent", "expected"),
    [
        (408, True, True),
        (409, True, True),
        (429, True, True),
        (500, True, True),
        (502, True, True),
        (503, True, True),
        (400, True, False),
        (401, True, False),
        (404, True, False),
        (422, True, False),
        (429, False, True),
        (500, False, False),
        (503, False, False),
        (408, False, False),
    ],
)
def test_retryable_status(status: int, idempotent: bool, expected: bool) -> None:
    """408/409/429/5xx retry; a non-idempotent call retries only 429."""
    assert is_retryable_status(status, idempotent=idempotent) is expected


_REQ = httpx2.Request("GET", "http://x")


@pytest.mark.parametrize(
    ("exc", "idempotent", "expected"),
    [
        (httpx2.ConnectError("refused", request=_REQ), False, True),
        (httpx2.ConnectTimeout("slow", request=_REQ), False, True),
        (httpx2.PoolTimeout("pool", request=_REQ), False, True),
        (httpx2.ReadTimeout("read", request=_REQ), False, False),
        (httpx2.ReadTimeout("read", request=_REQ), True, True),
        (httpx2.RemoteProtocolError("reset", request=_REQ), True, True),
        (httpx2.RemoteProtocolError("reset", request=_REQ), False, False),
        (httpx2.DecodingError("bad gzip", request=_REQ), True, False),
    ],
)
def test_retryable_exception(exc: Exception, idempotent: bool, expected: bool) -> None:
    """Only pre-send failures are retried for non-idempotent calls; decoding errors never."""
    assert is_retryable_exception(exc, idempotent=idempotent) is expected


def test_backoff_grows_caps_and_jitters() -> None:
    """Exponential from initial_delay, capped at max_delay, minus at most 25 % jitter."""
    policy = RetryPolicy(initial_delay=0.5, max_delay=4.0)
    assert [backoff_delay(n, policy, rand=lambda: 0.0) for n in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    assert backoff_delay(1, policy, rand=lambda: 1.0) == 0.75


def test_backoff_obeys_sane_server_hint_only() -> None:
    """A hint within max_retry_after is used exactly; an absurd one falls back to backoff."""
    policy = RetryPolicy(initial_delay=0.5, max_delay=4.0, max_retry_after=60)
    assert backoff_delay(0, policy, retry_after=12.0) == 12.0
    assert backoff_delay(0, policy, retry_after=3600.0, rand=lambda: 0.0) == 0.5


def test_with_max_retries() -> None:
    """Per-call override changes only the count; None keeps the policy."""
    policy = RetryPolicy(max_retries=2)
    assert policy.with_max_retries(None) is policy
    assert policy.with_max_retries(5).max_retries == 5


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"max_retries": True},
        {"max_retries": "2"},
        {"max_retries": 101},
        {"initial_delay": float("nan")},
        {"max_delay": float("inf")},
        {"max_retry_after": -1.0},
        {"initial_delay": "0.5"},
    ],
)
def test_retry_policy_checks_its_fields(kwargs: dict[str, object]) -> None:
    """RetryPolicy refuses counts and delays that would fail later or retry forever."""
    with pytest.raises(ConfigurationError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_retry_policy_accepts_the_edges() -> None:
    """0 and 100 retries, zero delays: accepted (too strict would be a bug too)."""
    assert RetryPolicy(max_retries=0, initial_delay=0, max_delay=0, max_retry_after=0).max_retries == 0
    assert RetryPolicy(max_retries=100).max_retries == 100


def test_backoff_ignores_a_hint_above_the_cap() -> None:
    """An infinite or huge hint falls back to the backoff: what is slept never exceeds the caps."""
    policy = RetryPolicy(initial_delay=0.5, max_delay=4.0, max_retry_after=60)
    assert backoff_delay(0, policy, retry_after=float("inf"), rand=lambda: 0.0) == 0.5
