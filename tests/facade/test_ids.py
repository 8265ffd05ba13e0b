"""Job ids: one path segment, never a route to another endpoint; gateway ids sent as given."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import httpx2
import pytest

import ftjobs
from ftjobs import InvalidJobIdError
from ftjobs._ids import check_job_id, job_path_segment

from .helpers import Recorder, job_json, make_async_client, make_client

#: A Bedrock job ARN as AWS gives it (the base model's id is part of it), and as the Portkey gateway
#: gives it: encodeURIComponent(jobArn).
ARN = (
    "arn:aws:bedrock:us-east-1:123456789012:model-customization-job"
    "/amazon.titan-text-lite-v1:0:4k/b2n3cd4e5f6g"
)
GATEWAY_ID = (
    "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Amodel-customization-job"
    "%2Famazon.titan-text-lite-v1%3A0%3A4k%2Fb2n3cd4e5f6g"
)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "..",
        ".",
        "../files/x",
        "a/b",
        "%2e%2e",
        "ftjob-1%2Fcancel",  # a decoded "/" outside an ARN
        "%2e%2E",
        "arn%3Aaws%2F..%2Fx",  # a ".." part once decoded
        "arn%3Aaws%2F%2Fx",  # an empty part
        "arn%3Aaws%2F",
        "%2Farn%3Aaws",
        "arn%253Aaws%253Abedrock",  # encoded twice: the gateway refuses it
        "arn%3Aaws%0A",  # a control character once decoded
        "arn%3Aaws%20x",
        "arn%3Aaws%3Fx",
        "arn%3Aaws%23x",
        "arn%3Aaws%5Cx",
        "arn%3Aaws%ZZ",  # not an escape
        "arn%3Aaws%3",
        "arn%3Aaws%",
        "arn:aws%2Fx",  # half encoded
        "arn%3Aaws%FF",  # not UTF-8
        ARN,  # the bare ARN has a "/": it goes percent-encoded, as the gateway gives it
        "ftjob-1?limit=1",
        "ftjob-1#frag",
        "a\\b",
        "ftjob 1",
        "ftjob-1\n",
        "ftjob-\x00",
        "x" * 257,
        "a%3A" + "x" * 253,
        None,
        123,
    ],
)
def test_rejected(bad: object) -> None:
    """Empty, relative, slashed, percent-encoded, control-character, too-long and non-str ids fail."""
    with pytest.raises(InvalidJobIdError):
        check_job_id(bad)


@pytest.mark.parametrize(
    ("good", "segment"),
    [
        ("ftjob-abc123", "ftjob-abc123"),
        ("ft-AF1WoRqd3aJAHsqc9NY7iL8F", "ft-AF1WoRqd3aJAHsqc9NY7iL8F"),
        ("ftjob-ünïcode", "ftjob-%C3%BCn%C3%AFcode"),
        ("a:b@c", "a%3Ab%40c"),
        ("x" * 256, "x" * 256),
        ("a%3A" + "x" * 252, "a%3A" + "x" * 252),
        (GATEWAY_ID, GATEWAY_ID),  # sent exactly as given: never %253A
        (GATEWAY_ID.replace("%3A", "%3a"), GATEWAY_ID.replace("%3A", "%3a")),  # lower-case hex too
        ("arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Amodel-customization-job%2Fabc", None),
        ("ftjob-%C3%BC", "ftjob-%C3%BC"),  # an escaped non-ASCII character stays as given
        ("it%27s(1)!*", "it%27s(1)!*"),  # what encodeURIComponent leaves alone, left alone
    ],
)
def test_accepted_and_escaped(good: str, segment: str | None) -> None:
    """Ordinary ids pass unchanged; anything outside the unreserved set is percent-escaped; an id
    already percent-encoded (a Bedrock ARN as the gateway gives it) is sent as given."""
    assert check_job_id(good) == good
    assert job_path_segment(good) == (good if segment is None else segment)


def test_is_a_value_error_too() -> None:
    """Callers that catch ValueError keep working."""
    with pytest.raises(ValueError, match="empty"):
        check_job_id("")


def test_the_gateway_id_is_the_arn_encoded_once() -> None:
    """GATEWAY_ID is what the gateway builds (encodeURIComponent leaves none of the ARN's ':' '/')."""
    assert quote(ARN, safe="") == GATEWAY_ID


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        (ARN, "percent-encoded, as the Portkey gateway gives"),
        ("arn%253Aaws", "percent-encoded twice"),
        ("arn%3Aaws%2", "starts no %XX escape"),
        ("arn:aws%2Fx", "holds ':' unencoded"),
        ("job%2Fcancel", "only an encoded ARN"),
        ("arn%3Ax%2F..", "relative or empty"),
    ],
)
def test_the_error_says_what_to_do(bad: str, words: str) -> None:
    """Each refusal names its reason."""
    with pytest.raises(InvalidJobIdError, match=words.replace("(", r"\(")):
        check_job_id(bad)


def _answer(request: httpx2.Request) -> httpx2.Response:
    if request.url.raw_path.split(b"?")[0].endswith((b"/events", b"/checkpoints")):
        return httpx2.Response(200, json={"object": "list", "data": [], "has_more": False})
    return httpx2.Response(200, json=job_json(job_id=GATEWAY_ID))


#: operation -> (call on client.jobs, method, path after the id, ftjobs' own query)
_OPERATIONS: dict[str, tuple[Callable[[Any], Any], str, bytes, bytes]] = {
    "retrieve": (lambda jobs: jobs.retrieve(GATEWAY_ID), "GET", b"", b""),
    "cancel": (lambda jobs: jobs.cancel(GATEWAY_ID), "POST", b"/cancel", b""),
    "pause": (lambda jobs: jobs.pause(GATEWAY_ID), "POST", b"/pause", b""),
    "resume": (lambda jobs: jobs.resume(GATEWAY_ID), "POST", b"/resume", b""),
    "events": (lambda jobs: jobs.events(GATEWAY_ID, limit=5), "GET", b"/events", b"limit=5"),
    "checkpoints": (lambda jobs: jobs.checkpoints(GATEWAY_ID, limit=5), "GET", b"/checkpoints", b"limit=5"),
    "metrics": (lambda jobs: jobs.metrics(GATEWAY_ID), "GET", b"/events", b"limit=100"),
}
_PROVIDERS: dict[str, dict[str, Any]] = {
    "openai": {},
    "portkey": {"provider": "portkey", "virtual_key": "vk-bedrock-1", "base_url": "http://api.test/v1"},
    "azure": {"provider": "azure", "base_url": "http://api.test/openai"},
    "compatible": {"provider": "compatible"},
}


def _check_sent(recorder: Recorder, provider: str, operation: str) -> None:
    _, method, tail, query = _OPERATIONS[operation]
    sent = recorder.requests[0]
    prefix = b"/openai" if provider == "azure" else b"/v1"
    path, _, sent_query = sent.url.raw_path.partition(b"?")
    assert (sent.method, path) == (method, prefix + b"/fine_tuning/jobs/" + GATEWAY_ID.encode() + tail)
    own = [p for p in sent_query.split(b"&") if p and not p.startswith(b"api-version=")]
    assert own == ([query] if query else [])


@pytest.mark.parametrize("provider", list(_PROVIDERS))
@pytest.mark.parametrize("operation", list(_OPERATIONS))
def test_a_gateway_id_goes_on_the_wire_as_given(provider: str, operation: str) -> None:
    """Every operation that takes a job id, through every provider, sends the encoded ARN as given
    (never %253A): the gateway pastes it into the backend's URL from the raw request URL."""
    recorder = Recorder(_answer)
    with make_client(recorder, **_PROVIDERS[provider]) as client:
        outcome = _OPERATIONS[operation][0](client.jobs)
        if not isinstance(outcome, ftjobs.Job):
            list(outcome)  # a pager or a metrics series: read it
    _check_sent(recorder, provider, operation)


@pytest.mark.parametrize("provider", list(_PROVIDERS))
@pytest.mark.parametrize("operation", list(_OPERATIONS))
def test_a_gateway_id_goes_on_the_wire_as_given_async(provider: str, operation: str) -> None:
    """The same through the AsyncClient."""
    recorder = Recorder(_answer)

    async def main() -> None:
        async with make_async_client(recorder, **_PROVIDERS[provider]) as client:
            outcome = _OPERATIONS[operation][0](client.jobs)
            if isinstance(outcome, Awaitable):
                await outcome
            else:  # an async pager: read its first item
                async for _ in outcome:
                    break

    asyncio.run(main())
    _check_sent(recorder, provider, operation)


def test_a_refused_id_sends_nothing() -> None:
    """The check runs before sending: no request reaches the server."""
    recorder = Recorder(_answer)
    with make_client(recorder) as client:
        for bad in ("arn%253Aaws", ARN, "%2e%2e", "job%2Fcancel"):
            with pytest.raises(ftjobs.InvalidJobIdError):
                client.jobs.retrieve(bad)
    assert recorder.requests == []
