"""A job's result files: the CSV of step metrics the API writes when a job succeeds.

``client.jobs.results(job_id)`` reads the job, downloads each of its ``result_files`` and decodes it:
the content is CSV (``step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy``, newer
files add columns), sent either as is or base64-encoded (the API has done both). Rows are typed:
``step`` an int, the known columns floats (an empty cell is None), a column the client does not
know kept as its text in ``extra``. A file that is neither CSV with a ``step`` column nor base64 of
one is a :class:`~ftjobs.ResponseValidationError` naming the file (and the row and column of a bad
cell).
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ._errors import ResponseValidationError

if TYPE_CHECKING:
    from ._metrics import JobMetrics

#: The columns the API documents, after ``step``, in its order.
KNOWN_COLUMNS: tuple[str, ...] = ("train_loss", "train_accuracy", "valid_loss", "valid_mean_token_accuracy")


@attrs.frozen(kw_only=True)
class ResultRow:
    """One step of a result file. A known column left empty reads None; ``extra`` holds the columns
    the client does not know, as their text (e.g. ``full_valid_loss``)."""

    step: int
    train_loss: float | None = None
    train_accuracy: float | None = None
    valid_loss: float | None = None
    valid_mean_token_accuracy: float | None = None
    extra: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The row by column name: step, the known columns (None when empty), then the others."""
        out: dict[str, Any] = {"step": self.step}
        out.update((name, getattr(self, name)) for name in KNOWN_COLUMNS)
        out.update(self.extra)
        return out


@attrs.frozen(kw_only=True)
class JobResults:
    """The result files of a job: their ids, the columns in the files' order, and every row."""

    job_id: str
    file_ids: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[ResultRow, ...]

    def to_csv(self) -> str:
        """The rows as CSV text, with the files' columns (as the API wrote them, decoded)."""
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(self.columns)
        for row in self.rows:
            values = row.to_dict()
            writer.writerow("" if values.get(c) is None else _cell(values[c]) for c in self.columns)
        return text.getvalue()


def _cell(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def decode(content: bytes, file_id: str) -> str:
    """The CSV text of a result file: as sent, or base64-decoded; ResponseValidationError if neither."""
    text = _text(content)
    if text is not None and _is_csv(text):
        return text
    try:
        decoded = base64.b64decode(b"".join(content.split()), validate=True)
    except (binascii.Error, ValueError):
        decoded = None
    text = _text(decoded) if decoded is not None else None
    if text is not None and _is_csv(text):
        return text
    raise ResponseValidationError(
        f"result file {file_id}: neither CSV with a 'step' column nor base64 of one "
        f"(starts with {content[:40]!r})"
    )


def _text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _is_csv(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    return "step" in [cell.strip() for cell in first.split(",")]


def parse(text: str, file_id: str) -> tuple[tuple[str, ...], list[ResultRow]]:
    """The columns and rows of a result file's CSV text (ResponseValidationError on a bad cell)."""
    reader = csv.reader(io.StringIO(text.strip()))
    header = tuple(cell.strip() for cell in next(reader))
    rows = []
    for number, cells in enumerate(reader, 2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise ResponseValidationError(
                f"result file {file_id}, line {number}: {len(cells)} cells for {len(header)} columns"
            )
        record = dict(zip(header, (cell.strip() for cell in cells), strict=True))
        rows.append(_row(record, file_id, number))
    return header, rows


def _row(record: dict[str, str], file_id: str, number: int) -> ResultRow:
    where = f"result file {file_id}, line {number}"
    step_text = record.pop("step")
    try:
        step = int(float(step_text))
        if step < 0 or float(step_text) != step:
            raise ValueError(step_text)
    except ValueError:
        raise ResponseValidationError(f"{where}: step {step_text!r} is not a whole number >= 0") from None
    known: dict[str, float | None] = {}
    for name in KNOWN_COLUMNS:
        text = record.pop(name, "")
        if not text:
            known[name] = None
            continue
        try:
            value = float(text)
        except ValueError:
            raise ResponseValidationError(f"{where}: {name} {text!r} is not a number") from None
        known[name] = value if math.isfinite(value) else None
    return ResultRow(step=step, extra=record, **known)


def read(job_id: str, files: Sequence[tuple[str, bytes]]) -> JobResults:
    """JobResults of the job from its result files' (id, content); columns are the first file's,
    with any new ones of later files after them."""
    columns: list[str] = []
    rows: list[ResultRow] = []
    for file_id, content in files:
        header, found = parse(decode(content, file_id), file_id)
        columns.extend(c for c in header if c not in columns)
        rows.extend(found)
    return JobResults(
        job_id=job_id,
        file_ids=tuple(file_id for file_id, _ in files),
        columns=tuple(columns) or ("step", *KNOWN_COLUMNS),
        rows=tuple(rows),
    )


def incomplete(metrics: JobMetrics) -> bool:
    """Whether a series built from events lacks steps: none at all, or not every step from 1 to its
    last (the API keeps a bounded number of events; a long job's early ones are gone)."""
    steps = [row.step for row in metrics.rows]
    return not steps or steps[0] > 1 or len(steps) < steps[-1]


def filled(metrics: JobMetrics, results: JobResults) -> JobMetrics:
    """metrics with the steps it lacks taken from the result files (``train_accuracy`` is the
    events' ``train_mean_token_accuracy``; a ``full_valid_*`` column is read as a number)."""
    from ._metrics import KNOWN_FIELDS, JobMetrics, MetricsRow

    by_step = {row.step: row for row in metrics.rows}
    for row in results.rows:
        if row.step in by_step:
            continue
        known: dict[str, float | None] = {}
        extra: dict[str, Any] = {}
        for name, text in row.extra.items():
            if name in KNOWN_FIELDS:
                try:
                    value = float(text)
                except ValueError:
                    continue
                known[name] = value if math.isfinite(value) else None
            else:
                extra[name] = text
        by_step[row.step] = MetricsRow(
            step=row.step,
            train_loss=row.train_loss,
            train_mean_token_accuracy=row.train_accuracy,
            valid_loss=row.valid_loss,
            valid_mean_token_accuracy=row.valid_mean_token_accuracy,
            extra=extra,
            **known,
        )
    return JobMetrics(job_id=metrics.job_id, rows=tuple(by_step[step] for step in sorted(by_step)))
