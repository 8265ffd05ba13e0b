"""Raw HTTP/1.1 over a socket, for the tests a client library would normalise (it merges repeated
headers, fixes Content-Length, refuses odd methods): send exact bytes, read until the server closes."""

from __future__ import annotations

import json
import socket
from collections.abc import Mapping, Sequence
from typing import Any

from ftjobs._server import Server


def address(server: Server) -> tuple[str, int]:
    host, port = server.root_url.removeprefix("http://").split(":")
    return host, int(port)


def exchange(server: Server, data: bytes, *, timeout: float = 10.0) -> bytes:
    """Send raw bytes, read until the server closes (or ``timeout``)."""
    with socket.create_connection(address(server), timeout=timeout) as sock:
        sock.sendall(data)
        return read_until_closed(sock)


def read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def request(
    method: str,
    path: str,
    body: bytes = b"",
    headers: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
    *,
    host: str | None = "127.0.0.1",
    length: bool = True,
) -> bytes:
    """A request with ``Connection: close``; ``headers`` as given (a list may repeat a name).

    ``host``: the ``Host`` header (``None``: none); ``length``: add ``Content-Length`` (for a body, or
    a POST).
    """
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
    lines = [
        f"{method} {path} HTTP/1.1",
        *([f"Host: {host}"] if host is not None else []),
        "Connection: close",
        *(f"{k}: {v}" for k, v in pairs),
    ]
    if length and (body or method == "POST"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def parse(response: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = response.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def error_of(body: bytes) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(body)["error"]
    assert set(error) == {"message", "type", "param", "code"}
    return error
