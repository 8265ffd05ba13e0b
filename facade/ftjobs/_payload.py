"""Request bodies that are not JSON: a multipart form with a file, streamed from memory or disk.

A :class:`Payload` is what the engine sends as the body of a :class:`~ftjobs._http.Call` with
``content=``: its length is known before the first byte (``Content-Length``, no chunked encoding),
and it can be iterated again (a retry or a 307/308 redirect sends it whole once more). A file on
disk is read in :data:`CHUNK` pieces while it is sent, never whole: memory does not grow with the
file. A file whose size changed between ``create`` and the send is an error, not a short body.

``progress(sent, total)`` is called after each chunk of the file's own bytes (``total``: the bytes
this payload carries of the file); an attempt that is retried starts counting again from its start.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path

import httpx2

from ._errors import InvalidArgumentError

#: The size of the pieces a file is read and sent in.
CHUNK = 1024 * 1024

#: ``progress(sent, total)``: bytes of the file sent so far, of total.
Progress = Callable[[int, int], object]


class FileSlice:
    """size bytes of the file at path, from offset (a file sent in parts sends one slice each)."""

    __slots__ = ("offset", "path", "size")

    def __init__(self, path: Path, offset: int, size: int) -> None:
        self.path = path
        self.offset = offset
        self.size = size

    def __repr__(self) -> str:
        return f"FileSlice({str(self.path)!r}, offset={self.offset}, size={self.size})"

    def slice(self, offset: int, size: int) -> FileSlice:
        return FileSlice(self.path, self.offset + offset, size)

    def chunks(self) -> Iterator[bytes]:
        """The slice's bytes in CHUNK pieces; InvalidArgumentError when the file is shorter now."""
        left = self.size
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                while left:
                    piece = handle.read(min(CHUNK, left))
                    if not piece:
                        break
                    left -= len(piece)
                    yield piece
        except OSError as exc:
            raise InvalidArgumentError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        if left:
            raise InvalidArgumentError(
                f"{self.path}: the file changed while it was being uploaded "
                f"({left} bytes fewer than when the upload started)"
            )


class InMemory:
    """A file given as bytes: sent in CHUNK pieces too (progress is reported the same way)."""

    __slots__ = ("data", "size")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.size = len(data)

    def __repr__(self) -> str:
        return f"InMemory({self.size} bytes)"

    def chunks(self) -> Iterator[bytes]:
        view = memoryview(self.data)
        for start in range(0, self.size, CHUNK):
            yield bytes(view[start : start + CHUNK])

    def slice(self, offset: int, size: int) -> InMemory:
        return InMemory(self.data[offset : offset + size])


#: A file's bytes: on disk or in memory.
Source = InMemory | FileSlice


def _quote(value: str) -> str:
    """A form-data parameter value (name, filename) quoted as browsers and httpx do (WHATWG)."""
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class Payload(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """A request body sent in pieces: byte strings and file slices, in order, of a known length
    (an httpx2 stream both ways, for a user's transport)."""

    __slots__ = ("content_type", "length", "parts", "progress", "total")

    def __init__(
        self,
        content_type: str,
        parts: tuple[bytes | Source, ...],
        total: int,
        progress: Progress | None = None,
    ) -> None:
        self.content_type = content_type
        self.parts = parts
        self.length = sum(len(p) if isinstance(p, bytes) else p.size for p in parts)
        #: The file's bytes in this body (what progress counts).
        self.total = total
        self.progress = progress

    def __repr__(self) -> str:
        return f"<Payload {self.content_type.split(';')[0]} {self.length} bytes>"

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        for part in self.parts:
            if isinstance(part, bytes):
                yield part
                continue
            for piece in part.chunks():
                yield piece
                sent += len(piece)
                if self.progress is not None:
                    self.progress(sent, self.total)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        import asyncio

        sent = 0
        for part in self.parts:
            if isinstance(part, bytes):
                yield part
                continue
            pieces = part.chunks()
            while True:  # disk reads off the event loop
                piece = await asyncio.to_thread(next, pieces, b"")
                if not piece:
                    break
                yield piece
                sent += len(piece)
                if self.progress is not None:
                    self.progress(sent, self.total)


def multipart(
    fields: Mapping[str, str],
    file_field: str,
    filename: str,
    source: Source,
    *,
    progress: Progress | None = None,
    media_type: str = "application/octet-stream",
) -> Payload:
    """A multipart/form-data body: fields as text parts, then source as the file part."""
    boundary = secrets.token_hex(16)
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(file_field)}"; '
        f'filename="{_quote(filename)}"\r\nContent-Type: {media_type}\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return Payload(f"multipart/form-data; boundary={boundary}", (head, source, tail), source.size, progress)


def file_source(value: object, name: str = "file") -> tuple[Source, str, int]:
    """(source, file name, size) of a path (str or os.PathLike) or bytes; InvalidArgumentError
    for anything else, a missing file or a folder."""
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return InMemory(data), "upload.jsonl", len(data)
    if isinstance(value, str | os.PathLike):
        path = Path(os.fspath(value))
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise InvalidArgumentError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if path.is_dir():
            raise InvalidArgumentError(f"{path}: is a folder; name the file to upload")
        return FileSlice(path, 0, size), path.name, size
    raise InvalidArgumentError(
        f"{name} must be a path (str or pathlib.Path) or bytes, got {type(value).__name__}"
    )
