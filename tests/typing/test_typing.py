"""Typing as users see it: `mypy --strict` on tests/typing/user_script.py with ftjobs installed the two
ways users install it, from outside the checkout (no project config, no source paths).

* editable: the environment running the tests (`make install` is `pip install -e '.[dev]'`);
* wheel: the wheel built from this checkout, unpacked into a fresh virtual environment whose only
  other path is the test environment's site-packages (for attrs, httpx2 and mypy; the editable
  install's .pth there is not processed, since that folder is not a site folder of the new one).

The negative cases in tests/typing/negative/ must each fail to type-check, with the message their
first line names (``# expect: TEXT``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCRIPT = HERE / "user_script.py"
NEGATIVE = sorted((HERE / "negative").glob("*.py"))

pytestmark = pytest.mark.slow


def mypy(python: str, files: list[Path], workdir: Path) -> subprocess.CompletedProcess[str]:
    """mypy --strict on copies of files, run by python from workdir (where there is no config)."""
    copies = []
    for file in files:
        copy = workdir / file.name
        copy.write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
        copies.append(str(copy))
    return subprocess.run(
        [
            python,
            "-m",
            "mypy",
            "--strict",
            "--no-color-output",
            "--cache-dir",
            str(workdir / ".cache"),
            *copies,
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_test_environment_is_an_editable_install() -> None:
    """The editable case below really is one: pip recorded the install as editable."""
    direct_url = metadata.distribution("ftjobs").read_text("direct_url.json")
    assert direct_url is not None
    assert json.loads(direct_url).get("dir_info", {}).get("editable") is True


def test_user_script_type_checks_with_the_editable_install(tmp_path: Path) -> None:
    """Every assert_type in the user script holds with `pip install -e .`."""
    done = mypy(sys.executable, [SCRIPT], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh venv holding the wheel built from this checkout, and the test env's packages behind it."""
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            base,
            ROOT,
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = base.glob("ftjobs-*.whl")
    env = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", env], check=True, timeout=120)
    python = env / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    (site / "_test_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return str(python)


def test_the_wheel_is_what_the_wheel_python_imports(wheel_python: str) -> None:
    """In the wheel venv, ftjobs and ftjobs_spec come from the unpacked wheel, not from the checkout."""
    done = subprocess.run(
        [
            wheel_python,
            "-c",
            "import ftjobs, ftjobs_spec, ftjobs_generated as g; print(ftjobs.__file__, g.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(ROOT) not in done.stdout
    assert "site-packages" in done.stdout


def test_user_script_type_checks_with_the_wheel(wheel_python: str, tmp_path: Path) -> None:
    """Every assert_type in the user script holds with the package installed from its wheel."""
    done = mypy(wheel_python, [SCRIPT], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_negative_cases_fail_to_type_check(tmp_path: Path) -> None:
    """Each negative case is rejected by mypy, with the error its `# expect:` line names."""
    assert NEGATIVE, "no negative cases found"
    done = mypy(sys.executable, NEGATIVE, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    for case in NEGATIVE:
        expected = case.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").strip()
        errors = [
            line for line in done.stdout.splitlines() if line.startswith(f"{case.name}:") and "error" in line
        ]
        assert errors, f"{case.name} type-checked, but must fail"
        assert any(expected in line for line in errors), (
            f"{case.name}: no error mentions {expected!r}: {errors}"
        )
