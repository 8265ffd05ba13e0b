"""`ftjobs-spec` (scripts/cli.py): formats, exit statuses 0/1/2, `REV:path`, lint, client impact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import trim
from scripts.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "specdiff"
UPSTREAM_OPENAI = trim.UPSTREAM / "openai" / "openapi.yaml"
OURS = trim.OPENAPI_DIR / "fine_tuning.yaml"


def pair(rule: str) -> list[str]:
    return [str(FIXTURES / rule / "base.yaml"), str(FIXTURES / rule / "revision.yaml")]


def test_exit_0_without_breaking_change(capsys: pytest.CaptureFixture[str]) -> None:
    """Only info changes: exit 0, and the text names the rule."""
    assert main(["diff", *pair("response-property-added")]) == 0
    out = capsys.readouterr().out
    assert "response-property-added" in out and "0 breaking" in out


def test_exit_1_on_breaking_change(capsys: pytest.CaptureFixture[str]) -> None:
    """A breaking change: exit 1."""
    assert main(["diff", *pair("response-property-removed")]) == 1
    assert "response-property-removed" in capsys.readouterr().out


def test_fail_on_warning_tightens(capsys: pytest.CaptureFixture[str]) -> None:
    """A warning passes by default and fails with --fail-on warning; info fails only with --fail-on info."""
    assert main(["diff", *pair("request-parameter-removed")]) == 0
    assert main(["diff", *pair("request-parameter-removed"), "--fail-on", "warning"]) == 1
    assert main(["diff", *pair("response-property-added"), "--fail-on", "warning"]) == 0
    assert main(["diff", *pair("response-property-added"), "--fail-on", "info"]) == 1


def test_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """JSON: documented keys, one object per change with id, level, operation, location, message."""
    assert main(["diff", *pair("response-enum-value-added"), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"schema_version", "base", "revision", "summary", "changes"}
    assert doc["schema_version"] == 1
    assert doc["summary"] == {"breaking": 2, "warning": 0, "info": 0}
    assert {c["operation"] for c in doc["changes"]} == {"GET /fine_tuning/jobs", "POST /fine_tuning/jobs"}
    for change in doc["changes"]:
        assert set(change) == {"id", "level", "direction", "operation", "location", "message"}
        assert change["id"] == "response-enum-value-added" and change["level"] == "breaking"
        assert change["location"] == {
            "base": "/components/schemas/Job/properties/status",
            "revision": "/components/schemas/Job/properties/status",
        }
        assert '"paused"' in change["message"]


def test_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    """Markdown: a heading, the verdict, a table row naming both operations once."""
    assert main(["diff", *pair("request-enum-value-removed"), "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("### API contract diff")
    assert "**breaking changes**" in out
    rows = [line for line in out.splitlines() if "`request-enum-value-removed`" in line]
    assert len(rows) == 1 and "POST /fine_tuning/jobs" in rows[0]


def test_no_change_text(capsys: pytest.CaptureFixture[str]) -> None:
    """The same file twice: 0 changes, exit 0."""
    base = pair("path-added")[0]
    assert main(["diff", base, base]) == 0
    assert "0 change(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "no such file"),
        ("key: [unclosed\n", "not valid YAML"),
        ("just: a mapping\n", "not an OpenAPI 3 document"),
        (
            "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths:\n  /fine_tuning/jobs:\n    get:\n"
            "      responses:\n        '200':\n          description: OK\n          content:\n"
            "            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n",
            "Missing",
        ),
    ],
    ids=["missing-file", "bad-yaml", "not-openapi", "dangling-ref"],
)
def test_exit_2_on_unusable_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, needle: str
) -> None:
    """Unreadable file, invalid YAML, not OpenAPI, unresolvable $ref: exit 2 and a message on stderr."""
    bad = tmp_path / "bad.yaml"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    assert main(["diff", pair("path-added")[0], str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and needle in err


def test_usage_error_is_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A missing argument is unusable input."""
    assert main(["diff", "only-one.yaml"]) == 2


def test_subprocess_exit_status() -> None:
    """`python -m scripts.cli diff` from the repo: exit status 1 on a breaking change."""
    proc = subprocess.run(
        [sys.executable, "-m", "scripts.cli", "diff", *pair("path-removed"), "--format", "json"],
        cwd=trim.ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["changes"][0]["id"] == "path-removed"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_git_rev_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`REV:path` reads a spec from the current git repository's history."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.invalid")
    _git(repo, "config", "user.name", "t")
    spec = repo / "spec.yaml"
    for rev in pair("request-parameter-added-required"):
        spec.write_text(Path(rev).read_text(encoding="utf-8"), encoding="utf-8")
        _git(repo, "add", "spec.yaml")
        _git(repo, "commit", "-q", "-m", "step")
    monkeypatch.chdir(repo)
    assert main(["diff", "HEAD~1:spec.yaml", "HEAD:spec.yaml", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["base"] == "HEAD~1:spec.yaml"
    assert [c["id"] for c in doc["changes"]] == ["request-parameter-added-required"]
    assert main(["diff", "HEAD~1:spec.yaml", "spec.yaml"]) == 1
    assert main(["diff", "HEAD~5:spec.yaml", "spec.yaml"]) == 2
    assert "git cannot show it" in capsys.readouterr().err


@pytest.mark.skipif(not UPSTREAM_OPENAI.is_file(), reason="openapi/upstream is missing")
def test_lint_real_openai_spec_finds_the_two_known_defects(capsys: pytest.CaptureFixture[str]) -> None:
    """The full upstream spec (trimmed to fine-tuning): retrieve omits `error`; pause returns "paused"."""
    assert main(["lint", str(UPSTREAM_OPENAI), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    retrieve = "/paths/~1fine_tuning~1jobs~1{fine_tuning_job_id}/get/x-oaiMeta/examples/response"
    pause = "/paths/~1fine_tuning~1jobs~1{fine_tuning_job_id}~1pause/post/x-oaiMeta/examples/response"
    assert {
        "id": "example-invalid",
        "level": "error",
        "location": retrieve,
        "message": "'error' is a required property",
    } in findings
    assert any(f["location"] == pause and "'paused' is not one of" in f["message"] for f in findings)
    # not-strict JSON (trailing commas, `{ ... }` placeholders) is a warning, never a crash
    assert any(f["id"] == "example-not-strict-json" and f["level"] == "warning" for f in findings)


@pytest.mark.skipif(not OURS.is_file(), reason="no openapi/fine_tuning.yaml")
def test_lint_our_spec_has_neither_known_defect(capsys: pytest.CaptureFixture[str]) -> None:
    """openapi/fine_tuning.yaml carries overlays that fix both known defects."""
    main(["lint", str(OURS), "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    retrieve = "/paths/~1fine_tuning~1jobs~1{fine_tuning_job_id}/get/x-oaiMeta/examples/response"
    assert not any(f["location"] == retrieve and "'error'" in f["message"] for f in findings)
    assert not any("'paused' is not one of" in f["message"] for f in findings)


def test_lint_text_and_exit_0_on_clean_spec(capsys: pytest.CaptureFixture[str]) -> None:
    """A small valid spec without examples: no error, exit 0."""
    assert main(["lint", pair("path-added")[0]]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_client_impact(capsys: pytest.CaptureFixture[str]) -> None:
    """--client-impact regenerates both sides and names the changed generated API."""
    args = ["diff", *pair("response-property-added"), "--client-impact", "--format", "json"]
    assert main(args) == 0
    impact = json.loads(capsys.readouterr().out)["client_impact"]
    assert {"kind": "attribute-added", "name": "Job.error", "detail": "str | Unset"} in impact


@pytest.mark.slow
@pytest.mark.skipif(not UPSTREAM_OPENAI.is_file(), reason="openapi/upstream is missing")
def test_full_upstream_spec_is_trimmed_to_paths(capsys: pytest.CaptureFixture[str]) -> None:
    """A full upstream spec is trimmed to --paths; our overlay adding "paused" shows as breaking."""
    assert main(["diff", str(UPSTREAM_OPENAI), str(OURS), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    breaking = {(c["id"], c["location"]["revision"]) for c in doc["changes"] if c["level"] == "breaking"}
    assert ("response-enum-value-added", "/components/schemas/FineTuningJob/properties/status") in breaking
    # the overlays also fix examples (retrieve's missing `error`): examples are no change
    assert not any("x-oaiMeta" in (c["location"]["revision"] or "") for c in doc["changes"])
    assert main(["diff", str(UPSTREAM_OPENAI), str(UPSTREAM_OPENAI), "--paths", "/files", "/batches"]) == 0
    assert "0 change(s)" in capsys.readouterr().out
    assert main(["diff", *pair("path-added"), "--paths", "/nothing"]) == 2
    assert "no path starts with" in capsys.readouterr().err


def test_lint_validator_message_is_one_paragraph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A spec-invalid message is the validator's first paragraph, never the whole instance (which can
    be the whole document)."""
    spec = tmp_path / "no-info.yaml"
    spec.write_text("openapi: 3.1.0\npaths:\n  /fine_tuning/jobs: {}\n", encoding="utf-8")
    assert main(["lint", str(spec), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert findings == [
        {"id": "spec-invalid", "level": "error", "location": "/", "message": '"info" is a required property'}
    ]
