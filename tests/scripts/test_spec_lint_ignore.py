"""Our spec passes our linter: `ftjobs-spec lint --ignore` (the diff's ignore files, lint finding ids),
the committed openapi/fine_tuning.lint-ignore.yaml, and `make lint` running both specs' lint."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import trim
from scripts.cli import main
from scripts.specdiff import lint_ignore
from scripts.specdiff.lint import FINDING_IDS, LintFinding
from scripts.specdiff.workflow import IgnoreEntry

ROOT = Path(__file__).resolve().parents[2]
OURS = trim.OPENAPI_DIR / "fine_tuning.yaml"
IGNORE = trim.OPENAPI_DIR / "fine_tuning.lint-ignore.yaml"
EXAMPLE = "/paths/~1fine_tuning~1jobs/get/responses/200/content/application~1json/example"
TINY = """\
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /fine_tuning/jobs:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, required: [id], properties: {id: {type: string}}}
              example: {name: x}
"""


@pytest.fixture(scope="module")
def ours() -> dict[str, object]:
    """The lint of the committed spec with the committed ignore file (json), run once."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["lint", str(OURS), "--ignore", str(IGNORE), "--format", "json"])
    return {"status": status, "doc": json.loads(out.getvalue()), "stderr": err.getvalue()}


def test_our_spec_lints_clean_with_the_committed_ignore_file(ours: dict[str, object]) -> None:
    """Exit 0, no finding left, no entry expired or matching nothing, nothing on stderr."""
    doc = ours["doc"]
    assert isinstance(doc, dict)
    assert ours["status"] == 0 and ours["stderr"] == ""
    assert doc["findings"] == [] and doc["expired_ignores"] == [] and doc["unused_ignores"] == []
    assert len(doc["ignored"]) >= 1


def test_the_ignore_file_is_what_makes_it_clean(
    ours: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the file the same findings come back (exit 1): each ignored one, and no other."""
    assert main(["lint", str(OURS), "--format", "json", "--no-ignore"]) == 1
    bare = json.loads(capsys.readouterr().out)["findings"]
    doc = ours["doc"]
    assert isinstance(doc, dict)
    ignored = [{k: v for k, v in f.items() if k != "ignore"} for f in doc["ignored"]]
    assert sorted(map(json.dumps, bare)) == sorted(map(json.dumps, ignored))
    assert all(f["ignore"]["reason"] and f["ignore"]["expires"] for f in doc["ignored"])


def test_the_reinforcement_error_is_corrected_not_ignored(ours: dict[str, object]) -> None:
    """`"error": {}` is fixed by overlay 08 (the live API sends it), so no entry accepts it."""
    doc = ours["doc"]
    assert isinstance(doc, dict)
    assert not any("at /error" in f["message"] for f in doc["ignored"])


def test_make_lint_lints_both_specs() -> None:
    """The Makefile's lint target (CI: make test) runs the spec lint on both specs, as a user types it
    (ours finds its ignore file beside it)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert target is not None
    commands = [shlex.split(line.strip()) for line in target.group(1).splitlines()]
    lints = [c[c.index("lint") :] for c in commands if c[1:4] == ["-m", "scripts.cli", "lint"]]
    assert lints == [
        ["lint", "openapi/fine_tuning.yaml"],
        ["lint", "openapi/fine_tuning.portkey.yaml"],
    ]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_lint_as_a_user_types_it_uses_the_ignore_file_beside_the_spec() -> None:
    """`ftjobs-spec lint openapi/fine_tuning.yaml`: clean, exit 0, naming the file and its count; the
    count is every finding `--no-ignore` shows (37 errors and 5 warnings today)."""
    typed = _cli("lint", "openapi/fine_tuning.yaml")
    assert typed.returncode == 0, typed.stdout + typed.stderr
    bare = _cli("lint", "openapi/fine_tuning.yaml", "--no-ignore")
    assert bare.returncode == 1
    head = bare.stdout.splitlines()[0]
    found = re.fullmatch(r"openapi/fine_tuning.yaml: (\d+) error\(s\), (\d+) warning\(s\)", head)
    assert found is not None, head
    total = int(found[1]) + int(found[2])
    assert int(found[1]) > 0
    assert typed.stdout == (
        "openapi/fine_tuning.yaml: 0 error(s), 0 warning(s)\n"
        f"{total} finding(s) accepted by openapi/fine_tuning.lint-ignore.yaml (--no-ignore shows them)\n"
    )
    assert typed.stderr == ""


def test_an_ignore_file_is_found_only_beside_its_own_spec(tmp_path: Path) -> None:
    """A copy of our spec elsewhere has no ignore file beside it: every finding, exit 1; with a copy of
    the file named after it, clean again. `--ignore` and `--no-ignore` together are a usage error."""
    spec = tmp_path / "mine.yaml"
    spec.write_bytes(OURS.read_bytes())
    assert _cli("lint", str(spec)).returncode == 1
    (tmp_path / "mine.lint-ignore.yaml").write_bytes(IGNORE.read_bytes())
    assert lint_ignore.beside(str(spec)) == str(tmp_path / "mine.lint-ignore.yaml")
    clean = _cli("lint", str(spec))
    assert clean.returncode == 0, clean.stdout
    assert f"accepted by {tmp_path / 'mine.lint-ignore.yaml'}" in clean.stdout
    both = _cli("lint", str(spec), "--no-ignore", "--ignore", str(IGNORE))
    assert both.returncode == 2
    assert "not allowed with argument" in both.stderr


@pytest.mark.parametrize(
    ("location", "operation"),
    [
        ("/paths/~1fine_tuning~1jobs/post/x-oaiMeta/examples/0/response", "POST /fine_tuning/jobs"),
        ("/paths/~1a~0b~1{id}/get", "GET /a~b/{id}"),
        ("/paths/~1fine_tuning~1jobs/parameters/0", None),
        ("/components/schemas/Job/example", None),
        ("/", None),
    ],
)
def test_operation_of_a_location(location: str, operation: str | None) -> None:
    assert lint_ignore.operation_of(location) == operation


def _entry(**over: object) -> str:
    fields = {
        "id": "example-invalid",
        "operation": "GET /fine_tuning/jobs",
        "pointer": EXAMPLE,
        "reason": "known",
        **over,
    }
    return "- " + "\n  ".join(f"{k}: {json.dumps(v)}" for k, v in fields.items()) + "\n"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY, encoding="utf-8")
    return spec


def lint(
    spec: Path, ignore_text: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, object], str]:
    ignore = spec.parent / "ignore.yaml"
    ignore.write_text(ignore_text, encoding="utf-8")
    status = main(["lint", str(spec), "--ignore", str(ignore), "--format", "json"])
    captured = capsys.readouterr()
    return status, json.loads(captured.out) if captured.out else {}, captured.err


def test_an_entry_takes_out_its_finding(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(tiny)]) == 1
    assert "'id' is a required property" in capsys.readouterr().out
    status, doc, err = lint(tiny, _entry(), capsys)
    assert (status, doc["findings"], err) == (0, [], "")
    [ignored] = doc["ignored"]  # type: ignore[misc]
    assert ignored["location"] == EXAMPLE and ignored["ignore"]["reason"] == "known"
    assert main(["lint", str(tiny), "--ignore", str(tiny.parent / "ignore.yaml")]) == 0
    assert "1 finding(s) accepted by the ignore file(s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "over",
    [{"operation": "POST /fine_tuning/jobs"}, {"pointer": EXAMPLE + "/x"}, {"id": "example-unparseable"}],
)
def test_an_entry_for_something_else_changes_nothing(
    tiny: Path, capsys: pytest.CaptureFixture[str], over: dict[str, object]
) -> None:
    """Another operation, pointer or id: the finding stays (exit 1) and the entry is reported unused."""
    status, doc, err = lint(tiny, _entry(**over), capsys)
    assert status == 1 and len(doc["findings"]) == 1  # type: ignore[arg-type]
    assert "matches no finding; remove it" in err


def test_an_expired_entry_stops_applying(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, doc, err = lint(tiny, _entry(expires="2020-01-31"), capsys)
    assert status == 1 and len(doc["expired_ignores"]) == 1  # type: ignore[arg-type]
    assert "expired on 2020-01-31; it no longer applies" in err


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (_entry(id="response-property-removed"), "unknown rule id 'response-property-removed'"),
        (_entry(reason=""), "a reason is required"),
        (_entry(expire="2030-01-01"), "unknown keys ['expire']"),
        ("- 1\n", "not a mapping"),
    ],
)
def test_a_malformed_ignore_file_is_unusable_input(
    tiny: Path, capsys: pytest.CaptureFixture[str], text: str, needle: str
) -> None:
    """The diff's checks, with the lint's ids: exit 2 and one error line."""
    status, _, err = lint(tiny, text, capsys)
    assert status == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and needle in err


def test_every_lint_finding_id_is_known() -> None:
    """The ids an ignore file may name are the ones the lint reports."""
    assert {
        "spec-invalid",
        "example-invalid",
        "example-not-strict-json",
        "example-unparseable",
    } == FINDING_IDS


def test_apply_sorts_findings_entries_and_dates() -> None:
    finding = LintFinding("example-invalid", "error", EXAMPLE, "bad")
    entry = IgnoreEntry("example-invalid", "*", "/paths/*", "any example", dt.date(2026, 1, 1))
    before = lint_ignore.apply([finding], [entry], today=dt.date(2026, 1, 1))
    assert before.findings == [] and before.ignored == [(finding, entry)] and before.unused == []
    after = lint_ignore.apply([finding], [entry], today=dt.date(2026, 1, 2))
    assert after.findings == [finding] and after.expired == [entry] and after.unused == []
