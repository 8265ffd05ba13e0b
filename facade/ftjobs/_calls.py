"""Each API operation as a :class:`Call`, built from the generated table of operations.

Methods, path templates and query parameters come from ``ftjobs_generated.api.fine_tuning.OPERATIONS``
(generated from the spec by ``openapi/templates/endpoint_init.py.jinja``), a table that imports
nothing: building a request loads neither the generated endpoint modules nor the models they import
(a retrieve's first answer is that much sooner). This module adds what the table cannot know: id
checks, the deepObject encoding of ``metadata[k]=v``, and which calls are safe to repeat. A request
body is checked by its generated model (``create``), which loads only the models it needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ._errors import InvalidArgumentError
from ._http import Call
from ._ids import check_job_id


def _param(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_Operation = tuple[str, str, tuple[str, ...], tuple[str, ...]]
_OPERATIONS: dict[str, _Operation] = {}


def _operation(name: str) -> _Operation:
    if not _OPERATIONS:
        from ftjobs_generated.api.fine_tuning import OPERATIONS

        _OPERATIONS.update(OPERATIONS)
    return _OPERATIONS[name]


def operation(
    name: str,
    path: tuple[str, ...] = (),
    query: Mapping[str, object] | None = None,
    json_body: Any = None,
    *,
    idempotent: bool = True,
) -> Call:
    """The Call of the spec's operation name: path holds the path parameters' values in the table's
    order (each percent-encoded whole), query the query parameters to send (None: not sent), in the
    spec's order whatever query's."""
    method, template, path_names, query_names = _operation(name)
    if len(path) != len(path_names):
        raise TypeError(f"{name} takes the path parameters {path_names}")  # a bug here, not input
    url = template
    if path:
        url = template.format_map(
            {key: quote(value, safe="") for key, value in zip(path_names, path, strict=True)}
        )
    params: tuple[tuple[str, str], ...] = ()
    if query:
        if not query.keys() <= set(query_names):
            raise TypeError(f"{name} takes the query parameters {query_names}")  # a bug here, not input
        params = tuple((key, _param(query[key])) for key in query_names if query.get(key) is not None)
    return Call(method=method, path=url, params=params, json_body=json_body, idempotent=idempotent)


def _check_limit(limit: int | None) -> int | None:
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidArgumentError(f"limit must be a positive integer, got {limit!r}")
    return limit


def _paging(after: str | None, limit: int | None) -> dict[str, object]:
    if after is not None and not isinstance(after, str):
        raise InvalidArgumentError(f"after must be a string cursor, got {type(after).__name__}")
    return {"after": after, "limit": _check_limit(limit)}


def retrieve(job_id: str) -> Call:
    """GET /fine_tuning/jobs/{id}."""
    return operation("retrieve_fine_tuning_job", (check_job_id(job_id),))


_ACTIONS = {
    "cancel": "cancel_fine_tuning_job",
    "pause": "pause_fine_tuning_job",
    "resume": "resume_fine_tuning_job",
}


def action(name: str, job_id: str) -> Call:
    """POST /fine_tuning/jobs/{id}/{cancel,pause,resume}: converging, so safe to retry."""
    return operation(_ACTIONS[name], (check_job_id(job_id),))


def list_jobs(after: str | None, limit: int | None, metadata: Mapping[str, str] | None) -> Call:
    """GET /fine_tuning/jobs with the metadata filter encoded as ``metadata[k]=v``."""
    call = operation("list_paginated_fine_tuning_jobs", query=_paging(after, limit))
    if metadata:
        if not isinstance(metadata, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
        ):
            raise InvalidArgumentError("metadata filter must map strings to strings")
        extra = tuple((f"metadata[{k}]", v) for k, v in sorted(metadata.items()))
        call = Call(call.method, call.path, call.params + extra, call.json_body, call.idempotent)
    return call


def events(job_id: str, after: str | None, limit: int | None) -> Call:
    """GET /fine_tuning/jobs/{id}/events."""
    return operation("list_fine_tuning_events", (check_job_id(job_id),), _paging(after, limit))


def checkpoints(job_id: str, after: str | None, limit: int | None) -> Call:
    """GET /fine_tuning/jobs/{id}/checkpoints."""
    return operation("list_fine_tuning_job_checkpoints", (check_job_id(job_id),), _paging(after, limit))


def _jsonable(value: Any) -> Any:
    """value as JSON data: generated models through to_dict, tuples and other sequences as lists."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def create(fields: Mapping[str, Any]) -> Call:
    """POST /fine_tuning/jobs. Not idempotent: see _retry for what is retried.

    fields holds the request properties; generated models (e.g. ``FineTuneMethod``) and plain
    mappings are both accepted. The body is checked by the generated ``CreateFineTuningJobRequest``
    and sent as it writes itself back (``to_dict``).
    """
    from ftjobs_generated.models.create_fine_tuning_job_request import CreateFineTuningJobRequest

    body = {k: _jsonable(v) for k, v in fields.items() if v is not None}
    for required in ("model", "training_file"):
        if not isinstance(body.get(required), str) or not body[required]:
            raise InvalidArgumentError(f"{required} must be a non-empty string")
    try:
        request = CreateFineTuningJobRequest.from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidArgumentError(f"invalid create request: {exc!r}") from exc
    return operation("create_fine_tuning_job", json_body=request.to_dict(), idempotent=False)
