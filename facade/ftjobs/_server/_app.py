"""Request handling without sockets: routing, auth, the API operations and the admin API.

The admin API takes the same key as ``/v1``; what a browser could send it from another site is
refused before (``_guards.admin_refusal``, applied by ``_http``).

``App.handle`` turns (method, raw path, headers, body) into a :class:`Response`; the HTTP layer
(``_http``) does the wire, including the faults that live there.
"""

from __future__ import annotations

import collections
import json
import math
import re
import secrets
import sqlite3
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from . import _auth, _errors, _faults, _files, _flavors, _graders, _jobs, _permissions, _store, _validate
from ._config import ServerConfig
from ._store import Store

ADMIN_PREFIX = "/_ftjobs/"
#: The first path segments answered by ``_files`` (the files API and Uploads).
FILE_ROUTES = frozenset({"files", "uploads"})
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
#: The rest of the fine_tuning namespace: checkpoint permissions and the grader tools.
NAMESPACE_OPERATIONS = frozenset(
    {
        "listFineTuningCheckpointPermissions",
        "createFineTuningCheckpointPermission",
        "deleteFineTuningCheckpointPermission",
        "runGrader",
        "validateGrader",
    }
)
#: The request log keeps the last LOG_SIZE entries, at most LOG_BYTES of them, each path cut to
#: MAX_LOGGED_PATH characters (a request line may be 64 KiB long).
LOG_SIZE = 10_000
LOG_BYTES = 4 << 20
MAX_LOGGED_PATH = 2048
_LOG_ENTRY_OVERHEAD = 64
#: Deepest nesting of arrays and objects a JSON body may have (the spec's deepest request is ~8).
MAX_JSON_DEPTH = 64
#: Faults the admin queue holds at most.
MAX_QUEUED_FAULTS = 1000
_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
#: The admin API: the fields each body takes, and the methods of each route (for ``Allow``).
ADVANCE_FIELDS = frozenset({"seconds"})
FAULT_FIELDS = frozenset({"fault", "times", "path", "method"})
FAIL_FIELDS = frozenset({"code", "message", "param"})
ADMIN_METHODS: dict[str, tuple[str, ...]] = {
    "health": ("GET", "HEAD"),
    "advance": ("POST",),
    "faults": ("DELETE", "GET", "HEAD", "POST"),
    "requests": ("DELETE", "GET", "HEAD"),
}


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
    return Response(error.status, error.encode(), headers=list(error.headers))


class RequestLog:
    """What reached the server (admin requests excepted): method, raw path, status, fault.

    Bounded in entries (``LOG_SIZE``) and in bytes (``LOG_BYTES``): paths longer than
    ``MAX_LOGGED_PATH`` are cut and end with ``...``; the oldest entries go first.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: collections.deque[dict[str, Any]] = collections.deque()
        self._bytes = 0

    def add(self, method: str, path: str, status: int | None, fault: str | None) -> None:
        if len(path) > MAX_LOGGED_PATH:
            path = path[:MAX_LOGGED_PATH] + "..."
        if fault is not None and len(fault) > MAX_LOGGED_PATH:
            fault = fault[:MAX_LOGGED_PATH] + "..."
        entry = {"method": method[:MAX_LOGGED_PATH], "path": path, "status": status, "fault": fault}
        with self._lock:
            self._entries.append(entry)
            self._bytes += _entry_size(entry)
            while len(self._entries) > LOG_SIZE or self._bytes > LOG_BYTES:
                self._bytes -= _entry_size(self._entries.popleft())

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def _entry_size(entry: dict[str, Any]) -> int:
    return len(entry["method"]) + len(entry["path"]) + len(entry["fault"] or "") + _LOG_ENTRY_OVERHEAD


def json_nesting(body: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep arrays and objects nest in ``body``, counted up to ``limit + 1`` without recursion.

    Brackets inside strings do not count. Only meaningful for valid JSON; for anything else the
    answer is a bound a parser would not get past anyway.
    """
    if body.count(b"[") + body.count(b"{") == 0:
        return 0
    depth = deepest = 0
    for token in _JSON_TOKEN.finditer(body):
        char = token.group()[:1]
        if char in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
            if depth > limit:
                break
        elif char in (b"]", b"}"):
            depth -= 1
    return deepest


def _non_finite_path(value: Any) -> str | None:
    """The path (``a.b[2].c``) of the first NaN or infinite number in a parsed body, if any."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return path or "body"
        children: Iterator[tuple[str, Any]]
        if isinstance(item, dict):
            children = ((f"{path}.{key}" if path else str(key), child) for key, child in item.items())
        elif isinstance(item, list):
            children = ((f"{path}[{index}]", child) for index, child in enumerate(item))
        else:
            continue
        stack.extend(reversed(list(children)))
    return None


def _json_body(body: bytes) -> Any:
    """The parsed body (``None`` when empty): JSON as RFC 8259 has it, nested at most ``MAX_JSON_DEPTH``.

    The depth is checked before parsing (the parser recurses), and ``NaN``/``Infinity`` (or a
    number too large for a float) are refused with ``param`` naming the field.
    """
    if not body.strip():
        return None
    if json_nesting(body) > MAX_JSON_DEPTH:
        raise _errors.bad_request(
            f"Invalid JSON body: arrays and objects nest deeper than {MAX_JSON_DEPTH} levels.",
            code="invalid_json",
        )
    non_finite: list[str] = []

    def constant(name: str) -> float:
        non_finite.append(name)
        return float(name)

    def number(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            non_finite.append(text)
        return value

    try:
        payload = json.loads(body, parse_constant=constant, parse_float=number)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise _errors.bad_request(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using"
            " your HTTP library correctly. The OpenAI API expects a JSON payload.)"
        ) from None
    if non_finite:
        path = _non_finite_path(payload)
        if path is not None:
            raise _errors.bad_request(
                f"Invalid '{path}': numbers must be finite (NaN and Infinity are not JSON).",
                param=path,
                code="invalid_value",
            )
    return payload


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

    def authenticate(self, headers: Mapping[str, str]) -> _errors.ApiError | None:
        """The 401/400 for a request without the key (``/v1``, Azure's route and the admin API
        alike), or ``None`` when it may pass; ``headers`` have lower-case names."""
        return _auth.check(headers, self.config.api_key)

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
            # The raw target, as _http chose the admin guards by: not ``http://x/_ftjobs/...``.
            admin = raw_path.startswith(ADMIN_PREFIX)
            prefix = next((p for p in (API_PREFIX, AZURE_PREFIX) if parts.path.startswith(p)), None)
            if prefix is None and not admin:
                raise _errors.invalid_url(method, parts.path)
            denied = self.authenticate(headers)
            if denied is not None:
                raise denied
            if prefix is None:  # the admin API
                return self._admin(method, parts.path, body)
            if prefix == AZURE_PREFIX:
                query = _azure_query(query)
            if parts.path[len(prefix) :].split("/", 1)[0] in FILE_ROUTES:
                return self._files(method, parts.path[len(prefix) :], query, headers, body)
            return self._api(method, parts.path, prefix, query, body)
        except _errors.ApiError as exc:
            return error_response(exc)
        except sqlite3.Error as exc:
            # The database failed (locked, read-only, corrupt): say so, stay up; nothing was acknowledged.
            sys.stderr.write(f"ftjobs server: {method} {_short(raw_path)}: database error: {exc}\n")
            response = error_response(_store.database_error(exc))
            if response.status == 503:
                response.headers.append(("Retry-After", "1"))
            return response
        except Exception:  # a bug: answer a 500 in the API's shape rather than drop the connection
            sys.stderr.write(f"ftjobs server: {method} {_short(raw_path)}: internal error\n")
            traceback.print_exc(file=sys.stderr)
            return error_response(_errors.server_error())

    # --- the API -------------------------------------------------------------------------------

    def _api(
        self, method: str, path: str, prefix: str, query: list[tuple[str, str]], body: bytes
    ) -> Response:
        """Route by the spec's paths, validate the parameters, run the operation."""
        segments = [unquote(segment) for segment in path[len(prefix) :].split("/")]
        found = self.spec.route(method, segments)
        if not isinstance(found, tuple):
            raise _errors.wrong_method(method, path, self.allowed_methods(path))
        route, path_params = found
        args = self.spec.parameters(route.operation_id, path_params, query)
        return self._operation(route.operation_id, args, body)

    def _operation(self, operation_id: str, args: dict[str, Any], body: bytes) -> Response:
        """One spec operation, its parameters already validated."""
        flavor = self.config.flavor
        if flavor != "openai" and operation_id not in NAMESPACE_OPERATIONS:
            return self._flavored(flavor, operation_id, args, body)
        store = self.store
        if operation_id == CREATE:
            return json_response(200, store.create(self.spec.body(operation_id, _json_body(body))))
        if operation_id == LIST_JOBS:
            data, has_more = store.list_jobs(
                after=args.get("after"), limit=args["limit"], metadata=args.get("metadata", False)
            )
            return json_response(200, {"object": "list", "data": data, "has_more": has_more})
        if operation_id in NAMESPACE_OPERATIONS:
            return json_response(200, self._namespace(operation_id, args, body))
        job_id = args["fine_tuning_job_id"]
        if operation_id == RETRIEVE:
            return json_response(200, store.get(job_id))
        if operation_id in JOB_ACTIONS:
            return json_response(200, store.act(job_id, JOB_ACTIONS[operation_id]))
        return self._children(operation_id, job_id, args)

    def _children(self, operation_id: str, job_id: str, args: dict[str, Any]) -> Response:
        """A page of a job's events or checkpoints (checkpoints also carry first_id/last_id)."""
        table = JOB_LISTS[operation_id]
        data, has_more = self.store.list_children(table, job_id, after=args.get("after"), limit=args["limit"])
        payload: dict[str, Any] = {"object": "list", "data": data, "has_more": has_more}
        if table == "checkpoints":
            payload["first_id"] = data[0]["id"] if data else None
            payload["last_id"] = data[-1]["id"] if data else None
        return json_response(200, payload)

    def _flavored(self, flavor: str, operation_id: str, args: dict[str, Any], body: bytes) -> Response:
        """A job operation answered in flavor's shapes (see ``_flavors``)."""
        store = self.store
        gateway = _flavors.is_gateway(flavor)
        if operation_id == CREATE:
            fields, missing = _flavors.create_fields(flavor, _json_body(body))
            if missing is not None:
                raise _errors.bad_request(missing, param=missing.split()[0])
            created = store.create(self.spec.body(operation_id, fields))
            if flavor == "portkey-bedrock":  # BedrockCreateFinetuneResponseTransform: {id} only
                return json_response(200, {"id": _flavors.public_id(flavor, created["id"])})
            return json_response(200, _flavors.job(flavor, created))
        if operation_id == LIST_JOBS:
            if flavor == "portkey-bedrock":  # after and limit are not forwarded to AWS
                data, has_more = store.list_jobs(after=None, limit=_flavors.BEDROCK_PAGE, metadata=False)
            else:
                data, has_more = store.list_jobs(
                    after=args.get("after"), limit=args["limit"], metadata=args.get("metadata", False)
                )
            return json_response(200, _flavors.job_list(flavor, data, has_more))
        job_id = _flavors.store_id(flavor, args["fine_tuning_job_id"])
        if operation_id == RETRIEVE:
            return json_response(200, _flavors.job(flavor, store.get(job_id)))
        if operation_id in JOB_ACTIONS:
            # Through the gateway every POST on a job is its cancel: pause and resume too.
            acted = store.act(job_id, "cancel" if gateway else JOB_ACTIONS[operation_id])
            if flavor == "portkey-bedrock":
                return Response(200, b"")
            if flavor == "portkey-vertex":
                return json_response(200, {})
            return json_response(200, _flavors.job(flavor, acted))
        if gateway:  # the gateway asks the backend for a job named "events" / "checkpoints"
            raise _errors.ApiError(
                404, f"{flavor}: the gateway serves no {JOB_LISTS[operation_id]} for this backend"
            )
        return self._children(operation_id, job_id, args)

    def _files(
        self, method: str, path: str, query: list[tuple[str, str]], headers: Mapping[str, str], body: bytes
    ) -> Response:
        """The files and Uploads routes (``_files``: multipart bodies, not the spec's JSON checks)."""
        segments = [unquote(segment) for segment in path.split("/")]
        store = self.store
        route = (method, segments[0], len(segments), segments[-1] if len(segments) == 3 else None)
        if route == ("POST", "files", 1, None):
            return json_response(200, _files.create_file(store, headers, body))
        if route == ("GET", "files", 1, None):
            return json_response(200, _files.list_files(store, dict(query)))
        if route[:3] == ("GET", "files", 2):
            return json_response(200, _files.get_file(store, segments[1]))
        if route[:3] == ("DELETE", "files", 2):
            return json_response(200, _files.delete_file(store, segments[1]))
        if route == ("GET", "files", 3, "content"):
            data = _files.content(store, segments[1])
            if data is None:
                raise _files.file_not_found(segments[1])
            return Response(200, data, content_type="application/octet-stream")
        if route == ("POST", "uploads", 1, None):
            return json_response(200, _files.create_upload(store, _json_body(body)))
        if route == ("POST", "uploads", 3, "parts"):
            return json_response(200, _files.add_part(store, segments[1], headers, body))
        if route == ("POST", "uploads", 3, "complete"):
            return json_response(200, _files.complete_upload(store, segments[1], _json_body(body)))
        if route == ("POST", "uploads", 3, "cancel"):
            return json_response(200, _files.cancel_upload(store, segments[1]))
        allowed = self.allowed_methods(API_PREFIX + path)
        if allowed:
            raise _errors.wrong_method(method, "/v1/" + path, allowed)
        raise _errors.invalid_url(method, "/v1/" + path)

    def _namespace(self, operation_id: str, args: dict[str, Any], body: bytes) -> dict[str, Any]:
        """Checkpoint permissions (``_permissions``) and the grader tools (``_graders``)."""
        if operation_id == "runGrader":
            return _graders.run(self.spec.body(operation_id, _json_body(body)))
        if operation_id == "validateGrader":
            return _graders.validate(self.spec.body(operation_id, _json_body(body)))
        checkpoint = args["fine_tuned_model_checkpoint"]
        if operation_id == "createFineTuningCheckpointPermission":
            request = self.spec.body(operation_id, _json_body(body))
            return _permissions.create(self.store, checkpoint, request["project_ids"])
        if operation_id == "deleteFineTuningCheckpointPermission":
            return _permissions.delete(self.store, checkpoint, args["permission_id"])
        return _permissions.list_permissions(
            self.store,
            checkpoint,
            after=args.get("after"),
            limit=args["limit"],
            order=args["order"],
            project_id=args.get("project_id"),
        )

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
            _known_fields(payload, ADVANCE_FIELDS)
            seconds = payload.get("seconds")
            if not isinstance(seconds, int | float) or isinstance(seconds, bool):
                raise _errors.bad_request("'seconds' must be a number >= 0.", param="seconds")
            try:
                return json_response(200, {"now": self.store.advance(seconds)})
            except ValueError as exc:  # negative, or past the end of time
                raise _errors.bad_request(str(exc), param="seconds") from None
        if route == "faults":
            if method == "POST":
                _known_fields(payload, FAULT_FIELDS)
                self._queue_fault(payload)
            elif method == "DELETE":
                self.faults.clear()
            elif method != "GET":
                raise _errors.wrong_method(method, path, self.allowed_methods(path))
            return json_response(200, {"object": "list", "data": self.faults.pending()})
        if route == "requests":
            if method == "DELETE":
                self.log.clear()
            elif method != "GET":
                raise _errors.wrong_method(method, path, self.allowed_methods(path))
            return json_response(200, {"object": "list", "data": self.log.entries()})
        segments = route.split("/")
        if len(segments) == 3 and segments[0] == "jobs" and segments[2] == "fail" and method == "POST":
            _known_fields(payload, FAIL_FIELDS)
            job_id = _flavors.store_id(self.config.flavor, unquote(segments[1]))
            return json_response(200, self.store.act(job_id, "fail", _failure(payload)))
        raise _errors.wrong_method(method, path, self.allowed_methods(path))

    def _queue_fault(self, payload: dict[str, Any]) -> None:
        spec, times = payload.get("fault"), payload.get("times", 1)
        path, method = payload.get("path"), payload.get("method")
        if not isinstance(spec, str):
            raise _errors.bad_request("'fault' must be a fault SPEC string.", param="fault")
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise _errors.bad_request("'times' must be an integer >= 1.", param="times")
        for name, value in (("path", path), ("method", method)):
            if not (value is None or isinstance(value, str)) or len(value or "") > MAX_LOGGED_PATH:
                raise _errors.bad_request(
                    f"'{name}' must be a string of at most {MAX_LOGGED_PATH} characters, or null.", param=name
                )
        try:
            fault = _faults.parse_fault(spec)
        except _faults.FaultSpecError as exc:
            raise _errors.bad_request(str(exc), param="fault") from exc
        if len(self.faults.pending()) >= MAX_QUEUED_FAULTS:
            raise _errors.bad_request(
                f"The fault queue is full ({MAX_QUEUED_FAULTS} faults); DELETE /_ftjobs/faults first.",
                param="fault",
            )
        self.faults.add(fault, times=times, path=path, method=method)

    def allowed_methods(self, raw_path: str) -> tuple[str, ...]:
        """The methods a path has routes for (``Allow`` of a 405); empty when it has none."""
        files = _file_methods(urlsplit(raw_path).path)
        if files is not None:
            return files
        path = urlsplit(raw_path).path
        if path.startswith(ADMIN_PREFIX):
            route = path[len(ADMIN_PREFIX) :]
            segments = route.split("/")
            if len(segments) == 3 and segments[0] == "jobs" and segments[1] and segments[2] == "fail":
                return ("POST",)
            return ADMIN_METHODS.get(route, ())
        prefix = next((p for p in (API_PREFIX, AZURE_PREFIX) if path.startswith(p)), None)
        if prefix is None:
            return ()
        found = self.spec.route("", [unquote(segment) for segment in path[len(prefix) :].split("/")])
        methods = set(found) if isinstance(found, list) else set()
        if "GET" in methods:
            methods.add("HEAD")
        return tuple(sorted(methods))


def _known_fields(payload: dict[str, Any], known: frozenset[str]) -> None:
    """An admin body names only the fields its route takes (a typo is a 400, not ignored)."""
    for key in payload:
        if key not in known:
            raise _errors.bad_request(
                f"Unrecognized request argument supplied: {_short(key)}"
                f" (this route takes {', '.join(sorted(known))}).",
                param=_short(key),
                code="unknown_parameter",
            )


def _short(text: str, limit: int = 200) -> str:
    """``text`` cut for a message or a log line."""
    return text if len(text) <= limit else text[:limit] + "..."


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


def _file_methods(path: str) -> tuple[str, ...] | None:
    """The methods of a files or Uploads path (``Allow`` of a 405); None for another path."""
    prefix = next((p for p in (API_PREFIX, AZURE_PREFIX) if path.startswith(p)), None)
    if prefix is None:
        return None
    segments = path[len(prefix) :].split("/")
    if segments[0] not in FILE_ROUTES:
        return None
    shape = (segments[0], len(segments), segments[-1] if len(segments) == 3 else None)
    return {
        ("files", 1, None): ("GET", "POST"),
        ("files", 3, "content"): ("GET",),
        ("uploads", 1, None): ("POST",),
        ("uploads", 3, "parts"): ("POST",),
        ("uploads", 3, "complete"): ("POST",),
        ("uploads", 3, "cancel"): ("POST",),
    }.get(shape, ("DELETE", "GET") if shape[:2] == ("files", 2) else ())
