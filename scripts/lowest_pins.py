"""The lowest versions the project's runtime dependencies allow, as pins (``name==version``), one a
line: what ``make test-deps`` installs to run the engine, reliability and server suites at the low
end of every declared range (the high end is what a fresh ``make test`` resolves). A dependency
without a lower bound is an error: a range is a promise tested at both ends."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_LOWER = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")


def lowest_pins(pyproject: Path) -> list[str]:
    """``name==X`` for each ``[project] dependencies`` entry with ``>=X`` (or ``~=X``, ``==X``)."""
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = []
    for requirement in dependencies:
        match = _LOWER.match(requirement.split(";", 1)[0])
        if match is None:
            raise SystemExit(f"error: cannot read the requirement {requirement!r}")
        name, spec = match.groups()
        bounds = [c.strip() for c in spec.split(",") if c.strip().startswith((">=", "==", "~="))]
        if not bounds:
            raise SystemExit(f"error: {name} has no lower bound in pyproject.toml; give it one (>=X)")
        pins.append(f"{name}=={bounds[0][2:].strip()}")
    return pins


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    pyproject = Path(args[0]) if args else Path(__file__).resolve().parents[1] / "pyproject.toml"
    print("\n".join(lowest_pins(pyproject)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
