"""A running local server: :class:`Server` (background thread) and :func:`run` (blocking)."""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
from collections.abc import Callable, Mapping
from types import FrameType, TracebackType
from typing import Any

from ._app import App
from ._config import (
    DEFAULT_API_KEY,
    DEFAULT_HOST,
    DEFAULT_IDLE_TIMEOUT,
    DEFAULT_ORGANIZATION_ID,
    DEFAULT_PORT,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_STEP_SECONDS,
    ServerConfig,
)
from ._http import _HTTPServer
from ._store import Store

STOP_TIMEOUT = 5.0


class Server:
    """The local fine-tuning API, served from a background thread.

    ``Server(config)`` or ``Server(**fields)``; ``start()`` binds and returns the base URL
    (``http://HOST:PORT/v1``); ``stop()`` ends every connection and closes the store. Also a
    context manager.
    """

    def __init__(self, config: ServerConfig | None = None, **fields: Any) -> None:
        base = config or ServerConfig()
        self.config = dataclasses.replace(base, **fields) if fields else base
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._app: App | None = None

    @property
    def url(self) -> str:
        """The API base URL, ``http://HOST:PORT/v1``."""
        return self.root_url + "/v1"

    @property
    def root_url(self) -> str:
        """``http://HOST:PORT``; the admin API is under ``/_ftjobs/``."""
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        if self._httpd is not None:
            raise RuntimeError("the server is already started")
        config = self.config
        db = os.fspath(config.db) if config.db is not None else None
        store = Store(
            db,
            clock=config.clock,
            step_seconds=config.step_seconds,
            organization_id=config.organization_id,
            seed_examples=config.seed_examples,
        )
        try:
            self._app = App(config, store)
            self._httpd = _HTTPServer(
                (config.host, config.port),
                self._app,
                log_requests=config.log_requests,
                idle_timeout=config.idle_timeout,
                request_timeout=config.request_timeout,
            )
        except BaseException:
            self._app = None
            store.close()
            raise
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="ftjobs-server",
            daemon=True,
        )
        self._thread.start()
        return self.url

    def advance(self, seconds: float) -> float:
        """Move the server's clock forward (like ``POST /_ftjobs/advance``); returns the new time."""
        if self._app is None:
            raise RuntimeError("the server is not started")
        return self._app.store.advance(seconds)

    def stop(self) -> None:
        """Stop serving, end hanging and idle connections, close the store. Idempotent."""
        httpd, thread, app = self._httpd, self._thread, self._app
        self._httpd = self._thread = self._app = None
        if httpd is None or thread is None or app is None:
            return
        httpd.stopping.set()
        httpd.shutdown()
        thread.join(STOP_TIMEOUT)
        httpd.close_connections(STOP_TIMEOUT)
        httpd.server_close()
        app.store.close()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def run(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    db: str | os.PathLike[str] | None = None,
    api_key: str = DEFAULT_API_KEY,
    step_seconds: float = DEFAULT_STEP_SECONDS,
    organization_id: str = DEFAULT_ORGANIZATION_ID,
    fault_rates: Mapping[str, float] | None = None,
    fault_seed: int | None = 0,
    seed_examples: bool = True,
    log_requests: bool = True,
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    announce: Callable[[str], None] = print,
    flavor: str = "openai",
) -> None:
    """Serve the local fine-tuning API until SIGINT or SIGTERM (the ``ftjobs serve`` command).

    Arguments:
        host, port: where to listen (default 127.0.0.1:8765; port 0 picks a free port).
        db: SQLite file to persist jobs, events and checkpoints to; ``None`` keeps them in memory.
        api_key: the key clients must present (default ``sk-ftjobs-local``); never printed.
        step_seconds: seconds per lifecycle step (default 2.0; a job takes about 10 steps).
        organization_id: ``organization_id`` of created jobs.
        fault_rates, fault_seed: random faults per ``/v1`` request, e.g. ``{"503": 0.2}``.
        seed_examples: start an empty store with the spec's example jobs.
        log_requests: one line per request on stderr (method, path, status; never headers).
        idle_timeout: seconds a connection may wait for its next request (default 60).
        request_timeout: seconds a request may take to arrive, headers and body (default 10).
        announce: called once with ``"ftjobs local API listening on URL"`` when ready.
        flavor: whose shapes to answer in: ``openai``, ``azure``, ``portkey-bedrock``,
            ``portkey-vertex`` or ``portkey-fireworks`` (see ``ftjobs._server._flavors``).

    Raises ``OSError`` when the address is taken, ``ValueError`` for a bad configuration
    (``DatabaseError``, a ``ValueError`` naming the file and the reason, for an unusable ``db``).
    """
    config = ServerConfig(
        host=host,
        port=port,
        db=db,
        api_key=api_key,
        step_seconds=step_seconds,
        organization_id=organization_id,
        fault_rates=dict(fault_rates or {}),
        fault_seed=fault_seed,
        seed_examples=seed_examples,
        log_requests=log_requests,
        idle_timeout=idle_timeout,
        request_timeout=request_timeout,
        flavor=flavor,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    in_main = threading.current_thread() is threading.main_thread()
    previous = {}
    if in_main:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, on_signal)
    server = Server(config)
    try:
        url = server.start()
        announce(f"ftjobs local API listening on {url}")
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
