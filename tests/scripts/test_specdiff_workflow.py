"""CI workflow of `ftjobs-spec diff`: ignore files, level overrides, optional checks, CI formats."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from scripts.cli import main
from scripts.specdiff import render, workflow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "specdiff"
ENUM_PTR = "/components/schemas/Job/properties/status"


def pair(rule: str) -> list[str]:
    return [str(FIXTURES / rule / "base.yaml"), str(FIXTURES / rule / "revision.yaml")]


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def entry(operation: str = "GET /fine_tuning/jobs", pointer: str = ENUM_PTR, extra: str = "") -> str:
    return (
        f"- id: response-enum-value-added\n  operation: {operation}\n  pointer: {pointer}\n"
        f"  reason: the generated client tolerates unknown members\n{extra}"
    )


# --- ignore files ------------------------------------------------------------------------------


def test_ignore_entry_takes_out_the_matching_change(tmp_path: Path) -> None:
    """An entry (id + operation + pointer + reason) ignores that change only; the other operation's
    copy of the change still fails the run."""
    ignore = write(tmp_path, "ignore.yaml", entry())
    status, out, _ = run(["diff", *pair("response-enum-value-added"), "--ignore", ignore, "--format", "json"])
    doc = json.loads(out)
    assert status == 1
    assert [c["operation"] for c in doc["changes"]] == ["POST /fine_tuning/jobs"]
    assert [c["operation"] for c in doc["ignored"]] == ["GET /fine_tuning/jobs"]
    assert doc["ignored"][0]["ignore"]["reason"] == "the generated client tolerates unknown members"
    assert doc["summary"]["breaking"] == 1 and doc["expired_ignores"] == []


def test_ignore_wildcards_accept_every_operation(tmp_path: Path) -> None:
    """operation `*` and a pointer `/components/schemas/Job/*` (the node or below) ignore both: exit 0."""
    ignore = write(tmp_path, "ignore.yaml", entry(operation="'*'", pointer="/components/schemas/Job/*"))
    status, out, _ = run(["diff", *pair("response-enum-value-added"), "--ignore", ignore])
    assert status == 0
    assert "0 breaking" in out and "2 change(s) ignored" in out


@pytest.mark.parametrize(
    ("operation", "pointer"),
    [
        ("DELETE /fine_tuning/jobs", ENUM_PTR),
        ("GET /fine_tuning/jobs", "/components/schemas/Job/properties/other"),
        ("GET /fine_tuning/jobs", "/components/schemas/Jo/*"),
        ("null", ENUM_PTR),
    ],
)
def test_ignore_entry_that_does_not_match(tmp_path: Path, operation: str, pointer: str) -> None:
    """Another operation, another pointer, a prefix that is not a whole token, a spec-level entry:
    nothing is ignored."""
    ignore = write(tmp_path, "ignore.yaml", entry(operation=operation, pointer=pointer))
    status, out, _ = run(["diff", *pair("response-enum-value-added"), "--ignore", ignore, "--format", "json"])
    assert status == 1
    assert len(json.loads(out)["changes"]) == 2 and json.loads(out)["ignored"] == []


def test_expired_entry_stops_applying_and_is_reported(tmp_path: Path) -> None:
    """An entry past its `expires` day no longer ignores; JSON lists it, other formats warn on stderr."""
    ignore = write(tmp_path, "ignore.yaml", entry(operation="'*'", extra="  expires: 2000-01-31\n"))
    argv = ["diff", *pair("response-enum-value-added"), "--ignore", ignore]
    status, out, _ = run([*argv, "--format", "json"])
    doc = json.loads(out)
    assert status == 1 and len(doc["changes"]) == 2 and doc["ignored"] == []
    assert doc["expired_ignores"][0]["expires"] == "2000-01-31"
    status, _, err = run(argv)
    assert status == 1
    assert err.startswith("warning: ") and "expired on 2000-01-31" in err and err.count("\n") == 1


def test_entry_expiring_in_the_future_applies(tmp_path: Path) -> None:
    """An `expires` date still ahead: the entry applies."""
    ignore = write(tmp_path, "ignore.yaml", entry(operation="'*'", extra="  expires: 2999-12-31\n"))
    status, _, err = run(["diff", *pair("response-enum-value-added"), "--ignore", ignore])
    assert status == 0 and err == ""


def test_expiry_is_inclusive() -> None:
    """The `expires` day itself still applies; the day after does not."""
    import datetime as dt

    e = workflow.IgnoreEntry("path-added", "*", "*", "r", dt.date(2026, 3, 1))
    assert not e.expired(dt.date(2026, 3, 1))
    assert e.expired(dt.date(2026, 3, 2))


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("- id: response-enum-value-added\n  operation: '*'\n  pointer: '*'\n", "missing keys ['reason']"),
        (entry().replace("response-enum-value-added", "no-such-rule"), "unknown rule id 'no-such-rule'"),
        (entry(extra="  expires: next week\n"), "expires is a date"),
        (entry(extra="  expire: 2030-01-01\n"), "unknown keys ['expire']"),
        (entry(pointer="components/x"), "pointer is a JSON pointer"),
        ("id: x\n", "a list of entries"),
        ("- [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_ignore_file_is_unusable_input(tmp_path: Path, text: str, needle: str) -> None:
    """A malformed ignore file: exit 2 and one `error:` line saying what is wrong."""
    ignore = write(tmp_path, "ignore.yaml", text)
    status, out, err = run(["diff", *pair("response-enum-value-added"), "--ignore", ignore])
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and needle in err


# --- level overrides ---------------------------------------------------------------------------


def test_level_override_demotes_and_promotes(tmp_path: Path) -> None:
    """`rule: info` demotes a breaking rule (exit 0); `rule: breaking` promotes an info one (exit 1)."""
    demote = write(tmp_path, "demote.yaml", "response-enum-value-added: info\n")
    status, out, _ = run(["diff", *pair("response-enum-value-added"), "--levels", demote, "--format", "json"])
    doc = json.loads(out)
    assert status == 0
    assert doc["summary"] == {"breaking": 0, "warning": 0, "info": 2}
    assert {c["level"] for c in doc["changes"]} == {"info"}
    promote = write(tmp_path, "promote.yaml", "response-property-added: breaking\n")
    assert run(["diff", *pair("response-property-added"), "--severity-levels", promote])[0] == 1


def test_level_off_removes_the_rule(tmp_path: Path) -> None:
    """`rule: off` drops that rule's changes."""
    off = write(tmp_path, "off.yaml", "response-enum-value-added: 'off'\n")
    status, out, _ = run(["diff", *pair("response-enum-value-added"), "--levels", off, "--format", "json"])
    assert status == 0 and json.loads(out)["changes"] == []


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("nope: info\n", "unknown rule id 'nope'"),
        ("path-added: fatal\n", "must be one of"),
        ("- a\n", "mapping"),
    ],
)
def test_bad_level_file_is_unusable_input(tmp_path: Path, text: str, needle: str) -> None:
    """Unknown rule, unknown level, not a mapping: exit 2, one `error:` line."""
    levels = write(tmp_path, "levels.yaml", text)
    status, _, err = run(["diff", *pair("path-added"), "--levels", levels])
    assert status == 2 and err.count("\n") == 1 and needle in err


# --- optional checks ---------------------------------------------------------------------------


def test_optional_check_is_off_until_included() -> None:
    """`operation-docs-changed` is optional: not reported by default, reported with --include-checks."""
    status, out, _ = run(["diff", *pair("operation-docs-changed"), "--format", "json"])
    assert status == 0 and json.loads(out)["changes"] == []
    for names in (["operation-docs-changed"], ["all"]):
        status, out, _ = run(
            ["diff", *pair("operation-docs-changed"), "--format", "json", "--include-checks", *names]
        )
        assert [c["id"] for c in json.loads(out)["changes"]] == ["operation-docs-changed"]


@pytest.mark.parametrize(("name", "needle"), [("path-added", "always runs"), ("nope", "unknown rule id")])
def test_include_checks_names_only_optional_checks(name: str, needle: str) -> None:
    """A rule that always runs, or no rule at all, in --include-checks: exit 2."""
    status, _, err = run(["diff", *pair("path-added"), "--include-checks", name])
    assert status == 2 and needle in err


def test_optional_checks_are_registered_rules() -> None:
    """Every optional check is a rule of the registry, so --include-checks can name it."""
    from scripts.specdiff.registry import BY_ID

    assert set(BY_ID) >= workflow.OPTIONAL_CHECKS


# --- formats -----------------------------------------------------------------------------------


def test_githubactions_one_annotation_per_change() -> None:
    """breaking -> ::error, warning -> ::warning, info -> ::notice; on the revision's file, or the
    base's when the thing is gone."""
    cases = [("response-enum-value-added", "error"), ("request-parameter-removed", "warning")]
    cases += [("response-property-added", "notice")]
    for rule, command in cases:
        _, out, _ = run(["diff", *pair(rule), "--format", "githubactions"])
        _, json_out, _ = run(["diff", *pair(rule), "--format", "json"])
        changes = json.loads(json_out)["changes"]
        lines = out.splitlines()
        assert len(lines) == len(changes) > 0
        for line, change in zip(lines, changes, strict=True):
            file = pair(rule)[1] if change["location"]["revision"] is not None else pair(rule)[0]
            assert line.startswith(f"::{command} file={file},title={rule}::")
            assert f"{change['operation']}: {change['message']} (at " in line


def test_githubactions_removed_thing_points_at_the_base_file() -> None:
    """A change whose thing is gone (no revision pointer) is annotated on the base file."""
    _, out, _ = run(["diff", *pair("path-removed"), "--format", "githubactions"])
    assert out.startswith(f"::error file={pair('path-removed')[0]},title=path-removed::")


def test_githubactions_escaping() -> None:
    """Newlines and % are escaped in the message; `:` and `,` too in properties (one line per command)."""
    line = render.github_annotation("error", "a,b:c.yaml", "t", "50% off\nnext")
    assert line == "::error file=a%2Cb%3Ac.yaml,title=t::50%25 off%0Anext"


def test_githubactions_expired_ignore_is_a_warning_annotation(tmp_path: Path) -> None:
    """An expired ignore entry becomes a ::warning annotation on the ignore file."""
    ignore = write(tmp_path, "ignore.yaml", entry(extra="  expires: 2001-01-01\n"))
    _, out, err = run(
        ["diff", *pair("response-enum-value-added"), "--ignore", ignore, "--format", "githubactions"]
    )
    assert err == ""
    assert out.splitlines()[-1].startswith("::warning file=") and "expired on 2001-01-01" in out


@pytest.mark.parametrize(("fail_on", "failures"), [("breaking", 0), ("warning", 1), ("info", 1)])
def test_junit_failures_follow_fail_on(fail_on: str, failures: int) -> None:
    """JUnit XML: one testcase per change; changes at or above --fail-on are <failure>s."""
    status, out, _ = run(
        ["diff", *pair("request-parameter-removed"), "--format", "junit", "--fail-on", fail_on]
    )
    root = ET.fromstring(out)
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 1 and cases[0].get("name") == "request-parameter-removed"
    assert cases[0].get("classname") == "GET /fine_tuning/jobs"
    assert len(root.findall(".//failure")) == failures == int(root.get("failures", "-1"))
    assert status == failures


def test_junit_without_changes_is_an_empty_suite() -> None:
    """No change: a valid document with zero tests."""
    base = pair("path-added")[0]
    status, out, _ = run(["diff", base, base, "--format", "junit"])
    assert status == 0 and ET.fromstring(out).get("tests") == "0"


def test_singleline_one_line_per_change() -> None:
    """singleline: `level [rule-id] OPERATION at POINTER: message`, one line each."""
    _, out, _ = run(["diff", *pair("response-enum-value-added"), "--format", "singleline"])
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"breaking [response-enum-value-added] GET /fine_tuning/jobs at {ENUM_PTR}: ")


def test_client_impact_refuses_ci_formats() -> None:
    """--client-impact only fits text, markdown and json: other formats are a usage error (exit 2)."""
    status, _, err = run(["diff", *pair("path-added"), "--client-impact", "--format", "junit"])
    assert status == 2 and "--client-impact" in err


def test_null_operation_matches_a_spec_level_change(tmp_path: Path) -> None:
    """`operation: null` is how an entry names a path-level change (no operation)."""
    ignore = write(
        tmp_path,
        "ignore.yaml",
        "- id: path-added\n  operation: null\n  pointer: /paths/~1fine_tuning~1jobs~1{fine_tuning_job_id}\n"
        "  reason: announced in the changelog\n",
    )
    status, out, _ = run(
        ["diff", *pair("path-added"), "--ignore", ignore, "--format", "json", "--fail-on", "info"]
    )
    doc = json.loads(out)
    assert status == 0 and doc["changes"] == [] and [c["id"] for c in doc["ignored"]] == ["path-added"]
