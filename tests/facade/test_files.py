"""client.files: multipart uploads streamed from disk, Uploads in parts, the other file calls, and
wait_processed; the multipart bodies are read back with the standard library's email parser."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
from pathlib import Path
from typing import Any

import httpx2
import pytest

import ftjobs
from ftjobs import _files, _payload

from .helpers import Recorder, job_json, make_async_client, make_client


def file_json(file_id: str = "file-abc", status: str = "processed", **extra: Any) -> dict[str, Any]:
    """A file object as the API sends it."""
    return {
        "object": "file",
        "id": file_id,
        "bytes": 120,
        "created_at": 1721764800,
        "filename": "train.jsonl",
        "purpose": "fine-tune",
        "status": status,
        **extra,
    }


def form(request: httpx2.Request) -> dict[str, tuple[str | None, bytes]]:
    """The multipart form of request: {field: (filename, bytes)}, parsed by the email package."""
    kind = request.headers["content-type"]
    assert kind.startswith("multipart/form-data; boundary=")
    assert int(request.headers["content-length"]) == len(request.content)
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + kind.encode() + b"\r\n\r\n" + request.content
    )
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(payload, bytes)
        fields[name] = (part.get_filename(), payload)
    return fields


def json_response(body: Any, status: int = 200) -> httpx2.Response:
    return httpx2.Response(status, json=body, headers={"x-request-id": "req-1"})


TRAIN = b'{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}\n'


def test_create_from_a_path_sends_one_multipart_request_with_purpose_and_the_file(tmp_path: Path) -> None:
    """files.create(path): POST /files, form fields purpose and file (named after the path), and
    the parsed FileObject with the request id."""
    path = tmp_path / "train.jsonl"
    path.write_bytes(TRAIN * 3)
    rec = Recorder(lambda r: json_response(file_json(status="uploaded")))
    created = make_client(rec).files.create(path)
    assert [(r.method, r.url.path) for r in rec.requests] == [("POST", "/v1/files")]
    assert form(rec.requests[0]) == {"purpose": (None, b"fine-tune"), "file": ("train.jsonl", TRAIN * 3)}
    assert isinstance(created, ftjobs.FileObject)
    assert (created.id, created.status, created.request_id) == ("file-abc", "uploaded", "req-1")


def test_create_from_bytes_with_a_name_and_another_purpose() -> None:
    """Bytes upload as upload.jsonl unless filename= names them; purpose= is sent as given."""
    rec = Recorder(lambda r: json_response(file_json()))
    client = make_client(rec)
    client.files.create(b"abc")
    client.files.create(b"xyz", filename='say "hi".jsonl', purpose="batch")
    assert form(rec.requests[0])["file"] == ("upload.jsonl", b"abc")
    second = form(rec.requests[1])
    assert second["file"] == ("say %22hi%22.jsonl", b"xyz")
    assert second["purpose"] == (None, b"batch")


def test_progress_is_reported_after_each_chunk_of_the_file(tmp_path: Path) -> None:
    """A 2.5 MiB file is read and sent in 1 MiB chunks: progress(1 MiB), (2 MiB), (2.5 MiB) of 2.5 MiB."""
    size = 2 * _payload.CHUNK + _payload.CHUNK // 2
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"x" * size)
    seen: list[tuple[int, int]] = []
    rec = Recorder(lambda r: json_response(file_json()))
    make_client(rec).files.create(path, progress=lambda sent, total: seen.append((sent, total)))
    assert seen == [(_payload.CHUNK, size), (2 * _payload.CHUNK, size), (size, size)]
    assert form(rec.requests[0])["file"][1] == b"x" * size


def test_a_rate_limited_upload_sends_the_whole_body_again(tmp_path: Path) -> None:
    """POST /files is not idempotent, but a 429 is retried: the second attempt carries the same file."""
    path = tmp_path / "train.jsonl"
    path.write_bytes(TRAIN)
    answers = iter([json_response({"error": {"message": "slow down"}}, 429), json_response(file_json())])
    rec = Recorder(lambda r: next(answers))
    make_client(rec).files.create(path)
    assert len(rec.requests) == 2
    assert form(rec.requests[0])["file"] == form(rec.requests[1])["file"] == ("train.jsonl", TRAIN)


def test_a_server_error_on_upload_is_not_retried(tmp_path: Path) -> None:
    """A 500 after the file was sent is not retried (a second POST could make a second file)."""
    rec = Recorder(lambda r: json_response({"error": {"message": "boom"}}, 500))
    with pytest.raises(ftjobs.InternalServerError, match="boom"):
        make_client(rec).files.create(b"data")
    assert len(rec.requests) == 1


def upload_handler(parts: list[bytes], fail_part: int | None = None) -> Recorder:
    """An Uploads API: records the parts it gets; fail_part answers 400 to that part (1-based)."""

    def handle(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if path == "/v1/uploads":
            return json_response({"object": "upload", "id": "upload_1", "status": "pending"})
        if path == "/v1/uploads/upload_1/parts":
            parts.append(form(request)["data"][1])
            if fail_part == len(parts):
                return json_response({"error": {"message": "bad part"}}, 400)
            return json_response({"object": "upload.part", "id": f"part_{len(parts)}"})
        if path == "/v1/uploads/upload_1/complete":
            upload = {"object": "upload", "id": "upload_1", "status": "completed"}
            return json_response({**upload, "file": file_json("file-big", status="processed")})
        if path == "/v1/uploads/upload_1/cancel":
            return json_response({"object": "upload", "id": "upload_1", "status": "cancelled"})
        return json_response({"error": {"message": "no route"}}, 404)

    return Recorder(handle)


def test_uploads_in_parts_then_complete_with_the_part_ids_in_order(tmp_path: Path) -> None:
    """use_uploads=True, part_size=4 on 10 bytes: create (bytes=10), parts of 4, 4 and 2 bytes,
    complete with part_1..part_3; the result is the upload's file; progress counts the whole file."""
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"0123456789")
    parts: list[bytes] = []
    rec = upload_handler(parts)
    seen: list[tuple[int, int]] = []
    created = make_client(rec).files.create(
        path, use_uploads=True, part_size=4, progress=lambda s, t: seen.append((s, t))
    )
    assert [r.url.path for r in rec.requests] == [
        "/v1/uploads",
        *["/v1/uploads/upload_1/parts"] * 3,
        "/v1/uploads/upload_1/complete",
    ]
    assert json.loads(rec.requests[0].content) == {
        "filename": "train.jsonl",
        "purpose": "fine-tune",
        "bytes": 10,
        "mime_type": "application/jsonl",
    }
    assert parts == [b"0123", b"4567", b"89"]
    assert json.loads(rec.requests[-1].content) == {"part_ids": ["part_1", "part_2", "part_3"]}
    assert seen == [(4, 10), (8, 10), (10, 10)]
    assert (created.id, created.status) == ("file-big", "processed")


def test_a_failed_part_cancels_the_upload_and_raises_its_error() -> None:
    """A part refused with 400: the upload is cancelled and the BadRequestError is what the caller gets."""
    parts: list[bytes] = []
    rec = upload_handler(parts, fail_part=2)
    with pytest.raises(ftjobs.BadRequestError, match="bad part"):
        make_client(rec).files.create(b"0123456789", use_uploads=True, part_size=5)
    assert [r.url.path.rsplit("/", 1)[-1] for r in rec.requests] == ["uploads", "parts", "parts", "cancel"]


@pytest.mark.parametrize(("size", "expected"), [(10, "/v1/files"), (11, "/v1/uploads")])
def test_files_over_the_single_request_limit_go_through_uploads(
    size: int, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exactly at the single-request limit: one POST /files; one byte over: the Uploads API."""
    monkeypatch.setattr(_files, "SINGLE_REQUEST_LIMIT", 10)
    parts: list[bytes] = []
    base = upload_handler(parts)

    def handle(request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/v1/files":
            return json_response(file_json())
        return base.handler(request)

    rec = Recorder(handle)
    make_client(rec).files.create(b"x" * size)
    assert rec.requests[0].url.path == expected


def test_retrieve_list_delete_and_content() -> None:
    """retrieve, list (query parameters, a page), delete and content (raw bytes, not JSON)."""
    csv = b"step,train_loss\n1,0.5\n"

    def handle(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if request.method == "DELETE":
            return json_response({"object": "file", "id": "file-abc", "deleted": True})
        if path == "/v1/files":
            page = {"object": "list", "data": [file_json("file-1"), file_json("file-2")], "has_more": True}
            return json_response({**page, "first_id": "file-1", "last_id": "file-2"})
        if path.endswith("/content"):
            return httpx2.Response(200, content=csv, headers={"content-type": "application/octet-stream"})
        return json_response(file_json())

    rec = Recorder(handle)
    files = make_client(rec).files
    assert files.retrieve("file-abc").filename == "train.jsonl"
    page = files.list(purpose="fine-tune", limit=2, order="desc")
    assert [f.id for f in page.items] == ["file-1", "file-2"]
    assert rec.requests[-1].url.params == httpx2.QueryParams(purpose="fine-tune", limit="2", order="desc")
    page.next_page()
    assert rec.requests[-1].url.params["after"] == "file-2"
    deleted = files.delete("file-abc")
    assert (deleted.id, deleted.deleted) == ("file-abc", True)
    assert files.content("file-abc") == csv
    assert [(r.method, r.url.path) for r in rec.requests] == [
        ("GET", "/v1/files/file-abc"),
        ("GET", "/v1/files"),
        ("GET", "/v1/files"),
        ("DELETE", "/v1/files/file-abc"),
        ("GET", "/v1/files/file-abc/content"),
    ]


def test_content_over_the_response_cap_is_refused() -> None:
    """content() keeps the client's response cap: 101 bytes with max_response_bytes=100 is an error."""
    rec = Recorder(lambda r: httpx2.Response(200, content=b"x" * 101))
    client = make_client(rec, max_response_bytes=100)
    with pytest.raises(ftjobs.ResponseValidationError, match="100-byte limit"):
        client.files.content("file-abc")
    exact = make_client(Recorder(lambda r: httpx2.Response(200, content=b"x" * 100)), max_response_bytes=100)
    assert exact.files.content("file-abc") == b"x" * 100


def test_wait_processed_polls_until_processed_and_raises_on_error() -> None:
    """uploaded -> processed returns the processed file; status error is FileProcessingError with the
    API's status_details; still uploaded at timeout=0 is WaitTimeoutError."""
    statuses = iter(["uploaded", "uploaded", "processed"])
    rec = Recorder(lambda r: json_response(file_json(status=next(statuses))))
    done = make_client(rec).files.wait_processed("file-abc", poll_interval=0)
    assert done.status == "processed" and len(rec.requests) == 3
    bad = file_json(status="error", status_details="Invalid file format for Fine-Tuning API.")
    with pytest.raises(ftjobs.FileProcessingError, match="Invalid file format") as caught:
        make_client(Recorder(lambda r: json_response(bad))).files.wait_processed("file-abc", poll_interval=0)
    assert caught.value.file.id == "file-abc"
    pending = make_client(Recorder(lambda r: json_response(file_json(status="uploaded"))))
    with pytest.raises(ftjobs.WaitTimeoutError, match="still 'uploaded'"):
        pending.files.wait_processed("file-abc", timeout=0, poll_interval=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"file": 123}, "must be a path"),
        ({"file": "/nonexistent/train.jsonl"}, "cannot read"),
        ({"file": b""}, "the file is empty"),
        ({"file": b"x", "part_size": 0}, "part_size must be"),
        ({"file": b"x", "part_size": _files.PART_SIZE + 1}, "part_size must be"),
        ({"file": b"x", "purpose": ""}, "purpose must be"),
        ({"file": b"x", "extra_body": {"a": 1}}, "extra_body does not apply"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_sent(kwargs: dict[str, Any], message: str) -> None:
    """Bad files and arguments: InvalidArgumentError naming the problem, no request."""
    rec = Recorder(lambda r: json_response(file_json()))
    with pytest.raises(ftjobs.InvalidArgumentError, match=message):
        make_client(rec).files.create(**kwargs)
    assert rec.requests == []


def test_part_size_at_its_limit_is_accepted() -> None:
    """part_size may be exactly PART_SIZE (64 MB)."""
    rec = upload_handler([])
    make_client(rec).files.create(b"abc", use_uploads=True, part_size=_files.PART_SIZE)
    assert len(rec.requests) == 3


def test_a_folder_and_a_file_id_with_a_slash_are_refused(tmp_path: Path) -> None:
    """A folder is not a file to upload; a file id cannot reach another endpoint."""
    client = make_client(Recorder(lambda r: json_response(file_json())))
    with pytest.raises(ftjobs.InvalidArgumentError, match="is a folder"):
        client.files.create(tmp_path)
    with pytest.raises(ftjobs.InvalidArgumentError, match="cannot hold"):
        client.files.retrieve("file-1/../x")


def test_a_file_that_shrinks_during_the_upload_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file truncated after create() measured it: InvalidArgumentError, not a short body."""
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"x" * 100)
    original = _payload.FileSlice.chunks

    def shrink_then_read(self: _payload.FileSlice) -> Any:
        path.write_bytes(b"x" * 40)
        return original(self)

    monkeypatch.setattr(_payload.FileSlice, "chunks", shrink_then_read)
    rec = Recorder(lambda r: json_response(file_json()))
    with pytest.raises(ftjobs.InvalidArgumentError, match="60 bytes fewer"):
        make_client(rec).files.create(path)


def test_async_upload_in_parts_and_content(tmp_path: Path) -> None:
    """AsyncClient: the same Uploads sequence, the disk read off the event loop, content as bytes."""
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"abcdefg")
    parts: list[bytes] = []
    base = upload_handler(parts)

    def handle(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/content"):
            return httpx2.Response(200, content=b"raw,bytes\n")
        return base.handler(request)

    async def main() -> tuple[ftjobs.FileObject, bytes]:
        async with make_async_client(Recorder(handle)) as client:
            created = await client.files.create(path, use_uploads=True, part_size=3)
            return created, await client.files.content("file-big")

    created, content = asyncio.run(main())
    assert parts == [b"abc", b"def", b"g"]
    assert created.id == "file-big"
    assert content == b"raw,bytes\n"


GOOD = Path(__file__).resolve().parent.parent / "fixtures" / "validate" / "supervised_good.jsonl"
BAD = GOOD.with_name("supervised_bad.jsonl")


def job_flow(statuses: list[str]) -> Recorder:
    """Files and jobs: POST /files, GET /files/{id} with statuses in turn, POST /fine_tuning/jobs."""
    order = iter(statuses)

    def handle(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if path == "/v1/files":
            return json_response(file_json("file-up", status="uploaded"))
        if path == "/v1/files/file-up":
            return json_response(file_json("file-up", status=next(order)))
        if path == "/v1/fine_tuning/jobs":
            return json_response(job_json(training_file=json.loads(request.content)["training_file"]))
        return json_response({"error": {"message": "no route"}}, 404)

    return Recorder(handle)


def test_create_with_a_path_validates_uploads_waits_and_sends_the_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """jobs.create(training_file=Path): upload (the file's bytes), wait until processed, then the job
    with the new file id; a str validation_file stays an id (nothing uploaded for it)."""
    monkeypatch.setattr(_files, "POLL_INTERVAL", 0.0)
    rec = job_flow(["uploaded", "processed"])
    job = make_client(rec).jobs.create(
        model="gpt-4o-mini-2024-07-18", training_file=GOOD, validation_file="file-val"
    )
    assert [(r.method, r.url.path) for r in rec.requests] == [
        ("POST", "/v1/files"),
        ("GET", "/v1/files/file-up"),
        ("GET", "/v1/files/file-up"),
        ("POST", "/v1/fine_tuning/jobs"),
    ]
    assert form(rec.requests[0])["file"] == ("supervised_good.jsonl", GOOD.read_bytes())
    body = json.loads(rec.requests[-1].content)
    assert (body["training_file"], body["validation_file"]) == ("file-up", "file-val")
    assert job.training_file == "file-up"


def test_create_with_an_invalid_file_uploads_nothing() -> None:
    """A local file with errors: TrainingFileError naming the first error's line, its report attached,
    no request at all."""
    rec = job_flow([])
    with pytest.raises(ftjobs.TrainingFileError, match=r"line \d+: \w+") as caught:
        make_client(rec).jobs.create(model="gpt-4o-mini-2024-07-18", training_file=BAD)
    assert rec.requests == []
    report = caught.value.report
    assert not report.valid
    assert f"line {report.errors[0].line}: {report.errors[0].kind}" in str(caught.value)


def test_async_create_with_a_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The AsyncClient does the same: upload, wait, create with the id."""
    monkeypatch.setattr(_files, "POLL_INTERVAL", 0.0)
    rec = job_flow(["processed"])

    async def main() -> Any:
        async with make_async_client(rec) as client:
            return await client.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=GOOD)

    job = asyncio.run(main())
    assert job.training_file == "file-up"
    assert [r.url.path for r in rec.requests][-1] == "/v1/fine_tuning/jobs"
