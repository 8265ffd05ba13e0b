"""The schemathesis conformance run (conformance_schemathesis.py), in a fresh interpreter so that its
fixed seed gives the same cases whatever else ran in the session (docs/server.md, Conformance)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conformance_schemathesis import CASES, MAX_EXAMPLES

RUN = Path(__file__).with_name("conformance_schemathesis.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(600)
def test_schemathesis_conformance() -> None:
    """Every generated case ran; zero 5xx, zero schema violations (the run's own checks)."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(RUN), "-q", "-s", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=580,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    found = re.search(r"^schemathesis: (\d+) cases, statuses (\{.*\})$", result.stdout, re.MULTILINE)
    assert found, result.stdout[-2000:]
    cases, statuses = int(found.group(1)), ast.literal_eval(found.group(2))
    print(found.group(0))
    assert cases == len(CASES) * MAX_EXAMPLES
    assert sum(statuses.values()) == cases
    assert statuses.get(200, 0) > 0
    assert not [status for status in statuses if status >= 500]
