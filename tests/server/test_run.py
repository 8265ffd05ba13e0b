"""run(): the blocking entry of `ftjobs serve`, in a child process stopped by a signal."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest

CHILD = """
import sys
from ftjobs._server import run
run(port=0, db=sys.argv[1], api_key="sk-run", step_seconds=0.05, log_requests=True)
print("stopped cleanly", flush=True)
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_run_until_signal(tmp_path: Path, signum: signal.Signals) -> None:
    """run() prints one line with the URL when ready, serves, and stops cleanly on the signal."""
    db = tmp_path / "run.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("ftjobs local API listening on http://127.0.0.1:")
        url = line.split()[-1]
        assert url.endswith("/v1")
        response = httpx2.get(
            url + "/fine_tuning/jobs/ftjob-abc123", headers={"Authorization": "Bearer sk-run"}
        )
        assert response.status_code == 200
        child.send_signal(signum)
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err
    assert out == "stopped cleanly\n"
    assert "GET /v1/fine_tuning/jobs/ftjob-abc123" in err  # one log line per request on stderr
    assert "sk-run" not in out + err  # the key is never printed
    assert db.exists()
