"""Rendering for people: blocks, tables, the progress line; colour only on a terminal without NO_COLOR."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ftjobs import Checkpoint, Job, JobEvent

_COLOURS = {
    "succeeded": "32",
    "failed": "31",
    "cancelled": "33",
    "running": "36",
    "paused": "35",
    "queued": "34",
    "validating_files": "34",
}


def use_colour(stream: IO[str]) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org) or TERM is dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, status: str, colour: bool) -> str:
    """text in the colour of status, when colour is on."""
    code = _COLOURS.get(status)
    return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text


def when(value: dt.datetime | None) -> str:
    """A UTC timestamp as people read it, or '-'."""
    if value is None or value.timestamp() == 0:  # some examples say 0 for "not set"
        return "-"
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


def duration(seconds: float) -> str:
    """H:MM:SS."""
    seconds = max(int(seconds), 0)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _method_lines(job: Job) -> list[tuple[str, str]]:
    method = job.raw.get("method")
    if not isinstance(method, dict):
        return []
    kind = method.get("type")
    rows = [("method", str(kind or "-"))]
    inner = method.get(kind) if isinstance(kind, str) else None
    hyper = inner.get("hyperparameters") if isinstance(inner, dict) else None
    if isinstance(hyper, dict) and hyper:
        rows.append(("hyperparameters", ", ".join(f"{k}={v}" for k, v in sorted(hyper.items()))))
    return rows


def job_block(job: Job, colour: bool) -> str:
    """A job as aligned 'key  value' lines."""
    rows: list[tuple[str, str]] = [
        ("id", job.id),
        ("status", paint(job.status.value, job.status.value, colour)),
        ("model", job.model or "-"),
        ("fine_tuned_model", job.fine_tuned_model or "-"),
        ("created_at", when(job.created_at)),
        ("finished_at", when(job.finished_at)),
        ("estimated_finish", when(job.estimated_finish)),
        ("training_file", job.training_file or "-"),
        ("validation_file", job.validation_file or "-"),
        ("trained_tokens", f"{job.trained_tokens:,}" if job.trained_tokens is not None else "-"),
        *_method_lines(job),
    ]
    if job.metadata:
        rows.append(("metadata", ", ".join(f"{k}={v}" for k, v in sorted(job.metadata.items()))))
    if job.error is not None:
        rows.append(("error", f"{job.error.code}: {job.error.message}"))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], widths_from: int = 200) -> str:
    """A plain text table sized to its content."""
    materialised = [list(r) for r in rows]
    widths = [len(h) for h in headers]
    for row in materialised[:widths_from]:
        widths = [max(w, len(_visible(c))) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in materialised:
        cells = [c + " " * (w - len(_visible(c))) for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _visible(text: str) -> str:
    while "\x1b[" in text:
        start = text.index("\x1b[")
        end = text.index("m", start)
        text = text[:start] + text[end + 1 :]
    return text


def job_row(job: Job, colour: bool) -> list[str]:
    """One line of `ftjobs list`."""
    return [
        job.id,
        paint(job.status.value, job.status.value, colour),
        job.model or "-",
        when(job.created_at),
        job.fine_tuned_model or "-",
    ]


JOB_HEADERS = ("ID", "STATUS", "MODEL", "CREATED", "FINE-TUNED MODEL")


def event_line(event: JobEvent) -> str:
    """One line of `ftjobs events`."""
    return f"{when(event.created_at)}  {(event.level or '-'):7}  {event.message or ''}"


def checkpoint_row(ckpt: Checkpoint) -> list[str]:
    """One line of `ftjobs checkpoints`."""
    metrics: dict[str, Any] = {}
    raw = ckpt.raw.get("metrics")
    if isinstance(raw, dict):
        metrics = raw
    loss = metrics.get("train_loss")
    return [
        ckpt.id,
        str(ckpt.step_number if ckpt.step_number is not None else "-"),
        f"{loss:.4f}" if isinstance(loss, int | float) else "-",
        ckpt.fine_tuned_model_checkpoint or "-",
    ]


CHECKPOINT_HEADERS = ("ID", "STEP", "TRAIN LOSS", "CHECKPOINT MODEL")


def progress_line(job: Job, elapsed: float, colour: bool) -> str:
    """Status, trained tokens, elapsed time and estimated finish in one line."""
    parts = [
        job.id,
        paint(job.status.value, job.status.value, colour),
        f"tokens {job.trained_tokens:,}" if job.trained_tokens is not None else "tokens -",
        f"elapsed {duration(elapsed)}",
    ]
    if job.estimated_finish is not None and not job.status.is_terminal:
        left = (job.estimated_finish - dt.datetime.now(dt.UTC)).total_seconds()
        parts.append(f"eta {duration(left)}")
    return "  ".join(parts)
