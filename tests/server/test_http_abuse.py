"""Abuse on the wire: deep JSON, non-finite numbers, bursts of connects, idle and slow clients,
huge paths in the request log, bad admin input, methods no route takes, and bugs in a handler."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ftjobs._server import Server, _http
from ftjobs._server._app import (
    LOG_BYTES,
    LOG_SIZE,
    MAX_JSON_DEPTH,
    MAX_LOGGED_PATH,
    MAX_QUEUED_FAULTS,
    RequestLog,
    json_nesting,
)
from ftjobs._server._store import MAX_TIME

from .conftest import AUTH, T0, Harness, frozen_clock
from .raw import address, error_of, exchange, parse, read_until_closed, request

RETRIEVE = "/v1/fine_tuning/jobs/ftjob-abc123"
#: What a JSON request carries (the admin API refuses a body of any other type).
JSON = {**AUTH, "Content-Type": "application/json"}
BURST = 300


# --- JSON bodies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        (b"1", 0),
        (b"[]", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'["[[[[", "]]]]", "\\"[[["]', 1),  # brackets in strings, escaped quotes
        (b"[" * 1000 + b"]" * 1000, MAX_JSON_DEPTH + 1),  # counted only up to just past the limit
        (b"[]" * 1000, 1),  # many siblings, shallow
    ],
)
def test_json_nesting(text: bytes, depth: int) -> None:
    """Nesting is counted without parsing (no recursion), strings excepted."""
    assert json_nesting(text) == depth


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/fine_tuning/jobs", b"[" * 1000 + b"]" * 1000),
        ("/v1/fine_tuning/jobs", b'{"a":' * 1000 + b"1" + b"}" * 1000),
        ("/_ftjobs/advance", b"[" * 100_000 + b"]" * 100_000),
        ("/_ftjobs/faults", b'{"fault": ' + b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1) + b"}"),
    ],
)
def test_deep_json_is_a_400(harness: Harness, path: str, body: bytes) -> None:
    """A body nested past MAX_JSON_DEPTH answers 400 with a message (never a RecursionError and a
    dropped connection); the server goes on serving."""
    status, _, payload = parse(exchange(harness.server, request("POST", path, body, JSON)))
    assert status == 400
    error = error_of(payload)
    assert f"deeper than {MAX_JSON_DEPTH} levels" in error["message"]
    assert error["code"] == "invalid_json"
    assert harness.api.get("/fine_tuning/jobs/ftjob-abc123").status_code == 200


def test_brackets_inside_strings_are_not_nesting(harness: Harness) -> None:
    """Deep-looking text inside a JSON string is data: the create succeeds."""
    job = harness.create(metadata={"k": "[" * 500, "j": "{" * 500})
    assert job["metadata"]["k"] == "[" * 500


def test_nesting_at_the_limit_is_parsed(harness: Harness) -> None:
    """A body exactly MAX_JSON_DEPTH deep is parsed and judged on its content (an unknown key)."""
    inner = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    body = f'{{"seconds": 1, "deep": {inner}}}'.encode()
    status, _, payload = parse(exchange(harness.server, request("POST", "/_ftjobs/advance", body, JSON)))
    assert status == 400
    assert error_of(payload)["param"] == "deep"


@pytest.mark.parametrize("token", [b"Infinity", b"-Infinity", b"NaN", b"1e999"])
def test_non_finite_numbers_are_refused(harness: Harness, token: bytes) -> None:
    """NaN and Infinity (not JSON) are a 400 naming the field, and do not move the clock."""
    before = harness.admin.get("/health").json()["now"]
    body = b'{"seconds": ' + token + b"}"
    status, _, payload = parse(exchange(harness.server, request("POST", "/_ftjobs/advance", body, JSON)))
    assert status == 400
    error = error_of(payload)
    assert (error["param"], error["code"]) == ("seconds", "invalid_value")
    assert harness.admin.get("/health").json()["now"] == before
    assert harness.create()["created_at"] == int(before)  # creating still works


def test_non_finite_number_deep_in_a_create_names_its_path(harness: Harness) -> None:
    """The param of a non-finite number is its JSON path."""
    body = (
        b'{"model": "m", "training_file": "f", "method": {"type": "dpo",'
        b' "dpo": {"hyperparameters": {"beta": NaN}}}}'
    )
    status, _, payload = parse(exchange(harness.server, request("POST", "/v1/fine_tuning/jobs", body, AUTH)))
    assert status == 400
    assert error_of(payload)["param"] == "method.dpo.hyperparameters.beta"


# --- admin input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"seconds": -1}, "seconds"),
        ({"seconds": "1"}, "seconds"),
        ({"seconds": True}, "seconds"),
        ({"seconds": None}, "seconds"),
        ({}, "seconds"),
        ({"seconds": 1e300}, "seconds"),  # finite, but past the year 9999
        ({"seconds": MAX_TIME}, "seconds"),
        ({"seconds": 1, "minutes": 2}, "minutes"),
    ],
)
def test_advance_validates_its_input(harness: Harness, body: dict[str, Any], param: str) -> None:
    """advance takes one finite, non-negative number that keeps the time representable."""
    before = harness.admin.get("/health").json()["now"]
    response = harness.admin.post("/advance", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
    assert harness.admin.get("/health").json()["now"] == before


def test_advance_up_to_the_end_of_time(harness: Harness) -> None:
    """The largest advance allowed lands on MAX_TIME; jobs still render after it."""
    response = harness.admin.post("/advance", json={"seconds": MAX_TIME - T0})
    assert response.status_code == 200
    assert response.json()["now"] == MAX_TIME
    assert harness.admin.post("/advance", json={"seconds": 1}).status_code == 400
    assert harness.create()["created_at"] == int(MAX_TIME)


def test_server_advance_refuses_a_poisoned_clock() -> None:
    """Server.advance (Python) refuses what the admin route refuses."""
    with Server(clock=frozen_clock) as server:
        for seconds in (float("inf"), float("nan"), -1.0, 1e300):
            with pytest.raises(ValueError, match="seconds"):
                server.advance(seconds)
        assert server.advance(5) == T0 + 5


@pytest.mark.parametrize(
    ("route", "body", "param"),
    [
        ("/faults", {"fault": "503", "time": 2}, "time"),
        ("/faults", {"fault": "503", "path": "x" * (MAX_LOGGED_PATH + 1)}, "path"),
        ("/faults", {"fault": "503", "method": 5}, "method"),
        ("/jobs/ftjob-abc/fail", {"code": "x", "reason": "y"}, "reason"),
    ],
)
def test_admin_bodies_are_checked(harness: Harness, route: str, body: dict[str, Any], param: str) -> None:
    """Unknown admin fields and oversized or mistyped ones are a 400 naming the field."""
    response = harness.admin.post(route, json=body)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
    assert harness.admin.get("/faults").json()["data"] == []
    assert harness.job("ftjob-abc")["status"] == "queued"


def test_fault_queue_is_bounded(harness: Harness) -> None:
    """The admin fault queue holds at most MAX_QUEUED_FAULTS faults; DELETE empties it."""
    for _ in range(MAX_QUEUED_FAULTS):
        assert harness.admin.post("/faults", json={"fault": "503", "path": "/nowhere"}).status_code == 200
    response = harness.admin.post("/faults", json={"fault": "503"})
    assert response.status_code == 400
    assert "queue is full" in response.json()["error"]["message"]
    assert harness.admin.delete("/faults").json()["data"] == []
    assert harness.admin.post("/faults", json={"fault": "503"}).status_code == 200


def test_a_poisoned_clock_in_the_db_is_dropped_on_load(tmp_path: Path) -> None:
    """A stored clock offset that is not finite (written by an older server) is reset on start."""
    import sqlite3

    db = tmp_path / "poisoned.sqlite3"
    with Server(db=db, clock=frozen_clock):
        pass
    for poison in ("inf", "nan", "1e300", "-1e300", "garbage"):
        connection = sqlite3.connect(db)
        with connection:
            connection.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('clock_offset', ?)", (poison,)
            )
        connection.close()
        with Server(db=db, clock=frozen_clock) as server:
            harness = Harness(server)
            assert harness.admin.get("/health").json()["now"] == T0
            assert harness.create()["created_at"] == int(T0)
            harness.close()


# --- connections ---------------------------------------------------------------------------------


def test_a_burst_of_connects_is_answered(harness: Harness) -> None:
    """BURST clients connecting at the same moment are all answered (the listen backlog holds them
    instead of dropping SYNs, which costs >= 1 s retries)."""
    barrier = threading.Barrier(BURST)
    statuses: list[int | str] = [0] * BURST
    slowest = [0.0]
    data = request("GET", RETRIEVE, headers=AUTH)

    def client(index: int) -> None:
        try:
            barrier.wait(timeout=60)
            start = time.monotonic()
            statuses[index] = parse(exchange(harness.server, data, timeout=30))[0]
            slowest[0] = max(slowest[0], time.monotonic() - start)
        except Exception as exc:  # reported by the assertion below
            statuses[index] = repr(exc)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert statuses == [200] * BURST
    print(f"burst: {BURST} connects answered, slowest {slowest[0]:.3f} s")


def wait_for_threads(baseline: int, within: float = 10.0) -> int:
    deadline = time.monotonic() + within
    while threading.active_count() > baseline and time.monotonic() < deadline:
        time.sleep(0.05)
    return threading.active_count()


@pytest.fixture
def quick() -> Iterator[Server]:
    """A server with short idle (0.5 s) and request (1 s) timeouts."""
    with Server(clock=frozen_clock, idle_timeout=0.5, request_timeout=1.0) as server:
        yield server


def test_idle_connection_is_closed_and_frees_its_thread(quick: Server) -> None:
    """A connection that never sends a byte is closed after idle_timeout, silently; its thread ends."""
    baseline = threading.active_count()
    with socket.create_connection(address(quick), timeout=10) as sock:
        start = time.monotonic()
        assert read_until_closed(sock) == b""
        assert time.monotonic() - start >= 0.4
    assert wait_for_threads(baseline) <= baseline


def test_kept_alive_connection_is_closed_when_idle(quick: Server) -> None:
    """After a response, a kept-alive connection waits idle_timeout for the next request, then closes."""
    with socket.create_connection(address(quick), timeout=10) as sock:
        keep = request("GET", RETRIEVE, headers=AUTH).replace(b"Connection: close", b"Connection: keep-alive")
        sock.sendall(keep)
        received = read_until_closed(sock)  # the response, then the close once idle
    status, headers, body = parse(received)
    assert status == 200
    assert "connection" not in headers  # kept alive, not closed after the response
    assert len(body) == int(headers["content-length"])


def test_slow_headers_get_a_408_and_the_connection_ends(quick: Server) -> None:
    """A client trickling its headers is answered 408 within about request_timeout and dropped."""
    baseline = threading.active_count()
    with socket.create_connection(address(quick), timeout=10) as sock:
        sock.sendall(b"GET " + RETRIEVE.encode() + b" HTTP/1.1\r\nX-Slow: ")
        for _ in range(100):  # one byte every 0.1 s: 10 s, far longer than request_timeout
            readable, _, _ = select.select([sock], [], [], 0.1)
            if readable:
                break
            sock.sendall(b"x")
        else:
            pytest.fail("the server never answered the slow client")
        received = read_until_closed(sock)
    status, headers, body = parse(received)
    assert status == 408
    assert headers["connection"] == "close"
    assert error_of(body)["message"] == "The request did not arrive in time."
    assert wait_for_threads(baseline) <= baseline


def test_slow_body_gets_a_408(quick: Server) -> None:
    """A body that stops short of its Content-Length is a 408 once request_timeout has passed."""
    head = request("POST", "/_ftjobs/advance", b'{"seconds": 1}', JSON)
    with socket.create_connection(address(quick), timeout=10) as sock:
        sock.sendall(head[:-4])  # everything but the last bytes of the body
        status, _, body = parse(read_until_closed(sock))
    assert status == 408
    assert error_of(body)["type"] == "invalid_request_error"
    assert (
        json.loads(
            exchange(quick, request("GET", "/_ftjobs/health", headers=AUTH)).partition(b"\r\n\r\n")[2]
        )["now"]
        == T0
    )


def test_timeouts_must_be_positive() -> None:
    """idle_timeout and request_timeout are finite numbers > 0."""
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="idle_timeout"):
            Server(idle_timeout=bad)
        with pytest.raises(ValueError, match="request_timeout"):
            Server(request_timeout=bad)


# --- the request log -----------------------------------------------------------------------------


def test_request_log_cuts_long_paths(harness: Harness) -> None:
    """A 60 KB path is logged cut to MAX_LOGGED_PATH characters and '...'."""
    harness.admin.delete("/requests")
    path = "/v1/fine_tuning/jobs/" + "x" * 60_000
    status, _, _ = parse(exchange(harness.server, request("GET", path, headers=AUTH)))
    assert status == 404
    (entry,) = harness.admin.get("/requests").json()["data"]
    assert entry["path"] == path[:MAX_LOGGED_PATH] + "..."
    assert entry["status"] == 404


def test_request_log_is_bounded_in_bytes_and_entries() -> None:
    """The log never holds more than LOG_BYTES of entries nor LOG_SIZE of them; the newest stay."""
    log = RequestLog()
    long_path = "/v1/" + "p" * 100_000
    for index in range(LOG_SIZE):
        log.add("GET", f"{long_path}{index}", 404, None)
    entries = log.entries()
    assert sum(len(e["path"]) + len(e["method"]) for e in entries) <= LOG_BYTES
    assert 0 < len(entries) < LOG_SIZE
    assert entries[-1]["path"] == long_path[:MAX_LOGGED_PATH] + "..."
    for index in range(LOG_SIZE + 10):
        log.add("GET", f"/v1/{index}", 200, None)
    entries = log.entries()
    assert len(entries) == LOG_SIZE
    assert entries[-1]["path"] == f"/v1/{LOG_SIZE + 9}"
    assert entries[0]["path"] == "/v1/10"


# --- methods -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("TRACE", "/v1/fine_tuning/jobs", "GET, HEAD, POST"),
        ("OPTIONS", "/v1/fine_tuning/jobs/ftjob-abc123", "GET, HEAD"),
        ("TRACE", "/v1/fine_tuning/jobs/ftjob-abc123/cancel", "POST"),
        ("OPTIONS", "/v1/fine_tuning/jobs/ftjob-abc123/events?limit=2", "GET, HEAD"),
        ("TRACE", "/_ftjobs/faults", "DELETE, GET, HEAD, POST"),
        ("OPTIONS", "/_ftjobs/jobs/ftjob-abc123/fail", "POST"),
    ],
)
def test_unserved_methods_are_405_with_allow(harness: Harness, method: str, path: str, allow: str) -> None:
    """TRACE, OPTIONS (and CONNECT) answer 405 with the route's methods in Allow."""
    status, headers, body = parse(exchange(harness.server, request(method, path, headers=AUTH)))
    assert status == 405
    assert headers["allow"] == allow
    assert error_of(body)["type"] == "invalid_request_error"


def test_unserved_method_on_no_route_is_404(harness: Harness) -> None:
    """Without a route there is nothing to allow: the usual 404 Invalid URL."""
    status, _, body = parse(exchange(harness.server, request("TRACE", "/v1/models", headers=AUTH)))
    assert status == 404
    assert error_of(body)["message"] == "Invalid URL (TRACE /v1/models)"


def test_head_is_get_without_a_body(harness: Harness) -> None:
    """HEAD answers like GET (status, Content-Length of the GET body) and sends no body."""
    get_status, get_headers, get_body = parse(
        exchange(harness.server, request("GET", RETRIEVE, headers=AUTH))
    )
    status, headers, body = parse(exchange(harness.server, request("HEAD", RETRIEVE, headers=AUTH)))
    assert (status, body) == (get_status, b"")
    assert headers["content-length"] == get_headers["content-length"] == str(len(get_body))
    assert parse(exchange(harness.server, request("HEAD", RETRIEVE)))[0] == 401
    assert parse(exchange(harness.server, request("HEAD", "/_ftjobs/health", headers=AUTH)))[0] == 200


# --- bugs ----------------------------------------------------------------------------------------


def test_an_unexpected_exception_is_a_500_in_the_error_shape(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever a handler raises, the client gets a JSON 500 and the server keeps serving."""
    app = harness.server._app
    assert app is not None

    def broken(job_id: str) -> dict[str, Any]:
        raise RuntimeError("a bug")

    monkeypatch.setattr(app.store, "get", broken)
    response = harness.api.get("/fine_tuning/jobs/ftjob-abc123")
    assert response.status_code == 500
    assert response.json()["error"]["type"] == "server_error"
    assert "a bug" not in response.text  # internals stay in the server's stderr
    monkeypatch.undo()
    assert harness.api.get("/fine_tuning/jobs/ftjob-abc123").status_code == 200


def test_connections_over_the_cap_wait_for_a_free_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past max_connections the server stops accepting: the next client waits in the backlog and is
    served as soon as a connection ends (no thread per connection beyond the cap)."""
    monkeypatch.setattr(_http._HTTPServer, "max_connections", 2)
    with Server(clock=frozen_clock) as server:
        httpd = server._httpd
        assert httpd is not None
        idle = [socket.create_connection(address(server), timeout=10) for _ in range(2)]
        try:
            deadline = time.monotonic() + 10
            while len(httpd._connections) < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert len(httpd._connections) == 2
            answers: list[int] = []
            waiting = threading.Thread(
                target=lambda: answers.append(
                    parse(exchange(server, request("GET", "/_ftjobs/health", headers=AUTH)))[0]
                )
            )
            waiting.start()
            waiting.join(0.5)
            assert answers == []  # held back: both slots are taken
            idle.pop().close()
            waiting.join(10)
            assert answers == [200]
        finally:
            for sock in idle:
                sock.close()


def test_fault_rates_must_be_probabilities() -> None:
    """A NaN, negative or > 1 fault rate is refused when the server is configured."""
    for rate in (float("nan"), -0.1, 1.5):
        with pytest.raises(ValueError, match="fault rates"):
            Server(fault_rates={"503": rate})


def test_stderr_log_lines_are_cut(capsys: pytest.CaptureFixture[str]) -> None:
    """The per-request stderr line of a 60 KB request line is cut, like the request log."""
    with Server(clock=frozen_clock, log_requests=True) as server:
        path = "/v1/fine_tuning/jobs/" + "y" * 60_000
        assert parse(exchange(server, request("GET", path, headers=AUTH)))[0] == 404
    lines = [line for line in capsys.readouterr().err.splitlines() if "yyyy" in line]
    assert lines
    assert all(len(line) < 2300 and line.endswith("...") for line in lines)


def test_an_exception_on_the_wire_is_a_500_too(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug outside App.handle (here: choosing a fault) still answers a JSON 500 and closes."""
    app = harness.server._app
    assert app is not None

    def broken(method: str, path: str, header: str | None) -> None:
        raise RuntimeError("a wire bug")

    monkeypatch.setattr(app, "choose_fault", broken)
    status, headers, body = parse(exchange(harness.server, request("GET", RETRIEVE, headers=AUTH)))
    assert (status, headers["connection"]) == (500, "close")
    assert error_of(body)["type"] == "server_error"
    monkeypatch.undo()
    assert harness.api.get("/fine_tuning/jobs/ftjob-abc123").status_code == 200


def test_run_takes_the_timeouts() -> None:
    """run() (ftjobs serve) passes its timeouts to the configuration, which checks them first."""
    from ftjobs._server import run

    with pytest.raises(ValueError, match="idle_timeout"):
        run(port=0, idle_timeout=0.0, announce=pytest.fail)
    with pytest.raises(ValueError, match="request_timeout"):
        run(port=0, request_timeout=float("nan"), announce=pytest.fail)
