"""CLI output: no string from a server can crash the command line or drive the terminal.

A hostile server puts a lone surrogate, terminal escape sequences, BEL, NUL, CR/LF, C1 controls and a
bidi override into every string it sends (job fields, events, checkpoints, error messages and codes,
the request id). Every command, in table, ``--json`` and JSON-lines form, exits with its documented
code, writes valid UTF-8 with no control character but its own, shows the hostile text escaped, and
keeps it exactly in JSON (the same string once parsed).
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from .loopback import Loopback

#: Everything a terminal or an encoder could choke on, in one string.
HOSTILE = "x\ud800\x1b[2J\x1b]0;pwned\x07\r\n\x00\x9b31m\u202eevil\u2028z"
#: How the human output shows it: every unsafe character as an escape.
SHOWN = r"x\ud800\x1b[2J\x1b]0;pwned\x07\x0d\x0a\x00\x9b31m\u202eevil\u2028z"
#: A request id in bytes no HTTP library refuses (obs-text), read back as a C1 control (CSI).
REQUEST_ID = "req_\x9b2J"
#: Control characters allowed in what the CLI writes: newline (and tab, unused).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _job(job_id: str, status: str) -> dict[str, Any]:
    return {
        "object": "fine_tuning.job",
        "id": job_id,
        "status": status,
        "model": HOSTILE,
        "created_at": 1721764800,
        "fine_tuned_model": HOSTILE,
        "training_file": HOSTILE,
        "validation_file": HOSTILE,
        "result_files": [],
        "metadata": {HOSTILE: HOSTILE},
        "method": {"type": HOSTILE},
        "error": {"code": HOSTILE, "message": HOSTILE, "param": None} if status == "failed" else None,
    }


EVENT = {
    "object": "fine_tuning.job.event",
    "id": "ftevent-1",
    "created_at": 1721764800,
    "level": HOSTILE,
    "message": HOSTILE,
    "type": "message",
}
CHECKPOINT = {
    "object": "fine_tuning.job.checkpoint",
    "id": "ftckpt-1",
    "created_at": 1721764800,
    "fine_tuned_model_checkpoint": HOSTILE,
    "fine_tuning_job_id": "ftjob-ok",
    "step_number": 10,
    "metrics": {"train_loss": 0.5},
}


def _hostile(method: str, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """Jobs, lists and errors full of HOSTILE; ``ftjob-error`` answers 400, ``ftjob-failed`` a failed job."""
    head = {"Content-Type": "application/json", "x-request-id": REQUEST_ID}
    parts = path.split("?", maxsplit=1)[0].rstrip("/").split("/")
    if "ftjob-error" in parts:
        body = {"error": {"message": HOSTILE, "code": HOSTILE, "type": HOSTILE, "param": HOSTILE}}
        return 400, head, json.dumps(body).encode()
    if "ftjob-nan" in parts:  # NaN is not JSON (RFC 8259): a damaged body
        odd = [{**CHECKPOINT, "metrics": {"train_loss": "NaN"}}]
        text = json.dumps({"object": "list", "data": odd, "has_more": False})
        return 200, head, text.replace('"NaN"', "NaN").encode()
    if "ftjob-odd" in parts:  # numbers no float holds, and a field of the wrong type
        if parts[-1] == "checkpoints":
            odd = [{**CHECKPOINT, "metrics": {"train_loss": 10**400}}]
            return 200, head, json.dumps({"object": "list", "data": odd, "has_more": False}).encode()
        return 200, head, json.dumps({**_job("ftjob-odd", "running"), "model": 10**400}).encode()
    if "ftjob-metrics" in parts and parts[-1] in ("events", "checkpoints"):
        # a metrics event whose unknown field is hostile in name and value; a loss no float holds
        data = {"step": 3, "train_loss": 1.2345678901234568e29, HOSTILE: HOSTILE}
        events = [{**EVENT, "type": "metrics", "data": data}] if parts[-1] == "events" else []
        return 200, head, json.dumps({"object": "list", "data": events, "has_more": False}).encode()
    if parts[-1] == "events":
        doc: Any = {"object": "list", "data": [EVENT], "has_more": False}
    elif parts[-1] == "checkpoints":
        doc = {"object": "list", "data": [CHECKPOINT], "has_more": False}
    elif parts[-1] == "jobs":
        doc = (
            _job("ftjob-new", HOSTILE)
            if method == "POST"
            else {"object": "list", "data": [_job("ftjob-ok", HOSTILE)], "has_more": False}
        )
    else:
        job_id = parts[-1] if parts[-1].startswith("ftjob-") else parts[-2]
        doc = _job(job_id, {"ftjob-failed": "failed", "ftjob-done": "succeeded"}.get(job_id, HOSTILE))
    return 200, head, json.dumps(doc).encode()  # ensure_ascii: the surrogate travels as \ud800


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    with Loopback(_hostile) as server:
        yield server.origin + "/v1"


def _env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PORTKEY_", "AZURE_"))}
    env.pop("PYTHONIOENCODING", None)
    return {**env, "OPENAI_API_KEY": "sk-cli-output", "OPENAI_BASE_URL": url, "NO_COLOR": "1", **extra}


def _run(url: str, args: list[str], **env: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``python -m ftjobs ARGS``, both streams checked as strict UTF-8."""
    result = subprocess.run(
        [sys.executable, "-m", "ftjobs", *args],
        env=_env(url, **env),
        capture_output=True,
        timeout=60,
        check=False,
    )
    return result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")


def _strings(doc: Any) -> list[str]:
    """Every string in a JSON document, keys included."""
    if isinstance(doc, str):
        return [doc]
    if isinstance(doc, dict):
        return [s for k, v in doc.items() for s in (k, *_strings(v))]
    if isinstance(doc, list):
        return [s for v in doc for s in _strings(v)]
    return []


def _assert_safe(out: str, err: str) -> None:
    assert "Traceback" not in err, err
    for text in (out, err):
        assert not _CONTROL.search(text), repr(text)
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


HUMAN = {
    "retrieve": ["retrieve", "ftjob-ok"],
    "list": ["list"],
    "list-all": ["list", "--all"],
    "create": ["create", "--model", "m", "--training-file", "file-1"],
    "cancel": ["cancel", "ftjob-ok"],
    "pause": ["pause", "ftjob-ok"],
    "resume": ["resume", "ftjob-ok"],
    "events": ["events", "ftjob-ok"],
    "events-follow": ["events", "ftjob-done", "--follow", "--poll-interval", "0.05"],
    "checkpoints": ["checkpoints", "ftjob-ok"],
    "wait": ["wait", "ftjob-done", "--poll-interval", "0.05"],
}


@pytest.mark.parametrize("name", sorted(HUMAN))
def test_human_output_escapes_every_server_string(hostile: str, name: str) -> None:
    """Tables and blocks exit 0 and show each hostile string escaped, on one line."""
    code, out, err = _run(hostile, HUMAN[name])
    _assert_safe(out, err)
    assert code == 0, err
    if name != "wait":  # wait shows the id, status and progress only
        assert SHOWN in out


@pytest.mark.parametrize("name", sorted(HUMAN))
def test_json_output_keeps_every_server_string_exactly(hostile: str, name: str) -> None:
    """--json and JSON lines exit 0, every line parses, and the hostile string comes back unchanged."""
    code, out, err = _run(hostile, [*HUMAN[name], "--json"])
    _assert_safe(out, err)
    assert code == 0, err
    docs = [json.loads(line) for line in out.splitlines()]
    assert docs
    assert all(HOSTILE in _strings(doc) for doc in docs)


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
@pytest.mark.parametrize("op", ["retrieve", "cancel", "events", "checkpoints"])
def test_error_message_code_and_request_id_are_escaped_on_stderr(
    hostile: str, op: str, json_flag: list[str]
) -> None:
    """A 400 whose message, code and request id are hostile: exit 1, one escaped line on stderr."""
    code, out, err = _run(hostile, [op, "ftjob-error", "--max-retries", "0", *json_flag])
    _assert_safe(out, err)
    assert code == 1
    assert SHOWN in err
    assert r"req_\x9b2J" in err
    assert len(err.strip().splitlines()) == 1


def test_wait_reports_a_failed_job_with_escaped_error(hostile: str) -> None:
    """wait on a failed job whose error code/message are hostile: exit 3, the error escaped on stderr."""
    code, out, err = _run(hostile, ["wait", "ftjob-failed", "--poll-interval", "0.05"])
    _assert_safe(out, err)
    assert code == 3
    assert SHOWN in err


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_numbers_no_float_holds_and_wrong_types_never_crash(hostile: str, json_flag: list[str]) -> None:
    """A 400-digit train_loss is shown; NaN (not JSON) and a job field of the wrong type are exit 1,
    one line each."""
    code, out, err = _run(hostile, ["checkpoints", "ftjob-odd", *json_flag])
    _assert_safe(out, err)
    assert code == 0, err
    assert "1" + "0" * 400 in out
    code, out, err = _run(hostile, ["checkpoints", "ftjob-nan", "--max-retries", "0", *json_flag])
    _assert_safe(out, err)
    assert code == 1
    assert "NaN is not JSON" in err
    assert len(err.strip().splitlines()) == 1
    code, out, err = _run(hostile, ["retrieve", "ftjob-odd", *json_flag])
    _assert_safe(out, err)
    assert code == 1
    assert "model" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("mode", [[], ["--table"], ["--csv"], ["--json"]])
def test_metrics_escape_field_names_and_values(hostile: str, mode: list[str]) -> None:
    """ftjobs metrics on a series whose unknown field is hostile in name and value, and whose one loss
    (1.2e29) leaves no room around it: the chart draws, the table and CSV show the field escaped,
    JSON keeps it exactly."""
    code, out, err = _run(hostile, ["metrics", "ftjob-metrics", *mode])
    _assert_safe(out, err)
    assert code == 0, err
    if mode == ["--json"]:
        assert [HOSTILE in _strings(json.loads(line)) for line in out.splitlines()] == [True]
    elif mode:
        assert out.count(SHOWN) == 1 + (mode == ["--csv"])  # the header (CSV: and the value)
    else:
        assert "(step 3)" in out and "1.235e+29" in out


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_encoding_without_the_characters_does_not_crash(hostile: str, encoding: str) -> None:
    """With a stdout encoding that lacks them, non-ASCII server strings are written as escapes."""
    result = subprocess.run(
        [sys.executable, "-m", "ftjobs", "retrieve", "ftjob-ok"],
        env={**_env(hostile), "PYTHONIOENCODING": encoding},
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert SHOWN.encode() in result.stdout


def test_in_a_real_terminal_only_colour_codes_reach_it(hostile: str) -> None:
    """In a pseudo-terminal with colour on, the only escape sequences written are the CLI's colours."""
    env = _env(hostile)
    env.pop("NO_COLOR")
    env["TERM"] = "xterm"
    outputs: dict[str, tuple[int, str]] = {}
    for name in ("retrieve", "list", "events"):
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.execve(sys.executable, [sys.executable, "-m", "ftjobs", *HUMAN[name]], env)
        output = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        _, status = os.waitpid(pid, 0)
        outputs[name] = (os.waitstatus_to_exitcode(status), output.decode("utf-8"))
    for name, (code, text) in outputs.items():
        assert code == 0, (name, text)
        assert "Traceback" not in text
        assert SHOWN in text, name
        without_colours = re.sub("\x1b\\[[0-9;]*m", "", text).replace("\r\n", "\n")
        assert not _CONTROL.search(without_colours), (name, repr(text))
