"""pyproject.toml lists every package folder, and the runtime needs nothing but attrs and httpx2."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
ROOTS = {
    "ftjobs": "facade/ftjobs",
    "ftjobs_generated": "generated/ftjobs_generated",
    "ftjobs_spec": "scripts",
}


def _package_folders() -> set[str]:
    """Dotted names of every folder holding an __init__.py below the three source roots."""
    found: set[str] = set()
    for name, folder in ROOTS.items():
        base = ROOT / folder
        for init in base.rglob("__init__.py"):
            relative = init.parent.relative_to(base)
            if "__pycache__" not in relative.parts:
                found.add(".".join((name, *relative.parts)))
    return found


def test_package_dir_maps_the_three_roots() -> None:
    """ftjobs, ftjobs_generated and ftjobs_spec come from facade/ftjobs, generated/..., and scripts/."""
    assert SETUPTOOLS["package-dir"] == ROOTS


def test_every_package_folder_is_listed() -> None:
    """Every folder with an __init__.py under the roots is in [tool.setuptools] packages, and vice versa."""
    listed = set(SETUPTOOLS["packages"])
    folders = _package_folders()
    assert sorted(folders - listed) == [], "add these to [tool.setuptools] packages"
    assert sorted(listed - folders) == [], "these listed packages have no folder with __init__.py"
    assert {"ftjobs_generated.models", "ftjobs_generated.api.fine_tuning"} <= folders


def test_runtime_dependencies_are_exactly_attrs_and_httpx2() -> None:
    """The installed package depends on attrs and httpx2 only; tooling stays in extras."""
    names = sorted(
        re.match(r"[A-Za-z0-9_.-]+", dep).group(0).lower() for dep in PYPROJECT["project"]["dependencies"]
    )
    assert names == ["attrs", "httpx2"]
