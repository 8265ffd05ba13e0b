"""Job ids: one path segment, never a route to another endpoint."""

from __future__ import annotations

import pytest

from ftjobs import InvalidJobIdError
from ftjobs._ids import check_job_id, job_path_segment


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "..",
        ".",
        "../files/x",
        "a/b",
        "%2e%2e",
        "ftjob-1%2Fcancel",
        "ftjob-1?limit=1",
        "ftjob-1#frag",
        "a\\b",
        "ftjob 1",
        "ftjob-1\n",
        "ftjob-\x00",
        "x" * 257,
        None,
        123,
    ],
)
def test_rejected(bad: object) -> None:
    """Empty, relative, slashed, percent-encoded, control-character, too-long and non-str ids fail."""
    with pytest.raises(InvalidJobIdError):
        check_job_id(bad)


@pytest.mark.parametrize(
    ("good", "segment"),
    [
        ("ftjob-abc123", "ftjob-abc123"),
        ("ft-AF1WoRqd3aJAHsqc9NY7iL8F", "ft-AF1WoRqd3aJAHsqc9NY7iL8F"),
        ("ftjob-ünïcode", "ftjob-%C3%BCn%C3%AFcode"),
        ("a:b@c", "a%3Ab%40c"),
        ("x" * 256, "x" * 256),
    ],
)
def test_accepted_and_escaped(good: str, segment: str) -> None:
    """Ordinary ids pass unchanged; anything outside the unreserved set is percent-escaped."""
    assert check_job_id(good) == good
    assert job_path_segment(good) == segment


def test_is_a_value_error_too() -> None:
    """Callers that catch ValueError keep working."""
    with pytest.raises(ValueError, match="empty"):
        check_job_id("")
