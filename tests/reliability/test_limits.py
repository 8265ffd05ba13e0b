"""Oversized and deeply nested responses fail cleanly (ResponseValidationError, one request) and
with bounded memory: a 100 MB body, declared or not, plain or gzip, never sits in memory.

Memory is measured in a fresh interpreter (its own VmHWM high-water mark: the test process,
after hypothesis and hundreds of clients, could not show growth), after a warm-up request.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

import ftjobs

from . import support
from .loopback import JOB, RawServer

HUNDRED_MB = 100 * 1024 * 1024
#: Growth allowed for a body read up to the default 32 MiB cap: the cap plus slack.
CAPPED_GROWTH_MB = 32 + 16
MIB = 1024 * 1024
ZEROS = b"0" * MIB


def _head(status: int, *headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status} X", "Content-Type: application/json", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _respond(conn: Any, line: str) -> None:
    """Route by the job id in the request line."""
    path = line.split(" ")[1].split("?", maxsplit=1)[0]
    kind = path.rsplit("/", 1)[-1]
    if kind == "small":
        body = json.dumps(JOB).encode()
        conn.sendall(_head(200, f"Content-Length: {len(body)}") + body)
    elif kind == "declared":  # honest Content-Length of 100 MB, then the zeros
        conn.sendall(_head(200, f"Content-Length: {HUNDRED_MB}"))
        for _ in range(100):
            conn.sendall(ZEROS)
    elif kind == "chunked":  # no length: 1 MiB chunks up to 100 MB
        conn.sendall(_head(200, "Transfer-Encoding: chunked"))
        for _ in range(100):
            conn.sendall(b"%x\r\n" % len(ZEROS) + ZEROS + b"\r\n")
        conn.sendall(b"0\r\n\r\n")
    elif kind == "until-close":  # no length, no chunking: the body ends when the connection does
        conn.sendall(_head(200))
        for _ in range(100):
            conn.sendall(ZEROS)
    elif kind == "gzip-bomb":  # ~100 KB on the wire, 100 MB once decompressed
        conn.sendall(_head(200, "Content-Encoding: gzip", "Transfer-Encoding: chunked"))
        gzip = zlib.compressobj(9, zlib.DEFLATED, 31)
        for index in range(101):
            piece = gzip.compress(ZEROS) if index < 100 else gzip.flush()
            if piece:
                conn.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
        conn.sendall(b"0\r\n\r\n")
    elif kind.startswith("deep"):
        depth = 100_000
        if kind == "deep-array":
            body = b"[" * depth + b"]" * depth
        elif kind == "deep-object":
            body = b'{"a":' * depth + b"1" + b"}" * depth
        else:  # deep-in-job: a valid-looking job with nested metadata
            head = json.dumps(JOB)[:-1].encode() + b', "metadata": '
            body = head + b'{"k":' * depth + b'"v"' + b"}" * depth + b"}"
        status = 400 if kind == "deep-error" else 200
        if kind == "deep-error":
            body = b'{"error": ' + b"[" * depth + b"]" * depth + b"}"
        conn.sendall(_head(status, f"Content-Length: {len(body)}") + body)


@pytest.fixture(scope="module")
def raw() -> Iterator[RawServer]:
    with RawServer(_respond) as server:
        yield server


MEASURE = """
import json, resource, sys
def peak_kib():  # this process's own high-water mark (ru_maxrss keeps the parent's across exec)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
import ftjobs
url, job_id, cap = sys.argv[1], sys.argv[2], sys.argv[3]
kwargs = {} if cap == "default" else {"max_response_bytes": int(cap)}
client = ftjobs.Client(api_key="sk-limits", base_url=url, max_retries=2, timeout=30, **kwargs)
client.jobs.retrieve("small")  # warm up: imports, pools, parsing
before = peak_kib()
try:
    client.jobs.retrieve(job_id)
    outcome = "parsed"
except ftjobs.Error as exc:
    outcome = type(exc).__name__
after = peak_kib()
print(json.dumps({"outcome": outcome, "growth_mb": (after - before) / 1024}))
"""


def measure(url: str, job_id: str, cap: str = "default") -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, url, job_id, cap],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("kind", ["declared", "chunked", "until-close", "gzip-bomb"])
def test_hundred_megabyte_body_fails_cleanly_with_bounded_memory(raw: RawServer, kind: str) -> None:
    """A 100 MB body: one request, ResponseValidationError, memory growth within the 32 MiB cap."""
    raw.requests.clear()
    result = measure(raw.url, kind)
    assert result["outcome"] == "ResponseValidationError"
    limit = 8 if kind == "declared" else CAPPED_GROWTH_MB
    assert result["growth_mb"] < limit, result
    assert sum(kind in line for line in raw.requests) == 1


@pytest.mark.parametrize("kind", ["chunked", "gzip-bomb"])
def test_a_lower_cap_bounds_memory_lower(raw: RawServer, kind: str) -> None:
    """With max_response_bytes=1 MiB the same bodies fail after about 1 MiB: growth under 8 MB."""
    result = measure(raw.url, kind, str(MIB))
    assert result["outcome"] == "ResponseValidationError"
    assert result["growth_mb"] < 8, result


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("kind", ["declared", "chunked", "gzip-bomb"])
def test_oversized_body_raises_response_validation_error_in_process(
    raw: RawServer, kind: str, mode: str
) -> None:
    """In this process too (sync and async), a 100 MB body is one request and a ResponseValidationError."""
    raw.requests.clear()
    with pytest.raises(ftjobs.ResponseValidationError, match="limit"):
        _retrieve(raw.url, kind, mode)
    assert sum(kind in line for line in raw.requests) == 1


def _retrieve(url: str, job_id: str, mode: str) -> ftjobs.Job:
    if mode == "sync":
        with support.client(url, timeout=10.0) as client:
            return client.jobs.retrieve(job_id)

    async def main() -> ftjobs.Job:
        async with support.async_client(url, timeout=10.0) as client:
            return await client.jobs.retrieve(job_id)

    return asyncio.run(main())


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("kind", ["deep-array", "deep-object", "deep-in-job"])
def test_deeply_nested_json_raises_response_validation_error(raw: RawServer, kind: str, mode: str) -> None:
    """JSON nested 100 000 deep (a RecursionError in the parser) is a ResponseValidationError."""
    raw.requests.clear()
    with pytest.raises(ftjobs.ResponseValidationError):
        _retrieve(raw.url, kind, mode)
    assert len(raw.requests) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_deeply_nested_error_body_still_gives_the_status_error(raw: RawServer, mode: str) -> None:
    """A 400 whose body nests 100 000 deep is a BadRequestError (the body kept as text)."""
    with pytest.raises(ftjobs.BadRequestError) as caught:
        _retrieve(raw.url, "deep-error", mode)
    assert caught.value.status_code == 400


def test_nesting_within_the_recursion_limit_parses_or_is_rejected_cleanly() -> None:
    """Metadata nested 500 deep (parsable JSON) gives a ResponseValidationError, not a RecursionError."""
    nested: Any = "v"
    for _ in range(500):
        nested = {"k": nested}
    with pytest.raises(ftjobs.ResponseValidationError):
        ftjobs.Job.from_dict({**JOB, "metadata": nested, "integrations": [nested]})


def test_the_measurement_sees_a_body_the_cap_lets_through(raw: RawServer) -> None:
    """Control: a 100 MB body read whole (200 MB cap) grows memory past the capped cases' bound."""
    result = measure(raw.url, "chunked", str(200 * MIB))
    assert result["outcome"] == "ResponseValidationError", result  # 100 MB of zeros is still not JSON
    assert result["growth_mb"] > CAPPED_GROWTH_MB, result


# --- bodies within the cap that decode into far more (issue 21) ----------------------------------

#: The README's bound: decoding one response grows the process by at most 4 x max_response_bytes.
DECODE_GROWTH_MB = 4 * 32


def _nested_lists(groups: int, depth: int = 500) -> bytes:
    return b"[" + b",".join([b"[" * depth + b"]" * depth] * groups) + b"]"


#: Dense JSON under the 32 MiB cap: once each grew the process by hundreds of MB (zeros +212 MB, the
#: issue's 31 KB gzip; dicts +849 MB). Built on first use, sent gzip-compressed.
DENSE: dict[str, Any] = {
    "zeros": lambda: b'{"data":[' + b"0," * 15_999_999 + b"0]}",  # the 16 M zeros
    "dicts": lambda: b"[" + b"{}," * 10_666_665 + b"{}]",  # the issue's [{},{},...], to the cap
    "one-key-dicts": lambda: b"[" + b'{"":0},' * 4_500_000 + b'{"":0}]',
    "strings": lambda: b"[" + '"ĉ",'.encode() * 6_000_000 + b'"a"]',  # 1-character strs, ~76 B each
    "emoji-text": lambda: '["\U0001f600'.encode() + b"a" * 32_000_000 + b'"]',  # 4 bytes a character
    "small-cap-zeros": lambda: b"[" + b"0," * 4_000_000 + b"0]",  # 8 MB, for an 8 MiB cap
}
#: Bodies the budget lets through, close to it: decoded (then refused by the job model), and still
#: within 4 x the cap. Their decoded sizes, measured with tracemalloc: about 100, 62, 90, 90 and 91 MB.
WITHIN_BUDGET: dict[str, Any] = {
    "nested-lists": lambda: _nested_lists(2250),  # 2.25 MB: the densest shape, ~46 bytes a byte
    "one-key-dicts-2mb": lambda: b"[" + b'{"":0},' * 300_000 + b'{"":0}]',
    "ascii-text": lambda: b'["' + b"a" * 30_000_000 + b'"]',
    "emoji-text-10mb": lambda: '["\U0001f600'.encode() + b"a" * 10_000_000 + b'"]',
    "escaped-text": lambda: b'["\\ud83d\\ude00' + b"a" * 13_000_000 + b'"]',
}
_GZIPPED: dict[str, bytes] = {}


def _gzipped(kind: str) -> bytes:
    if kind not in _GZIPPED:
        _GZIPPED[kind] = zlib.compress({**DENSE, **WITHIN_BUDGET}[kind](), 6, 31)
    return _GZIPPED[kind]


def _respond_dense(conn: Any, line: str) -> None:
    """``/fine_tuning/jobs/<kind>`` or ``/fine_tuning/jobs/<kind>/events``: the body named kind."""
    parts = line.split(" ")[1].split("?", maxsplit=1)[0].split("/")
    listing = parts[-1] == "events"
    kind = parts[-2] if listing else parts[-1]
    if kind == "small":
        page = {"object": "list", "data": [], "has_more": False}
        body = json.dumps(page if listing else JOB).encode()
        conn.sendall(_head(200, f"Content-Length: {len(body)}") + body)
        return
    body = _gzipped(kind)
    conn.sendall(_head(200, "Content-Encoding: gzip", f"Content-Length: {len(body)}") + body)


@pytest.fixture(scope="module")
def dense() -> Iterator[RawServer]:
    with RawServer(_respond_dense) as server:
        yield server


MEASURE_DENSE = """
import asyncio, json, sys
def peak_kib():  # this process's own high-water mark
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
import ftjobs
url, kind, operation, cap = sys.argv[1:5]
kwargs = {"max_response_bytes": int(cap)} if cap != "default" else {}
kwargs.update(api_key="sk-limits", base_url=url, max_retries=0, timeout=60)
if operation.startswith("async"):
    loop = asyncio.new_event_loop()
    client = ftjobs.AsyncClient(**kwargs)
    calls = {
        "async-retrieve": lambda job: client.jobs.retrieve(job),
        "async-events": lambda job: client.jobs.events(job).first_page(),
    }
    run = lambda job: loop.run_until_complete(calls[operation](job))
else:
    client = ftjobs.Client(**kwargs)
    calls = {"retrieve": client.jobs.retrieve, "events": lambda job: client.jobs.events(job).first_page()}
    run = calls[operation]
run("small")  # warm up: imports, pools, parsing
before = peak_kib()
try:
    run(kind)
    outcome, message = "parsed", ""
except ftjobs.Error as exc:
    outcome, message = type(exc).__name__, str(exc)
after = peak_kib()
print(json.dumps({"outcome": outcome, "message": message[:300], "growth_mb": (after - before) / 1024}))
"""


def measure_dense(url: str, kind: str, operation: str, cap: str = "default") -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE_DENSE, url, kind, operation, cap],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize(
    ("kind", "operation"),
    [
        ("zeros", "retrieve"),
        ("zeros", "events"),
        ("zeros", "async-retrieve"),
        ("zeros", "async-events"),
        ("dicts", "retrieve"),
        ("dicts", "async-retrieve"),
        ("one-key-dicts", "events"),
        ("strings", "retrieve"),
        ("emoji-text", "retrieve"),
    ],
)
def test_dense_json_within_the_cap_is_refused_within_four_times_the_cap(
    dense: RawServer, kind: str, operation: str
) -> None:
    """A body under the 32 MiB cap whose JSON values would take hundreds of MB: refused before they
    are built (ResponseValidationError naming the budget), peak growth under 4 x the cap."""
    result = measure_dense(dense.url, kind, operation)
    assert result["outcome"] == "ResponseValidationError", result
    assert "too dense to decode" in result["message"], result
    assert result["growth_mb"] < DECODE_GROWTH_MB, result


@pytest.mark.parametrize("kind", sorted(WITHIN_BUDGET))
def test_bodies_within_the_budget_are_decoded_within_four_times_the_cap(dense: RawServer, kind: str) -> None:
    """The densest bodies the budget lets through are decoded (the job model then refuses them),
    and decoding them stays under 4 x the cap too: the estimate bounds what json builds."""
    result = measure_dense(dense.url, kind, "retrieve")
    assert result["outcome"] == "ResponseValidationError", result
    assert "too dense" not in result["message"], result
    assert result["growth_mb"] < DECODE_GROWTH_MB, result


def test_a_lower_cap_lowers_the_decoding_budget(dense: RawServer) -> None:
    """max_response_bytes=8 MiB: 4 M zeros (8 MB, within that cap) are refused as too dense, and the
    process grows by less than 4 x 8 MiB."""
    result = measure_dense(dense.url, "small-cap-zeros", "retrieve", str(8 * MIB))
    assert result["outcome"] == "ResponseValidationError", result
    assert "too dense to decode" in result["message"], result
    assert result["growth_mb"] < 4 * 8, result
