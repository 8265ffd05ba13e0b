"""Uploads on the engine's own connection pool (real sockets on 127.0.0.1): the streamed body
arrives whole with its declared length, sync and async, and a retried part is sent again."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import ftjobs
from ftjobs import _payload


class Seen:
    def __init__(self) -> None:
        self.bodies: list[tuple[str, bytes]] = []
        self.fail_first_part = False


def serve(seen: Seen) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.bodies.append((self.path, body))
            kind = self.headers["Content-Type"]
            if self.path.endswith("/parts") and seen.fail_first_part:
                seen.fail_first_part = False
                self.answer(503, {"error": {"message": "try again"}})
                return
            if self.path == "/v1/uploads":
                self.answer(200, {"object": "upload", "id": "upload_1", "status": "pending"})
            elif self.path.endswith("/parts"):
                self.answer(200, {"object": "upload.part", "id": f"part_{len(seen.bodies)}"})
            elif self.path.endswith("/complete"):
                file = {"object": "file", "id": "file-big", "status": "processed"}
                self.answer(200, {"object": "upload", "id": "upload_1", "status": "completed", "file": file})
            else:
                size = len(field(kind, body, "file"))
                self.answer(200, {"object": "file", "id": "file-1", "bytes": size, "status": "uploaded"})

        def answer(self, status: int, doc: object) -> None:
            data = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def field(kind: str, body: bytes, name: str) -> bytes:
    """Form field name of a multipart body (the email package's parser)."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + kind.encode() + b"\r\n\r\n" + body
    )
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == name:
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload
    raise AssertionError(f"no field {name}")


@pytest.fixture
def server() -> Iterator[tuple[str, Seen]]:
    seen = Seen()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), serve(seen))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", seen
    httpd.shutdown()
    httpd.server_close()


def retry() -> ftjobs.RetryPolicy:
    return ftjobs.RetryPolicy(max_retries=2, initial_delay=0.0, max_delay=0.0)


def test_a_file_of_several_chunks_arrives_whole(tmp_path: Path, server: tuple[str, Seen]) -> None:
    """A 3.5-chunk file on the engine's own pool: the server reads Content-Length bytes and the
    file field holds the file exactly; the next call reuses the pool."""
    url, seen = server
    data = bytes(range(256)) * (_payload.CHUNK * 7 // 2 // 256)
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)
    with ftjobs.Client(api_key="sk-loop", base_url=url, retry=retry()) as client:
        created = client.files.create(path)
        again = client.files.create(b"second")
    assert (created.bytes, again.bytes) == (len(data), 6)
    assert len(seen.bodies) == 2


def test_a_retried_part_is_sent_again_whole(tmp_path: Path, server: tuple[str, Seen]) -> None:
    """A part answered 503 is sent again with the same bytes (async client, parts of 5 bytes)."""
    url, seen = server
    seen.fail_first_part = True
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"0123456789")

    async def main() -> ftjobs.FileObject:
        async with ftjobs.AsyncClient(api_key="sk-loop", base_url=url, retry=retry()) as client:
            return await client.files.create(path, use_uploads=True, part_size=5)

    created = asyncio.run(main())
    assert created.id == "file-big"
    parts = [body for where, body in seen.bodies if where.endswith("/parts")]
    assert len(parts) == 3
    assert parts[0] == parts[1]
    assert field(_kind(parts[0]), parts[0], "data") == b"01234"
    assert field(_kind(parts[2]), parts[2], "data") == b"56789"


def _kind(body: bytes) -> str:
    """The multipart content type of a body, from its first boundary line."""
    boundary = body.split(b"\r\n", 1)[0][2:].decode()
    return f"multipart/form-data; boundary={boundary}"
