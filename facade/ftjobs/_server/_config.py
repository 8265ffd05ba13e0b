"""Configuration of the local server: named defaults and one frozen, keyword-only dataclass."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ._faults import FaultRates

DEFAULT_HOST = "127.0.0.1"
#: Port of ``run()`` (``ftjobs serve``); ``Server`` and ``ftjobs.testing.serve`` default to 0, a free port.
DEFAULT_PORT = 8765
#: The one key the server accepts unless told otherwise. A local, non-secret value.
DEFAULT_API_KEY = "sk-ftjobs-local"
#: Seconds of active time per lifecycle step: a human can watch a job progress.
DEFAULT_STEP_SECONDS = 2.0
DEFAULT_ORGANIZATION_ID = "org-ftjobs-local"
#: Seconds a connection may sit without a request in progress (new, or kept alive between
#: requests) before the server closes it. Longer than clients' pool expiry (httpx: 5 s), so a client
#: practically never reuses a connection the server is closing.
DEFAULT_IDLE_TIMEOUT = 60.0
#: Seconds from the first byte of a request to its last (request line, headers and body): a
#: client trickling its headers is answered 408 and dropped.
DEFAULT_REQUEST_TIMEOUT = 10.0


@dataclass(frozen=True, kw_only=True)
class ServerConfig:
    """How a local server behaves. Every field has a default; see docs/server.md.

    ``host``/``port``: where to listen (port 0 picks a free port). ``db``: SQLite file to persist
    to (``None``: in memory). ``api_key``: the one accepted key. ``step_seconds``: length of a
    lifecycle step. ``organization_id``: of created jobs. ``fault_rates``/``fault_seed``: random
    faults per ``/v1`` request (``{"503": 0.2}``), reproducible with the seed. ``seed_examples``:
    start an empty store with the spec's example jobs. ``clock``: wall-clock seconds (inject a
    frozen one for deterministic tests; ``/_ftjobs/advance`` moves it). ``log_requests``: print
    one line per request to stderr (never headers, so never the key). ``idle_timeout``: seconds
    a connection may wait for its next request; ``request_timeout``: seconds a request may take
    to arrive, headers and body.
    """

    host: str = DEFAULT_HOST
    port: int = 0
    db: str | os.PathLike[str] | None = None
    api_key: str = DEFAULT_API_KEY
    step_seconds: float = DEFAULT_STEP_SECONDS
    organization_id: str = DEFAULT_ORGANIZATION_ID
    fault_rates: Mapping[str, float] = field(default_factory=dict)
    fault_seed: int | None = 0
    seed_examples: bool = True
    clock: Callable[[], float] = time.time
    log_requests: bool = False
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    #: Whose shapes the API answers in: one of ``_flavors.FLAVORS`` (``portkey-bedrock``...).
    flavor: str = "openai"

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ValueError("api_key must not be empty")
        if not (self.step_seconds > 0 and math.isfinite(self.step_seconds)):
            raise ValueError("step_seconds must be a finite number > 0")
        if not 0 <= self.port <= 65535:
            raise ValueError("port must be in [0, 65535]")
        for name in ("idle_timeout", "request_timeout"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite number > 0")
        FaultRates(self.fault_rates, self.fault_seed)  # raises FaultSpecError (a ValueError) early
        from ._flavors import FLAVORS

        if self.flavor not in FLAVORS:
            raise ValueError(f"flavor must be one of {', '.join(FLAVORS)}, not {self.flavor!r}")
