"""`ftjobs-spec` with bad paths, unwritable outputs and missing projects: one `error:` line, exit 2,
nothing on stdout, nothing written; `--dry-run` creates no staging folder in the project. Each row runs
the command as a subprocess (`python -m scripts.cli`, the installed command's code), from a checkout.
The installed-package rows (no checkout: the files must be named) are in tests/test_install.py.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from scripts import args, trim, update
from scripts.specdiff import model, render

ROOT = Path(__file__).resolve().parents[2]


def spec_cli(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.cli", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def one_error(proc: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of an exit-2 run (and nothing on stdout)."""
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: "), proc.stderr
    return proc.stderr.removeprefix("error: ").rstrip("\n")


def test_report_to_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    target = tmp_path / "nonexistent" / "dir" / "x.md"
    message = one_error(spec_cli("report", "--output", str(target)))
    assert message == f"{target}: cannot write: no such folder {target.parent}"
    assert not (tmp_path / "nonexistent").exists()


def test_report_to_a_directory_is_one_line(tmp_path: Path) -> None:
    message = one_error(spec_cli("report", "--output", str(tmp_path)))
    assert message == f"{tmp_path}: is a directory; name the output file"
    assert list(tmp_path.iterdir()) == []


def test_report_to_a_file_that_cannot_be_written_is_one_line() -> None:
    """/proc refuses new files even to root (a permission bit would not stop root)."""
    message = one_error(spec_cli("report", "--output", "/proc/ftjobs-report.md"))
    assert message.startswith("/proc/ftjobs-report.md: cannot write: ")


def test_report_from_a_missing_upstream_folder_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "upstream"
    message = one_error(spec_cli("report", "--upstream", str(missing)))
    assert message == f"{missing}: no such folder (--upstream DIR holds <vendor>/fine_tuning_history/)"


def test_update_with_a_missing_project_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    message = one_error(spec_cli("update", "--project", str(missing), "--dry-run"))
    assert message == f"{missing}: no such project folder"
    assert list(tmp_path.iterdir()) == []


def test_update_with_a_folder_that_is_no_project_is_one_line(tmp_path: Path) -> None:
    message = one_error(spec_cli("update", "--project", str(tmp_path), "--dry-run"))
    assert message == f"{tmp_path}: not an ftjobs project (facade/ftjobs/_version.py is missing)"
    assert list(tmp_path.iterdir()) == []


def test_update_of_a_project_without_upstream_specs_names_what_to_give(tmp_path: Path) -> None:
    """A project (a version file and openapi/) without openapi/upstream/: say to name the spec."""
    (tmp_path / "facade" / "ftjobs").mkdir(parents=True)
    (tmp_path / "facade" / "ftjobs" / "_version.py").write_text('__version__ = "1.0.0"\n', encoding="utf-8")
    (tmp_path / "openapi").mkdir()
    message = one_error(spec_cli("update", "--project", str(tmp_path), "--dry-run"))
    assert message == (
        f"openapi/upstream/openai/openapi.yaml: no such file in {tmp_path}; "
        "name the new spec (ftjobs-spec update UPSTREAM)"
    )


def test_update_from_a_missing_upstream_file_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "new.yaml"
    assert one_error(spec_cli("update", str(missing), "--dry-run")) == f"{missing}: no such file"


@pytest.mark.parametrize("flag", ["--dry-run", "--check"])
def test_a_run_that_writes_nothing_stages_outside_the_project(
    flag: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--dry-run` and `--check` make their scratch folder in the system's temporary folder, never in
    the project (a real update stages inside it, so that moving in is a rename)."""
    made: list[str | None] = []
    real = tempfile.mkdtemp

    def recording(*a: object, **kw: object) -> str:
        made.append(kw.get("dir"))  # type: ignore[arg-type]
        return real(*a, **kw)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(update.tempfile, "mkdtemp", recording)
    parsed = args.parser().parse_args(["update", flag])
    assert update.run(parsed) == 0
    assert made == [None]
    assert capsys.readouterr().out.startswith("nothing to do: ")
    with update.staging_dir(update.Project(ROOT)) as inside:
        assert inside.parent == ROOT


def test_the_standard_library_parser_offers_the_tooling_own_choices() -> None:
    """scripts/args.py repeats a few of the tooling's names so that it imports nothing else."""
    assert sorted(args.DIFF_FORMATS) == sorted(render.FORMATS)
    assert args.LEVELS == model.LEVELS
    assert sorted(args.UPDATE_FORMATS) == sorted(update.RENDERERS)
    assert args.PATH_PREFIXES == trim.DEFAULT_PATH_PREFIXES


def test_the_parser_module_imports_only_the_standard_library() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import scripts.args\n"
        "new = {m.partition('.')[0] for m in set(sys.modules) - before}\n"
        "print(sorted(new - set(sys.stdlib_module_names)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout.strip() == "['scripts']"
