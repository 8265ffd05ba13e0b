"""``ftjobs validate FILE.jsonl``: check a training file before uploading it (no API call, no key).

Exit 0 valid (warnings allowed), 1 invalid (the errors are listed with their lines), 2 unusable
input: a missing or unreadable file, a file that is not JSONL, a bad --grader-json (one line on
stderr). A progress bar goes to stderr while the file is read, when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ftjobs import ValidationReport

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNUSABLE = 2
#: The progress bar's width in characters, and how often it is redrawn at most.
BAR_WIDTH = 30
_REDRAW_SECONDS = 0.1
#: Issues listed per kind in the text output (the JSON has all the report kept).
LISTED_PER_KIND = 10

DESCRIPTION = """\
Check a fine-tuning training file (JSONL) before uploading it: the checks of OpenAI's cookbook
("Data preparation and analysis for chat model fine-tuning") and the request shapes of the API for
the method, each finding with its line; token counts per example with the model's tokenizer
(exact with the ftjobs[tokens] extra, else an estimate, marked as one), the examples over the
model's limit, the default epochs and the billed-token estimate. No API call: no key needed.
"""
EPILOG = """\
examples:
  ftjobs validate train.jsonl --model gpt-4o-mini-2024-07-18
  ftjobs validate prefs.jsonl --method dpo --json
  ftjobs validate rft.jsonl --method reinforcement --model o4-mini --grader-json grader.json

exit codes: 0 valid (warnings allowed), 1 invalid, 2 unusable input (missing file, not JSONL)
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``ftjobs validate``. Its own ``--json`` (it takes none of the client options,
    so ``give_common`` leaves it be); SUPPRESS keeps a ``--json`` given before the subcommand."""
    parser.add_argument("file", metavar="FILE", help="the training file, one JSON example per line")
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="the whole report as one JSON object"
    )
    parser.add_argument(
        "--method",
        choices=("supervised", "dpo", "reinforcement"),
        default="supervised",
        help="the training method the file is for (default supervised)",
    )
    parser.add_argument(
        "--model",
        metavar="MODEL",
        help="the base model: picks the tokenizer and the example limit (default: o200k_base, no limit)",
    )
    parser.add_argument(
        "--grader-json",
        metavar="FILE|JSON",
        help="reinforcement only: the grader, as a file path or inline JSON; every {{item.x}} it uses "
        "must be a field of every example",
    )


def run(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    """Validate args.file; print the report; the exit code."""
    from ftjobs import UnusableFileError, validate_file

    from ._common import json_object
    from ._format import clean

    grader: dict[str, Any] | None = None
    if args.grader_json is not None:
        if args.method != "reinforcement":
            err.write("ftjobs validate: error: --grader-json goes with --method reinforcement\n")
            return EXIT_UNUSABLE
        try:
            grader = json_object(args.grader_json, "--grader-json")
        except ValueError as exc:
            err.write(f"ftjobs validate: error: {clean(exc)}\n")
            return EXIT_UNUSABLE
    bar = _Bar(err) if err.isatty() else None
    try:
        report = validate_file(args.file, method=args.method, model=args.model, grader=grader, progress=bar)
    except UnusableFileError as exc:
        if bar is not None:
            bar.clear()
        err.write(f"ftjobs validate: error: {clean(exc)}\n")
        return EXIT_UNUSABLE
    if bar is not None:
        bar.clear()
    if args.json:
        from ._format import json_line

        out.write(json_line(report.to_dict()) + "\n")
    else:
        out.write(render(report) + "\n")
    return EXIT_VALID if report.valid else EXIT_INVALID


class _Bar:
    """``[#####-----]  42%  12.0 / 28.5 MB`` redrawn in place on a terminal."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._drawn = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._drawn < _REDRAW_SECONDS and done < total:
            return
        self._drawn = now
        share = done / total if total else 1.0
        filled = round(BAR_WIDTH * share)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self._stream.write(f"\r[{bar}] {share:4.0%}  {done / 1e6:.1f} / {total / 1e6:.1f} MB")
        self._stream.flush()

    def clear(self) -> None:
        self._stream.write("\r\x1b[K")
        self._stream.flush()


def render(report: ValidationReport) -> str:
    """The report as text: verdict, findings (a few per kind), token table."""
    from ._format import clean, table

    tokens = report.tokens
    errors = sum(report.error_counts.values())
    warnings = sum(report.warning_counts.values())
    verdict = "valid" if report.valid else f"INVALID: {errors:,} error{'s' * (errors != 1)}"
    lines = [
        f"{clean(report.path)}: {report.method}, {report.examples:,} examples in {report.lines:,} lines: "
        f"{verdict}, {warnings:,} warning{'s' * (warnings != 1)}"
    ]
    for severity, counts in (("error", report.error_counts), ("warning", report.warning_counts)):
        if not counts:
            continue
        lines.append("")
        lines.append(f"{severity}s:")
        rows = []
        for kind in counts:
            kept = [i for i in report.issues if i.kind == kind and i.severity == severity]
            for issue in kept[:LISTED_PER_KIND]:
                rows.append([str(issue.line), kind, clean(issue.message)])
            if counts[kind] > min(len(kept), LISTED_PER_KIND):
                rows.append(["", kind, f"... {counts[kind]:,} in all"])
        lines.append(table(["line", "kind", "message"], rows))
    lines.append("")
    tokenizer = tokens.encoding
    if not tokens.exact:
        tokenizer += ", ESTIMATE: pip install 'ftjobs[tokens]' for exact counts"
    lines.append(f"tokens ({tokenizer}):")
    rows = []
    for name, dist in (
        ("messages per example", tokens.messages),
        ("tokens per example", tokens.total),
        ("assistant tokens per example", tokens.assistant),
    ):
        if dist is not None:
            cells = [dist.min, dist.max, f"{dist.mean:,.1f}", f"{dist.median:,.1f}", dist.p5, dist.p95]
            rows.append([name] + [c if isinstance(c, str) else f"{c:,}" for c in cells])
    lines.append(table(["", "min", "max", "mean", "median", "p5", "p95"], rows))
    if tokens.limit is not None:
        limit = f"{tokens.limit:,}"
    else:
        limit = f"unknown for {clean(report.model)}" if report.model else "unknown (give --model)"
    approx = "" if tokens.exact else "~"
    summary = [
        ("example limit", limit),
        ("examples over it", f"{len(tokens.over_limit):,}"),
        ("images", f"{tokens.images:,}"),
        ("tokens per epoch", f"{approx}{tokens.tokens_per_epoch:,}"),
        ("default epochs", f"{tokens.epochs}"),
        ("billed tokens", f"{approx}{tokens.billed_tokens:,} (epochs x tokens per epoch)"),
    ]
    width = max(len(k) for k, _ in summary)
    lines.extend(f"{k.ljust(width)}  {v}" for k, v in summary)
    return "\n".join(lines)


def main_validate(args: argparse.Namespace) -> int:
    """The entry from ``ftjobs._cli.main``."""
    return run(args, sys.stdout, sys.stderr)
