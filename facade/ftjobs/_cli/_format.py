r"""Rendering for people: blocks, tables, the progress line; colour only on a terminal without NO_COLOR.

Every string a server sent goes through :func:`clean` (human output) or :func:`json_line` (``--json``)
before it is written: control characters (a server's ``\x1b[2J`` would drive the terminal), C1
controls, bidi overrides and lone surrogates (``"\ud800"``, which no encoder accepts) are written as
escapes, so that no string from a server can crash the CLI or take over the terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
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


#: C0 and C1 controls, DEL, line/paragraph separators, bidi embeddings/overrides/isolates, surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: The same inside JSON text, where json.dumps already escaped C0 controls, quotes and backslashes.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SGR = re.compile("\x1b\\[[0-9;]*m")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def clean(text: object) -> str:
    """text safe for a terminal: unsafe characters written as ``\\xNN``/``\\uNNNN`` escapes."""
    value = text if isinstance(text, str) else str(text)
    return _UNSAFE.sub(_escape, value)


def json_line(data: Any) -> str:
    """data as one line of JSON that any terminal and any encoder accept (same value once parsed)."""
    return _JSON_UNSAFE.sub(_json_escape, json.dumps(data, ensure_ascii=False, default=str))


def use_colour(stream: IO[str]) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org) or TERM is dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, status: str, colour: bool) -> str:
    """text in the colour of status, when colour is on."""
    code = _COLOURS.get(status)
    text = clean(text)
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
    rows = [("method", clean(kind or "-"))]
    inner = method.get(kind) if isinstance(kind, str) else None
    hyper = inner.get("hyperparameters") if isinstance(inner, dict) else None
    if isinstance(hyper, dict) and hyper:
        shown = ", ".join(f"{k}={v}" for k, v in sorted(hyper.items(), key=lambda kv: str(kv[0])))
        rows.append(("hyperparameters", clean(shown)))
    return rows


def job_block(job: Job, colour: bool) -> str:
    """A job as aligned 'key  value' lines."""
    rows: list[tuple[str, str]] = [
        ("id", clean(job.id)),
        ("status", paint(job.status.value, job.status.value, colour)),
        ("model", clean(job.model or "-")),
        ("fine_tuned_model", clean(job.fine_tuned_model or "-")),
        ("created_at", when(job.created_at)),
        ("finished_at", when(job.finished_at)),
        ("estimated_finish", when(job.estimated_finish)),
        ("training_file", clean(job.training_file or "-")),
        ("validation_file", clean(job.validation_file or "-")),
        ("trained_tokens", f"{job.trained_tokens:,}" if job.trained_tokens is not None else "-"),
        *_method_lines(job),
    ]
    if job.metadata:
        rows.append(("metadata", clean(", ".join(f"{k}={v}" for k, v in sorted(job.metadata.items())))))
    if job.error is not None:
        rows.append(("error", clean(f"{job.error.code}: {job.error.message}")))
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
    """text without its colour codes (the only escape sequences left once cells are cleaned)."""
    return _SGR.sub("", text)


def job_row(job: Job, colour: bool) -> list[str]:
    """One line of `ftjobs list`."""
    return [
        clean(job.id),
        paint(job.status.value, job.status.value, colour),
        clean(job.model or "-"),
        when(job.created_at),
        clean(job.fine_tuned_model or "-"),
    ]


JOB_HEADERS = ("ID", "STATUS", "MODEL", "CREATED", "FINE-TUNED MODEL")


def event_line(event: JobEvent) -> str:
    """One line of `ftjobs events`."""
    return f"{when(event.created_at)}  {clean(event.level or '-'):7}  {clean(event.message or '')}"


def checkpoint_row(ckpt: Checkpoint) -> list[str]:
    """One line of `ftjobs checkpoints`."""
    metrics: dict[str, Any] = {}
    raw = ckpt.raw.get("metrics")
    if isinstance(raw, dict):
        metrics = raw
    loss = metrics.get("train_loss")
    return [
        clean(ckpt.id),
        str(ckpt.step_number if ckpt.step_number is not None else "-"),
        _number(loss),
        clean(ckpt.fine_tuned_model_checkpoint or "-"),
    ]


def _number(value: object) -> str:
    """A metric with four decimals; '-' when absent or not a number; as is when too large for a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "-"
    try:
        return f"{value:.4f}"
    except OverflowError:  # an int with hundreds of digits
        return clean(value)


CHECKPOINT_HEADERS = ("ID", "STEP", "TRAIN LOSS", "CHECKPOINT MODEL")


def progress_line(job: Job, elapsed: float, colour: bool, train_loss: float | None = None) -> str:
    """Status, trained tokens, the latest training loss (when known), elapsed time and estimated
    finish in one line."""
    parts = [
        clean(job.id),
        paint(job.status.value, job.status.value, colour),
        f"tokens {job.trained_tokens:,}" if job.trained_tokens is not None else "tokens -",
        f"elapsed {duration(elapsed)}",
    ]
    if train_loss is not None:
        parts.insert(3, f"loss {_number(train_loss)}")
    if job.estimated_finish is not None and not job.status.is_terminal:
        left = (job.estimated_finish - dt.datetime.now(dt.UTC)).total_seconds()
        parts.append(f"eta {duration(left)}")
    return "  ".join(parts)
