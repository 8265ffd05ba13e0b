"""Files and Uploads of the local server, stored with the jobs (tables ``files``, ``uploads``, ``parts``).

Routes (under ``/v1``): ``POST /files`` (multipart: ``purpose``, ``file``), ``GET /files``
(``purpose``, ``limit``, ``after``, ``order``), ``GET|DELETE /files/{id}``, ``GET
/files/{id}/content``; ``POST /uploads`` (JSON: ``filename``, ``purpose``, ``bytes``,
``mime_type``), ``POST /uploads/{id}/parts`` (multipart: ``data``), ``POST
/uploads/{id}/complete`` (``part_ids``: the parts in order, their sizes adding up to ``bytes``),
``POST /uploads/{id}/cancel``. Uploaded files are ``processed`` at once. A job's training file
that is a stored file is checked on create by :func:`ftjobs.validate_file` (:func:`check_training`);
a succeeded job's result file is the CSV of its metrics events, base64-encoded as the API sends it
(:func:`result_csv`).

Multipart bodies are read by the standard library's email parser; they are not JSON, so these
routes are answered here rather than through the spec's JSON-schema checks.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import io
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import _errors, _jobs

if TYPE_CHECKING:
    from ._store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, doc TEXT NOT NULL, content BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS uploads (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, upload_id TEXT NOT NULL,
    content BLOB NOT NULL);
"""
COLUMNS = {
    "files": {"seq", "id", "doc", "content"},
    "uploads": {"seq", "id", "doc"},
    "parts": {"seq", "id", "upload_id", "content"},
}
#: The purposes POST /files accepts (the spec's CreateFileRequest.purpose), and Uploads'.
#: (The request schema also lists ``evals``, which the file object's ``purpose`` does not: refused.)
PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data")
UPLOAD_PURPOSES = ("assistants", "batch", "fine-tune", "vision")
#: The largest body a files route takes: one Uploads part (64 MB) and its form.
MAX_UPLOAD_BODY = 64 * 1024 * 1024 + 64 * 1024
#: The columns of a result file, as the API writes them.
RESULT_COLUMNS = ("step", "train_loss", "train_accuracy", "valid_loss", "valid_mean_token_accuracy")
#: Where each result column comes from in a metrics event's data.
_RESULT_SOURCES = {"train_accuracy": "train_mean_token_accuracy"}
#: The message the API gives a job whose training file has a format error (plus the example's defect).
FORMAT_ERROR = "The job failed due to a file format error in the training file. Invalid file format."


def file_not_found(file_id: str) -> _errors.ApiError:
    return _errors.ApiError(404, f"No such File object: {file_id}", param="id")


def upload_not_found(upload_id: str) -> _errors.ApiError:
    return _errors.ApiError(404, f"No such Upload object: {upload_id}", param="upload_id")


def form(headers: Mapping[str, str], body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """A multipart/form-data body as {field: (filename, bytes)}; 400 when it is not one."""
    kind = headers.get("content-type", "")
    if not kind.lower().startswith("multipart/form-data") or "boundary=" not in kind:
        raise _errors.bad_request(
            f"Invalid Content-Type header ({kind or 'none'}), expected multipart/form-data with a boundary."
        )
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + kind.encode("latin-1") + b"\r\n\r\n" + body
    )
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts() if message.is_multipart() else ():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = (part.get_filename(), payload)
    return fields


def _known_fields(fields: Mapping[str, Any], known: frozenset[str]) -> None:
    """400 for a form field the operation does not take (request objects are closed here)."""
    for name in fields:
        if name not in known:
            raise _errors.bad_request(f"Unrecognized request argument supplied: {name}", param=name)


def _text_field(fields: Mapping[str, tuple[str | None, bytes]], name: str) -> str:
    if name not in fields:
        raise _errors.bad_request(f"Missing required parameter: '{name}'.", param=name)
    return fields[name][1].decode("utf-8", errors="replace")


def _expires_after(value: Any) -> None:
    """400 unless value is a FileExpirationAfter: anchor ``created_at``, seconds 3600..2592000."""
    if (
        not isinstance(value, dict)
        or value.get("anchor") != "created_at"
        or not isinstance(value.get("seconds"), int)
        or isinstance(value.get("seconds"), bool)
        or not 3600 <= value["seconds"] <= 2592000
    ):
        raise _errors.bad_request(
            'Invalid \'expires_after\': expected {"anchor": "created_at", "seconds": 3600..2592000}.',
            param="expires_after",
        )


def _purpose(purpose: str, allowed: Sequence[str]) -> str:
    if purpose not in allowed:
        raise _errors.bad_request(
            f"Invalid value for 'purpose': '{purpose}'. Supported values are: {', '.join(allowed)}.",
            param="purpose",
            code="invalid_value",
        )
    return purpose


def _store_file(store: Store, filename: str, purpose: str, content: bytes) -> dict[str, Any]:
    doc = {
        "object": "file",
        "id": _jobs.new_id("file-"),
        "bytes": len(content),
        "created_at": int(store.now()),
        "filename": filename,
        "purpose": purpose,
        "status": "processed",
    }
    store._db.execute(
        "INSERT INTO files (id, doc, content) VALUES (?, ?, ?)", (doc["id"], json.dumps(doc), content)
    )
    return doc


def create_file(store: Store, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """POST /files."""
    fields = form(headers, body)
    _known_fields(fields, frozenset({"purpose", "file", "expires_after"}))
    purpose = _purpose(_text_field(fields, "purpose"), PURPOSES)
    if "expires_after" in fields:
        try:
            expires = json.loads(fields["expires_after"][1])
        except ValueError:
            expires = None
        _expires_after(expires)
    if "file" not in fields or fields["file"][0] is None:
        raise _errors.bad_request("Missing required parameter: 'file'.", param="file")
    filename, content = fields["file"]
    if purpose == "fine-tune":
        first = content.lstrip().split(b"\n", 1)[0]
        if content.strip() and not first.startswith(b"{"):
            raise _errors.bad_request(
                "Expected file to have JSONL format, where every line is a valid JSON dictionary. "
                "Line 1 is not a dictionary."
            )
    with store._lock:
        return _store_file(store, filename or "file", purpose, content)


def get_file(store: Store, file_id: str) -> dict[str, Any]:
    with store._lock:
        row = store._db.execute("SELECT doc FROM files WHERE id = ?", (file_id,)).fetchone()
    if row is None:
        raise file_not_found(file_id)
    doc: dict[str, Any] = json.loads(row[0])
    return doc


def content(store: Store, file_id: str) -> bytes | None:
    """The stored bytes of file_id, None when there is no such file."""
    with store._lock:
        row = store._db.execute("SELECT content FROM files WHERE id = ?", (file_id,)).fetchone()
    return None if row is None else bytes(row[0])


def delete_file(store: Store, file_id: str) -> dict[str, Any]:
    with store._lock:
        gone = store._db.execute("DELETE FROM files WHERE id = ?", (file_id,)).rowcount
    if not gone:
        raise file_not_found(file_id)
    return {"object": "file", "id": file_id, "deleted": True}


def list_files(store: Store, query: Mapping[str, str]) -> dict[str, Any]:
    """GET /files: newest first unless ``order=asc``; ``after`` a file id of the list."""
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise _errors.bad_request(
            f"Invalid value for 'order': '{order}'.", param="order", code="invalid_value"
        )
    try:
        limit = int(query.get("limit", "10000"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 10000:
        raise _errors.bad_request(
            "Invalid value for 'limit': expected an integer from 1 to 10000.", param="limit"
        )
    purpose = query.get("purpose")
    with store._lock:
        rows = store._db.execute(
            f"SELECT seq, doc FROM files ORDER BY seq {'ASC' if order == 'asc' else 'DESC'}"  # noqa: S608
        ).fetchall()
    docs = [json.loads(doc) for _, doc in rows]
    if purpose is not None:
        docs = [d for d in docs if d["purpose"] == purpose]
    after = query.get("after")
    if after is not None:
        ids = [d["id"] for d in docs]
        docs = docs[ids.index(after) + 1 :] if after in ids else []
    page = docs[:limit]
    return {
        "object": "list",
        "data": page,
        # strings in the spec: empty for an empty page
        "first_id": page[0]["id"] if page else "",
        "last_id": page[-1]["id"] if page else "",
        "has_more": len(docs) > limit,
    }


# --- Uploads -------------------------------------------------------------------------------------


def _upload(store: Store, upload_id: str) -> dict[str, Any]:
    row = store._db.execute("SELECT doc FROM uploads WHERE id = ?", (upload_id,)).fetchone()
    if row is None:
        raise upload_not_found(upload_id)
    doc: dict[str, Any] = json.loads(row[0])
    if doc["status"] == "pending" and store.now() >= doc["expires_at"]:
        doc["status"] = "expired"
    return doc


def _save_upload(store: Store, doc: dict[str, Any]) -> None:
    store._db.execute("UPDATE uploads SET doc = ? WHERE id = ?", (json.dumps(doc), doc["id"]))


def _pending(doc: dict[str, Any]) -> None:
    if doc["status"] != "pending":
        raise _errors.bad_request(
            f"Upload {doc['id']} is {doc['status']}: it takes no more parts or changes.",
            code="invalid_upload_status",
        )


def create_upload(store: Store, request: Any) -> dict[str, Any]:
    """POST /uploads."""
    if not isinstance(request, dict):
        raise _errors.bad_request("The body must be a JSON object.")
    _known_fields(request, frozenset({"filename", "purpose", "bytes", "mime_type", "expires_after"}))
    for key, kind in (("filename", str), ("purpose", str), ("bytes", int), ("mime_type", str)):
        value = request.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise _errors.bad_request(f"Missing or invalid required parameter: '{key}'.", param=key)
    _purpose(request["purpose"], UPLOAD_PURPOSES)
    if "expires_after" in request:
        _expires_after(request["expires_after"])
    if not 0 < request["bytes"] <= 8 * 1024**3:
        raise _errors.bad_request("'bytes' must be from 1 to 8 GB.", param="bytes")
    now = int(store.now())
    doc = {
        "object": "upload",
        "id": _jobs.new_id("upload_"),
        "bytes": request["bytes"],
        "created_at": now,
        "expires_at": now + 3600,
        "filename": request["filename"],
        "purpose": request["purpose"],
        "status": "pending",
        "file": None,
    }
    with store._lock:
        store._db.execute("INSERT INTO uploads (id, doc) VALUES (?, ?)", (doc["id"], json.dumps(doc)))
    return doc


def add_part(store: Store, upload_id: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """POST /uploads/{id}/parts."""
    fields = form(headers, body)
    _known_fields(fields, frozenset({"data"}))
    if "data" not in fields:
        raise _errors.bad_request("Missing required parameter: 'data'.", param="data")
    with store._lock:
        _pending(_upload(store, upload_id))
        part = {
            "object": "upload.part",
            "id": _jobs.new_id("part_"),
            "created_at": int(store.now()),
            "upload_id": upload_id,
        }
        store._db.execute(
            "INSERT INTO parts (id, upload_id, content) VALUES (?, ?, ?)",
            (part["id"], upload_id, fields["data"][1]),
        )
    return part


def complete_upload(store: Store, upload_id: str, request: Any) -> dict[str, Any]:
    """POST /uploads/{id}/complete: the parts in the order given become the file."""
    part_ids = request.get("part_ids") if isinstance(request, dict) else None
    if not isinstance(part_ids, list) or not all(isinstance(p, str) for p in part_ids):
        raise _errors.bad_request("Missing or invalid required parameter: 'part_ids'.", param="part_ids")
    with store._lock:
        doc = _upload(store, upload_id)
        _pending(doc)
        chunks = []
        for part_id in part_ids:
            row = store._db.execute(
                "SELECT content FROM parts WHERE id = ? AND upload_id = ?", (part_id, upload_id)
            ).fetchone()
            if row is None:
                raise _errors.bad_request(f"No such part of {upload_id}: {part_id}.", param="part_ids")
            chunks.append(bytes(row[0]))
        data = b"".join(chunks)
        if len(data) != doc["bytes"]:
            raise _errors.bad_request(
                f"The parts hold {len(data)} bytes; the upload was created for {doc['bytes']}.",
                param="part_ids",
            )
        with store._db:
            store._db.execute("BEGIN")
            doc["file"] = _store_file(store, doc["filename"], doc["purpose"], data)
            doc["status"] = "completed"
            _save_upload(store, doc)
            store._db.execute("DELETE FROM parts WHERE upload_id = ?", (upload_id,))
    return doc


def cancel_upload(store: Store, upload_id: str) -> dict[str, Any]:
    with store._lock:
        doc = _upload(store, upload_id)
        _pending(doc)
        doc["status"] = "cancelled"
        _save_upload(store, doc)
        store._db.execute("DELETE FROM parts WHERE upload_id = ?", (upload_id,))
    return doc


# --- jobs ------------------------------------------------------------------------------------------


def check_training(store: Store, request: Mapping[str, Any]) -> dict[str, Any] | None:
    """The error a job fails validating_files with when its training file is a stored file that
    :func:`ftjobs.validate_file` finds invalid (for the job's method and model), else None. A
    training file the server does not hold is not checked (the seeded examples name such ids)."""
    data = content(store, str(request.get("training_file")))
    if data is None:
        return None
    from ftjobs._errors import UnusableFileError
    from ftjobs._validate import METHODS, _validate

    method = request.get("method")
    tag = method.get("type") if isinstance(method, dict) else None
    kind: Any = tag if tag in METHODS else "supervised"
    model = request.get("model") if isinstance(request.get("model"), str) else None
    try:
        report = _validate(io.BytesIO(data), "training_file", len(data), kind, model, [], None)
    except UnusableFileError:
        return {
            "code": "invalid_training_file",
            "message": "The job failed due to an invalid training file. Expected file to have JSONL "
            "format, where every line is a valid JSON dictionary. Line 1 is not a dictionary.",
            "param": "training_file",
        }
    if report.valid:
        return None
    first = report.errors[0]
    detail = first.message[0].lower() + first.message[1:] if first.message else first.kind
    return {
        "code": "invalid_training_file",
        "message": f"{FORMAT_ERROR} Example {first.line}: {detail.rstrip('.')}.",
        "param": "training_file",
    }


def result_csv(events: Sequence[Mapping[str, Any]]) -> str:
    """The result file's CSV of a job's metrics events (oldest first): one row per step."""
    rows: dict[int, Mapping[str, Any]] = {}
    for event in events:
        data = event.get("data")
        if event.get("type") != "metrics" or not isinstance(data, Mapping):
            continue
        step = data.get("step")
        if isinstance(step, int | float) and not isinstance(step, bool) and float(step).is_integer():
            rows[int(step)] = data
    lines = [",".join(RESULT_COLUMNS)]
    for step in sorted(rows):
        data = rows[step]
        cells = [str(step)]
        for column in RESULT_COLUMNS[1:]:
            value = data.get(_RESULT_SOURCES.get(column, column))
            cells.append("" if value is None else repr(float(value)))
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def store_result(store: Store, job: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> None:
    """Store the result file of a succeeded job (its id is the job's ``result_files[0]``)."""
    file_id = job["result_files"][0]
    encoded = base64.b64encode(result_csv(events).encode())
    doc = {
        "object": "file",
        "id": file_id,
        "bytes": len(encoded),
        "created_at": int(job.get("finished_at") or store.now()),
        "filename": "step_metrics.csv",
        "purpose": "fine-tune-results",
        "status": "processed",
    }
    store._db.execute(
        "INSERT OR REPLACE INTO files (id, doc, content) VALUES (?, ?, ?)",
        (file_id, json.dumps(doc), encoded),
    )
