"""`ftjobs permissions ...` and `ftjobs graders ...`, run as subprocesses against the local server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ftjobs.testing import serve

KEY = "sk-ftjobs-local"
CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:96olL566:ckpt-step-2000"  # seeded
GRADER = json.dumps(
    {
        "type": "string_check",
        "name": "label",
        "input": "{{sample.output_text}}",
        "reference": "{{item.label}}",
        "operation": "eq",
    }
)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve() as base:
        yield base


def ftjobs(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PORTKEY_", "AZURE_"))}
    env.update({"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": url, "NO_COLOR": "1"})
    return subprocess.run(
        [sys.executable, "-m", "ftjobs", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_permissions_create_list_delete(url: str) -> None:
    created = ftjobs(
        url,
        "permissions",
        "create",
        CHECKPOINT,
        "--project-id",
        "proj_c1",
        "--project-id",
        "proj_c2",
        "--json",
    )
    assert created.returncode == 0, created.stderr
    rows = [json.loads(line) for line in created.stdout.splitlines()]
    assert [row["project_id"] for row in rows] == ["proj_c1", "proj_c2"]
    table = ftjobs(url, "permissions", "list", CHECKPOINT)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["ID", "PROJECT", "CREATED"]
    assert [line.split()[1] for line in lines[1:]] == ["proj_c2", "proj_c1"]  # newest first
    one = ftjobs(url, "permissions", "list", CHECKPOINT, "--order", "ascending", "--limit", "1", "--json")
    assert [json.loads(line)["project_id"] for line in one.stdout.splitlines()] == ["proj_c1"]
    deleted = ftjobs(url, "permissions", "delete", CHECKPOINT, rows[0]["id"])
    assert (deleted.returncode, deleted.stdout) == (0, f"deleted {rows[0]['id']}\n")
    again = ftjobs(url, "permissions", "delete", CHECKPOINT, rows[0]["id"])
    assert again.returncode != 0 and "error: " in again.stderr and "Traceback" not in again.stderr
    ftjobs(url, "permissions", "delete", CHECKPOINT, rows[1]["id"])


def test_permissions_usage_errors(url: str) -> None:
    for args in (
        ("permissions", "create", CHECKPOINT),  # no --project-id
        ("permissions", "delete", CHECKPOINT),  # no PERMISSION_ID
        ("permissions", "list", CHECKPOINT, "cp_extra"),
        ("permissions", "grant", CHECKPOINT),
    ):
        result = ftjobs(url, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_graders_run_and_validate(url: str, tmp_path: Path) -> None:
    grader_file = tmp_path / "grader.json"
    grader_file.write_text(GRADER, encoding="utf-8")
    hit = ftjobs(
        url,
        "graders",
        "run",
        "--grader-json",
        str(grader_file),
        "--sample",
        "yes",
        "--item-json",
        '{"label": "yes"}',
    )
    assert hit.returncode == 0, hit.stderr
    assert hit.stdout.splitlines()[:2] == ["reward: 1.0", "grader: string_check 'label'"]
    miss = ftjobs(
        url,
        "graders",
        "run",
        "--grader-json",
        GRADER,
        "--sample",
        "no",
        "--item-json",
        '{"label": "yes"}',
        "--json",
    )
    assert json.loads(miss.stdout)["reward"] == 0.0
    missing = ftjobs(url, "graders", "run", "--grader-json", GRADER, "--sample", "no")
    assert "errors: invalid_variable_error" in missing.stdout
    valid = ftjobs(url, "graders", "validate", "--grader-json", GRADER)
    assert (valid.returncode, valid.stdout) == (0, "valid: string_check grader 'label'\n")
    python = json.dumps({"type": "python", "name": "p", "source": "def grade(:"})
    invalid = ftjobs(url, "graders", "validate", "--grader-json", python)
    assert invalid.returncode != 0 and "grader.source" in invalid.stderr and "Traceback" not in invalid.stderr
    unsupported = ftjobs(
        url, "graders", "run", "--grader-json", python.replace("(:", "(s, i): return 1"), "--sample", "x"
    )
    assert unsupported.returncode != 0 and "cannot run a 'python' grader" in unsupported.stderr
    for args in (
        ("graders", "run", "--grader-json", GRADER),  # no --sample
        ("graders", "run", "--grader-json", "{not json", "--sample", "x"),
        ("graders", "validate", "--grader-json", str(tmp_path / "missing.json")),
    ):
        result = ftjobs(url, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert "error: " in result.stderr and "Traceback" not in result.stderr


README = Path(__file__).resolve().parents[2] / "README.md"


def _bare(*args: str) -> subprocess.CompletedProcess[str]:
    """`ftjobs ...` with no key and no server: what is checked before any client exists."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PORTKEY_", "AZURE_"))}
    return subprocess.run(
        [sys.executable, "-m", "ftjobs", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**env, "NO_COLOR": "1"},
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("delete", CHECKPOINT), "delete: give CHECKPOINT and PERMISSION_ID"),
        (("create", CHECKPOINT), "create: give at least one --project-id"),
        (("list", CHECKPOINT, "cp_extra"), "list: unexpected PERMISSION_ID 'cp_extra'"),
    ],
)
def test_a_permissions_usage_error_shows_the_three_forms_before_any_request(
    args: tuple[str, ...], error: str
) -> None:
    """Exit 2 with the usage line (its three forms, PERMISSION_ID in delete's) and the error, with no
    API key needed: checked when parsing."""
    result = _bare("permissions", *args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "usage: ftjobs permissions list CHECKPOINT [--limit N] [--all] [--order ascending|descending] "
        "[--project-id ID]\n"
        "       ftjobs permissions create CHECKPOINT --project-id ID [--project-id ID ...]\n"
        "       ftjobs permissions delete CHECKPOINT PERMISSION_ID\n"
        f"ftjobs permissions: error: {error}\n"
    )


def test_the_readme_synopsis_of_permissions_is_its_usage() -> None:
    """The README's `ftjobs permissions` lines are the three forms of the usage line (plus --json)."""
    from ftjobs._cli._namespace import PERMISSIONS_USAGE

    forms = [line.strip() for line in (PERMISSIONS_USAGE % {"prog": "ftjobs permissions"}).splitlines()]
    readme = [
        line.split("  #")[0].strip().removesuffix(" [--json]")
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith("ftjobs permissions ")
    ]
    assert readme == forms
    assert any("PERMISSION_ID" in form for form in readme)
