"""The request engine: one place where HTTP happens, errors are translated, and retries are decided.

The engine owns the whole exchange: it builds the request bytes, sends them on the transport of
the client (``_wire``: never ``httpx2.Client.send``, so the client's ``follow_redirects`` and
decoders never run), follows redirects itself (credentials never leave their origin), decodes the
body itself within the size cap (``_decode``), bounds each attempt by a total deadline, and
decides retries. Sync and async share everything but the calls that block (open, read, sleep):
request building, redirects, status-error parsing, retry decisions and JSON decoding are plain
functions and a small :class:`Attempts` state object.

How long one call can take, at most (the README states the same)::

    attempts x T  +  sum of the delays between them
    attempts = max_retries + 1           (default 3)
    T        = the attempt's total limit: ``timeout`` in seconds; for an httpx2.Timeout, its
               largest component (default 30 s); redirects share their attempt's T
    delay    <= max(max_delay, max_retry_after)     (defaults 8 s and 60 s)
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

import attrs
import httpx2

from ._config import trust_for_https
from ._constants import MAX_REDIRECTS, MAX_RESPONSE_BYTES
from ._decode import ACCEPT_ENCODING, Body, BodyError, ConstantError, decode_budget, load_json
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    Error,
    InvalidArgumentError,
    ResponseValidationError,
    status_error_class,
)
from ._payload import Payload
from ._providers import SECRET_HEADERS, Connection, host_problem
from ._retry import (
    RetryPolicy,
    backoff_delay,
    is_retryable_exception,
    is_retryable_status,
    parse_retry_after,
)
from ._version import __version__
from ._wire import (
    DEADLINE,
    CorePath,
    DeadlineExceeded,
    DirectPath,
    Opened,
    Timeouts,
    TransportPath,
    clean_cause,
)
from ._wire import map_core_error as _map_core_error
from ._wire import path_for as _path_for

logger = logging.getLogger("ftjobs")

TimeoutTypes = float | httpx2.Timeout | None
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
RawHeaders = list[tuple[bytes, bytes]]


@attrs.frozen
class Call:
    """One API call: what to send, and whether repeating it is safe."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    json_body: Any = None
    idempotent: bool = True
    #: Per-call headers (``extra_headers``, Portkey options): replace the client's of the same name.
    headers: tuple[tuple[str, str], ...] = ()
    #: An empty body is an answer (decoded as None), not an error: an action through the Portkey
    #: gateway to Bedrock (see ``_answers``).
    empty_ok: bool = False
    #: A body that is not JSON (a multipart upload), sent in pieces; json_body is then None.
    content: Payload | None = None
    #: The answer is the body's bytes (file content), not a JSON document.
    raw: bool = False


class Outgoing:
    """One request on the wire: method, URL (and its origin/target pieces), headers, body."""

    __slots__ = ("body", "headers", "method", "method_bytes", "origin", "target", "url")

    def __init__(
        self,
        method: str,
        url: str,
        origin: tuple[bytes, bytes, int | None],
        target: bytes,
        headers: RawHeaders,
        body: bytes | Payload | None,
    ) -> None:
        self.method = method
        self.method_bytes = method.encode("ascii")
        self.url = url
        self.origin = origin
        self.target = target
        self.headers = headers
        self.body = body


class Reply:
    """What the caller keeps of a response: status, headers (lower-case names), method and URL."""

    __slots__ = ("headers", "method", "status_code", "url")

    def __init__(self, status_code: int, headers: dict[str, str], method: str, url: str) -> None:
        self.status_code = status_code
        self.headers = headers
        self.method = method
        self.url = url

    @property
    def reason_phrase(self) -> str:
        return httpx2.codes.get_reason_phrase(self.status_code)

    def __repr__(self) -> str:
        return f"<Reply {self.status_code} {self.method} {self.url}>"


def header_map(raw: RawHeaders) -> dict[str, str]:
    """Raw response headers as a dict with lower-case names; repeated names joined with ", "."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in raw}
    if len(headers) < len(raw):
        headers = {}
        for k, v in raw:
            name, value = k.decode("latin-1").lower(), v.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def attempt_limit(timeout: httpx2.Timeout) -> float | None:
    """T, the total time one attempt may take: the largest component; None when reads are unbounded."""
    if timeout.read is None:
        return None
    parts = [t for t in (timeout.connect, timeout.read, timeout.write, timeout.pool) if t is not None]
    return max(parts)


@attrs.frozen(repr=False)
class Settings:
    """What every request of a client shares."""

    connection: Connection
    timeout: httpx2.Timeout
    retry: RetryPolicy
    extra_headers: Mapping[str, str] = attrs.field(factory=dict)
    max_response_bytes: int = MAX_RESPONSE_BYTES

    def __repr__(self) -> str:
        return f"Settings(provider={self.connection.provider!r}, base_url={self.connection.base_url!r})"

    @functools.cached_property
    def headers(self) -> dict[str, str]:
        """Headers of every request (credentials included: never shown)."""
        return {
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": f"ftjobs/{__version__}",
            **self.extra_headers,
            **self.connection.headers,
        }

    @functools.cached_property
    def _base(self) -> tuple[tuple[bytes, bytes, int | None], bytes, bytes, str]:
        url = httpx2.URL(self.connection.base_url)
        query = urlencode(list(self.connection.params.items()), quote_via=quote)
        return (url.raw_scheme, url.raw_host, url.port), url.raw_path.rstrip(b"/"), url.netloc, query

    @functools.cached_property
    def decode_budget(self) -> int:
        """The memory decoding one answer may take (see ``_decode.load_json``)."""
        return decode_budget(self.max_response_bytes)

    @functools.cached_property
    def _timeouts(self) -> tuple[Timeouts, float | None]:
        return self.timeout.as_dict(), attempt_limit(self.timeout)

    def timeouts(self, timeout: TimeoutTypes) -> tuple[Timeouts, float | None]:
        """httpcore's per-operation timeouts and the attempt's total limit T, for a per-call timeout."""
        if timeout is None:
            return self._timeouts
        if not isinstance(timeout, httpx2.Timeout):
            timeout = httpx2.Timeout(timeout)
        return timeout.as_dict(), attempt_limit(timeout)

    def raw_headers(self, client_headers: httpx2.Headers | None) -> RawHeaders:
        """Host first, then the client's own headers, then ours (ours win, by case-insensitive name)."""
        merged: dict[bytes, tuple[bytes, bytes]] = {}
        for name, value in client_headers.raw if client_headers is not None else ():
            merged[name.lower()] = (name, value)  # as the client encoded them (httpx2 checked them)
        for text, value_text in self.headers.items():  # checked printable ASCII at construction
            name = text.encode("ascii")
            merged[name.lower()] = (name, value_text.encode("ascii"))
        for drop in (b"host", b"content-length", b"content-type", b"transfer-encoding"):
            merged.pop(drop, None)
        return [(b"Host", self._base[2]), *merged.values()]

    def outgoing(self, call: Call, headers: RawHeaders) -> Outgoing:
        """The wire request for call (absolute URL, auth headers, provider query parameters)."""
        origin, prefix, _, query = self._base
        if call.params:
            more = urlencode(call.params, quote_via=quote)
            query = f"{query}&{more}" if query else more
        target = call.path if not query else f"{call.path}?{query}"
        body: bytes | Payload | None = None
        if call.json_body is not None:
            try:
                text = json.dumps(call.json_body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            except ValueError as exc:  # NaN or inf in a body the caller built (hyperparameters...)
                raise InvalidArgumentError(f"the request body is not JSON data: {exc}") from None
            body = text.encode()
            headers = [
                *headers,
                (b"Content-Type", b"application/json"),
                (b"Content-Length", b"%d" % len(body)),
            ]
        elif call.content is not None:
            body = call.content
            headers = [
                *headers,
                (b"Content-Type", call.content.content_type.encode("ascii")),
                (b"Content-Length", b"%d" % call.content.length),
            ]
        elif call.method in ("POST", "PUT", "PATCH"):
            headers = [*headers, (b"Content-Length", b"0")]
        if call.headers:
            replaced = {name.lower().encode("ascii") for name, _ in call.headers}
            headers = [h for h in headers if h[0].lower() not in replaced]
            headers += [(n.encode("ascii"), v.encode("ascii")) for n, v in call.headers]
        base = self.connection.base_url.rstrip("/")
        return Outgoing(call.method, base + target, origin, prefix + target.encode("ascii"), headers, body)

    def redact(self, text: str) -> str:
        """text with every credential of this connection replaced by *** (see Connection.secrets)."""
        return self.connection.redact(text)


def redirect_target(out: Outgoing, status: int, headers: Mapping[str, str]) -> Outgoing | None:
    """The request to follow a redirect with, or None. Credentials never go to another origin.

    httpx2 itself strips only ``Authorization`` on a cross-origin redirect; we follow redirects
    ourselves and drop every credential header (``api-key``, ``x-portkey-*``...) as well.
    """
    if status not in _REDIRECTS or "location" not in headers:
        return None
    current = httpx2.URL(out.url)
    try:
        url = current.join(headers["location"])
    except httpx2.InvalidURL:
        return None
    if url.scheme not in ("http", "https") or not url.host or host_problem(url.raw_host):
        return None  # not followed: a host the socket layer's IDNA codec refuses would raise there
    same_origin = (url.scheme, url.host, url.port) == (current.scheme, current.host, current.port)
    kept = []
    for name, value in out.headers:
        lower = name.lower()
        if lower == b"host":
            continue
        if not same_origin and lower.decode("latin-1") in SECRET_HEADERS:
            continue
        kept.append((name, value))
    method, body = out.method, out.body
    if status == 303 or (status in (301, 302) and method == "POST"):
        method, body = "GET", None
        kept = [(n, v) for n, v in kept if n.lower() not in (b"content-length", b"content-type")]
    target = url.raw_path
    return Outgoing(
        method,
        str(url),
        (url.raw_scheme, url.raw_host, url.port),
        target,
        [(b"Host", url.netloc), *kept],
        body,
    )


def check_length(headers: Mapping[str, str], limit: int) -> None:
    """Refuse a declared body larger than limit before reading it."""
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise httpx2.DecodingError(f"response body of {declared} bytes exceeds the {limit}-byte limit")


def as_http_error(exc: Exception) -> httpx2.HTTPError | None:
    """exc as an httpx2 error (httpcore2 errors mapped by name; a refused body is a DecodingError)."""
    if isinstance(exc, httpx2.HTTPError):
        return exc
    if isinstance(exc, BodyError):
        return httpx2.DecodingError(str(exc))
    return _map_core_error(exc)


class Attempts:
    """The retry loop's decisions for one call; the caller only sends and sleeps."""

    def __init__(
        self,
        settings: Settings,
        call: Call,
        max_retries: int | None,
        redact: Callable[[str], str] | None = None,
    ) -> None:
        self.settings = settings
        #: The call's redaction: the client's credentials and those of its own headers.
        self.redact = redact or settings.redact
        self.call = call
        self.policy = settings.retry.with_max_retries(max_retries)
        self.retries_done = 0
        self.url = settings.connection.base_url + call.path

    def _can_retry(self) -> bool:
        return self.retries_done < self.policy.max_retries

    def _next(self, delay: float, reason: str) -> float:
        self.retries_done += 1
        logger.debug(
            "ftjobs: %s %s: retry %d/%d in %.2fs after %s",
            self.call.method,
            self.call.path,
            self.retries_done,
            self.policy.max_retries,
            delay,
            reason,
        )
        return delay

    def after_exception(self, exc: httpx2.HTTPError) -> float:
        """Delay before the next attempt after a transport error; raise the mapped error if none.

        Called outside any ``except`` block: the error raised has a clean ``__cause__`` (no request
        object, redacted message) and no ``__context__``.
        """
        if self._can_retry() and is_retryable_exception(exc, idempotent=self.call.idempotent):
            return self._next(backoff_delay(self.retries_done, self.policy), type(exc).__name__)
        error = self.map_exception(exc)
        error.__cause__ = clean_cause(exc, self.redact)
        raise error

    def map_exception(self, exc: httpx2.HTTPError) -> Error:
        """Translate an httpx2 exception into ours."""
        detail = self.redact(str(exc) or type(exc).__name__)
        method, url, kind = self.call.method, self.url, type(exc).__name__
        if isinstance(exc, DeadlineExceeded):
            return APITimeoutError(f"request timed out (total limit): {detail}", method=method, url=url)
        if isinstance(exc, httpx2.TimeoutException):
            return APITimeoutError(f"request timed out ({kind}): {detail}", method=method, url=url)
        if isinstance(exc, httpx2.DecodingError):
            return ResponseValidationError(f"unreadable response body: {detail}", method=method, url=url)
        return APIConnectionError(f"connection failed ({kind}): {detail}", method=method, url=url)

    def closed(self) -> APIConnectionError:
        """The error for a call on a closed client."""
        return APIConnectionError(
            "the client is closed: create a new one (or do not close the http_client you passed)",
            method=self.call.method,
            url=self.url,
        )

    def other_loop(self) -> APIConnectionError:
        """The error for an AsyncClient on a user's httpx2.AsyncClient used in a second event loop."""
        return APIConnectionError(
            "this AsyncClient's http_client was used in another event loop, whose connections "
            "cannot be used in this one: create the httpx2.AsyncClient (and the ftjobs AsyncClient) "
            "inside the event loop that uses them, or let ftjobs create its own",
            method=self.call.method,
            url=self.url,
        )

    def after_response(self, response: Reply, body: bytes) -> float | None:
        """None if response is the answer; a delay to retry; or raise the status error."""
        code = response.status_code
        if logger.isEnabledFor(logging.DEBUG):  # the header lookup is not free on the hot path
            logger.debug(
                "ftjobs: %s %s -> %d (%d bytes, request_id=%s)",
                self.call.method,
                self.call.path,
                code,
                len(body),
                self.redact(response.headers.get("x-request-id") or "-"),  # may echo a key
            )
        if code < 300:
            return None
        if code < 400:
            raise APIConnectionError(
                f"unexpected redirect {code} (more than {MAX_REDIRECTS} hops or no usable Location)",
                method=self.call.method,
                url=self.url,
                request_id=response.headers.get("x-request-id"),
            )
        if self._can_retry() and is_retryable_status(code, idempotent=self.call.idempotent):
            hint = parse_retry_after(response.headers)
            return self._next(backoff_delay(self.retries_done, self.policy, hint), f"HTTP {code}")
        raise self.status_error(response, body)

    def status_error(self, response: Reply, body: bytes) -> APIStatusError:
        """The APIStatusError subclass for an error response, with the API's own code and message."""
        text = self.redact(body.decode("utf-8", errors="replace"))
        parsed: Any = None
        message = code = param = error_type = None
        try:
            parsed = load_json(text.encode(), self.settings.decode_budget) if text.strip() else None
        except (ValueError, RecursionError, BodyError):
            parsed = None  # kept as text (NaN, too dense to decode, not JSON)
        err = parsed.get("error") if isinstance(parsed, dict) else None
        if isinstance(err, dict):
            message, code = err.get("message"), err.get("code")
            param, error_type = err.get("param"), err.get("type")
        elif isinstance(parsed, dict):
            message = parsed.get("message") or (err if isinstance(err, str) else None)
        if not isinstance(message, str) or not message:
            message = response.reason_phrase or "error"
            if text.strip() and parsed is None:
                message = f"{message}: {' '.join(text.split())[:200]}"
        cls = status_error_class(response.status_code)
        error = cls(
            message,
            status_code=response.status_code,
            code=code if isinstance(code, str) else None if code is None else str(code),
            param=param if isinstance(param, str) else None,
            error_type=error_type if isinstance(error_type, str) else None,
            body=parsed if parsed is not None else text[:500],
            method=self.call.method,
            url=self.url,
            request_id=response.headers.get("x-request-id"),
        )
        error.retries = self.retries_done
        return error

    def decode(self, response: Reply, body: bytes) -> Any:
        """The JSON document of a successful response, or ResponseValidationError; the bytes
        themselves for a call that asked for them (``Call.raw``)."""
        if self.call.raw:
            return body
        rid = response.headers.get("x-request-id")
        status, method, url = response.status_code, self.call.method, self.url
        if not body.strip():
            if self.call.empty_ok:
                return None
            raise ResponseValidationError(
                "empty response body where JSON was expected",
                status_code=status,
                method=method,
                url=url,
                request_id=rid,
            )
        try:
            return load_json(body, self.settings.decode_budget)
        except BodyError as exc:
            error = ResponseValidationError(
                f"unreadable response body: {exc}", status_code=status, method=method, url=url, request_id=rid
            )
        except (ValueError, RecursionError) as exc:
            kind = response.headers.get("content-type", "no content type")
            # redacted before it is cut: a key across the cut would otherwise leave its first half
            excerpt = self.redact(body[:4096].decode("utf-8", errors="replace"))[:200]
            reason = str(exc) if isinstance(exc, ConstantError) else type(exc).__name__
            error = ResponseValidationError(
                f"response is not JSON ({kind}; {reason}): {' '.join(excerpt.split())[:120]!r}",
                body=excerpt,
                status_code=status,
                method=method,
                url=url,
                request_id=rid,
            )
        raise error


def locate(exc: ResponseValidationError, response: Reply) -> ResponseValidationError:
    """exc with the method, URL, status and request id of the response it is about."""
    exc.method, exc.url = response.method, response.url.split("?", 1)[0]
    exc.request_id = response.headers.get("x-request-id")
    exc.status_code = response.status_code
    return exc


def _start(opened: Opened, out: Outgoing, limit: int) -> tuple[dict[str, str], Body | None, Outgoing | None]:
    """Headers of an opened response, and either a Body to fill or the redirect to follow."""
    headers = header_map(opened.headers)
    follow = redirect_target(out, opened.status, headers)
    if follow is not None:
        return headers, None, follow
    check_length(headers, limit)
    return headers, Body(headers.get("content-encoding"), limit), None


def _deadline(limit: float | None) -> float | None:
    return None if limit is None else time.monotonic() + limit


class _Engine:
    """What both engines share: settings, the lazily resolved way to send, closing state."""

    def __init__(self, settings: Settings, http: Any, factory: Callable[[], Any]) -> None:
        self.settings = settings
        self._http = http
        self._owned = http is None
        self._factory = factory
        self._closed = False
        self._lock = threading.Lock()
        self._wire: tuple[CorePath | TransportPath, RawHeaders] | None = None
        self._parent: _Engine | None = None

    def share(self, parent: _Engine) -> None:
        """Send on parent's path (its pool, its idle connections) when both have the same base URL:
        for ``client.with_options()``, whose engine is built on parent's httpx2 client (not owned:
        closing it leaves the pool to parent)."""
        self._parent = parent

    @property
    def http(self) -> Any:
        """The httpx2 client, created on first use (a client that never calls costs no TLS setup)."""
        if self._http is None:
            with self._lock:
                if self._http is None:
                    self._http = self._factory()
        return self._http

    def _resolve(self, attempts: Attempts) -> tuple[CorePath | TransportPath, RawHeaders]:
        """How to send (the client's transport for the base URL) and the headers every request has."""
        if self._closed or (not self._owned and self.http.is_closed):
            raise attempts.closed()
        wire = self._wire
        if wire is None:
            http = self.http
            with self._lock:  # threads racing for the first call share one path (one set of idle connections)
                if self._wire is None:
                    parent, base_url = self._parent, self.settings.connection.base_url
                    if parent is not None and parent.settings.connection.base_url == base_url:
                        path = parent._resolve(attempts)[0]
                    else:
                        path = _path_for(http, base_url, owned=self._owned)
                    self._wire = (path, self.settings.raw_headers(http.headers))
                wire = self._wire
        return wire


class SyncEngine(_Engine):
    """Sends calls on the transport of an httpx2.Client with retries, redirects and the size cap."""

    def close(self) -> None:
        """Close the pool if this engine created it; later calls raise APIConnectionError."""
        self._closed = True
        if self._wire is not None and isinstance(self._wire[0], DirectPath):
            self._wire[0].close()
        if self._owned and self._http is not None:
            self._http.close()

    def _attempt(
        self, path: Any, out: Outgoing, timeouts: Timeouts, limit: float | None
    ) -> tuple[Reply, bytes]:
        deadline = _deadline(limit)
        token = DEADLINE.set(deadline)
        try:
            for _ in range(MAX_REDIRECTS + 1):
                if out.origin[0] == b"https":
                    trust_for_https(self.http)
                opened = path.open(out, timeouts)
                try:
                    headers, body, follow = _start(opened, out, self.settings.max_response_bytes)
                    if body is not None:
                        for chunk in opened.stream:
                            body.feed(chunk)
                            if deadline is not None and time.monotonic() >= deadline:
                                raise DeadlineExceeded("the request's total time limit was reached")
                        return Reply(opened.status, headers, out.method, out.url), body.finish()
                finally:
                    opened.close()
                assert follow is not None
                out = follow
            return Reply(opened.status, headers, out.method, out.url), b""
        finally:
            DEADLINE.reset(token)

    def request(
        self,
        call: Call,
        *,
        timeout: TimeoutTypes = None,
        max_retries: int | None = None,
        redact: Callable[[str], str] | None = None,
    ) -> tuple[Any, Reply]:
        """Send call until it succeeds or fails for good; return (JSON document, response).
        ``redact``: the call's redaction when its headers carry credentials of their own."""
        attempts = Attempts(self.settings, call, max_retries, redact)
        path, headers = self._resolve(attempts)
        out = self.settings.outgoing(call, headers)
        timeouts, limit = self.settings.timeouts(timeout)
        while True:
            failure: httpx2.HTTPError | None = None
            try:
                response, body = self._attempt(path, out, timeouts, limit)
            except Exception as exc:
                failure = as_http_error(exc)
                if failure is None:
                    raise
            if failure is not None:
                time.sleep(attempts.after_exception(failure))
                path, headers = self._resolve(attempts)
                continue
            delay = attempts.after_response(response, body)
            if delay is None:
                return attempts.decode(response, body), response
            time.sleep(delay)
            self._resolve(attempts)


class AsyncEngine(_Engine):
    """The async twin of SyncEngine, on the transport of an httpx2.AsyncClient."""

    async def close(self) -> None:
        """Close the pool if this engine created it; later calls raise APIConnectionError.
        Connections of another event loop than this one are dropped, not closed (see _follow_loop)."""
        import asyncio

        self._closed = True
        if self._owned and self._http is not None:
            previous = self._loop() if self._loop is not None else None
            if self._loop is not None and previous is not asyncio.get_running_loop() and self._wire:
                self._wire[0].forget()
            await self._http.aclose()

    async def _attempt(
        self, path: Any, out: Outgoing, timeouts: Timeouts, limit: float | None
    ) -> tuple[Reply, bytes]:
        deadline = _deadline(limit)
        token = DEADLINE.set(deadline)
        try:
            for _ in range(MAX_REDIRECTS + 1):
                if out.origin[0] == b"https":
                    trust_for_https(self.http)
                opened = await path.aopen(out, timeouts)
                try:
                    headers, body, follow = _start(opened, out, self.settings.max_response_bytes)
                    if body is not None:
                        async for chunk in opened.stream:
                            body.feed(chunk)
                            if deadline is not None and time.monotonic() >= deadline:
                                raise DeadlineExceeded("the request's total time limit was reached")
                        return Reply(opened.status, headers, out.method, out.url), body.finish()
                finally:
                    await opened.close()
                assert follow is not None
                out = follow
            return Reply(opened.status, headers, out.method, out.url), b""
        finally:
            DEADLINE.reset(token)

    _loop: weakref.ref[Any] | None = None

    def _follow_loop(self, attempts: Attempts) -> None:
        """Connections belong to the event loop they were opened in; a later ``asyncio.run()``
        cannot use them ("Event loop is closed"). An engine that created its pool starts a new one
        for the new loop (the old loop's connections are dropped unclosed: that loop is gone or
        not running here); with the user's own httpx2.AsyncClient, one clear error."""
        import asyncio

        parent = self._parent
        if isinstance(parent, AsyncEngine):  # a with_options() copy follows the pool's owner
            parent._follow_loop(attempts)
            if parent._http is not self._http:
                with self._lock:
                    self._http, self._wire = parent.http, None
            return
        loop = asyncio.get_running_loop()
        previous = self._loop() if self._loop is not None else None
        if previous is loop:
            return
        if self._loop is not None and self._http is not None:
            if not self._owned:
                raise attempts.other_loop()
            with self._lock:
                if self._wire is not None:
                    self._wire[0].forget()
                self._http, self._wire = None, None
        self._loop = weakref.ref(loop)

    async def request(
        self,
        call: Call,
        *,
        timeout: TimeoutTypes = None,
        max_retries: int | None = None,
        redact: Callable[[str], str] | None = None,
    ) -> tuple[Any, Reply]:
        """Send call until it succeeds or fails for good; return (JSON document, response)."""
        import asyncio

        attempts = Attempts(self.settings, call, max_retries, redact)
        self._follow_loop(attempts)
        path, headers = self._resolve(attempts)
        out = self.settings.outgoing(call, headers)
        timeouts, limit = self.settings.timeouts(timeout)
        while True:
            failure: httpx2.HTTPError | None = None
            try:
                response, body = await self._attempt(path, out, timeouts, limit)
            except Exception as exc:
                failure = as_http_error(exc)
                if failure is None:
                    raise
            if failure is not None:
                await asyncio.sleep(attempts.after_exception(failure))
                path, headers = self._resolve(attempts)
                continue
            delay = attempts.after_response(response, body)
            if delay is None:
                return attempts.decode(response, body), response
            await asyncio.sleep(delay)
            self._resolve(attempts)
