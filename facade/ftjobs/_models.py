"""Typed results: Job, JobEvent, Checkpoint.

Each is a frozen view built from the generated model (``ftjobs_generated``): scalars are checked
and converted (timestamps to aware UTC datetimes, status to :class:`JobStatus`), nested objects are
the generated classes themselves (``method``, ``hyperparameters``, ``error``, ``integrations``...),
``raw`` keeps the response exactly as received and ``generated`` the generated model (for a Job,
built on first access: parsing reads each field once). A key the
server omits is ``None``; a key of the wrong type, or a body that is not an object, raises
:class:`ResponseValidationError`. Unknown keys are kept in ``raw``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._errors import ResponseValidationError
from ._status import JobStatus

if TYPE_CHECKING:
    from ftjobs_generated.models.fine_tune_method import FineTuneMethod
    from ftjobs_generated.models.fine_tuning_integration import FineTuningIntegration
    from ftjobs_generated.models.fine_tuning_job import FineTuningJob
    from ftjobs_generated.models.fine_tuning_job_checkpoint import FineTuningJobCheckpoint
    from ftjobs_generated.models.fine_tuning_job_checkpoint_metrics import FineTuningJobCheckpointMetrics
    from ftjobs_generated.models.fine_tuning_job_error_type_0 import FineTuningJobErrorType0
    from ftjobs_generated.models.fine_tuning_job_event import FineTuningJobEvent
    from ftjobs_generated.models.fine_tuning_job_hyperparameters import FineTuningJobHyperparameters

T = TypeVar("T")
_UTC = dt.UTC


class _Reader:
    """Checks scalar fields of one object; the first problem raises ResponseValidationError."""

    def __init__(self, kind: str, data: object) -> None:
        if not isinstance(data, Mapping):
            raise ResponseValidationError(f"expected a {kind} object, got {type(data).__name__}")
        self.kind = kind
        self.data: Mapping[str, Any] = data

    def fail(self, key: str, expected: str) -> ResponseValidationError:
        got = type(self.data.get(key)).__name__
        return ResponseValidationError(f"{self.kind}.{key}: expected {expected}, got {got}")

    def string(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or (required and not value):
            raise self.fail(key, "a non-empty string" if required else "a string")
        return value

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "an integer")
        return value

    def time(self, key: str) -> dt.datetime | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "a Unix timestamp")
        try:
            return dt.datetime.fromtimestamp(value, tz=_UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise self.fail(key, "a Unix timestamp in range") from exc

    def file_ids(self, key: str) -> tuple[str, ...]:
        """A list of file ids; 2023 schemas listed file objects, whose ``id`` is kept."""
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(key, "a list of file ids")
        ids = [v if isinstance(v, str) else v.get("id") if isinstance(v, Mapping) else None for v in value]
        if not all(isinstance(i, str) for i in ids):
            raise self.fail(key, "a list of file ids (strings or file objects with an id)")
        return tuple(ids)  # type: ignore[arg-type]

    def str_map(self, key: str) -> dict[str, str] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            raise self.fail(key, "an object of strings")
        return dict(value)

    def generated(self, cls: type[T]) -> T:
        try:
            return cls.from_dict(self.data)  # type: ignore[attr-defined,no-any-return]
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
            raise ResponseValidationError(f"{self.kind}: does not match the spec: {exc!r}") from exc


class _Generated:
    """The generated classes the models use, imported on first parse (not by ``import ftjobs``)."""

    def __getattr__(self, name: str) -> Any:
        from ftjobs_generated.models.fine_tune_method import FineTuneMethod
        from ftjobs_generated.models.fine_tuning_integration import FineTuningIntegration
        from ftjobs_generated.models.fine_tuning_job import FineTuningJob
        from ftjobs_generated.models.fine_tuning_job_checkpoint import FineTuningJobCheckpoint
        from ftjobs_generated.models.fine_tuning_job_checkpoint_metrics import FineTuningJobCheckpointMetrics
        from ftjobs_generated.models.fine_tuning_job_error_type_0 import FineTuningJobErrorType0
        from ftjobs_generated.models.fine_tuning_job_event import FineTuningJobEvent
        from ftjobs_generated.models.fine_tuning_job_hyperparameters import FineTuningJobHyperparameters
        from ftjobs_generated.types import Unset

        vars(self).update(
            FineTuneMethod=FineTuneMethod,
            FineTuningIntegration=FineTuningIntegration,
            FineTuningJob=FineTuningJob,
            FineTuningJobCheckpoint=FineTuningJobCheckpoint,
            FineTuningJobCheckpointMetrics=FineTuningJobCheckpointMetrics,
            FineTuningJobErrorType0=FineTuningJobErrorType0,
            FineTuningJobEvent=FineTuningJobEvent,
            FineTuningJobHyperparameters=FineTuningJobHyperparameters,
            Unset=Unset,
        )
        return vars(self)[name]


_gen = _Generated()


def _present(value: Any) -> Any:
    """None for the generated UNSET sentinel and None; the value otherwise."""
    return None if value is None or isinstance(value, _gen.Unset) else value


def _sub(reader: _Reader, key: str, cls: type[T]) -> T | None:
    """The generated model for the object under key (None when absent or null)."""
    value = reader.data.get(key)
    return None if value is None else _item(reader, key, value, cls)


def _item(reader: _Reader, key: str, value: object, cls: type[T]) -> T:
    """value parsed as the generated cls; ResponseValidationError naming key if it is not one."""
    if not isinstance(value, Mapping):
        raise ResponseValidationError(f"{reader.kind}.{key}: expected an object, got {type(value).__name__}")
    try:
        return cls.from_dict(value)  # type: ignore[attr-defined,no-any-return]
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise ResponseValidationError(f"{reader.kind}.{key}: does not match the spec: {exc!r}") from exc


@attrs.frozen(kw_only=True)
class Job:
    """A fine-tuning job (``fine_tuning.job``)."""

    id: str
    status: JobStatus
    model: str | None = None
    created_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    estimated_finish: dt.datetime | None = None
    fine_tuned_model: str | None = None
    organization_id: str | None = None
    training_file: str | None = None
    validation_file: str | None = None
    result_files: tuple[str, ...] = ()
    trained_tokens: int | None = None
    seed: int | None = None
    user_provided_suffix: str | None = None
    metadata: dict[str, str] | None = None
    #: Why the job failed (generated ``FineTuningJobErrorType0``: code, message, param), else None.
    error: FineTuningJobErrorType0 | None = attrs.field(default=None, repr=False)
    #: ``"auto"`` or a number per hyperparameter (generated model); None for non-supervised jobs.
    hyperparameters: FineTuningJobHyperparameters | None = attrs.field(default=None, repr=False)
    #: supervised / dpo / reinforcement and their hyperparameters (generated ``FineTuneMethod``).
    method: FineTuneMethod | None = attrs.field(default=None, repr=False)
    integrations: tuple[FineTuningIntegration, ...] = attrs.field(default=(), repr=False)
    #: The response object exactly as received, unknown keys included.
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: object) -> Job:
        """Parse a job object; raise ResponseValidationError if it is not one."""
        r = _Reader("fine_tuning.job", data)
        raw_integrations = r.data.get("integrations")
        if raw_integrations is not None and not isinstance(raw_integrations, list):
            raise r.fail("integrations", "a list")
        integrations = [
            _item(r, "integrations", item, _gen.FineTuningIntegration) for item in raw_integrations or ()
        ]
        return cls(
            id=str(r.string("id", required=True)),
            status=JobStatus(str(r.string("status", required=True))),
            model=r.string("model"),
            created_at=r.time("created_at"),
            finished_at=r.time("finished_at"),
            estimated_finish=r.time("estimated_finish"),
            fine_tuned_model=r.string("fine_tuned_model"),
            organization_id=r.string("organization_id"),
            training_file=r.string("training_file"),
            validation_file=r.string("validation_file"),
            result_files=r.file_ids("result_files"),
            trained_tokens=r.integer("trained_tokens"),
            seed=r.integer("seed"),
            user_provided_suffix=r.string("user_provided_suffix"),
            metadata=r.str_map("metadata"),
            error=_sub(r, "error", _gen.FineTuningJobErrorType0),
            hyperparameters=_sub(r, "hyperparameters", _gen.FineTuningJobHyperparameters),
            method=_sub(r, "method", _gen.FineTuneMethod),
            integrations=tuple(integrations),
            raw=r.data,
        )

    @functools.cached_property
    def generated(self) -> FineTuningJob:
        """The whole job as the generated ``FineTuningJob`` model (built on first access)."""
        return _gen.FineTuningJob.from_dict(self.raw)  # type: ignore[no-any-return]

    @property
    def method_type(self) -> str | None:
        """``"supervised"``, ``"dpo"`` or ``"reinforcement"`` (None when the server did not say)."""
        if self.method is not None:
            return str(_present(self.method.type_)) if _present(self.method.type_) is not None else None
        return None

    def to_dict(self) -> dict[str, Any]:
        """The job as the API sent it (a shallow copy of ``raw``)."""
        return dict(self.raw)


@attrs.frozen(kw_only=True)
class JobEvent:
    """One event of a job's log (``fine_tuning.job.event``). ``id`` is None only for 2023-era events."""

    id: str | None
    created_at: dt.datetime | None
    level: str | None
    message: str | None
    type: str | None = None
    data: Mapping[str, Any] | None = attrs.field(default=None, repr=False)
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    generated: FineTuningJobEvent | None = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: object) -> JobEvent:
        """Parse an event object; raise ResponseValidationError if it is not one."""
        r = _Reader("fine_tuning.job.event", data)
        extra = r.data.get("data")
        if extra is not None and not isinstance(extra, Mapping):
            raise r.fail("data", "an object")
        return cls(
            id=r.string("id"),
            created_at=r.time("created_at"),
            level=r.string("level"),
            message=r.string("message"),
            type=r.string("type"),
            data=extra,
            raw=r.data,
            generated=r.generated(_gen.FineTuningJobEvent),
        )


@attrs.frozen(kw_only=True)
class Checkpoint:
    """A model checkpoint saved during a job (``fine_tuning.job.checkpoint``)."""

    id: str
    created_at: dt.datetime | None
    fine_tuned_model_checkpoint: str | None
    step_number: int | None
    fine_tuning_job_id: str | None
    #: Generated ``FineTuningJobCheckpointMetrics`` (step, train_loss, valid_loss, ...).
    metrics: FineTuningJobCheckpointMetrics | None = attrs.field(default=None, repr=False)
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    generated: FineTuningJobCheckpoint | None = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: object) -> Checkpoint:
        """Parse a checkpoint object; raise ResponseValidationError if it is not one."""
        r = _Reader("fine_tuning.job.checkpoint", data)
        model = r.generated(_gen.FineTuningJobCheckpoint)
        return cls(
            id=str(r.string("id", required=True)),
            created_at=r.time("created_at"),
            fine_tuned_model_checkpoint=r.string("fine_tuned_model_checkpoint"),
            step_number=r.integer("step_number"),
            fine_tuning_job_id=r.string("fine_tuning_job_id"),
            metrics=_sub(r, "metrics", _gen.FineTuningJobCheckpointMetrics),
            raw=r.data,
            generated=model,
        )


@attrs.frozen
class Page:
    """One page of a list response: parsed items, ``has_more``, and the cursor for the next page."""

    items: tuple[Any, ...]
    has_more: bool
    next_after: str | None


def parse_page(data: object, item: type[Any]) -> Page:
    """Parse ``{"data": [...], "has_more": bool}`` with item.from_dict for each element."""
    if not isinstance(data, Mapping):
        raise ResponseValidationError(f"expected a list object, got {type(data).__name__}")
    items = data.get("data")
    if not isinstance(items, list):
        raise ResponseValidationError("list.data: expected a list")
    has_more = data.get("has_more", False)
    if not isinstance(has_more, bool):
        raise ResponseValidationError("list.has_more: expected a boolean")
    parsed = tuple(item.from_dict(x) for x in items)
    last_id = data.get("last_id")
    next_after = last_id if isinstance(last_id, str) and last_id else (parsed[-1].id if parsed else None)
    return Page(items=parsed, has_more=has_more and next_after is not None, next_after=next_after)
