"""Packaging: three packages from three folders, editable installs type checkers can follow, and a
runtime that needs nothing but attrs and httpx2. (Building and installing both ways: tests/typing/.)"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
WHEEL = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]
#: installed name -> source folder in the checkout
ROOTS = {
    "ftjobs": "facade/ftjobs",
    "ftjobs_generated": "generated/ftjobs_generated",
    "ftjobs_spec": "scripts",
}


def test_the_wheel_holds_the_three_packages() -> None:
    """The wheel target lists facade/ftjobs, the ftjobs_spec link and generated/ftjobs_generated."""
    assert sorted(WHEEL["packages"]) == ["facade/ftjobs", "facade/ftjobs_spec", "generated/ftjobs_generated"]


def test_ftjobs_spec_is_a_link_to_scripts() -> None:
    """facade/ftjobs_spec is the committed symlink to scripts/: one source, two import names."""
    link = ROOT / "facade" / "ftjobs_spec"
    assert link.is_symlink()
    assert link.resolve() == (ROOT / "scripts").resolve()


def test_editable_installs_are_plain_source_folders() -> None:
    """`pip install -e .` adds facade/ and generated/ to sys.path (a .pth mypy and pyright read)."""
    assert sorted(WHEEL["dev-mode-dirs"]) == ["facade", "generated"]
    for name, folder in ROOTS.items():
        parent = "facade" if name == "ftjobs_spec" else folder.split("/")[0]
        assert parent in WHEEL["dev-mode-dirs"], name
        assert (ROOT / parent / name / "__init__.py").is_file(), name


def test_runtime_dependencies_are_exactly_attrs_and_httpx2() -> None:
    """The installed package depends on attrs and httpx2 only; tooling stays in extras."""
    names = sorted(
        re.match(r"[A-Za-z0-9_.-]+", dep).group(0).lower() for dep in PYPROJECT["project"]["dependencies"]
    )
    assert names == ["attrs", "httpx2"]
