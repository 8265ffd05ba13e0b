"""The transport layer's own rules: the attempt's deadline, lower errors cleaned, the idle pool bound."""

from __future__ import annotations

from typing import Any

import httpcore2
import httpx2
import pytest

from ftjobs import _wire
from ftjobs._wire import (
    DEADLINE,
    CorePath,
    DirectPath,
    TransportPath,
    clean_cause,
    install_deadline,
    map_core_error,
    path_for,
    time_left,
)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """time.monotonic as the _wire module reads it, fixed at clock['now']."""
    clock = {"now": 100.0}
    monkeypatch.setattr(_wire.time, "monotonic", lambda: clock["now"])
    return clock


def _with_deadline(deadline: float | None, timeout: float | None, kind: str = "read") -> float | None:
    token = DEADLINE.set(deadline)
    try:
        return time_left(timeout, kind)
    finally:
        DEADLINE.reset(token)


def test_without_a_deadline_a_timeout_is_kept(frozen: dict[str, float]) -> None:
    """No attempt deadline: each operation keeps its own timeout (None included)."""
    assert _with_deadline(None, 5.0) == 5.0
    assert _with_deadline(None, None) is None


def test_an_operation_gets_the_smaller_of_its_timeout_and_the_time_left(frozen: dict[str, float]) -> None:
    """7 s left: a 30 s read gets 7 s, a 2 s read keeps 2 s, an unbounded read gets 7 s."""
    assert _with_deadline(107.0, 30.0) == 7.0
    assert _with_deadline(107.0, 2.0) == 2.0
    assert _with_deadline(107.0, None) == 7.0


@pytest.mark.parametrize("left", [0.0, -3.0])
def test_no_time_left_is_a_timeout_of_the_operations_kind(frozen: dict[str, float], left: float) -> None:
    """Nothing left (exactly zero too): a connect raises ConnectTimeout, anything else ReadTimeout."""
    with pytest.raises(httpcore2.ConnectTimeout):
        _with_deadline(100.0 + left, 5.0, "connect")
    with pytest.raises(httpcore2.ReadTimeout):
        _with_deadline(100.0 + left, 5.0, "read")
    with pytest.raises(httpcore2.ReadTimeout):
        _with_deadline(100.0 + left, None, "write")


def test_the_deadline_backend_is_installed_once() -> None:
    """A pool's network backend is wrapped by the deadline backend, and only once however often asked."""
    for is_async, pool in ((False, httpcore2.ConnectionPool()), (True, httpcore2.AsyncConnectionPool())):
        original = pool._network_backend
        install_deadline(pool, is_async=is_async)
        wrapped = pool._network_backend
        assert wrapped is not original
        install_deadline(pool, is_async=is_async)
        assert pool._network_backend is wrapped


def test_a_lower_error_becomes_the_httpx2_error_of_its_name() -> None:
    """httpcore2 errors map to httpx2's class of the same name, message kept; others to None."""
    mapped = map_core_error(httpcore2.ReadTimeout("slow peer"))
    assert type(mapped) is httpx2.ReadTimeout and str(mapped) == "slow peer"
    assert type(map_core_error(httpcore2.ConnectError(""))) is httpx2.ConnectError
    assert str(map_core_error(httpcore2.ConnectError(""))) == "ConnectError"
    assert map_core_error(ValueError("not a transport error")) is None


def test_a_cleaned_cause_drops_an_inner_httpx2_error_and_keeps_a_socket_error() -> None:
    """clean_cause: same type, redacted message; an inner httpx2 error (it holds the request) is
    dropped, a socket error kept."""
    request = httpx2.Request("GET", "http://api.test/v1", headers={"Authorization": "Bearer sk-secret-1"})
    outer = httpx2.ConnectError("refused sk-secret-1", request=request)
    outer.__cause__ = httpx2.ReadError("inner", request=request)
    clean = clean_cause(outer, lambda text: text.replace("sk-secret-1", "***"))
    assert type(clean) is httpx2.ConnectError and str(clean) == "refused ***"
    assert clean.__cause__ is None and clean.__suppress_context__
    outer.__cause__ = OSError(111, "Connection refused")
    assert clean_cause(outer, str).__cause__ is outer.__cause__


class _Connection:
    def __init__(self, idle: bool = True, expired: bool = False) -> None:
        self.idle, self.expired, self.closed = idle, expired, False

    def is_idle(self) -> bool:
        return self.idle

    def has_expired(self) -> bool:
        return self.expired

    def close(self) -> None:
        self.closed = True


class _Pool:
    def __init__(self) -> None:
        self.created: list[Any] = []

    def create_connection(self, origin: Any) -> _Connection:
        connection = _Connection()
        self.created.append(connection)
        return connection


def test_the_direct_path_keeps_16_idle_connections_at_most() -> None:
    """Connections given back beyond 16 idle ones are closed, not kept."""
    path = DirectPath(_Pool(), (b"http", b"api.test", None))
    connections = [_Connection() for _ in range(18)]
    for connection in connections:
        path._checkin(connection)
    assert [c.closed for c in connections] == [False] * 16 + [True] * 2
    busy = _Connection(idle=False)
    path._checkin(busy)
    assert busy.closed
    path.close()
    assert all(c.closed for c in connections)


def test_the_direct_path_reuses_only_live_idle_connections() -> None:
    """An expired or busy idle connection is closed and skipped; with none left, a new one is made."""
    pool = _Pool()
    path = DirectPath(pool, (b"http", b"api.test", None))
    live, expired, busy = _Connection(), _Connection(expired=True), _Connection(idle=False)
    path._idle = [live, expired, busy]
    request = httpcore2.Request("GET", "http://api.test/v1")
    assert path._checkout(request) == (live, True)
    assert busy.closed and expired.closed and not live.closed
    fresh, reused = path._checkout(request)
    assert pool.created == [fresh] and reused is False


def test_only_a_sync_client_the_engine_made_is_driven_directly() -> None:
    """path_for: the engine's own sync client gets the direct path (its idle list); a user's client, or
    an async one, goes through the pool (their limits kept); hooks or a custom transport, the transport."""
    url = "http://api.test/v1"
    with httpx2.Client() as own, httpx2.Client() as users:
        assert type(path_for(own, url, owned=True)) is DirectPath
        assert type(path_for(users, url, owned=False)) is CorePath
    hooked = httpx2.Client(event_hooks={"request": [lambda r: None]})
    assert type(path_for(hooked, url, owned=True)) is TransportPath
    mocked = httpx2.Client(transport=httpx2.MockTransport(lambda r: httpx2.Response(200)))
    assert type(path_for(mocked, url, owned=True)) is TransportPath
    assert type(path_for(httpx2.AsyncClient(), url, owned=True)) is CorePath
