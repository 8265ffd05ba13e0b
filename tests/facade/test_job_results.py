"""jobs.results: result files downloaded, plain or base64 CSV decoded, rows typed."""

from __future__ import annotations

import asyncio
import base64

import httpx2
import pytest

import ftjobs
from ftjobs import _job_results

from .helpers import Recorder, job_json, make_async_client, make_client

CSV = (
    b"step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n"
    b"1,1.52347,0.0,,\n"
    b"2,0.57719,0.0,,\n"
    b"3,3.63525,0.0,,\n"
    b"4,1.72257,0.0,1.1032,0.5\n"
)


def files_server(contents: dict[str, bytes]) -> Recorder:
    """A job with result_files = contents' ids, and GET /files/{id}/content for each."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if path.startswith("/v1/fine_tuning/jobs/"):
            return httpx2.Response(200, json=job_json(status="succeeded", result_files=list(contents)))
        file_id = path.split("/")[3]
        return httpx2.Response(200, content=contents[file_id])

    return Recorder(handle)


def test_plain_csv_becomes_typed_rows() -> None:
    """Step ints, known columns floats, empty cells None; the columns in the file's order."""
    rec = files_server({"file-res": CSV})
    results = make_client(rec).jobs.results("ftjob-abc123")
    assert [r.url.path for r in rec.requests] == [
        "/v1/fine_tuning/jobs/ftjob-abc123",
        "/v1/files/file-res/content",
    ]
    assert results.file_ids == ("file-res",)
    assert results.columns == (
        "step",
        "train_loss",
        "train_accuracy",
        "valid_loss",
        "valid_mean_token_accuracy",
    )
    assert results.rows[0] == ftjobs.ResultRow(step=1, train_loss=1.52347, train_accuracy=0.0)
    assert results.rows[3] == ftjobs.ResultRow(
        step=4, train_loss=1.72257, train_accuracy=0.0, valid_loss=1.1032, valid_mean_token_accuracy=0.5
    )
    assert [r.step for r in results.rows] == [1, 2, 3, 4]


def test_base64_csv_decodes_the_same_and_to_csv_gives_the_csv_back() -> None:
    """A base64-encoded file (line-wrapped, as some tools write it) reads as the plain one; to_csv()
    writes the same columns and values."""
    encoded = base64.encodebytes(CSV)  # newlines every 76 characters
    plain = make_client(files_server({"f": CSV})).jobs.results("ftjob-abc123")
    decoded = make_client(files_server({"f": encoded})).jobs.results("ftjob-abc123")
    assert decoded.rows == plain.rows
    assert decoded.to_csv().encode() == CSV


def test_unknown_columns_are_kept_as_text() -> None:
    """A column the client does not know lands in extra as its text, and in to_dict after the known ones."""
    csv = b"step,train_loss,full_valid_loss,train_accuracy\n7,0.5,0.25,\n"
    row = make_client(files_server({"f": csv})).jobs.results("ftjob-abc123").rows[0]
    assert row.extra == {"full_valid_loss": "0.25"}
    assert row.to_dict() == {
        "step": 7,
        "train_loss": 0.5,
        "train_accuracy": None,
        "valid_loss": None,
        "valid_mean_token_accuracy": None,
        "full_valid_loss": "0.25",
    }


def test_several_result_files_are_read_in_order() -> None:
    """Two result files: rows of the first, then of the second; a new column of the second is added."""
    second = b"step,train_loss,new_metric\n5,0.1,x\n"
    results = make_client(files_server({"f1": CSV, "f2": second})).jobs.results("ftjob-abc123")
    assert results.file_ids == ("f1", "f2")
    assert [r.step for r in results.rows] == [1, 2, 3, 4, 5]
    assert results.columns[-1] == "new_metric"


def test_a_job_without_result_files_has_no_rows() -> None:
    """No result files (a running job): no rows, one request only."""
    rec = files_server({})
    results = make_client(rec).jobs.results("ftjob-abc123")
    assert (results.rows, results.file_ids, len(rec.requests)) == ((), (), 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html>oops</html>", "neither CSV with a 'step' column nor base64"),
        (base64.b64encode(b"not,a,csv\n1,2,3\n"), "neither CSV"),
        (b"step,train_loss\n1,abc\n", "line 2: train_loss 'abc' is not a number"),
        (b"step,train_loss\n1.5,0.1\n", "line 2: step '1.5' is not a whole number"),
        (b"step,train_loss\n1,0.1,9\n", "line 2: 3 cells for 2 columns"),
    ],
)
def test_unreadable_result_files_are_response_validation_errors(content: bytes, message: str) -> None:
    """HTML, base64 of something else, a bad number, a fractional step, a ragged row: one clear error."""
    with pytest.raises(ftjobs.ResponseValidationError, match=message):
        make_client(files_server({"file-x": content})).jobs.results("ftjob-abc123")


def test_non_finite_values_read_as_none() -> None:
    """A NaN loss (written by some trainers) reads None rather than poisoning a chart."""
    _, rows = _job_results.parse("step,train_loss\n1,nan\n2,inf\n", "f")
    assert [r.train_loss for r in rows] == [None, None]


def test_async_results() -> None:
    """AsyncClient.jobs.results reads the same rows."""

    async def main() -> ftjobs.JobResults:
        async with make_async_client(files_server({"f": CSV})) as client:
            return await client.jobs.results("ftjob-abc123")

    assert len(asyncio.run(main()).rows) == 4


def metrics_server(event_steps: list[int], csv: bytes) -> Recorder:
    """Events (metrics for event_steps, newest first), no checkpoints, a job with one result file."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if path.endswith("/events"):
            data = [
                {
                    "object": "fine_tuning.job.event",
                    "id": f"ftevent-{step}",
                    "created_at": 1721764800 + step,
                    "level": "info",
                    "message": f"Step {step}",
                    "type": "metrics",
                    "data": {"step": step, "train_loss": 9.0, "train_mean_token_accuracy": 0.9},
                }
                for step in reversed(event_steps)
            ]
            return httpx2.Response(200, json={"object": "list", "data": data, "has_more": False})
        if path.endswith("/checkpoints"):
            return httpx2.Response(200, json={"object": "list", "data": [], "has_more": False})
        if path.endswith("/content"):
            return httpx2.Response(200, content=csv)
        return httpx2.Response(200, json=job_json(status="succeeded", result_files=["file-res"]))

    return Recorder(handle)


def test_metrics_cli_fills_steps_the_events_lost_from_the_result_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ftjobs metrics --csv` on a job whose events hold only steps 3-4: steps 1-2 come from the result
    file (train_accuracy as train_mean_token_accuracy), steps 3-4 stay the events' values; a note
    on stderr says how many steps were read from the results."""
    import io

    from ftjobs._cli import _metrics, parse

    rec = metrics_server([3, 4], CSV)
    out = io.StringIO()
    code = _metrics.run(make_client(rec), parse(["metrics", "ftjob-abc123", "--csv"]), out)
    assert code == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("step,train_loss,train_mean_token_accuracy")
    assert [line.split(",")[:3] for line in lines[1:]] == [
        ["1", "1.52347", "0.0"],
        ["2", "0.57719", "0.0"],
        ["3", "9.0", "0.9"],
        ["4", "9.0", "0.9"],
    ]
    assert "2 steps the job's events no longer hold were read from its result file" in capsys.readouterr().err


def test_complete_events_need_no_result_file() -> None:
    """Events for every step from 1: the series is complete, no result file is downloaded."""
    import io

    from ftjobs._cli import _metrics, parse

    rec = metrics_server([1, 2, 3, 4], CSV)
    _metrics.run(make_client(rec), parse(["metrics", "ftjob-abc123", "--csv"]), io.StringIO())
    assert not any(r.url.path.endswith("/content") for r in rec.requests)
