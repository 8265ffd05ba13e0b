"""Typed results of the rest of the fine-tuning namespace: checkpoint permissions and the grader tools.

Frozen views read in one pass from the decoded JSON, under the tolerance policy of ``_models``
(docs/typing.md): a key the server omits, or ``null``, reads as ``None`` (``{}`` for a map); unknown
keys stay in ``raw``; a value of the wrong JSON type is a :class:`ResponseValidationError` naming
its path (``grader_run.metadata.execution_time: expected a number, got string``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from . import _parse as p
from ._errors import ResponseValidationError
from ._models import Exportable, _generated, _object
from ._types import Grader

if TYPE_CHECKING:
    from ftjobs_generated.models.fine_tuning_checkpoint_permission import FineTuningCheckpointPermission
    from ftjobs_generated.models.run_grader_response import RunGraderResponse
    from ftjobs_generated.models.validate_grader_response import ValidateGraderResponse


def _boolean(d: p.Obj, key: str) -> bool | None:
    v = d.get(key)
    if v is None or type(v) is bool:
        return v
    raise p.Invalid(key, "a boolean", v)


def _any_map(d: p.Obj, key: str) -> Mapping[str, Any]:
    """An object of any values, kept as received (``{}`` when absent or null)."""
    return p.mapping(d, key) or {}


@attrs.frozen(kw_only=True)
class CheckpointPermission(Exportable):
    """A project's access to a fine-tuned model checkpoint (``checkpoint.permission``)."""

    id: str
    created_at: dt.datetime | None
    project_id: str | None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    #: The ``x-request-id`` of the response this came from (None when not from a call).
    request_id: str | None = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: object) -> CheckpointPermission:
        """Parse a permission object; raise ResponseValidationError (naming the JSON path) if not one."""
        d = _object(data, "checkpoint.permission")
        try:
            return cls._read(d)
        except p.Invalid as exc:
            raise ResponseValidationError(exc.message("permission")) from None

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> CheckpointPermission:
        p.string(d, "object")
        return cls(
            id=p.required_string(d, "id"),
            created_at=p.time(d, "created_at"),
            project_id=p.string(d, "project_id"),
            raw=d,
        )

    @functools.cached_property
    def generated(self) -> FineTuningCheckpointPermission:
        """The permission as the generated ``FineTuningCheckpointPermission`` model."""
        return _generated("FineTuningCheckpointPermission", "permission", self.raw)  # type: ignore[no-any-return]


@attrs.frozen(kw_only=True)
class PermissionDeleted(Exportable):
    """The answer to ``permissions.delete``: the permission's ``id`` and ``deleted``."""

    id: str
    deleted: bool | None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    request_id: str | None = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: object) -> PermissionDeleted:
        """Parse a deleted-permission object; ResponseValidationError (naming the JSON path) if not one."""
        d = _object(data, "checkpoint.permission")
        try:
            p.string(d, "object")
            return cls(id=p.required_string(d, "id"), deleted=_boolean(d, "deleted"), raw=d)
        except p.Invalid as exc:
            raise ResponseValidationError(exc.message("permission")) from None


@attrs.frozen(kw_only=True)
class TokenUsage:
    """Tokens a model grader used (``metadata.token_usage`` in its object form)."""

    prompt_tokens: int | None
    completion_tokens: int | None
    total_tokens: int | None
    cached_tokens: int | None


@attrs.frozen(kw_only=True)
class GraderRunErrors:
    """What went wrong while grading (``metadata.errors``): flags, and details for some."""

    formula_parse_error: bool | None
    sample_parse_error: bool | None
    truncated_observation_error: bool | None
    unresponsive_reward_error: bool | None
    invalid_variable_error: bool | None
    other_error: bool | None
    python_grader_server_error: bool | None
    python_grader_server_error_type: str | None
    python_grader_runtime_error: bool | None
    python_grader_runtime_error_details: str | None
    model_grader_server_error: bool | None
    model_grader_refusal_error: bool | None
    model_grader_parse_error: bool | None
    model_grader_server_error_details: str | None

    @property
    def any(self) -> bool:
        """Whether any error flag is set."""
        return any(
            getattr(self, f.name) is True for f in attrs.fields(GraderRunErrors) if f.name not in _DETAILS
        )


_DETAILS = frozenset(
    {
        "python_grader_server_error_type",
        "python_grader_runtime_error_details",
        "model_grader_server_error_details",
    }
)


def _errors(d: p.Obj) -> GraderRunErrors:
    values: dict[str, Any] = {
        f.name: (p.string(d, f.name) if f.name in _DETAILS else _boolean(d, f.name))
        for f in attrs.fields(GraderRunErrors)
    }
    return GraderRunErrors(**values)


def _token_usage(d: p.Obj, key: str) -> int | TokenUsage | None:
    if p.is_object(d.get(key)):
        return p.sub(d, key, _usage)
    return p.integer(d, key)


def _usage(d: p.Obj) -> TokenUsage:
    return TokenUsage(
        prompt_tokens=p.integer(d, "prompt_tokens"),
        completion_tokens=p.integer(d, "completion_tokens"),
        total_tokens=p.integer(d, "total_tokens"),
        cached_tokens=p.integer(d, "cached_tokens"),
    )


@attrs.frozen(kw_only=True)
class GraderRunMetadata:
    """How a grader run went (``metadata``): the grader's name and type, errors, time, token use."""

    name: str | None
    type: str | None
    errors: GraderRunErrors | None = attrs.field(repr=False)
    execution_time: float | None
    scores: Mapping[str, Any]
    token_usage: int | TokenUsage | None
    sampled_model_name: str | None


def _metadata(d: p.Obj) -> GraderRunMetadata:
    return GraderRunMetadata(
        name=p.string(d, "name"),
        type=p.string(d, "type"),
        errors=p.sub(d, "errors", _errors),
        execution_time=p.number(d, "execution_time"),
        scores=_any_map(d, "scores"),
        token_usage=_token_usage(d, "token_usage"),
        sampled_model_name=p.string(d, "sampled_model_name"),
    )


@attrs.frozen(kw_only=True)
class GraderRunResult(Exportable):
    """The answer to ``graders.run``: the ``reward`` the grader gave the sample, and how it went."""

    reward: float | None
    metadata: GraderRunMetadata | None
    sub_rewards: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    model_grader_token_usage_per_model: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    request_id: str | None = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: object) -> GraderRunResult:
        """Parse a grader run result; raise ResponseValidationError (naming the JSON path) if not one."""
        d = _object(data, "grader run result")
        try:
            return cls(
                reward=p.number(d, "reward"),
                metadata=p.sub(d, "metadata", _metadata),
                sub_rewards=_any_map(d, "sub_rewards"),
                model_grader_token_usage_per_model=_any_map(d, "model_grader_token_usage_per_model"),
                raw=d,
            )
        except p.Invalid as exc:
            raise ResponseValidationError(exc.message("grader_run")) from None

    @functools.cached_property
    def generated(self) -> RunGraderResponse:
        """The result as the generated ``RunGraderResponse`` model."""
        return _generated("RunGraderResponse", "grader_run", self.raw)  # type: ignore[no-any-return]


@attrs.frozen(kw_only=True)
class GraderValidation(Exportable):
    """The answer to ``graders.validate``: the grader as the server read it (a typed grader,
    :class:`ftjobs.UnknownVariant` for a type the client does not know)."""

    grader: Grader | None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    request_id: str | None = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: object) -> GraderValidation:
        """Parse a grader validation result; ResponseValidationError (naming the JSON path) if not one."""
        d = _object(data, "grader validation")
        try:
            return cls(grader=p.grader_at(d, "grader"), raw=d)
        except p.Invalid as exc:
            raise ResponseValidationError(exc.message("grader_validation")) from None

    @functools.cached_property
    def generated(self) -> ValidateGraderResponse:
        """The result as the generated ``ValidateGraderResponse`` model."""
        return _generated("ValidateGraderResponse", "grader_validation", self.raw)  # type: ignore[no-any-return]
