"""The request engine: one place where HTTP happens, errors are translated, and retries are decided.

Sync and async share everything but the two calls that block (send and sleep): request building,
redirect handling, the size cap, status-error parsing, retry decisions and JSON decoding are
plain functions and a small :class:`Attempts` state object.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import httpx2

from ._constants import MAX_REDIRECTS, MAX_RESPONSE_BYTES
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    Error,
    ResponseValidationError,
    status_error_class,
)
from ._providers import SECRET_HEADERS, Connection
from ._retry import (
    RetryPolicy,
    backoff_delay,
    is_retryable_exception,
    is_retryable_status,
    parse_retry_after,
)
from ._version import __version__

logger = logging.getLogger("ftjobs")

TimeoutTypes = float | httpx2.Timeout | None
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@attrs.frozen
class Call:
    """One API call: what to send, and whether repeating it is safe."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    json_body: Any = None
    idempotent: bool = True


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
    def _headers(self) -> dict[str, str]:
        return {
            "Accept": "application/json",
            "User-Agent": f"ftjobs/{__version__}",
            **self.extra_headers,
            **self.connection.headers,
        }

    def build(
        self, client: httpx2.Client | httpx2.AsyncClient, call: Call, timeout: TimeoutTypes
    ) -> httpx2.Request:
        """The httpx request for call (absolute URL, auth headers, provider query parameters)."""
        params: list[tuple[str, str | int | float | bool | None]] = [
            *self.connection.params.items(),
            *call.params,
        ]
        return client.build_request(
            call.method,
            self.connection.base_url + call.path,
            params=params or None,
            headers=self._headers,
            json=call.json_body,
            timeout=self.timeout if timeout is None else timeout,
        )

    def redact(self, text: str) -> str:
        """text with every credential of this connection replaced by ***."""
        for secret in self.connection.secrets:
            text = text.replace(secret, "***")
            bare = secret.removeprefix("Bearer ")
            if bare != secret:
                text = text.replace(bare, "***")
        return text


def redirect_target(request: httpx2.Request, response: httpx2.Response) -> httpx2.Request | None:
    """The request to follow a redirect with, or None. Credentials never go to another origin.

    httpx itself strips only ``Authorization`` on a cross-origin redirect; we follow redirects
    ourselves and drop every credential header (``api-key``, ``x-portkey-*``...) as well.
    """
    if response.status_code not in _REDIRECTS or "location" not in response.headers:
        return None
    url = request.url.join(response.headers["location"])
    same_origin = (url.scheme, url.host, url.port) == (request.url.scheme, request.url.host, request.url.port)
    headers = httpx2.Headers(request.headers)
    headers.pop("host", None)
    if not same_origin:
        for name in list(headers.keys()):
            if name.lower() in SECRET_HEADERS:
                del headers[name]
    method = request.method
    content: bytes | None = request.content
    if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
        method, content = "GET", None
        headers.pop("content-length", None)
        headers.pop("content-type", None)
    return httpx2.Request(method, url, headers=headers, content=content, extensions=request.extensions)


def check_length(response: httpx2.Response, limit: int) -> None:
    """Refuse a declared body larger than limit before reading it."""
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise httpx2.DecodingError(f"response body of {declared} bytes exceeds the {limit}-byte limit")


def add_chunk(body: bytearray, chunk: bytes, limit: int) -> None:
    """Append chunk, refusing to grow past limit (covers chunked and compressed bodies)."""
    if len(body) + len(chunk) > limit:
        raise httpx2.DecodingError(f"response body exceeds the {limit}-byte limit")
    body += chunk


class Attempts:
    """The retry loop's decisions for one call; the caller only sends and sleeps."""

    def __init__(self, settings: Settings, call: Call, max_retries: int | None) -> None:
        self.settings = settings
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

    def after_exception(self, exc: Exception) -> float:
        """Delay before the next attempt after a transport error; raise the mapped error if none."""
        if isinstance(exc, Error):
            raise exc
        if not isinstance(exc, httpx2.HTTPError):
            raise exc
        if self._can_retry() and is_retryable_exception(exc, idempotent=self.call.idempotent):
            return self._next(backoff_delay(self.retries_done, self.policy), type(exc).__name__)
        raise self.map_exception(exc) from exc

    def map_exception(self, exc: httpx2.HTTPError) -> Error:
        """Translate an httpx exception into ours."""
        detail = self.settings.redact(str(exc) or type(exc).__name__)
        method, url, kind = self.call.method, self.url, type(exc).__name__
        if isinstance(exc, httpx2.TimeoutException):
            return APITimeoutError(f"request timed out ({kind}): {detail}", method=method, url=url)
        if isinstance(exc, httpx2.DecodingError):
            return ResponseValidationError(f"unreadable response body: {detail}", method=method, url=url)
        return APIConnectionError(f"connection failed ({kind}): {detail}", method=method, url=url)

    def after_response(self, response: httpx2.Response, body: bytes) -> float | None:
        """None if response is the answer; a delay to retry; or raise the status error."""
        code = response.status_code
        if logger.isEnabledFor(logging.DEBUG):  # the header lookup is not free on the hot path
            logger.debug(
                "ftjobs: %s %s -> %d (%d bytes, request_id=%s)",
                self.call.method,
                self.call.path,
                code,
                len(body),
                response.headers.get("x-request-id"),
            )
        if code < 300:
            return None
        if code < 400:
            raise APIConnectionError(
                f"unexpected redirect {code} (more than {MAX_REDIRECTS} hops or no Location)",
                method=self.call.method,
                url=self.url,
                request_id=response.headers.get("x-request-id"),
            )
        if self._can_retry() and is_retryable_status(code, idempotent=self.call.idempotent):
            hint = parse_retry_after(response.headers)
            return self._next(backoff_delay(self.retries_done, self.policy, hint), f"HTTP {code}")
        raise self.status_error(response, body)

    def status_error(self, response: httpx2.Response, body: bytes) -> APIStatusError:
        """The APIStatusError subclass for an error response, with the API's own code and message."""
        text = self.settings.redact(body.decode("utf-8", errors="replace"))
        parsed: Any = None
        message = code = param = error_type = None
        try:
            parsed = json.loads(text) if text.strip() else None
        except (ValueError, RecursionError):
            parsed = None
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

    def decode(self, response: httpx2.Response, body: bytes) -> Any:
        """The JSON document of a successful response, or ResponseValidationError."""
        rid = response.headers.get("x-request-id")
        status, method, url = response.status_code, self.call.method, self.url
        if not body.strip():
            raise ResponseValidationError(
                "empty response body where JSON was expected",
                status_code=status,
                method=method,
                url=url,
                request_id=rid,
            )
        try:
            return json.loads(body)
        except (ValueError, RecursionError) as exc:
            kind = response.headers.get("content-type", "no content type")
            excerpt = self.settings.redact(body[:200].decode("utf-8", errors="replace"))
            raise ResponseValidationError(
                f"response is not JSON ({kind}; {type(exc).__name__}): {' '.join(excerpt.split())[:120]!r}",
                body=excerpt,
                status_code=status,
                method=method,
                url=url,
                request_id=rid,
            ) from exc


def locate(exc: ResponseValidationError, response: httpx2.Response) -> ResponseValidationError:
    """exc with the method, URL, status and request id of the response it is about."""
    exc.method, exc.url = response.request.method, str(response.request.url.copy_with(query=None))
    exc.request_id = response.headers.get("x-request-id")
    exc.status_code = response.status_code
    return exc


class SyncEngine:
    """Sends calls on an httpx2.Client with retries, redirects and the size cap."""

    def __init__(
        self, settings: Settings, http: httpx2.Client | None, factory: Callable[[], httpx2.Client]
    ) -> None:
        self.settings = settings
        self._http = http
        self._owned = http is None
        self._factory = factory
        self._lock = threading.Lock()

    @property
    def http(self) -> httpx2.Client:
        """The connection pool, created on first use (a client that never calls costs no TLS setup)."""
        if self._http is None:
            with self._lock:
                if self._http is None:
                    self._http = self._factory()
        return self._http

    def close(self) -> None:
        """Close the pool if this engine created it."""
        if self._owned and self._http is not None:
            self._http.close()

    def _send_once(self, request: httpx2.Request) -> tuple[httpx2.Response, bytes]:
        limit = self.settings.max_response_bytes
        for _ in range(MAX_REDIRECTS + 1):
            response = self.http.send(request, stream=True)
            try:
                check_length(response, limit)
                body = bytearray()
                for chunk in response.iter_bytes():
                    add_chunk(body, chunk, limit)
            finally:
                response.close()
            follow = redirect_target(request, response)
            if follow is None:
                return response, bytes(body)
            request = follow
        return response, bytes(body)

    def request(
        self, call: Call, *, timeout: TimeoutTypes = None, max_retries: int | None = None
    ) -> tuple[Any, httpx2.Response]:
        """Send call until it succeeds or fails for good; return (JSON document, response)."""
        attempts = Attempts(self.settings, call, max_retries)
        request = self.settings.build(self.http, call, timeout)
        while True:
            try:
                response, body = self._send_once(request)
            except httpx2.HTTPError as exc:
                time.sleep(attempts.after_exception(exc))
                continue
            delay = attempts.after_response(response, body)
            if delay is None:
                return attempts.decode(response, body), response
            time.sleep(delay)


class AsyncEngine:
    """The async twin of SyncEngine on an httpx2.AsyncClient."""

    def __init__(
        self, settings: Settings, http: httpx2.AsyncClient | None, factory: Callable[[], httpx2.AsyncClient]
    ) -> None:
        self.settings = settings
        self._http = http
        self._owned = http is None
        self._factory = factory

    @property
    def http(self) -> httpx2.AsyncClient:
        """The connection pool, created on first use."""
        if self._http is None:
            self._http = self._factory()
        return self._http

    async def close(self) -> None:
        """Close the pool if this engine created it."""
        if self._owned and self._http is not None:
            await self._http.aclose()

    async def _send_once(self, request: httpx2.Request) -> tuple[httpx2.Response, bytes]:
        limit = self.settings.max_response_bytes
        for _ in range(MAX_REDIRECTS + 1):
            response = await self.http.send(request, stream=True)
            try:
                check_length(response, limit)
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    add_chunk(body, chunk, limit)
            finally:
                await response.aclose()
            follow = redirect_target(request, response)
            if follow is None:
                return response, bytes(body)
            request = follow
        return response, bytes(body)

    async def request(
        self, call: Call, *, timeout: TimeoutTypes = None, max_retries: int | None = None
    ) -> tuple[Any, httpx2.Response]:
        """Send call until it succeeds or fails for good; return (JSON document, response)."""
        import asyncio

        attempts = Attempts(self.settings, call, max_retries)
        request = self.settings.build(self.http, call, timeout)
        while True:
            try:
                response, body = await self._send_once(request)
            except httpx2.HTTPError as exc:
                await asyncio.sleep(attempts.after_exception(exc))
                continue
            delay = attempts.after_response(response, body)
            if delay is None:
                return attempts.decode(response, body), response
            await asyncio.sleep(delay)
