"""`ftjobs-spec update` goes all the way to the types users hold, with no hand edit.

A copy of the project is updated from an upstream variant of today's OpenAI spec with six changes: a
property added to the job, an optional one removed (a score-model grader's ``top_p``), an enum value
added (a reinforcement ``reasoning_effort``), a grader variant added, a nested object added (the
job's ``budget``) and a hyperparameter added to a request schema (supervised ``warmup_ratio``). Then,
in the copy: the changelog names the changes as users import them, the model tests of the copy pass,
and ``mypy --strict`` on a user script sees every new field with its precise type (and no longer the
removed one).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts import trim

pytestmark = pytest.mark.slow

COPIED = ("facade", "generated", "openapi", "scripts", "tests", "pyproject.toml", "CHANGELOG.md")
#: The suites of the copy that read the typed classes and the create parameters.
SUITE = ("tests/facade/test_models.py", "tests/facade/test_params.py", "tests/facade/test_exports.py")

USER_SCRIPT = """\
from typing import Literal, assert_type

import ftjobs
from ftjobs_generated.views import FineTuningJobBudget, GraderWebhook


def read(job: ftjobs.Job) -> None:
    assert_type(job.priority, str | None)
    assert_type(job.budget, FineTuningJobBudget | None)
    if job.budget is not None:
        assert_type(job.budget.limit, float | None)
        assert_type(job.budget.currency, str | None)
    if job.method is not None and job.method.reinforcement is not None:
        grader = job.method.reinforcement.grader
        if isinstance(grader, GraderWebhook):
            assert_type(grader.type, Literal["webhook"])
            assert_type(grader.url, str | None)


supervised: ftjobs.SupervisedHyperparametersParam = {"warmup_ratio": 0.1, "n_epochs": "auto"}
warmup_auto: ftjobs.SupervisedHyperparametersParam = {"warmup_ratio": "auto"}
reinforcement: ftjobs.ReinforcementHyperparametersParam = {"reasoning_effort": "xhigh"}
"""

REMOVED_SCRIPT = """\
import ftjobs


def top_p(params: ftjobs.SamplingParams) -> object:
    return params.top_p
"""


def _variant(source: Path, out: Path) -> None:
    """Today's upstream spec with the six changes."""
    doc: dict[str, Any] = trim.load_spec(source)[0]  # the project's loader (1e-05 is a number)
    schemas = doc["components"]["schemas"]
    job = schemas["FineTuningJob"]["properties"]
    job["priority"] = {"type": "string", "enum": ["low", "normal", "high"], "description": "Scheduling."}
    job["budget"] = {
        "type": "object",
        "description": "The spending limit of the job.",
        "properties": {"limit": {"type": "number"}, "currency": {"type": "string"}},
    }
    sampling = schemas["GraderScoreModel"]["properties"]["sampling_params"]["properties"]
    del sampling["top_p"]
    effort = schemas["FineTuneReinforcementHyperparameters"]["properties"]["reasoning_effort"]
    effort["enum"] = [*effort["enum"], "xhigh"]
    schemas["GraderWebhook"] = {
        "type": "object",
        "title": "GraderWebhook",
        "description": "Grades by calling a webhook.",
        "properties": {
            "type": {"type": "string", "enum": ["webhook"], "x-stainless-const": True},
            "name": {"type": "string"},
            "url": {"type": "string"},
        },
        "required": ["type", "name", "url"],
    }
    grader = schemas["FineTuneReinforcementMethod"]["properties"]["grader"]
    grader["oneOf"] = [*grader["oneOf"], {"$ref": "#/components/schemas/GraderWebhook"}]
    supervised = schemas["FineTuneSupervisedHyperparameters"]["properties"]
    supervised["warmup_ratio"] = {
        "description": "Share of the steps spent warming up.",
        "oneOf": [{"type": "string", "enum": ["auto"]}, {"type": "number", "minimum": 0, "maximum": 1}],
        "default": "auto",
    }
    out.write_text(trim.dump_yaml(doc), encoding="utf-8")


def _copy_project(root: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", ".mypy_cache", ".pytest_cache", "*.egg-info")
    for name in COPIED:
        source = trim.ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)


def _run(args: list[str], cwd: Path, root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(root / p) for p in ("facade", "generated", "."))}
    env["MYPYPATH"] = os.pathsep.join(str(root / p) for p in ("facade", "generated"))
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
    )


def test_update_reaches_ftjobs_job_and_the_create_parameters(tmp_path: Path) -> None:
    openai, portkey = trim.SOURCES["openai"][0], trim.SOURCES["portkey"][0]
    assert openai.is_file(), f"{openai}: the upstream spec the repository holds is missing"
    root = tmp_path / "project"
    root.mkdir()
    _copy_project(root)
    upstream = tmp_path / "upstream.yaml"
    _variant(openai, upstream)

    update = _run(["-m", "scripts.cli", "update", str(upstream), "--portkey", str(portkey)], root, root)
    assert update.returncode == 0, update.stdout + update.stderr

    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    for line in (
        "`ftjobs.Job.priority`: attribute added",
        "`ftjobs.Job.budget`: attribute added",
        "`ftjobs.FineTuningJobBudget`: class added",
        "`ftjobs.GraderWebhook`: class added",
        "`ftjobs.SamplingParams.top_p`: attribute removed",
        "`ftjobs.SupervisedHyperparametersParam.warmup_ratio`: attribute added",
        "`ftjobs.ReinforcementHyperparametersParam.reasoning_effort`: attribute type changed",
    ):
        assert line in changelog, line
    views = root / "generated" / "ftjobs_generated" / "_views"
    method = (views / "reinforcement_method.py").read_text(encoding="utf-8")
    assert '"webhook": _read_GraderWebhook' in method  # the new member of the job's grader union
    assert "class GraderWebhook(" in (views / "grader_webhook.py").read_text(encoding="utf-8")

    suite = _run(["-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", *SUITE], root, root)
    assert suite.returncode == 0, suite.stdout[-3000:] + suite.stderr[-3000:]

    check = tmp_path / "check"
    check.mkdir()
    (check / "user_script.py").write_text(USER_SCRIPT, encoding="utf-8")
    (check / "removed.py").write_text(REMOVED_SCRIPT, encoding="utf-8")
    mypy = ["-m", "mypy", "--strict", "--no-color-output", "--cache-dir", str(check / ".cache")]
    typed = _run([*mypy, "user_script.py"], check, root)
    assert typed.returncode == 0, typed.stdout + typed.stderr
    removed = _run([*mypy, "removed.py"], check, root)
    assert removed.returncode == 1 and '"SamplingParams" has no attribute "top_p"' in removed.stdout
