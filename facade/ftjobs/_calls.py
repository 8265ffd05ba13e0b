"""Each API operation as a :class:`Call`, built by the generated client's request functions.

The URL templates, methods and query parameters come from ``ftjobs_generated`` (and so from the
spec); this module adds what the generated code cannot know: id checks and the id's path segment
(a percent-encoded gateway id is sent as given, where the generated code would encode it again), the
deepObject encoding of ``metadata[k]=v``, and which calls are safe to repeat.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from ._errors import InvalidArgumentError
from ._http import Call
from ._ids import check_job_id

_MODULES: dict[str, Any] = {}


def _generated(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        module = _MODULES[name] = importlib.import_module(f"ftjobs_generated.api.fine_tuning.{name}")
    return module


#: Passed to the generated ``_get_kwargs`` in place of a percent-encoded id (quote leaves it
#: unchanged), then replaced by the id as given: the generated quote would encode it a second time.
_SLOT = "ftjobs-job-id-slot"


def _for_job(name: str, job_id: str, **kwargs: Any) -> dict[str, Any]:
    """The generated kwargs of operation name, its URL holding job_id's checked path segment
    (``_ids.job_path_segment``: an id without ``%`` escaped once by the generated code, one with
    ``%`` as given)."""
    checked = check_job_id(job_id)
    if "%" not in checked:
        plain: dict[str, Any] = _generated(name)._get_kwargs(checked, **kwargs)
        return plain
    built: dict[str, Any] = _generated(name)._get_kwargs(_SLOT, **kwargs)
    built["url"] = str(built["url"]).replace(_SLOT, checked, 1)  # as given: job_path_segment
    return built


def _param(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _from_kwargs(kwargs: Mapping[str, Any], *, idempotent: bool = True, empty_ok: bool = False) -> Call:
    params = tuple((k, _param(v)) for k, v in (kwargs.get("params") or {}).items())
    return Call(
        method=str(kwargs["method"]).upper(),
        path=str(kwargs["url"]),
        params=params,
        json_body=kwargs.get("json"),
        idempotent=idempotent,
        empty_ok=empty_ok,
    )


def _check_limit(limit: int | None) -> int | None:
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidArgumentError(f"limit must be a positive integer, got {limit!r}")
    return limit


def _paging(after: str | None, limit: int | None) -> dict[str, Any]:
    from ftjobs_generated.types import UNSET

    if after is not None and not isinstance(after, str):
        raise InvalidArgumentError(f"after must be a string cursor, got {type(after).__name__}")
    checked = _check_limit(limit)
    return {"after": UNSET if after is None else after, "limit": UNSET if checked is None else checked}


def retrieve(job_id: str) -> Call:
    """GET /fine_tuning/jobs/{id}."""
    return _from_kwargs(_for_job("retrieve_fine_tuning_job", job_id))


def action(name: str, job_id: str) -> Call:
    """POST /fine_tuning/jobs/{id}/{cancel,pause,resume}: converging, so safe to retry. An empty
    answer is one (Bedrock through Portkey; see _answers)."""
    module = {
        "cancel": "cancel_fine_tuning_job",
        "pause": "pause_fine_tuning_job",
        "resume": "resume_fine_tuning_job",
    }
    return _from_kwargs(_for_job(module[name], job_id), empty_ok=True)


def list_jobs(after: str | None, limit: int | None, metadata: Mapping[str, str] | None) -> Call:
    """GET /fine_tuning/jobs with the metadata filter encoded as ``metadata[k]=v``."""
    call = _from_kwargs(_generated("list_paginated_fine_tuning_jobs")._get_kwargs(**_paging(after, limit)))
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
    return _from_kwargs(_for_job("list_fine_tuning_events", job_id, **_paging(after, limit)))


def checkpoints(job_id: str, after: str | None, limit: int | None) -> Call:
    """GET /fine_tuning/jobs/{id}/checkpoints."""
    return _from_kwargs(_for_job("list_fine_tuning_job_checkpoints", job_id, **_paging(after, limit)))


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
    mappings are both accepted. The body is checked by the generated ``CreateFineTuningJobRequest``.
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
    kwargs = _generated("create_fine_tuning_job")._get_kwargs(body=request)
    return _from_kwargs(kwargs, idempotent=False)
