"""Waiter decisions: arguments checked, deadline before every request, each event once."""

from __future__ import annotations

import math
from typing import Any

import pytest

import ftjobs
from ftjobs._models import JobEvent
from ftjobs._wait import MIN_REQUEST_LIMIT, Waiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _event(event_id: str | None) -> JobEvent:
    raw: dict[str, Any] = {
        "object": "fine_tuning.job.event",
        "created_at": 1,
        "level": "info",
        "message": "m",
    }
    if event_id is not None:
        raw["id"] = event_id
    return JobEvent.from_dict(raw)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": math.nan},
        {"timeout": -1},
        {"timeout": "5"},
        {"timeout": True},
        {"poll_interval": 0},
        {"poll_interval": math.inf},
        {"poll_interval": math.nan},
        {"max_poll_interval": -2},
        {"max_poll_interval": "30"},
        {"on_update": "print"},
        {"on_event": 42},
    ],
)
def test_bad_arguments_are_invalid_argument_errors(kwargs: dict[str, Any]) -> None:
    """NaN, negatives, strings and bools never reach a comparison: InvalidArgumentError at once."""
    kwargs.setdefault("timeout", 10)
    with pytest.raises(ftjobs.InvalidArgumentError):
        Waiter("ftjob-1", **kwargs)


def test_request_limit_is_the_time_left_near_the_deadline() -> None:
    """Far from the deadline a request keeps its own limit; near it, the time left (at least 1 s)."""
    clock = Clock()
    waiter = Waiter("ftjob-1", timeout=60, clock=clock)
    assert waiter.request_limit(30.0) is None
    clock.now += 45
    assert waiter.request_limit(30.0) == 15.0
    assert waiter.request_limit(None) == 15.0  # an unbounded request gets a bound
    clock.now += 100
    assert waiter.request_limit(30.0) == MIN_REQUEST_LIMIT
    assert Waiter("ftjob-1", timeout=None).request_limit(30.0) is None


def test_walk_stops_at_seen_events_or_at_the_deadline() -> None:
    """An events walk stops on a page with a seen event, or once the deadline has passed."""
    clock = Clock()
    waiter = Waiter("ftjob-1", timeout=10, clock=clock)
    waiter.new_events([_event("a")])
    assert waiter.walk_done([_event("a")])
    assert not waiter.walk_done([_event("b")])
    clock.now += 11
    assert waiter.walk_done([_event("b")])


def test_new_events_are_emitted_once_oldest_first() -> None:
    """The same event twice in one walk (a cycle) is emitted once; id-less events on the first poll only."""
    waiter = Waiter("ftjob-1", timeout=None)
    fresh = waiter.new_events([_event("c"), _event("b"), _event("c"), _event(None), _event(None)])
    assert [e.id for e in fresh] == [None, None, "b", "c"]
    assert [e.id for e in waiter.new_events([_event("d"), _event("c"), _event(None)])] == ["d"]


def test_timed_out_error_is_redacted() -> None:
    """The last status (server text) in WaitTimeoutError goes through the client's redaction."""
    waiter = Waiter("ftjob-1", timeout=0, redact=lambda text: text.replace("sk-echo", "***"))
    job = ftjobs.Job.from_dict({"id": "ftjob-1", "status": "running sk-echo", "object": "fine_tuning.job"})
    waiter.observe(job)
    error = waiter.timed_out()
    assert "sk-echo" not in str(error) + repr(error)
    assert "***" in str(error)
