"""Each assumption the engine makes about httpx2/httpcore2/h11 internals, pinned one per test: the
day a release moves one, this file fails in CI (which runs it at both ends of the declared range,
``make test-deps``) instead of users meeting it. The engine's code names this file where it relies
on them (``facade/ftjobs/_wire.py``)."""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import subprocess
import sys
from typing import Any

import h11
import httpcore2
import httpx2
import pytest

import ftjobs
from ftjobs import _preload, _wire

from .test_engine_field import KeepAlive, _smuggling, job_bytes


def _get(url: str) -> httpcore2.Request:
    return httpcore2.Request("GET", url, headers=[(b"Host", httpx2.URL(url).netloc)])


def _pool(client: httpx2.Client | httpx2.AsyncClient, url: str) -> Any:
    transport = client._transport_for_url(httpx2.URL(url))
    assert type(transport) in (httpx2.HTTPTransport, httpx2.AsyncHTTPTransport)
    return transport._pool


def test_a_client_finds_its_transport_and_the_transport_holds_an_httpcore2_pool() -> None:
    """``Client._transport_for_url(URL)`` and ``HTTPTransport._pool`` (the engine drives the pool)."""
    with httpx2.Client() as client:
        pool = _pool(client, "http://127.0.0.1:1/v1")
        assert isinstance(pool, httpcore2.ConnectionPool)
        assert isinstance(pool._network_backend, httpcore2.NetworkBackend)  # wrapped for the deadline


def test_the_pool_keeps_its_connections_requests_and_lock_in_these_attributes() -> None:
    """``_connections``, ``_requests`` (lists) and ``_optional_thread_lock``: what a fork child
    empties and replaces (``_wire.forget_pool``)."""
    for pool in (httpcore2.ConnectionPool(), httpcore2.AsyncConnectionPool()):
        assert pool._connections == []
        assert pool._requests == []
        lock = pool._optional_thread_lock
        assert type(lock)() is not lock  # constructible with no argument
        _wire.forget_pool(pool)
        assert pool._connections == [] and type(pool._optional_thread_lock) is type(lock)


def test_a_pool_response_stream_leads_to_its_http11_connection() -> None:
    """``PoolByteStream._stream`` -> ``HTTP11ConnectionByteStream._connection`` -> an
    ``HTTP11Connection`` with ``_h11_state`` (an h11.Connection) and ``_network_stream``."""
    with KeepAlive(_smuggling) as server, httpx2.Client() as client:
        pool = _pool(client, server.url)
        response = pool.handle_request(_get(server.url + "/fine_tuning/jobs/ftjob-a"))
        assert response.read() == job_bytes("ftjob-a")
        connection = _wire.connection_of(response.stream)
        assert connection is not None
        assert isinstance(connection._h11_state, h11.Connection)
        assert connection._network_stream.get_extra_info("is_readable") is False
        assert _wire.has_leftover(connection) is False
        response.close()
        assert [c._connection for c in pool._connections] == [connection]


def test_an_async_pool_response_stream_leads_to_its_http11_connection() -> None:
    """The same path in the async pool, and ``is_readable`` on an anyio stream."""

    async def run(url: str) -> None:
        async with httpx2.AsyncClient() as client:
            pool = _pool(client, url)
            request = _get(url + "/fine_tuning/jobs/ftjob-a")
            response = await pool.handle_async_request(request)
            assert await response.aread() == job_bytes("ftjob-a")
            connection = _wire.connection_of(response.stream)
            assert isinstance(connection._h11_state, h11.Connection)
            assert connection._network_stream.get_extra_info("is_readable") is False
            await response.aclose()

    with KeepAlive(_smuggling) as server:
        asyncio.run(run(server.url))


def test_h11_keeps_bytes_past_a_message_as_trailing_data_and_send_failed_closes_on_response_close() -> None:
    """h11 holds what it received past the response (``trailing_data``); an ``our_state`` of ERROR
    (``send_failed()``) makes httpcore2 close the connection when the response closes, instead of
    starting the next cycle (``HTTP11Connection._response_closed``)."""
    with KeepAlive(_smuggling) as server, httpx2.Client() as client:
        pool = _pool(client, server.url)
        response = pool.handle_request(_get(server.url + "/fine_tuning/jobs/ftjob-extra"))
        response.read()
        connection = _wire.connection_of(response.stream)
        assert connection._h11_state.trailing_data[0].startswith(b"HTTP/1.1 200")
        assert _wire.has_leftover(connection) is True
        _wire.condemn(connection)
        assert connection._h11_state.our_state is h11.ERROR
        response.close()
        assert connection.is_closed()
        assert pool._connections == []


def test_a_pooled_connection_wraps_its_http11_connection_and_is_made_by_create_connection() -> None:
    """``ConnectionPool.create_connection(origin)`` (DirectPath's connections), ``HTTPConnection
    ._connection`` set once connected, ``is_idle()``, ``has_expired()``, ``handle_request``."""
    with KeepAlive(_smuggling) as server, httpx2.Client() as client:
        pool = _pool(client, server.url)
        request = _get(server.url + "/fine_tuning/jobs/ftjob-a")
        connection = pool.create_connection(request.url.origin)
        assert isinstance(connection, httpcore2.HTTPConnection)
        response = connection.handle_request(request)
        response.read()
        response.close()
        assert connection.is_idle() and not connection.has_expired()
        assert isinstance(connection._connection._h11_state, h11.Connection)
        connection.close()


def test_httpcore2_names_connection_not_available() -> None:
    """``httpcore2.ConnectionNotAvailable``: what a connection raises when it finds the server gone
    before sending (2.17); the engine sends again on a fresh connection."""
    assert issubclass(httpcore2.ConnectionNotAvailable, Exception)
    assert _wire.map_core_error(httpcore2.ConnectionNotAvailable()) is not None


def test_httpcore2_exceptions_the_engine_maps_by_name_exist_in_httpx2() -> None:
    """Errors are translated by class name (``_wire.map_core_error``); the ones users meet most."""
    for name in ("ConnectTimeout", "ReadTimeout", "WriteTimeout", "PoolTimeout", "ConnectError", "ReadError"):
        mapped = _wire.map_core_error(getattr(httpcore2, name)("x"))
        assert type(mapped) is getattr(httpx2, name)


@pytest.mark.parametrize("is_async", [False, True])
def test_os_register_at_fork_is_wired(is_async: bool) -> None:
    """Every path the engine creates is registered for the fork hook (a weak set)."""
    with KeepAlive(_smuggling) as server:
        if is_async:
            client: Any = ftjobs.AsyncClient(api_key="sk-x", base_url=server.url, max_retries=0)
            asyncio.run(client.jobs.retrieve("ftjob-a"))
        else:
            client = ftjobs.Client(api_key="sk-x", base_url=server.url, max_retries=0)
            client.jobs.retrieve("ftjob-a")
        path = client._engine._wire[0]
        assert path in _wire._LIVE


_VERSION_NAMES = """
import json, sys
{setup}
import httpx2
stub = sys.modules["httpx2.__version__"]
print(json.dumps({{
    "module": [stub.__title__, stub.__description__, stub.__version__],
    "package": [httpx2.__title__, httpx2.__description__, httpx2.__version__],
    "preloaded": stub.__doc__ is not None and "ftjobs._preload" in stub.__doc__,
    "metadata_loaded": "importlib.metadata" in sys.modules,
}}))
"""


def _version_names(setup: str) -> dict[str, Any]:
    code = _VERSION_NAMES.format(setup=setup)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return dict(json.loads(done.stdout))


def test_httpx2_takes_its_version_names_from_its_version_module_which_ftjobs_provides_alike() -> None:
    """``httpx2/__init__`` imports ``__title__``, ``__description__`` and ``__version__`` from the
    submodule ``httpx2.__version__`` (the one importing importlib.metadata): ``ftjobs._preload``
    provides that module first, with the same three values as httpx2's own, and importlib.metadata
    then stays unloaded."""
    own = _version_names("")
    assert own["preloaded"] is False and own["metadata_loaded"] is True
    assert (
        own["module"]
        == own["package"]
        == ["httpx2", _preload.DESCRIPTION, importlib.metadata.version("httpx2")]
    )
    ours = _version_names("import ftjobs")
    assert ours["preloaded"] is True and ours["metadata_loaded"] is False
    assert ours["module"] == ours["package"] == own["package"]


@pytest.mark.parametrize("cls", [httpx2.Client, httpx2.AsyncClient])
def test_a_client_holds_its_pools_in_transport_and_mounts_each_handing_its_ssl_context_on(
    cls: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DeferredTrust (ftjobs._config): ``verify=<SSLContext>`` is used as given (not copied);
    ``Client._transport`` and ``Client._mounts`` (one transport per proxy, or None) hold every pool;
    each pool keeps the context as ``_ssl_context`` and reads it there when it creates a connection
    (the direct one, and the tunnel through an HTTP proxy), so replacing it takes effect for every
    later connection."""
    import ssl

    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    first, second = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client = cls(verify=first)
    pools = [t._pool for t in (client._transport, *client._mounts.values()) if t is not None]
    assert [type(p).__name__.removeprefix("Async") for p in pools] == ["ConnectionPool", "HTTPProxy"]
    assert all(pool._ssl_context is first for pool in pools)
    origin = httpcore2.Origin(b"https", b"127.0.0.1", 443)
    for pool in pools:
        pool._ssl_context = second
        connection = pool.create_connection(origin)
        assert connection._ssl_context is second
