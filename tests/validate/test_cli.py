"""`ftjobs validate`: exit codes, the text and JSON reports, --grader-json, the progress bar, and
the options it refuses (it makes no API call)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ftjobs._cli import main
from ftjobs._cli._validate import BAR_WIDTH, _Bar

FIXTURES = Path(__file__).parent.parent / "fixtures" / "validate"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_valid_file_exits_0_with_the_token_table(capsys: pytest.CaptureFixture[str]) -> None:
    """The verdict line, the warnings with their lines, the token table, limit, epochs and bill."""
    code, out, err = _run(capsys, str(FIXTURES / "long.jsonl"), "--model", "gpt-3.5-turbo-0613")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"{FIXTURES / 'long.jsonl'}: supervised, 3 examples in 3 lines: valid, 3 warnings"
    assert "3     over_token_limit        4,097 tokens, over the model's 4,096: truncated" in lines
    assert "tokens (cl100k_base):" in lines
    assert "tokens per example            21   4,097  2,738.0  4,096.0  21  4,097" in lines
    assert lines[-6:] == [
        "example limit     4,096",
        "examples over it  1",
        "images            0",
        "tokens per epoch  8,213",
        "default epochs    25",
        "billed tokens     205,325 (epochs x tokens per epoch)",
    ]


def test_an_invalid_file_exits_1_listing_errors_by_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Errors come first, one row per finding: line, kind, message."""
    code, out, _ = _run(capsys, str(FIXTURES / "supervised_bad.jsonl"))
    assert code == 1
    assert ": supervised, 22 examples in 26 lines: INVALID: 19 errors, 8 warnings" in out.splitlines()[0]
    assert "2     data_type                          the line is an array, not a JSON object" in out


def test_json_is_the_whole_report(capsys: pytest.CaptureFixture[str]) -> None:
    """--json, after or before the subcommand: one JSON object, the report's to_dict."""
    code, out, _ = _run(capsys, str(FIXTURES / "dpo_bad.jsonl"), "--method", "dpo", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["method"] == "dpo"
    assert data["error_counts"]["missing_input"] == 1
    assert main(["--json", "validate", str(FIXTURES / "dpo_good.jsonl"), "--method", "dpo"]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True


def test_grader_json_from_a_file_or_inline(capsys: pytest.CaptureFixture[str]) -> None:
    """The grader's {{item.x}} fields are checked; a bad grader or method: exit 2, one line."""
    path = str(FIXTURES / "reinforcement_bad.jsonl")
    grader = str(FIXTURES / "grader.json")
    code, out, _ = _run(capsys, path, "--method", "reinforcement", "--grader-json", grader, "--json")
    assert code == 1
    assert json.loads(out)["error_counts"] == {"unrecognized_role": 1, "missing_item_field": 2}
    inline = '{"type": "string_check", "input": "{{sample.output_text}}", "reference": "{{item.answer}}"}'
    code, out, _ = _run(capsys, path, "--method", "reinforcement", "--grader-json", inline, "--json")
    assert json.loads(out)["error_counts"]["missing_item_field"] == 4
    code, out, err = _run(capsys, path, "--method", "reinforcement", "--grader-json", "[1]")
    assert (code, out) == (2, "")
    assert err.startswith("ftjobs validate: error: --grader-json") and err.count("\n") == 1
    code, _, err = _run(capsys, path, "--grader-json", grader)
    assert (code, err) == (2, "ftjobs validate: error: --grader-json goes with --method reinforcement\n")


@pytest.mark.parametrize("name", ["missing.jsonl", "not_jsonl.json", "empty.jsonl"])
def test_unusable_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], name: str) -> None:
    """A missing file, a JSON document, an empty file: exit 2, one line on stderr, nothing on stdout."""
    code, out, err = _run(capsys, str(FIXTURES / name))
    assert (code, out) == (2, "")
    assert err.startswith(f"ftjobs validate: error: {FIXTURES / name}: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("option", [["--provider", "azure"], ["--max-retries", "3"]])
def test_client_options_are_refused(capsys: pytest.CaptureFixture[str], option: list[str]) -> None:
    """validate calls no API: a client option, before the subcommand, is a usage error (exit 2)."""
    with pytest.raises(SystemExit) as caught:
        main([*option, "validate", str(FIXTURES / "long.jsonl")])
    assert caught.value.code == 2
    assert f"ftjobs validate: error: {option[0]}: not an option of validate" in capsys.readouterr().err


def test_no_key_is_needed(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """No OPENAI_API_KEY (or any other): validate still runs."""
    for name in ("OPENAI_API_KEY", "PORTKEY_API_KEY", "AZURE_OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert _run(capsys, str(FIXTURES / "supervised_good.jsonl"))[0] == 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_draws_in_place_and_clears() -> None:
    """A carriage return, the bar, the share and MB; the last call always draws; clear erases it."""
    stream = _Terminal()
    bar = _Bar(stream)
    bar(0, 2_000_000)
    bar(1_000_000, 2_000_000)  # within the redraw interval: skipped
    bar(2_000_000, 2_000_000)
    drawn = stream.getvalue().split("\r")[1:]
    assert drawn == [
        f"[{'-' * BAR_WIDTH}]   0%  0.0 / 2.0 MB",
        f"[{'#' * BAR_WIDTH}] 100%  2.0 / 2.0 MB",
    ]
    bar.clear()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_no_progress_bar_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    """stderr not a terminal (as here): nothing but findings is written."""
    assert _run(capsys, str(FIXTURES / "supervised_good.jsonl"))[2] == ""


def test_the_readme_transcript_is_true(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README's `ftjobs validate` transcript is what the command prints for the file shown above it."""
    import re

    readme = (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Validating training data") :]
    lines = re.search(r"```jsonl\n(.*?)```", section, re.DOTALL)
    transcript = re.search(r"```\n\$ ftjobs validate (\S+) (.*?)\n(.*?)```", section, re.DOTALL)
    assert lines is not None and transcript is not None
    (tmp_path / transcript.group(1)).write_text(lines.group(1))
    monkeypatch.chdir(tmp_path)
    code = main(["validate", transcript.group(1), *transcript.group(2).split()])
    assert code == 1
    assert capsys.readouterr().out == transcript.group(3)


def test_validate_loads_no_http_stack() -> None:
    """`ftjobs validate` imports only what it needs: no httpx2, no generated models, no server (the
    three-constant ``httpx2.__version__`` that ``import ftjobs`` puts in place, ``_preload``, is
    not httpx2: httpx2 itself is not imported)."""
    import subprocess
    import sys

    code = (
        "import sys; from ftjobs._cli import main;"
        f"code = main(['validate', {str(FIXTURES / 'supervised_good.jsonl')!r}, '--json']);"
        "print(code, sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('httpx2', 'httpcore2', 'ftjobs_generated', 'jsonschema')"
        " and m != 'httpx2.__version__'), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "0 []"


def test_a_model_without_a_known_limit_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    """o4-mini: o200k_base, and the limit is 'unknown for o4-mini' (without --model: 'give --model')."""
    path = str(FIXTURES / "reinforcement_good.jsonl")
    code, out, _ = _run(capsys, path, "--method", "reinforcement", "--model", "o4-mini")
    assert code == 0
    assert "tokens (o200k_base):" in out.splitlines()
    assert "example limit     unknown for o4-mini" in out.splitlines()
    assert "example limit     unknown (give --model)" in _run(capsys, path, "--method", "reinforcement")[1]
