"""`ftjobs serve`: the accepted key from --api-key or FTJOBS_SERVE_API_KEY; the missing extra."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx2
import pytest

from ftjobs._cli import SERVE_KEY_ENV


def _serve(args: list[str], env: dict[str, str]) -> tuple[str, subprocess.Popen[str]]:
    child = subprocess.Popen(
        [sys.executable, "-m", "ftjobs", "serve", "--port", "0", "--quiet", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.startswith("ftjobs local API listening on http://127.0.0.1:"), (
        child.stderr and child.stderr.read()
    )
    return line.split()[-1], child


@pytest.mark.parametrize(
    ("args", "env_key", "accepted"),
    [
        (["--api-key", "sk-from-flag"], None, "sk-from-flag"),
        ([], "sk-from-env", "sk-from-env"),
        (["--api-key", "sk-flag-wins"], "sk-from-env", "sk-flag-wins"),
        ([], None, "sk-ftjobs-local"),
    ],
)
def test_the_accepted_key(args: list[str], env_key: str | None, accepted: str) -> None:
    """--api-key, else $FTJOBS_SERVE_API_KEY, else the default; the key is never printed."""
    env = {k: v for k, v in os.environ.items() if k != SERVE_KEY_ENV}
    if env_key is not None:
        env[SERVE_KEY_ENV] = env_key
    url, child = _serve(args, env)
    try:
        job = url + "/fine_tuning/jobs/ftjob-abc123"
        assert httpx2.get(job, headers={"Authorization": f"Bearer {accepted}"}).status_code == 200
        for other in {"sk-from-flag", "sk-from-env", "sk-flag-wins", "sk-ftjobs-local"} - {accepted}:
            assert httpx2.get(job, headers={"Authorization": f"Bearer {other}"}).status_code == 401
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err
    assert accepted not in out + err


def test_missing_server_extra_exits_2_with_the_install_line() -> None:
    """Without jsonschema, `ftjobs serve` says how to install the extra, in one line, exit 2."""
    code = (
        "import sys; sys.modules['jsonschema'] = None\n"
        "from ftjobs._cli import main\n"
        "sys.exit(main(['serve', '--port', '0']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "pip install 'ftjobs[server]'" in lines[0]
    assert lines[0].startswith("ftjobs serve: ")


def test_the_flavor() -> None:
    """--flavor portkey-bedrock answers in Bedrock's shapes through the gateway: {id}-only creates."""
    url, child = _serve(["--flavor", "portkey-bedrock"], dict(os.environ))
    try:
        auth = {"Authorization": "Bearer sk-ftjobs-local"}
        body = {"model": "m", "training_file": "file-t", "role_arn": "arn:aws:iam::1:role/ft"}
        created = httpx2.post(url + "/fine_tuning/jobs", json=body, headers=auth).json()
        assert list(created) == ["id"] and created["id"].startswith("arn%3Aaws%3Abedrock%3A")
        job = httpx2.get(f"{url}/fine_tuning/jobs/{created['id']}", headers=auth).json()
        assert (job["id"], job["object"]) == (created["id"], "finetune")
        child.send_signal(signal.SIGINT)
        child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0


def test_an_unknown_flavor_exits_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ftjobs", "serve", "--flavor", "bedrock"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "invalid choice: 'bedrock'" in result.stderr
