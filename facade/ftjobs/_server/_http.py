"""The wire: a threading HTTP/1.1 server (keep-alive, Content-Length) and the faults that need
raw socket control (RST, truncated bodies, hanging).

Abuse limits: a listen backlog of ``LISTEN_BACKLOG`` (a burst of hundreds of connects waits in
the kernel, not in SYN retries); at most ``MAX_CONNECTIONS`` connections (threads) at once, the
next ones wait in the backlog until one ends; a connection without a request in progress is closed after
``idle_timeout``; a request must arrive in full (line, headers, body) within ``request_timeout``
of its first byte, else 408 and close; bodies are at most ``MAX_BODY``; the request line and
headers keep http.server's limits (64 KiB a line, 100 headers).

Before a request is acted on (``_guards``): its framing is unambiguous (one ``Content-Length`` of
digits, single credential headers: else 400 and close); ``/v1`` requests pass auth before any fault
is chosen; admin requests pass the browser defences (Host, Origin, Content-Type), then the same auth.
"""

from __future__ import annotations

import collections
import contextlib
import io
import select
import socket
import struct
import sys
import threading
import time
import traceback
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from . import _errors, _faults, _files, _guards
from ._app import (
    ADMIN_PREFIX,
    API_PREFIX,
    App,
    Response,
    error_response,
    json_response,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

MAX_BODY = 1 << 20  # files and Uploads routes: _files.MAX_UPLOAD_BODY


def _upload_route(path: str) -> bool:
    """Whether a request target is a files or Uploads route (bodies up to ``_files.MAX_UPLOAD_BODY``)."""
    return path.startswith(("/v1/files", "/v1/uploads", "/openai/files", "/openai/uploads"))


#: Connections the kernel queues before ``accept`` (capped by ``net.core.somaxconn``).
LISTEN_BACKLOG = 1024
#: Connections served at once (one thread each); more wait in the listen backlog for a free slot.
MAX_CONNECTIONS = 1000
#: Characters of a request line written to the stderr log.
MAX_LOG_LINE = 2048
RESET_BODY_PAUSE = 0.05
HANG_POLL = 0.1
_HTML = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


def fault_response(fault: _faults.Fault) -> Response:
    """The response a fault answers with, for the faults that replace the response."""
    if fault.kind == "status":
        kind = "rate_limit_error" if fault.status == 429 else "server_error"
        error = _errors.ApiError(fault.status, f"Injected fault: {fault.spec}", type_=kind)
        response = error_response(error)
        if fault.retry_after is not None:
            response.headers.append(("Retry-After", fault.retry_after))
        if fault.retry_after_ms is not None:
            response.headers.append(("retry-after-ms", fault.retry_after_ms))
        return response
    if fault.kind == "non-json":
        return Response(200, b"upstream said: <<not json>> \x00\xff", content_type="text/plain")
    if fault.kind == "html":
        reason = HTTPStatus(fault.status).phrase
        page = _HTML.format(status=fault.status, reason=reason).encode()
        return Response(fault.status, page, content_type="text/html")
    if fault.kind == "wrong-type":
        return json_response(200, [{"unexpected": True}, "wrong type"])
    if fault.kind == "empty":
        return Response(200, b"")
    raise ValueError(f"{fault.kind} does not replace the response")


class _TimedReader(io.RawIOBase):
    """A socket's input with two deadlines: ``idle`` seconds for a request to begin (its first
    byte), then ``request`` seconds for all of it. A reset by the peer reads as the end of input."""

    def __init__(self, sock: socket.socket, *, idle: float, request: float) -> None:
        super().__init__()
        self._sock = sock
        self._idle = idle
        self._request = request
        self._deadline: float | None = None
        #: ``"idle"`` or ``"request"`` once a deadline passed.
        self.expired: str | None = None

    def readable(self) -> bool:
        return True

    def next_request(self) -> None:
        """Wait for the next request: the idle deadline applies until its first byte."""
        self._deadline = None
        self.expired = None

    def readinto(self, buffer: WriteableBuffer) -> int:
        if self._deadline is None:
            timeout = self._idle
        else:
            timeout = self._deadline - time.monotonic()
            if timeout <= 0:
                self.expired = "request"
                raise TimeoutError("the request did not arrive in time")
        try:
            self._sock.settimeout(timeout)
            count = self._sock.recv_into(buffer)
        except TimeoutError:
            self.expired = "idle" if self._deadline is None else "request"
            raise
        except OSError:  # reset by the peer, or closed by stop(): the end of this connection
            return 0
        if self._deadline is None and count:
            self._deadline = time.monotonic() + self._request
        return count


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ftjobs-local"
    sys_version = ""
    disable_nagle_algorithm = True
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # replaced by a reader with deadlines (it was a makefile() of the socket)
        self._reader = _TimedReader(
            self.connection, idle=self.server.idle_timeout, request=self.server.request_timeout
        )
        self.rfile = io.BufferedReader(self._reader)
        self._responded = False

    def handle_one_request(self) -> None:
        self._reader.next_request()
        self._responded = False
        self.requestline, self.command, self.request_version = "", "", self.default_request_version
        super().handle_one_request()  # a TimeoutError ends the connection there
        if self._reader.expired == "request" and not self._responded:
            self.close_connection = True
            self._send(error_response(_errors.ApiError(408, "The request did not arrive in time.")))

    def parse_request(self) -> bool:
        """http.server's parsing, then 405 (with ``Allow``) for a method no route takes, whatever
        its name (``OPTIONS``, ``QUERY``, ``FOO``); 404 where the path has no route at all; 400 for
        a method that is not a token."""
        if not super().parse_request():
            return False
        if hasattr(self, "do_" + self.command):
            return True
        self.close_connection = True
        if not _guards.is_token(self.command):
            self._answer(error_response(_errors.bad_request("Invalid method in the request line.")))
            return False
        allowed = self.server.app.allowed_methods(self.path)
        self._answer(error_response(_errors.wrong_method(self.command, self.path, allowed)))
        return False

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        """Answered like GET, without the body (``Content-Length`` is the GET body's)."""
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log_requests:
            line = format % args
            if len(line) > MAX_LOG_LINE:
                line = line[:MAX_LOG_LINE] + "..."
            sys.stderr.write(f"{self.address_string()} - {line}\n")

    # --- one request ---------------------------------------------------------------------------

    def _serve(self) -> None:
        """One request; whatever goes wrong, the client gets a 500 in the API's shape."""
        try:
            self._serve_one()
        except TimeoutError:
            raise  # the body did not arrive in time: handle_one_request answers 408
        except Exception:
            self.close_connection = True
            sys.stderr.write(f"ftjobs server: {self.command} {self.path[:200]}: internal error\n")
            traceback.print_exc(file=sys.stderr)
            if not self._responded:
                self._send(error_response(_errors.server_error()))

    def _serve_one(self) -> None:
        app = self.server.app
        path = self.path
        method = "GET" if self.command == "HEAD" else self.command
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._send(error_response(_errors.ApiError(411, "A Content-Length header is required.")))
            return
        counts = collections.Counter(name.lower() for name in self.headers)
        try:
            length = _guards.content_length(self.headers.get_all("Content-Length") or [])
            repeated = _guards.repeated(counts)
            if repeated is not None:
                raise repeated
        except _errors.ApiError as exc:  # the framing is in doubt: answer, and read nothing more
            self.close_connection = True
            self._answer(error_response(exc))
            return
        if length > (_files.MAX_UPLOAD_BODY if _upload_route(path) else MAX_BODY):
            self.close_connection = True
            self._answer(error_response(_errors.bad_request("Invalid or too large Content-Length.")))
            return
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the client went away mid-body: nobody to answer
            self.close_connection = True
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        if path.startswith(ADMIN_PREFIX):
            refusal = _guards.admin_refusal(headers, self._local_names(), has_body=bool(body))
            self._send(error_response(refusal) if refusal else app.handle(method, path, headers, body))
            return
        if not path.startswith(API_PREFIX):
            self._logged(app.handle(method, path, headers, body), None)
            return
        denied = app.authenticate(headers)  # before any fault: faults are for callers with the key
        if denied is not None:
            self._logged(error_response(denied), None)
            return
        try:
            fault = app.choose_fault(self.command, path, headers.get(_faults.HEADER))
        except _errors.ApiError as exc:
            self._logged(error_response(exc), None)
            return
        if fault is None:
            self._logged(app.handle(method, path, headers, body), None)
        elif fault.kind == "reset":
            app.log.add(self.command, path, None, fault.spec)
            self._reset()
        elif fault.kind == "hang":
            app.log.add(self.command, path, None, fault.spec)
            self._hang()
        elif fault.kind in _faults.AFTER_HANDLING:
            if fault.kind == "delay" and self.server.stopping.wait(fault.seconds):
                self.close_connection = True
                return
            response = app.handle(method, path, headers, body)
            if fault.kind == "delay":
                self._logged(response, fault.spec)
                return
            app.log.add(self.command, path, response.status, fault.spec)
            self._send(response, cut=True)
            if fault.kind == "reset-body":
                # Let the partial response reach the peer first: a RST can make it drop unread data.
                self.server.stopping.wait(RESET_BODY_PAUSE)
                self._reset()
            else:
                self.close_connection = True
        else:
            self._logged(fault_response(fault), fault.spec)

    def _hang(self) -> None:
        """Answer nothing until the server stops, or until the client gives up and closes."""
        self.close_connection = True
        while not self.server.stopping.wait(HANG_POLL):
            readable, _, _ = select.select([self.connection], [], [], 0)
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        return
                except OSError:
                    return

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol errors found by http.server (bad request line, unsupported method) in the API's shape."""
        self.close_connection = True
        self._send(error_response(_errors.ApiError(code, message or HTTPStatus(code).phrase)))

    def _local_names(self) -> frozenset[str]:
        """Host names the admin API answers to: the configured address, the one this connection
        arrived on (they differ for a wildcard bind), and the loopback names."""
        local = self.connection.getsockname()[0]
        return _guards.local_names((self.server.app.config.host, str(local)))

    def _answer(self, response: Response) -> None:
        """Send a response found before routing; logged unless the path is the admin API's."""
        if self.path.startswith(ADMIN_PREFIX):
            self._send(response)
        else:
            self._logged(response, None)

    def _logged(self, response: Response, fault: str | None) -> None:
        self.server.app.log.add(self.command, self.path, response.status, fault)
        self._send(response)

    def _send(self, response: Response, *, cut: bool = False) -> None:
        """Write the whole response in one go (or the headers and half the body when ``cut``)."""
        body = response.body
        lines = [
            f"{self.protocol_version} {response.status} {HTTPStatus(response.status).phrase}",
            f"Date: {formatdate(usegmt=True)}",
            f"Server: {self.server_version}",
            f"Content-Type: {response.content_type}",
            f"Content-Length: {len(body)}",
            f"x-request-id: {response.request_id}",
            *(f"{name}: {value}" for name, value in response.headers),
        ]
        if self.close_connection or cut:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if self.command == "HEAD":
            body = b""
        payload = head + (body[: len(body) // 2] if cut else body)
        self._responded = True
        try:
            self.connection.settimeout(self.server.request_timeout)  # a client that never reads
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True
        self.log_request(response.status, len(body))

    def _reset(self) -> None:
        """Abort the connection: SO_LINGER 0 makes close() send a RST instead of a FIN."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.rfile.close()  # the socket really closes once its last file object does


class _HTTPServer(ThreadingHTTPServer):
    """Tracks its connections and threads so that ``stop`` ends idle keep-alive ones too."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG
    max_connections = MAX_CONNECTIONS

    def __init__(
        self,
        address: tuple[str, int],
        app: App,
        *,
        log_requests: bool,
        idle_timeout: float,
        request_timeout: float,
    ) -> None:
        self.app = app
        self.log_requests = log_requests
        self.idle_timeout = idle_timeout
        self.request_timeout = request_timeout
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._workers: set[threading.Thread] = set()
        self._slots = threading.BoundedSemaphore(self.max_connections)
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # At the limit, stop accepting: the next connections wait in the listen backlog.
        while not self._slots.acquire(timeout=HANG_POLL):
            if self.stopping.is_set():
                self.shutdown_request(request)
                return
        thread = threading.Thread(
            target=self._process, args=(request, client_address), daemon=True, name="ftjobs-connection"
        )
        with self._lock:
            self._connections.add(request)
            self._workers.add(thread)
        thread.start()

    def _process(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._connections.discard(request)
                self._workers.discard(threading.current_thread())
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not self.stopping.is_set():
            super().handle_error(request, client_address)

    def close_connections(self, timeout: float) -> None:
        """Wake every connection thread and wait (up to ``timeout``) for them to end."""
        self.stopping.set()
        with self._lock:
            connections, threads = list(self._connections), list(self._workers)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(timeout)
