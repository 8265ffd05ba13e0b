"""The API objects of the local server: building jobs from (validated, see ``_validate``) create
requests, and what each lifecycle milestone or action does to a job (its status, fields, events and
checkpoints).

Functions here mutate the job dict they are given and return new event and checkpoint dicts;
storage and locking are the store's business.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from ._lifecycle import (
    STEPS_PER_EPOCH,
    TOKENS_PER_STEP,
    Kind,
    Milestone,
    epochs_of,
    training_metrics,
    validates,
    validation_metrics,
)
from ._schema_defaults import fill_required

#: A ``training_file`` with this id makes the job fail validation (documented in docs/server.md).
INVALID_TRAINING_FILE = "file-invalid"
INVALID_FILE_ERROR = {
    "code": "invalid_training_file",
    "message": f"The job failed due to an invalid training file: {INVALID_TRAINING_FILE} is not a valid"
    " JSONL file of chat examples.",
    "param": "training_file",
}
DEFAULT_FAILURE = {
    "code": "server_error",
    "message": "The job failed due to an internal error.",
    "param": None,
}
HYPERPARAMETERS = ("batch_size", "learning_rate_multiplier", "n_epochs")
_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str) -> str:
    """``prefix`` + 24 random alphanumerics, like ``ftjob-AbC...``."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(24))


@dataclass
class Effects:
    """Events and checkpoints produced by a milestone or an action, oldest first."""

    events: list[dict[str, Any]] = field(default_factory=list)
    checkpoints: list[dict[str, Any]] = field(default_factory=list)


# --- building ----------------------------------------------------------------------------------


def _filled(hyperparameters: dict[str, Any] | None, kind: str) -> dict[str, Any]:
    filled = dict.fromkeys(HYPERPARAMETERS, "auto")
    if kind == "dpo":
        filled["beta"] = "auto"
    filled.update(hyperparameters or {})
    return filled


def new_job(request: dict[str, Any], *, job_id: str, now: float, organization_id: str) -> dict[str, Any]:
    """A FineTuningJob for a validated create request, in ``validating_files``."""
    method = request.get("method")
    if method is not None:
        kind = method["type"]
        detail = dict(method.get(kind) or {})
        detail["hyperparameters"] = _filled(detail.get("hyperparameters"), kind)
        method = {"type": kind, kind: detail}
        hyperparameters = detail["hyperparameters"]
    else:
        hyperparameters = _filled(request.get("hyperparameters"), "supervised")
        method = {"type": "supervised", "supervised": {"hyperparameters": hyperparameters}}
    seed = request.get("seed")
    job = {
        "object": "fine_tuning.job",
        "id": job_id,
        "model": request["model"],
        "created_at": int(now),
        "error": None,
        "fine_tuned_model": None,
        "finished_at": None,
        "hyperparameters": {key: hyperparameters[key] for key in HYPERPARAMETERS},
        "organization_id": organization_id,
        "result_files": [],
        "status": "validating_files",
        "trained_tokens": None,
        "training_file": request["training_file"],
        "validation_file": request.get("validation_file"),
        "integrations": request.get("integrations") or [],
        "seed": seed if seed is not None else secrets.randbelow(2_147_483_647),
        "estimated_finish": None,
        "method": method,
        "metadata": request.get("metadata"),
        "user_provided_suffix": request.get("suffix"),
    }
    return fill_required(job, "FineTuningJob")  # and whatever else the spec requires


def train_steps(job: dict[str, Any]) -> int:
    """Training steps of a job: two per epoch."""
    return epochs_of((job.get("hyperparameters") or {}).get("n_epochs")) * STEPS_PER_EPOCH


def step_metrics(job: dict[str, Any], step: int, total: int) -> dict[str, float]:
    """The ``data`` of a job's metrics event at ``step`` (``total_steps`` aside): training loss and
    accuracy; with a validation file, validation every few steps and the full validation at the last
    step. Deterministic for the job's ``seed``."""
    seed = int(job.get("seed") or 0)
    metrics = training_metrics(seed, step, total)
    if job.get("validation_file") and validates(step, total):
        metrics.update(validation_metrics(seed, step, total))
        if step == total:
            metrics.update(validation_metrics(seed, step, total, full=True))
    return metrics


def _step_message(metrics: dict[str, float], total: int) -> str:
    text = f"Step {int(metrics['step'])}/{total}: training loss={metrics['train_loss']:.4f}"
    if "valid_loss" in metrics:
        text += f", validation loss={metrics['valid_loss']:.4f}"
    if "full_valid_loss" in metrics:
        text += f", full validation loss={metrics['full_valid_loss']:.4f}"
    return text


def fine_tuned_model_name(job: dict[str, Any]) -> str:
    """``ft:MODEL:ORG:SUFFIX:ID8``, the shape OpenAI uses."""
    suffix = job.get("user_provided_suffix") or ""
    return f"ft:{job['model']}:{job['organization_id']}:{suffix}:{job['id'][-8:].lower()}"


def event(
    when: float,
    message: str,
    *,
    level: str = "info",
    type_: str = "message",
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A FineTuningJobEvent."""
    built = {
        "object": "fine_tuning.job.event",
        "id": new_id("ft-event-"),
        "created_at": int(when),
        "level": level,
        "message": message,
        "data": data if data is not None else {},
        "type": type_,
    }
    return fill_required(built, "FineTuningJobEvent")


def apply_milestone(
    job: dict[str, Any], milestone: Milestone, when: float, invalid_error: dict[str, Any] | None = None
) -> Effects:
    """Move ``job`` past ``milestone`` (reached at clock time ``when``); a failed validation fails
    with ``invalid_error`` (what the validator found in a stored file) or the default one."""
    effects = Effects()
    total = train_steps(job)
    kind = milestone.kind
    if kind is Kind.VALIDATING:
        job["status"] = "validating_files"
        effects.events.append(event(when, f"Created fine-tuning job: {job['id']}"))
        effects.events.append(event(when, f"Validating training file: {job['training_file']}"))
    elif kind is Kind.QUEUED:
        job["status"] = "queued"
        effects.events.append(event(when, "Files validated, moving job to queued state"))
    elif kind is Kind.STARTED:
        job["status"] = "running"
        job["trained_tokens"] = 0
        effects.events.append(event(when, "Fine-tuning job started"))
    elif kind is Kind.STEP:
        step = milestone.step
        metrics = step_metrics(job, step, total)
        job["trained_tokens"] = step * TOKENS_PER_STEP
        effects.events.append(
            event(
                when, _step_message(metrics, total), type_="metrics", data={**metrics, "total_steps": total}
            )
        )
        if step % STEPS_PER_EPOCH == 0:
            checkpoint_metrics = dict(metrics)  # the numbers of the step's metrics event
            effects.checkpoints.append(
                fill_required(
                    {
                        "object": "fine_tuning.job.checkpoint",
                        "id": new_id("ftckpt_"),
                        "created_at": int(when),
                        "fine_tuned_model_checkpoint": f"{fine_tuned_model_name(job)}:ckpt-step-{step}",
                        "fine_tuning_job_id": job["id"],
                        "metrics": checkpoint_metrics,
                        "step_number": step,
                    },
                    "FineTuningJobCheckpoint",
                )
            )
            effects.events.append(event(when, f"Checkpoint created at step {step}"))
    elif kind is Kind.SUCCEEDED:
        model = fine_tuned_model_name(job)
        job.update(
            status="succeeded",
            fine_tuned_model=model,
            finished_at=int(when),
            result_files=["file-" + job["id"].removeprefix("ftjob-")[:24]],
            trained_tokens=total * TOKENS_PER_STEP,
            estimated_finish=None,
        )
        effects.events.append(event(when, f"New fine-tuned model created: {model}"))
        effects.events.append(event(when, "The job has successfully completed"))
    else:  # Kind.INVALID_FILE
        effects = fail(job, when, invalid_error or INVALID_FILE_ERROR)
    return effects


def fail(job: dict[str, Any], when: float, error: dict[str, Any]) -> Effects:
    """Mark ``job`` failed with ``error`` ({code, message, param})."""
    job.update(status="failed", error=dict(error), finished_at=int(when), estimated_finish=None)
    return Effects(events=[event(when, str(error["message"]), level="error")])


def set_status(job: dict[str, Any], status: str, when: float) -> Effects:
    """Apply cancel, pause or resume (already checked by ``_lifecycle.transition``)."""
    job["status"] = status
    job["estimated_finish"] = None
    messages = {
        "cancelled": "Fine-tuning job cancelled",
        "paused": "Fine-tuning job paused",
        "running": "Fine-tuning job resumed",
    }
    return Effects(events=[event(when, messages[status])])


# --- seeds -------------------------------------------------------------------------------------


def normalize_job(example: dict[str, Any]) -> dict[str, Any]:
    """A spec example job made valid against FineTuningJob (fills the required fields it omits)."""
    job = dict(example)
    error = job.get("error")
    if not (
        isinstance(error, dict)
        and isinstance(error.get("code"), str)
        and isinstance(error.get("message"), str)
    ):
        job["error"] = None
    method = job.get("method") or {"type": "supervised", "supervised": {}}
    method_hp = (method.get(method.get("type")) or {}).get("hyperparameters") or {}
    if not isinstance(job.get("hyperparameters"), dict):
        job["hyperparameters"] = {key: method_hp.get(key, "auto") for key in HYPERPARAMETERS}
    for key in ("fine_tuned_model", "finished_at", "trained_tokens", "validation_file", "estimated_finish"):
        job.setdefault(key, None)
    job.setdefault("result_files", [])
    job.setdefault("integrations", [])
    job.setdefault("seed", 0)
    job.setdefault("metadata", None)
    job.setdefault("method", method)
    return fill_required(job, "FineTuningJob")


def normalize_event(example: dict[str, Any]) -> dict[str, Any]:
    """A spec example event made valid against FineTuningJobEvent (``data: null`` -> ``{}``)."""
    normalized = dict(example)
    if not isinstance(normalized.get("data"), dict):
        normalized["data"] = {}
    return normalized
