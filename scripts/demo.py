"""`make demo`: the main job, offline, from a local JSONL file. Starts `ftjobs serve` on a free local
port, then drives the real CLI against it, in a scratch folder holding ./train.jsonl and ./valid.jsonl
(scripts/demo_data): validate the training file, upload the validation file, create a job from the
local training file (validated, uploaded and waited for by create), wait for it (live progress line),
retrieve it, list jobs, draw the job's loss curve (`ftjobs metrics`: a chart on a terminal, a table
when piped) and read its result file (`ftjobs results`); stops the server.
Each `$ ftjobs ...` line is followed by what that command printed (README "Quick start" shows a run;
tests/test_demo.py runs the demo and checks that transcript against it).

No network beyond 127.0.0.1 and no real keys: the local server's own key is used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOCAL_KEY = "sk-ftjobs-local"
DATA = Path(__file__).resolve().parent / "demo_data"


def _cli(
    *args: str, env: dict[str, str], cwd: str, capture: bool = False
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "ftjobs", *args]
    print(f"\n$ ftjobs {' '.join(args)}", flush=True)
    return subprocess.run(cmd, env=env, cwd=cwd, text=True, capture_output=capture, check=False, timeout=120)


def job_id_of(shown: str) -> str:
    """The id in `ftjobs create`'s output (its first row: `id  ftjob-...`)."""
    name, _, value = shown.partition("\n")[0].partition(" ")
    if name != "id" or not value.strip():
        raise SystemExit(f"demo: `ftjobs create` printed no job id: {shown[:200]!r}")
    return value.strip()


def main() -> int:
    started = time.monotonic()
    server = subprocess.Popen(
        [sys.executable, "-m", "ftjobs", "serve", "--port", "0", "--step-seconds", "0.5", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline().strip()
        if "http://" not in line:
            print(f"demo: the local server did not start: {line!r}", file=sys.stderr)
            return 1
        url = line[line.index("http://") :]
        print(f"started: {line}")
        env = {**os.environ, "OPENAI_BASE_URL": url, "OPENAI_API_KEY": LOCAL_KEY}
        for name in ("PORTKEY_API_KEY", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
            env.pop(name, None)
        work = tempfile.mkdtemp(prefix="ftjobs-demo-")
        for name in ("train.jsonl", "valid.jsonl"):
            shutil.copy(DATA / name, os.path.join(work, name))
        checked = _cli("validate", "./train.jsonl", "--model", "gpt-4o-mini-2024-07-18", env=env, cwd=work)
        if checked.returncode != 0:
            print(f"demo: `ftjobs validate` exited {checked.returncode}", file=sys.stderr)
            return checked.returncode
        uploaded = _cli("upload", "./valid.jsonl", env=env, cwd=work, capture=True)
        sys.stdout.write(uploaded.stdout)
        if uploaded.returncode != 0:
            print(uploaded.stderr, file=sys.stderr)
            return uploaded.returncode
        valid_id = uploaded.stdout.split()[0]
        created = _cli(
            "create", "--model", "gpt-4o-mini", "--training-file", "./train.jsonl",
            "--validation-file", valid_id, "--n-epochs", "3",
            "--metadata", "demo=true", env=env, cwd=work, capture=True,
        )  # fmt: skip
        sys.stdout.write(created.stdout)  # what the command printed, as it printed it
        if created.returncode != 0:
            print(created.stderr, file=sys.stderr)
            return created.returncode
        job_id = job_id_of(created.stdout)
        steps = [
            ("wait", job_id, "--poll-interval", "0.5", "--max-poll-interval", "1", "--timeout", "60"),
            ("retrieve", job_id),
            ("checkpoints", job_id),
            ("list", "--limit", "5"),
            ("metrics", job_id),
            ("results", job_id),
        ]
        for step in steps:
            code = _cli(*step, env=env, cwd=work).returncode
            if code != 0:
                print(f"demo: `ftjobs {step[0]}` exited {code}", file=sys.stderr)
                return code
        print(
            f"\ndemo finished in {time.monotonic() - started:.1f}s: "
            "the whole lifecycle ran against the local server."
        )
        return 0
    finally:
        if "work" in locals():
            shutil.rmtree(work, ignore_errors=True)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
