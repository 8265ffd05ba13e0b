"""Goal 5: the CLI. Whole-process wall time of ``ftjobs retrieve ID --json`` against the local server.

The server is the real local one (``ftjobs serve`` in a child process) holding one job. The peer:
openai 3.51.0 ships no command line (the ``openai api fine_tuning.jobs.retrieve -i ID`` of the 1.x
SDK is gone: no console script, no ``openai.cli`` module), so the peer is the equivalent one-liner a
user would run, ``python -c "...OpenAI().fine_tuning.jobs.retrieve(ID).model_dump_json()"``, which
reads the same environment. Alternated, order rotated, median of the rounds.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from ._common import API_KEY, PYTHON, Row, Subprocess, alternate, bench_env, median, run_child

PEER = (
    "import sys, openai; "
    "print(openai.OpenAI().fine_tuning.jobs.retrieve(sys.argv[1]).model_dump_json(indent=2))"
)
FTJOBS = os.path.join(os.path.dirname(PYTHON), "ftjobs")


def serve() -> Subprocess:
    """``ftjobs serve`` on a free port; .base_url is set from its first line."""
    server = Subprocess([PYTHON, "-m", "ftjobs", "serve", "--port", "0", "--quiet"], env=bench_env())
    server.base_url = server.first_line.rsplit(" ", 1)[-1]  # type: ignore[attr-defined]
    return server


def time_against_one_job(
    commands_for: Callable[[str, str], dict[str, list[str]]], rounds: int
) -> tuple[dict[str, float], dict[str, str], str]:
    """Against ``ftjobs serve`` holding one job: each command of ``commands_for(job_id, base_url)``
    run as a whole process, alternated over rounds; (median wall ms, last stdout) per name, job id."""
    with serve() as server:
        url = server.base_url  # type: ignore[attr-defined]
        env = bench_env(OPENAI_BASE_URL=url, OPENAI_API_KEY=API_KEY)
        create = [FTJOBS, "create", "--model", "gpt-4o-mini-2024-07-18", "--training-file", "file-abc123"]
        job_id = json.loads(run_child([*create, "--json"], env=env).stdout)["id"]
        commands = commands_for(job_id, url)
        outputs: dict[str, str] = {}

        def contender(name: str) -> float:
            child = run_child(commands[name], env=env)
            outputs[name] = child.stdout
            return child.wall

        walls = alternate({name: (lambda n=name: contender(n)) for name in commands}, rounds)
    return {name: median(v) * 1000 for name, v in walls.items()}, outputs, job_id


def run(rounds: int = 7) -> list[Row]:
    t, outputs, job_id = time_against_one_job(
        lambda job_id, _url: {
            "ftjobs": [FTJOBS, "retrieve", job_id, "--json"],
            "openai": [PYTHON, "-c", PEER, job_id],
        },
        rounds,
    )
    assert json.loads(outputs["ftjobs"])["id"] == json.loads(outputs["openai"])["id"] == job_id
    return [
        Row(
            "5",
            "`ftjobs retrieve ID --json` wall vs openai one-liner",
            f"{t['ftjobs']:.0f} ms",
            f"{t['openai']:.0f} ms",
            t["ftjobs"] / t["openai"],
            "< 1.00 (lower)",
            t["ftjobs"] < t["openai"],
        ),
    ]
