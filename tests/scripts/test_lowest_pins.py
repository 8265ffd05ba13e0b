"""scripts/lowest_pins.py: the pins `make test-deps` installs are the lower bounds of pyproject."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.lowest_pins import lowest_pins


def _pyproject(tmp_path: Path, *dependencies: str) -> Path:
    listed = ", ".join(f'"{d}"' for d in dependencies)
    path = tmp_path / "pyproject.toml"
    path.write_text(f'[project]\nname = "x"\ndependencies = [{listed}]\n', encoding="utf-8")
    return path


def test_each_lower_bound_becomes_a_pin(tmp_path: Path) -> None:
    """``>=X`` (with or without an upper bound, extras or a marker) is ``==X``; so are ``==X``, ``~=X``."""
    path = _pyproject(
        tmp_path,
        "attrs>=23.2",
        "httpx2>=2.16,<3",
        "h2[extra] >= 4.1 ; python_version >= '3.11'",
        "idna==3.7",
        "anyio~=4.5",
    )
    assert lowest_pins(path) == ["attrs==23.2", "httpx2==2.16", "h2==4.1", "idna==3.7", "anyio==4.5"]


@pytest.mark.parametrize("requirement", ["attrs", "httpx2<3", "attrs>23.2"])
def test_a_dependency_without_a_lower_bound_is_an_error_naming_it(tmp_path: Path, requirement: str) -> None:
    """A range with no lower end cannot be tested at its low end: the command says which."""
    with pytest.raises(SystemExit, match=r"error: (attrs|httpx2) has no lower bound"):
        lowest_pins(_pyproject(tmp_path, requirement))


def test_the_project_pins_are_its_runtime_lower_bounds() -> None:
    """Today's pyproject: attrs and httpx2, each at its declared lower bound."""
    assert lowest_pins(Path(__file__).parents[2] / "pyproject.toml") == ["attrs==23.2", "httpx2==2.16"]
