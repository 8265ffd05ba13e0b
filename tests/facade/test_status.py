"""JobStatus: every documented value, terminal/active, forward compatibility."""

from __future__ import annotations

import pytest

from ftjobs import JobStatus


@pytest.mark.parametrize(
    ("raw", "terminal", "active"),
    [
        ("validating_files", False, True),
        ("queued", False, True),
        ("running", False, True),
        ("paused", False, True),
        ("succeeded", True, False),
        ("failed", True, False),
        ("cancelled", True, False),
        ("created", False, True),
        ("pending", False, True),
        ("archived_by_2030_feature", False, False),
    ],
)
def test_terminal_and_active(raw: str, terminal: bool, active: bool) -> None:
    """Each status, documented or not, answers is_terminal/is_active as the table says."""
    status = JobStatus(raw)
    assert status.is_terminal is terminal
    assert status.is_active is active
    assert status == raw
    assert str(status) == raw


def test_unknown_value_keeps_raw_string() -> None:
    """An unknown value parses into UNKNOWN with its raw string; known values are not unknown."""
    status = JobStatus("quantum_annealing")
    assert status.is_unknown
    assert status.name == "UNKNOWN"
    assert status.value == "quantum_annealing"
    assert not JobStatus("running").is_unknown
    assert JobStatus("running") is JobStatus.RUNNING


def test_non_string_is_rejected() -> None:
    """Only strings become statuses."""
    with pytest.raises(ValueError, match="is not a valid JobStatus"):
        JobStatus(3)  # type: ignore[arg-type]
