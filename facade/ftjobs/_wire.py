"""The wire under the engine: one exchange on a transport, a total deadline, lower errors mapped.

The engine never goes through ``httpx2.Client.send``: it takes the client's transport for the base
URL and drives it directly, so that the client's ``follow_redirects``, its decoders and its hooks
on the hot path never run (the engine does redirects, retries, timeouts and size caps itself).

Two ways to drive a transport:

- :class:`CorePath`: the transport is a plain ``httpx2.HTTPTransport``/``AsyncHTTPTransport``
  (the default, or the one inside a user's client); its httpcore2 connection pool is driven
  directly with httpcore2 requests (no httpx2 Request/Response objects at all).
- :class:`TransportPath`: any other transport (``MockTransport``, a custom one), or a client with
  event hooks: ``transport.handle_request(httpx2.Request)``, raw stream, hooks called as
  ``httpx2.Client.send`` would.

**Total deadline.** httpcore2's timeouts are per socket operation: a server that drips one byte
every 0.5 s never trips a 2 s read timeout. :class:`DeadlineBackend` wraps the pool's network
backend so that every connect, TLS handshake, read and write gets ``min(its timeout, time left)``,
the time left coming from :data:`DEADLINE` (a context variable the engine sets for one attempt;
unset, the wrapper changes nothing, so a user's client keeps its behaviour outside ftjobs calls).
A transport we cannot wrap is still checked between body chunks.
"""

from __future__ import annotations

import contextvars
import os
import threading
import time
import weakref
from collections.abc import AsyncIterable, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import httpx2

if TYPE_CHECKING:
    import httpcore2

    from ._http import Outgoing

#: The monotonic time at which the current attempt must be over; None: no total limit.
DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("ftjobs_deadline", default=None)

RawHeaders = list[tuple[bytes, bytes]]
Timeouts = dict[str, float | None]


class DeadlineExceeded(httpx2.ReadTimeout):
    """The attempt's total time limit passed (raised between body chunks)."""


def time_left(timeout: float | None, kind: str = "read") -> float | None:
    """timeout bounded by what is left of the current attempt; a timeout error if nothing is."""
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        import httpcore2

        error = httpcore2.ConnectTimeout if kind == "connect" else httpcore2.ReadTimeout
        raise error("the request's total time limit was reached")
    return left if timeout is None or left < timeout else timeout


# --- deadline-aware network backends (httpcore2's extension point) -------------------------------


def _sync_backend_types() -> tuple[type[Any], type[Any]]:
    import httpcore2

    class DeadlineStream(httpcore2.NetworkStream):
        def __init__(self, inner: httpcore2.NetworkStream) -> None:
            self._inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._inner.read(max_bytes, time_left(timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._inner.write(buffer, time_left(timeout))

        def close(self) -> None:
            self._inner.close()

        def start_tls(
            self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
        ) -> httpcore2.NetworkStream:
            inner = self._inner.start_tls(ssl_context, server_hostname, time_left(timeout, "connect"))
            return DeadlineStream(inner)

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class DeadlineBackend(httpcore2.NetworkBackend):
        def __init__(self, inner: httpcore2.NetworkBackend) -> None:
            self.inner = inner

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> httpcore2.NetworkStream:
            bounded = time_left(timeout, "connect")
            return DeadlineStream(self.inner.connect_tcp(host, port, bounded, local_address, socket_options))

        def connect_unix_socket(
            self, path: str, timeout: float | None = None, socket_options: Any = None
        ) -> httpcore2.NetworkStream:
            bounded = time_left(timeout, "connect")
            return DeadlineStream(self.inner.connect_unix_socket(path, bounded, socket_options))

        def sleep(self, seconds: float) -> None:
            self.inner.sleep(seconds)

    return DeadlineStream, DeadlineBackend


def _async_backend_types() -> tuple[type[Any], type[Any]]:
    import httpcore2

    class AsyncDeadlineStream(httpcore2.AsyncNetworkStream):
        def __init__(self, inner: httpcore2.AsyncNetworkStream) -> None:
            self._inner = inner

        async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return await self._inner.read(max_bytes, time_left(timeout))

        async def write(self, buffer: bytes, timeout: float | None = None) -> None:
            await self._inner.write(buffer, time_left(timeout))

        async def aclose(self) -> None:
            await self._inner.aclose()

        async def start_tls(
            self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
        ) -> httpcore2.AsyncNetworkStream:
            inner = await self._inner.start_tls(ssl_context, server_hostname, time_left(timeout, "connect"))
            return AsyncDeadlineStream(inner)

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class AsyncDeadlineBackend(httpcore2.AsyncNetworkBackend):
        def __init__(self, inner: httpcore2.AsyncNetworkBackend) -> None:
            self.inner = inner

        async def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> httpcore2.AsyncNetworkStream:
            bounded = time_left(timeout, "connect")
            stream = await self.inner.connect_tcp(host, port, bounded, local_address, socket_options)
            return AsyncDeadlineStream(stream)

        async def connect_unix_socket(
            self, path: str, timeout: float | None = None, socket_options: Any = None
        ) -> httpcore2.AsyncNetworkStream:
            bounded = time_left(timeout, "connect")
            return AsyncDeadlineStream(await self.inner.connect_unix_socket(path, bounded, socket_options))

        async def sleep(self, seconds: float) -> None:
            await self.inner.sleep(seconds)

    return AsyncDeadlineStream, AsyncDeadlineBackend


_BACKENDS: dict[bool, type[Any]] = {}


def install_deadline(pool: Any, *, is_async: bool) -> None:
    """Wrap pool's network backend (once) so that DEADLINE bounds every socket operation.

    Connections the pool already holds keep their backend: those are bounded between chunks only.
    """
    if is_async not in _BACKENDS:
        _BACKENDS[is_async] = (_async_backend_types() if is_async else _sync_backend_types())[1]
    wrapper = _BACKENDS[is_async]
    backend = getattr(pool, "_network_backend", None)
    if backend is not None and not isinstance(backend, wrapper):
        pool._network_backend = wrapper(backend)


# --- lower errors --------------------------------------------------------------------------------

_CORE_ERRORS: dict[type[BaseException], type[httpx2.HTTPError]] = {}


def map_core_error(exc: BaseException) -> httpx2.HTTPError | None:
    """The httpx2 exception for an httpcore2 one (same class names), without request or headers."""
    for cls in type(exc).__mro__:
        mapped = _CORE_ERRORS.get(cls)
        if mapped is None and cls.__module__.startswith("httpcore2"):
            candidate = getattr(httpx2, cls.__name__, None)
            if isinstance(candidate, type) and issubclass(candidate, httpx2.HTTPError):
                mapped = _CORE_ERRORS[cls] = candidate
        if mapped is not None:
            return mapped(str(exc) or cls.__name__)
    if type(exc).__module__.startswith("httpcore2"):
        # an httpcore2 error httpx2 has no class of the same name for (ConnectionNotAvailable,
        # or one a later release adds): a transport error all the same, never raw to users
        return httpx2.TransportError(str(exc) or type(exc).__name__)
    return None


def clean_cause(exc: httpx2.HTTPError, redact: Callable[[str], str]) -> BaseException:
    """A copy of exc for ``__cause__``: same type, redacted message, traceback, no request object.

    An httpx2 exception carries the request (``exc.request``, whose headers hold the credentials);
    users walk ``__cause__``/``__context__`` in tracebacks and error trackers.
    """
    message = redact(str(exc) or type(exc).__name__)
    try:
        copy: BaseException = type(exc)(message)
    except TypeError:
        copy = httpx2.TransportError(message)
    copy.__traceback__ = exc.__traceback__
    inner = exc.__cause__ or exc.__context__
    if inner is not None and not isinstance(inner, httpx2.HTTPError):
        copy.__cause__ = inner  # socket/ssl/httpcore2 errors carry no headers
    copy.__suppress_context__ = True
    return copy


# --- the two ways to send ------------------------------------------------------------------------


# --- the connection under a response: checks httpcore2 does not make -------------------------------
#
# Each reaches into httpcore2 (and h11) internals; tests/reliability/test_dependency_internals.py
# pins every one, so a release that moves them fails CI, not users.


def connection_of(stream: Any) -> Any:
    """The HTTP/1.1 connection (httpcore2 ``HTTP11Connection``) that a response body stream reads
    from: the pool's ``PoolByteStream`` wraps (``_stream``) the connection's byte stream, which
    holds it (``_connection``). None where there is none to find (HTTP/2, a custom transport)."""
    for _ in range(4):
        connection = getattr(stream, "_connection", None)
        if connection is not None:
            return connection if hasattr(connection, "_h11_state") else None
        stream = getattr(stream, "_stream", None)
        if stream is None:
            return None
    return None


def has_leftover(connection: Any) -> bool:
    """Whether an HTTP/1.1 connection holds bytes nobody asked for: data h11 received past the
    message it just read (a second response, a body on a 204/304 or a HEAD answer), or a socket
    that is readable while no request is outstanding (more of the same, or the server hung up)."""
    if connection is None:
        return False
    if connection._h11_state.trailing_data[0]:
        return True
    return bool(connection._network_stream.get_extra_info("is_readable"))


def condemn(connection: Any) -> None:
    """Have httpcore2 close connection when its response closes, instead of keeping it alive:
    h11's own error state (``send_failed``, public), which its close handler checks. Race-free:
    the connection is still this response's, no other request can have it yet."""
    connection._h11_state.send_failed()


def retire_if_stray(connection: Any) -> None:
    """Condemn connection (an HTTP11Connection, or None) if it carries stray bytes."""
    try:
        if has_leftover(connection):
            condemn(connection)
    except Exception:  # noqa: S110 (an internal moved: the response still closes; tests pin them)
        pass


def _closer(response: Any, close: Callable[[], Any]) -> Callable[[], Any]:
    """close for a response that first condemns its connection if it carries stray bytes."""

    def checked_close() -> Any:
        retire_if_stray(connection_of(response.stream))
        return close()

    return checked_close


# --- fork safety ---------------------------------------------------------------------------------

#: Every way to send that holds pooled connections: in a fork child each drops them (they are the
#: parent's sockets: a request sent on one could read the parent's answer, and the parent the child's).
_LIVE: weakref.WeakSet[Any] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for path in list(_LIVE):
        path.forget()


if hasattr(os, "register_at_fork"):  # pragma: no branch (POSIX)
    os.register_at_fork(after_in_child=_after_fork_in_child)


class Opened:
    """A response whose head has arrived: status, raw headers, the raw body stream."""

    __slots__ = ("close", "headers", "status", "stream")

    def __init__(self, status: int, headers: RawHeaders, stream: Any, close: Callable[[], Any]) -> None:
        self.status = status
        self.headers = headers
        self.stream = stream
        self.close = close


class _NoBody:
    """An empty request body, sync and async: no ``Data`` event at all (h11 processes one per chunk,
    even an empty one)."""

    def __iter__(self) -> Iterator[bytes]:
        return iter(())

    def __aiter__(self) -> _NoBody:
        return self

    async def __anext__(self) -> bytes:
        raise StopAsyncIteration


_NO_BODY = _NoBody()


class CorePath:
    """Send on an httpcore2 connection pool (the inside of an httpx2.HTTPTransport)."""

    def __init__(self, pool: Any) -> None:
        import httpcore2
        from httpcore2._models import ByteStream

        self.pool = pool
        self._request = httpcore2.Request
        self._url = httpcore2.URL
        self._stream = ByteStream
        self._new = object.__new__

    def request(self, out: Outgoing, timeouts: Timeouts) -> httpcore2.Request:
        """The httpcore2 request for out, its fields set directly: the engine built them as bytes
        already, so httpcore2's per-field validation (a tenth of the client's time per call) is
        skipped. The fields are httpcore2.Request's documented attributes."""
        url = self._new(self._url)
        url.scheme, url.host, url.port = out.origin
        url.target = out.target
        request = self._new(self._request)
        request.method = out.method_bytes
        request.url = url
        request.headers = out.headers
        body = out.body
        request.stream = _NO_BODY if not body else self._stream(body) if isinstance(body, bytes) else body
        request.extensions = {"timeout": timeouts}
        return request

    def open(self, out: Outgoing, timeouts: Timeouts) -> Opened:
        response = self.pool.handle_request(self.request(out, timeouts))
        return Opened(response.status, response.headers, response.stream, _closer(response, response.close))

    async def aopen(self, out: Outgoing, timeouts: Timeouts) -> Opened:
        response = await self.pool.handle_async_request(self.request(out, timeouts))
        return Opened(response.status, response.headers, response.stream, _closer(response, response.aclose))

    def forget(self) -> None:
        """Drop the pool's connections without closing them (after a fork: they are the parent's;
        closing would end the parent's TLS sessions). The pool's lock may have been held by a
        thread that does not exist in the child: a new one."""
        forget_pool(self.pool)


def forget_pool(pool: Any) -> None:
    """pool (an httpcore2 connection pool) emptied of connections and requests, without I/O."""
    pool._connections = []
    pool._requests = []
    lock = getattr(pool, "_optional_thread_lock", None)
    if lock is not None:
        pool._optional_thread_lock = type(lock)()


class DirectPath(CorePath):
    """CorePath on the engine's own pool, sync, with the pool's bookkeeping taken off the hot path.

    The base URL's origin is served from idle connections kept here (made by the pool's own
    ``create_connection``: same TLS context, proxy, deadline-aware backend); an idle connection
    that expired or was closed by the server is dropped on checkout, as the pool would. Other
    origins (redirects) go through the pool. Only for a client the engine created: a user's
    client keeps its pool and its limits.
    """

    #: Idle connections kept for reuse (threads beyond this open and close their own).
    MAX_IDLE = 16

    def __init__(self, pool: Any, origin: tuple[bytes, bytes, int | None]) -> None:
        super().__init__(pool)
        self.origin = origin
        self._idle: list[Any] = []
        self._lock = threading.Lock()

    def open(self, out: Outgoing, timeouts: Timeouts) -> Opened:
        if out.origin != self.origin:
            return super().open(out, timeouts)
        import httpcore2

        request = self.request(out, timeouts)
        while True:
            connection, reused = self._checkout(request)
            try:
                response = connection.handle_request(request)
                break
            except httpcore2.ConnectionNotAvailable:
                # The connection found the server gone before sending anything (httpcore2 >= 2.17
                # checks this itself, expecting its pool to retry): send on a fresh one, whatever
                # the method. A fresh connection that is not available is a transport error.
                connection.close()
                if not reused:
                    raise
            except BaseException:
                connection.close()
                raise

        def close() -> None:
            retire_if_stray(self._h11(connection))
            try:
                response.close()
            finally:
                self._checkin(connection)

        return Opened(response.status, response.headers, response.stream, close)

    def _checkout(self, request: httpcore2.Request) -> tuple[Any, bool]:
        """An idle connection the server has not closed (and which holds no stray bytes), or a new
        one; and whether it was reused."""
        with self._lock:
            while self._idle:
                connection = self._idle.pop()
                if connection.is_idle() and not connection.has_expired() and not self._stale(connection):
                    return connection, True
                connection.close()
        return self.pool.create_connection(request.url.origin), False

    @staticmethod
    def _h11(connection: Any) -> Any:
        """The HTTP11Connection inside a pool's HTTPConnection, or None (HTTP/2, not connected)."""
        inner = getattr(connection, "_connection", None)
        return inner if hasattr(inner, "_h11_state") else None

    def _stale(self, connection: Any) -> bool:
        """An idle connection with something to read has been closed by the server (or carries
        bytes nobody asked for): httpcore2 2.16 checked this in ``has_expired``, 2.17 only when
        sending, and only on HTTP/1.1; checked here on every version."""
        return has_leftover(self._h11(connection))

    def forget(self) -> None:
        """After a fork: drop the idle connections (the parent's) without closing them, and the
        pool's (see CorePath.forget)."""
        self._idle = []
        self._lock = threading.Lock()
        super().forget()

    def _checkin(self, connection: Any) -> None:
        if connection.is_idle():
            with self._lock:
                if len(self._idle) < self.MAX_IDLE:
                    self._idle.append(connection)
                    return
        connection.close()

    def close(self) -> None:
        """Close the idle connections (the engine closes the pool itself)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


class TransportPath:
    """Send on any httpx2 transport, calling the client's event hooks as Client.send would."""

    def __init__(self, transport: Any, hooks: dict[str, list[Callable[..., Any]]]) -> None:
        self.transport = transport
        self.on_request = list(hooks.get("request", ()))
        self.on_response = list(hooks.get("response", ()))

    def forget(self) -> None:
        """After a fork: the transport's pool, if it has one of httpcore2's, forgets its connections."""
        pool = getattr(self.transport, "_pool", None)
        if pool is not None and hasattr(pool, "_connections"):
            forget_pool(pool)

    @staticmethod
    def request(out: Outgoing, timeouts: Timeouts) -> httpx2.Request:
        body = out.body
        if body is None or isinstance(body, bytes):
            return httpx2.Request(
                out.method, out.url, headers=out.headers, content=body, extensions={"timeout": timeouts}
            )
        # a Payload: its own stream (sync and async), its length already in the headers
        return httpx2.Request(
            out.method, out.url, headers=out.headers, stream=body, extensions={"timeout": timeouts}
        )

    def open(self, out: Outgoing, timeouts: Timeouts) -> Opened:
        request = self.request(out, timeouts)
        for hook in self.on_request:
            hook(request)
        response = self.transport.handle_request(request)
        response.request = request
        for hook in self.on_response:
            hook(response)
        stream: Iterable[bytes] = response.stream
        return Opened(response.status_code, response.headers.raw, stream, response.close)

    async def aopen(self, out: Outgoing, timeouts: Timeouts) -> Opened:
        request = self.request(out, timeouts)
        for hook in self.on_request:
            await hook(request)
        response = await self.transport.handle_async_request(request)
        response.request = request
        for hook in self.on_response:
            await hook(response)
        stream: AsyncIterable[bytes] = response.stream
        return Opened(response.status_code, response.headers.raw, stream, response.aclose)


def path_for(
    client: httpx2.Client | httpx2.AsyncClient, url: str, *, owned: bool = False
) -> CorePath | TransportPath:
    """How to send on client for url: its transport for that URL, driven directly."""
    transport = client._transport_for_url(httpx2.URL(url))
    is_async = isinstance(client, httpx2.AsyncClient)
    pool = getattr(transport, "_pool", None)
    hooks = client.event_hooks
    plain = type(transport) in (httpx2.HTTPTransport, httpx2.AsyncHTTPTransport)
    if pool is not None:
        install_deadline(pool, is_async=is_async)
    path: CorePath | TransportPath
    if plain and pool is not None and not any(hooks.values()):
        if owned and not is_async:
            parsed = httpx2.URL(url)
            path = DirectPath(pool, (parsed.raw_scheme, parsed.raw_host, parsed.port))
        else:
            path = CorePath(pool)
    else:
        path = TransportPath(transport, hooks)
    _LIVE.add(path)
    return path
