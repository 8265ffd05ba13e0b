"""The local fine-tuning API server (standard library only). See docs/server.md.

Never imported by ``import ftjobs``: the client stays fast to import. Use :class:`Server` from
Python, :func:`run` for a blocking server (``ftjobs serve``), or ``ftjobs.testing.serve``.
"""

from ._config import (
    DEFAULT_API_KEY,
    DEFAULT_HOST,
    DEFAULT_ORGANIZATION_ID,
    DEFAULT_PORT,
    DEFAULT_STEP_SECONDS,
    ServerConfig,
)
from ._faults import FaultSpecError, parse_fault
from ._server import Server, run

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_HOST",
    "DEFAULT_ORGANIZATION_ID",
    "DEFAULT_PORT",
    "DEFAULT_STEP_SECONDS",
    "FaultSpecError",
    "Server",
    "ServerConfig",
    "parse_fault",
    "run",
]
