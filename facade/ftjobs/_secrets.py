"""Credentials in the HTTP stack's own DEBUG logs.

httpcore2 traces every exchange at DEBUG level, response headers included: a proxy that echoes the
key into ``x-request-id`` would put it into those records, out of ftjobs' reach. A filter on those
loggers redacts the credentials of every live client from each record before any handler sees it.
It runs only for records that are emitted (DEBUG enabled on those loggers), so it costs nothing
otherwise. Clients register their connection when built; a collected client's secrets go with it.
"""

from __future__ import annotations

import itertools
import logging
import threading
import weakref
from typing import Protocol

#: The loggers of the HTTP stack that may log response headers or bodies.
STACK_LOGGERS = (
    "httpcore2.connection",
    "httpcore2.http11",
    "httpcore2.http2",
    "httpcore2.proxy",
    "httpcore2.socks",
    "httpx2",
)


class _Redacting(Protocol):
    def redact(self, text: str) -> str: ...


class _Filter(logging.Filter):
    """Replaces the record's message by its redacted text when it holds a live credential."""

    def __init__(self) -> None:
        super().__init__()
        self._owners: dict[int, weakref.ref[_Redacting]] = {}
        self._ids = itertools.count()
        self._lock = threading.RLock()  # a weakref callback may run inside filter(), on this thread
        self.installed = False

    def register(self, owner: _Redacting) -> None:
        key = next(self._ids)
        with self._lock:
            self._owners[key] = weakref.ref(owner, lambda _: self._forget(key))

    def _forget(self, key: int) -> None:
        with self._lock:
            self._owners.pop(key, None)

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            owners = [ref() for ref in self._owners.values()]
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a record that cannot format: leave it to the handler
            return True
        redacted = message
        for owner in owners:
            if owner is not None:
                redacted = owner.redact(redacted)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_FILTER = _Filter()


def guard(owner: _Redacting) -> None:
    """Redact owner's credentials from the HTTP stack's log records for as long as owner lives."""
    if not _FILTER.installed:
        with _FILTER._lock:
            if not _FILTER.installed:
                for name in STACK_LOGGERS:
                    logging.getLogger(name).addFilter(_FILTER)
                _FILTER.installed = True
    _FILTER.register(owner)
