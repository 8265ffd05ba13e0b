"""_guards, on the wire: framing a client library would never send (two Content-Lengths, ``+55``, two
Authorization headers), methods no route takes, faults only for callers with the key, and the admin
API's defences against web pages (the key, Host, Origin, Content-Type). Raw sockets, real server."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from ftjobs._server import Server, _guards
from ftjobs._server._errors import ApiError

from .conftest import AUTH, T0, Harness
from .raw import address, error_of, exchange, parse, read_until_closed, request

JOBS = "/v1/fine_tuning/jobs"
JSON_TYPE = {"Content-Type": "application/json"}
ADMIN = {**AUTH, **JSON_TYPE}
ADVANCE = b'{"seconds": 100}'
CREATE = b'{"model": "gpt-4o-mini", "training_file": "file-t"}'


def send(server: Server, *args: Any, **kwargs: Any) -> tuple[int, dict[str, str], bytes]:
    return parse(exchange(server, request(*args, **kwargs)))


def job_count(harness: Harness) -> int:
    return len(harness.api.get("/fine_tuning/jobs", params={"limit": 100}).json()["data"])


def clock(harness: Harness) -> float:
    now: float = harness.admin.get("/health").json()["now"]
    return now


# --- Content-Length: digits, and one value --------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "length"),
    [([], 0), (["0"], 0), (["55"], 55), (["055"], 55), ([" 55\t"], 55), (["55", "55"], 55)],
)
def test_content_length_of_digits(values: list[str], length: int) -> None:
    """ASCII digits (leading zeros, surrounding blanks allowed); a repeat of the same value is one value."""
    assert _guards.content_length(values) == length


@pytest.mark.parametrize(
    "values",
    [["+55"], ["5_5"], ["-1"], ["0x37"], ["55.0"], ["５５"], ["²"], [""], ["5 5"], ["55, 55"], ["55", "56"]],
)
def test_content_length_refused(values: list[str]) -> None:
    """A sign, an underscore, hex, Unicode digits, a list, or two values that differ: 400."""
    with pytest.raises(ApiError) as caught:
        _guards.content_length(values)
    assert (caught.value.status, caught.value.param) == (400, "content-length")


def test_a_content_length_of_a_thousand_digits_is_too_large_not_a_crash() -> None:
    """Past MAX_LENGTH_DIGITS the value is not parsed (int() would refuse 4300+ digits): it is too large."""
    assert _guards.content_length(["9" * 1000]) > 1 << 40
    assert _guards.content_length(["0" * 1000 + "7"]) == 7


@pytest.mark.parametrize(
    "lengths",
    [
        [str(len(CREATE)), "5"],  # the first one right (a job would be created), the second not
        ["5", str(len(CREATE))],
        ["+" + str(len(CREATE))],
        [str(len(CREATE))[0] + "_" + str(len(CREATE))[1:]],
    ],
)
def test_a_doubtful_content_length_is_a_400_and_creates_nothing(harness: Harness, lengths: list[str]) -> None:
    """Two differing Content-Length values, or one that is not digits: 400, connection closed, no job."""
    before = job_count(harness)
    headers = [*AUTH.items(), *JSON_TYPE.items(), *(("Content-Length", value) for value in lengths)]
    status, response_headers, body = send(harness.server, "POST", JOBS, CREATE, headers, length=False)
    assert status == 400
    assert error_of(body)["param"] == "content-length"
    assert response_headers["connection"] == "close"
    assert job_count(harness) == before


def test_the_same_content_length_twice_is_one_length(harness: Harness) -> None:
    """RFC 9110 allows a repeated identical Content-Length: the job is created once."""
    before = job_count(harness)
    headers = [*AUTH.items(), *JSON_TYPE.items(), *[("Content-Length", str(len(CREATE)))] * 2]
    status, _, body = send(harness.server, "POST", JOBS, CREATE, headers, length=False)
    assert status == 200, body
    assert job_count(harness) == before + 1


# --- headers that must come once ----------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        [("Authorization", "Bearer sk-wrong"), ("Authorization", AUTH["Authorization"])],
        [("Authorization", AUTH["Authorization"])] * 2,
        [("api-key", "sk-ftjobs-local")] * 2,
        [*AUTH.items(), ("x-ftjobs-fault", "503"), ("x-ftjobs-fault", "429")],
    ],
    ids=["wrong-then-right", "right-twice", "api-key-twice", "fault-twice"],
)
def test_a_repeated_credential_or_fault_header_is_a_400(
    harness: Harness, headers: list[tuple[str, str]]
) -> None:
    """Two Authorization (or api-key, or fault) headers: 400 naming the header, whatever their values,
    and the request is not carried out."""
    before = job_count(harness)
    status, _, body = send(harness.server, "POST", JOBS, CREATE, [*headers, *JSON_TYPE.items()])
    assert status == 400
    assert error_of(body)["param"] == headers[-1][0].lower()
    assert job_count(harness) == before


def test_two_host_headers_are_a_400(harness: Harness) -> None:
    """Which Host would the admin checks read? Neither: 400."""
    headers = [("Host", "127.0.0.1"), ("Host", "evil.example"), *AUTH.items()]
    status, _, body = send(harness.server, "GET", "/_ftjobs/requests", headers=headers, host=None)
    assert status == 400
    assert error_of(body)["param"] == "host"


# --- methods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("QUERY", JOBS, "GET, HEAD, POST"),
        ("FOO", "/v1/fine_tuning/jobs/ftjob-abc123", "GET, HEAD"),
        ("get", "/v1/fine_tuning/jobs/ftjob-abc123/cancel", "POST"),  # methods are case-sensitive
        ("PROPFIND", "/v1/fine_tuning/alpha/graders/validate", "POST"),
        ("QUERY", "/_ftjobs/requests", "DELETE, GET, HEAD"),
        ("BREW", "/_ftjobs/advance", "POST"),
        ("PUT", "/v1/fine_tuning/jobs", "GET, HEAD, POST"),  # a method http.server knows, same answer
        ("DELETE", "/openai/fine_tuning/jobs/ftjob-abc123?api-version=2024-10-21", "GET, HEAD"),  # Azure's
        ("GET", "/_ftjobs/advance", "POST"),
    ],
)
def test_any_method_no_route_takes_is_405_with_allow(
    harness: Harness, method: str, path: str, allow: str
) -> None:
    """Whatever its name, a method the server does not serve on a known path answers 405 and Allow
    (the former 501 was a server error to schemathesis, the former 404 for PUT its ST204); all but
    the admin API's are in the request log."""
    harness.admin.delete("/requests")
    status, headers, body = send(harness.server, method, path, headers=AUTH)
    assert status == 405
    assert headers["allow"] == allow
    assert error_of(body)["message"] == f"Method {method} is not allowed here; allowed: {allow}."
    logged = [(entry["method"], entry["status"]) for entry in harness.admin.get("/requests").json()["data"]]
    assert logged == ([] if path.startswith("/_ftjobs/") else [(method, 405)])


def test_an_unknown_method_on_no_route_is_404(harness: Harness) -> None:
    """No route, nothing to allow: OpenAI's 404 Invalid URL."""
    status, _, body = send(harness.server, "QUERY", "/v1/models", headers=AUTH)
    assert (status, error_of(body)["message"]) == (404, "Invalid URL (QUERY /v1/models)")


@pytest.mark.parametrize("method", ["GE(T", "G\x7fT", "BR@W"])
def test_a_method_that_is_not_a_token_is_a_400(harness: Harness, method: str) -> None:
    """A method name is an RFC 9110 token; anything else is a malformed request."""
    status, _, body = send(harness.server, method, JOBS, headers=AUTH)
    assert (status, error_of(body)["message"]) == (400, "Invalid method in the request line.")


# --- faults only for callers with the key -------------------------------------------------------


@pytest.mark.parametrize(
    "credentials",
    [{}, {"Authorization": "Bearer sk-wrong"}, {"api-key": "sk-wrong"}],
    ids=["none", "wrong", "azure"],
)
def test_a_fault_header_without_the_key_is_a_401(harness: Harness, credentials: dict[str, str]) -> None:
    """x-ftjobs-fault applies only after auth: without the key the answer is the 401, not the fault."""
    for spec in ("503", "reset", "hang", "teapot"):
        status, _, body = send(harness.server, "GET", JOBS, headers={**credentials, "x-ftjobs-fault": spec})
        assert status == 401, spec
        assert error_of(body)["code"] == "invalid_api_key"
    status, _, _ = send(harness.server, "GET", JOBS, headers={**AUTH, "x-ftjobs-fault": "503"})
    assert status == 503


def test_a_queued_fault_waits_for_a_caller_with_the_key(harness: Harness) -> None:
    """An unauthenticated request neither gets nor uses up a queued fault."""
    assert harness.admin.post("/faults", json={"fault": "502"}).status_code == 200
    assert send(harness.server, "GET", JOBS)[0] == 401
    assert harness.admin.get("/faults").json()["data"] == [
        {"fault": "502", "times": 1, "path": None, "method": None}
    ]
    assert send(harness.server, "GET", JOBS, headers=AUTH)[0] == 502


# --- the admin API: the key ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "route", "body"),
    [
        ("GET", "health", b""),
        ("POST", "advance", ADVANCE),
        ("GET", "requests", b""),
        ("DELETE", "requests", b""),
        ("POST", "faults", b'{"fault": "503"}'),
        ("GET", "faults", b""),
        ("DELETE", "faults", b""),
        ("POST", "jobs/ftjob-abc/fail", b"{}"),
        ("GET", "nothing", b""),  # auth before routing, as on /v1
    ],
)
@pytest.mark.parametrize("credentials", [{}, {"Authorization": "Bearer sk-wrong"}], ids=["none", "wrong"])
def test_the_admin_api_takes_the_api_key(
    harness: Harness, method: str, route: str, body: bytes, credentials: dict[str, str]
) -> None:
    """Every admin route answers 401 without the key (and changes nothing)."""
    harness.admin.post("/faults", json={"fault": "500", "path": "/never-requested"})
    status, _, answer = send(harness.server, method, f"/_ftjobs/{route}", body, {**credentials, **JSON_TYPE})
    assert status == 401
    assert error_of(answer)["code"] == "invalid_api_key"
    assert clock(harness) == T0
    assert len(harness.admin.get("/faults").json()["data"]) == 1
    assert harness.job("ftjob-abc")["status"] != "failed"


@pytest.mark.parametrize(
    "credentials",
    [
        AUTH,
        {"api-key": "sk-ftjobs-local"},
        {"x-portkey-api-key": "sk-ftjobs-local", "x-portkey-virtual-key": "v"},
    ],
    ids=["bearer", "azure", "portkey"],
)
def test_the_admin_api_takes_every_presentation_of_the_key(
    harness: Harness, credentials: dict[str, str]
) -> None:
    """The same auth as /v1: the OpenAI, Azure and Portkey ways."""
    status, _, body = send(harness.server, "POST", "/_ftjobs/advance", ADVANCE, {**credentials, **JSON_TYPE})
    assert status == 200, body
    assert json.loads(body) == {"now": T0 + 100}


# --- the admin API: web pages ---------------------------------------------------------------------


def test_the_issue_request_is_refused_on_every_count(harness: Harness) -> None:
    """issue 21's request (text/plain, Origin evil, Host evil), one count at a time, the key included:
    each is refused and the clock never moves."""
    _, port = address(harness.server)
    refused = [
        ({"Content-Type": "text/plain"}, "127.0.0.1", 415, "content-type"),
        ({**JSON_TYPE, "Origin": "https://evil.example"}, "127.0.0.1", 403, "origin"),
        (JSON_TYPE, "evil.example", 403, "host"),
        ({"Content-Type": "text/plain", "Origin": "https://evil.example"}, "evil.example", 403, "host"),
    ]
    for headers, host, status, param in refused:
        got, _, body = send(
            harness.server, "POST", "/_ftjobs/advance", ADVANCE, {**AUTH, **headers}, host=host
        )
        assert (got, error_of(body)["param"]) == (status, param), (headers, host)
    assert clock(harness) == T0
    got, _, _ = send(harness.server, "POST", "/_ftjobs/advance", ADVANCE, ADMIN, host=f"127.0.0.1:{port}")
    assert got == 200
    assert clock(harness) == T0 + 100


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1", 200),  # the listening address, without a port
        ("127.0.0.1:{port}", 200),
        ("127.0.0.1:9", 200),  # the port is not compared (a forwarded port)
        ("localhost:{port}", 200),
        ("LOCALHOST", 200),
        ("127.0.0.2:{port}", 200),  # all of 127.0.0.0/8 is loopback
        ("[::1]:{port}", 200),
        ("evil.example:{port}", 403),  # DNS rebinding: a name that now resolves to 127.0.0.1
        ("127.0.0.1.evil.example", 403),
        ("localhost.evil.example", 403),
        ("10.0.0.1", 403),
        ("user@127.0.0.1", 403),
        ("127.0.0.1/x", 403),
        ("[::1", 403),
        ("", 403),
        (None, 403),  # no Host at all names nothing
    ],
)
def test_the_admin_api_answers_only_its_own_host_names(
    harness: Harness, host: str | None, status: int
) -> None:
    """Host must name the listening address or a loopback name, else 403 (the request log stays
    unreadable to a rebinding page)."""
    _, port = address(harness.server)
    value = host.format(port=port) if host is not None else None
    got, _, body = send(harness.server, "GET", "/_ftjobs/requests", headers=AUTH, host=value)
    assert got == status, body
    if status == 403:
        assert error_of(body)["param"] == "host"
        assert b"data" not in body


def test_a_wildcard_bind_also_answers_to_the_address_a_connection_arrived_on() -> None:
    """Listening on 0.0.0.0, the admin API takes that name and the connection's own address."""
    assert _guards.local_names(["0.0.0.0", "192.0.2.7"]) == {
        "0.0.0.0",
        "192.0.2.7",
        "localhost",
        "localhost.",
    }
    assert _guards.local_names(["[::1]", "FE80::1%eth0"]) >= {"::1", "fe80::1"}
    with Server(host="0.0.0.0") as server:
        port = int(server.root_url.rsplit(":", 1)[1])
        url = f"127.0.0.1:{port}"
        for host, status in (("0.0.0.0", 200), (url, 200), ("evil.example", 403)):
            answer = exchange_to(port, request("GET", "/_ftjobs/health", headers=AUTH, host=host))
            assert parse(answer)[0] == status, host


def exchange_to(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        return read_until_closed(sock)


@pytest.mark.parametrize(
    ("origin", "status"),
    [
        ("http://127.0.0.1:{port}", 200),  # the server's own origin
        ("HTTP://127.0.0.1:{port}", 200),
        ("https://evil.example", 403),
        ("http://127.0.0.1:{other}", 403),  # another local server (a dev server, a notebook) is foreign
        ("http://localhost:{port}", 403),  # another origin than the Host the request names
        ("https://127.0.0.1:{port}", 403),
        ("http://127.0.0.1", 403),  # port 80, not the server's
        ("null", 403),  # a sandboxed page or a file:// one
        ("http://127.0.0.1:{port}/path", 403),
        ("", 403),
    ],
)
def test_the_admin_api_refuses_other_origins(harness: Harness, origin: str, status: int) -> None:
    """Origin, when present, must be http:// plus the Host of the request (CSRF), else 403."""
    _, port = address(harness.server)
    value = origin.format(port=port, other=port + 1)
    headers = {**ADMIN, "Origin": value}
    got, _, body = send(
        harness.server, "POST", "/_ftjobs/advance", ADVANCE, headers, host=f"127.0.0.1:{port}"
    )
    assert got == status, body
    assert clock(harness) == (T0 + 100 if status == 200 else T0)
    if status == 403:
        assert error_of(body)["param"] == "origin"


def test_the_admin_api_origin_check_reads_a_default_port() -> None:
    """Host without a port and Origin without one both mean port 80."""
    names = _guards.local_names(["127.0.0.1"])
    allowed = {"host": "127.0.0.1", "origin": "http://127.0.0.1:80", "content-type": "application/json"}
    assert _guards.admin_refusal(allowed, names, has_body=True) is None
    assert _guards.admin_refusal({**allowed, "origin": "http://127.0.0.1"}, names, has_body=True) is None


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("application/json", ADVANCE, 200),
        ("application/json; charset=utf-8", ADVANCE, 200),
        ("Application/JSON", ADVANCE, 200),
        ("text/plain", ADVANCE, 415),  # what an HTML form (enctype=text/plain) or a no-preflight fetch sends
        ("application/x-www-form-urlencoded", b"seconds=100", 415),
        ("multipart/form-data; boundary=x", ADVANCE, 415),
        ("application/json-patch+json", ADVANCE, 415),
        ("text/plain", b"", 415),  # a form with nothing in it is still a form
        (None, ADVANCE, 415),  # a body must say what it is
    ],
)
def test_the_admin_api_takes_json_bodies_only(
    harness: Harness, content_type: str | None, body: bytes, status: int
) -> None:
    """Content-Type must be application/json (parameters allowed) for a body; else 415, nothing changes."""
    headers = {**AUTH, **({"Content-Type": content_type} if content_type is not None else {})}
    got, _, answer = send(harness.server, "POST", "/_ftjobs/advance", body, headers)
    assert got == status, answer
    assert clock(harness) == (T0 + 100 if status == 200 else T0)
    if status == 415:
        assert error_of(answer)["param"] == "content-type"


def test_a_bodiless_admin_request_needs_no_content_type(harness: Harness) -> None:
    """DELETE, GET and a POST without a body (fail takes an optional one) need no Content-Type."""
    assert send(harness.server, "POST", "/_ftjobs/jobs/ftjob-abc/fail", headers=AUTH)[0] == 200
    assert harness.job("ftjob-abc")["status"] == "failed"
    assert send(harness.server, "DELETE", "/_ftjobs/faults", headers=AUTH)[0] == 200


def test_an_absolute_form_target_does_not_reach_the_admin_api(harness: Harness) -> None:
    """``POST http://evil.example/_ftjobs/advance`` is not an admin request that skipped the checks:
    it is routed as the path outside /v1 it is (404)."""
    status, _, _ = send(harness.server, "POST", "http://evil.example/_ftjobs/advance", ADVANCE, ADMIN)
    assert status == 404
    assert clock(harness) == T0
