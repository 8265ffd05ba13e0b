"""Request handling without sockets: routing, auth, the API operations and the admin API.

``App.handle`` turns (method, raw path, headers, body) into a :class:`Response`; the HTTP layer
(``_http``) does the wire, including the faults that live there.
"""

from __future__ import annotations

import collections
import json
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from . import _auth, _errors, _faults, _jobs
from ._config import ServerConfig
from ._store import Store

ADMIN_PREFIX = "/_ftjobs/"
API_PREFIX = "/v1/"
MAX_LIMIT = 100
JOB_ACTIONS = frozenset({"cancel", "pause", "resume"})
JOB_LISTS = {"events": ("events", 20), "checkpoints": ("checkpoints", 10)}
LOG_SIZE = 10_000


@dataclass
class Response:
    """A response to write: status, body bytes and extra headers (Content-Length is added later)."""

    status: int
    body: bytes
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)
    request_id: str = field(default_factory=lambda: "req_" + secrets.token_hex(16))


def json_response(status: int, payload: Any) -> Response:
    return Response(status, json.dumps(payload).encode())


def error_response(error: _errors.ApiError) -> Response:
    return Response(error.status, error.encode())


class RequestLog:
    """What reached the server (admin requests excepted): method, raw path, status, fault."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: collections.deque[dict[str, Any]] = collections.deque(maxlen=LOG_SIZE)

    def add(self, method: str, path: str, status: int | None, fault: str | None) -> None:
        with self._lock:
            self._entries.append({"method": method, "path": path, "status": status, "fault": fault})

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _limit(query: Mapping[str, str], default: int) -> int:
    raw = query.get("limit")
    if raw is None:
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise _errors.bad_request(
            f"Invalid 'limit': expected an integer, but got {raw!r} instead.",
            param="limit",
            code="invalid_type",
        ) from None
    if limit < 1:
        raise _errors.bad_request(
            f"Invalid 'limit': integer below minimum value. Expected a value >= 1, but got {limit} instead.",
            param="limit",
            code="integer_below_min_value",
        )
    if limit > MAX_LIMIT:
        raise _errors.bad_request(
            f"Invalid 'limit': integer above maximum value. Expected a value <= {MAX_LIMIT},"
            f" but got {limit} instead.",
            param="limit",
            code="integer_above_max_value",
        )
    return limit


def _metadata_filter(pairs: list[tuple[str, str]]) -> dict[str, str] | bool | None:
    """``metadata[k]=v`` pairs as a dict, ``metadata=null`` as ``None``, no filter as ``False``."""
    wanted: dict[str, str] = {}
    for key, value in pairs:
        if key == "metadata":
            if value != "null":
                raise _errors.bad_request(
                    "Invalid 'metadata': use metadata[KEY]=VALUE, or metadata=null.", param="metadata"
                )
            return None
        if key.startswith("metadata[") and key.endswith("]") and len(key) > len("metadata[]"):
            wanted[key[len("metadata[") : -1]] = value
    return wanted or False


def _json_body(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise _errors.bad_request(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using"
            " your HTTP library correctly. The OpenAI API expects a JSON payload.)"
        ) from None


class App:
    """The local fine-tuning API and its admin API, over a :class:`Store`."""

    def __init__(self, config: ServerConfig, store: Store) -> None:
        self.config = config
        self.store = store
        self.faults = _faults.FaultQueue()
        self.rates = _faults.FaultRates(config.fault_rates, config.fault_seed)
        self.log = RequestLog()

    def choose_fault(self, method: str, path: str, header: str | None) -> _faults.Fault | None:
        """The fault for a request: its header first, then the queue, then the rates."""
        if header:
            try:
                return _faults.parse_fault(header)
            except _faults.FaultSpecError as exc:
                raise _errors.bad_request(
                    f"Invalid {_faults.HEADER} header: {exc}", param=_faults.HEADER
                ) from exc
        return self.faults.take(method, path) or self.rates.draw()

    def handle(self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes) -> Response:
        """Answer one request; ``headers`` have lower-case names."""
        try:
            parts = urlsplit(raw_path)
            query = parse_qsl(parts.query, keep_blank_values=True)
            if parts.path.startswith(ADMIN_PREFIX):
                return self._admin(method, parts.path, body)
            if not parts.path.startswith(API_PREFIX):
                raise _errors.invalid_url(method, parts.path)
            denied = _auth.check(headers, self.config.api_key)
            if denied is not None:
                raise denied
            return self._api(method, parts.path, query, body)
        except _errors.ApiError as exc:
            return error_response(exc)

    # --- the API -------------------------------------------------------------------------------

    def _api(self, method: str, path: str, query: list[tuple[str, str]], body: bytes) -> Response:
        segments = [unquote(segment) for segment in path[len(API_PREFIX) :].split("/")]
        if segments[:2] != ["fine_tuning", "jobs"] or any(not s for s in segments) or len(segments) > 4:
            raise _errors.invalid_url(method, path)
        args = dict(query)
        store = self.store
        if len(segments) == 2:
            if method == "POST":
                return json_response(200, store.create(_jobs.validate_create(_json_body(body))))
            if method == "GET":
                data, has_more = store.list_jobs(
                    after=args.get("after"), limit=_limit(args, 20), metadata=_metadata_filter(query)
                )
                return json_response(200, {"object": "list", "data": data, "has_more": has_more})
        elif len(segments) == 3:
            if method == "GET":
                return json_response(200, store.get(segments[2]))
        elif segments[3] in JOB_ACTIONS:
            if method == "POST":
                return json_response(200, store.act(segments[2], segments[3]))
        elif segments[3] in JOB_LISTS and method == "GET":
            table, default = JOB_LISTS[segments[3]]
            data, has_more = store.list_children(
                table, segments[2], after=args.get("after"), limit=_limit(args, default)
            )
            payload: dict[str, Any] = {"object": "list", "data": data, "has_more": has_more}
            if table == "checkpoints":
                payload["first_id"] = data[0]["id"] if data else None
                payload["last_id"] = data[-1]["id"] if data else None
            return json_response(200, payload)
        raise _errors.invalid_url(method, path)

    # --- the admin API -------------------------------------------------------------------------

    def _admin(self, method: str, path: str, body: bytes) -> Response:
        route = path[len(ADMIN_PREFIX) :]
        payload = _json_body(body) if method == "POST" else None
        if payload is not None and not isinstance(payload, dict):
            raise _errors.bad_request("Expected a JSON object.")
        payload = payload or {}
        if route == "health" and method == "GET":
            return json_response(200, {"status": "ok", "now": self.store.now()})
        if route == "advance" and method == "POST":
            seconds = payload.get("seconds")
            if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
                raise _errors.bad_request("'seconds' must be a number >= 0.", param="seconds")
            return json_response(200, {"now": self.store.advance(float(seconds))})
        if route == "faults":
            if method == "POST":
                self._queue_fault(payload)
            elif method == "DELETE":
                self.faults.clear()
            elif method != "GET":
                raise _errors.invalid_url(method, path)
            return json_response(200, {"object": "list", "data": self.faults.pending()})
        if route == "requests":
            if method == "DELETE":
                self.log.clear()
            elif method != "GET":
                raise _errors.invalid_url(method, path)
            return json_response(200, {"object": "list", "data": self.log.entries()})
        segments = route.split("/")
        if len(segments) == 3 and segments[0] == "jobs" and segments[2] == "fail" and method == "POST":
            return json_response(200, self.store.act(unquote(segments[1]), "fail", _failure(payload)))
        raise _errors.invalid_url(method, path)

    def _queue_fault(self, payload: dict[str, Any]) -> None:
        spec, times = payload.get("fault"), payload.get("times", 1)
        path, method = payload.get("path"), payload.get("method")
        if not isinstance(spec, str):
            raise _errors.bad_request("'fault' must be a fault SPEC string.", param="fault")
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise _errors.bad_request("'times' must be an integer >= 1.", param="times")
        if not (path is None or isinstance(path, str)) or not (method is None or isinstance(method, str)):
            raise _errors.bad_request("'path' and 'method' must be strings.", param="path")
        try:
            fault = _faults.parse_fault(spec)
        except _faults.FaultSpecError as exc:
            raise _errors.bad_request(str(exc), param="fault") from exc
        self.faults.add(fault, times=times, path=path, method=method)


def _failure(payload: dict[str, Any]) -> dict[str, Any]:
    """The ``error`` of ``POST /_ftjobs/jobs/{id}/fail``: given fields over the default."""
    error = dict(_jobs.DEFAULT_FAILURE)
    for key in ("code", "message"):
        if key in payload:
            if not isinstance(payload[key], str):
                raise _errors.bad_request(f"'{key}' must be a string.", param=key)
            error[key] = payload[key]
    if "param" in payload:
        if payload["param"] is not None and not isinstance(payload["param"], str):
            raise _errors.bad_request("'param' must be a string or null.", param="param")
        error["param"] = payload["param"]
    return error
