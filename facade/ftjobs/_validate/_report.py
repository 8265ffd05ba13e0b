"""The typed, frozen result of :func:`ftjobs.validate_file`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

Severity = Literal["error", "warning"]
ValidationMethod = Literal["supervised", "dpo", "reinforcement"]


@attrs.frozen
class ValidationIssue:
    """One finding: the file's line (1-based), its kind (e.g. ``missing_content``), what is wrong."""

    line: int
    kind: str
    message: str
    severity: Severity = "error"

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data."""
        return {"line": self.line, "kind": self.kind, "severity": self.severity, "message": self.message}


@attrs.frozen
class Distribution:
    """min, max, mean, median and the 5th/95th percentiles (nearest rank) of some counts."""

    min: int
    max: int
    mean: float
    median: float
    p5: int
    p95: int

    @classmethod
    def of(cls, values: Sequence[int]) -> Distribution | None:
        """The distribution of values, or None for none."""
        if not values:
            return None
        ordered = sorted(values)
        n = len(ordered)
        mid = n // 2
        median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
        return cls(
            min=ordered[0],
            max=ordered[-1],
            mean=sum(ordered) / n,
            median=median,
            p5=ordered[_rank(0.05, n)],
            p95=ordered[_rank(0.95, n)],
        )

    def to_dict(self) -> dict[str, Any]:
        """The distribution as JSON-ready data."""
        return attrs.asdict(self)


def _rank(q: float, n: int) -> int:
    """The nearest-rank percentile's index: the smallest value with at least q of them at or below it."""
    import math

    return max(0, math.ceil(q * n) - 1)


@attrs.frozen
class TokenReport:
    """Token counts of the valid examples and what training them would bill.

    ``exact`` is False when the counts are an estimate (the ``tokens`` extra is not installed).
    ``example_lines[i]`` is the line of the example with ``example_tokens[i]`` tokens. ``limit`` is the
    model's longest training example (None: unknown model); ``over_limit`` the lines of longer ones,
    which training truncates. ``epochs`` is the cookbook's default-epoch heuristic for this many
    examples; ``billed_tokens`` = ``epochs`` x ``tokens_per_epoch`` (each example capped at ``limit``).
    """

    encoding: str
    exact: bool
    example_lines: Sequence[int]
    example_tokens: Sequence[int]
    total: Distribution | None
    assistant: Distribution | None
    messages: Distribution | None
    limit: int | None
    over_limit: Sequence[int]
    tokens_per_epoch: int
    epochs: int
    billed_tokens: int
    images: int

    def to_dict(self) -> dict[str, Any]:
        """The token report as JSON-ready data (``example_lines[i]`` has ``example_tokens[i]``)."""
        return {
            "encoding": self.encoding,
            "exact": self.exact,
            "limit": self.limit,
            "over_limit": list(self.over_limit),
            "tokens_per_epoch": self.tokens_per_epoch,
            "epochs": self.epochs,
            "billed_tokens": self.billed_tokens,
            "images": self.images,
            "total_tokens_per_example": None if self.total is None else self.total.to_dict(),
            "assistant_tokens_per_example": None if self.assistant is None else self.assistant.to_dict(),
            "messages_per_example": None if self.messages is None else self.messages.to_dict(),
            # Two parallel lists of integers, not an object per example: a 1 GB file has ~400,000.
            "example_lines": list(self.example_lines),
            "example_tokens": list(self.example_tokens),
        }


@attrs.frozen
class ValidationReport:
    """What :func:`ftjobs.validate_file` found in a training file.

    ``error_counts``/``warning_counts`` count every finding by kind; ``issues`` holds them with their
    lines, the first :data:`~ftjobs._validate.MAX_ISSUES_PER_KIND` of each kind (``issues_truncated``
    says whether some were left out). ``valid`` is True when there is no error (warnings allowed).
    """

    path: str
    method: ValidationMethod
    model: str | None
    lines: int
    examples: int
    error_counts: Mapping[str, int]
    warning_counts: Mapping[str, int]
    issues: Sequence[ValidationIssue]
    issues_truncated: bool
    tokens: TokenReport

    @property
    def valid(self) -> bool:
        """No errors (warnings do not make a file invalid)."""
        return not self.error_counts

    @property
    def errors(self) -> list[ValidationIssue]:
        """The errors kept in ``issues``."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[ValidationIssue]:
        """The warnings kept in ``issues``."""
        return [i for i in self.issues if i.severity == "warning"]

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "path": self.path,
            "method": self.method,
            "model": self.model,
            "valid": self.valid,
            "lines": self.lines,
            "examples": self.examples,
            "error_counts": dict(self.error_counts),
            "warning_counts": dict(self.warning_counts),
            "issues": [i.to_dict() for i in self.issues],
            "issues_truncated": self.issues_truncated,
            "tokens": self.tokens.to_dict(),
        }
