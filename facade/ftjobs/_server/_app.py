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

from . import _auth, _errors, _faults, _jobs, _validate
from ._config import ServerConfig
from ._store import Store

ADMIN_PREFIX = "/_ftjobs/"
API_PREFIX = "/v1/"
#: Azure OpenAI's route: ``/openai/fine_tuning/jobs...?api-version=...`` (an ``api-key`` header).
AZURE_PREFIX = "/openai/"
AZURE_VERSION = "api-version"
# Operation ids of openapi/fine_tuning.yaml.
CREATE, LIST_JOBS, RETRIEVE = "createFineTuningJob", "listPaginatedFineTuningJobs", "retrieveFineTuningJob"
JOB_ACTIONS = {
    "cancelFineTuningJob": "cancel",
    "pauseFineTuningJob": "pause",
    "resumeFineTuningJob": "resume",
}
JOB_LISTS = {"listFineTuningEvents": "events", "listFineTuningJobCheckpoints": "checkpoints"}
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
    # allow_nan=False: never a bare NaN/Infinity token (not JSON); a stored one is a 500, not a bad body.
    return Response(status, json.dumps(payload, allow_nan=False).encode())


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


def _azure_query(query: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The query of an Azure request without its (required, any non-empty) ``api-version``."""
    if not any(key == AZURE_VERSION and value.strip() for key, value in query):
        raise _errors.bad_request(
            f"Missing required query parameter: '{AZURE_VERSION}' (the Azure OpenAI route needs it).",
            param=AZURE_VERSION,
            code="missing_required_parameter",
        )
    return [(key, value) for key, value in query if key != AZURE_VERSION]


class App:
    """The local fine-tuning API and its admin API, over a :class:`Store`."""

    def __init__(self, config: ServerConfig, store: Store) -> None:
        self.config = config
        self.store = store
        self.faults = _faults.FaultQueue()
        self.rates = _faults.FaultRates(config.fault_rates, config.fault_seed)
        self.log = RequestLog()
        self.spec = _validate.Spec()

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
            prefix = next((p for p in (API_PREFIX, AZURE_PREFIX) if parts.path.startswith(p)), None)
            if prefix is None:
                raise _errors.invalid_url(method, parts.path)
            denied = _auth.check(headers, self.config.api_key)
            if denied is not None:
                raise denied
            if prefix == AZURE_PREFIX:
                query = _azure_query(query)
            return self._api(method, parts.path, prefix, query, body)
        except _errors.ApiError as exc:
            return error_response(exc)

    # --- the API -------------------------------------------------------------------------------

    def _api(
        self, method: str, path: str, prefix: str, query: list[tuple[str, str]], body: bytes
    ) -> Response:
        """Route by the spec's paths, validate the parameters, run the operation."""
        segments = [unquote(segment) for segment in path[len(prefix) :].split("/")]
        found = self.spec.route(method, segments)
        if not isinstance(found, tuple):
            raise _errors.invalid_url(method, path)
        route, path_params = found
        args = self.spec.parameters(route.operation_id, path_params, query)
        return self._operation(route.operation_id, args, body)

    def _operation(self, operation_id: str, args: dict[str, Any], body: bytes) -> Response:
        """One spec operation, its parameters already validated."""
        store = self.store
        if operation_id == CREATE:
            return json_response(200, store.create(self.spec.body(operation_id, _json_body(body))))
        if operation_id == LIST_JOBS:
            data, has_more = store.list_jobs(
                after=args.get("after"), limit=args["limit"], metadata=args.get("metadata", False)
            )
            return json_response(200, {"object": "list", "data": data, "has_more": has_more})
        job_id = args["fine_tuning_job_id"]
        if operation_id == RETRIEVE:
            return json_response(200, store.get(job_id))
        if operation_id in JOB_ACTIONS:
            return json_response(200, store.act(job_id, JOB_ACTIONS[operation_id]))
        table = JOB_LISTS[operation_id]
        data, has_more = store.list_children(table, job_id, after=args.get("after"), limit=args["limit"])
        payload: dict[str, Any] = {"object": "list", "data": data, "has_more": has_more}
        if table == "checkpoints":
            payload["first_id"] = data[0]["id"] if data else None
            payload["last_id"] = data[-1]["id"] if data else None
        return json_response(200, payload)

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
