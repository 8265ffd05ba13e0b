"""`make demo` (scripts/demo.py) prints each `$ ftjobs ...` command followed by what that command
printed, and the README's transcript of it is a real run: the test runs the demo and compares the
README's blocks with the demo's, with what differs from run to run (ids, times, the port, the model
suffix made from the job id) put aside on both sides."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
VOLATILE = [
    (re.compile(r"ftjob-[A-Za-z0-9]{24}"), "ftjob-<id>"),
    (re.compile(r"ftckpt_[A-Za-z0-9]{24}"), "ftckpt_<id>"),
    (re.compile(r"file-[A-Za-z0-9]{24}"), "file-<id>"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"), "<time> UTC"),
    (re.compile(r"org-ftjobs-local::[a-z0-9]{8}"), "org-ftjobs-local::<suffix>"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:<port>"),
]


def normal(text: str) -> str:
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


def blocks(transcript: str) -> dict[str, str]:
    """`$ ftjobs ARGS` (normalised) -> the lines printed after it, up to the next command."""
    out: dict[str, str] = {}
    for chunk in transcript.split("$ ftjobs ")[1:]:
        command, _, printed = chunk.partition("\n")
        out[normal(command)] = normal(printed.rstrip("\n"))
    return out


def readme_transcript() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"`make demo` needs no network.*?```text\n(.*?)```", text, re.DOTALL)
    assert found is not None
    return found.group(1)


@pytest.fixture(scope="module")
def demo() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "scripts.demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_readme_transcript_is_what_the_demo_prints(demo: str) -> None:
    ours = blocks(demo)
    shown = blocks(readme_transcript())
    assert [c.split()[0] for c in shown] == ["upload", "create", "retrieve", "list"]
    for command, printed in shown.items():
        assert command in ours, (command, list(ours))
        assert ours[command] == printed, command


def test_each_command_is_followed_by_its_own_output(demo: str) -> None:
    """No line of the demo's own between a command and its output: create prints the job (not a
    summary), and every later command names the job create printed."""
    ours = blocks(demo)
    commands = [c.split()[0] for c in ours]
    assert commands == [
        "validate",
        "upload",
        "create",
        "wait",
        "retrieve",
        "checkpoints",
        "list",
        "metrics",
        "results",
    ]
    create = next(v for k, v in ours.items() if k.startswith("create"))
    assert create.splitlines()[:2] == ["id                ftjob-<id>", "status            validating_files"]
    created_id = re.search(r"^id +(ftjob-\S+)", demo.split("$ ftjobs create")[1], re.MULTILINE)
    assert created_id is not None
    later = demo.split("$ ftjobs wait ")[1]
    assert later.startswith(created_id.group(1))
    assert (
        "fine_tuned_model ft:gpt-4o-mini:org-ftjobs-local::<suffix>  trained_tokens 12,288"
        in ours[next(k for k in ours if k.startswith("wait"))]
    )


def test_the_demo_starts_from_local_files_and_ends_with_the_results(demo: str) -> None:
    """validate says the training file is valid; create names the local file and the job trains on
    an uploaded copy (a new file id); results prints one row per step, steps 1 to 6."""
    ours = blocks(demo)
    validate = next(v for k, v in ours.items() if k.startswith("validate ./train.jsonl"))
    assert validate.splitlines()[0] == "./train.jsonl: supervised, 10 examples in 10 lines: valid, 0 warnings"
    create_command = next(k for k in ours if k.startswith("create"))
    assert "--training-file ./train.jsonl --validation-file file-<id>" in create_command
    assert "training_file     file-<id>" in ours[create_command]
    results = ours[next(k for k in ours if k.startswith("results"))].split("\n\n")[0].splitlines()
    columns = ["step", "train_loss", "train_accuracy", "valid_loss", "valid_mean_token_accuracy"]
    assert results[0].split() == columns
    assert [line.split()[0] for line in results[1:]] == ["1", "2", "3", "4", "5", "6"]
