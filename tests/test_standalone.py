"""The repository stands alone: a copy of its tracked files, with no `shared` folder anywhere near it,
regenerates, checks and reports from the upstream specs it holds (openapi/upstream/).

The copy is what `git clone` gives (the files git tracks, plus the new ones not ignored yet, so the
test means the same before and after a commit), in a temporary folder whose ancestors hold no
`shared/upstream`. The tooling runs from the copy (`python -m scripts.X` with the copy as the working
directory), so every default path it follows is the copy's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    root = tmp_path_factory.mktemp("standalone") / "ftjobs"
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if not source.exists() and not source.is_symlink():  # deleted in the work tree, not committed yet
            continue
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    return root


def _run(clone: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=clone, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_copy_has_no_shared_folder_near_it_and_holds_the_upstream_specs(clone: Path) -> None:
    for folder in (clone, *clone.parents):
        assert not (folder / "shared" / "upstream").exists(), folder
    upstream = clone / "openapi" / "upstream"
    assert (upstream / "openai" / "openapi.yaml").is_file()
    assert (upstream / "portkey" / "openapi.yaml").is_file()
    assert len(list((upstream / "openai" / "fine_tuning_history").glob("*.yaml"))) == 33
    assert len(list((upstream / "portkey" / "fine_tuning_history").glob("*.yaml"))) == 19
    for vendor in ("openai", "portkey"):
        assert "MIT License" in (upstream / vendor / "LICENSE").read_text(encoding="utf-8")
    assert "where it came from" in (upstream / "README.md").read_text(encoding="utf-8")


def test_no_tracked_file_but_this_one_points_at_a_shared_folder_beside_the_clone(clone: Path) -> None:
    offenders = [
        path.relative_to(clone).as_posix()
        for path in clone.rglob("*")
        if path.is_file()
        and not path.is_symlink()
        and "openapi/upstream" not in path.relative_to(clone).as_posix()
        and path.name != Path(__file__).name
        and "../shared" in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []


def test_update_dry_run_in_the_copy_finds_nothing_to_do_and_writes_nothing(clone: Path) -> None:
    before = sorted(p.relative_to(clone) for p in clone.rglob("*") if "__pycache__" not in p.parts)
    proc = _run(clone, "-m", "scripts.cli", "update", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(
        "nothing to do: openapi/fine_tuning.yaml, openapi/fine_tuning.portkey.yaml match upstream\n"
    )
    assert "openapi/fine_tuning.yaml <- upstream/openai/openapi.yaml" in proc.stdout
    after = sorted(p.relative_to(clone) for p in clone.rglob("*") if "__pycache__" not in p.parts)
    assert after == before


def test_regen_check_in_the_copy_retrims_upstream_and_finds_everything_current(clone: Path) -> None:
    proc = _run(clone, "-m", "scripts.regen", "--check")
    assert proc.returncode == 0, proc.stderr
    assert "note:" not in proc.stderr  # it re-trimmed the upstream specs, not the committed ones only
    assert "up to date: openapi/fine_tuning.yaml, openapi/fine_tuning.portkey.yaml" in proc.stdout


def test_the_history_report_from_the_copy_is_the_committed_one(clone: Path) -> None:
    proc = _run(clone, "-m", "scripts.cli", "report")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (clone / "docs" / "spec-history.md").read_text(encoding="utf-8")


def test_ci_entry_point_checks_for_nothing_beside_the_clone(clone: Path) -> None:
    script = (clone / ".ci" / "run").read_text(encoding="utf-8")
    assert "shared" not in script
    assert "make test" in script.splitlines()
