"""Retry decisions as pure functions, table-tested."""

from __future__ import annotations

import asyncio
import email.utils

import httpx2
import pytest

import ftjobs
from ftjobs import ConfigurationError, RetryPolicy
from ftjobs._retry import backoff_delay, is_retryable_exception, is_retryable_status, parse_retry_after

from .helpers import BASE, SECRET, Recorder, job_json

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
        # zero is a valid hint ("retry at once"), not an absent one
        ({"retry-after": "0"}, 0.0),
        ({"retry-after-ms": "0"}, 0.0),
        ({"retry-after-ms": "0", "retry-after": "9"}, 0.0),
        ({"retry-after": "-1"}, None),
        ({"retry-after-ms": "-0.5", "retry-after": "4"}, 4.0),
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


def test_a_hint_equal_to_the_cap_is_obeyed_and_one_past_it_is_not() -> None:
    """Retry-After up to max_retry_after inclusive is slept as is; just above it, the backoff applies."""
    policy = RetryPolicy()
    assert backoff_delay(0, policy, retry_after=60.0) == 60.0
    assert backoff_delay(0, policy, retry_after=60.001, rand=lambda: 0.0) == 0.5
    capped = RetryPolicy(max_retry_after=5.0)
    assert backoff_delay(3, capped, retry_after=5.0) == 5.0
    assert backoff_delay(3, capped, retry_after=5.5, rand=lambda: 0.0) == 4.0


def test_a_zero_hint_retries_at_once() -> None:
    """Retry-After: 0 (or retry-after-ms: 0) means no wait, not the backoff."""
    policy = RetryPolicy()
    for headers in ({"retry-after": "0"}, {"retry-after-ms": "0"}):
        assert backoff_delay(2, policy, retry_after=parse_retry_after(headers), rand=lambda: 0.0) == 0.0


def test_the_documented_defaults() -> None:
    """RetryPolicy(): 2 retries, 0.5 s doubling to 8 s, server hints obeyed up to 60 s (README)."""
    policy = RetryPolicy()
    assert (policy.max_retries, policy.initial_delay, policy.max_delay, policy.max_retry_after) == (
        2,
        0.5,
        8.0,
        60.0,
    )
    assert [backoff_delay(n, policy, rand=lambda: 0.0) for n in range(7)] == [
        0.5,
        1.0,
        2.0,
        4.0,
        8.0,
        8.0,
        8.0,
    ]
    assert backoff_delay(5, policy, rand=lambda: 1.0) == 6.0


def _always(status: int) -> Recorder:
    return Recorder(lambda r: httpx2.Response(status, json={"error": {"message": "busy"}}))


def _within_default_backoff(slept: list[float]) -> None:
    """Each delay is 0.5 s * 2**n capped at 8 s, minus at most 25 % jitter."""
    for n, delay in enumerate(slept):
        base = min(0.5 * 2**n, 8.0)
        assert 0.75 * base <= delay <= base, (n, delay)


def test_a_bare_client_retries_twice_with_the_default_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Client() without retry settings: 3 attempts on a 500; its delays stay under the 8 s cap."""
    slept: list[float] = []
    monkeypatch.setattr("ftjobs._http.time.sleep", slept.append)
    recorder = _always(500)
    client = ftjobs.Client(
        api_key=SECRET, base_url=BASE, http_client=httpx2.Client(transport=httpx2.MockTransport(recorder))
    )
    with pytest.raises(ftjobs.InternalServerError):
        client.jobs.retrieve("ftjob-1")
    assert len(recorder.requests) == 3 and len(slept) == 2
    _within_default_backoff(slept)
    slept.clear()
    with pytest.raises(ftjobs.InternalServerError):
        client.jobs.retrieve("ftjob-1", max_retries=7)
    assert len(slept) == 7 and max(slept) <= 8.0 and min(slept[4:]) >= 6.0
    _within_default_backoff(slept)


def test_a_bare_async_client_retries_twice_with_the_default_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """AsyncClient() without retry settings: the same 3 attempts and capped delays."""
    slept: list[float] = []

    async def sleep(delay: float) -> None:
        slept.append(delay)

    monkeypatch.setattr(asyncio, "sleep", sleep)  # the engine imports asyncio where it sleeps
    recorder = _always(500)

    async def main() -> None:
        transport = httpx2.MockTransport(recorder)
        async with ftjobs.AsyncClient(
            api_key=SECRET, base_url=BASE, http_client=httpx2.AsyncClient(transport=transport)
        ) as client:
            with pytest.raises(ftjobs.InternalServerError):
                await client.jobs.retrieve("ftjob-1")
            assert len(recorder.requests) == 3 and len(slept) == 2
            slept.clear()
            with pytest.raises(ftjobs.InternalServerError):
                await client.jobs.retrieve("ftjob-1", max_retries=7)

    asyncio.run(main())
    assert len(slept) == 7 and max(slept) <= 8.0 and min(slept[4:]) >= 6.0
    _within_default_backoff(slept)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "60"}, 60.0),
        ({"retry-after-ms": "60000"}, 60.0),
        ({"retry-after": "0"}, 0.0),
        ({"retry-after-ms": "0"}, 0.0),
    ],
)
def test_a_bare_client_sleeps_the_hint_at_the_cap_and_at_zero(
    monkeypatch: pytest.MonkeyPatch, headers: dict[str, str], expected: float
) -> None:
    """Through a default client: a 429 hint of exactly 60 s is slept, and 0 retries at once (sync, async)."""
    slept: list[float] = []

    async def asleep(delay: float) -> None:
        slept.append(delay)

    monkeypatch.setattr("ftjobs._http.time.sleep", slept.append)
    monkeypatch.setattr(asyncio, "sleep", asleep)

    def handler() -> Recorder:
        answers = iter([httpx2.Response(429, headers=headers), httpx2.Response(200, json=job_json())])
        return Recorder(lambda r: next(answers))

    transport = httpx2.MockTransport(handler())
    ftjobs.Client(
        api_key=SECRET, base_url=BASE, http_client=httpx2.Client(transport=transport)
    ).jobs.retrieve("ftjob-abc123")

    async def main() -> None:
        transport = httpx2.MockTransport(handler())
        async with ftjobs.AsyncClient(
            api_key=SECRET, base_url=BASE, http_client=httpx2.AsyncClient(transport=transport)
        ) as client:
            await client.jobs.retrieve("ftjob-abc123")

    asyncio.run(main())
    assert slept == [expected, expected]


class _Unprintable:
    """A header value whose str() raises the given error."""

    def __init__(self, error: type[Exception]) -> None:
        self.error = error

    def __str__(self) -> str:
        raise self.error("no text")


@pytest.mark.parametrize("error", [TypeError, ValueError, UnicodeError])
def test_parse_retry_after_never_raises_on_headers_it_cannot_read(error: type[Exception]) -> None:
    """Header names or values that cannot become text are as if absent (the parser never raises)."""
    assert parse_retry_after({"retry-after": _Unprintable(error)}) is None  # type: ignore[dict-item]
    assert parse_retry_after({_Unprintable(error): "3"}) is None  # type: ignore[dict-item]


def test_retryable_by_default_is_the_idempotent_rule() -> None:
    """Without idempotent=..., a call is treated as idempotent; 5xx starts at 500 exactly."""
    assert is_retryable_status(500) and is_retryable_status(408)
    assert not is_retryable_status(499)
    request = httpx2.Request("GET", "http://x")
    assert is_retryable_exception(httpx2.ReadTimeout("slow", request=request))


def test_a_negative_hint_is_not_obeyed() -> None:
    """A negative retry_after given to backoff_delay falls back to the backoff (never a negative sleep)."""
    assert backoff_delay(1, RetryPolicy(), retry_after=-0.5, rand=lambda: 0.0) == 1.0
