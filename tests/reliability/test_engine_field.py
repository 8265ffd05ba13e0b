"""The engine in the field (issue 21): a connection the server closed is never used, a connection
that carries bytes nobody asked for is closed (the next call reads its own answer), a client used
before ``os.fork()`` shares no connection with the child, and an AsyncClient works in a second
event loop. Sync (the engine's own connections, and a user's httpx2.Client) and async."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import socket
import time
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

import ftjobs
from ftjobs import _wire

from .loopback import JOB, RawServer

Respond = Callable[[str], bytes]


def job_bytes(job_id: str) -> bytes:
    return json.dumps({**JOB, "id": job_id}).encode()


def answer(job_id: str, *, status: int = 200) -> bytes:
    """A keep-alive HTTP/1.1 answer holding the job job_id."""
    body = job_bytes(job_id)
    head = f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def job_of(line: str) -> str:
    """The job id a request line names (``GET /v1/fine_tuning/jobs/ftjob-x HTTP/1.1``), or
    ``ftjob-created`` for a create (``POST /v1/fine_tuning/jobs``)."""
    path = line.split(" ")[1].split("?", maxsplit=1)[0]
    _, _, rest = path.partition("/fine_tuning/jobs/")
    return rest.split("/", maxsplit=1)[0] or "ftjob-created"


class KeepAlive(RawServer):
    """A keep-alive HTTP/1.1 server on 127.0.0.1 (RawServer's listener): each request head (bodies
    by Content-Length) is answered with ``respond(request_line)``; ``log`` holds (connection
    number, request line); ``after[job_id]`` is (delay, bytes) sent after that job's answer."""

    def __init__(self, respond: Respond, *, hang_up: bool = False) -> None:
        super().__init__(lambda conn, line: None)
        self.answer = respond
        #: close each connection after its first answer (keep-alive headers all the same)
        self.hang_up = hang_up
        self.log: list[tuple[int, str]] = []
        self.after: dict[str, tuple[float, bytes]] = {}
        self._numbers = itertools.count(1)

    def connections(self) -> list[int]:
        return [number for number, _ in self.log]

    def __enter__(self) -> KeepAlive:
        super().__enter__()
        return self

    def _serve(self, conn: socket.socket) -> None:
        self._serve_numbered(conn, next(self._numbers))

    def _serve_numbered(self, conn: socket.socket, number: int) -> None:
        with conn:
            conn.settimeout(10)
            data = b""
            try:
                while not self._stop.is_set():
                    while b"\r\n\r\n" not in data:
                        got = conn.recv(65536)
                        if not got:
                            return
                        data += got
                    head, data = data.split(b"\r\n\r\n", 1)
                    lines = head.decode("latin-1").split("\r\n")
                    length = next(
                        (int(h.split(":", 1)[1]) for h in lines if h.lower().startswith("content-length:")), 0
                    )
                    while len(data) < length:
                        data += conn.recv(65536)
                    data = data[length:]
                    self.log.append((number, lines[0]))
                    conn.sendall(self.answer(lines[0]))
                    if self.hang_up:
                        return
                    later = self.after.get(job_of(lines[0]))
                    if later is not None:
                        time.sleep(later[0])
                        conn.sendall(later[1])
            except OSError:
                return


def _smuggling(line: str) -> bytes:
    """Answers every job with itself; ``ftjob-extra`` is followed by a second, unasked-for answer
    in the same write; ``ftjob-nocontent`` is a 204 whose "body" is such an answer."""
    job_id = job_of(line)
    stray = answer("ftjob-smuggled")
    if job_id == "ftjob-extra":
        return answer(job_id) + stray
    if job_id == "ftjob-nocontent":
        return b"HTTP/1.1 204 No Content\r\n\r\n" + stray
    return answer(job_id)


def _sync_client(url: str, kind: str) -> ftjobs.Client:
    if kind == "own-pool":
        return ftjobs.Client(api_key="sk-field", base_url=url, max_retries=0)
    return ftjobs.Client(api_key="sk-field", base_url=url, max_retries=0, http_client=httpx2.Client())


SYNC_KINDS = ["own-pool", "user-http-client"]


@pytest.mark.parametrize("kind", SYNC_KINDS)
@pytest.mark.parametrize("first", ["ftjob-extra", "ftjob-nocontent", "ftjob-late"])
def test_a_connection_with_stray_bytes_is_closed_sync(kind: str, first: str) -> None:
    """After an answer followed by bytes nobody asked for (a second response in the same write, a
    "body" on a 204, or one that arrives 50 ms later), the next call reads its own answer, on a new
    connection."""
    with KeepAlive(_smuggling) as server:
        server.after["ftjob-late"] = (0.05, answer("ftjob-smuggled"))
        with _sync_client(server.url, kind) as client:
            try:
                client.jobs.retrieve(first)
            except ftjobs.ResponseValidationError:
                assert first == "ftjob-nocontent"  # an empty 204 is not a job
            time.sleep(0.15)
            for job_id in ("ftjob-b", "ftjob-c"):
                assert client.jobs.retrieve(job_id).id == job_id
        numbers = server.connections()
        assert numbers[1] != numbers[0]  # the connection that carried stray bytes was not reused
        assert numbers[2] == numbers[1]  # a clean one still is


@pytest.mark.parametrize("first", ["ftjob-extra", "ftjob-nocontent", "ftjob-late"])
def test_a_connection_with_stray_bytes_is_closed_async(first: str) -> None:
    """The async twin: the next call reads its own answer."""

    async def run(url: str) -> list[str]:
        async with ftjobs.AsyncClient(api_key="sk-field", base_url=url, max_retries=0) as client:
            try:
                await client.jobs.retrieve(first)
            except ftjobs.ResponseValidationError:
                assert first == "ftjob-nocontent"
            await asyncio.sleep(0.15)
            return [(await client.jobs.retrieve(j)).id for j in ("ftjob-b", "ftjob-c")]

    with KeepAlive(_smuggling) as server:
        server.after["ftjob-late"] = (0.05, answer("ftjob-smuggled"))
        assert asyncio.run(run(server.url)) == ["ftjob-b", "ftjob-c"]
        numbers = server.connections()
        assert numbers[1] != numbers[0]


def test_a_closed_connection_the_transport_reports_is_sent_again_whatever_the_method(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the engine's own check (as if a release hid the socket's state), httpcore2 finds
    the server gone only when sending (ConnectionNotAvailable, nothing sent): the request goes out
    again on a fresh connection, POST included, once each."""
    monkeypatch.setattr(_wire.DirectPath, "_stale", lambda self, connection: False)
    with KeepAlive(_smuggling, hang_up=True) as server:
        with ftjobs.Client(api_key="sk-field", base_url=server.url, max_retries=0) as client:
            for n in range(4):
                assert client.jobs.retrieve(f"ftjob-{n}").id == f"ftjob-{n}"
                time.sleep(0.05)
                created = client.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc")
                assert created.id is not None
                time.sleep(0.05)
        # every call reached the server exactly once: nothing was sent on a dead connection
        assert len(server.log) == 8
        assert sorted(server.connections()) == list(range(1, 9))


def test_a_connection_not_available_on_a_fresh_connection_is_an_ftjobs_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If even a new connection reports it is not available, the user gets APIConnectionError
    (never httpcore2's own exception)."""
    import httpcore2

    def refuse(self: Any, request: Any) -> Any:
        raise httpcore2.ConnectionNotAvailable()

    monkeypatch.setattr(httpcore2.HTTPConnection, "handle_request", refuse)
    with (
        KeepAlive(_smuggling) as server,
        ftjobs.Client(api_key="sk-field", base_url=server.url, max_retries=0) as client,
        pytest.raises(ftjobs.APIConnectionError),
    ):
        client.jobs.retrieve("ftjob-a")


# --- fork ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", SYNC_KINDS)
def test_a_client_used_before_fork_shares_no_connection_with_the_child(kind: str) -> None:
    """Parent and child each read their own answers; the child opens its own connection (the
    parent's idle one is not the child's to use)."""
    with KeepAlive(_smuggling) as server:
        client = _sync_client(server.url, kind)
        assert client.jobs.retrieve("ftjob-before").id == "ftjob-before"
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report what it got, then leave at once
            code = 1
            try:
                got = [client.jobs.retrieve(f"ftjob-child{n}").id for n in range(3)]
                os.write(write, json.dumps(got).encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        parent = [client.jobs.retrieve(f"ftjob-parent{n}").id for n in range(3)]
        _, status = os.waitpid(pid, 0)
        child = json.loads(os.read(read, 4096) or b"null")
        os.close(read)
        client.close()
        assert os.waitstatus_to_exitcode(status) == 0
        assert parent == [f"ftjob-parent{n}" for n in range(3)]
        assert child == [f"ftjob-child{n}" for n in range(3)]
        first = server.log[0][0]
        child_connections = {n for n, line in server.log if "child" in line}
        assert first not in child_connections


# --- event loops ---------------------------------------------------------------------------------


def test_an_async_client_works_in_a_second_event_loop() -> None:
    """asyncio.run() twice with one AsyncClient (notebooks, scripts, test suites): both work, and
    a with_options() copy too."""
    with KeepAlive(_smuggling) as server:
        client = ftjobs.AsyncClient(api_key="sk-field", base_url=server.url, max_retries=0)
        copy = client.with_options(timeout=30)

        async def one(job_id: str) -> tuple[str | None, str | None]:
            return (await client.jobs.retrieve(job_id)).id, (await copy.jobs.retrieve(job_id)).id

        assert asyncio.run(one("ftjob-first")) == ("ftjob-first", "ftjob-first")
        assert asyncio.run(one("ftjob-second")) == ("ftjob-second", "ftjob-second")
        assert asyncio.run(one("ftjob-third")) == ("ftjob-third", "ftjob-third")
        asyncio.run(client.close())


def test_a_user_async_http_client_in_a_second_event_loop_is_one_clear_error() -> None:
    """With the user's own httpx2.AsyncClient (its connections are the first loop's), the second
    loop gets an APIConnectionError saying why, not "Event loop is closed"."""
    with KeepAlive(_smuggling) as server:
        client = ftjobs.AsyncClient(
            api_key="sk-field", base_url=server.url, max_retries=0, http_client=httpx2.AsyncClient()
        )
        assert asyncio.run(client.jobs.retrieve("ftjob-first")).id == "ftjob-first"
        with pytest.raises(ftjobs.APIConnectionError, match="another event loop"):
            asyncio.run(client.jobs.retrieve("ftjob-second"))
