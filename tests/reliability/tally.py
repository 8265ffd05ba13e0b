"""The reliability suite's per-group tally, which becomes ``docs/reliability.md``.

Every test module of tests/reliability/ is one group of issue 6. The tally counts, per group, the
test cases that ran and how they ended; tests that check many generated examples add them with the
``examples`` fixture (tests/reliability/conftest.py), which records them in the test's
``user_properties`` so that they travel with its reports. A plugin of the root conftest, not a
conftest of tests/reliability/: under pytest-xdist (``make test`` runs two workers) only the
controller prints, and it sees the reports but loads no sub-directory conftest.

The table is printed at the end of every run, and written as markdown to the path in
``FTJOBS_RELIABILITY_REPORT`` when that variable is set (``make reliability-report``). It holds
counts only (no times, dates or paths), so the file changes only when the suite does.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from pathlib import Path

import pytest

REPORT_ENV = "FTJOBS_RELIABILITY_REPORT"
EXAMPLES = "ftjobs_examples"  # user_properties name: objects a test checked
PREFIX = "tests/reliability/"
#: module -> (group title, what the group proves), in report order.
GROUPS: dict[str, tuple[str, str]] = {
    "test_faults": (
        "Faults",
        "every operation, sync and async, against the local server's fault injection: attempts and"
        " outcome per fault, bounded time",
    ),
    "test_history_shapes": (
        "Historical shapes",
        "every response example of every OpenAI and Portkey spec version parses",
    ),
    "test_properties": (
        "Properties",
        "schema-generated jobs (current and historical schemas) parse; mutated ones parse or raise"
        " ResponseValidationError",
    ),
    "test_security": (
        "Security",
        "job id matrix, credentials on cross-origin redirects, TLS default, no key in repr/str/logs/CLI",
    ),
    "test_limits": ("Limits", "oversized and deeply nested responses fail cleanly with bounded memory"),
    "test_engine": (
        "Engine",
        "decompression bombs and stacked encodings within the cap (peak memory), a total deadline per"
        " attempt against dripping servers, no credential to another origin through the user's"
        " follow_redirects client, closed clients, a clean exception chain",
    ),
    "test_foreign_values": (
        "Foreign values",
        "unusable Retry-After (year 10000, huge years, NaN, inf, junk) on every operation, sync and async,"
        " and in wait(); every bad client option a ConfigurationError, every bad call argument an"
        " InvalidArgumentError, before anything is sent",
    ),
    "test_redaction": (
        "Echoed credentials",
        "a proxy echoing every credential (bearer, api-key, x-portkey-*, provider key, default-header key)"
        " into request ids, content types, error bodies (nested, as keys, \\u-escaped), excerpts, job status"
        " and cursors: never in str/repr/attributes/tracebacks, any logger's DEBUG records, CLI output",
    ),
    "test_pagination": (
        "Pagination",
        "cursor cycles (A -> A, A -> B -> A, longer) end list/events/checkpoints with PaginationError, sync"
        " and async and in the CLI; wait(on_event) and events --follow end at their deadline against cycling,"
        " endless or slow event pages",
    ),
    "test_cli_output": (
        "CLI output",
        "lone surrogates, escape sequences and controls in every server string: every command, table,"
        " --json and JSON lines, stderr, a pseudo-terminal and ASCII stdout, written escaped, never a crash",
    ),
}
_OUTCOMES = ("passed", "failed", "xfailed", "xpassed", "skipped")

_results: dict[str, tuple[str, str]] = {}
_reasons: dict[str, str] = {}  # nodeid -> xfail reason
_examples: Counter[str] = Counter()


def _group(nodeid: str) -> str | None:
    if not nodeid.startswith(PREFIX):
        return None
    module = nodeid[len(PREFIX) :].split("::", 1)[0].removesuffix(".py")
    return module if module in GROUPS else None


def _outcome(report: pytest.TestReport) -> str | None:
    """The final outcome of a test from one of its phase reports, or None if not final yet."""
    if hasattr(report, "wasxfail"):
        if report.skipped:
            return "xfailed"
        if report.passed and report.when == "call":
            return "xpassed"
        if report.failed:  # strict xpass
            return "failed"
    if report.failed:
        return "failed"
    if report.skipped:
        return "skipped"
    if report.passed and report.when == "call":
        return "passed"
    return None


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    group = _group(report.nodeid)
    if group is not None and report.when == "teardown":  # properties are complete by then
        _examples[group] += sum(int(v) for k, v in report.user_properties if k == EXAMPLES)
    outcome = _outcome(report)
    if group is None or outcome is None:
        return
    previous = _results.get(report.nodeid)
    if previous is None or outcome == "failed":  # a failing teardown after a pass counts as failed
        _results[report.nodeid] = (group, outcome)
    if outcome == "xfailed":
        _reasons[report.nodeid] = str(report.wasxfail).removeprefix("reason: ")


def _rows() -> list[tuple[str, str, Counter[str]]]:
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    for group, outcome in _results.values():
        tally[group][outcome] += 1
    return [(title, what, tally[module]) for module, (title, what) in GROUPS.items() if tally[module]]


def _markdown(rows: list[tuple[str, str, Counter[str]]]) -> str:
    lines = [
        "# Reliability figures",
        "",
        "<!-- Generated by `make reliability-report`; do not edit by hand. -->",
        "",
        "Written by the reliability suite itself (`tests/reliability/tally.py`) from the outcomes",
        "of the run below; every number is a count of test cases (or, in the last column, of the",
        "objects those cases checked: generated jobs for Properties, the jobs, events and checkpoints",
        "inside the documented examples for Historical shapes). Slow cases are included.",
        "",
        "```",
        f"{REPORT_ENV}=docs/reliability.md .venv/bin/python -m pytest tests/reliability -q",
        "```",
        "",
        "| Group | Cases ran | Passed | Failed | Known bugs (xfail) | Skipped | Objects checked |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total: Counter[str] = Counter()
    for title, _, counts in rows:
        module = next(m for m, (t, _) in GROUPS.items() if t == title)
        ran = sum(counts[o] for o in _OUTCOMES if o != "skipped")
        examples = _examples[module]
        total.update({o: counts[o] for o in _OUTCOMES} | {"ran": ran, "examples": examples})
        lines.append(
            f"| {title} | {ran} | {counts['passed']} | {counts['failed'] + counts['xpassed']} |"
            f" {counts['xfailed']} | {counts['skipped']} | {examples or '-'} |"
        )
    lines.append(
        f"| **Total** | {total['ran']} | {total['passed']} | {total['failed'] + total['xpassed']} |"
        f" {total['xfailed']} | {total['skipped']} | {total['examples']} |"
    )
    lines += ["", "What each group proves:", ""]
    lines += [f"- **{title}**: {what}." for title, what, _ in rows]
    lines += [
        "",
        "A known bug is a test marked `xfail(strict=True)` with the reason; it turns into a failure",
        "as soon as the bug is fixed, so that the mark is removed with the fix.",
    ]
    reasons = Counter(_reasons.values())
    if reasons:
        lines += ["", "| Known bug | Cases |", "|---|---:|"]
        lines += [f"| {reason} | {count} |" for reason, count in sorted(reasons.items())]
    lines.append("")
    return "\n".join(lines)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    rows = _rows()
    if not rows:
        return
    terminalreporter.section("ftjobs reliability")
    for line in _markdown(rows).splitlines():
        if line.startswith("|"):
            terminalreporter.write_line(line)
    target = os.environ.get(REPORT_ENV)
    if target:
        Path(target).write_text(_markdown(rows), encoding="utf-8")
        terminalreporter.write_line(f"written to {target}")
