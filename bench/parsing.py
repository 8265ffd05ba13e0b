"""Goal 3: parsing. ``Job.from_dict`` against the official SDK's pydantic model on the same dict.

The payload is the full job of ``bench._common.JOB`` (method, hyperparameters, integrations,
metadata) and a page of 100 of them. The peer is ``FineTuningJob.model_validate`` (validation, what
the issue names); the SDK's *default* response path skips validation (``construct_type``, used
unless ``_strict_response_validation=True``) and is shown for information. Timings alternate, the
median of the rounds is kept; ``--profile`` prints a cProfile of ours.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from ._common import JOB, Row, alternate, compare, median, page_of

NUMBER = 2000


def _per_call(fn: Callable[[], object], number: int) -> Callable[[], float]:
    def timed() -> float:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return (time.perf_counter() - start) / number

    return timed


def contenders() -> tuple[dict[str, Callable[[], object]], dict[str, Callable[[], object]]]:
    from openai._models import construct_type
    from openai.pagination import SyncCursorPage
    from openai.types.fine_tuning import FineTuningJob

    from ftjobs._models import Job, parse_page

    page = page_of(100)
    one = {
        "ftjobs": lambda: Job.from_dict(JOB),
        "openai-validate": lambda: FineTuningJob.model_validate(JOB),
        "openai-construct": lambda: construct_type(value=JOB, type_=FineTuningJob),
    }
    cursor = SyncCursorPage[FineTuningJob]
    many = {
        "ftjobs": lambda: parse_page(page, Job),
        "openai-validate": lambda: cursor.model_validate(page),
        "openai-construct": lambda: construct_type(value=page, type_=cursor),
    }
    return one, many


def run(rounds: int = 7) -> list[Row]:
    one, many = contenders()
    s1 = alternate({k: _per_call(f, NUMBER) for k, f in one.items()}, rounds)
    s100 = alternate({k: _per_call(f, NUMBER // 50) for k, f in many.items()}, rounds)
    a = {k: median(v) * 1e6 for k, v in s1.items()}
    b = {k: median(v) * 1e6 for k, v in s100.items()}

    def us(x: float) -> str:
        return f"{x:,.1f} µs"

    return [
        compare(
            "3",
            "parse 1 full job vs FineTuningJob.model_validate",
            a["ftjobs"],
            a["openai-validate"],
            us,
            "<= 1.00",
        ),
        compare(
            "3",
            "parse page of 100 vs SyncCursorPage.model_validate",
            b["ftjobs"],
            b["openai-validate"],
            us,
            "<= 1.00",
        ),
        compare(
            "3",
            "parse 1 job vs SDK default (construct_type, unvalidated)",
            a["ftjobs"],
            a["openai-construct"],
            us,
            "info",
        ),
        compare(
            "3",
            "parse page of 100 vs SDK default (construct_type)",
            b["ftjobs"],
            b["openai-construct"],
            us,
            "info",
        ),
    ]


def profile() -> None:
    """cProfile of Job.from_dict on the full job (the evidence for goal 3's note)."""
    import cProfile
    import pstats

    one, _ = contenders()
    fn = one["ftjobs"]
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(20000):
        fn()
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    if "--profile" in sys.argv:
        profile()
    else:
        from ._common import table

        print(table(run()))
