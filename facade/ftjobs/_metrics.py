"""A job's training metrics as a series: one :class:`MetricsRow` per step, built from its events.

The API reports training progress as events of ``type: "metrics"`` whose ``data`` holds ``step``,
``train_loss``, ``train_mean_token_accuracy`` and, with a validation file, ``valid_loss``,
``valid_mean_token_accuracy`` and (at the end) ``full_valid_loss``/``full_valid_mean_token_accuracy``.
Checkpoints carry the same fields in ``metrics``. :func:`build_series` merges both:

- rows are ordered by step, one per step; several events for the same step (a page read twice, a
  server that repeats itself) merge into one row, the newest value winning a conflict;
- a checkpoint's metrics fill in only what the events of its step lack (or add its step when no
  event has it);
- events that are not metrics, data without a usable ``step`` (missing, not a whole number >= 0),
  and known fields that are not finite numbers are skipped (the field reads None), never an error;
- fields the client does not know (``total_steps``, anything new) are kept in ``MetricsRow.extra``.

:func:`fetch` and :func:`afetch` (behind ``client.jobs.metrics``) read every page of the job's events
and checkpoints (100 per page, following cursors; a cursor cycle raises PaginationError, as any list
walk does), then :func:`build_series` builds; it is pure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

import attrs

if TYPE_CHECKING:
    from ._http import AsyncEngine, Call, SyncEngine
    from ._models import Checkpoint, Item, JobEvent, Page

#: Events (and checkpoints) per request: the API's largest page.
PAGE_SIZE = 100

#: The metric fields the API documents, in the order machine output lists them (after ``step``).
KNOWN_FIELDS: tuple[str, ...] = (
    "train_loss",
    "train_mean_token_accuracy",
    "valid_loss",
    "valid_mean_token_accuracy",
    "full_valid_loss",
    "full_valid_mean_token_accuracy",
)
_KNOWN = frozenset(KNOWN_FIELDS)


@attrs.frozen(kw_only=True)
class MetricsRow:
    """The metrics of one training step. A field the API did not report (at this step) is None;
    ``extra`` holds the fields the client does not know, as received (e.g. ``total_steps``)."""

    step: int
    train_loss: float | None = None
    train_mean_token_accuracy: float | None = None
    valid_loss: float | None = None
    valid_mean_token_accuracy: float | None = None
    full_valid_loss: float | None = None
    full_valid_mean_token_accuracy: float | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def get(self, name: str) -> Any:
        """A field by its API name (known or extra), None when absent."""
        if name == "step" or name in _KNOWN:
            return getattr(self, name)
        return self.extra.get(name)

    def to_dict(self) -> dict[str, Any]:
        """The row keyed by the API's field names: ``step`` first, then the known fields that are
        present, then the extra ones (sorted by name)."""
        out: dict[str, Any] = {"step": self.step}
        for name in KNOWN_FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        for name in sorted(self.extra):
            out[name] = self.extra[name]
        return out


@attrs.frozen
class JobMetrics(Sequence[MetricsRow]):
    """A job's metrics series: a sequence of :class:`MetricsRow`, ordered by step (one per step)."""

    job_id: str
    rows: tuple[MetricsRow, ...] = ()

    @overload
    def __getitem__(self, index: int) -> MetricsRow: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[MetricsRow]: ...
    def __getitem__(self, index: int | slice) -> MetricsRow | Sequence[MetricsRow]:
        return self.rows[index]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[MetricsRow]:
        return iter(self.rows)

    @property
    def fields(self) -> list[str]:
        """The field names present in at least one row: ``step``, the known ones in API order, then
        the extra ones sorted (the columns of CSV output)."""
        known = [name for name in KNOWN_FIELDS if any(getattr(row, name) is not None for row in self.rows)]
        extra = sorted({name for row in self.rows for name in row.extra})
        return ["step", *known, *extra]

    def series(self, name: str) -> list[tuple[int, float]]:
        """``(step, value)`` of every row where the known field ``name`` has a value."""
        if name not in _KNOWN:
            from ._errors import InvalidArgumentError

            raise InvalidArgumentError(f"unknown metric {name!r}: expected one of {', '.join(KNOWN_FIELDS)}")
        return [(row.step, value) for row in self.rows if (value := getattr(row, name)) is not None]

    def latest(self, name: str) -> float | None:
        """The value of the known field ``name`` at the last step that has one (None if none has)."""
        points = self.series(name)
        return points[-1][1] if points else None

    def to_dicts(self) -> list[dict[str, Any]]:
        """Every row as :meth:`MetricsRow.to_dict` (one object per step, ``step`` first)."""
        return [row.to_dict() for row in self.rows]


def _step(value: object) -> int | None:
    """A usable step: a whole number >= 0 (``88`` or ``88.0``), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return None
    step = int(value)
    return step if step >= 0 else None


def _number(value: object) -> float | None:
    """A finite number as float, else None (a bool, a string, NaN, an int too large for a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def metrics_data(event: JobEvent) -> Mapping[str, Any] | None:
    """The ``data`` of a metrics event; None for any other event (a message, data that is no object)."""
    data = event.data
    if not isinstance(data, Mapping):
        return None
    if event.type == "metrics" or (event.type is None and "step" in data and "train_loss" in data):
        return data  # 2023-era events have no type: their metrics data still says what it is
    return None


def event_train_loss(event: JobEvent) -> float | None:
    """The training loss a metrics event reports (None for any other event, or no usable number)."""
    data = metrics_data(event)
    return None if data is None else _number(data.get("train_loss"))


def _merge(into: dict[str, Any], data: Mapping[str, Any], *, override: bool) -> None:
    for key, value in data.items():
        if key == "step" or not isinstance(key, str):
            continue
        if key in _KNOWN:
            number = _number(value)
            if number is None or (not override and into.get(key) is not None):
                continue
            into[key] = number
        elif override or key not in into:
            into[key] = value


def build_series(
    job_id: str, events: Iterable[JobEvent], checkpoints: Iterable[Checkpoint] = ()
) -> JobMetrics:
    """The series of ``events`` (in the API's order, newest first) and ``checkpoints`` (see the module
    docstring for the rules)."""
    by_step: dict[int, dict[str, Any]] = {}
    seen: set[str] = set()
    for event in reversed(list(events)):  # oldest first: newer values overwrite older ones
        if event.id is not None:
            if event.id in seen:
                continue
            seen.add(event.id)
        data = metrics_data(event)
        step = None if data is None else _step(data.get("step"))
        if data is None or step is None:
            continue
        _merge(by_step.setdefault(step, {}), data, override=True)
    for checkpoint in checkpoints:
        raw = checkpoint.raw.get("metrics")
        if not isinstance(raw, Mapping):
            continue
        step = _step(raw.get("step"))
        if step is None:
            step = _step(checkpoint.step_number)
        if step is None:
            continue
        _merge(by_step.setdefault(step, {}), raw, override=False)
    rows = []
    for step in sorted(by_step):
        fields = by_step[step]
        known = {name: fields[name] for name in KNOWN_FIELDS if name in fields}
        extra = {name: value for name, value in fields.items() if name not in _KNOWN}
        rows.append(MetricsRow(step=step, extra=extra, **known))
    return JobMetrics(job_id, tuple(rows))


def _page(data: Any, reply: Any, redact: Any, item: type[Item]) -> Page[Item]:
    from ._errors import ResponseValidationError
    from ._http import locate
    from ._models import parse_page

    try:
        return parse_page(data, item)
    except ResponseValidationError as exc:
        raise locate(exc, reply).redact(redact) from exc.__cause__


def _calls(job_id: str, options: Mapping[str, Any]) -> tuple[Any, Any]:
    """The events and checkpoints call makers, after checking the id and the options' names."""
    from . import _calls as calls
    from ._options import check_names

    calls.events(job_id, None, PAGE_SIZE)  # a bad id is InvalidJobIdError before any request
    check_names(options)

    def events(after: str | None) -> Call:
        return calls.events(job_id, after, PAGE_SIZE)

    def checkpoints(after: str | None) -> Call:
        return calls.checkpoints(job_id, after, PAGE_SIZE)

    return events, checkpoints


def fetch(engine: SyncEngine, job_id: str, options: Mapping[str, Any]) -> JobMetrics:
    """The job's series: every page of its events, then of its checkpoints (``client.jobs.metrics``)."""
    from ._models import Checkpoint, JobEvent
    from ._options import send
    from ._pagination import SyncPager

    events_call, checkpoints_call = _calls(job_id, options)
    redact = engine.settings.redact

    def events(after: str | None) -> Page[JobEvent]:
        return _page(*send(engine, events_call(after), options), JobEvent)

    def checkpoints(after: str | None) -> Page[Checkpoint]:
        return _page(*send(engine, checkpoints_call(after), options), Checkpoint)

    return build_series(
        job_id,
        list(SyncPager(events, "jobs.metrics (events)", redact)),
        list(SyncPager(checkpoints, "jobs.metrics (checkpoints)", redact)),
    )


async def afetch(engine: AsyncEngine, job_id: str, options: Mapping[str, Any]) -> JobMetrics:
    """The async twin of :func:`fetch`."""
    from ._models import Checkpoint, JobEvent
    from ._options import asend
    from ._pagination import AsyncPager

    events_call, checkpoints_call = _calls(job_id, options)
    redact = engine.settings.redact

    async def events(after: str | None) -> Page[JobEvent]:
        return _page(*await asend(engine, events_call(after), options), JobEvent)

    async def checkpoints(after: str | None) -> Page[Checkpoint]:
        return _page(*await asend(engine, checkpoints_call(after), options), Checkpoint)

    return build_series(
        job_id,
        [event async for event in AsyncPager(events, "jobs.metrics (events)", redact)],
        [ckpt async for ckpt in AsyncPager(checkpoints, "jobs.metrics (checkpoints)", redact)],
    )
