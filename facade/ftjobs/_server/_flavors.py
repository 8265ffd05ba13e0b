"""Server flavors: the same jobs, answered in the shapes of one backend.

``openai`` (the default) answers as the spec says. ``azure`` as Azure OpenAI does: ``pending``
where OpenAI says ``validating_files``/``queued``, ``organization_id`` and ``result_files`` null.
The ``portkey-*`` flavors answer as the Portkey gateway does for its non-OpenAI backends, written
from its response transforms (``bedrockFinetuneToOpenAI``, ``GoogleToOpenAIFinetune``,
``fireworkFinetuneToOpenAIFinetune`` and the list/create/cancel transforms beside them):

==================  ======================================================================================
portkey-bedrock     id ``encodeURIComponent(jobArn)``; ``object: "finetune"``; milliseconds,
                    ``finished_at: null`` while running; ``error`` the failure message or ``{}``;
                    create answers ``{id}`` only; cancel an empty body; list ``{data, object,
                    total_count, last_id: nextToken}`` (no ``has_more``; ``after`` and ``limit`` are
                    not forwarded: pages of 100); ``role_arn`` required on create
portkey-vertex      ``object: "finetune"``; milliseconds; ``finished_at`` only once ended; ``error``
                    ``{code, message, details}`` (a number code); int64 numbers as strings; cancel
                    answers ``{}``
portkey-fireworks   no ``object``; milliseconds; ``completed_at`` for ``finished_at``; ``error``
                    ``{code, message}`` only on failed jobs
==================  ======================================================================================

Through the gateway, every ``POST /fine_tuning/jobs/{id}/...`` is its cancel (so ``pause`` and
``resume`` cancel the job: the ``portkey-*`` flavors do the same), and ``GET /fine_tuning/jobs/{id}/
events`` or ``/checkpoints`` reach the backend as a job named ``events``: a 404 here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

FLAVORS = ("openai", "azure", "portkey-bedrock", "portkey-vertex", "portkey-fireworks")
BEDROCK_ARN = "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/"
#: What the Bedrock flavor takes on create beside the OpenAI fields (the gateway's create config).
BEDROCK_FIELDS = ("role_arn", "job_name", "model_type", "provider_options", "customization_type")
#: Fields any portkey-* flavor takes and drops (routing inside the body, Portkey-as-a-provider).
PORTKEY_FIELDS = ("portkey_options",)
BEDROCK_PAGE = 100
_ENDED = ("succeeded", "failed", "cancelled")


def is_gateway(flavor: str) -> bool:
    """Whether flavor is one of the Portkey gateway's non-OpenAI backends."""
    return flavor.startswith("portkey-")


def store_id(flavor: str, given: str) -> str:
    """The store's id for the id a request names (already percent-decoded once)."""
    if flavor == "portkey-bedrock" and given.startswith(BEDROCK_ARN):
        return given[len(BEDROCK_ARN) :]
    return given


def public_id(flavor: str, job_id: str) -> str:
    """The id a flavor shows for the store's job_id."""
    if flavor == "portkey-bedrock":
        return quote(BEDROCK_ARN + job_id, safe="")
    return job_id


def create_fields(flavor: str, body: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The OpenAI create body inside a flavor's create body, and the error message if it lacks one."""
    kept = dict(body)
    if not is_gateway(flavor):
        return kept, None
    for name in PORTKEY_FIELDS:
        kept.pop(name, None)
    if flavor == "portkey-bedrock":
        if not isinstance(kept.get("role_arn"), str) or not kept["role_arn"]:
            return kept, "role_arn is required"
        for name in BEDROCK_FIELDS:
            kept.pop(name, None)
    return kept, None


def _ms(seconds: object) -> int | None:
    if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds:
        return int(seconds * 1000)
    return None


def _number(value: object) -> Any:
    """JavaScript's Number() of a hyperparameter, as JSON: "auto" is NaN, which serialises null."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _hyperparameters(job: Mapping[str, Any]) -> Mapping[str, Any]:
    found = job.get("hyperparameters")
    if isinstance(found, Mapping):
        return found
    method = job.get("method")
    if isinstance(method, Mapping):
        inner = method.get(str(method.get("type")))
        if isinstance(inner, Mapping) and isinstance(inner.get("hyperparameters"), Mapping):
            hp: Mapping[str, Any] = inner["hyperparameters"]
            return hp
    return {}


def _message(job: Mapping[str, Any]) -> str | None:
    error = job.get("error")
    if isinstance(error, Mapping) and isinstance(error.get("message"), str):
        return str(error["message"])
    return None


def job(flavor: str, job: Mapping[str, Any]) -> dict[str, Any]:
    """The store's job as flavor answers it."""
    if flavor == "azure":
        out = dict(job)
        if out.get("status") in ("validating_files", "queued"):
            out["status"] = "pending"
        out["organization_id"] = None
        if not out.get("result_files"):
            out["result_files"] = None
        return out
    if flavor == "portkey-bedrock":
        return _bedrock(job)
    if flavor == "portkey-vertex":
        return _vertex(job)
    if flavor == "portkey-fireworks":
        return _fireworks(job)
    return dict(job)


def _bedrock(job: Mapping[str, Any]) -> dict[str, Any]:
    status = str(job.get("status"))
    hp = _hyperparameters(job)
    message = _message(job)
    return {
        "id": public_id("portkey-bedrock", str(job["id"])),
        "job_name": f"ftjobs-{job['id']}",
        "object": "finetune",
        "status": status if status in _ENDED else "running",  # Bedrock has InProgress only
        "created_at": _ms(job.get("created_at")),
        "finished_at": _ms(job.get("finished_at")),  # NaN (null) while running
        "fine_tuned_model": job.get("fine_tuned_model") or f"ftjobs-{job['id']}",
        "suffix": job.get("user_provided_suffix") or job.get("suffix"),
        "training_file": job.get("training_file") or "",
        "validation_file": job.get("validation_file") or "",
        "hyperparameters": {
            "learning_rate_multiplier": _number(hp.get("learning_rate_multiplier")),
            "batch_size": _number(hp.get("batch_size")),
            "n_epochs": _number(hp.get("n_epochs")),
        },
        "error": message if status == "failed" and message else {},
    }


def _int64(value: object) -> Any:
    """Google's JSON for an int64: a string."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _vertex(job: Mapping[str, Any]) -> dict[str, Any]:
    status = str(job.get("status"))
    hp = _hyperparameters(job)
    out: dict[str, Any] = {
        "id": job["id"],
        "object": "finetune",
        "status": {
            "validating_files": "queued",
            "paused": "queued",
            "pending": "queued",
            "created": "queued",
        }.get(status, status),
        "created_at": _ms(job.get("created_at")),
    }
    message = _message(job)
    if status == "failed":
        out["error"] = {"code": 3, "message": message or "The tuning job failed.", "details": []}
    if job.get("fine_tuned_model"):
        out["fine_tuned_model"] = job["fine_tuned_model"]
    if status in _ENDED and _ms(job.get("finished_at")) is not None:
        out["finished_at"] = _ms(job.get("finished_at"))
    out["hyperparameters"] = {
        "learning_rate_multiplier": _number(hp.get("learning_rate_multiplier")),
        "n_epochs": _int64(_number(hp.get("n_epochs"))),
    }
    out["model"] = job.get("model")
    if job.get("trained_tokens") is not None:
        out["trained_tokens"] = _int64(job["trained_tokens"])
    out["training_file"] = job.get("training_file")
    if job.get("validation_file"):
        out["validation_file"] = job["validation_file"]
    return out


def _fireworks(job: Mapping[str, Any]) -> dict[str, Any]:
    status = str(job.get("status"))
    hp = _hyperparameters(job)
    out: dict[str, Any] = {
        "id": job["id"],
        "model": job.get("model"),
        "suffix": job.get("user_provided_suffix") or job.get("suffix"),
        "training_file": job.get("training_file"),
        "validation_file": job.get("validation_file"),
        "hyperparameters": {"n_epochs": _number(hp.get("n_epochs")), "learning_rate": None},
        "created_at": _ms(job.get("created_at")),
        "completed_at": _ms(job.get("finished_at")) if status in _ENDED else None,
        "status": {"validating_files": "queued", "paused": "queued", "pending": "queued"}.get(status, status),
    }
    if status == "failed":
        out["error"] = {"code": "FAILED_PRECONDITION", "message": _message(job) or "The job failed."}
    if job.get("fine_tuned_model"):
        out["fine_tuned_model"] = job["fine_tuned_model"]
    return out


def job_list(flavor: str, data: list[dict[str, Any]], has_more: bool) -> dict[str, Any]:
    """A page of the store's jobs as flavor answers it."""
    shown = [job(flavor, j) for j in data]
    if flavor == "portkey-bedrock":
        page: dict[str, Any] = {"data": shown, "object": "list", "total_count": len(shown)}
        if has_more:
            page["last_id"] = "bedrock-next-token-page-2"  # the gateway never forwards it back
        return page
    if is_gateway(flavor):
        return {
            "object": "list",
            "data": shown,
            "first_id": shown[0]["id"] if shown else None,
            "last_id": shown[-1]["id"] if shown else None,
            "has_more": has_more,
        }
    return {"object": "list", "data": shown, "has_more": has_more}
