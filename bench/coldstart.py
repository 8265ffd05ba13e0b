"""Goal 1: cold start. Wall time and peak RSS of ``python -c "import X; X.Client(api_key='x')"``.

Each snippet runs in a fresh interpreter (bytecode caches warm: one untimed run each first); the
snippets alternate, the order rotates each round, and the median wall time and median peak RSS
(``wait4`` rusage of that child alone) are kept. ``import httpx2`` is shown as the floor ftjobs
builds on; ftjobs imports it without its ``importlib.metadata`` (``ftjobs._preload``), so ftjobs can
come in under it. ``python -c pass`` is shown for scale.
"""

from __future__ import annotations

from ._common import PYTHON, Row, alternate, bench_env, median, run_child

SNIPPETS = {
    "python": "pass",
    "httpx2": "import httpx2",
    "ftjobs": "import ftjobs; ftjobs.Client(api_key='x')",
    "openai": "import openai; openai.OpenAI(api_key='x')",
    "portkey": "import portkey_ai; portkey_ai.Portkey(api_key='x')",
}


def run(rounds: int = 6) -> list[Row]:
    env = bench_env()
    rss: dict[str, list[int]] = {name: [] for name in SNIPPETS}

    def contender(name: str) -> float:
        child = run_child([PYTHON, "-c", SNIPPETS[name]], env=env)
        rss[name].append(child.maxrss_kib)
        return child.wall

    walls = alternate({name: (lambda n=name: contender(n)) for name in SNIPPETS}, rounds)
    t = {name: median(v) * 1000 for name, v in walls.items()}
    m = {name: median(v[1:]) / 1024 for name, v in rss.items()}  # v[0] is the warm-up run

    def ms(name: str) -> str:
        return f"{t[name]:.0f} ms"

    def mib(name: str) -> str:
        return f"{m[name]:.1f} MiB"

    return [
        Row(
            "1",
            "cold start wall vs `import httpx2` (floor)",
            ms("ftjobs"),
            ms("httpx2"),
            t["ftjobs"] / t["httpx2"],
            "info (floor)",
            None,
        ),
        Row(
            "1",
            "cold start wall vs openai.OpenAI",
            ms("ftjobs"),
            ms("openai"),
            t["ftjobs"] / t["openai"],
            "<= 0.25",
            t["ftjobs"] / t["openai"] <= 0.25,
        ),
        Row(
            "1",
            "cold start wall vs portkey_ai.Portkey",
            ms("ftjobs"),
            ms("portkey"),
            t["ftjobs"] / t["portkey"],
            "<= 0.10",
            t["ftjobs"] / t["portkey"] <= 0.1,
        ),
        Row(
            "1",
            "cold start peak RSS vs openai.OpenAI",
            mib("ftjobs"),
            mib("openai"),
            m["ftjobs"] / m["openai"],
            "< 1.00",
            m["ftjobs"] < m["openai"],
        ),
        Row(
            "1",
            "cold start peak RSS vs portkey_ai.Portkey",
            mib("ftjobs"),
            mib("portkey"),
            m["ftjobs"] / m["portkey"],
            "< 1.00",
            m["ftjobs"] < m["portkey"],
        ),
        Row(
            "1",
            "cold start peak RSS vs `import httpx2` (floor)",
            mib("ftjobs"),
            mib("httpx2"),
            m["ftjobs"] / m["httpx2"],
            "info (floor)",
            None,
        ),
        Row("1", "interpreter alone (`python -c pass`)", ms("python"), mib("python"), None, "info", None),
    ]
