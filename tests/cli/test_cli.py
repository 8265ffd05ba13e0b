"""The ftjobs command line, run as a subprocess against the local server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from ftjobs.testing import admin_url, serve

KEY = "sk-ftjobs-local"
#: The admin API takes the same key as /v1.
ADMIN = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """One fast local server for the module."""
    with serve(step_seconds=0.05) as url:
        yield url


@pytest.fixture(scope="module")
def slow_server() -> Iterator[str]:
    """A server whose jobs stay running for seconds, for pause/resume and timeouts."""
    with serve(step_seconds=1.0) as url:
        yield url


def _env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PORTKEY_", "AZURE_"))}
    env.update({"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": url, "NO_COLOR": "1", **extra})
    return env


def ftjobs(url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m ftjobs ARGS` with the server's URL and key in the environment."""
    return subprocess.run(
        [sys.executable, "-m", "ftjobs", *args],
        env=env or _env(url),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _create(url: str, *extra: str) -> dict[str, Any]:
    result = ftjobs(
        url, "create", "--model", "gpt-4o-mini", "--training-file", "file-abc123", "--json", *extra
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_retrieve_human_and_json(server: str) -> None:
    """retrieve prints an aligned block, or the job as JSON that parses back."""
    human = ftjobs(server, "retrieve", "ftjob-abc123")
    assert human.returncode == 0
    assert "id                ftjob-abc123" in human.stdout
    assert "status            succeeded" in human.stdout
    as_json = json.loads(ftjobs(server, "retrieve", "ftjob-abc123", "--json").stdout)
    assert as_json["id"] == "ftjob-abc123"
    assert as_json["object"] == "fine_tuning.job"


def test_create_with_method_flags(server: str) -> None:
    """create builds the method object from flags; --json returns the created job."""
    job = _create(server, "--method", "dpo", "--n-epochs", "2", "--metadata", "team=ml", "--suffix", "demo")
    assert job["status"] == "validating_files"
    assert job["method"]["type"] == "dpo"
    assert job["method"]["dpo"]["hyperparameters"]["n_epochs"] == 2
    assert job["metadata"] == {"team": "ml"}


def test_wait_plain_lines_when_piped(server: str) -> None:
    """wait, piped, prints one plain line per status (no escape codes) and exits 0 on success."""
    job = _create(server)
    result = ftjobs(server, "wait", job["id"], "--poll-interval", "0.05", "--max-poll-interval", "0.1")
    assert result.returncode == 0, result.stderr
    *lines, done = result.stdout.splitlines()  # the last line: the model (tests/cli/test_edges.py)
    assert "\x1b" not in result.stdout
    assert "\r" not in result.stdout
    assert lines[-1].split()[1] == "succeeded"
    assert "tokens" in lines[-1]
    assert "elapsed" in lines[-1]
    assert done.startswith("fine_tuned_model ft:")
    statuses = [line.split()[1] for line in lines]
    assert len(statuses) == len(set(statuses))


def test_wait_live_progress_in_terminal(server: str) -> None:
    """wait in a pseudo-terminal redraws one progress line with \\r, and colours it unless NO_COLOR."""
    job = _create(server)
    env = _env(server)
    env.pop("NO_COLOR")
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execve(
            sys.executable,
            [sys.executable, "-m", "ftjobs", "wait", job["id"], "--poll-interval", "0.05"],
            env,
        )
    output = b""
    deadline = time.monotonic() + 30
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
    text = output.decode()
    assert os.waitstatus_to_exitcode(status) == 0
    assert text.count("\r") >= 2
    assert "\x1b[K" in text
    assert "\x1b[32msucceeded\x1b[0m" in text


def test_wait_exit_codes_failed_cancelled(slow_server: str) -> None:
    """wait exits 3 for a failed job, 4 for a cancelled one."""
    server = slow_server
    failed = _create(server)
    httpx2.post(admin_url(server, f"jobs/{failed['id']}/fail"), json={}, headers=ADMIN).raise_for_status()
    result = ftjobs(server, "wait", failed["id"], "--poll-interval", "0.05")
    assert result.returncode == 3
    assert "failed" in result.stderr

    cancelled = _create(server)
    assert ftjobs(server, "cancel", cancelled["id"]).returncode == 0
    assert ftjobs(server, "wait", cancelled["id"], "--poll-interval", "0.05").returncode == 4


def test_wait_timeout_exit_code(slow_server: str) -> None:
    """wait gives up after --timeout with exit 5 and says so on stderr."""
    job = _create(slow_server)
    result = ftjobs(slow_server, "wait", job["id"], "--timeout", "0.3", "--poll-interval", "0.1")
    assert result.returncode == 5
    assert "did not finish within 0.3s" in result.stderr


def test_pause_resume_cancel(slow_server: str) -> None:
    """pause/resume/cancel print the job; an invalid transition is an API error with exit 1."""
    server = slow_server
    job = _create(server)
    deadline = time.monotonic() + 10
    while json.loads(ftjobs(server, "retrieve", job["id"], "--json").stdout)["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    paused = ftjobs(server, "pause", job["id"], "--json")
    assert json.loads(paused.stdout)["status"] == "paused"
    assert json.loads(ftjobs(server, "resume", job["id"], "--json").stdout)["status"] == "running"
    assert json.loads(ftjobs(server, "cancel", job["id"], "--json").stdout)["status"] == "cancelled"
    again = ftjobs(server, "pause", job["id"])
    assert again.returncode == 1
    assert "request_id=req_" in again.stderr


def test_list_status_filter_limit_and_json_lines(server: str) -> None:
    """list filters by status, limits, and --json prints one parseable job per line."""
    for _ in range(3):
        _create(server)
    lines = ftjobs(server, "list", "--all", "--json").stdout.splitlines()
    jobs = [json.loads(line) for line in lines]
    assert len(jobs) >= 5
    assert len({j["id"] for j in jobs}) == len(jobs)
    succeeded = [
        json.loads(x)
        for x in ftjobs(server, "list", "--status", "succeeded", "--all", "--json").stdout.splitlines()
    ]
    assert succeeded
    assert {j["status"] for j in succeeded} == {"succeeded"}
    table = ftjobs(server, "list", "--limit", "2").stdout.splitlines()
    assert table[0].split()[:2] == ["ID", "STATUS"]
    assert len(table) == 3


def test_events_and_checkpoints(server: str) -> None:
    """events (oldest first), events --follow until the end, checkpoints as table and JSON lines."""
    job = _create(server)
    follow = ftjobs(server, "events", job["id"], "--follow", "--poll-interval", "0.05", "--json")
    assert follow.returncode == 0, follow.stderr
    messages = [json.loads(line)["message"] for line in follow.stdout.splitlines()]
    assert messages[0].startswith("Created fine-tuning job")
    assert messages[-1] == "The job has successfully completed"
    plain = ftjobs(server, "events", job["id"], "--limit", "3").stdout.splitlines()
    assert len(plain) == 3
    assert plain[-1].endswith("The job has successfully completed")
    ckpts = [json.loads(x) for x in ftjobs(server, "checkpoints", job["id"], "--json").stdout.splitlines()]
    assert ckpts
    assert all(c["fine_tuning_job_id"] == job["id"] for c in ckpts)
    assert ftjobs(server, "checkpoints", job["id"]).stdout.startswith("ID")


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("retrieve", "ftjob-nope"), 1, "No such fine-tuning job"),
        (("retrieve", "../files/x"), 2, "contains '/'"),
        (("retrieve",), 2, "the following arguments are required"),
        (("frobnicate",), 2, "invalid choice"),
        (("list", "--limit", "0"), 2, "must be >= 1"),
        (("create", "--model", "m", "--training-file", "f", "--method-json", "{oops"), 2, "not JSON"),
    ],
)
def test_errors_and_exit_codes(server: str, args: tuple[str, ...], code: int, needle: str) -> None:
    """API errors exit 1 with message and request id on stderr; usage errors exit 2."""
    result = ftjobs(server, *args)
    assert result.returncode == code
    assert needle in result.stderr
    assert result.stdout == ""


def test_missing_and_wrong_key(server: str) -> None:
    """No key: exit 2 naming the variable. Wrong key: exit 1 (401) without echoing the key."""
    env = _env(server)
    env.pop("OPENAI_API_KEY")
    result = ftjobs(server, "retrieve", "ftjob-abc123", env=env)
    assert result.returncode == 2
    assert "OPENAI_API_KEY" in result.stderr
    wrong = "sk-wrong-UNIQUE-4411"
    result = ftjobs(server, "retrieve", "ftjob-abc123", env=_env(server, OPENAI_API_KEY=wrong))
    assert result.returncode == 1
    assert "401" in result.stderr
    assert wrong not in result.stderr + result.stdout


def test_unreachable_server_is_api_error() -> None:
    """A server that is not there: exit 1 with a connection error, no traceback."""
    result = ftjobs("http://127.0.0.1:9/v1", "retrieve", "ftjob-abc123", "--max-retries", "0")
    assert result.returncode == 1
    assert "connection failed" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_names_env_not_keys() -> None:
    """--help documents keys as environment variables, with no key-looking argument."""
    result = subprocess.run(
        [sys.executable, "-m", "ftjobs", "--help"], capture_output=True, text=True, check=True
    )
    assert "OPENAI_API_KEY" in result.stdout
    assert "--api-key" not in result.stdout


def test_serve_subcommand_starts_without_httpx() -> None:
    """`ftjobs serve` answers on its announced URL; the serve path never imports httpx2."""
    code = (  # once the server announces itself: say whether httpx2 is loaded, and stop
        "import os, sys, threading\n"
        "from ftjobs._cli import main\n"
        "class Out:\n"
        "    def write(self, text):\n"
        "        sys.__stdout__.write(text)\n"
        "        if 'listening' in text:\n"
        "            sys.__stdout__.write(f'\\nHTTPX {\"httpx2\" in sys.modules}\\n')\n"
        "            sys.__stdout__.flush()\n"
        "            os._exit(0)\n"
        "        return len(text)\n"
        "    def flush(self):\n"
        "        sys.__stdout__.flush()\n"
        "sys.stdout = Out()\n"
        "threading.Timer(20, lambda: os._exit(1)).start()\n"
        "main(['serve', '--port', '0', '--quiet'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert "ftjobs local API listening on http://127.0.0.1:" in result.stdout
    assert "HTTPX False" in result.stdout
