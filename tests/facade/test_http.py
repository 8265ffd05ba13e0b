"""The request engine's promises at their edges, sync and async: the method after each redirect
status, ``max_response_bytes`` exactly, and redaction before an error body is cut."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx2
import pytest

import ftjobs

from .helpers import SECRET, Recorder, job_json, make_async_client, make_client

CREATE = {"model": "gpt-4o-mini-2024-07-18", "training_file": "file-abc123"}


def _sync_and_async(recorder: Recorder, call: Callable[[Any], Any], **kwargs: Any) -> list[Any]:
    """call(client.jobs) on a sync client, then on an async one (same handler): both results."""
    results = [call(make_client(recorder, **kwargs).jobs)]

    async def main() -> Any:
        async with make_async_client(recorder, **kwargs) as client:
            return await call(client.jobs)

    results.append(asyncio.run(main()))
    return results


def _raised(recorder: Recorder, call: Callable[[Any], Any], **kwargs: Any) -> list[ftjobs.Error]:
    """The ftjobs errors call(client.jobs) raises on a sync client and on an async one."""
    errors: list[ftjobs.Error] = []
    with pytest.raises(ftjobs.Error) as caught:
        call(make_client(recorder, **kwargs).jobs)
    errors.append(caught.value)

    async def main() -> None:
        async with make_async_client(recorder, **kwargs) as client:
            await call(client.jobs)

    with pytest.raises(ftjobs.Error) as caught:
        asyncio.run(main())
    errors.append(caught.value)
    return errors


# --- redirects ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "method"),
    [(301, "GET"), (302, "GET"), (303, "GET"), (307, "POST"), (308, "POST")],
)
def test_the_method_that_arrives_after_a_redirected_post(status: int, method: str) -> None:
    """After a POST: 301, 302 and 303 arrive as a GET without a body; 307 and 308 keep the POST and
    its body (the browsers' and httpx's rule)."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/v1/fine_tuning/jobs":
            return httpx2.Response(status, headers={"location": "/v1/moved/jobs"})
        return httpx2.Response(200, json=job_json())

    recorder = Recorder(handler)
    _sync_and_async(recorder, lambda jobs: jobs.create(**CREATE))
    firsts, finals = recorder.requests[0::2], recorder.requests[1::2]
    assert [r.method for r in firsts] == ["POST", "POST"]
    assert [(r.method, r.url.path) for r in finals] == [(method, "/v1/moved/jobs")] * 2
    for final in finals:
        if method == "GET":
            assert final.content == b""
            assert "content-type" not in final.headers and "content-length" not in final.headers
        else:
            assert json.loads(final.content) == CREATE
            assert final.headers["content-type"] == "application/json"
        assert final.headers["authorization"] == f"Bearer {SECRET}"  # same origin: kept


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirected_get_stays_a_get(status: int) -> None:
    """A GET is followed as a GET whatever the redirect status."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        if "moved" not in request.url.path:
            return httpx2.Response(status, headers={"location": "/v1/moved/ftjob-abc123"})
        return httpx2.Response(200, json=job_json())

    recorder = Recorder(handler)
    _sync_and_async(recorder, lambda jobs: jobs.retrieve("ftjob-abc123"))
    assert [(r.method, "moved" in r.url.path) for r in recorder.requests] == [
        ("GET", False),
        ("GET", True),
    ] * 2


# --- max_response_bytes ---------------------------------------------------------------------------

LIMIT = 2000


def _body_of(size: int) -> bytes:
    """A job document padded with spaces to exactly size bytes."""
    body = json.dumps(job_json()).encode()
    assert len(body) < size
    return body + b" " * (size - len(body))


class Chunked:
    """A body sent in two chunks without a Content-Length, for a sync or an async transport."""

    def __init__(self, body: bytes) -> None:
        self.parts = [body[:1000], body[1000:]]

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.parts)


class AsyncChunked(Chunked, httpx2.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            yield part


def _serving(body: bytes, streamed: bool) -> tuple[Recorder, Recorder]:
    """Handlers for a sync and an async client that answer body (declared or streamed)."""
    if not streamed:
        return Recorder(lambda r: httpx2.Response(200, content=body)), Recorder(
            lambda r: httpx2.Response(200, content=body)
        )
    return Recorder(lambda r: httpx2.Response(200, content=Chunked(body))), Recorder(
        lambda r: httpx2.Response(200, stream=AsyncChunked(body))
    )


def _retrieve_both(body: bytes, streamed: bool) -> list[ftjobs.Job | ftjobs.Error]:
    """retrieve() with max_response_bytes=LIMIT on a sync and an async client: the job or the error."""
    sync_handler, async_handler = _serving(body, streamed)
    outcomes: list[ftjobs.Job | ftjobs.Error] = []
    try:
        outcomes.append(make_client(sync_handler, max_response_bytes=LIMIT).jobs.retrieve("ftjob-abc123"))
    except ftjobs.Error as exc:
        outcomes.append(exc)

    async def main() -> ftjobs.Job:
        async with make_async_client(async_handler, max_response_bytes=LIMIT) as client:
            return await client.jobs.retrieve("ftjob-abc123", max_retries=0)

    try:
        outcomes.append(asyncio.run(main()))
    except ftjobs.Error as exc:
        outcomes.append(exc)
    return outcomes


@pytest.mark.parametrize("streamed", [False, True], ids=["declared", "streamed"])
def test_a_body_of_exactly_max_response_bytes_is_read(streamed: bool) -> None:
    """A body of exactly max_response_bytes is accepted, with a Content-Length or without (chunks)."""
    outcomes = _retrieve_both(_body_of(LIMIT), streamed)
    assert [getattr(o, "id", o) for o in outcomes] == ["ftjob-abc123", "ftjob-abc123"]


@pytest.mark.parametrize("streamed", [False, True], ids=["declared", "streamed"])
def test_one_byte_over_max_response_bytes_is_refused(streamed: bool) -> None:
    """One byte more than max_response_bytes is a ResponseValidationError naming the limit; a declared
    Content-Length over it is refused before the body is read (the error names the declared size)."""
    outcomes = _retrieve_both(_body_of(LIMIT + 1), streamed)
    assert len(outcomes) == 2
    for outcome in outcomes:
        assert isinstance(outcome, ftjobs.ResponseValidationError)
        assert f"{LIMIT}-byte limit" in str(outcome)
        assert (f"response body of {LIMIT + 1} bytes" in str(outcome)) is not streamed


# --- redaction before the cut ---------------------------------------------------------------------


def _texts(error: BaseException) -> str:
    """What an error shows: str, repr, every attribute."""
    return "\n".join([str(error), repr(error), *(repr(v) for v in vars(error).values())])


#: How many characters of the key end up before each cut: what a redaction made after the cut would
#: leave of it (the whole key is 21 characters).
INTO_KEY = (6, 10, 20)


@pytest.mark.parametrize("into", INTO_KEY)
@pytest.mark.parametrize("cut", [200, 500])
def test_an_error_body_is_redacted_before_it_is_cut(cut: int, into: int) -> None:
    """A plain-text error body with the key across the message's 200-character cut or the body's
    500-character cut: no part of the key shows, the redaction mark does."""
    text = "x" * (cut - into) + SECRET + "y" * 600

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(400, text=text, headers={"content-type": "text/plain"})

    for error in _raised(Recorder(handler), lambda jobs: jobs.retrieve("ftjob-abc123")):
        assert isinstance(error, ftjobs.BadRequestError)
        shown = _texts(error)
        assert SECRET[:into] not in shown
        assert "***" in shown


@pytest.mark.parametrize("into", INTO_KEY)
@pytest.mark.parametrize("cut", [120, 200])
def test_a_body_that_is_not_json_is_redacted_before_its_excerpt_is_cut(cut: int, into: int) -> None:
    """A 200 whose body is not JSON, the key across the message's 120-character cut or the
    excerpt's 200-character cut: no part of the key shows, the redaction mark does."""
    text = "<" + "x" * (cut - into - 1) + SECRET + "y" * 600

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, text=text, headers={"content-type": "text/html"})

    for error in _raised(Recorder(handler), lambda jobs: jobs.retrieve("ftjob-abc123")):
        assert isinstance(error, ftjobs.ResponseValidationError)
        shown = _texts(error)
        assert SECRET[:into] not in shown
        assert "***" in shown


# --- what is sent, what a response becomes ---------------------------------------------------------


def test_a_body_with_nan_or_infinity_is_an_invalid_argument_and_nothing_is_sent() -> None:
    """NaN or inf anywhere in a request body (hyperparameters, extra_body) is InvalidArgumentError
    before anything is sent (JSON has no such numbers), sync and async."""
    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json()))
    nan_rate = {
        "type": "supervised",
        "supervised": {"hyperparameters": {"learning_rate_multiplier": math.nan}},
    }
    for kwargs in ({"method": nan_rate}, {"extra_body": {"x_note": math.inf}}):
        for error in _raised(recorder, lambda jobs, kwargs=kwargs: jobs.create(**CREATE, **kwargs)):
            assert isinstance(error, ftjobs.InvalidArgumentError)
    assert recorder.requests == []


def test_a_plain_text_error_message_is_the_reason_and_200_characters_of_the_body() -> None:
    """A non-JSON error body: message = the status's reason phrase and the body's first 200 characters;
    the error's body = its first 500."""
    text = "".join(chr(ord("a") + i % 26) for i in range(800))
    recorder = Recorder(lambda r: httpx2.Response(400, text=text, headers={"content-type": "text/plain"}))
    for error in _raised(recorder, lambda jobs: jobs.retrieve("ftjob-abc123")):
        assert isinstance(error, ftjobs.BadRequestError)
        assert error.message == f"Bad Request: {text[:200]}"
        assert error.body == text[:500]


@pytest.mark.parametrize("location", ["ftp://files.test/v1/x", "file:///etc/passwd"])
def test_a_redirect_to_something_not_http_is_not_followed(location: str) -> None:
    """A Location that is not http(s) ends the call (APIConnectionError): one request."""
    recorder = Recorder(lambda r: httpx2.Response(302, headers={"location": location}))
    for error in _raised(recorder, lambda jobs: jobs.retrieve("ftjob-abc123", max_retries=0)):
        assert isinstance(error, ftjobs.APIConnectionError)
        assert "unexpected redirect 302" in str(error)
    assert len(recorder.requests) == 2  # one per client


def test_a_connection_error_is_retried_then_the_answer_returned() -> None:
    """A refused connection, then a job: the call returns the job (sync and async)."""
    state = {"calls": 0}

    def handler(request: httpx2.Request) -> httpx2.Response:
        state["calls"] += 1
        if state["calls"] % 2:
            raise httpx2.ConnectError("refused", request=request)
        return httpx2.Response(200, json=job_json())

    jobs = _sync_and_async(Recorder(handler), lambda jobs: jobs.retrieve("ftjob-abc123"))
    assert [job.id for job in jobs] == ["ftjob-abc123", "ftjob-abc123"]
    assert state["calls"] == 4


def test_a_300_is_not_an_answer() -> None:
    """300 Multiple Choices (not a redirect ftjobs follows) is an APIConnectionError, not a result."""
    recorder = Recorder(lambda r: httpx2.Response(300, json=job_json()))
    for error in _raised(recorder, lambda jobs: jobs.retrieve("ftjob-abc123", max_retries=0)):
        assert isinstance(error, ftjobs.APIConnectionError)
        assert "unexpected redirect 300" in str(error)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"error": {"message": "no such job", "code": "not_found", "type": "invalid_request_error"}},
            "no such job",
        ),
        ({"error": "quota exceeded"}, "quota exceeded"),
        ({"message": "plain message"}, "plain message"),
        ({"detail": "no message field"}, "Bad Request"),
    ],
)
def test_the_message_of_a_json_error_body(body: dict[str, Any], message: str) -> None:
    """The API's error.message, a bare string error, a top-level message; else the reason phrase alone
    (a JSON body is not pasted into the message)."""
    recorder = Recorder(lambda r: httpx2.Response(400, json=body))
    for error in _raised(recorder, lambda jobs: jobs.retrieve("ftjob-abc123")):
        assert isinstance(error, ftjobs.BadRequestError)
        assert error.message == message
        assert error.body == body
        assert error.error_type == ("invalid_request_error" if "type" in str(body) else None)


def test_a_response_validation_error_names_the_url_without_its_query() -> None:
    """A page that is not the documented shape: the error names the method and URL, query left out."""
    recorder = Recorder(lambda r: httpx2.Response(200, json={"object": "list", "data": "not a list"}))
    with pytest.raises(ftjobs.ResponseValidationError) as caught:
        list(make_client(recorder).jobs.list(limit=2, after="ftjob-1"))
    errors: list[BaseException] = [caught.value]

    async def main() -> None:
        async with make_async_client(recorder) as client:
            [job async for job in client.jobs.list(limit=2, after="ftjob-1")]

    with pytest.raises(ftjobs.ResponseValidationError) as caught:
        asyncio.run(main())
    errors.append(caught.value)
    assert "limit=2" in str(recorder.requests[0].url)
    for error in errors:
        assert isinstance(error, ftjobs.ResponseValidationError)
        assert (error.method, error.url) == ("GET", "http://api.test/v1/fine_tuning/jobs")


def test_a_client_without_a_timeout_still_answers() -> None:
    """timeout=None (no limit on an attempt) is accepted and the call returns (sync and async)."""
    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json()))
    jobs = _sync_and_async(recorder, lambda jobs: jobs.retrieve("ftjob-abc123"), timeout=None)
    assert [job.id for job in jobs] == ["ftjob-abc123", "ftjob-abc123"]


def test_closing_the_client_leaves_a_users_http_client_open() -> None:
    """close() closes only the pool ftjobs made: an http_client passed in stays usable."""
    mock = httpx2.MockTransport(lambda r: httpx2.Response(200, json=job_json()))
    http = httpx2.Client(transport=mock)
    ftjobs.Client(api_key=SECRET, http_client=http).close()
    assert not http.is_closed

    async def main() -> bool:
        ahttp = httpx2.AsyncClient(transport=mock)
        await ftjobs.AsyncClient(api_key=SECRET, http_client=ahttp).close()
        return ahttp.is_closed

    assert asyncio.run(main()) is False


def test_repeated_response_headers_are_joined() -> None:
    """A header sent twice reads as one value, joined with ", " (as HTTP defines it)."""
    recorder = Recorder(
        lambda r: httpx2.Response(200, json=job_json(), headers=[("x-note", "a"), ("X-Note", "b")])
    )
    raw = make_client(recorder).jobs.with_raw_response.retrieve("ftjob-abc123")
    assert raw.headers["x-note"] == "a, b"


def test_a_client_from_with_options_sends_on_the_parents_transport() -> None:
    """with_options() before the parent ever sent: the new client's call goes out and returns."""
    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json()))
    child = make_client(recorder).with_options(max_retries=0)
    assert child.jobs.retrieve("ftjob-abc123").id == "ftjob-abc123"

    async def main() -> str:
        async with make_async_client(recorder) as client:
            return (await client.with_options(max_retries=0).jobs.retrieve("ftjob-abc123")).id

    assert asyncio.run(main()) == "ftjob-abc123"
    assert len(recorder.requests) == 2


def test_a_closed_client_refuses_calls_even_on_a_users_http_client() -> None:
    """After close(), a call raises APIConnectionError ("the client is closed"), though the
    http_client passed in is still open (sync and async)."""
    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json()))
    client = make_client(recorder)
    client.close()
    with pytest.raises(ftjobs.APIConnectionError, match="the client is closed"):
        client.jobs.retrieve("ftjob-abc123")

    async def main() -> None:
        aclient = make_async_client(recorder)
        await aclient.close()
        await aclient.jobs.retrieve("ftjob-abc123")

    with pytest.raises(ftjobs.APIConnectionError, match="the client is closed"):
        asyncio.run(main())
    assert recorder.requests == []


def test_a_body_that_is_not_json_shows_120_characters_in_the_message() -> None:
    """The message quotes the first 120 characters of the (whitespace-collapsed) body, the error's body
    attribute keeps 200."""
    text = "<" + "".join(chr(ord("a") + i % 26) for i in range(400))
    recorder = Recorder(lambda r: httpx2.Response(200, text=text, headers={"content-type": "text/html"}))
    for error in _raised(recorder, lambda jobs: jobs.retrieve("ftjob-abc123", max_retries=0)):
        assert isinstance(error, ftjobs.ResponseValidationError)
        assert f"{text[:120]!r}" in str(error) and f"{text[:121]!r}" not in str(error)
        assert error.body == text[:200]


def test_the_cause_of_a_transport_error_keeps_its_message() -> None:
    """APIConnectionError.__cause__ is the transport's error with its own message (redacted), or its
    class name when it has none."""
    for message, shown in (("refused by peer", "refused by peer"), ("", "ConnectError")):

        def refuse(request: httpx2.Request, message: str = message) -> httpx2.Response:
            raise httpx2.ConnectError(message, request=request)

        for error in _raised(Recorder(refuse), lambda jobs: jobs.retrieve("ftjob-abc123", max_retries=0)):
            assert isinstance(error, ftjobs.APIConnectionError)
            assert isinstance(error.__cause__, httpx2.ConnectError)
            assert str(error.__cause__) == shown


def test_a_users_event_hooks_see_every_request_and_response() -> None:
    """The request and response hooks of an http_client passed in run for each exchange (sync, async)."""
    seen: list[str] = []
    mock = httpx2.MockTransport(lambda r: httpx2.Response(200, json=job_json()))
    hooks: dict[str, list[Any]] = {
        "request": [lambda request: seen.append(f"request {request.method}")],
        "response": [lambda response: seen.append(f"response {response.status_code}")],
    }
    http = httpx2.Client(transport=mock, event_hooks=hooks)
    ftjobs.Client(api_key=SECRET, base_url="http://api.test/v1", http_client=http).jobs.retrieve("ftjob-1")

    async def on_request(request: httpx2.Request) -> None:
        seen.append(f"async request {request.method}")

    async def on_response(response: httpx2.Response) -> None:
        seen.append(f"async response {response.status_code}")

    async def main() -> None:
        ahttp = httpx2.AsyncClient(
            transport=mock, event_hooks={"request": [on_request], "response": [on_response]}
        )
        async with ftjobs.AsyncClient(
            api_key=SECRET, base_url="http://api.test/v1", http_client=ahttp
        ) as client:
            await client.jobs.retrieve("ftjob-1")

    asyncio.run(main())
    assert seen == ["request GET", "response 200", "async request GET", "async response 200"]


def test_a_json_error_with_fields_of_the_wrong_type_keeps_only_the_text_ones() -> None:
    """code, param and type that are not strings: code as text, param and type None."""
    body = {"error": {"message": "bad", "code": 42, "param": ["x"], "type": {"nested": True}}}
    recorder = Recorder(lambda r: httpx2.Response(400, json=body))
    for error in _raised(recorder, lambda jobs: jobs.retrieve("ftjob-abc123")):
        assert isinstance(error, ftjobs.BadRequestError)
        assert (error.code, error.param, error.error_type) == ("42", None, None)


def test_a_call_after_the_user_closed_their_http_client_is_a_clear_error() -> None:
    """The http_client passed in, closed by its owner: the next call is APIConnectionError saying so."""
    recorder = Recorder(lambda r: httpx2.Response(200, json=job_json()))
    http = httpx2.Client(transport=httpx2.MockTransport(recorder))
    client = ftjobs.Client(api_key=SECRET, base_url="http://api.test/v1", http_client=http)
    http.close()
    with pytest.raises(ftjobs.APIConnectionError, match="do not close the http_client you passed"):
        client.jobs.retrieve("ftjob-abc123")
    assert recorder.requests == []
