"""Echoed credentials: a proxy that sends the client's credentials back, anywhere in its answer.

For every credential a client can hold (OpenAI/compatible ``Authorization: Bearer``, Azure ``api-key``,
Portkey ``x-portkey-api-key`` and ``x-portkey-virtual-key``, a Portkey provider key, a credential in
``default_headers``), a hostile server echoes what it received into the request id, the content type,
error bodies (plain, nested, as JSON keys, ``\\u``-escaped), a non-JSON body across the excerpt's
cut, a job's status (in WaitTimeoutError) and a list cursor (in PaginationError). No ``str``, ``repr``,
attribute, traceback (chained causes included), DEBUG log record of any logger, or CLI stderr shows
any of them; the request id and messages are still there, redacted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import traceback
import uuid
from typing import Any

import pytest

import ftjobs

from . import support
from .loopback import JOB, Loopback

#: How many characters of a credential the cut-200 body puts before the excerpt's cut: what a
#: redaction made after the cut would leave, and what the test looks for.
CUT_INTO_KEY = 12
#: Headers whose values the hostile server echoes.
ECHOED = ("authorization", "api-key", "x-portkey-api-key", "x-portkey-virtual-key", "x-api-key")


def _secret(label: str) -> str:
    return f"sk-{label}-{uuid.uuid4().hex}"


def _providers() -> dict[str, tuple[dict[str, Any], list[str]]]:
    """provider case -> (client keyword arguments but base_url, the credentials that must not show)."""
    openai, azure, portkey, virtual, upstream, gateway = (
        _secret(n) for n in ("openai", "azure", "portkey", "virtual", "upstream", "gateway")
    )
    return {
        "openai": ({"provider": "openai", "api_key": openai}, [openai]),
        "compatible": ({"provider": "compatible", "api_key": openai}, [openai]),
        "azure": ({"provider": "azure", "api_key": azure}, [azure]),
        "portkey-virtual-key": (
            {"provider": "portkey", "api_key": portkey, "virtual_key": virtual},
            [portkey, virtual],
        ),
        "portkey-provider-key": (
            {
                "provider": "portkey",
                "api_key": portkey,
                "portkey_provider": "openai",
                "provider_api_key": upstream,
            },
            [portkey, upstream],
        ),
        "default-header": (
            {"provider": "compatible", "api_key": openai, "default_headers": {"X-Api-Key": gateway}},
            [openai, gateway],
        ),
    }


PROVIDERS = _providers()


def _echo(headers: dict[str, str]) -> str:
    return " ".join(headers[name] for name in ECHOED if name in headers)


def _hostile(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Echo the credentials received; how depends on the job id (the path segment after /jobs/)."""
    echoed = _echo(headers)
    parts = path.split("?", 1)[0].split("/")
    mode = parts[parts.index("jobs") + 1] if "jobs" in parts and parts[-1] != "jobs" else "list"
    rid = {"x-request-id": f"req_{echoed}"}
    plain = {"Content-Type": "application/json", **rid}
    body: dict[str, Any]
    if mode == "rid-401":
        body = {"error": {"message": f"Incorrect API key provided: {echoed}", "code": "invalid_api_key"}}
        return 401, plain, json.dumps(body).encode()
    if mode == "escaped-400":
        text = json.dumps({"error": {"message": f"bad key {echoed}", "param": echoed}})
        return 400, plain, text.replace("sk-", "\\u0073k\\u002d").encode()
    if mode == "nested-422":
        body = {
            "error": {"message": "invalid", "details": [{"got": echoed}], echoed: "as a key"},
            "type": echoed,
        }
        return 422, plain, json.dumps(body).encode()
    if mode == "text-500":
        return 500, {"Content-Type": "text/plain", **rid}, f"upstream rejected {echoed}".encode()
    if mode == "content-type":
        return 200, {"Content-Type": f"text/html; charset={echoed}", **rid}, b"<html>nope</html>"
    if mode == "cut-200":  # the first credential straddles the excerpt's 200-character cut, 12 in
        first = next(word for word in echoed.split() if word.startswith("sk-"))
        text = "x" * (200 - CUT_INTO_KEY) + first + " " + echoed + " tail"
        return 200, {"Content-Type": "text/html", **rid}, text.encode()
    if mode == "redirect-loop":
        return 307, {"Location": path, **rid}, b""
    if mode == "status":
        return 200, plain, json.dumps({**JOB, "id": "status", "status": f"running {echoed}"}).encode()
    if parts[-1] == "events" or mode == "list":  # a cursor cycle made of the credentials
        data = [{**JOB, "id": f"ftjob-{echoed}"}] if mode == "list" else []
        doc = {"object": "list", "data": data, "has_more": True, "last_id": f"cursor {echoed}"}
        return 200, plain, json.dumps(doc).encode()
    return 200, plain, json.dumps(JOB).encode()


CASES: dict[str, Any] = {
    "request-id-401": lambda jobs: jobs.retrieve("rid-401"),
    "escaped-400": lambda jobs: jobs.cancel("escaped-400"),
    "nested-422": lambda jobs: jobs.retrieve("nested-422"),
    "text-500": lambda jobs: jobs.retrieve("text-500"),
    "content-type": lambda jobs: jobs.retrieve("content-type"),
    "excerpt-cut": lambda jobs: jobs.retrieve("cut-200"),
    "redirect-loop": lambda jobs: jobs.retrieve("redirect-loop"),
    "wait-status": lambda jobs: jobs.wait("status", timeout=0.3, poll_interval=0.05),
    "list-cursor": lambda jobs: list(jobs.list()),
    "events-cursor": lambda jobs: list(jobs.events("ftjob-abc123")),
}
ASYNC_CASES: dict[str, Any] = {
    "request-id-401": lambda jobs: jobs.retrieve("rid-401"),
    "escaped-400": lambda jobs: jobs.cancel("escaped-400"),
    "nested-422": lambda jobs: jobs.retrieve("nested-422"),
    "text-500": lambda jobs: jobs.retrieve("text-500"),
    "content-type": lambda jobs: jobs.retrieve("content-type"),
    "excerpt-cut": lambda jobs: jobs.retrieve("cut-200"),
    "redirect-loop": lambda jobs: jobs.retrieve("redirect-loop"),
    "wait-status": lambda jobs: jobs.wait("status", timeout=0.3, poll_interval=0.05),
    "list-cursor": lambda jobs: _drain(jobs.list()),
    "events-cursor": lambda jobs: _drain(jobs.events("ftjob-abc123")),
}


async def _drain(pager: Any) -> list[Any]:
    return [item async for item in pager]


def _everything_about(exc: BaseException) -> str:
    """Every text an exception can put in front of a person: str, repr, args, attributes (and their
    reprs), notes, the formatted traceback with its chained causes and contexts."""
    parts = [str(exc), repr(exc), repr(exc.args), repr(getattr(exc, "__notes__", None))]
    parts += [repr(v) for k, v in vars(exc).items() if k != "job"]
    parts += traceback.format_exception(exc)
    seen: set[int] = set()
    cause: BaseException | None = exc.__cause__ or exc.__context__
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        parts += [str(cause), repr(cause), repr(cause.args)]
        parts += [repr(v) for v in vars(cause).values()] if hasattr(cause, "__dict__") else []
        cause = cause.__cause__ or cause.__context__
    return "\n".join(parts)


def _call(kwargs: dict[str, Any], case: str, mode: str) -> None:
    if mode == "sync":
        with ftjobs.Client(**kwargs) as client:
            CASES[case](client.jobs)
        return

    async def main() -> None:
        async with ftjobs.AsyncClient(**kwargs) as client:
            await ASYNC_CASES[case](client.jobs)

    asyncio.run(main())


@pytest.fixture(scope="module")
def hostile() -> Any:
    with Loopback(_hostile) as server:
        yield server


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_echoed_credentials_never_shown(
    hostile: Loopback, caplog: pytest.LogCaptureFixture, provider: str, case: str, mode: str
) -> None:
    """The call fails with an ftjobs error; no text of it and no log record shows a credential."""
    caplog.set_level(logging.DEBUG)  # every logger: ftjobs, httpx2, httpcore2
    kwargs, secrets = PROVIDERS[provider]
    base = hostile.origin + ("/v1" if provider != "azure" else "")
    before = len(hostile.seen)
    kwargs = {**kwargs, "base_url": base, "retry": support.POLICY, "timeout": 5.0, "verify": support.TLS}
    with pytest.raises(ftjobs.Error) as caught:
        _call(kwargs, case, mode)
    sent = hostile.seen[before:]
    assert sent and all(any(s in " ".join(h.values()) for s in secrets) for _, _, h in sent)  # really sent
    shown = _everything_about(caught.value)
    logs = [r.getMessage() for r in caplog.records] + [repr(r.__dict__) for r in caplog.records]
    for secret in secrets:
        bare = secret.removeprefix("sk-")
        for text in [shown, *logs]:
            assert secret not in text
            assert bare[:24] not in text  # no recognisable part either
            assert secret[:CUT_INTO_KEY] not in text  # nor the head left before the excerpt's cut
    assert "***" in shown  # the echo is there, redacted
    if case in ("request-id-401", "text-500", "escaped-400", "nested-422"):
        assert "req_***" in str(caught.value)


def test_the_echo_server_shows_what_an_unredacted_client_would_leak(hostile: Loopback) -> None:
    """Control: the hostile answers really carry the credentials (as a plain HTTP client sees them)."""
    import httpx2

    secret = _secret("control")
    with httpx2.Client() as http:
        answer = http.get(
            hostile.origin + "/v1/fine_tuning/jobs/rid-401", headers={"Authorization": f"Bearer {secret}"}
        )
    assert secret in answer.headers["x-request-id"]
    assert secret in answer.text


def test_cli_stderr_never_shows_an_echoed_key(hostile: Loopback) -> None:
    """`ftjobs retrieve` / `events` / `list` against the echoing server: exit 1, no key on stderr."""
    secret = _secret("cli")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PORTKEY_", "AZURE_"))}
    env.update({"OPENAI_API_KEY": secret, "OPENAI_BASE_URL": hostile.origin + "/v1", "NO_COLOR": "1"})
    runs = [
        ["retrieve", "rid-401"],
        ["retrieve", "text-500", "--max-retries", "0"],
        ["events", "x", "--limit", "500"],
    ]
    runs += [["list", "--all"], ["retrieve", "cut-200"], ["wait", "status", "--timeout", "0.3"]]
    for args in runs:
        result = subprocess.run(
            [sys.executable, "-m", "ftjobs", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode in (1, 5), (args, result.stderr)
        assert "***" in result.stderr, (args, result.stderr)
        assert secret not in result.stdout + result.stderr
        assert secret.removeprefix("sk-")[:24] not in result.stdout + result.stderr
        assert secret[:CUT_INTO_KEY] not in result.stdout + result.stderr
