"""Known facts of the real upstream histories, checked by the contract diff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts import trim
from scripts.specdiff import DiffResult, diff_docs
from scripts.specdiff.lint import to_31
from scripts.specdiff.report import build, diff_history, history
from scripts.specdiff.sources import load_path

UPSTREAM = trim.UPSTREAM
OPENAI = UPSTREAM / "openai" / "fine_tuning_history"
PORTKEY = UPSTREAM / "portkey" / "fine_tuning_history"
REPORT = trim.ROOT / "docs" / "spec-history.md"

pytestmark = pytest.mark.skipif(not OPENAI.is_dir(), reason="openapi/upstream is missing")


@pytest.fixture(scope="module")
def openai_history() -> dict[str, DiffResult]:
    return {r.revision_name: r for _, _, r in diff_history(UPSTREAM, "openai")}


def _ids(result: DiffResult, level: str | None = None) -> set[str]:
    return {c.id for c in result.changes if level is None or c.level == level}


def test_history_sizes(openai_history: dict[str, DiffResult]) -> None:
    """32 consecutive OpenAI diffs, 18 Portkey ones."""
    assert len(openai_history) == 32
    assert len(diff_history(UPSTREAM, "portkey")) == 18


@pytest.mark.parametrize("vendor", ["openai", "portkey"])
def test_every_version_against_itself_is_empty(vendor: str) -> None:
    """diff(A, A) is empty for every version of both histories."""
    for name, _, path in history(UPSTREAM, vendor):
        doc = load_path(path)
        assert diff_docs(doc, doc, name, name).changes == [], name


def test_pause_and_resume_are_added_once(openai_history: dict[str, DiffResult]) -> None:
    """The pause/resume paths appear in exactly one diff, as additions (info)."""
    added = {
        name: sorted(c.revision or "" for c in r.changes if c.id == "path-added")
        for name, r in openai_history.items()
    }
    with_pause = [name for name, paths in added.items() if any(p.endswith("~1pause") for p in paths)]
    assert with_pause == ["2026-05-13_5162af9.yaml"]
    assert any(p.endswith("~1resume") for p in added["2026-05-13_5162af9.yaml"])
    assert all(c.level == "info" for r in openai_history.values() for c in r.changes if c.id == "path-added")


def test_openapi_30_to_31_rewrite_alone_is_no_change() -> None:
    """The last 3.0 version, rewritten mechanically in 3.1 form (nullable -> type list / null branch)."""
    doc = load_path(OPENAI / "2025-04-29_498c71d.yaml")
    rewritten = {**to_31(doc), "openapi": "3.1.0"}
    assert "nullable" in json.dumps(doc) and "nullable" not in json.dumps(rewritten)
    assert diff_docs(doc, rewritten, "3.0", "3.1").changes == []


def test_real_30_to_31_move_breaks_only_through_content(openai_history: dict[str, DiffResult]) -> None:
    """The real 3.0 -> 3.1 pair: every breaking change is a change of content, none of form."""
    result = openai_history["2026-05-13_5162af9.yaml"]
    breaking = {(c.id, c.revision) for c in result.changes if c.level == "breaking"}
    assert breaking == {
        # batch_size really became `anyOf: [..., {type: null}]` in the response
        (
            "response-became-nullable",
            "/components/schemas/FineTuningJob/properties/hyperparameters/properties/batch_size",
        ),
        ("response-enum-value-added", "/components/schemas/FineTuneMethod/properties/type"),  # reinforcement
        ("request-property-became-required", "/components/schemas/FineTuneMethod/properties/type"),
    }
    assert not _ids(result) & {"response-type-changed", "request-type-changed", "request-became-non-nullable"}


def test_portkey_version_flips_without_content_are_empty() -> None:
    """Portkey's 3.0 <-> 3.1 flips that change nothing else report nothing."""
    rows = {r.revision_name: (bv, rv, r) for bv, rv, r in diff_history(UPSTREAM, "portkey")}
    flips = [(bv, rv, r) for bv, rv, r in rows.values() if bv != rv]
    assert len(flips) >= 3
    for name in ("2024-10-21_34618e7.yaml", "2024-10-24_c0ac40c.yaml", "2024-11-12_b9ec257.yaml"):
        b_ver, r_ver, result = rows[name]
        assert b_ver != r_ver
        assert result.changes == [], name


def test_known_breaking_change_result_files(openai_history: dict[str, DiffResult]) -> None:
    """Early on (2023-09-05), result_files went from file objects to file ids: a response type change."""
    result = openai_history["2023-09-05_884c83f.yaml"]
    assert any(
        c.id == "response-type-changed" and c.revision and c.revision.endswith("result_files/items")
        for c in result.changes
    )
    assert result.fails("breaking")


def test_late_history_enum_addition_is_flagged_and_tolerated(openai_history: dict[str, DiffResult]) -> None:
    """ReasoningEffort gains "max": breaking for closed enums; the message says ftjobs tolerates it."""
    result = openai_history["2026-07-15_535f5dc.yaml"]
    change = next(c for c in result.changes if c.id == "response-enum-value-added")
    assert '"max"' in change.message and "tolerates" in change.message


def test_openai_vs_portkey_current() -> None:
    """Portkey lacks pause/resume, checkpoint permissions, the alpha graders and the Uploads API, and
    accepts other credentials than OpenAI's bearer key."""
    openai_doc = load_path(UPSTREAM / "openai" / "openapi.yaml")
    portkey_doc = load_path(UPSTREAM / "portkey" / "openapi.yaml")
    result = diff_docs(openai_doc, portkey_doc, "openai", "portkey")
    removed = {c.base for c in result.changes if c.id == "path-removed"}
    assert {p.removeprefix("/paths/").replace("~1", "/") for p in removed if p} == {
        "/fine_tuning/jobs/{fine_tuning_job_id}/pause",
        "/fine_tuning/jobs/{fine_tuning_job_id}/resume",
        "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions",
        "/fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions/{permission_id}",
        "/fine_tuning/alpha/graders/run",
        "/fine_tuning/alpha/graders/validate",
        "/uploads",
        "/uploads/{upload_id}/parts",
        "/uploads/{upload_id}/complete",
        "/uploads/{upload_id}/cancel",
    }
    assert "security-alternative-removed" in _ids(result, "breaking")
    assert "security-alternative-added" in _ids(result, "info")


def test_committed_report_is_current() -> None:
    """docs/spec-history.md is what `report` generates now, with no machine path in it."""
    text = build()
    assert "/work/" not in text and str(trim.ROOT) not in text
    assert REPORT.read_text(encoding="utf-8") == text, (
        "run: python -m scripts.cli report --output docs/spec-history.md"
    )


def test_report_lists_every_pair() -> None:
    """The report has a row per history diff plus the OpenAI-vs-Portkey one."""
    text = REPORT.read_text(encoding="utf-8")
    assert text.count("### OpenAI history ") == 32
    assert text.count("### Portkey history ") == 18
    assert "### OpenAI vs Portkey" in text
    assert Path(REPORT).name == "spec-history.md"
