"""Goal 6: the first answer. Wall time of a fresh process that imports the client, builds it and
retrieves one job from the local server (a serverless cold start, a cron job, a CLI call): ftjobs
against the official SDK doing the same, and the CLI (``ftjobs retrieve ID``) against its own
floor (``ftjobs --version``, which imports nothing but the entry point). Import-and-build alone is
goal 1 (bench.coldstart). Alternated, order rotated, median of the rounds; caches warm.
"""

from __future__ import annotations

from ._common import API_KEY, PYTHON, Row
from .cli import FTJOBS, time_against_one_job

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
    t, outputs, job_id = time_against_one_job(
        lambda job_id, url: {
            "ftjobs": [PYTHON, "-c", SNIPPETS["ftjobs"], job_id, API_KEY, url],
            "openai": [PYTHON, "-c", SNIPPETS["openai"], job_id, API_KEY, url],
            "cli": [FTJOBS, "retrieve", job_id],
            "cli-floor": [FTJOBS, "--version"],
        },
        rounds,
    )
    assert outputs["ftjobs"].strip() == outputs["openai"].strip() == job_id
    assert job_id in outputs["cli"]
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
