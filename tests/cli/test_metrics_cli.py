"""`ftjobs metrics`, run as a subprocess against the local server: the text chart (golden output at a
fixed width; escape codes only on a terminal without NO_COLOR), --table/--json/--csv, --watch, and
--plot pictures (PNG/SVG of the expected size; a one-line hint when matplotlib is missing)."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftjobs._cli._chart import MAX_WIDTH, MIN_WIDTH, render
from ftjobs._server import DEFAULT_API_KEY, Server
from ftjobs.testing import serve

T0 = 1_800_000_000.0
STEPS = 24


def _train(step: int) -> float:
    return round(2.0 * 0.88**step + 0.1 + (0.04 if step % 3 == 0 else 0.0), 4)


def _valid(step: int) -> float:
    return round(2.1 * 0.88**step + 0.15, 4)


def fixed_series() -> list[dict[str, Any]]:
    """The metrics events' data of the golden chart: 24 steps, validation every 4, full at the end."""
    rows: list[dict[str, Any]] = []
    for step in range(1, STEPS + 1):
        data: dict[str, Any] = {"step": step, "train_loss": _train(step), "train_mean_token_accuracy": 0.5}
        if step % 4 == 0:
            data["valid_loss"] = _valid(step)
        if step == STEPS:
            data["full_valid_loss"] = 0.2
        data["total_steps"] = STEPS
        rows.append(data)
    return rows


GOLDEN = """\
loss, job {job} (steps 1-24)
1.86 ┤⠑⢄
     │  ⠑⢄
     │    ⠉⠢⡀
     │      ⠈⠢•
     │        ⠈⠢⢄
     │           ⠉⠒⠢⢄
1.03 ┤               ⠑⠢⣀ •
     │                  ⠉⠒⠢⠤⣀
     │                       ⠉⠒⠤⣀⡀
     │                           ⠈⠉⠉⠉•⠢⢄⣀
     │                                   ⠉⠉⠉⠉⠉⠒⠤•⣀⣀⣀⣀⣀⡀
0.20 ┤                                                ⠈⠉⠒⠒⠒•⠒⠒⠒⠢⠤⠤⢄⣀⣀⠤◆
     └─────────────────────────────────────────────────────────────────
      1                             step                             24
⠤⠤ train_loss 0.2330 (step 24)   • valid_loss 0.2477 (step 24)
◆ full_valid_loss 0.2000 (step 24)
"""


@pytest.fixture(scope="module")
def frozen() -> Iterator[Server]:
    """A server on a frozen clock: jobs stay in validating_files; their metrics are the test's."""
    with Server(clock=lambda: T0, step_seconds=1.0) as server:
        yield server


def _env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PORTKEY_", "AZURE_"))}
    env.pop("NO_COLOR", None)
    env.update({"OPENAI_API_KEY": DEFAULT_API_KEY, "OPENAI_BASE_URL": url, "COLUMNS": "72", "LINES": "40"})
    env.update(extra)
    return env


def ftjobs(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ftjobs", *args],
        env=_env(url, **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _job_with(server: Server, series: list[dict[str, Any]]) -> str:
    """A new job whose events are metrics events carrying series (oldest first)."""
    import httpx2

    response = httpx2.post(
        server.url + "/fine_tuning/jobs",
        json={"model": "gpt-4o-mini", "training_file": "file-t"},
        headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"},
    )
    job_id: str = response.json()["id"]
    events = [
        {
            "object": "fine_tuning.job.event",
            "id": f"ft-event-{job_id[-10:]}{i:05d}",
            "created_at": int(T0),
            "level": "info",
            "message": f"Step {data['step']}",
            "data": data,
            "type": "metrics",
        }
        for i, data in enumerate(series)
    ]
    assert server._app is not None
    store = server._app.store
    with store._lock, store._db:
        store._db.execute("BEGIN")
        store._insert("events", job_id, events)
    return job_id


@pytest.fixture(scope="module")
def fixed_job(frozen: Server) -> str:
    return _job_with(frozen, fixed_series())


def test_chart_golden_output_piped(frozen: Server, fixed_job: str) -> None:
    """The chart of a fixed series at 72 columns, piped: exactly the golden text, no escape codes."""
    result = ftjobs(frozen.url, "metrics", fixed_job)
    assert result.returncode == 0, result.stderr
    assert result.stdout == GOLDEN.format(job=fixed_job)
    assert "\x1b" not in result.stdout


def test_chart_fits_the_width(frozen: Server, fixed_job: str) -> None:
    """Every line fits COLUMNS (one column spare), from narrow to wide terminals."""
    for columns in (40, 100):
        result = ftjobs(frozen.url, "metrics", fixed_job, COLUMNS=str(columns))
        assert result.returncode == 0, result.stderr
        widths = [len(line) for line in result.stdout.splitlines()]
        assert max(widths) <= columns - 1
        assert widths[-4] == columns - 1  # the x axis takes the whole width


def test_render_colours_only_when_asked() -> None:
    """render(colour=True) paints each series; colour=False is the same text without escapes."""
    series = {"train_loss": [(1, 1.0), (2, 0.5)], "valid_loss": [(2, 0.6)], "full_valid_loss": []}
    plain = render(series, width=40)
    painted = render(series, width=40, colour=True)
    assert not any("\x1b" in line for line in plain)
    assert any("\x1b[36m" in line for line in painted) and any("\x1b[33m•\x1b[0m" in line for line in painted)
    assert [
        line.replace("\x1b[0m", "").replace("\x1b[36m", "").replace("\x1b[33m", "") for line in painted
    ] == plain
    assert render({}, width=40) == ["loss: no metrics yet"]


_points = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    train=_points,
    valid=_points,
    full=_points,
    width=st.integers(min_value=0, max_value=400),
    height=st.integers(min_value=0, max_value=30),
)
def test_render_draws_any_finite_series_within_the_width(
    train: list[tuple[int, float]],
    valid: list[tuple[int, float]],
    full: list[tuple[int, float]],
    width: int,
    height: int,
) -> None:
    """Any finite values (equal ones, 1e29 alone, +-1.7e308, subnormals) and any steps: lines, never an
    exception, none wider than the clamped width."""
    lines = render(
        {"train_loss": train, "valid_loss": valid, "full_valid_loss": full}, width=width, height=height
    )
    assert lines
    limit = max(MIN_WIDTH, min(width, MAX_WIDTH))
    assert all(len(line) <= limit for line in lines), lines


@pytest.mark.parametrize(
    "value", [1.2345678901234568e29, 1.7976931348623157e308, -1.7976931348623157e308, 5e-324]
)
def test_render_a_single_value_no_float_can_widen_by_half(value: float) -> None:
    """One point (or equal ones) whose +-0.5 is lost in a float still gets a range: drawn, labelled."""
    lines = render({"train_loss": [(1, value), (2, value)]}, width=60)
    assert lines[0] == "loss (steps 1-2)"
    assert any("⠉" in line or "⠒" in line or "⣀" in line or "⠤" in line for line in lines[1:-3]), lines


def _in_terminal(url: str, *args: str, **env: str) -> str:
    """The output of ftjobs ARGS run in a pseudo-terminal."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execve(sys.executable, [sys.executable, "-m", "ftjobs", *args], _env(url, **env))
    output = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return output.decode()


def test_terminal_colour_and_no_color(frozen: Server, fixed_job: str) -> None:
    """On a terminal the chart is coloured; with NO_COLOR it is the plain golden text."""
    coloured = _in_terminal(frozen.url, "metrics", fixed_job)
    assert "\x1b[36m" in coloured
    plain = _in_terminal(frozen.url, "metrics", fixed_job, NO_COLOR="1")
    assert "\x1b" not in plain
    assert plain.replace("\r\n", "\n") == GOLDEN.format(job=fixed_job)


def test_json_and_csv(frozen: Server, fixed_job: str) -> None:
    """--json: one object per step, API names, step first. --csv: a header of the same names."""
    result = ftjobs(frozen.url, "metrics", fixed_job, "--json")
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert objects == fixed_series()
    assert all(next(iter(obj)) == "step" for obj in objects)
    assert list(objects[-1]) == [
        "step",
        "train_loss",
        "train_mean_token_accuracy",
        "valid_loss",
        "full_valid_loss",
        "total_steps",
    ]
    result = ftjobs(frozen.url, "metrics", fixed_job, "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [
        "step",
        "train_loss",
        "train_mean_token_accuracy",
        "valid_loss",
        "full_valid_loss",
        "total_steps",
    ]
    assert rows[1] == ["1", str(_train(1)), "0.5", "", "", "24"]
    assert rows[4][3] == str(_valid(4)) and rows[-1][4] == "0.2"
    assert len(rows) == STEPS + 1


def test_table(frozen: Server, fixed_job: str) -> None:
    """--table: a header and one aligned row per step; absent values are '-'."""
    result = ftjobs(frozen.url, "metrics", fixed_job, "--table")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "STEP", "TRAIN_LOSS", "TRAIN_MEAN_TOKEN_ACCURACY", "VALID_LOSS", "FULL_VALID_LOSS", "TOTAL_STEPS"
    ]  # fmt: skip
    assert lines[1].split() == ["1", f"{_train(1):.4f}", "0.5000", "-", "-", "24"]
    assert len({len(line) for line in lines}) == 1
    assert len(lines) == STEPS + 1


def test_usage_errors(frozen: Server, fixed_job: str, tmp_path: Path) -> None:
    """Two outputs, a picture that is neither PNG nor SVG, an unknown job: one line each, exit 2/2/1."""
    both = ftjobs(frozen.url, "metrics", fixed_job, "--json", "--csv")
    assert (both.returncode, both.stdout) == (2, "")
    assert both.stderr.count("\n") == 1 and "--json or --csv" in both.stderr
    gif = ftjobs(frozen.url, "metrics", fixed_job, "--plot", str(tmp_path / "loss.gif"))
    assert gif.returncode == 2 and ".png or .svg" in gif.stderr and gif.stderr.count("\n") == 1
    unknown = ftjobs(frozen.url, "metrics", "ftjob-nope")
    assert unknown.returncode == 1 and "404" in unknown.stderr and "Traceback" not in unknown.stderr


def test_plot_png_and_svg(frozen: Server, fixed_job: str, tmp_path: Path) -> None:
    """--plot writes a PNG of 800 x 450 pixels and an SVG of 576 x 324 pt that parse back."""
    from PIL import Image

    png, svg = tmp_path / "loss.png", tmp_path / "loss.svg"
    for path in (png, svg):
        result = ftjobs(frozen.url, "metrics", fixed_job, "--plot", str(path), "--json")
        assert result.returncode == 0, result.stderr
        assert f"wrote {path}" in result.stderr
        assert len(result.stdout.splitlines()) == STEPS  # the chosen output is still written
    with Image.open(png) as image:
        assert (image.format, image.size) == ("PNG", (800, 450))
        image.load()
        assert len(image.convert("RGB").getcolors(1 << 20) or []) > 10  # curves, not a blank canvas
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert (root.get("width"), root.get("height")) == ("576pt", "324pt")
    assert "train_loss" in svg.read_text()


def test_plot_without_matplotlib_says_how_to_install(frozen: Server, fixed_job: str, tmp_path: Path) -> None:
    """No matplotlib: one line naming the extra, exit 2, nothing fetched or written."""
    code = "import sys; sys.modules['matplotlib'] = None; from ftjobs._cli import run; run()"
    out = tmp_path / "loss.png"
    result = subprocess.run(
        [sys.executable, "-c", code, "metrics", fixed_job, "--plot", str(out)],
        env=_env(frozen.url),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "pip install 'ftjobs[plot]'" in result.stderr
    assert not out.exists() and result.stdout == ""


def test_no_matplotlib_import_without_plot(frozen: Server, fixed_job: str) -> None:
    """The chart, JSON and CSV never import matplotlib (the CLI's start-up stays as it was)."""
    code = (
        "import sys; from ftjobs._cli import main; code = main(sys.argv[1:]);"
        "sys.stderr.write(str(sorted(m for m in sys.modules if m.startswith('matplotlib'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "metrics", fixed_job, "--csv"],
        env=_env(frozen.url),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stderr.endswith("[]"), result.stderr


def test_watch_follows_a_running_job() -> None:
    """--watch --json prints each step once as it comes and ends with the job (exit 0); piped, the
    chart of --watch is drawn once, at the end."""
    with serve(step_seconds=0.05) as url:
        env = {"OPENAI_API_KEY": DEFAULT_API_KEY, "OPENAI_BASE_URL": url}
        created = subprocess.run(
            [sys.executable, "-m", "ftjobs", "create", "--model", "m", "--training-file", "file-t",
             "--validation-file", "file-v", "--n-epochs", "4", "--json"],
            env=_env(url, **env), capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        job_id = json.loads(created.stdout)["id"]
        watched = ftjobs(url, "metrics", job_id, "--watch", "--json", "--poll-interval", "0.05")
        assert watched.returncode == 0, watched.stderr
        steps = [json.loads(line)["step"] for line in watched.stdout.splitlines()]
        assert steps == list(range(1, 9))
        chart = ftjobs(url, "metrics", job_id, "--watch", "--poll-interval", "0.05")
        assert chart.returncode == 0 and chart.stdout.count("loss, job") == 1


def test_watch_timeout_exit_5() -> None:
    """--watch --timeout on a job that cannot finish in time: exit 5, one line on stderr."""
    with serve(step_seconds=5.0) as url:
        env = {"OPENAI_API_KEY": DEFAULT_API_KEY, "OPENAI_BASE_URL": url}
        created = subprocess.run(
            [sys.executable, "-m", "ftjobs", "create", "--model", "m", "--training-file", "file-t", "--json"],
            env=_env(url, **env), capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        job_id = json.loads(created.stdout)["id"]
        result = ftjobs(
            url, "metrics", job_id, "--watch", "--timeout", "0.3", "--poll-interval", "0.1", "--csv"
        )
        assert result.returncode == 5
        assert "did not finish within 0.3s" in result.stderr
        assert result.stdout.splitlines()[0].startswith("step,train_loss")


def test_wait_progress_line_shows_the_latest_train_loss() -> None:
    """`ftjobs wait` writes the latest training loss in its progress line: at the end, the last step's."""
    with serve(step_seconds=0.05) as url:
        env = {"OPENAI_API_KEY": DEFAULT_API_KEY, "OPENAI_BASE_URL": url}
        created = subprocess.run(
            [sys.executable, "-m", "ftjobs", "create", "--model", "m", "--training-file", "file-t", "--json"],
            env=_env(url, **env), capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        job_id = json.loads(created.stdout)["id"]
        waited = ftjobs(url, "wait", job_id, "--poll-interval", "0.05", "--max-poll-interval", "0.1")
        assert waited.returncode == 0, waited.stderr
        last = json.loads(ftjobs(url, "metrics", job_id, "--json").stdout.splitlines()[-1])
    succeeded = next(line for line in waited.stdout.splitlines() if " succeeded " in line)
    assert f"  loss {last['train_loss']:.4f}  " in succeeded
    assert all("loss" not in line for line in waited.stdout.splitlines() if "validating_files" in line)
