"""The pytest plugin as a user's project meets it: the `ftjobs_server` marker is known under
`--strict-markers` and warns about nothing, however the plugin is loaded, and loading it twice
(entry point and `pytest_plugins`, or `-p`) registers it once.

Each case is a pytest run in a subprocess in a temporary project. "Installed" is the `pytest11`
entry point exactly as pyproject.toml publishes it, put on the path as a small distribution (the
shared development environment may predate the entry point; a fresh install has the same one, see
tests/test_install.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINTS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]
#: The other plugins installed here (schemathesis, hypothesis, ...) stay out of the runs: they only
#: slow each start-up down (seconds) and have nothing to do with ours.
OTHERS = [
    arg
    for ep in entry_points(group="pytest11")
    if ep.name not in ENTRY_POINTS["pytest11"]
    for arg in ("-p", f"no:{ep.name}")
]

MARKED_TESTS = """
import httpx2, pytest

@pytest.mark.ftjobs_server(api_key="sk-marked", seed_examples=False)
def test_marked(ftjobs_server):
    response = httpx2.get(ftjobs_server + "/fine_tuning/jobs", headers={"api-key": "sk-marked"})
    assert response.status_code == 200 and response.json()["data"] == []

def test_plain(ftjobs_server):
    response = httpx2.get(ftjobs_server + "/fine_tuning/jobs", headers={"api-key": "sk-ftjobs-local"})
    assert response.status_code == 200 and response.json()["data"]
"""


def test_the_entry_point_is_the_module_under_its_own_name() -> None:
    """pytest11 names the plugin `ftjobs.testing`, as `pytest_plugins` spells it: pytest sees one plugin."""
    assert ENTRY_POINTS["pytest11"] == {"ftjobs.testing": "ftjobs.testing"}


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """A folder holding a distribution that publishes pyproject's pytest11 entry points."""
    dist = tmp_path / "site" / "ftjobs_entry_point_probe-0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: ftjobs-entry-point-probe\nVersion: 0\n")
    lines = [
        f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items())
        for group, eps in ENTRY_POINTS.items()
    ]
    (dist / "entry_points.txt").write_text("\n".join(lines))
    return dist.parent


def run_pytest(
    project: Path, *args: str, site: Path | None = None, autoload: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    if not autoload:
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *OTHERS, "-q", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def project(tmp_path: Path, module_plugins: bool, conftest: bool = False) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    header = 'pytest_plugins = ["ftjobs.testing"]\n' if module_plugins else ""
    (folder / "test_user.py").write_text(header + MARKED_TESTS)
    if conftest:
        (folder / "conftest.py").write_text('pytest_plugins = ["ftjobs.testing"]\n')
    return folder


def assert_clean_pass(result: subprocess.CompletedProcess[str]) -> None:
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "2 passed" in out, out
    assert "warning" not in out.lower(), out


@pytest.mark.parametrize("strict", [True, False], ids=["strict-markers", "default"])
def test_installed_plus_pytest_plugins_in_the_test_module(
    tmp_path: Path, installed: Path, strict: bool
) -> None:
    """The README's form: `pytest_plugins = ["ftjobs.testing"]` in the test module, with the entry point."""
    folder = project(tmp_path, module_plugins=True)
    assert_clean_pass(run_pytest(folder, *(["--strict-markers"] if strict else []), site=installed))


def test_installed_is_enough(tmp_path: Path, installed: Path) -> None:
    """No pytest_plugins anywhere: the entry point brings the fixture and the marker."""
    assert_clean_pass(run_pytest(project(tmp_path, module_plugins=False), "--strict-markers", site=installed))


def test_conftest_without_autoload(tmp_path: Path) -> None:
    """Plugin autoloading off: a conftest's pytest_plugins registers the marker before the tests load."""
    folder = project(tmp_path, module_plugins=True, conftest=True)
    assert_clean_pass(run_pytest(folder, "--strict-markers", autoload=False))


def test_dash_p_and_pytest_plugins_register_once(tmp_path: Path, installed: Path) -> None:
    """`-p ftjobs.testing` with the entry point and the module's pytest_plugins: one plugin, one fixture."""
    folder = project(tmp_path, module_plugins=True, conftest=True)
    assert_clean_pass(run_pytest(folder, "--strict-markers", "-p", "ftjobs.testing", site=installed))
    listed = run_pytest(folder, "--trace-config", "--co", site=installed)
    registered = [line for line in listed.stdout.splitlines() if "ftjobs/testing.py" in line]
    assert len(registered) == 1, listed.stdout


def test_without_the_entry_point_a_test_module_is_too_late(tmp_path: Path) -> None:
    """The control: with autoloading off, a test module's own pytest_plugins is read after its
    decorators ran, so `--strict-markers` rejects the marker. The entry point is what fixes that."""
    result = run_pytest(project(tmp_path, module_plugins=True), "--strict-markers", autoload=False)
    assert result.returncode != 0
    assert "'ftjobs_server' not found in `markers`" in result.stdout + result.stderr
