"""The fault SPEC language, the admin queue and the seeded rates (pure, no server)."""

from __future__ import annotations

import pytest

from ftjobs._server._faults import Fault, FaultQueue, FaultRates, FaultSpecError, parse_fault


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("429", Fault("status", "429", status=429, retry_after="1")),
        ("429;retry-after=3", Fault("status", "429;retry-after=3", status=429, retry_after="3")),
        (
            "429;retry-after-ms=250",
            Fault("status", "429;retry-after-ms=250", status=429, retry_after_ms="250"),
        ),
        ("retry-after=7", Fault("status", "retry-after=7", status=429, retry_after="7")),
        ("retry-after-ms=1500", Fault("status", "retry-after-ms=1500", status=429, retry_after_ms="1500")),
        ("500", Fault("status", "500", status=500)),
        ("502", Fault("status", "502", status=502)),
        ("503", Fault("status", "503", status=503)),
        ("503;retry-after=0", Fault("status", "503;retry-after=0", status=503, retry_after="0")),
        ("delay=0.25", Fault("delay", "delay=0.25", seconds=0.25)),
        ("reset", Fault("reset", "reset")),
        ("reset-body", Fault("reset-body", "reset-body")),
        ("truncate", Fault("truncate", "truncate")),
        ("non-json", Fault("non-json", "non-json")),
        ("html", Fault("html", "html", status=200)),
        ("html=502", Fault("html", "html=502", status=502)),
        ("wrong-type", Fault("wrong-type", "wrong-type")),
        ("empty", Fault("empty", "empty")),
        ("hang", Fault("hang", "hang")),
        (" HANG ", Fault("hang", " HANG ")),
    ],
)
def test_parse_fault(spec: str, expected: Fault) -> None:
    """Every documented SPEC parses to its fault."""
    assert parse_fault(spec) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "teapot",
        "200",
        "600",
        "42",
        "delay",
        "delay=x",
        "delay=-1",
        "delay=601",
        "reset=1",
        "html=200x",
        "html=302",
        "429;retry-after=x",
        "429;colour=red",
        "reset;retry-after=1",
        "500=1",
        "retry-after=-2",
    ],
)
def test_parse_fault_rejects(spec: str) -> None:
    """Malformed or unknown SPECs raise FaultSpecError (a ValueError)."""
    with pytest.raises(FaultSpecError):
        parse_fault(spec)


def test_queue_consumes_in_order_with_path_and_method() -> None:
    """Queued faults match by path substring and method, each used ``times`` times, in order."""
    queue = FaultQueue()
    queue.add(parse_fault("503"), times=2, path="/cancel")
    queue.add(parse_fault("reset"), path="/events", method="get")
    queue.add(parse_fault("429"))
    assert queue.take("GET", "/v1/fine_tuning/jobs/x/events").kind == "reset"  # type: ignore[union-attr]
    assert queue.take("POST", "/v1/fine_tuning/jobs/x/cancel").status == 503  # type: ignore[union-attr]
    assert queue.take("GET", "/v1/fine_tuning/jobs").status == 429  # type: ignore[union-attr]
    assert queue.pending() == [{"fault": "503", "times": 1, "path": "/cancel", "method": None}]
    assert queue.take("GET", "/v1/fine_tuning/jobs") is None
    assert queue.take("POST", "/v1/fine_tuning/jobs/y/cancel").status == 503  # type: ignore[union-attr]
    assert queue.take("POST", "/v1/fine_tuning/jobs/y/cancel") is None


def test_rates_are_seeded_and_roughly_right() -> None:
    """Same seed, same sequence; the observed rate is near the configured one."""
    rates = FaultRates({"503": 0.2, "429": 0.1}, seed=42)
    seen = [rates.draw() for _ in range(2000)]
    again = FaultRates({"503": 0.2, "429": 0.1}, seed=42)
    assert seen == [again.draw() for _ in range(2000)]
    statuses = [fault.status for fault in seen if fault is not None]
    assert 300 < statuses.count(503) < 500
    assert 130 < statuses.count(429) < 270


@pytest.mark.parametrize("rates", [{"503": 0.7, "500": 0.5}, {"503": -0.1}, {"nope": 0.1}])
def test_rates_rejects(rates: dict[str, float]) -> None:
    """Rates summing over 1, negative rates or bad SPECs are refused up front."""
    with pytest.raises(FaultSpecError):
        FaultRates(rates, seed=0)


def test_no_rates_never_fault() -> None:
    """Fault injection is off by default."""
    rates = FaultRates({}, seed=0)
    assert all(rates.draw() is None for _ in range(100))
