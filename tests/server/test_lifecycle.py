"""Pure lifecycle functions of the local server, table-tested without a server."""

from __future__ import annotations

import pytest

from ftjobs._server import _lifecycle as lc
from ftjobs._server._lifecycle import Kind, Milestone, Progress

PLAN = lc.plan(4)
STEP = 2.0


@pytest.mark.parametrize(
    ("status", "action", "expected"),
    [
        ("validating_files", "cancel", "cancelled"),
        ("queued", "cancel", "cancelled"),
        ("running", "cancel", "cancelled"),
        ("paused", "cancel", "cancelled"),
        ("running", "pause", "paused"),
        ("paused", "resume", "running"),
        ("queued", "fail", "failed"),
        ("paused", "fail", "failed"),
    ],
)
def test_allowed_transitions(status: str, action: str, expected: str) -> None:
    """Each allowed (status, action) pair leads to its documented status."""
    assert lc.transition(status, action) == expected


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("succeeded", "cancel"),
        ("failed", "cancel"),
        ("cancelled", "cancel"),
        ("queued", "pause"),
        ("validating_files", "pause"),
        ("paused", "pause"),
        ("running", "resume"),
        ("queued", "resume"),
        ("succeeded", "fail"),
        ("cancelled", "resume"),
    ],
)
def test_refused_transitions(status: str, action: str) -> None:
    """Actions the status does not allow raise, naming the status."""
    with pytest.raises(lc.InvalidTransitionError, match=status):
        lc.transition(status, action)


def test_plan_shape() -> None:
    """validating, queued, running, N steps, succeeded: one step of active time apart."""
    assert [m.kind for m in PLAN] == [
        Kind.VALIDATING,
        Kind.QUEUED,
        Kind.STARTED,
        *[Kind.STEP] * 4,
        Kind.SUCCEEDED,
    ]
    assert [m.at for m in PLAN] == [0, 1, 2, 3, 4, 5, 6, 7]
    assert [m.step for m in PLAN if m.kind is Kind.STEP] == [1, 2, 3, 4]


def test_plan_invalid_file_fails_after_validation() -> None:
    """A job on an invalid training file fails at the end of validation."""
    assert lc.plan(4, invalid_file=True) == (Milestone(0, Kind.VALIDATING), Milestone(1, Kind.INVALID_FILE))


@pytest.mark.parametrize(
    ("elapsed", "emitted", "statuses"),
    [
        (0.0, 1, ["validating_files"]),
        (1.9, 1, ["validating_files"]),
        (2.0, 2, ["validating_files", "queued"]),
        (4.0, 3, ["validating_files", "queued", "running"]),
        (9.99, 5, ["validating_files", "queued", "running", "running", "running"]),
        (
            14.0,
            8,
            [
                "validating_files",
                "queued",
                "running",
                "running",
                "running",
                "running",
                "running",
                "succeeded",
            ],
        ),
        (
            1000.0,
            8,
            [
                "validating_files",
                "queued",
                "running",
                "running",
                "running",
                "running",
                "running",
                "succeeded",
            ],
        ),
    ],
)
def test_due_from_creation(elapsed: float, emitted: int, statuses: list[str]) -> None:
    """Milestones due after ``elapsed`` seconds, with the times they happened at."""
    start = lc.start(Progress(), 100.0)
    progress, reached = lc.due(start, PLAN, 100.0 + elapsed, STEP)
    assert progress.emitted == emitted
    assert [lc.STATUS_AFTER[m.kind] for m, _ in reached] == statuses
    assert [when for _, when in reached] == [100.0 + m.at * STEP for m, _ in reached]


def test_due_is_incremental_and_stops_at_the_end() -> None:
    """A second call only returns new milestones; a finished job stops accumulating time."""
    progress, first = lc.due(lc.start(Progress(), 0.0), PLAN, 5.0, STEP)
    progress, second = lc.due(progress, PLAN, 7.0, STEP)
    assert [m.at for m, _ in first] == [0, 1, 2]
    assert [m.at for m, _ in second] == [3]
    progress, rest = lc.due(progress, PLAN, 500.0, STEP)
    assert [m.at for m, _ in rest] == [4, 5, 6, 7]
    assert progress == Progress(active=14.0, since=None, emitted=8)
    assert lc.due(progress, PLAN, 900.0, STEP) == (progress, [])


def test_paused_time_does_not_count() -> None:
    """Time between stop() and start() adds no active time; milestones shift by the pause."""
    progress, _ = lc.due(lc.start(Progress(), 0.0), PLAN, 5.0, STEP)  # running since t=4
    paused = lc.stop(progress, 5.0)
    assert paused.since is None
    assert paused.active == 5.0
    assert lc.due(paused, PLAN, 50.0, STEP) == (paused, [])
    resumed = lc.start(paused, 50.0)
    _, reached = lc.due(resumed, PLAN, 51.0, STEP)
    assert [(m.at, when) for m, when in reached] == [(3, 51.0)]


def test_time_going_backwards_never_undoes_progress() -> None:
    """A clock earlier than ``since`` counts as no elapsed time."""
    assert lc.active_seconds(Progress(active=3.0, since=10.0), 5.0) == 3.0


@pytest.mark.parametrize(
    ("progress", "now", "expected"),
    [
        (Progress(active=0.0, since=0.0, emitted=3), 4.0, 14),
        (Progress(active=0.0, since=0.0, emitted=3), 4.5, 14),
        (Progress(active=5.0, since=None, emitted=3), 5.0, None),
        (Progress(active=2.0, since=100.0, emitted=3), 100.2, 112),
    ],
)
def test_estimated_finish(progress: Progress, now: float, expected: int | None) -> None:
    """Now plus the active time left, rounded up; unknown while paused."""
    assert lc.estimated_finish(progress, PLAN, now, STEP) == expected


@pytest.mark.parametrize(
    ("n_epochs", "expected"),
    [("auto", 3), (1, 1), (50, 50), (0, 3), (51, 3), (True, 3), (None, 3), ("2", 3)],
)
def test_epochs_of(n_epochs: object, expected: int) -> None:
    """Valid integers are kept; anything else means the default of 3 epochs."""
    assert lc.epochs_of(n_epochs) == expected


def test_training_metrics_deterministic_and_improving() -> None:
    """Same seed and step give the same metrics; loss falls and accuracy rises over a run."""
    assert lc.training_metrics(7, 3, 6) == lc.training_metrics(7, 3, 6)
    first, last = lc.training_metrics(7, 1, 20), lc.training_metrics(7, 20, 20)
    assert last["train_loss"] < first["train_loss"]
    assert last["train_mean_token_accuracy"] > first["train_mean_token_accuracy"]
    assert first["step"] == 1.0
