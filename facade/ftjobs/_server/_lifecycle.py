"""Pure lifecycle of a local fine-tuning job: transitions, the milestone plan and the clock arithmetic.

A job's progress is counted in *active seconds*: time spent neither paused nor finished. A job
is a sequence of milestones placed on that axis in units of ``step_seconds``::

    0          validating_files   "Validating training file: ..."
    1          queued             (or failed, when the training file is ``file-invalid``)
    2          running            "Fine-tuning job started"
    2+i        running            "Step i/N: training loss=..." (+ a checkpoint at each epoch end)
    3+N        succeeded          "New fine-tuned model created: ...", "The job has successfully completed"

Nothing here reads a clock or touches storage: the store calls :func:`due` with the current time
and applies what it returns, so a job's state is a function of elapsed active time only.
"""

from __future__ import annotations

import enum
import math
import random
from dataclasses import dataclass, replace

ACTIVE_STATUSES = frozenset({"validating_files", "queued", "running"})
TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled"})
STEPS_PER_EPOCH = 2
DEFAULT_EPOCHS = 3
TOKENS_PER_STEP = 2048


class Kind(enum.Enum):
    """What happens at a milestone."""

    VALIDATING = "validating_files"
    QUEUED = "queued"
    STARTED = "running"
    STEP = "step"
    SUCCEEDED = "succeeded"
    INVALID_FILE = "failed"


#: Status a job has once a milestone of that kind has been applied.
STATUS_AFTER: dict[Kind, str] = {
    Kind.VALIDATING: "validating_files",
    Kind.QUEUED: "queued",
    Kind.STARTED: "running",
    Kind.STEP: "running",
    Kind.SUCCEEDED: "succeeded",
    Kind.INVALID_FILE: "failed",
}


@dataclass(frozen=True)
class Milestone:
    """One point of a job's plan, ``at`` steps of active time after creation."""

    at: int
    kind: Kind
    step: int = 0  # the 1-based training step for Kind.STEP


@dataclass(frozen=True)
class Progress:
    """Where a job is on its plan.

    ``active`` is the active seconds accumulated up to ``since``, the clock time at which the
    current active stretch began (``None`` while paused or finished); ``emitted`` counts the
    milestones already applied.
    """

    active: float = 0.0
    since: float | None = None
    emitted: int = 0


class InvalidTransitionError(ValueError):
    """An action that the job's current status does not allow."""


#: action -> statuses it is allowed from, and the status it leads to.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "cancel": (frozenset({"validating_files", "queued", "running", "paused"}), "cancelled"),
    "pause": (frozenset({"running"}), "paused"),
    "resume": (frozenset({"paused"}), "running"),
    "fail": (frozenset({"validating_files", "queued", "running", "paused"}), "failed"),
}


def transition(status: str, action: str) -> str:
    """The status after ``action``; raises :class:`InvalidTransitionError` when not allowed."""
    allowed, target = TRANSITIONS[action]
    if status not in allowed:
        raise InvalidTransitionError(
            f"Cannot {action} a fine-tuning job with status '{status}'"
            f" (allowed from: {', '.join(sorted(allowed))})."
        )
    return target


def epochs_of(n_epochs: object) -> int:
    """The number of epochs a job trains for: ``"auto"`` (or anything unusable) means 3."""
    if isinstance(n_epochs, int) and not isinstance(n_epochs, bool) and 1 <= n_epochs <= 50:
        return n_epochs
    return DEFAULT_EPOCHS


def plan(train_steps: int, *, invalid_file: bool = False) -> tuple[Milestone, ...]:
    """The milestones of a job training for ``train_steps`` steps (see the module docstring)."""
    if invalid_file:
        return (Milestone(0, Kind.VALIDATING), Milestone(1, Kind.INVALID_FILE))
    steps = tuple(Milestone(2 + i, Kind.STEP, i) for i in range(1, train_steps + 1))
    return (
        Milestone(0, Kind.VALIDATING),
        Milestone(1, Kind.QUEUED),
        Milestone(2, Kind.STARTED),
        *steps,
        Milestone(3 + train_steps, Kind.SUCCEEDED),
    )


def active_seconds(progress: Progress, now: float) -> float:
    """Active seconds at ``now`` (time going backwards never undoes progress)."""
    if progress.since is None:
        return progress.active
    return progress.active + max(0.0, now - progress.since)


def due(
    progress: Progress, milestones: tuple[Milestone, ...], now: float, step_seconds: float
) -> tuple[Progress, list[tuple[Milestone, float]]]:
    """Milestones reached by ``now`` and not yet applied, each with the clock time it happened.

    Once the last milestone is reached the job stops accumulating active time.
    """
    total = active_seconds(progress, now)
    reached: list[tuple[Milestone, float]] = []
    index = progress.emitted
    while index < len(milestones) and milestones[index].at * step_seconds <= total + 1e-9:
        offset = milestones[index].at * step_seconds - progress.active
        when = now if progress.since is None else max(progress.since, progress.since + offset)
        reached.append((milestones[index], when))
        index += 1
    if index == len(milestones) and reached:
        return Progress(active=milestones[-1].at * step_seconds, since=None, emitted=index), reached
    return replace(progress, emitted=index), reached


def stop(progress: Progress, now: float) -> Progress:
    """Freeze the job (pause, cancel, fail): active time stops accumulating at ``now``."""
    return replace(progress, active=active_seconds(progress, now), since=None)


def start(progress: Progress, now: float) -> Progress:
    """(Re)start accumulating active time at ``now`` (creation, resume)."""
    return replace(progress, active=active_seconds(progress, now), since=now)


def estimated_finish(
    progress: Progress, milestones: tuple[Milestone, ...], now: float, step_seconds: float
) -> int | None:
    """Unix time the job should finish at, while it is accumulating active time."""
    if progress.since is None or not milestones:
        return None
    remaining = milestones[-1].at * step_seconds - active_seconds(progress, now)
    return math.ceil(now + max(0.0, remaining))


def _smooth_loss(step: int, total: int) -> float:
    return 1.8 * math.exp(-2.2 * step / max(total, 1)) + 0.05


def _accuracy(loss: float) -> float:
    return round(min(0.999, max(0.0, 1.0 - loss / 2.2)), 4)


def training_metrics(seed: int, step: int, total: int) -> dict[str, float]:
    """Deterministic, decreasing training loss and increasing accuracy for ``step`` of ``total``."""
    noise = random.Random(seed * 100_003 + step).uniform(-0.03, 0.03)  # noqa: S311 - not crypto
    loss = _smooth_loss(step, total) + noise
    return {
        "step": float(step),
        "train_loss": round(loss, 4),
        "train_mean_token_accuracy": _accuracy(loss),
    }


def validation_every(total: int) -> int:
    """Steps between two validations: about ten over a run, never every step."""
    return max(2, total // 10)


def validates(step: int, total: int) -> bool:
    """True when the job evaluates its validation file at ``step`` (every few steps, and the last)."""
    return step % validation_every(total) == 0 or step == total


def validation_metrics(seed: int, step: int, total: int, *, full: bool = False) -> dict[str, float]:
    """Deterministic validation loss and accuracy at ``step``: a little above the smoothed training
    loss, with less noise (a batch of the validation file); ``full=True`` for the whole file (the
    ``full_valid_*`` fields, measured once, at the end)."""
    rng = random.Random(seed * 100_003 + step + (7_919 if full else 104_729))  # noqa: S311 - not crypto
    loss = _smooth_loss(step, total) * (1.03 if full else 1.06) + rng.uniform(-0.01, 0.01)
    prefix = "full_valid" if full else "valid"
    return {f"{prefix}_loss": round(loss, 4), f"{prefix}_mean_token_accuracy": _accuracy(loss)}
