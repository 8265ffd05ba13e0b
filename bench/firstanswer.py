"""Goal 6: the first answer. Wall time of a fresh process that imports the client, builds it and
retrieves one job from the local server (a serverless cold start, a cron job, a CLI call): ftjobs
against the official SDK doing the same, and the CLI (``ftjobs retrieve ID``) against its own
floor (``ftjobs --version``, which imports nothing but the entry point). Import-and-build alone is
goal 1 (bench.coldstart). Alternated, order rotated, median of the rounds; caches warm.
"""

from __future__ import annotations

import json

from ._common import API_KEY, PYTHON, Row, alternate, bench_env, median, run_child
from .cli import FTJOBS, serve

SNIPPETS = {
    "ftjobs": (
        "import sys, ftjobs; "
        "print(ftjobs.Client(api_key=sys.argv[2], base_url=sys.argv[3]).jobs.retrieve(sys.argv[1]).id)"
    ),
    "openai": (
        "import sys, openai; "
        "client = openai.OpenAI(api_key=sys.argv[2], base_url=sys.argv[3]); "
        "print(client.fine_tuning.jobs.retrieve(sys.argv[1]).id)"
    ),
}


def run(rounds: int = 7) -> list[Row]:
    with serve() as server:
        url = server.base_url  # type: ignore[attr-defined]
        env = bench_env(OPENAI_BASE_URL=url, OPENAI_API_KEY=API_KEY)
        create = [FTJOBS, "create", "--model", "gpt-4o-mini-2024-07-18", "--training-file", "file-abc123"]
        job_id = json.loads(run_child([*create, "--json"], env=env).stdout)["id"]
        commands = {
            "ftjobs": [PYTHON, "-c", SNIPPETS["ftjobs"], job_id, API_KEY, url],
            "openai": [PYTHON, "-c", SNIPPETS["openai"], job_id, API_KEY, url],
            "cli": [FTJOBS, "retrieve", job_id],
            "cli-floor": [FTJOBS, "--version"],
        }
        outputs: dict[str, str] = {}

        def contender(name: str) -> float:
            child = run_child(commands[name], env=env)
            outputs[name] = child.stdout
            return child.wall

        walls = alternate({name: (lambda n=name: contender(n)) for name in commands}, rounds)
    assert outputs["ftjobs"].strip() == outputs["openai"].strip() == job_id
    assert job_id in outputs["cli"]
    t = {name: median(v) * 1000 for name, v in walls.items()}
    return [
        Row(
            "6",
            "first answer (import, client, one retrieve) vs openai.OpenAI",
            f"{t['ftjobs']:.0f} ms",
            f"{t['openai']:.0f} ms",
            t["ftjobs"] / t["openai"],
            "<= 0.33",
            t["ftjobs"] / t["openai"] <= 0.33,
        ),
        Row(
            "6",
            "`ftjobs retrieve ID` vs `ftjobs --version` (the CLI's floor)",
            f"{t['cli']:.0f} ms",
            f"{t['cli-floor']:.0f} ms",
            t["cli"] / t["cli-floor"],
            "info",
            None,
        ),
    ]
