"""Small loopback HTTP servers for the security and limit tests (stdlib only, 127.0.0.1)."""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections.abc import Callable
from typing import Any

JOB = {
    "object": "fine_tuning.job",
    "id": "ftjob-abc123",
    "status": "running",
    "model": "gpt-4o-mini-2024-07-18",
    "created_at": 1721764800,
    "result_files": [],
    "training_file": "file-abc123",
}
#: (status, headers, body) for a request (method, path, headers).
Handler = Callable[[str, str, dict[str, str]], tuple[int, dict[str, str], bytes]]


def job_answer(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json"}, json.dumps(JOB).encode()


class Loopback:
    """A threading HTTP server on 127.0.0.1 answering with ``handler``; records every request
    as (method, path, headers with lower-case names)."""

    def __init__(self, handler: Handler = job_answer, *, tls: ssl.SSLContext | None = None) -> None:
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        outer = self

        class _Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                outer.seen.append((self.command, self.path, headers))
                status, extra, body = handler(self.command, self.path, headers)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def origin(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> Loopback:
        self._thread.daemon = True
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)


class RawServer:
    """A TCP server on 127.0.0.1 that reads one request head per connection and hands the socket
    and the request line to ``respond``; counts requests. For bodies no HTTP library would send."""

    def __init__(self, respond: Callable[[Any, str], None]) -> None:
        import socket

        self.respond = respond
        self.requests: list[str] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        #: Called on exit before the thread is joined (e.g. to wake a responder that is waiting).
        self.on_exit: Callable[[], object] = lambda: None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/v1"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.on_exit()
        self._thread.join(5)
        self._sock.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: Any) -> None:
        with conn:
            conn.settimeout(10)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    got = conn.recv(65536)
                    if not got:
                        return
                    data += got
                line = data.split(b"\r\n", 1)[0].decode("latin-1")
                self.requests.append(line)
                self.respond(conn, line)
            except OSError:
                return
