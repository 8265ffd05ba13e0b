"""Fault injection: the fault SPEC language, the admin queue and the random rates.

A SPEC is ``NAME[=VALUE][;OPTION=VALUE]...``:

============================  ===========================================================================
``429`` ``500`` ``502`` ...   that status (any 400-599) with an OpenAI error body; ``429`` carries
                              ``Retry-After: 1`` unless an option says otherwise
``;retry-after=S``            option: send ``Retry-After: S`` (``429;retry-after=3``, ``503;retry-after=0``)
``;retry-after-ms=MS``        option: send ``retry-after-ms: MS`` (and no ``Retry-After``)
``retry-after=S``             shorthand for ``429;retry-after=S``
``retry-after-ms=MS``         shorthand for ``429;retry-after-ms=MS``
``delay=SECONDS``             wait, then answer normally
``reset``                     close the connection with a TCP RST before any response byte
``reset-body``                handle the request, send the headers and half the body, then RST
``truncate``                  handle the request, send the headers (full Content-Length) and half
                              the body, then close normally
``non-json``                  200, ``text/plain`` garbage
``html`` / ``html=502``       an HTML error page with status 200 (or the given status)
``wrong-type``                200, valid JSON of the wrong shape (a list)
``empty``                     200 with an empty body
``hang``                      never answer (until the server stops)
============================  ===========================================================================

Except ``delay``, ``reset-body`` and ``truncate``, a fault replaces the response *before* the
request is handled: the request has no effect (no job is created or cancelled).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

HEADER = "x-ftjobs-fault"
#: Faults that answer after the request was handled (the others never reach the API).
AFTER_HANDLING = frozenset({"delay", "reset-body", "truncate"})
_SIMPLE = frozenset({"reset", "reset-body", "truncate", "non-json", "wrong-type", "empty", "hang"})
MAX_DELAY = 600.0


class FaultSpecError(ValueError):
    """A fault SPEC that does not parse."""


@dataclass(frozen=True)
class Fault:
    """A parsed SPEC. ``kind`` is ``status`` or one of the names above."""

    kind: str
    spec: str
    status: int = 200
    seconds: float = 0.0
    retry_after: str | None = None
    retry_after_ms: str | None = None


def _number(spec: str, value: str, *, integer: bool = False) -> float:
    try:
        number = int(value) if integer else float(value)
    except ValueError:
        raise FaultSpecError(f"{spec!r}: {value!r} is not a number") from None
    if not 0 <= number <= MAX_DELAY * (1000 if integer else 1):
        raise FaultSpecError(f"{spec!r}: {value!r} is out of range")
    return number


def _status(spec: str, value: str) -> int:
    if not value.isdigit() or not 400 <= int(value) <= 599:
        raise FaultSpecError(f"{spec!r}: status must be 400-599, got {value!r}")
    return int(value)


def parse_fault(spec: str) -> Fault:
    """Parse a fault SPEC (see the module docstring); raises :class:`FaultSpecError`."""
    head, *options = [part.strip() for part in spec.strip().split(";")]
    name, _, value = head.partition("=")
    name = name.strip().lower()
    value = value.strip()
    retry_after: str | None = None
    retry_after_ms: str | None = None
    for option in options:
        key, _, option_value = option.partition("=")
        key = key.strip().lower()
        if key == "retry-after":
            retry_after = str(int(_number(spec, option_value.strip(), integer=True)))
        elif key == "retry-after-ms":
            retry_after_ms = str(int(_number(spec, option_value.strip(), integer=True)))
        else:
            raise FaultSpecError(f"{spec!r}: unknown option {key!r}")
    if name.isdigit():
        if value:
            raise FaultSpecError(f"{spec!r}: a status takes no value")
        status = _status(spec, name)
        if status == 429 and retry_after is None and retry_after_ms is None:
            retry_after = "1"
        return Fault("status", spec, status=status, retry_after=retry_after, retry_after_ms=retry_after_ms)
    if options:
        raise FaultSpecError(f"{spec!r}: options only apply to a status")
    if name == "retry-after":
        return Fault("status", spec, status=429, retry_after=str(int(_number(spec, value, integer=True))))
    if name == "retry-after-ms":
        return Fault("status", spec, status=429, retry_after_ms=str(int(_number(spec, value, integer=True))))
    if name == "delay":
        return Fault("delay", spec, seconds=_number(spec, value))
    if name == "html":
        return Fault("html", spec, status=_status(spec, value) if value else 200)
    if name in _SIMPLE:
        if value:
            raise FaultSpecError(f"{spec!r}: {name} takes no value")
        return Fault(name, spec)
    raise FaultSpecError(f"unknown fault {spec!r}")


@dataclass
class _Queued:
    fault: Fault
    times: int
    path: str | None
    method: str | None

    def public(self) -> dict[str, Any]:
        return {"fault": self.fault.spec, "times": self.times, "path": self.path, "method": self.method}


class FaultQueue:
    """Faults queued through ``POST /_ftjobs/faults``, consumed in order by matching requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[_Queued] = []

    def add(
        self, fault: Fault, *, times: int = 1, path: str | None = None, method: str | None = None
    ) -> None:
        with self._lock:
            self._items.append(_Queued(fault, times, path, method.upper() if method else None))

    def take(self, method: str, path: str) -> Fault | None:
        """The first queued fault matching the request (``path`` is a substring match), used once."""
        with self._lock:
            for item in self._items:
                if (item.path is None or item.path in path) and (
                    item.method is None or item.method == method
                ):
                    item.times -= 1
                    if item.times <= 0:
                        self._items.remove(item)
                    return item.fault
            return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [item.public() for item in self._items]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class FaultRates:
    """Faults drawn at random per request: ``{SPEC: probability}``, with a seeded RNG."""

    def __init__(self, rates: Mapping[str, float], seed: int | None) -> None:
        self._rates = [(parse_fault(spec), float(rate)) for spec, rate in sorted(rates.items())]
        if not all(0 <= rate <= 1 for _, rate in self._rates) or sum(rate for _, rate in self._rates) > 1:
            raise FaultSpecError("fault rates must be numbers in [0, 1] that sum to at most 1")  # NaN too
        self._random = random.Random(seed)  # noqa: S311 - reproducible test faults, not crypto
        self._lock = threading.Lock()

    def draw(self) -> Fault | None:
        if not self._rates:
            return None
        with self._lock:
            point = self._random.random()
        for fault, rate in self._rates:
            if point < rate:
                return fault
            point -= rate
        return None
