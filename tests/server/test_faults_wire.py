"""Each fault SPEC on the wire, against a real server: header, queue and rate injection."""

from __future__ import annotations

import json
import socket
import threading
import time

import httpx2
import pytest

from ftjobs.testing import admin_url, serve

from .conftest import AUTH, Harness

RETRIEVE = "/fine_tuning/jobs/ftjob-abc123"


def raw_request(harness: Harness, fault: str, path: str = "/v1" + RETRIEVE) -> socket.socket:
    host, port = harness.server.root_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {AUTH['Authorization']}\r\n"
        f"x-ftjobs-fault: {fault}\r\n\r\n"
    )
    sock.sendall(request.encode())
    return sock


def read_all(sock: socket.socket) -> tuple[bytes, BaseException | None]:
    """Everything the server sent until EOF, and the error that ended the read, if any."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except OSError as exc:
        return received, exc
    finally:
        sock.close()
    return received, None


def job_count(harness: Harness) -> int:
    return len(harness.api.get("/fine_tuning/jobs", params={"limit": 100}).json()["data"])


@pytest.mark.parametrize(
    ("spec", "status", "retry_after", "retry_after_ms", "type_"),
    [
        ("429", 429, "1", None, "rate_limit_error"),
        ("429;retry-after=3", 429, "3", None, "rate_limit_error"),
        ("retry-after=5", 429, "5", None, "rate_limit_error"),
        ("retry-after-ms=250", 429, None, "250", "rate_limit_error"),
        ("500", 500, None, None, "server_error"),
        ("502", 502, None, None, "server_error"),
        ("503", 503, None, None, "server_error"),
        ("503;retry-after=2", 503, "2", None, "server_error"),
    ],
)
def test_status_faults(
    harness: Harness, spec: str, status: int, retry_after: str | None, retry_after_ms: str | None, type_: str
) -> None:
    """Status faults answer in the OpenAI error shape with their retry headers, and create nothing."""
    before = job_count(harness)
    response = harness.api.post(
        "/fine_tuning/jobs", json={"model": "m", "training_file": "f"}, headers={"x-ftjobs-fault": spec}
    )
    assert response.status_code == status
    assert response.headers.get("retry-after") == retry_after
    assert response.headers.get("retry-after-ms") == retry_after_ms
    assert response.headers["x-request-id"].startswith("req_")
    assert response.json()["error"]["type"] == type_
    assert job_count(harness) == before


def test_delay_then_normal_answer(harness: Harness) -> None:
    """delay=S waits S seconds, then answers normally."""
    started = time.monotonic()
    response = harness.api.get(RETRIEVE, headers={"x-ftjobs-fault": "delay=0.3"})
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200
    assert response.json()["id"] == "ftjob-abc123"


def test_reset_is_a_connection_error(harness: Harness) -> None:
    """reset: httpx sees the connection die before any response byte."""
    with pytest.raises((httpx2.ReadError, httpx2.RemoteProtocolError)):
        harness.api.get(RETRIEVE, headers={"x-ftjobs-fault": "reset"})
    assert harness.api.get(RETRIEVE).status_code == 200  # the server is fine afterwards


def test_reset_sends_a_real_rst(harness: Harness) -> None:
    """reset closes with SO_LINGER 0: the peer gets ECONNRESET, not an orderly EOF."""
    received, error = read_all(raw_request(harness, "reset"))
    assert received == b""
    assert isinstance(error, ConnectionResetError)


def test_reset_body(harness: Harness) -> None:
    """reset-body: headers and part of the body arrive, then a RST; the request took effect."""
    before = job_count(harness)
    with pytest.raises((httpx2.ReadError, httpx2.RemoteProtocolError)):
        harness.api.post(
            "/fine_tuning/jobs",
            json={"model": "m", "training_file": "f"},
            headers={"x-ftjobs-fault": "reset-body"},
        )
    assert job_count(harness) == before + 1
    received, error = read_all(raw_request(harness, "reset-body"))
    assert isinstance(error, ConnectionResetError)
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")


def test_truncate(harness: Harness) -> None:
    """truncate: full Content-Length announced, half the body sent, then an orderly close."""
    with pytest.raises(httpx2.RemoteProtocolError):
        harness.api.get(RETRIEVE, headers={"x-ftjobs-fault": "truncate"})
    received, error = read_all(raw_request(harness, "truncate"))
    assert error is None
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(
        next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")).split(b":")[
            1
        ]
    )
    assert 0 < len(body) < length
    assert len(body) == length // 2


def test_non_json(harness: Harness) -> None:
    """non-json: a 200 whose text/plain body does not parse as JSON."""
    response = harness.api.get(RETRIEVE, headers={"x-ftjobs-fault": "non-json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain"
    with pytest.raises(ValueError):
        response.json()


@pytest.mark.parametrize(("spec", "status"), [("html", 200), ("html=502", 502), ("html=504", 504)])
def test_html(harness: Harness, spec: str, status: int) -> None:
    """html: an HTML error page, 200 or the given status."""
    response = harness.api.get(RETRIEVE, headers={"x-ftjobs-fault": spec})
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html"
    assert response.text.startswith("<html>")


def test_wrong_type(harness: Harness) -> None:
    """wrong-type: valid JSON that is not a job (a list)."""
    response = harness.api.get(RETRIEVE, headers={"x-ftjobs-fault": "wrong-type"})
    assert response.status_code == 200
    assert isinstance(response.json(), list)


def test_empty(harness: Harness) -> None:
    """empty: a 200 with no body at all."""
    response = harness.api.get(RETRIEVE, headers={"x-ftjobs-fault": "empty"})
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == "0"


def test_hang_times_out_and_stop_is_prompt() -> None:
    """hang: the client times out; stopping the server ends the hanging connection at once."""
    with serve() as url:
        with pytest.raises(httpx2.ReadTimeout):
            httpx2.get(url + RETRIEVE, headers={**AUTH, "x-ftjobs-fault": "hang"}, timeout=0.3)
        started = time.monotonic()
    assert time.monotonic() - started < 2


def test_bad_fault_header_is_400(harness: Harness) -> None:
    """An unparsable x-ftjobs-fault header is a 400 naming the header."""
    response = harness.api.get(RETRIEVE, headers={"x-ftjobs-fault": "teapot"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "x-ftjobs-fault"


def test_queued_faults_in_order(harness: Harness) -> None:
    """POST /_ftjobs/faults queues faults consumed in order by matching requests; the log shows them."""
    job_id = harness.create()["id"]
    harness.admin.delete("/requests")
    assert (
        harness.admin.post("/faults", json={"fault": "503", "times": 2, "path": "/cancel"}).status_code == 200
    )
    harness.admin.post("/faults", json={"fault": "429", "method": "GET"})
    assert harness.admin.get("/faults").json()["data"] == [
        {"fault": "503", "times": 2, "path": "/cancel", "method": None},
        {"fault": "429", "times": 1, "path": None, "method": "GET"},
    ]
    assert harness.api.get(f"/fine_tuning/jobs/{job_id}").status_code == 429
    statuses = [harness.api.post(f"/fine_tuning/jobs/{job_id}/cancel").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert harness.admin.get("/faults").json()["data"] == []
    log = harness.admin.get("/requests").json()["data"]
    assert [(e["method"], e["status"], e["fault"]) for e in log] == [
        ("GET", 429, "429"),
        ("POST", 503, "503"),
        ("POST", 503, "503"),
        ("POST", 200, None),
    ]
    harness.admin.post("/faults", json={"fault": "500", "times": 5})
    assert harness.admin.delete("/faults").json()["data"] == []
    assert harness.api.get(f"/fine_tuning/jobs/{job_id}").status_code == 200


def test_reset_and_hang_are_logged_without_status(harness: Harness) -> None:
    """Faults that send no status are logged with status null."""
    harness.admin.delete("/requests")
    harness.admin.post("/faults", json={"fault": "reset"})
    with pytest.raises(httpx2.TransportError):
        harness.api.get(RETRIEVE)
    assert harness.admin.get("/requests").json()["data"] == [
        {"method": "GET", "path": "/v1" + RETRIEVE, "status": None, "fault": "reset"}
    ]


def rate_statuses(seed: int) -> list[int]:
    with serve(fault_rates={"503": 0.5}, fault_seed=seed) as url, httpx2.Client(headers=AUTH) as client:
        statuses = [client.get(url + RETRIEVE).status_code for _ in range(40)]
        assert client.get(admin_url(url, "health")).status_code == 200  # the admin API never faults
        return statuses


def test_fault_rates_are_seeded() -> None:
    """fault_rates injects faults at about the rate, identically for the same seed."""
    first = rate_statuses(seed=3)
    assert set(first) == {200, 503}
    assert 8 < first.count(503) < 32
    assert rate_statuses(seed=3) == first


def test_hang_frees_its_thread_when_the_client_leaves(harness: Harness) -> None:
    """A hung request whose client gives up does not hold a server thread until shutdown."""
    baseline = threading.active_count()
    with pytest.raises(httpx2.ReadTimeout):
        httpx2.get(harness.server.url + RETRIEVE, headers={**AUTH, "x-ftjobs-fault": "hang"}, timeout=0.2)
    deadline = time.monotonic() + 3
    while threading.active_count() > baseline and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= baseline


@pytest.mark.parametrize(
    ("request_line", "status"),
    [
        (b"BREW /v1/fine_tuning/jobs HTTP/1.1", 405),  # a method no route takes (test_guards: Allow)
        (b"BR(W /v1/fine_tuning/jobs HTTP/1.1", 400),  # not a method name (token) at all
        (b"GARBAGE", 400),
        (b"GET /v1 HTTP/9.9", 505),
    ],
)
def test_protocol_errors_use_the_api_error_shape(harness: Harness, request_line: bytes, status: int) -> None:
    """Errors raised by http.server itself are JSON in the OpenAI shape, with a request id."""
    host, port = harness.server.root_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request_line + b"\r\nHost: x\r\n\r\n")
        received, _ = read_all(sock)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == str(status).encode()
    assert b"x-request-id: req_" in head
    assert json.loads(body)["error"]["type"] == "invalid_request_error"


def test_faults_apply_to_v1_only(harness: Harness) -> None:
    """Neither the admin API nor paths outside /v1 are faulted; they are still answered."""
    fault = {"x-ftjobs-fault": "503"}
    assert harness.admin.get("/health", headers=fault).status_code == 200
    assert harness.api.get(harness.server.root_url + "/elsewhere", headers=fault).status_code == 404
