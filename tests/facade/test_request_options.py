"""Per-call options on every jobs method, sync and async, over the probe (mock) transport.

``extra_headers``, ``extra_query``, ``extra_body``, ``timeout``, ``max_retries``, ``portkey``: what
each sends, how it is checked (InvalidArgumentError before anything is sent), and that a
credential given per call never shows in an error or a log record.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import httpx2
import pytest

import ftjobs
from tests.facade.helpers import SECRET, Recorder, job_json, make_async_client, make_client

RID = "req_probe_1"


def _page(items: list[dict[str, Any]], has_more: bool = False) -> dict[str, Any]:
    return {"object": "list", "data": items, "has_more": has_more}


def _event(n: int) -> dict[str, Any]:
    return {
        "object": "fine_tuning.job.event",
        "id": f"ftevent-{n}",
        "created_at": 1,
        "level": "info",
        "message": "m",
    }


def _checkpoint(n: int) -> dict[str, Any]:
    return {"object": "fine_tuning.job.checkpoint", "id": f"ftckpt-{n}", "created_at": 1, "step_number": n}


def api(request: httpx2.Request) -> httpx2.Response:
    """A small API: jobs (terminal, so wait returns at once), lists of one item."""
    path = request.url.path
    headers = {"x-request-id": RID}
    if path.endswith("/events"):
        return httpx2.Response(200, json=_page([_event(1)]), headers=headers)
    if path.endswith("/checkpoints"):
        return httpx2.Response(200, json=_page([_checkpoint(1)]), headers=headers)
    if path.endswith("/jobs"):
        if request.method == "POST":
            return httpx2.Response(200, json=job_json(status="validating_files"), headers=headers)
        return httpx2.Response(200, json=_page([job_json()]), headers=headers)
    status = {"cancel": "cancelled", "pause": "paused", "resume": "running"}.get(
        path.rsplit("/", 1)[-1], "succeeded"
    )
    return httpx2.Response(200, json=job_json(status=status), headers=headers)


#: Each jobs method, called with options, as (name, sync call, async call).
JOB = "ftjob-abc123"
SyncCall = Callable[[ftjobs.Client, dict[str, Any]], object]
AsyncCall = Callable[[ftjobs.AsyncClient, dict[str, Any]], Coroutine[Any, Any, object]]


async def _alist(pager: ftjobs.AsyncPager[Any]) -> list[Any]:
    return [item async for item in pager]


METHODS: list[tuple[str, SyncCall, AsyncCall]] = [
    ("retrieve", lambda c, o: c.jobs.retrieve(JOB, **o), lambda c, o: c.jobs.retrieve(JOB, **o)),
    (
        "create",
        lambda c, o: c.jobs.create(model="m", training_file="file-1", **o),
        lambda c, o: c.jobs.create(model="m", training_file="file-1", **o),
    ),
    ("cancel", lambda c, o: c.jobs.cancel(JOB, **o), lambda c, o: c.jobs.cancel(JOB, **o)),
    ("pause", lambda c, o: c.jobs.pause(JOB, **o), lambda c, o: c.jobs.pause(JOB, **o)),
    ("resume", lambda c, o: c.jobs.resume(JOB, **o), lambda c, o: c.jobs.resume(JOB, **o)),
    ("list", lambda c, o: list(c.jobs.list(**o)), lambda c, o: _alist(c.jobs.list(**o))),
    ("events", lambda c, o: list(c.jobs.events(JOB, **o)), lambda c, o: _alist(c.jobs.events(JOB, **o))),
    (
        "checkpoints",
        lambda c, o: list(c.jobs.checkpoints(JOB, **o)),
        lambda c, o: _alist(c.jobs.checkpoints(JOB, **o)),
    ),
    ("wait", lambda c, o: c.jobs.wait(JOB, **o), lambda c, o: c.jobs.wait(JOB, **o)),
]
IDS = [m[0] for m in METHODS]

OPTIONS: dict[str, Any] = {
    "extra_headers": {"X-Trace": "t-1", "User-Agent": "mine/1.0"},
    "extra_query": {"dry_run": True, "n": 3},
    "extra_body": {"gateway_field": "v"},
    "max_retries": 0,
}


def _check_sent(requests: list[httpx2.Request]) -> None:
    assert requests
    for request in requests:
        assert request.headers["x-trace"] == "t-1"
        assert request.headers["user-agent"] == "mine/1.0"  # replaces the client's own
        assert request.headers["authorization"] == f"Bearer {SECRET}"
        assert request.url.params["dry_run"] == "true"
        assert request.url.params["n"] == "3"
        assert json.loads(request.content)["gateway_field"] == "v"  # a GET sends it too, as openai does


@pytest.mark.parametrize(("name", "sync_call", "async_call"), METHODS, ids=IDS)
def test_every_method_sends_the_options(name: str, sync_call: SyncCall, async_call: AsyncCall) -> None:
    """Headers, query and body options reach the wire on every request of every method."""
    options = dict(OPTIONS)
    if name != "wait":
        options["timeout"] = 5.0
    recorder = Recorder(api)
    with make_client(recorder) as client:
        sync_call(client, options)
    _check_sent(recorder.requests)

    arecorder = Recorder(api)

    async def go() -> None:
        async with make_async_client(arecorder) as client:
            await async_call(client, options)

    asyncio.run(go())
    _check_sent(arecorder.requests)


@pytest.mark.parametrize(("name", "sync_call", "async_call"), METHODS, ids=IDS)
def test_max_retries_per_call(name: str, sync_call: SyncCall, async_call: AsyncCall) -> None:
    """max_retries on the call: 0 is one attempt at a 429, 1 is two (the client's policy makes three)."""
    recorder = Recorder(lambda r: httpx2.Response(429, json={"error": {"message": "busy"}}))
    with make_client(recorder) as client, pytest.raises(ftjobs.RateLimitError):
        sync_call(client, {"max_retries": 0})
    assert len(recorder.requests) == 1

    arecorder = Recorder(lambda r: httpx2.Response(429, json={"error": {"message": "busy"}}))

    async def go() -> None:
        async with make_async_client(arecorder) as client:
            await async_call(client, {"max_retries": 1})

    with pytest.raises(ftjobs.RateLimitError):
        asyncio.run(go())
    assert len(arecorder.requests) == 2


@pytest.mark.parametrize(("name", "sync_call", "async_call"), METHODS, ids=IDS)
def test_timeout_per_call(name: str, sync_call: SyncCall, async_call: AsyncCall) -> None:
    """A per-call timeout reaches the transport (wait: request_timeout, its own timeout bounds the wait)."""
    seen: list[Any] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.extensions.get("timeout"))
        return api(request)

    options: dict[str, Any] = {"request_timeout": 7.0} if name == "wait" else {"timeout": 7.0}
    with make_client(handler) as client:
        sync_call(client, options)
    assert seen and all(t is not None and t["read"] == 7.0 for t in seen), seen


@pytest.mark.parametrize(
    ("options", "names"),
    [
        ({"timout": 1}, "timout"),
        ({"timeout": -1}, "timeout"),
        ({"timeout": "5"}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": True}, "max_retries"),
        ({"extra_headers": {"Bad Name": "x"}}, "Bad Name"),
        ({"extra_headers": {"X-A": 1}}, "X-A"),
        ({"extra_headers": {"X-A": "line\nbreak"}}, "X-A"),
        ({"extra_headers": {"Content-Length": "3"}}, "Content-Length"),
        ({"extra_headers": ["X-A", "b"]}, "extra_headers"),
        ({"extra_query": {"a": {"nested": 1}}}, "extra_query"),
        ({"extra_query": {"a": float("nan")}}, "extra_query"),
        ({"extra_query": "a=b"}, "extra_query"),
        ({"extra_body": {"a": object()}}, "extra_body"),
        ({"extra_body": {"a": float("inf")}}, "extra_body"),
        ({"extra_body": {1: "a"}}, "extra_body"),
        ({"extra_body": [1]}, "extra_body"),
        ({"portkey": {"trace_id": "t"}}, "portkey"),
    ],
)
def test_bad_options_are_refused_before_sending(options: dict[str, Any], names: str) -> None:
    """A bad per-call option is an InvalidArgumentError naming it; nothing is sent (sync and async)."""
    recorder = Recorder(api)
    with make_client(recorder) as client:
        for call in (
            lambda: client.jobs.retrieve(JOB, **options),
            lambda: client.jobs.cancel(JOB, **options),
            lambda: client.jobs.list(**options),
        ):
            with pytest.raises(ftjobs.InvalidArgumentError, match=names.replace(" ", ".")):
                call()

    async def go() -> None:
        async with make_async_client(recorder) as client:
            with pytest.raises(ftjobs.InvalidArgumentError):
                await client.jobs.retrieve(JOB, **options)
            with pytest.raises(ftjobs.InvalidArgumentError):
                client.jobs.events(JOB, **options)

    asyncio.run(go())
    assert recorder.requests == []


def test_extra_query_replaces_a_parameter_of_the_call() -> None:
    """extra_query wins over the method's own parameter of the same name (sent once)."""
    recorder = Recorder(api)
    with make_client(recorder) as client:
        client.jobs.list(limit=5, extra_query={"limit": 2}).first_page()
    assert recorder.requests[0].url.params.get_list("limit") == ["2"]


def test_extra_body_merges_over_the_create_body() -> None:
    """create: extra_body keys join (and win over) the checked request body."""
    recorder = Recorder(api)
    with make_client(recorder) as client:
        client.jobs.create(model="m", training_file="file-1", suffix="a", extra_body={"suffix": "b", "x": 1})
    assert json.loads(recorder.requests[0].content) == {
        "model": "m",
        "training_file": "file-1",
        "suffix": "b",
        "x": 1,
    }


CREDENTIAL = "per-call-secret-0123456789"


def test_a_credential_in_extra_headers_never_shows() -> None:
    """A server that echoes a per-call X-Api-Key (error body, request id) cannot put it in the error,
    its repr, or the client's DEBUG log record."""

    def echo(request: httpx2.Request) -> httpx2.Response:
        value = request.headers.get("x-api-key") or request.headers["authorization"]
        return httpx2.Response(
            401,
            json={"error": {"message": f"bad key {value}", "code": value}},
            headers={"x-request-id": value},
        )

    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    logger = logging.getLogger("ftjobs")
    handler, level = Keep(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        with make_client(echo) as client, pytest.raises(ftjobs.AuthenticationError) as caught:
            client.jobs.retrieve(JOB, extra_headers={"X-Api-Key": CREDENTIAL})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    shown = (
        f"{caught.value} {caught.value!r} {caught.value.body} {caught.value.code} {caught.value.request_id}"
    )
    assert CREDENTIAL not in shown
    assert "***" in str(caught.value)
    assert records and not any(CREDENTIAL in r for r in records)

    async def go() -> None:
        async with make_async_client(echo) as client:
            await client.jobs.cancel(JOB, extra_headers={"Authorization": f"Bearer {CREDENTIAL}"})

    with pytest.raises(ftjobs.AuthenticationError) as acaught:
        asyncio.run(go())
    assert CREDENTIAL not in f"{acaught.value} {acaught.value!r} {acaught.value.body}"


def test_a_non_credential_header_is_not_redacted() -> None:
    """Redaction is for credentials only: an echoed trace header stays readable."""
    echo = lambda r: httpx2.Response(400, json={"error": {"message": f"trace {r.headers['x-trace']}"}})  # noqa: E731
    with make_client(echo) as client, pytest.raises(ftjobs.BadRequestError, match="trace trace-value-123"):
        client.jobs.retrieve(JOB, extra_headers={"X-Trace": "trace-value-123"})


# --- Portkey ----------------------------------------------------------------------------------------


def _portkey(handler: Callable[[httpx2.Request], httpx2.Response], **kwargs: Any) -> ftjobs.Client:
    return make_client(handler, provider="portkey", virtual_key="vk-test-1234", **kwargs)


def test_portkey_options_per_client_and_per_call() -> None:
    """Client-wide Portkey options become x-portkey-* headers; per-call ones replace them key by key."""
    recorder = Recorder(api)
    portkey: ftjobs.PortkeyOptions = {
        "trace_id": "trace-client",
        "metadata": {"_user": "u-1", "team": "ml"},
        "cache_namespace": "ns",
        "cache_force_refresh": True,
    }
    with _portkey(recorder, portkey=portkey) as client:
        client.jobs.retrieve(JOB)
        client.jobs.retrieve(
            JOB,
            portkey={
                "trace_id": "trace-call",
                "span_id": "s-1",
                "span_name": "retrieve",
                "parent_span_id": "s-0",
                "metadata": {"team": "ops"},
                "cache_force_refresh": False,
            },
        )
    first, second = (r.headers for r in recorder.requests)
    assert first["x-portkey-trace-id"] == "trace-client"
    assert json.loads(first["x-portkey-metadata"]) == {"_user": "u-1", "team": "ml"}
    assert first["x-portkey-cache-namespace"] == "ns"
    assert first["x-portkey-cache-force-refresh"] == "true"
    assert first["x-portkey-virtual-key"] == "vk-test-1234"
    assert second["x-portkey-trace-id"] == "trace-call"
    assert second["x-portkey-span-id"] == "s-1"
    assert second["x-portkey-span-name"] == "retrieve"
    assert second["x-portkey-parent-span-id"] == "s-0"
    assert json.loads(second["x-portkey-metadata"]) == {"team": "ops"}  # replaced as a whole
    assert second["x-portkey-cache-force-refresh"] == "false"
    assert second["x-portkey-cache-namespace"] == "ns"  # kept from the client


def test_portkey_metadata_is_one_ascii_json_header() -> None:
    """Non-ASCII and control characters in metadata are JSON-escaped: the header is always sendable."""
    recorder = Recorder(api)
    with _portkey(recorder) as client:
        client.jobs.retrieve(JOB, portkey={"metadata": {"name": "Zoë\n"}})
    value = recorder.requests[0].headers["x-portkey-metadata"]
    assert value.isascii() and json.loads(value) == {"name": "Zoë\n"}


@pytest.mark.parametrize(
    "portkey",
    [
        {"trace": "x"},
        {"trace_id": ""},
        {"trace_id": 5},
        {"trace_id": "é"},
        {"metadata": {"a": 1}},
        {"metadata": ["a"]},
        {"cache_force_refresh": "yes"},
        "trace",
    ],
)
def test_bad_portkey_options(portkey: Any) -> None:
    """Per client: ConfigurationError; per call: InvalidArgumentError; nothing sent."""
    recorder = Recorder(api)
    with pytest.raises(ftjobs.ConfigurationError, match="portkey"):
        _portkey(recorder, portkey=portkey)
    with _portkey(recorder) as client, pytest.raises(ftjobs.InvalidArgumentError, match="portkey"):
        client.jobs.retrieve(JOB, portkey=portkey)
    assert recorder.requests == []


def test_portkey_options_need_the_portkey_provider() -> None:
    """On another provider the Portkey options are refused, not silently sent to OpenAI."""
    with pytest.raises(ftjobs.ConfigurationError, match="provider='portkey'"):
        make_client(api, portkey={"trace_id": "t"})
