"""Security: job ids cannot reach other endpoints, credentials never cross origins, TLS is
verified by default, and no API key shows up anywhere the client writes (repr, str, errors,
tracebacks, DEBUG logs, CLI output)."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import ssl
import subprocess
import sys
import traceback
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx2
import pytest

import ftjobs
from ftjobs.testing import serve

from . import support
from .loopback import Loopback, job_answer
from .support import Admin

# --- job id matrix ------------------------------------------------------------------------------

REJECTED = {
    "parent-path": "../files/x",
    "slash": "a/b",
    "encoded-dots": "%2e%2e",
    "dots": "..",
    "dot": ".",
    "backslash": "..\\files",
    "query": "ftjob-1?limit=1",
    "fragment": "ftjob-1#x",
    "percent": "ftjob%2Fx",
    "space": " ",
    "inner-space": "ftjob 1",
    "tab": "\t",
    "newline": "ftjob-1\nx",
    "nul": "ftjob-1\x00",
    "very-long": "f" * 10_000,
    "empty": "",
}
ESCAPED = {
    "non-ascii": "ftjob-é",
    "cjk": "ftjob-日本語",
    "emoji": "ftjob-🙂",
    "semicolon": "ftjob;1",
    "at-colon": "user@host:1",
    "max-length": "f" * 256,
}
ID_OPS = ("retrieve", "cancel", "pause", "resume", "events", "checkpoints")
ALLOWED_PATH = re.compile(r"^/v1/fine_tuning/jobs/([^/?#]+)(/(cancel|pause|resume|events|checkpoints))?$")


@pytest.fixture(scope="module")
def local() -> Iterator[tuple[str, Admin]]:
    with serve() as url:
        admin = Admin(url)
        yield url, admin
        admin.close()


def _call(url: str, op: str, mode: str, job_id: str) -> None:
    if mode == "sync":
        with support.client(url) as client:
            support.SYNC_OPS[op](client.jobs, job_id)
        return

    async def main() -> None:
        async with support.async_client(url) as client:
            await support.ASYNC_OPS[op](client.jobs, job_id)

    asyncio.run(main())


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("op", ID_OPS)
@pytest.mark.parametrize("name", sorted(REJECTED))
def test_unsafe_job_id_is_rejected_before_sending(
    local: tuple[str, Admin], name: str, op: str, mode: str
) -> None:
    """An id that could address another endpoint raises InvalidJobIdError and sends nothing."""
    url, admin = local
    admin.clear_requests()
    with pytest.raises(ftjobs.InvalidJobIdError):
        _call(url, op, mode, REJECTED[name])
    assert admin.requests() == []


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("op", ID_OPS)
@pytest.mark.parametrize("name", sorted(ESCAPED))
def test_odd_job_id_is_escaped_into_one_path_segment(
    local: tuple[str, Admin], name: str, op: str, mode: str
) -> None:
    """Any other id is percent-escaped: the server sees one segment, equal to the id, and says 404."""
    url, admin = local
    job_id = ESCAPED[name]
    admin.clear_requests()
    with pytest.raises(ftjobs.NotFoundError):
        _call(url, op, mode, job_id)
    paths = [entry["path"].split("?")[0] for entry in admin.requests()]
    assert len(paths) == 1
    match = ALLOWED_PATH.match(paths[0])
    assert match is not None, paths[0]
    assert unquote(match.group(1)) == job_id


def test_wait_rejects_unsafe_job_id(local: tuple[str, Admin]) -> None:
    """wait() checks the id like every other operation: no request for ``../files/x``."""
    url, admin = local
    admin.clear_requests()
    with support.client(url) as client, pytest.raises(ftjobs.InvalidJobIdError):
        client.jobs.wait("../files/x", timeout=1.0)
    assert admin.requests() == []


# --- credentials on redirects -------------------------------------------------------------------

SECRET = "sk-redirect-" + uuid.uuid4().hex
PROVIDERS: dict[str, dict[str, Any]] = {
    "openai": {"provider": "openai", "api_key": SECRET, "organization": "org-" + SECRET, "project": SECRET},
    "compatible": {"provider": "compatible", "api_key": SECRET},
    "azure": {"provider": "azure", "api_key": SECRET},
    "portkey-virtual-key": {"provider": "portkey", "api_key": SECRET, "virtual_key": "vk-" + SECRET},
    "portkey-provider": {
        "provider": "portkey",
        "api_key": SECRET,
        "portkey_provider": "openai",
        "provider_api_key": "sk-provider-" + SECRET,
        "custom_host": "https://h.example/" + SECRET,
    },
    "portkey-config": {"provider": "portkey", "api_key": SECRET, "config": "pc-" + SECRET},
}
CREDENTIAL_HEADERS = {"authorization", "api-key", "openai-organization", "openai-project"}


def _redirecting(target: str, status: int) -> Any:
    def answer(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        return status, {"Location": target + path}, b""

    return answer


def _base_url(provider: str, origin: str) -> str:
    return origin if provider == "azure" else origin + "/v1"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("provider", sorted(PROVIDERS))
@pytest.mark.parametrize("op", ["retrieve", "cancel"])
def test_cross_origin_redirect_carries_no_credential(provider: str, status: int, op: str) -> None:
    """Redirected to another origin (another port), the request arrives with no credential header."""
    with Loopback() as other, Loopback(_redirecting(other.origin, status)) as origin:
        kwargs = dict(PROVIDERS[provider], base_url=_base_url(provider, origin.origin))
        with ftjobs.Client(timeout=5.0, max_retries=0, **kwargs) as client:
            job = getattr(client.jobs, op)("ftjob-abc123")
        assert job.id == "ftjob-abc123"
        sent = origin.seen[0][2]
        assert any(name in sent for name in CREDENTIAL_HEADERS | {"x-portkey-api-key"})
    assert len(other.seen) == 1
    _, _, arrived = other.seen[0]
    leaked = {k for k in arrived if k in CREDENTIAL_HEADERS or k.startswith("x-portkey-")}
    assert leaked == set()
    assert SECRET not in repr(arrived)


@pytest.mark.parametrize("provider", ["openai", "azure", "portkey-virtual-key"])
def test_same_origin_redirect_keeps_credentials(provider: str) -> None:
    """A redirect within the origin keeps the credentials (the stripping is about origins only)."""
    moved: list[str] = []

    def answer(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if "/moved" in path:
            moved.append(path)
            return job_answer(method, path, headers)
        return 307, {"Location": path.replace("/fine_tuning", "/moved/fine_tuning", 1)}, b""

    with Loopback(answer) as origin:
        kwargs = dict(PROVIDERS[provider], base_url=_base_url(provider, origin.origin))
        with ftjobs.Client(timeout=5.0, max_retries=0, **kwargs) as client:
            client.jobs.retrieve("ftjob-abc123")
        assert moved
        first, second = origin.seen[0][2], origin.seen[1][2]
        assert (
            {k for k in first if k in CREDENTIAL_HEADERS or k.startswith("x-portkey-")}
            == {k for k in second if k in CREDENTIAL_HEADERS or k.startswith("x-portkey-")}
            != set()
        )


def test_plain_httpx2_strips_only_authorization_across_origins() -> None:
    """Plain httpx2 drops Authorization across origins but forwards api-key and x-portkey-*."""
    # This is why ftjobs follows redirects itself (ftjobs._http.redirect_target).
    with Loopback() as other, Loopback(_redirecting(other.origin, 307)) as origin:
        headers = {"Authorization": f"Bearer {SECRET}", "api-key": SECRET, "x-portkey-api-key": SECRET}
        with httpx2.Client(follow_redirects=True, timeout=5.0) as http:
            assert http.get(origin.origin + "/v1/fine_tuning/jobs/x", headers=headers).status_code == 200
    arrived = other.seen[0][2]
    assert "authorization" not in arrived
    assert arrived["api-key"] == SECRET
    assert arrived["x-portkey-api-key"] == SECRET


# --- TLS ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(self_signed: tuple[Path, Path]) -> Iterator[Loopback]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed)
    with Loopback(tls=context) as server:
        yield server


def test_tls_is_verified_by_default(tls_server: Loopback) -> None:
    """A self-signed certificate is refused by default (APIConnectionError), without a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = ftjobs.Client(api_key=SECRET, base_url=tls_server.origin + "/v1", timeout=5.0, max_retries=0)
    with client, pytest.raises(ftjobs.APIConnectionError) as caught:
        client.jobs.retrieve("ftjob-abc123")
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    assert tls_server.seen == []


@pytest.mark.parametrize("cls", [ftjobs.Client, ftjobs.AsyncClient])
def test_turning_tls_verification_off_warns(tls_server: Loopback, cls: Any) -> None:
    """verify=False warns InsecureTransportWarning (and then does talk to the self-signed server)."""
    with pytest.warns(ftjobs.InsecureTransportWarning):
        client = cls(api_key=SECRET, base_url=tls_server.origin + "/v1", timeout=5.0, verify=False)
    if cls is ftjobs.Client:
        with client:
            assert client.jobs.retrieve("ftjob-abc123").id == "ftjob-abc123"
    else:

        async def main() -> None:
            async with client:
                assert (await client.jobs.retrieve("ftjob-abc123")).id == "ftjob-abc123"

        asyncio.run(main())


def test_trusting_a_ca_file_does_not_warn_insecure(
    tls_server: Loopback, self_signed: tuple[Path, Path]
) -> None:
    """verify=<CA file> trusts the server and raises no InsecureTransportWarning."""
    # httpx itself deprecates a str ``verify`` (a DeprecationWarning): reported, not tested here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("error", ftjobs.InsecureTransportWarning)
        with ftjobs.Client(
            api_key=SECRET, base_url=tls_server.origin + "/v1", timeout=5.0, verify=str(self_signed[0])
        ) as client:
            assert client.jobs.retrieve("ftjob-abc123").id == "ftjob-abc123"


# --- keys never shown ---------------------------------------------------------------------------

KEY = "sk-reliability-" + uuid.uuid4().hex


def _everything_about(exc: BaseException) -> str:
    """Every text an exception can put in front of a person: str, repr, args, attributes,
    the formatted traceback with its chained causes."""
    parts = [str(exc), repr(exc), repr(exc.args)]
    parts += [repr(v) for v in vars(exc).values()]
    parts += traceback.format_exception(exc)
    cause = exc.__cause__ or exc.__context__
    while cause is not None:
        parts += [str(cause), repr(cause), repr(cause.args)]
        cause = cause.__cause__ or cause.__context__
    return "\n".join(parts)


def _echo_key(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """A hostile server: echoes the credentials it got, in bodies and headers, by path."""
    echoed = " ".join(headers.get(name, "") for name in ("authorization", "api-key", "x-portkey-api-key"))
    kind = path.rsplit("/", 1)[-1]
    if kind == "json-401":
        body = b'{"error": {"message": "Incorrect API key provided: ' + echoed.encode() + b'"}}'
        return 401, {"Content-Type": "application/json", "x-request-id": "req_1"}, body
    if kind == "text-500":
        return 500, {"Content-Type": "text/plain"}, f"upstream rejected {echoed}".encode()
    return 200, {"Content-Type": "text/html"}, f"<html>{echoed}</html>".encode()


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


@pytest.mark.parametrize("provider", ["openai", "azure", "portkey"])
def test_key_never_in_repr_str_errors_jobs_or_debug_logs(
    caplog: pytest.LogCaptureFixture, provider: str
) -> None:
    """No repr, str, error, traceback or DEBUG log record contains the key, even when echoed back."""
    caplog.set_level(logging.DEBUG)  # every logger: ftjobs, httpx, httpcore
    kwargs: dict[str, Any] = {"provider": provider, "api_key": KEY, "timeout": 2.0, "retry": support.POLICY}
    if provider == "portkey":
        kwargs["virtual_key"] = "vk-" + KEY
    shown: list[str] = []
    with Loopback(_echo_key) as hostile:
        for base in (_base_url(provider, hostile.origin), _closed_port_url()):
            with ftjobs.Client(base_url=base, **kwargs) as client:
                shown += [repr(client), str(client), repr(client.jobs), repr(vars(client))]
                for job_id in ("json-401", "text-500", "html-200"):
                    try:
                        shown.append(repr(client.jobs.retrieve(job_id)))
                    except ftjobs.Error as exc:
                        shown.append(_everything_about(exc))
    async_client = ftjobs.AsyncClient(base_url=_closed_port_url(), **kwargs)
    shown += [repr(async_client), str(async_client)]
    asyncio.run(async_client.close())
    assert len(hostile.seen) >= 3
    assert any(KEY in " ".join(h.values()) for _, _, h in hostile.seen)  # the key was really sent
    logs = [record.getMessage() for record in caplog.records] + [repr(r.__dict__) for r in caplog.records]
    assert any("ftjobs" in r.name for r in caplog.records)
    for text in shown + logs:
        assert KEY not in text
        assert KEY[len("sk-") :] not in text


def test_job_repr_and_str_show_no_credentials() -> None:
    """A job never holds a key, so its repr/str cannot leak one (the server's doc is all it has)."""
    with Loopback() as server, support.client(server.origin + "/v1", api_key=KEY) as client:
        job = client.jobs.retrieve("ftjob-abc123")
    assert KEY not in repr(job) + str(job) + repr(job.raw)


def _cli(args: list[str], env: dict[str, str], timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PORTKEY_", "AZURE_"))}
    return subprocess.run(
        [sys.executable, "-m", "ftjobs", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


#: Runs the CLI with the engine's send replaced by one that raises a foreign exception, so that
#: the CLI dies with a traceback (no real crash path is known: every failure is an ftjobs.Error).
CRASH = """
import sys
import ftjobs._http
from ftjobs._cli import run

def crash(self, call, **kwargs):
    raise RuntimeError("injected crash in " + self.settings.connection.base_url)

ftjobs._http.SyncEngine.request = crash
sys.argv = ["ftjobs", "retrieve", "ftjob-abc123"]
run()
"""


def _crash(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PORTKEY_", "AZURE_"))}
    return subprocess.run(
        [sys.executable, "-c", CRASH],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.slow
def test_cli_output_never_contains_the_key() -> None:
    """The CLI never prints the key: success, 401, refused, echoed by the server, a crash traceback."""
    outputs: list[tuple[str, subprocess.CompletedProcess[str]]] = []
    with serve(api_key=KEY) as good, serve() as other_key, Loopback(_echo_key) as hostile:
        runs = {
            "ok": (["retrieve", "ftjob-abc123"], good),
            "ok-json": (["retrieve", "ftjob-abc123", "--json"], good),
            "list": (["list", "--limit", "2"], good),
            "401": (["retrieve", "ftjob-abc123"], other_key),
            "refused": (["retrieve", "ftjob-abc123", "--max-retries", "0"], _closed_port_url()),
            "echo-401": (["retrieve", "json-401"], hostile.origin + "/v1"),
            "echo-500": (["retrieve", "text-500", "--max-retries", "0"], hostile.origin + "/v1"),
            "echo-html": (["retrieve", "html-200"], hostile.origin + "/v1"),
        }
        for name, (args, url) in runs.items():
            outputs.append((name, _cli(args, {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": url})))
        bad_key = _cli(["retrieve", "x"], {"OPENAI_API_KEY": KEY + "\r", "OPENAI_BASE_URL": good})
        outputs.append(("bad-key", bad_key))
        crash = _crash({"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": good})
    codes = {name: result.returncode for name, result in outputs}
    assert codes["ok"] == codes["ok-json"] == codes["list"] == 0
    assert all(codes[name] != 0 for name in ("401", "refused", "echo-401", "echo-500", "echo-html"))
    assert bad_key.returncode != 0
    assert "Traceback" in crash.stderr
    assert "injected crash" in crash.stderr
    for _, result in [*outputs, ("crash", crash)]:
        assert KEY not in result.stdout + result.stderr
        assert KEY[len("sk-") :] not in result.stdout + result.stderr


# --- keys that cannot be sent -----------------------------------------------------------------


def _retrieve_with_key(base_url: str, key: str) -> None:
    with ftjobs.Client(api_key=key, base_url=base_url, max_retries=0) as client:
        client.jobs.retrieve("ftjob-abc123")


@pytest.mark.parametrize("suffix", ["\r", "\n", "\x00", "é", " \u2028"])
def test_key_that_cannot_be_sent_fails_as_ftjobs_error_without_showing_it(suffix: str) -> None:
    """A key with a control or non-ASCII character raises an ftjobs error that does not show it."""
    with Loopback() as server, pytest.raises(ftjobs.Error) as caught:
        _retrieve_with_key(server.origin + "/v1", KEY + suffix)
    assert KEY not in _everything_about(caught.value)
    assert server.seen == []
