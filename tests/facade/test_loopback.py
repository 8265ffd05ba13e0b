"""Against real sockets on 127.0.0.1: refused connections, a server that never answers, resets."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

import ftjobs


@pytest.fixture
def silent_server() -> Iterator[tuple[str, list[int]]]:
    """Accepts connections and reads, never answers; counts connections."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.1)
    accepted: list[int] = []
    stop = threading.Event()
    conns: list[socket.socket] = []

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            accepted.append(1)
            conns.append(conn)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/v1", accepted
    stop.set()
    thread.join()
    for conn in conns:
        conn.close()
    sock.close()


def test_server_that_never_answers_times_out_within_budget(silent_server: tuple[str, list[int]]) -> None:
    """A hung server ends in APITimeoutError after max_retries + 1 attempts, within the time budget."""
    url, accepted = silent_server
    client = ftjobs.Client(
        api_key="k", base_url=url, timeout=0.2, retry=ftjobs.RetryPolicy(max_retries=1, initial_delay=0.01)
    )
    started = time.monotonic()
    with pytest.raises(ftjobs.APITimeoutError):
        client.jobs.retrieve("ftjob-abc123")
    assert time.monotonic() - started < 2.0
    assert len(accepted) == 2


def test_refused_connection() -> None:
    """Nothing listening: APIConnectionError, not an httpx exception."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    client = ftjobs.Client(
        api_key="k",
        base_url=f"http://127.0.0.1:{port}/v1",
        retry=ftjobs.RetryPolicy(max_retries=1, initial_delay=0.0),
    )
    with pytest.raises(ftjobs.APIConnectionError) as info:
        client.jobs.retrieve("ftjob-abc123")
    assert not isinstance(info.value, ftjobs.APITimeoutError)
