"""Tests for scripts/regen.py: warning-free generation of both real specs, and the drift check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import regen, trim

MINI = Path(__file__).parent.parent / "fixtures" / "trim" / "mini.yaml"
GENERATED_REL = Path("generated") / regen.PACKAGE


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both real upstream specs trimmed, overlaid and generated (warnings are errors) into a temp dir."""
    out = tmp_path_factory.mktemp("regen")
    built: dict[str, Path] = {}
    for name, (source, committed) in trim.SOURCES.items():
        spec = out / committed.name
        spec.write_text(trim.render(source, overlay_files=trim.overlays_for(committed)), encoding="utf-8")
        built[name] = regen.generate(spec, out, f"gen_{name}")
    return built


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


@pytest.mark.parametrize("name", ["openai", "portkey"])
def test_real_spec_generates_without_warnings_and_imports(name: str, packages: dict[str, Path]) -> None:
    """Each real trimmed spec generates with no generator warning, and every generated module imports."""
    package = packages[name]
    modules = sorted(package.rglob("*.py"))
    assert len(modules) > 40
    assert len(list(package.glob("api/*/create_fine_tuning_job.py"))) == 1
    assert (package / "models" / "fine_tuning_job.py").is_file()
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package.name!r})\n"
        "names = [m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.')]\n"
        "[importlib.import_module(n) for n in names]\n"
        "print(len(names))\n"
    )
    proc = _run(["-c", code], package.parent)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) == len(modules) - 1  # every module but the package's own __init__


def test_every_generated_file_has_the_header(packages: dict[str, Path]) -> None:
    """Every generated .py starts with the do-not-edit header, and py.typed is written."""
    for package in packages.values():
        assert (package / "py.typed").is_file()
        for path in package.rglob("*.py"):
            assert path.read_text(encoding="utf-8").startswith(regen.HEADER), path


def test_portkey_subtypes_keep_their_own_and_inherited_fields(packages: dict[str, Path]) -> None:
    """BedrockFinetuneJob is its own model with OpenAIFinetuneJob's fields plus its own (allOf split)."""
    model = (packages["portkey"] / "models" / "bedrock_finetune_job.py").read_text(encoding="utf-8")
    assert "class BedrockFinetuneJob:" in model
    for field in ("training_file: str", "job_name: str | Unset", "role_arn: str | Unset"):
        assert field in model


def test_generation_warning_is_an_error_unless_allowed(tmp_path: Path) -> None:
    """A spec the generator warns on raises GenerationError quoting the warning; allow_warnings accepts it."""
    with pytest.raises(regen.GenerationError, match=r"warned on mini\.yaml:[\s\S]*WARNING parsing GET"):
        regen.generate(MINI, tmp_path, "raw_mini")
    assert (regen.generate(MINI, tmp_path, "raw_mini", allow_warnings=True) / "__init__.py").is_file()
    assert not (tmp_path / "_generator.yaml").exists()


def test_trim_turns_a_warning_spec_into_a_clean_one(tmp_path: Path) -> None:
    """The same spec after trim (titles deduped, allOf split) generates with no warning, all models kept;
    a folder named like a warning in the generator's output is not mistaken for one."""
    out = tmp_path / "warnings"
    out.mkdir()
    spec = out / "mini.yaml"
    spec.write_text(trim.render(MINI, ("/fine_tuning/",)), encoding="utf-8")  # its /files: dropped
    package = regen.generate(spec, out, "mini_ok")
    models = sorted(p.stem for p in (package / "models").glob("*.py"))
    assert models == [
        "__init__",
        "gateway_job",
        "job",
        "job_hyperparameters",
        "job_list",
        "job_method",
        "job_method_hyperparameters",
        "node",
        "status",
    ]


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """A copy of the parts of the repo regen needs (openapi/upstream/ included), freshly regenerated."""
    root = tmp_path / "main"
    ignore = shutil.ignore_patterns("__pycache__")
    (root / "scripts").mkdir(parents=True)
    for name in ("__init__.py", "trim.py", "overlays.py", "regen.py", "views.py"):
        shutil.copy2(trim.ROOT / "scripts" / name, root / "scripts" / name)
    shutil.copytree(trim.OPENAPI_DIR, root / "openapi", ignore=ignore)
    shutil.copytree(regen.GENERATED, root / GENERATED_REL, ignore=ignore)
    server = root / regen.SPEC_JSON.relative_to(trim.ROOT)  # regen also writes the server's spec JSON
    server.parent.mkdir(parents=True)
    shutil.copy2(regen.SPEC_JSON, server)
    proc = _run(["-m", "scripts.regen"], root)  # the copy must be current whatever the real tree's state
    assert proc.returncode == 0, proc.stderr
    return root


def test_drift_check_passes_then_reports_each_hand_edit(tree_copy: Path) -> None:
    """--check passes on a fresh copy, then exits 1 listing exactly the edited, extra and missing files."""
    ok = _run(["-m", "scripts.regen", "--check"], tree_copy)
    assert ok.returncode == 0, ok.stderr
    assert "up to date: openapi/fine_tuning.yaml, openapi/fine_tuning.portkey.yaml" in ok.stdout

    package = tree_copy / GENERATED_REL
    edited = package / "models" / "fine_tuning_job.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "# hand edit\n", encoding="utf-8")
    spec = tree_copy / "openapi" / "fine_tuning.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("paused", "pausing", 1), encoding="utf-8")
    (package / "models" / "extra.py").write_text("x = 1\n", encoding="utf-8")
    (package / "errors.py").unlink()

    stale = _run(["-m", "scripts.regen", "--check"], tree_copy)
    assert stale.returncode == 1, stale.stderr
    lines = [line for line in stale.stderr.splitlines() if line.startswith(("changed:", "missing:", "extra"))]
    assert lines == [
        "changed: openapi/fine_tuning.yaml",
        "missing: generated/ftjobs_generated/errors.py",
        "extra (not generated): generated/ftjobs_generated/models/extra.py",
        "changed: generated/ftjobs_generated/models/fine_tuning_job.py",
    ]
    assert "+# hand edit" not in stale.stderr  # the diff runs committed -> regenerated
    assert "-# hand edit" in stale.stderr
    assert "run `make regen`" in stale.stderr
    assert not (package / "errors.py").exists()  # --check never writes the tree
    assert edited.read_text(encoding="utf-8").endswith("# hand edit\n")


def test_real_tree_is_current() -> None:
    """`python -m scripts.regen --check` passes on the repository itself: committed outputs are current."""
    proc = _run(["-m", "scripts.regen", "--check"], trim.ROOT)
    assert proc.returncode == 0, proc.stderr
