"""``ftjobs metrics ID``: a job's training metrics as a text chart (default), a table, JSON lines or
CSV; ``--watch`` follows a running job; ``--plot FILE.png|FILE.svg`` also writes a picture
(matplotlib, the ``ftjobs[plot]`` extra, imported only then, with the Agg backend).

Output rules: machine output is keyed by the API's field names (``step`` first); every value a
server sent goes through ``_format.clean``/``json_line``; colour only on a terminal without
``NO_COLOR``; with ``--watch`` the chart is redrawn in place only on such a terminal (elsewhere: the
final chart once the job ends, and new rows as they come for ``--table``/``--json``/``--csv``).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import os
import shutil
import sys
import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ftjobs import Client, JobMetrics, MetricsRow

#: Rows of the chart (fewer on a short terminal), and the lines around it (title, axis, legend).
CHART_ROWS = 12
_CHART_CHROME = 6
PLOT_SIZE = (8.0, 4.5)  # inches
PLOT_DPI = 100  # so a PNG is 800 x 450 pixels; an SVG is 576 x 324 pt
PLOT_FORMATS = ("png", "svg")
INSTALL_HINT = "pip install 'ftjobs[plot]'"


def add_arguments(parser: argparse.ArgumentParser, seconds: Callable[[str], float]) -> None:
    """The options of ``ftjobs metrics`` (``--json`` comes from the common options)."""
    parser.add_argument("job_id", metavar="ID", help="the job's id (ftjob-...)")
    parser.add_argument(
        "--csv", action="store_true", help="CSV: a header row of field names, one row per step"
    )
    parser.add_argument(
        "--table", action="store_true", help="a table, one row per step, instead of the chart"
    )
    parser.add_argument("--watch", action="store_true", help="keep redrawing until the job ends")
    parser.add_argument(
        "--poll-interval",
        type=seconds,
        default=2.0,
        metavar="SECONDS",
        help="with --watch: seconds between reads (default 2)",
    )
    parser.add_argument(
        "--timeout",
        dest="wait_timeout",
        type=seconds,
        metavar="SECONDS",
        help="with --watch: give up after SECONDS (exit 5)",
    )
    parser.add_argument(
        "--plot", metavar="FILE", help=f"also write a picture, FILE.png or FILE.svg ({INSTALL_HINT})"
    )


def _problem(message: str) -> Exception:
    from ftjobs import InvalidArgumentError

    return InvalidArgumentError(message)  # the CLI's usage error: one line, exit 2


def _plot_format(path: str | None) -> str | None:
    """The picture's format, checked before anything is fetched (and matplotlib's presence)."""
    if path is None:
        return None
    kind = os.path.splitext(path)[1].lower().lstrip(".")
    if kind not in PLOT_FORMATS:
        raise _problem(f"--plot {path!r}: the file name must end in .png or .svg")
    if importlib.util.find_spec("matplotlib") is None:
        raise _problem(f"--plot needs matplotlib, which is not installed: {INSTALL_HINT}")
    return kind


def run(client: Client, args: argparse.Namespace, out: IO[str]) -> int:
    """The ``metrics`` command; returns the exit code."""
    from . import EXIT_OK

    chosen = [
        flag for flag, on in (("--json", args.json), ("--csv", args.csv), ("--table", args.table)) if on
    ]
    if len(chosen) > 1:
        raise _problem(f"choose one output: {' or '.join(chosen)}")
    kind = _plot_format(args.plot)
    view = _View(args, out)
    if args.watch:
        code, metrics = _watch(client, args, view)
    else:
        code, metrics = EXIT_OK, _complete(client, client.jobs.metrics(args.job_id))
        view.show(metrics, final=True)
    if kind is not None and args.plot is not None:
        write_plot(metrics, args.plot, kind)
        sys.stderr.write(f"ftjobs: wrote {args.plot} ({len(metrics)} steps)\n")
    return code


def _complete(client: Client, metrics: JobMetrics) -> JobMetrics:
    """metrics, with the steps its events lack read from the job's result files when it has some
    (the API keeps a bounded number of events: a long job's early steps are only in the results)."""
    from ftjobs._job_results import filled, incomplete

    if not incomplete(metrics):
        return metrics
    results = client.jobs.results(metrics.job_id)
    if not results.rows:
        return metrics
    more = filled(metrics, results)
    if len(more) > len(metrics):
        sys.stderr.write(
            f"ftjobs: {len(more) - len(metrics)} steps the job's events no longer hold were read "
            f"from its result file{'s' if len(results.file_ids) > 1 else ''}\n"
        )
    return more


def _watch(client: Client, args: argparse.Namespace, view: _View) -> tuple[int, JobMetrics]:
    from ftjobs import JobStatus

    from . import EXIT_JOB_CANCELLED, EXIT_JOB_FAILED, EXIT_OK, EXIT_WAIT_TIMEOUT, _complain

    deadline = None if args.wait_timeout is None else time.monotonic() + args.wait_timeout
    while True:
        job = client.jobs.retrieve(args.job_id)
        metrics = client.jobs.metrics(args.job_id)
        done = job.status.is_terminal
        expired = not done and deadline is not None and time.monotonic() >= deadline
        view.show(metrics, final=done or expired)
        if done:
            code = {JobStatus.FAILED: EXIT_JOB_FAILED, JobStatus.CANCELLED: EXIT_JOB_CANCELLED}
            return code.get(job.status, EXIT_OK), metrics
        if expired:
            _complain(
                f"job {args.job_id} did not finish within {args.wait_timeout:g}s (status {job.status.value})"
            )
            return EXIT_WAIT_TIMEOUT, metrics
        left = (
            args.poll_interval if deadline is None else min(args.poll_interval, deadline - time.monotonic())
        )
        time.sleep(max(0.0, left))


class _View:
    """Writes a series in the chosen output, once or (``--watch``) again as it grows."""

    def __init__(self, args: argparse.Namespace, out: IO[str]) -> None:
        from ._format import use_colour

        self.out = out
        self.job_id: str = args.job_id
        self.mode = "json" if args.json else "csv" if args.csv else "table" if args.table else "chart"
        self.watch: bool = args.watch
        self.colour = use_colour(out)
        isatty = getattr(out, "isatty", None)
        self.live = bool(isatty and isatty()) and not os.environ.get("NO_COLOR")  # redraw in place
        self.drawn = 0  # lines of the chart on screen (live redraw)
        self.last_step: int | None = None  # the last row written (rows modes)
        self.columns: list[str] | None = None
        self.widths: list[int] = []  # --table: each column's width, fixed with the columns

    def show(self, metrics: JobMetrics, *, final: bool) -> None:
        if self.mode == "chart":
            if final or self.live:
                self._chart(metrics)
        else:
            self._rows(metrics)
        self.out.flush()

    def _chart(self, metrics: JobMetrics) -> None:
        from ._chart import render
        from ._format import clean

        size = shutil.get_terminal_size((80, 24))
        height = max(4, min(CHART_ROWS, size.lines - _CHART_CHROME))
        series = {name: metrics.series(name) for name in ("train_loss", "valid_loss", "full_valid_loss")}
        lines = render(
            series,
            width=size.columns - 1,
            height=height,
            colour=self.colour,
            title=f"loss, job {clean(self.job_id)}",
        )
        if self.drawn and self.live:
            self.out.write(f"\x1b[{self.drawn}F\x1b[J")  # back to the chart's first line, clear below
        self.out.write("\n".join(lines) + "\n")
        self.drawn = len(lines)

    def _rows(self, metrics: JobMetrics) -> None:
        from ftjobs._metrics import KNOWN_FIELDS

        if self.columns is None:
            # --watch: columns fixed by the first read (every known field: validation comes later)
            self.columns = ["step", *KNOWN_FIELDS, *metrics.fields[1:]] if self.watch else metrics.fields
            self.columns = list(dict.fromkeys(self.columns))
            self._header()
        fresh = [row for row in metrics if self.last_step is None or row.step > self.last_step]
        for row in fresh:
            self._row(row)
        if fresh:
            self.last_step = fresh[-1].step

    def _header(self) -> None:
        from ._format import clean

        # A field name is the server's text too: escaped like any value (an ESC in a name is "\x1b").
        columns = self.columns or []
        if self.mode == "csv":
            self.out.write(_csv_line([clean(name) for name in columns]))
        elif self.mode == "table":
            self.widths = [max(len(clean(name)), 8) for name in columns]
            heads = [
                clean(name.upper()).rjust(width) for name, width in zip(columns, self.widths, strict=True)
            ]
            self.out.write("  ".join(heads).rstrip() + "\n")

    def _row(self, row: MetricsRow) -> None:
        from ._format import clean, json_line

        columns = self.columns or []
        if self.mode == "json":
            self.out.write(json_line(row.to_dict()) + "\n")
        elif self.mode == "csv":
            self.out.write(_csv_line([_csv_value(row.get(name)) for name in columns]))
        else:
            cells = [
                clean(_table_value(row.get(name))).rjust(width)
                for name, width in zip(columns, self.widths, strict=True)
            ]
            self.out.write("  ".join(cells) + "\n")


def _table_value(value: Any) -> str:
    from ._format import _number

    if value is None:
        return "-"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    shown = _number(value)
    return shown if shown != "-" else str(value)


def _csv_value(value: Any) -> str:
    from ._format import clean, json_line

    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return clean(json_line(value))  # an unknown field holding a list or object: its JSON
    return clean(value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value))


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def write_plot(metrics: JobMetrics, path: str, kind: str) -> None:
    """The loss curves as a picture (PNG or SVG, ``PLOT_SIZE`` at ``PLOT_DPI``), drawn off-screen."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=PLOT_SIZE, dpi=PLOT_DPI)
    FigureCanvasAgg(figure)  # Agg: no display, no GUI toolkit, no global pyplot state
    axes = figure.add_subplot()
    styles: dict[str, dict[str, Any]] = {
        "train_loss": {"linewidth": 1.5},
        "valid_loss": {"marker": "o", "markersize": 4, "linewidth": 1},
        "full_valid_loss": {"marker": "D", "markersize": 7, "linestyle": "none"},
    }
    drawn = 0
    for name, style in styles.items():
        points = metrics.series(name)
        if points:
            axes.plot([s for s, _ in points], [v for _, v in points], label=name, **style)
            drawn += 1
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    axes.set_title(f"{metrics.job_id}" + ("" if drawn else " (no metrics yet)"))
    axes.grid(alpha=0.3)
    if drawn:
        axes.legend()
    figure.tight_layout()
    try:
        figure.savefig(path, format=kind)
    except OSError as exc:
        raise _problem(f"--plot: cannot write {path!r}: {exc.strerror or exc}") from None
