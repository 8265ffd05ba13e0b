"""The local server's files and Uploads API, the training file check on create (the same validator
as `ftjobs validate`), and the result file of a succeeded job, through the ftjobs client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

import ftjobs
from ftjobs.testing import DEFAULT_API_KEY, serve

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "validate"
GOOD = FIXTURES / "supervised_good.jsonl"
BAD = FIXTURES / "supervised_bad.jsonl"
MODEL = "gpt-4o-mini-2024-07-18"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve(step_seconds=0.01) as base:
        yield base


@pytest.fixture
def client(url: str) -> Iterator[ftjobs.Client]:
    with ftjobs.Client(api_key=DEFAULT_API_KEY, base_url=url) as c:
        yield c


def test_upload_retrieve_list_content_delete(client: ftjobs.Client) -> None:
    """A file uploaded is processed, listed newest first, served byte for byte, and gone once deleted."""
    first = client.files.create(GOOD)
    second = client.files.create(b'{"a": 1}\n', filename="other.jsonl", purpose="batch")
    assert (first.filename, first.bytes, first.purpose, first.status) == (
        "supervised_good.jsonl",
        GOOD.stat().st_size,
        "fine-tune",
        "processed",
    )
    assert client.files.retrieve(first.id) == first
    assert client.files.content(first.id) == GOOD.read_bytes()
    ids = [f.id for f in client.files.list().items]
    assert ids.index(second.id) < ids.index(first.id)
    assert [f.id for f in client.files.list(purpose="batch").items] == [second.id]
    assert client.files.delete(second.id).deleted is True
    with pytest.raises(ftjobs.NotFoundError, match=f"No such File object: {second.id}"):
        client.files.retrieve(second.id)


def test_uploads_in_parts_make_one_file(client: ftjobs.Client) -> None:
    """Parts of 100 bytes through the Uploads API: the file holds the whole content, in order."""
    data = GOOD.read_bytes()
    created = client.files.create(GOOD, use_uploads=True, part_size=100)
    assert created.bytes == len(data)
    assert client.files.content(created.id) == data


def test_complete_with_the_wrong_size_and_a_part_after_cancel_are_refused(url: str) -> None:
    """complete() with parts that do not add up to `bytes` is a 400; a cancelled upload takes no part."""
    headers = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
    with httpx2.Client(base_url=url, headers=headers) as http:
        upload = http.post(
            "/uploads", json={"filename": "t.jsonl", "purpose": "fine-tune", "bytes": 5, "mime_type": "x"}
        ).json()
        part = http.post(f"/uploads/{upload['id']}/parts", files={"data": ("blob", b"1234")}).json()
        done = http.post(f"/uploads/{upload['id']}/complete", json={"part_ids": [part["id"]]})
        assert done.status_code == 400
        assert "4 bytes" in done.json()["error"]["message"]
        assert http.post(f"/uploads/{upload['id']}/cancel").json()["status"] == "cancelled"
        late = http.post(f"/uploads/{upload['id']}/parts", files={"data": ("blob", b"5")})
        assert late.status_code == 400
        assert http.delete("/uploads").status_code == 405


def test_a_job_on_an_invalid_uploaded_file_fails_at_validating_files(client: ftjobs.Client) -> None:
    """The server checks a stored training file with validate_file: the job fails with
    invalid_training_file naming the first error's example (its line), as the API words it."""
    report = ftjobs.validate_file(BAD, model=MODEL)
    first = report.errors[0]
    uploaded = client.files.create(BAD)
    job = client.jobs.create(model=MODEL, training_file=uploaded.id)
    done = client.jobs.wait(job.id, poll_interval=0.02, timeout=30)
    assert done.status.value == "failed"
    assert done.error is not None
    assert done.error.code == "invalid_training_file"
    assert done.error.param == "training_file"
    assert done.error.message.startswith(
        "The job failed due to a file format error in the training file. Invalid file format. "
        f"Example {first.line}: "
    )


def test_a_succeeded_job_has_a_result_file_matching_its_metrics(client: ftjobs.Client) -> None:
    """jobs.create(training_file=Path) against the server, then results(): one row per metrics event,
    the same losses and accuracies (base64 CSV served, decoded by the client)."""
    job = client.jobs.create(model=MODEL, training_file=GOOD)
    done = client.jobs.wait(job.id, poll_interval=0.02, timeout=60)
    assert done.status.value == "succeeded"
    results = client.jobs.results(job.id)
    assert results.file_ids == done.result_files
    info = client.files.retrieve(results.file_ids[0])
    assert info.purpose == "fine-tune-results"
    events = [e for e in client.jobs.events(job.id) if e.type == "metrics"]
    by_step = {e.data["step"]: e.data for e in events}
    assert sorted(by_step) == [row.step for row in results.rows]
    for row in results.rows:
        data = by_step[row.step]
        assert row.train_loss == data["train_loss"]
        assert row.train_accuracy == data["train_mean_token_accuracy"]
        assert row.valid_loss == data.get("valid_loss")
    raw = client.files.content(results.file_ids[0])
    assert not raw.startswith(b"step")  # base64, as the API sends it


def test_a_file_that_is_not_jsonl_is_refused_on_upload(client: ftjobs.Client) -> None:
    """purpose fine-tune and a first line that is not a JSON object: 400 with the API's wording."""
    with pytest.raises(ftjobs.BadRequestError, match="Line 1 is not a dictionary"):
        client.files.create(b"step,loss\n1,2\n", filename="x.csv")
