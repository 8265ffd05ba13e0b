"""Reliability suite fixtures. The per-group tally is tests/reliability/tally.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from .tally import EXAMPLES


@pytest.fixture
def examples(request: pytest.FixtureRequest) -> Iterator[Callable[[int], None]]:
    """``examples(n)`` adds n checked examples to this test's group in the report."""
    count = 0

    def add(n: int = 1) -> None:
        nonlocal count
        count += n

    yield add
    request.node.user_properties.append((EXAMPLES, count))
