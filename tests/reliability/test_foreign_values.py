"""Foreign values: whatever a server puts in Retry-After and whatever a user passes as configuration,
the outcome is an ftjobs error (or the value is ignored), never ValueError, OverflowError or TypeError.

- ``Retry-After``/``retry-after-ms`` that are not representable (``year 10000``, a year past the
  platform's range, NaN, inf, junk, negative) on a 429 are ignored: every operation, sync and async,
  retries after its own backoff and succeeds; in ``wait()`` the same hints on a 200 are ignored too.
  A huge but valid hint (``9999-12-31``) is above the Retry-After cap: not waited for.
- Every bad client option is a ConfigurationError at construction, before anything is sent; every
  bad per-call ``timeout``/``max_retries`` and ``wait()`` argument is an InvalidArgumentError.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
import uuid
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ftjobs
from ftjobs._retry import backoff_delay, parse_retry_after

from . import support
from .loopback import JOB, Loopback

SETTINGS = settings(derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
#: Generous bound on one call: the policy's delays are hundredths of a second, the cap 1.5 s.
BOUND = 30.0

GARBAGE = {
    "year-10000": "Mon, 01 Jan 10000 00:00:00 GMT",
    "huge-year": "Mon, 01 Jan 99999999999 00:00:00 GMT",
    "far-future": "Fri, 31 Dec 9999 23:59:59 GMT",
    "nan": "nan",
    "inf": "inf",
    "1e999": "1e999",
    "negative": "-5",
    "junk": "soon, maybe",
    "empty": "",
    "huge-seconds": "9" * 400,
}
HEADERS = ("Retry-After", "retry-after-ms")


def _page(kind: str) -> dict[str, Any]:
    item: dict[str, Any] = {**JOB}
    if kind == "events":
        item = {"object": "fine_tuning.job.event", "id": "ftevent-1", "created_at": 1, "level": "info"}
        item["message"], item["type"] = "m", "message"
    elif kind == "checkpoints":
        item = {"object": "fine_tuning.job.checkpoint", "id": "ftckpt-1", "created_at": 1, "step_number": 1}
        item["fine_tuned_model_checkpoint"], item["fine_tuning_job_id"] = "ft:x", "ftjob-abc123"
        item["metrics"] = {}
    return {"object": "list", "data": [item], "has_more": False}


class Throttling:
    """Answers the first request of each case (the ``x-case`` header) 429 with the case's hint header,
    and every later one with the document the operation expects."""

    def __init__(self) -> None:
        self.hints: dict[str, tuple[str, str]] = {}
        self.count: dict[str, int] = {}

    def __call__(self, method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        case = headers.get("x-case", "")
        self.count[case] = self.count.get(case, 0) + 1
        hint = self.hints.get(case)
        if hint is not None and self.count[case] == 1:
            return (
                429,
                {"Content-Type": "application/json", hint[0]: hint[1]},
                b'{"error": {"message": "slow"}}',
            )
        last = path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if last in ("events", "checkpoints") or (last == "jobs" and method == "GET"):
            doc = _page(last)
        else:
            doc = {**JOB, "status": "cancelled" if last == "cancel" else "running"}
        return 200, {"Content-Type": "application/json"}, json.dumps(doc).encode()


@pytest.fixture(scope="module")
def throttling() -> Any:
    handler = Throttling()
    with Loopback(handler) as server:
        yield server, handler


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("op", support.OPERATIONS)
@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("value", sorted(GARBAGE))
def test_unusable_retry_after_is_ignored_by_every_operation(
    throttling: Any, value: str, header: str, op: str, mode: str
) -> None:
    """A 429 with an unusable or huge hint is retried after the policy's backoff, then succeeds."""
    server, handler = throttling
    case = uuid.uuid4().hex
    handler.hints[case] = (header, GARBAGE[value])
    url = server.origin + "/v1"
    started = time.monotonic()
    if mode == "sync":
        with support.client(url, default_headers={"x-case": case}) as client:
            support.SYNC_OPS[op](client.jobs, "ftjob-abc123")
    else:

        async def main() -> None:
            async with support.async_client(url, default_headers={"x-case": case}) as client:
                await support.ASYNC_OPS[op](client.jobs, "ftjob-abc123")

        asyncio.run(main())
    assert handler.count[case] == 2  # the 429, then the answer
    assert time.monotonic() - started < BOUND


@pytest.mark.parametrize("value", sorted(GARBAGE))
def test_retry_after_that_never_relents_ends_in_rate_limit_error(value: str) -> None:
    """Always 429 with an unusable hint: RateLimitError after the retries, no foreign exception."""

    def always(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        return 429, {"Retry-After": GARBAGE[value], "Content-Type": "application/json"}, b"{}"

    with (
        Loopback(always) as server,
        support.client(server.origin + "/v1") as client,
        pytest.raises(ftjobs.RateLimitError),
    ):
        client.jobs.retrieve("ftjob-abc123")
    assert len(server.seen) == support.POLICY.max_retries + 1


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("value", sorted(GARBAGE))
def test_wait_ignores_unusable_polling_hints(value: str, mode: str) -> None:
    """wait() whose job answers carry an unusable hint polls at its own interval and finishes."""
    polls: list[float] = []

    def job(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        polls.append(time.monotonic())
        status = "succeeded" if len(polls) >= 3 else "running"
        body = json.dumps({**JOB, "status": status}).encode()
        return 200, {"Content-Type": "application/json", "Retry-After": GARBAGE[value]}, body

    with Loopback(job) as server:
        url = server.origin + "/v1"
        kwargs: dict[str, Any] = {"timeout": BOUND, "poll_interval": 0.02, "max_poll_interval": 0.05}
        if mode == "sync":
            with support.client(url) as client:
                result = client.jobs.wait("ftjob-abc123", **kwargs)
        else:

            async def main() -> ftjobs.Job:
                async with support.async_client(url) as client:
                    return await client.jobs.wait("ftjob-abc123", **kwargs)

            result = asyncio.run(main())
    assert result.status == ftjobs.JobStatus.SUCCEEDED
    assert len(polls) == 3


@settings(SETTINGS, max_examples=2000)
@given(
    st.text()
    | st.from_regex(
        r"\A[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} -?\d{1,15} \d{1,3}:\d{1,3}:\d{1,3} [A-Z+\-0-9]{1,6}\Z"
    )
    | st.floats().map(repr)
    | st.integers().map(str),
    st.sampled_from(HEADERS),
)
def test_parse_retry_after_never_raises(value: str, header: str) -> None:
    """Any text in either header: None or a non-negative number, and the backoff stays within its caps."""
    hint = parse_retry_after({header: value}, now=1_700_000_000.0)
    assert hint is None or (isinstance(hint, float) and hint >= 0 and not math.isnan(hint))
    delay = backoff_delay(3, support.POLICY, hint)
    assert 0 <= delay <= max(support.POLICY.max_delay, support.POLICY.max_retry_after)


# --- configuration ------------------------------------------------------------------------------

BAD_OPTIONS: dict[str, dict[str, Any]] = {
    "timeout-text": {"timeout": "abc"},
    "timeout-negative": {"timeout": -1},
    "timeout-zero": {"timeout": 0},
    "timeout-nan": {"timeout": math.nan},
    "timeout-inf": {"timeout": math.inf},
    "timeout-bool": {"timeout": True},
    "timeout-tuple": {"timeout": (1, 2)},
    "timeout-part-negative": {"timeout": httpx2.Timeout(5.0, read=-1.0)},
    "timeout-part-nan": {"timeout": httpx2.Timeout(5.0, connect=math.nan)},
    "max-retries-text": {"max_retries": "2"},
    "max-retries-negative": {"max_retries": -1},
    "max-retries-bool": {"max_retries": True},
    "max-retries-float": {"max_retries": 2.0},
    "max-retries-huge": {"max_retries": 10**9},
    "retry-not-a-policy": {"retry": {"max_retries": 2}},
    "retry-and-max-retries": {"retry": support.POLICY, "max_retries": 1},
    "max-response-bytes-zero": {"max_response_bytes": 0},
    "max-response-bytes-negative": {"max_response_bytes": -1},
    "max-response-bytes-text": {"max_response_bytes": "32MiB"},
    "max-response-bytes-bool": {"max_response_bytes": True},
    "header-name-space": {"default_headers": {"X Team": "ml"}},
    "header-name-colon": {"default_headers": {"X-Team:": "ml"}},
    "header-name-non-ascii": {"default_headers": {"X-Équipe": "ml"}},
    "header-name-empty": {"default_headers": {"": "ml"}},
    "header-name-not-text": {"default_headers": {b"X-Team": "ml"}},
    "header-value-crlf": {"default_headers": {"X-Team": "ml\r\nX-Injected: 1"}},
    "header-value-nul": {"default_headers": {"X-Team": "ml\x00"}},
    "header-value-non-ascii": {"default_headers": {"X-Team": "équipe"}},
    "header-value-not-text": {"default_headers": {"X-Team": 7}},
    "header-framing": {"default_headers": {"Content-Length": "0"}},
    "header-host": {"default_headers": {"Host": "elsewhere.example"}},
    "header-twice": {"default_headers": {"X-Team": "a", "x-team": "b"}},
    "headers-not-mapping": {"default_headers": [("X-Team", "ml")]},
    "base-url-scheme": {"base_url": "ftp://api.example/v1"},
    "base-url-no-host": {"base_url": "http:///v1"},
    "base-url-port": {"base_url": "http://127.0.0.1:99999/v1"},
    "base-url-port-text": {"base_url": "http://127.0.0.1:abc/v1"},
    "base-url-credentials": {"base_url": "https://user:secret@api.example/v1"},
    "base-url-query": {"base_url": "https://api.example/v1?x=1"},
    "base-url-space": {"base_url": "https://api.example/v 1"},
    "base-url-newline": {"base_url": "https://api.example/v1\n"},
    "base-url-bad-idna": {"base_url": "https://\u2603.example/v1"},
    "base-url-empty-label": {"base_url": "http://a..b:1/v1"},
    "base-url-leading-dot": {"base_url": "https://.api.example/v1"},
    "base-url-64-character-label": {"base_url": "https://" + "a" * 64 + ".example/v1"},
    "base-url-64-character-last-label": {"base_url": "https://api." + "a" * 64 + "/v1"},
    "base-url-not-text": {"base_url": 8080},
    "api-key-bytes": {"api_key": b"sk-bytes"},
    "organization-int": {"organization": 42},
    "verify-int": {"verify": 1},
    "verify-missing-file": {"verify": "/nonexistent/ca.pem"},
    "unknown-option": {"timout": 5},
    "provider-unknown": {"provider": "openia"},
}


@pytest.mark.parametrize("cls", [ftjobs.Client, ftjobs.AsyncClient])
@pytest.mark.parametrize("name", sorted(BAD_OPTIONS))
def test_bad_configuration_is_a_configuration_error_at_construction(name: str, cls: Any) -> None:
    """Each bad option raises ConfigurationError from the constructor, before any request."""
    with Loopback() as server:
        kwargs = {"api_key": "sk-config", "base_url": server.origin + "/v1", **BAD_OPTIONS[name]}
        with pytest.raises(ftjobs.ConfigurationError):
            cls(**kwargs)
    assert server.seen == []


GOOD_OPTIONS: dict[str, dict[str, Any]] = {
    "timeout-int": {"timeout": 5},
    "timeout-none": {"timeout": None},
    "timeout-object": {"timeout": httpx2.Timeout(5.0, connect=None)},
    "max-retries-zero": {"max_retries": 0},
    "max-retries-limit": {"max_retries": 100},
    "retry-policy": {"retry": support.POLICY},
    "retry-none": {"retry": None, "max_retries": 1},
    "headers": {"default_headers": {"X-Team": "ml", "Idempotency-Key": "a~b!c"}},
    "base-url-port": {"base_url": "http://127.0.0.1:1/v1"},
    "base-url-idna": {"base_url": "https://exämple.example/v1"},
    "base-url-63-character-label": {"base_url": "https://" + "a" * 63 + ".example/v1"},
    "base-url-root-dot": {"base_url": "https://api.example./v1"},
    "base-url-ipv6": {"base_url": "http://[::1]:8080/v1"},
}


@pytest.mark.parametrize("name", sorted(GOOD_OPTIONS))
def test_good_configuration_is_accepted(name: str) -> None:
    """The edges of each rule are accepted (a check too strict would be a bug too)."""
    kwargs = {"api_key": "sk-config", "base_url": "https://api.example/v1", **GOOD_OPTIONS[name]}
    ftjobs.Client(**kwargs).close()


BAD_CALLS: dict[str, Any] = {
    "timeout-text": lambda jobs: jobs.retrieve("ftjob-abc123", timeout="abc"),
    "timeout-negative": lambda jobs: jobs.retrieve("ftjob-abc123", timeout=-1),
    "timeout-nan": lambda jobs: jobs.list(timeout=math.nan).first_page(),
    "max-retries-negative": lambda jobs: jobs.retrieve("ftjob-abc123", max_retries=-1),
    "max-retries-text": lambda jobs: jobs.cancel("ftjob-abc123", max_retries="2"),
    "max-retries-huge": lambda jobs: jobs.create(**support.CREATE_ARGS, max_retries=10**9),
    "wait-timeout-nan": lambda jobs: jobs.wait("ftjob-abc123", timeout=math.nan),
    "wait-timeout-text": lambda jobs: jobs.wait("ftjob-abc123", timeout="10"),
    "wait-timeout-negative": lambda jobs: jobs.wait("ftjob-abc123", timeout=-1),
    "wait-poll-zero": lambda jobs: jobs.wait("ftjob-abc123", poll_interval=0),
    "wait-poll-inf": lambda jobs: jobs.wait("ftjob-abc123", poll_interval=math.inf),
    "wait-poll-bool": lambda jobs: jobs.wait("ftjob-abc123", max_poll_interval=True),
    "wait-request-timeout": lambda jobs: jobs.wait("ftjob-abc123", request_timeout=-5),
}


@pytest.mark.parametrize("name", sorted(BAD_CALLS))
def test_bad_call_arguments_are_invalid_argument_errors_before_sending(name: str) -> None:
    """Per-call timeouts, retry counts, wait() arguments: InvalidArgumentError, nothing sent."""
    with (
        Loopback() as server,
        support.client(server.origin + "/v1") as client,
        pytest.raises(ftjobs.InvalidArgumentError),
    ):
        BAD_CALLS[name](client.jobs)
    assert server.seen == []
