"""Typed results: Job, JobEvent, Checkpoint, and one Page of them.

Tolerance policy (the same at every depth, also in ``docs/typing.md``). Tolerated: a key the server
omits, and ``null`` for any optional key (both read as ``None``, or ``()`` for a list); keys the
client does not know (kept in ``raw``); values of open-ended string enums the client does not know
(``status`` becomes a :class:`JobStatus` ``UNKNOWN`` member keeping the value; method type, event
level, reasoning effort and grader settings stay plain strings); union members of a type the
client does not know (a new grader type: :class:`UnknownVariant`, keeping the raw object). Not
tolerated: a value of the wrong JSON type anywhere (a boolean is not an integer; an integer is fine
where a number is expected, and ``3.0`` is an integer), a job or checkpoint without its ``id``: these raise
:class:`ResponseValidationError` naming the JSON path, e.g.
``job.hyperparameters.n_epochs: expected "auto" or integer, got list``.

Each class is a frozen view read in one pass straight from the decoded JSON (``_parse``); the
nested objects are the views of ``_types``. ``raw`` keeps the response exactly as received and
``generated`` builds the generated model (``ftjobs_generated``) on first access.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar

import attrs

from . import _parse as p
from ._errors import ResponseValidationError
from ._status import JobStatus
from ._types import CheckpointMetrics, Integration, JobError, JobHyperparameters, Method

if TYPE_CHECKING:
    from ftjobs_generated.models.fine_tuning_job import FineTuningJob
    from ftjobs_generated.models.fine_tuning_job_checkpoint import FineTuningJobCheckpoint
    from ftjobs_generated.models.fine_tuning_job_event import FineTuningJobEvent

T = TypeVar("T")


def _generated(cls_name: str, root: str, raw: Mapping[str, Any]) -> Any:
    """raw parsed by the generated class; whatever it raises becomes ResponseValidationError."""
    from ftjobs_generated import models

    try:
        return getattr(models, cls_name).from_dict(raw)
    except Exception as exc:  # the generated layer's InvalidData, or anything a template lets out
        path, expected, got = (
            getattr(exc, "path", None),
            getattr(exc, "expected", None),
            getattr(exc, "got", None),
        )
        if isinstance(path, tuple) and isinstance(expected, str) and isinstance(got, str):
            message = f"{p.json_path(root, path)}: expected {expected}, got {got}"
        else:
            message = f"{root}: does not match the generated {cls_name}: {type(exc).__name__}: {exc}"
        raise ResponseValidationError(message) from exc


def _json_copy(value: Any) -> Any:
    """A copy of decoded JSON data (dicts and lists copied at every depth)."""
    if isinstance(value, dict):
        return {k: _json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_copy(v) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    """A view's field value as JSON data: times as Unix seconds, enums as their value."""
    if isinstance(value, dt.datetime):
        return int(value.timestamp())
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if attrs.has(type(value)):
        return view_dict(value)
    return value


#: Fields of a view that are not part of the API object.
_NOT_API = frozenset({"raw", "request_id"})


def view_dict(view: Any) -> dict[str, Any]:
    """A typed result (or a nested view) as a JSON-ready dict.

    A view read from a response gives the object as the API sent it, unknown keys included (a copy
    of ``raw``: changing it changes nothing in the view). A view built by hand (empty ``raw``) gives
    its fields, times as Unix seconds and enums as their values.
    """
    raw = getattr(view, "raw", None)
    if raw:
        return _json_copy(dict(raw))  # type: ignore[no-any-return]
    return {
        f.name: _jsonable(getattr(view, f.name)) for f in attrs.fields(type(view)) if f.name not in _NOT_API
    }


class Exportable:
    """``to_dict()`` and ``to_json()`` for a typed result (an attrs class with ``raw``)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The object as a JSON-ready dict: as the API sent it, unknown keys included (a copy of
        ``raw``); for an object built by hand, its fields (times as Unix seconds)."""
        return view_dict(self)

    def to_json(self, *, indent: int | None = None) -> str:
        """:meth:`to_dict` as JSON text (non-ASCII kept as is)."""
        return json.dumps(view_dict(self), ensure_ascii=False, indent=indent)


def _object(data: object, kind: str) -> Mapping[str, Any]:
    if not p.is_object(data):
        raise ResponseValidationError(f"expected a {kind} object, got {p.json_type(data)}")
    return data  # type: ignore[return-value]


@attrs.frozen(kw_only=True)
class Job(Exportable):
    """A fine-tuning job (``fine_tuning.job``)."""

    id: str
    status: JobStatus
    model: str | None = None
    created_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    #: When the API expects the job to finish; None when unknown (the API sends 0 for that).
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
    #: Why the job failed (code, message, param); None unless it did.
    error: JobError | None = attrs.field(default=None, repr=False)
    #: The supervised hyperparameters (older top-level copy); None for other methods.
    hyperparameters: JobHyperparameters | None = attrs.field(default=None, repr=False)
    #: supervised / dpo / reinforcement and their settings.
    method: Method | None = attrs.field(default=None, repr=False)
    integrations: tuple[Integration, ...] = attrs.field(default=(), repr=False)
    #: The response object exactly as received, unknown keys included.
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    #: The ``x-request-id`` of the response this came from (None when not from a call).
    request_id: str | None = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: object) -> Job:
        """Parse a job object; raise ResponseValidationError (naming the JSON path) if it is not one."""
        d = _object(data, "fine_tuning.job")
        try:
            return cls._read(d)
        except p.Invalid as exc:
            raise ResponseValidationError(exc.message("job")) from None

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Job:
        p.string(d, "object")
        return _new_job(
            id=p.required_string(d, "id"),
            status=_status(p.required_string(d, "status")),
            model=p.string(d, "model"),
            created_at=p.time(d, "created_at"),
            finished_at=p.time(d, "finished_at"),
            estimated_finish=p.time_or_unknown(d, "estimated_finish"),
            fine_tuned_model=p.string(d, "fine_tuned_model"),
            organization_id=p.string(d, "organization_id"),
            training_file=p.string(d, "training_file"),
            validation_file=p.string(d, "validation_file"),
            result_files=p.file_ids(d, "result_files"),
            trained_tokens=p.integer(d, "trained_tokens"),
            seed=p.integer(d, "seed"),
            user_provided_suffix=p.string(d, "user_provided_suffix"),
            metadata=p.str_map(d, "metadata"),
            error=p.sub(d, "error", p.job_error),
            hyperparameters=p.sub(d, "hyperparameters", p.job_hyperparameters),
            method=p.sub(d, "method", p.method),
            integrations=p.items(d, "integrations", p.integration),
            raw=d,
        )

    @functools.cached_property
    def generated(self) -> FineTuningJob:
        """The whole job as the generated ``FineTuningJob`` model (built on first access; a shape the
        generated model rejects raises ResponseValidationError)."""
        return _generated("FineTuningJob", "job", self.raw)  # type: ignore[no-any-return]

    @property
    def method_type(self) -> str | None:
        """``"supervised"``, ``"dpo"`` or ``"reinforcement"`` (None when the server did not say)."""
        return self.method.type if self.method is not None else None


@attrs.frozen(kw_only=True)
class JobEvent(Exportable):
    """One event of a job's log (``fine_tuning.job.event``). ``id`` is None only for 2023-era events."""

    id: str | None
    created_at: dt.datetime | None
    level: str | None
    message: str | None
    type: str | None = None
    data: Mapping[str, Any] | None = attrs.field(default=None, repr=False)
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    #: The ``x-request-id`` of the response this came from (None when not from a call).
    request_id: str | None = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: object) -> JobEvent:
        """Parse an event object; raise ResponseValidationError (naming the JSON path) if it is not one."""
        d = _object(data, "fine_tuning.job.event")
        try:
            return cls._read(d)
        except p.Invalid as exc:
            raise ResponseValidationError(exc.message("event")) from None

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> JobEvent:
        p.string(d, "object")
        return cls(
            id=p.string(d, "id"),
            created_at=p.time(d, "created_at"),
            level=p.string(d, "level"),
            message=p.string(d, "message"),
            type=p.string(d, "type"),
            data=p.mapping(d, "data"),
            raw=d,
        )

    @functools.cached_property
    def generated(self) -> FineTuningJobEvent:
        """The event as the generated ``FineTuningJobEvent`` model (built on first access)."""
        return _generated("FineTuningJobEvent", "event", self.raw)  # type: ignore[no-any-return]


@attrs.frozen(kw_only=True)
class Checkpoint(Exportable):
    """A model checkpoint saved during a job (``fine_tuning.job.checkpoint``)."""

    id: str
    created_at: dt.datetime | None
    fine_tuned_model_checkpoint: str | None
    step_number: int | None
    fine_tuning_job_id: str | None
    metrics: CheckpointMetrics | None = attrs.field(default=None, repr=False)
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    #: The ``x-request-id`` of the response this came from (None when not from a call).
    request_id: str | None = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_dict(cls, data: object) -> Checkpoint:
        """Parse a checkpoint object; raise ResponseValidationError (naming the JSON path) if not one."""
        d = _object(data, "fine_tuning.job.checkpoint")
        try:
            return cls._read(d)
        except p.Invalid as exc:
            raise ResponseValidationError(exc.message("checkpoint")) from None

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Checkpoint:
        p.string(d, "object")
        return cls(
            id=p.required_string(d, "id"),
            created_at=p.time(d, "created_at"),
            fine_tuned_model_checkpoint=p.string(d, "fine_tuned_model_checkpoint"),
            step_number=p.integer(d, "step_number"),
            fine_tuning_job_id=p.string(d, "fine_tuning_job_id"),
            metrics=p.sub(d, "metrics", p.checkpoint_metrics),
            raw=d,
        )

    @functools.cached_property
    def generated(self) -> FineTuningJobCheckpoint:
        """The checkpoint as the generated ``FineTuningJobCheckpoint`` model (built on first access)."""
        return _generated("FineTuningJobCheckpoint", "checkpoint", self.raw)  # type: ignore[no-any-return]


_new_job = Job if TYPE_CHECKING else p.maker(Job)
_KNOWN_STATUSES: dict[str, JobStatus] = {s.value: s for s in JobStatus}


def _status(value: str) -> JobStatus:
    """JobStatus(value), without the enum call for the statuses it knows (the common case)."""
    return _KNOWN_STATUSES.get(value) or JobStatus(value)


class Listable(Protocol):
    """What a page can hold: a typed result with an ``id`` and the reader ``_read`` (a JSON object
    to the result; raising ``_parse.Invalid``). Job, JobEvent, Checkpoint and the results of the
    other resources are such classes."""

    @property
    def id(self) -> str | None: ...

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self: ...


#: What a page holds.
Item = TypeVar("Item", bound=Listable)


T_co = TypeVar("T_co", covariant=True)


@attrs.frozen
class BasePage(Generic[T_co]):
    """What a page of either client holds: parsed ``items``, ``has_more``, the cursor for the next
    page (``next_after``) and the ``request_id`` of its response (None when not from a call)."""

    items: tuple[T_co, ...]
    has_more: bool
    next_after: str | None
    request_id: str | None = attrs.field(default=None, kw_only=True, repr=False, eq=False)
    #: Fetches the page after a cursor (set by the list call that made this page).
    _fetch: Callable[[str], Any] | None = attrs.field(default=None, kw_only=True, repr=False, eq=False)

    def _next_cursor(self) -> str | None:
        if not self.has_more or self.next_after is None or self._fetch is None:
            return None
        return self.next_after

    # The openai SDK's names for the same things (README "Coming from the openai SDK").
    @property
    def data(self) -> tuple[T_co, ...]:
        """``items`` under the openai SDK's name."""
        return self.items

    def has_next_page(self) -> bool:
        """Whether :meth:`next_page` would fetch a page (the SDK's ``has_next_page()``)."""
        return self._next_cursor() is not None


def _no_next_page() -> Exception:
    from ._errors import InvalidArgumentError

    return InvalidArgumentError("no next page: check has_next_page() first (next_page() returns None)")


@attrs.frozen
class Page(BasePage[T_co]):
    """One page of a list response (``client.jobs.list().first_page()``); :meth:`next_page` fetches
    the next one with the same arguments and options."""

    def next_page(self) -> Page[T_co] | None:
        """The next page (one request), or None when this is the last (or was not from a call)."""
        cursor = self._next_cursor()
        if cursor is None or self._fetch is None:
            return None
        page: Page[T_co] = self._fetch(cursor)
        return page

    def get_next_page(self) -> Page[T_co]:
        """The next page (the SDK's name); InvalidArgumentError on the last page."""
        page = self.next_page()
        if page is None:
            raise _no_next_page()
        return page


@attrs.frozen
class AsyncPage(BasePage[T_co]):
    """One page of a list response on an AsyncClient: ``await page.next_page()``."""

    async def next_page(self) -> AsyncPage[T_co] | None:
        """The next page (one request), or None when this is the last (or was not from a call)."""
        cursor = self._next_cursor()
        if cursor is None or self._fetch is None:
            return None
        fetched: Awaitable[AsyncPage[T_co]] = self._fetch(cursor)
        return await fetched

    async def get_next_page(self) -> AsyncPage[T_co]:
        """The next page (the SDK's name); InvalidArgumentError on the last page."""
        page = await self.next_page()
        if page is None:
            raise _no_next_page()
        return page


P = TypeVar("P", bound=BasePage[Any])


def parse_page(data: object, item: type[Item], page: type[Page[Any]] = Page) -> Page[Item]:
    """Parse ``{"data": [...], "has_more": bool}``, each element as item (errors name ``list.data[i]``).

    A page without ``has_more`` has a next one when it has ``total_count`` and a non-empty ``last_id``
    (the Bedrock list through Portkey); otherwise it is the last."""
    return read_page(data, item, page)


def read_page(data: object, item: type[Item], page: type[P]) -> P:
    """:func:`parse_page` into any page class (Page, AsyncPage)."""
    d = _object(data, "list")
    try:
        p.string(d, "object")
        items = d.get("data")
        if not isinstance(items, list):
            raise p.Invalid("data", "a list", items)
        has_more = d.get("has_more")
        p.string(d, "first_id")
        last_id = p.string(d, "last_id")
        if has_more is None:
            # Bedrock through Portkey: no has_more, total_count, and last_id is the next page's
            # token, absent on the last page (see _pagination).
            has_more = bool(last_id) and "total_count" in d
        elif type(has_more) is not bool:
            raise p.Invalid("has_more", "a boolean", has_more)
        read = item._read
        parsed: list[Item] = []
        for i, x in enumerate(items):
            if not p.is_object(x):
                raise p.Invalid(i, "an object", x).at("data")
            try:
                parsed.append(read(x))
            except p.Invalid as exc:
                raise exc.at(i).at("data") from None
    except p.Invalid as exc:
        raise ResponseValidationError(exc.message("list")) from None
    next_after = last_id if last_id else (parsed[-1].id if parsed else None)
    return page(items=tuple(parsed), has_more=has_more and next_after is not None, next_after=next_after)
