"""``ftjobs.validate_file``: check a fine-tuning training file before it is uploaded.

The file is read line by line in binary (never whole: a 1 GB file validates in bounded memory),
each line parsed with ``json.loads`` and checked by :mod:`._checks` for the chosen method, its tokens
counted by :mod:`._tokens`. What is kept per example is four integers (its line, tokens,
assistant tokens and messages, in arrays) and the first :data:`MAX_ISSUES_PER_KIND` findings of each kind.

A file that cannot be validated at all raises :class:`~ftjobs.UnusableFileError` (missing, a
directory, unreadable, empty, binary, or not JSONL: no line of the first :data:`GIVE_UP_AFTER`
parses); a file with bad lines gets a report listing them.
"""

from __future__ import annotations

import json
import os
from array import array
from collections.abc import Callable, Mapping
from typing import Any, get_args

from .._errors import InvalidArgumentError, UnusableFileError
from ._checks import check_example
from ._grader import item_fields
from ._report import Distribution, Severity, TokenReport, ValidationIssue, ValidationMethod, ValidationReport
from ._tokens import count_definitions, count_messages, encoding_for, example_limit, tokenizer

__all__ = [
    "Distribution",
    "TokenReport",
    "ValidationIssue",
    "ValidationReport",
    "default_epochs",
    "validate_file",
]

METHODS: tuple[str, ...] = get_args(ValidationMethod)
#: Findings kept with their line, per kind (all are counted).
MAX_ISSUES_PER_KIND = 100
#: A longer line is reported (``line_too_long``) and skipped, never held whole. An example may carry
#: 10 images of 10 MB, which base64 makes 133 MB.
MAX_LINE_BYTES = 256 * 1024 * 1024
#: Without one JSON line among the first this many, the file is not JSONL (it is not read on).
GIVE_UP_AFTER = 1000
#: The progress callback is called at most once per this many bytes (and once at the end).
PROGRESS_EVERY = 1024 * 1024
#: The cookbook's default-epoch heuristic: aim for 3 epochs, but at least 100 and at most 25,000
#: examples seen in training, with 1 to 25 epochs.
TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25_000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25

Progress = Callable[[int, int], None]


def default_epochs(examples: int) -> int:
    """The epochs a job trains for by default on this many examples (the cookbook's heuristic)."""
    if examples <= 0:
        return 0
    if examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        return min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // examples)
    if examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        return max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // examples)
    return TARGET_EPOCHS


class _Findings:
    """Counts every finding by kind, keeps the first MAX_ISSUES_PER_KIND of each with its line."""

    def __init__(self) -> None:
        self.counts: dict[Severity, dict[str, int]] = {"error": {}, "warning": {}}
        self.issues: list[ValidationIssue] = []
        self.truncated = False
        self.line = 0
        self.line_errors = 0

    def __call__(self, kind: str, message: str, severity: Severity = "error") -> None:
        counts = self.counts[severity]
        seen = counts.get(kind, 0)
        counts[kind] = seen + 1
        if severity == "error":
            self.line_errors += 1
        if seen < MAX_ISSUES_PER_KIND:
            self.issues.append(ValidationIssue(self.line, kind, message, severity))
        else:
            self.truncated = True


def validate_file(
    path: str | os.PathLike[str],
    method: ValidationMethod = "supervised",
    model: str | None = None,
    grader: Mapping[str, Any] | None = None,
    *,
    progress: Progress | None = None,
) -> ValidationReport:
    """Check a JSONL training file for ``method``; token counts for ``model``'s tokenizer.

    ``grader`` (reinforcement only): the grader object; every ``{{item.x}}`` it uses must be a field
    of every example. ``progress(bytes_read, file_size)`` is called as the file is read. Raises
    :class:`~ftjobs.UnusableFileError` for a file that cannot be validated at all and
    :class:`~ftjobs.InvalidArgumentError` for a bad argument.
    """
    if method not in METHODS:
        raise InvalidArgumentError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if grader is not None and (method != "reinforcement" or not isinstance(grader, Mapping)):
        raise InvalidArgumentError("grader: a grader object, for method='reinforcement' only")
    fields = item_fields(grader) if grader is not None else []
    name = os.fspath(path)
    try:
        stream = open(name, "rb")  # noqa: SIM115 (closed below, after the size is read)
    except OSError as exc:
        raise UnusableFileError(f"{name}: cannot open: {exc.strerror or exc}") from None
    with stream:
        size = os.fstat(stream.fileno()).st_size
        return _validate(stream, name, size, method, model, fields, progress)


def _validate(
    stream: Any,
    name: str,
    size: int,
    method: ValidationMethod,
    model: str | None,
    fields: list[tuple[str, ...]],
    progress: Progress | None,
) -> ValidationReport:
    tok = tokenizer(encoding_for(model))
    count = tok.count
    limit = example_limit(model)
    found = _Findings()
    lines = array("q")
    totals = array("q")
    assistants = array("q")
    messages = array("q")
    over: list[int] = []
    images = parsed = done = reported = 0
    first_failure = ""
    while True:
        try:
            raw = stream.readline(MAX_LINE_BYTES + 1)
        except OSError as exc:
            raise UnusableFileError(f"{name}: cannot read: {exc.strerror or exc}") from None
        if not raw:
            break
        found.line += 1
        found.line_errors = 0
        done += len(raw)
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            done += _skip_rest(stream)
            found("line_too_long", f"over {MAX_LINE_BYTES:,} bytes; not read")
            continue
        if not raw.strip():
            found("blank_line", "an empty line (skipped)", "warning")
            continue
        try:
            example = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            text = _why(_failure(raw, exc))
            first_failure = first_failure or f"line {found.line}: {text}"
            if not parsed and (b"\0" in raw or found.line >= GIVE_UP_AFTER):
                raise UnusableFileError(f"{name}: not JSONL ({first_failure})") from None
            found("invalid_json", text)
            continue
        parsed += 1
        seen = check_example(example, method, fields, found)
        if seen is not None:
            total = assistant = 0
            for conversation in seen.conversations:
                all_tokens, assistant_tokens = count_messages(conversation, count)
                total += all_tokens
                assistant += assistant_tokens
            definitions = example.get("input") if method == "dpo" else example
            total += count_definitions(definitions, count) if isinstance(definitions, dict) else 0
            lines.append(found.line)
            totals.append(total)
            assistants.append(assistant)
            messages.append(seen.messages)
            images += seen.images
            if method == "supervised" and not seen.has_system:
                found("missing_system_message", "no system message", "warning")
            if not seen.has_user:
                found("missing_user_message", "no user message", "warning")
            if limit is not None and total > limit:
                over.append(found.line)
                found(
                    "over_token_limit", f"{total:,} tokens, over the model's {limit:,}: truncated", "warning"
                )
        if progress is not None and done - reported >= PROGRESS_EVERY:
            reported = done
            progress(done, size)
    if progress is not None:
        progress(done, size)
    if not parsed:
        why = f"not JSONL ({first_failure})" if first_failure else "empty: no example"
        raise UnusableFileError(f"{name}: {why}")
    per_epoch = sum(min(t, limit) for t in totals) if limit is not None else sum(totals)
    epochs = default_epochs(len(totals))
    tokens = TokenReport(
        encoding=tok.encoding,
        exact=tok.exact,
        example_lines=memoryview(lines).toreadonly(),
        example_tokens=memoryview(totals).toreadonly(),
        total=Distribution.of(totals),
        assistant=Distribution.of(assistants),
        messages=Distribution.of(messages),
        limit=limit,
        over_limit=tuple(over),
        tokens_per_epoch=per_epoch,
        epochs=epochs,
        billed_tokens=epochs * per_epoch,
        images=images,
    )
    return ValidationReport(
        path=name,
        method=method,
        model=model,
        lines=found.line,
        examples=len(totals),
        error_counts=found.counts["error"],
        warning_counts=found.counts["warning"],
        issues=tuple(found.issues),
        issues_truncated=found.truncated,
        tokens=tokens,
    )


def _skip_rest(stream: Any) -> int:
    """Read on to the end of an over-long line, a chunk at a time; the bytes skipped."""
    skipped = 0
    while True:
        chunk = stream.readline(PROGRESS_EVERY)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _failure(raw: bytes, exc: BaseException) -> BaseException:
    """The error of the line without its line break (which json would call a control character)."""
    try:
        json.loads(raw.rstrip(b"\r\n"))
    except (ValueError, RecursionError) as again:
        return again
    return exc


def _why(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte {exc.start + 1})"
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON: {exc.msg} (column {exc.colno})"
    if isinstance(exc, RecursionError):
        return "not valid JSON: nested too deeply"
    return f"not valid JSON: {exc}"
