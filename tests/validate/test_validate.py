"""validate_file: limits at their boundaries, unusable files, bounded findings, progress, arguments."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

import ftjobs
from ftjobs import InvalidArgumentError, UnusableFileError, validate_file
from ftjobs import _validate as validate_module

FIXTURES = Path(__file__).parent.parent / "fixtures" / "validate"
GOOD = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello."}]}


def _write(path: Path, lines: list[object]) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def test_an_example_at_the_limit_is_not_over_it_one_token_more_is() -> None:
    """long.jsonl holds examples of 21, 4,096 and 4,097 tokens (cl100k_base); gpt-3.5-turbo-0613
    takes 4,096: only line 3 is over, and it is billed at 4,096."""
    report = validate_file(FIXTURES / "long.jsonl", model="gpt-3.5-turbo-0613")
    tokens = report.tokens
    assert (tokens.encoding, tokens.exact, tokens.limit) == ("cl100k_base", True, 4096)
    assert list(tokens.example_lines) == [1, 2, 3]
    assert list(tokens.example_tokens) == [21, 4096, 4097]
    assert tuple(tokens.over_limit) == (3,)
    assert report.warning_counts == {"over_token_limit": 1, "missing_system_message": 2}
    assert report.valid  # truncation is a warning
    assert tokens.tokens_per_epoch == 21 + 4096 + 4096
    assert tokens.epochs == 25  # 3 examples: 100 // 3, capped at 25
    assert tokens.billed_tokens == 25 * (21 + 4096 + 4096)


def test_without_a_model_nothing_is_capped() -> None:
    """No model: o200k_base, no known limit, every token billed."""
    tokens = validate_file(FIXTURES / "long.jsonl").tokens
    assert (tokens.encoding, tokens.limit, tuple(tokens.over_limit)) == ("o200k_base", None, ())
    assert tokens.tokens_per_epoch == sum(tokens.example_tokens)


def test_distributions() -> None:
    """min, max, mean, median and nearest-rank p5/p95 of tokens and messages per example."""
    report = validate_file(FIXTURES / "long.jsonl", model="gpt-3.5-turbo-0613")
    total = report.tokens.total
    assert total is not None
    assert (total.min, total.max, total.median, total.p5, total.p95) == (21, 4097, 4096, 21, 4097)
    assert total.mean == pytest.approx((21 + 4096 + 4097) / 3)
    messages = report.tokens.messages
    assert messages is not None
    assert (messages.min, messages.max) == (2, 3)
    assistant = report.tokens.assistant
    assert assistant is not None
    assert (assistant.min, assistant.max) == (1, 2)  # "ok" and "Hello."


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.jsonl", "cannot open: No such file or directory"),
        ("empty.jsonl", "empty: no example"),
        ("not_jsonl.json", "not JSONL (line 1: not valid JSON: Expecting property name enclosed in"),
    ],
)
def test_unusable_files(name: str, message: str) -> None:
    """A missing file, blank lines only, a pretty-printed JSON document: UnusableFileError (an
    InvalidArgumentError, an ftjobs.Error), one line naming the file."""
    with pytest.raises(UnusableFileError) as caught:
        validate_file(FIXTURES / name)
    assert str(caught.value).startswith(f"{FIXTURES / name}: {message}")
    assert isinstance(caught.value, ftjobs.Error)
    assert "\n" not in str(caught.value)


def test_a_directory_and_a_binary_file_are_unusable(tmp_path: Path) -> None:
    """A directory cannot be opened; a gzip file (NUL bytes) is given up on at its first line."""
    with pytest.raises(UnusableFileError, match="cannot open"):
        validate_file(tmp_path)
    import gzip

    packed = tmp_path / "train.jsonl.gz"
    packed.write_bytes(gzip.compress(json.dumps(GOOD).encode() * 1000))
    with pytest.raises(UnusableFileError, match=r"not JSONL \(line 1: "):
        validate_file(packed)


def test_no_json_in_the_first_lines_gives_up_there(tmp_path: Path) -> None:
    """GIVE_UP_AFTER lines without JSON: unusable, even if JSON came later; one fewer and a JSON
    line: a report with every bad line."""
    limit = validate_module.GIVE_UP_AFTER
    csv = ["step,train_loss"] * limit + [GOOD]
    with pytest.raises(UnusableFileError, match="not JSONL"):
        validate_file(_write(tmp_path / "a.jsonl", csv))
    report = validate_file(_write(tmp_path / "b.jsonl", csv[1:]))
    assert report.error_counts == {"invalid_json": limit - 1}
    assert report.examples == 1


def test_findings_kept_per_kind_are_bounded(tmp_path: Path) -> None:
    """All findings are counted; the first MAX_ISSUES_PER_KIND of each kind are kept with lines."""
    cap = validate_module.MAX_ISSUES_PER_KIND
    report = validate_file(_write(tmp_path / "t.jsonl", [GOOD] + ["[]"] * (cap + 1)))
    assert report.error_counts == {"data_type": cap + 1}
    assert len(report.errors) == cap
    assert report.errors[-1].line == cap + 1
    assert report.issues_truncated
    exact = validate_file(_write(tmp_path / "u.jsonl", [GOOD] + ["[]"] * cap))
    assert len(exact.errors) == cap
    assert not exact.issues_truncated


def test_an_over_long_line_is_skipped_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A line over MAX_LINE_BYTES is reported and skipped; the next line is read as usual; a line
    exactly at the limit is read."""
    monkeypatch.setattr(validate_module, "MAX_LINE_BYTES", 200)
    at_limit = json.dumps(
        {"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]}
    )
    at_limit = at_limit[:-1] + " " * (199 - len(at_limit)) + "}"
    assert len(at_limit) + 1 == 200  # with its newline
    long = json.dumps({"messages": [{"role": "user", "content": "z" * 5000}]})
    report = validate_file(_write(tmp_path / "t.jsonl", [at_limit, long, GOOD]))
    assert [(i.line, i.kind) for i in report.errors] == [(2, "line_too_long")]
    assert list(report.tokens.example_lines) == [1, 3]


def test_progress_reports_bytes_read(tmp_path: Path) -> None:
    """progress(bytes read, file size) at least every PROGRESS_EVERY bytes, ending at the size."""
    path = _write(tmp_path / "t.jsonl", [GOOD] * 40_000)
    size = path.stat().st_size
    calls: list[tuple[int, int]] = []
    validate_file(path, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (size, size)
    assert len(calls) == size // validate_module.PROGRESS_EVERY + 1
    assert all(total == size for _, total in calls)


def test_bad_arguments() -> None:
    """An unknown method, or a grader for another method: InvalidArgumentError."""
    with pytest.raises(InvalidArgumentError, match="method must be one of supervised, dpo, reinforcement"):
        validate_file(FIXTURES / "long.jsonl", "chat")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="grader"):
        validate_file(FIXTURES / "long.jsonl", grader={"type": "string_check"})


def test_the_report_is_frozen_and_serialisable() -> None:
    """Attributes cannot be set; to_dict is JSON, with each example's line and tokens."""
    report = validate_file(FIXTURES / "long.jsonl", model="gpt-3.5-turbo-0613")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        report.examples = 0  # type: ignore[misc]
    data = json.loads(json.dumps(report.to_dict()))
    assert data["valid"] is True
    assert data["tokens"]["example_lines"] == [1, 2, 3]
    assert data["tokens"]["example_tokens"] == [21, 4096, 4097]
    assert data["tokens"]["billed_tokens"] == 25 * 8213
    assert data["warning_counts"] == {"missing_system_message": 2, "over_token_limit": 1}
