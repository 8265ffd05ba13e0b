"""The fixture set (tests/fixtures/validate/): every check, the line it fires on, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftjobs import ValidationReport, validate_file

FIXTURES = Path(__file__).parent.parent / "fixtures" / "validate"
GRADER = json.loads((FIXTURES / "grader.json").read_text())

#: supervised_bad.jsonl: line -> the kinds found on it (errors and warnings), one check per line.
SUPERVISED_BAD = {
    2: {"data_type"},
    3: {"missing_messages_list", "unrecognized_key"},
    4: {"message_missing_key"},
    5: {"message_unrecognized_key"},
    6: {"unrecognized_role", "missing_user_message"},
    7: {"missing_content"},
    8: {"example_missing_assistant_message"},
    9: {"invalid_json"},
    10: {"blank_line"},
    11: {"invalid_weight"},
    12: {"invalid_tools"},
    13: {"invalid_functions"},
    14: {"invalid_parallel_tool_calls"},
    15: {"invalid_tool_calls"},
    16: {"invalid_function_call"},
    17: {"invalid_content_part"},
    18: {"invalid_image"},
    19: {"too_many_images"},
    20: {"unknown_tool"},
    21: {"unmatched_tool_call_id"},
    22: {"invalid_type"},
    23: {"missing_system_message"},
    24: {"missing_user_message"},
    25: {"invalid_json"},
    26: {"unrecognized_key"},
}
DPO_BAD = {
    2: {"missing_input"},
    3: {"missing_preferred_output"},
    4: {"missing_non_preferred_output"},
    5: {"invalid_output"},
    6: {"unrecognized_role"},
    7: {"missing_messages_list"},
}
REINFORCEMENT_BAD = {2: {"unrecognized_role"}, 3: {"missing_item_field"}, 4: {"missing_item_field"}}
WARNINGS = {
    "blank_line",
    "unrecognized_key",
    "unknown_tool",
    "unmatched_tool_call_id",
    "missing_system_message",
    "missing_user_message",
    "over_token_limit",
}


def _by_line(report: ValidationReport) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for issue in report.issues:
        found.setdefault(issue.line, set()).add(issue.kind)
        assert (issue.severity == "warning") == (issue.kind in WARNINGS), issue
    return found


@pytest.mark.parametrize(
    ("name", "method", "expected"),
    [
        ("supervised_bad", "supervised", SUPERVISED_BAD),
        ("dpo_bad", "dpo", DPO_BAD),
        ("reinforcement_bad", "reinforcement", REINFORCEMENT_BAD),
    ],
)
def test_each_check_fires_on_its_line(name: str, method: str, expected: dict[int, set[str]]) -> None:
    """Line 1 of each bad file is a good example; every other line breaks one rule."""
    grader = GRADER if method == "reinforcement" else None
    report = validate_file(FIXTURES / f"{name}.jsonl", method, grader=grader)  # type: ignore[arg-type]
    assert _by_line(report) == expected
    assert not report.valid
    assert not report.issues_truncated


def test_the_cookbook_error_kinds_are_all_pinned() -> None:
    """The seven error kinds of the cookbook each have a fixture line."""
    cookbook = {
        "data_type",
        "missing_messages_list",
        "message_missing_key",
        "message_unrecognized_key",
        "unrecognized_role",
        "missing_content",
        "example_missing_assistant_message",
    }
    assert cookbook <= set().union(*SUPERVISED_BAD.values())


def test_counts_and_messages_of_the_bad_supervised_file() -> None:
    """Counts by kind; messages say where (message index, field) and what was found."""
    report = validate_file(FIXTURES / "supervised_bad.jsonl")
    assert report.lines == 26
    assert report.examples == 22  # 26 lines less a blank one, two that are not JSON, an array
    assert report.error_counts["invalid_json"] == 2
    assert report.warning_counts["missing_user_message"] == 2
    messages = {i.line: i.message for i in report.issues if i.severity == "error"}
    assert messages[9] == "not valid JSON: Unterminated string starting at (column 43)"
    assert messages[25] == "not UTF-8 text (byte 4)"
    assert messages[4] == "messages[1] (user) has no content"
    assert messages[6] == "messages[1]: role 'bot' is not one of system, user, assistant, tool, function"
    assert messages[22] == "messages[1].name must be a string, got a number"
    assert report.tokens.images == 12  # line 18's one and line 19's eleven


@pytest.mark.parametrize(
    ("name", "method", "examples"),
    [
        ("supervised_good", "supervised", 6),
        ("dpo_good", "dpo", 2),
        ("reinforcement_good", "reinforcement", 2),
    ],
)
def test_good_files_are_valid(name: str, method: str, examples: int) -> None:
    """Plain chat, weights, tools and tool calls, images (URL and data URL), legacy functions,
    non-Latin text; DPO with tools; reinforcement with every field the grader uses."""
    grader = GRADER if method == "reinforcement" else None
    report = validate_file(FIXTURES / f"{name}.jsonl", method, grader=grader)  # type: ignore[arg-type]
    assert report.valid
    assert report.error_counts == {}
    assert report.examples == examples
    assert all(t > 0 for t in report.tokens.example_tokens)


def test_good_supervised_file_only_warns_of_a_missing_system_message() -> None:
    """Line 5 (legacy function calling) has no system message: the cookbook's warning, not an error."""
    report = validate_file(FIXTURES / "supervised_good.jsonl")
    assert [(i.line, i.kind) for i in report.issues] == [(5, "missing_system_message")]
    assert report.tokens.images == 2


def test_reinforcement_without_a_grader_checks_no_item_field() -> None:
    """Item fields are checked against a given grader only."""
    report = validate_file(FIXTURES / "reinforcement_bad.jsonl", "reinforcement")
    assert _by_line(report) == {2: {"unrecognized_role"}}


def test_the_same_file_under_another_method() -> None:
    """A supervised file read as DPO: every line lacks input and both outputs."""
    report = validate_file(FIXTURES / "supervised_good.jsonl", "dpo")
    assert report.error_counts == {
        "missing_input": 6,
        "missing_preferred_output": 6,
        "missing_non_preferred_output": 6,
    }
