"""A newcomer's `pip install .`: a fresh virtual environment, no extras, and no network (pip reads a
wheelhouse of the build's and the runtime's distributions, repacked from this environment).

One environment for the module (created once, about 10 s): the install prints no warning or
deprecation of ours; `ftjobs` works; `ftjobs-spec`, whose tooling comes with the `tooling` extra,
answers every subcommand with one line naming that extra (exit 2), never a traceback; the pytest
plugin is published and imports without pytest or the server extra.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tomllib
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts import cli, entry

from ._wheelhouse import closure, repack

ROOT = Path(__file__).resolve().parent.parent

#: What this machine's pip configuration may add to any install, whatever is installed: an extra
#: index given as a local folder that lacks the package pip looks up. Nothing to do with ftjobs.
MACHINE_INDEX_WARNING = re.compile(
    r"WARNING: Location '(?P<url>file://[^']+)' is ignored: it is neither a file nor a directory\."
)
#: What would be ours: a warning, a deprecation (setuptools' license boxes), an error, a traceback.
NOISE = re.compile(r"warn|deprecat|error|traceback|^\s*!!", re.IGNORECASE)


@dataclass(frozen=True)
class Installed:
    bin: Path
    output: str


def fresh_install(tmp_path_factory: pytest.TempPathFactory, extras: list[str]) -> Installed:
    """`pip install .` (with extras) in a fresh virtual environment, offline: its index is a wheelhouse
    of what the build, the runtime and those extras need, repacked from this environment
    (tests/_wheelhouse.py)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    optional = project["project"]["optional-dependencies"]
    requirements = [*project["build-system"]["requires"], *project["project"]["dependencies"]]
    requirements += [r for extra in extras for r in optional[extra]]
    wheelhouse = tmp_path_factory.mktemp("wheelhouse")
    for dist in closure(requirements):
        repack(dist, wheelhouse)
    home = tmp_path_factory.mktemp("fresh-venv")
    venv.create(home, with_pip=True)
    python = home / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env |= {"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    target = f"{ROOT}[{','.join(extras)}]" if extras else str(ROOT)
    proc = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-index", "--find-links", str(wheelhouse), target],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=home,
        env=env,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    return Installed(home / "bin", output)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """A newcomer's plain `pip install .`: no extras."""
    return fresh_install(tmp_path_factory, [])


def machine_index_lines(output: str) -> set[str]:
    """The 'Location ... is ignored' lines about the file:// indexes pip says it looks in."""
    indexes: list[str] = []
    for line in output.splitlines():
        if line.startswith("Looking in indexes:"):
            indexes += [
                u.strip() for u in line.partition(":")[2].split(",") if u.strip().startswith("file://")
            ]
    out = set()
    for line in output.splitlines():
        found = MACHINE_INDEX_WARNING.fullmatch(line.strip())
        if found and any(found["url"].startswith(index.rstrip("/") + "/") for index in indexes):
            out.add(line)
    return out


def test_the_filter_takes_only_the_machine_index_lines() -> None:
    """The filter drops a missing-folder line under an announced file:// index, and nothing else."""
    output = (
        "Looking in indexes: https://pypi.org/simple, file:///opt/idx/simple\n"
        "WARNING: Location 'file:///opt/idx/simple/a/' is ignored: it is neither a file nor a directory.\n"
        "WARNING: Location 'file:///elsewhere/a/' is ignored: it is neither a file nor a directory.\n"
        "SetuptoolsDeprecationWarning: License classifiers are deprecated.\n"
    )
    kept = [line for line in output.splitlines() if line not in machine_index_lines(output)]
    assert [line for line in kept if NOISE.search(line)] == kept[1:] and len(kept) == 3


def test_pip_install_prints_nothing_of_ours(installed: Installed) -> None:
    """Building and installing ftjobs prints no warning, deprecation or error."""
    ignored = machine_index_lines(installed.output)
    noise = [line for line in installed.output.splitlines() if line not in ignored and NOISE.search(line)]
    assert noise == [], installed.output
    assert "Successfully installed" in installed.output


def run(installed: Installed, command: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(installed.bin / command), *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_ftjobs_works_without_extras(installed: Installed) -> None:
    """`ftjobs --help` and `ftjobs --version` work on the runtime dependencies alone."""
    helped = run(installed, "ftjobs", "--help")
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("usage: ftjobs") and helped.stderr == ""
    version = run(installed, "ftjobs", "--version")
    assert version.returncode == 0 and version.stdout.strip(), version.stderr


def test_ftjobs_serve_names_the_server_extra_as_the_readme_does(installed: Installed) -> None:
    """A plain install has no jsonschema: `ftjobs serve` says in one line to install the `server`
    extra (exit 2), and the README's server section says the same."""
    served = run(installed, "ftjobs", "serve", "--port", "0")
    assert served.returncode == 2, (served.stdout, served.stderr)
    assert served.stdout == "" and served.stderr.count("\n") == 1, served.stderr
    assert "pip install 'ftjobs[server]'" in served.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The local API server") :]
    section = " ".join(section[: section.index("\n## ")].split())
    assert "install it with the `server` extra, `pip install 'ftjobs[server]'`" in section
    assert "nothing to install" not in section


def test_validate_without_the_tokens_extra_estimates_and_says_so(installed: Installed) -> None:
    """`ftjobs validate` on the runtime dependencies alone: it works, and its counts are an estimate,
    marked in the table and in the JSON (`exact: false`)."""
    fixture = str(ROOT / "tests" / "fixtures" / "validate" / "supervised_good.jsonl")
    table = run(installed, "ftjobs", "validate", fixture)
    assert table.returncode == 0, table.stderr
    estimate = "tokens (o200k_base, ESTIMATE: pip install 'ftjobs[tokens]' for exact counts):"
    assert estimate in table.stdout.splitlines()
    report = run(installed, "ftjobs", "validate", fixture, "--json")
    assert json.loads(report.stdout)["tokens"]["exact"] is False


def subcommands() -> list[str]:
    parser = cli._parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_ftjobs_spec_names_the_extra_for_every_subcommand(installed: Installed) -> None:
    """Without the tooling extra: one stderr line naming it, exit 2, for every subcommand."""
    assert "lint" in subcommands()
    for argv in [[], *([sub] for sub in subcommands())]:
        result = run(installed, "ftjobs-spec", *argv)
        assert result.returncode == 2, (argv, result.stdout, result.stderr)
        assert result.stdout == "", argv
        assert result.stderr.count("\n") == 1, (argv, result.stderr)
        assert result.stderr.startswith("error: ftjobs-spec needs the spec tooling"), result.stderr
        assert entry.INSTALL in result.stderr and "Traceback" not in result.stderr


def test_ftjobs_spec_help_works_without_the_tooling(installed: Installed) -> None:
    """`--help`, of the command and of each subcommand, prints the real help (exit 0); the command's
    own help says the subcommands need the extra."""
    top = run(installed, "ftjobs-spec", "--help")
    assert top.returncode == 0 and top.stderr == "", top.stderr
    assert top.stdout.startswith("usage: ftjobs-spec [-h] {diff,lint,report,update}")
    assert entry.INSTALL in " ".join(top.stdout.split())  # argparse wraps the epilog
    for sub in subcommands():
        helped = run(installed, "ftjobs-spec", sub, "--help")
        assert helped.returncode == 0 and helped.stderr == "", (sub, helped.stderr)
        assert helped.stdout.startswith(f"usage: ftjobs-spec {sub} "), helped.stdout
    assert "--no-ignore" in run(installed, "ftjobs-spec", "lint", "-h").stdout


def test_the_pytest_plugin_is_published_and_imports_alone(installed: Installed) -> None:
    """The pytest11 entry point is in the installed metadata; its module imports without pytest and
    without the server extra (pytest loads it in every run of a project that has ftjobs)."""
    code = (
        "import importlib.metadata as m, importlib.util as u, sys\n"
        "assert u.find_spec('pytest') is None and u.find_spec('jsonschema') is None\n"
        "[ep] = m.entry_points(group='pytest11').select(name='ftjobs.testing')\n"
        "module = ep.load()\n"
        "print(ep.value, module.__name__, 'ftjobs._server' in sys.modules)\n"
    )
    result = run(installed, "python", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ftjobs.testing", "ftjobs.testing", "False"]


def test_the_guard_leaves_other_missing_modules_alone() -> None:
    """Only the tooling's modules become the one-line hint; anything else missing is a real bug."""
    assert entry.missing_tooling(ModuleNotFoundError("x", name="yaml")) == "yaml"
    assert entry.missing_tooling(ModuleNotFoundError("x", name="jsonschema.validators")) == "jsonschema"
    assert entry.missing_tooling(ModuleNotFoundError("x", name="ftjobs_generated")) is None


def test_the_guard_knows_every_module_of_the_tooling_extra() -> None:
    """Each requirement of the `tooling` extra maps to a module the guard recognises."""
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [re.match(r"[A-Za-z0-9_.-]+", r).group(0) for r in extra["optional-dependencies"]["tooling"]]
    import_names = {"pyyaml": "yaml"}
    modules = {import_names.get(n.lower(), n.lower().replace("-", "_")) for n in names}
    assert modules <= entry.TOOLING_MODULES, modules - entry.TOOLING_MODULES


def test_the_checkout_still_runs_the_tooling() -> None:
    """With the tooling installed (the development environment), the guard runs the real CLI."""
    result = subprocess.run(
        [sys.executable, "-m", "scripts.entry", "lint", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: ftjobs-spec lint")


@pytest.fixture(scope="module")
def with_tooling(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """`pip install '.[tooling]'`: the spec tooling from a wheel, in site-packages, with no checkout."""
    return fresh_install(tmp_path_factory, ["tooling"])


def run_in(installed: Installed, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(installed.bin / "ftjobs-spec"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
    )


def test_the_installed_tooling_never_reads_its_installation_for_inputs(
    with_tooling: Installed, tmp_path: Path
) -> None:
    """From a wheel, `update` and `report` have no checkout to default to: one line naming the option,
    exit 2, nothing written, never a path inside site-packages."""
    for argv, option in ((["update", "--dry-run"], "--project DIR"), (["report"], "--upstream DIR")):
        result = run_in(with_tooling, tmp_path, *argv)
        assert result.returncode == 2, (argv, result.stdout, result.stderr)
        assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(
            "error: ftjobs-spec runs from an installed package, not a checkout of ftjobs: name the "
        ), result.stderr
        assert option in result.stderr and "site-packages" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_installed_tooling_reads_the_project_it_is_given(with_tooling: Installed, tmp_path: Path) -> None:
    """`update --dry-run --project DIR` reads DIR's own openapi/upstream/ (nothing to do, exit 0,
    nothing written in DIR); `report --upstream DIR` reproduces the committed history report."""
    before = sorted(p.name for p in ROOT.iterdir())
    updated = run_in(with_tooling, tmp_path, "update", "--dry-run", "--project", str(ROOT))
    assert updated.returncode == 0, updated.stderr
    assert updated.stdout.startswith("nothing to do: openapi/fine_tuning.yaml, ")
    assert "openapi/fine_tuning.yaml <- upstream/openai/openapi.yaml" in updated.stdout
    assert sorted(p.name for p in ROOT.iterdir()) == before
    report = run_in(with_tooling, tmp_path, "report", "--upstream", str(ROOT / "openapi" / "upstream"))
    assert report.returncode == 0, report.stderr
    assert report.stdout == (ROOT / "docs" / "spec-history.md").read_text(encoding="utf-8")
