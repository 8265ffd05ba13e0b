"""`ftjobs upload`, `ftjobs create --training-file ./FILE` and `ftjobs results`, as subprocesses
against the local server."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ftjobs.testing import serve

from .test_cli import ftjobs

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "validate"
GOOD = FIXTURES / "supervised_good.jsonl"
BAD = FIXTURES / "supervised_bad.jsonl"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve(step_seconds=0.01) as url:
        yield url


def test_upload_prints_the_file_and_json_gives_the_object(server: str) -> None:
    """`ftjobs upload FILE`: one line with the id, name, size, purpose and status; --json the object."""
    done = ftjobs(server, "upload", str(GOOD))
    assert done.returncode == 0, done.stderr
    file_id, name, size, *rest = done.stdout.split("  ")
    assert file_id.startswith("file-")
    assert (name, size, rest) == (GOOD.name, f"{GOOD.stat().st_size:,} bytes", ["fine-tune", "processed\n"])
    as_json = json.loads(ftjobs(server, "upload", str(GOOD), "--json").stdout)
    assert (as_json["object"], as_json["bytes"]) == ("file", GOOD.stat().st_size)


def test_create_with_a_path_uploads_and_results_reads_the_csv(server: str) -> None:
    """create --training-file PATH uploads it (the job names a new file id); once the job succeeded,
    results --csv prints the header and one row per step, --json one object per row."""
    created = ftjobs(server, "create", "--model", "gpt-4o-mini", "--training-file", str(GOOD), "--json")
    assert created.returncode == 0, created.stderr
    job = json.loads(created.stdout)
    assert job["training_file"].startswith("file-") and job["training_file"] != "file-abc123"
    waited = ftjobs(server, "wait", job["id"], "--poll-interval", "0.05", "--timeout", "60")
    assert waited.returncode == 0, waited.stderr
    table = list(csv.reader(io.StringIO(ftjobs(server, "results", job["id"], "--csv").stdout)))
    assert table[0] == ["step", "train_loss", "train_accuracy", "valid_loss", "valid_mean_token_accuracy"]
    assert [int(row[0]) for row in table[1:]] == list(range(1, len(table)))
    rows = [json.loads(line) for line in ftjobs(server, "results", job["id"], "--json").stdout.splitlines()]
    assert [r["step"] for r in rows] == [int(row[0]) for row in table[1:]]
    assert [r["train_loss"] for r in rows] == [float(row[1]) for row in table[1:]]
    shown = ftjobs(server, "results", job["id"]).stdout.splitlines()
    assert shown[0].split() == table[0]
    assert len(shown) == len(table)
    assert shown[1].split() == [
        table[1][0],
        f"{float(table[1][1]):.4f}",
        f"{float(table[1][2]):.4f}",
        "-",
        "-",
    ]


def test_create_with_an_invalid_file_says_which_line_and_uploads_nothing(server: str) -> None:
    """An invalid local file: exit 2 and the first error's line; a missing path is a usage error."""
    done = ftjobs(server, "create", "--model", "gpt-4o-mini", "--training-file", str(BAD))
    assert done.returncode == 2
    assert "line " in done.stderr and "nothing was uploaded" in done.stderr
    missing = ftjobs(server, "create", "--model", "gpt-4o-mini", "--training-file", "./nope.jsonl")
    assert missing.returncode == 2
    assert "./nope.jsonl: no such file" in missing.stderr


def test_results_of_a_job_without_result_files() -> None:
    """A job cancelled before it finished has no result file: a note on stderr, exit 0, no output."""
    with serve(step_seconds=5.0) as slow:
        created = ftjobs(slow, "create", "--model", "gpt-4o-mini", "--training-file", "file-abc", "--json")
        job = json.loads(created.stdout)
        assert ftjobs(slow, "cancel", job["id"]).returncode == 0
        done = ftjobs(slow, "results", job["id"])
    assert (done.returncode, done.stdout) == (0, "")
    assert "has no result files" in done.stderr
