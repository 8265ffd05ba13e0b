"""``client.files``: upload the files a job needs, read them back, wait until they are processed.

===============================================  ===============================================
``files.create(path_or_bytes, purpose=,           ``FileObject``: one multipart request streamed
progress=)``                                      from disk; over ``SINGLE_REQUEST_LIMIT`` (or
                                                  ``use_uploads=True``) through the Uploads API in
                                                  ``part_size`` parts, cancelled if a part fails
``files.retrieve(file_id)``                       ``FileObject``
``files.list(purpose=, limit=, after=, order=)``  ``Page[FileObject]`` (one page, one request)
``files.delete(file_id)``                         ``FileDeleted``
``files.content(file_id)``                        ``bytes`` (within the client's response cap)
``files.wait_processed(file_id, timeout=,         ``FileObject`` once ``processed``;
poll_interval=)``                                 ``FileProcessingError`` on ``error``,
                                                  ``WaitTimeoutError`` past ``timeout``
===============================================  ===============================================

A file upload is not idempotent (a repeated POST makes a second file): it is retried only when the
request never reached the server, like ``jobs.create``. An upload part is retried as any call.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Unpack

import httpx2

from ._errors import Error, FileProcessingError, InvalidArgumentError, ResponseValidationError
from ._http import Call
from ._options import RequestOptions, WaitOptions, asend, result, send
from ._payload import Progress, Source, file_source, multipart

if TYPE_CHECKING:
    from ftjobs_generated.views import FileDeleted, FileObject

    from ._http import AsyncEngine, SyncEngine
    from ._models import AsyncPage, Page

#: The largest file one ``POST /files`` takes (OpenAI: 512 MB); larger ones go through Uploads.
SINGLE_REQUEST_LIMIT = 512 * 1024 * 1024
#: The size of each Uploads part (OpenAI: at most 64 MB each).
PART_SIZE = 64 * 1024 * 1024
#: What ``wait_processed`` waits at most, by default, and between two looks.
WAIT_TIMEOUT = 600.0
POLL_INTERVAL = 2.0

Order = Literal["asc", "desc"]


def _upload_id(data: object, kind: str) -> str:
    """The id of an Upload or UploadPart object (``upload``, ``upload.part``)."""
    from ftjobs_generated import _views_runtime as p

    return p.parse_root(data, lambda d: p.required_string(d, "id"), kind.replace(".", "_"), kind)


# --- the calls ---------------------------------------------------------------------------------


def _id(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(f"{name} must be a non-empty string, got {value!r}"[:200])
    if any(not ch.isprintable() or ch in "/?#" for ch in value):
        raise InvalidArgumentError(f"{name} cannot hold control characters, '/', '?' or '#': {value!r}"[:200])
    return value


def _purpose(purpose: object) -> str:
    if not isinstance(purpose, str) or not purpose or not purpose.isprintable():
        raise InvalidArgumentError(f"purpose must be a non-empty string such as 'fine-tune', got {purpose!r}")
    return purpose


def create_file_call(source: Source, filename: str, purpose: str, progress: Progress | None) -> Call:
    """POST /files: the purpose and the file as a multipart form."""
    body = multipart({"purpose": purpose}, "file", filename, source, progress=progress)
    return Call("POST", "/files", content=body, idempotent=False)


def create_upload_call(filename: str, purpose: str, size: int) -> Call:
    """POST /uploads: an Upload object that parts are added to."""
    body = {"filename": filename, "purpose": purpose, "bytes": size, "mime_type": _mime(filename)}
    return Call("POST", "/uploads", json_body=body, idempotent=False)


def add_part_call(upload_id: str, source: Source, progress: Progress | None) -> Call:
    """POST /uploads/{id}/parts: one part as the form field ``data``."""
    body = multipart({}, "data", "blob", source, progress=progress)
    return Call("POST", f"/uploads/{upload_id}/parts", content=body)


def complete_upload_call(upload_id: str, part_ids: list[str]) -> Call:
    return Call("POST", f"/uploads/{upload_id}/complete", json_body={"part_ids": part_ids})


def cancel_upload_call(upload_id: str) -> Call:
    return Call("POST", f"/uploads/{upload_id}/cancel")


def retrieve_call(file_id: str) -> Call:
    return Call("GET", f"/files/{_id(file_id, 'file_id')}")


def delete_call(file_id: str) -> Call:
    return Call("DELETE", f"/files/{_id(file_id, 'file_id')}")


def content_call(file_id: str) -> Call:
    return Call("GET", f"/files/{_id(file_id, 'file_id')}/content", raw=True)


def list_call(purpose: str | None, limit: int | None, after: str | None, order: Order | None) -> Call:
    params: list[tuple[str, str]] = []
    if purpose is not None:
        params.append(("purpose", _purpose(purpose)))
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise InvalidArgumentError(f"limit must be a positive integer, got {limit!r}")
        params.append(("limit", str(limit)))
    if after is not None:
        params.append(("after", _id(after, "after")))
    if order is not None:
        if order not in ("asc", "desc"):
            raise InvalidArgumentError(f"order must be 'asc' or 'desc', got {order!r}"[:200])
        params.append(("order", order))
    return Call("GET", "/files", params=tuple(params))


def _mime(filename: str) -> str:
    return "application/jsonl" if filename.endswith(".jsonl") else "application/octet-stream"


class Plan:
    """How a file goes up: its source, name, size, and the part boundaries when it uses Uploads."""

    def __init__(
        self,
        file: object,
        purpose: object,
        filename: str | None,
        use_uploads: bool | None,
        part_size: int,
    ) -> None:
        self.source, name, self.size = file_source(file)
        self.purpose = _purpose(purpose)
        if filename is not None and (not isinstance(filename, str) or not filename.strip()):
            raise InvalidArgumentError(f"filename must be a non-empty string, got {filename!r}"[:200])
        self.filename = filename or name
        if isinstance(part_size, bool) or not isinstance(part_size, int) or not 1 <= part_size <= PART_SIZE:
            raise InvalidArgumentError(
                f"part_size must be an integer from 1 to {PART_SIZE}, got {part_size!r}"
            )
        if self.size == 0:
            raise InvalidArgumentError(f"{self.filename}: the file is empty")
        self.uploads = self.size > SINGLE_REQUEST_LIMIT if use_uploads is None else bool(use_uploads)
        self.parts = [(start, min(part_size, self.size - start)) for start in range(0, self.size, part_size)]

    def part_call(self, upload_id: str, start: int, size: int, progress: Progress | None) -> Call:
        """The call adding the part of size bytes at start; progress counts the whole file."""
        reported: Progress | None = None
        if progress is not None:
            total = self.size

            def reported(sent: int, _part_total: int) -> object:
                return progress(start + sent, total)

        return add_part_call(upload_id, self.source.slice(start, size), reported)


def _file(data: Any) -> FileObject:
    from ftjobs_generated.views import FileObject

    return FileObject.from_dict(data)


def _completed_file(data: Any) -> FileObject:
    """The file of a completed Upload object (ResponseValidationError when it holds none)."""
    from ftjobs_generated import _views_runtime as p
    from ftjobs_generated.views import FileObject

    def read(d: Mapping[str, Any]) -> FileObject | None:
        return p.sub(d, "file", FileObject._read)

    file = p.parse_root(data, read, "upload", "upload")
    if file is None:
        status = data.get("status") if isinstance(data, Mapping) else None
        raise ResponseValidationError(f"the completed upload holds no file (status {status!r})"[:200])
    return file


def _deleted(data: Any) -> FileDeleted:
    from ftjobs_generated.views import FileDeleted

    return FileDeleted.from_dict(data)


def _content(data: Any) -> bytes:
    return bytes(data)


def _processed(file: FileObject, started: float, timeout: float | None) -> bool:
    """True when file is processed; FileProcessingError on error; WaitTimeoutError past timeout."""
    from ._errors import WaitTimeoutError

    if file.status == "processed" or file.status is None:
        return True
    if file.status == "error":
        raise FileProcessingError(
            f"file {file.id} could not be processed: {file.status_details or 'no details given'}", file
        )
    if timeout is not None and time.monotonic() - started >= timeout:
        raise WaitTimeoutError(f"file {file.id} was still {file.status!r} after {timeout:g}s", None)
    return False


def _wait_args(timeout: float | None, poll_interval: float) -> None:
    for name, value in (("timeout", timeout), ("poll_interval", poll_interval)):
        if value is None and name == "timeout":
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise InvalidArgumentError(f"{name} must be a number of seconds >= 0, got {value!r}")


# --- jobs.create with local files ---------------------------------------------------------------

#: The create fields that may name a local file (a path: validated, uploaded, then its id is sent).
FILE_FIELDS = ("training_file", "validation_file")
#: The per-call options the uploads and waits of ``jobs.create`` take from its own.
UPLOAD_OPTIONS = ("extra_headers", "max_retries", "portkey")


def local_files(params: Mapping[str, Any]) -> list[str]:
    """The file fields of create params that hold a path (``pathlib.Path``: a str is a file id)."""
    return [key for key in FILE_FIELDS if isinstance(params.get(key), os.PathLike)]


def checked_path(params: Mapping[str, Any], key: str) -> Path:
    """The path in params[key], validated for the job's method and model by validate_file;
    TrainingFileError (the report attached, its first error named) when it is invalid."""
    from ._errors import TrainingFileError
    from ._validate import validate_file

    path = Path(os.fspath(params[key]))
    method = params.get("method")
    tag = method.get("type") if isinstance(method, Mapping) else getattr(method, "type", None)
    kind: Any = getattr(tag, "value", tag) or "supervised"  # an unknown one: validate_file says so
    model = params.get("model")
    report = validate_file(path, kind, model if isinstance(model, str) else None)
    if not report.valid:
        first = report.errors[0]
        count = sum(report.error_counts.values())
        raise TrainingFileError(
            f"{key} {path}: {count} error{'s' if count != 1 else ''} ({kind}); "
            f"line {first.line}: {first.kind}: {first.message} (nothing was uploaded; "
            f"`ftjobs validate {path}` lists them all)",
            report,
        )
    return path


def upload_options(options: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in options.items() if k in UPLOAD_OPTIONS}


# --- sync ----------------------------------------------------------------------------------------


class Files:
    """``client.files``: the files API (see the module docstring)."""

    def __init__(self, engine: SyncEngine) -> None:
        self._engine = engine

    def create(
        self,
        file: object,
        *,
        purpose: str = "fine-tune",
        filename: str | None = None,
        progress: Progress | None = None,
        use_uploads: bool | None = None,
        part_size: int = PART_SIZE,
        **options: Unpack[RequestOptions],
    ) -> FileObject:
        """Upload file (a path or bytes) for purpose; ``progress(sent, total)`` after each chunk."""
        plan = Plan(file, purpose, filename, use_uploads, part_size)
        if not plan.uploads:
            call = create_file_call(plan.source, plan.filename, plan.purpose, progress)
            data, reply, redact = send(self._engine, call, options)
            return result(_file, data, reply, redact)
        data, reply, redact = send(
            self._engine, create_upload_call(plan.filename, plan.purpose, plan.size), options
        )
        upload_id = result(lambda d: _upload_id(d, "upload"), data, reply, redact)
        try:
            part_ids = []
            for start, size in plan.parts:
                call = plan.part_call(upload_id, start, size, progress)
                data, reply, redact = send(self._engine, call, options)
                part_ids.append(result(lambda d: _upload_id(d, "upload.part"), data, reply, redact))
            data, reply, redact = send(self._engine, complete_upload_call(upload_id, part_ids), options)
        except BaseException:
            self._cancel(upload_id, options)
            raise
        return result(_completed_file, data, reply, redact)

    def upload_local(self, params: Mapping[str, Any], timeout: float | None = WAIT_TIMEOUT) -> dict[str, Any]:
        """params with each local file (a Path) validated, uploaded, processed, and replaced by its id."""
        fields = dict(params)
        options = upload_options(params)
        for key in local_files(params):
            path = checked_path(params, key)
            file = self.create(path, purpose="fine-tune", **options)
            done = self.wait_processed(file.id, timeout=timeout, poll_interval=POLL_INTERVAL, **options)
            fields[key] = done.id
        return fields

    def _cancel(self, upload_id: str, options: Mapping[str, Any]) -> None:
        # the upload expires on its own if this fails; the error that stopped it is the one raised
        with contextlib.suppress(Error):
            send(self._engine, cancel_upload_call(upload_id), options)

    def retrieve(self, file_id: str, **options: Unpack[RequestOptions]) -> FileObject:
        """The file object of file_id."""
        data, reply, redact = send(self._engine, retrieve_call(file_id), options)
        return result(_file, data, reply, redact)

    def list(
        self,
        *,
        purpose: str | None = None,
        limit: int | None = None,
        after: str | None = None,
        order: Order | None = None,
        **options: Unpack[RequestOptions],
    ) -> Page[FileObject]:
        """One page of files (``page.next_page()`` fetches the next)."""
        from ._models import Page, read_page

        def fetch(cursor: str) -> Page[FileObject]:
            return self.list(purpose=purpose, limit=limit, after=cursor, order=order, **options)

        def parse(data: Any) -> Page[FileObject]:
            from ftjobs_generated.views import FileObject

            page: Page[FileObject] = read_page(data, FileObject, Page)
            object.__setattr__(page, "_fetch", fetch)
            return page

        data, reply, redact = send(self._engine, list_call(purpose, limit, after, order), options)
        return result(parse, data, reply, redact)

    def delete(self, file_id: str, **options: Unpack[RequestOptions]) -> FileDeleted:
        """Delete file_id."""
        data, reply, redact = send(self._engine, delete_call(file_id), options)
        return result(_deleted, data, reply, redact)

    def content(self, file_id: str, **options: Unpack[RequestOptions]) -> bytes:
        """The file's bytes."""
        data, reply, redact = send(self._engine, content_call(file_id), options)
        return result(_content, data, reply, redact)

    def wait_processed(
        self,
        file_id: str,
        *,
        timeout: float | None = WAIT_TIMEOUT,
        poll_interval: float = POLL_INTERVAL,
        request_timeout: float | httpx2.Timeout | None = None,
        **options: Unpack[WaitOptions],
    ) -> FileObject:
        """The file once processed, checked every poll_interval seconds for at most timeout seconds
        (None: no limit); request_timeout bounds each request."""
        _wait_args(timeout, poll_interval)
        started = time.monotonic()
        while True:
            file = self.retrieve(file_id, timeout=request_timeout, **options)
            if _processed(file, started, timeout):
                return file
            time.sleep(poll_interval)


# --- async ---------------------------------------------------------------------------------------


class AsyncFiles:
    """The async twin of :class:`Files`: ``await client.files.create(...)``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create(
        self,
        file: object,
        *,
        purpose: str = "fine-tune",
        filename: str | None = None,
        progress: Progress | None = None,
        use_uploads: bool | None = None,
        part_size: int = PART_SIZE,
        **options: Unpack[RequestOptions],
    ) -> FileObject:
        """Upload file (a path or bytes) for purpose; ``progress(sent, total)`` after each chunk."""
        plan = Plan(file, purpose, filename, use_uploads, part_size)
        if not plan.uploads:
            call = create_file_call(plan.source, plan.filename, plan.purpose, progress)
            data, reply, redact = await asend(self._engine, call, options)
            return result(_file, data, reply, redact)
        data, reply, redact = await asend(
            self._engine, create_upload_call(plan.filename, plan.purpose, plan.size), options
        )
        upload_id = result(lambda d: _upload_id(d, "upload"), data, reply, redact)
        try:
            part_ids = []
            for start, size in plan.parts:
                call = plan.part_call(upload_id, start, size, progress)
                data, reply, redact = await asend(self._engine, call, options)
                part_ids.append(result(lambda d: _upload_id(d, "upload.part"), data, reply, redact))
            complete = complete_upload_call(upload_id, part_ids)
            data, reply, redact = await asend(self._engine, complete, options)
        except BaseException:
            await self._cancel(upload_id, options)
            raise
        return result(_completed_file, data, reply, redact)

    async def upload_local(
        self, params: Mapping[str, Any], timeout: float | None = WAIT_TIMEOUT
    ) -> dict[str, Any]:
        """params with each local file (a Path) validated, uploaded, processed, and replaced by its id."""
        import asyncio

        fields = dict(params)
        options = upload_options(params)
        for key in local_files(params):
            path = await asyncio.to_thread(checked_path, params, key)
            file = await self.create(path, purpose="fine-tune", **options)
            done = await self.wait_processed(file.id, timeout=timeout, poll_interval=POLL_INTERVAL, **options)
            fields[key] = done.id
        return fields

    async def _cancel(self, upload_id: str, options: Mapping[str, Any]) -> None:
        with contextlib.suppress(Error):
            await asend(self._engine, cancel_upload_call(upload_id), options)

    async def retrieve(self, file_id: str, **options: Unpack[RequestOptions]) -> FileObject:
        """The file object of file_id."""
        data, reply, redact = await asend(self._engine, retrieve_call(file_id), options)
        return result(_file, data, reply, redact)

    async def list(
        self,
        *,
        purpose: str | None = None,
        limit: int | None = None,
        after: str | None = None,
        order: Order | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPage[FileObject]:
        """One page of files (``await page.next_page()`` fetches the next)."""
        from ._models import AsyncPage, read_page

        async def fetch(cursor: str) -> AsyncPage[FileObject]:
            return await self.list(purpose=purpose, limit=limit, after=cursor, order=order, **options)

        def parse(data: Any) -> AsyncPage[FileObject]:
            from ftjobs_generated.views import FileObject

            page: AsyncPage[FileObject] = read_page(data, FileObject, AsyncPage)
            object.__setattr__(page, "_fetch", fetch)
            return page

        data, reply, redact = await asend(self._engine, list_call(purpose, limit, after, order), options)
        return result(parse, data, reply, redact)

    async def delete(self, file_id: str, **options: Unpack[RequestOptions]) -> FileDeleted:
        """Delete file_id."""
        data, reply, redact = await asend(self._engine, delete_call(file_id), options)
        return result(_deleted, data, reply, redact)

    async def content(self, file_id: str, **options: Unpack[RequestOptions]) -> bytes:
        """The file's bytes."""
        data, reply, redact = await asend(self._engine, content_call(file_id), options)
        return result(_content, data, reply, redact)

    async def wait_processed(
        self,
        file_id: str,
        *,
        timeout: float | None = WAIT_TIMEOUT,
        poll_interval: float = POLL_INTERVAL,
        request_timeout: float | httpx2.Timeout | None = None,
        **options: Unpack[WaitOptions],
    ) -> FileObject:
        """The file once processed (see :meth:`Files.wait_processed`)."""
        import asyncio

        _wait_args(timeout, poll_interval)
        started = time.monotonic()
        while True:
            file = await self.retrieve(file_id, timeout=request_timeout, **options)
            if _processed(file, started, timeout):
                return file
            await asyncio.sleep(poll_interval)
