"""Goal 7 (issue 24): ``ftjobs validate`` throughput against its floor, and memory on a large file.

* Throughput: validating a generated training file (chat examples with system prompts, multi-turn
  conversations, tool definitions and calls, non-Latin text; about 32 MB) against its floor measured
  in the same run on the same file: the file read line by line, ``json.loads`` of each line and the
  tokenizer's encode of every text in it (every string value: contents, roles, names, tool
  arguments and definitions). Rounds alternate; the median CPU time of each is kept (see
  ``_timed``). Goal: validation within 1.5x of the floor.
* Memory: peak resident memory of a child process validating a 1 GB file against one validating a
  1 MB file (``--big-mb`` changes the size). Goal: at most 100 MB more: memory does not grow with
  the file.

``python -m bench.validate`` prints its rows; ``python -m bench.run --only 7`` runs it in the table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._common import PYTHON, Row, alternate, compare, median, run_child

THROUGHPUT_MB = 32
SMALL_MB = 1
BIG_MB = 1024
ROUNDS = 3
MEMORY_GOAL_MB = 100
TIME_GOAL = 1.5

_WORDS = [
    "the",
    "order",
    "shipped",
    "yesterday",
    "and",
    "should",
    "arrive",
    "within",
    "three",
    "business",
    "days",
    "please",
    "keep",
    "your",
    "tracking",
    "number",
    "handy",
    "refunds",
    "are",
    "processed",
    "to",
    "the",
    "original",
    "payment",
    "method",
    "quarterly",
    "revenue",
    "grew",
    "across",
    "every",
    "region",
    "while",
    "margins",
    "improved",
    "slightly",
]
_FOREIGN = [
    "注文は昨日発送されました。",
    "Заказ отправлен вчера.",
    "تم شحن الطلب أمس.",
    "आपका ऑर्डर भेज दिया गया है।",
    "🚚📦✅",
]
_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_order",
            "description": "Look up an order by its id",
            "parameters": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
        },
    }
]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."
    return text + (" " + rng.choice(_FOREIGN) if rng.random() < 0.3 else "")


def _example(rng: random.Random) -> dict[str, Any]:
    messages: list[dict[str, Any]] = [{"role": "system", "content": "You are a helpful support assistant."}]
    example: dict[str, Any] = {"messages": messages}
    if rng.random() < 0.25:
        example["tools"] = _TOOLS
        call = {
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_order", "arguments": '{"id": "A17"}'},
        }
        messages += [
            {"role": "user", "content": _sentence(rng, 20)},
            {"role": "assistant", "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "call_1", "content": '{"status": "shipped"}'},
        ]
    for _ in range(rng.randint(1, 4)):
        messages.append({"role": "user", "content": _sentence(rng, rng.randint(8, 60))})
        messages.append({"role": "assistant", "content": _sentence(rng, rng.randint(20, 160))})
    return example


def make_file(path: Path, megabytes: float, seed: int = 7) -> int:
    """A training file of about this size, from a pool of 500 generated examples; its size in bytes."""
    rng = random.Random(seed)  # noqa: S311 (made-up training data, not secrets)
    pool = [json.dumps(_example(rng), ensure_ascii=False).encode() + b"\n" for _ in range(500)]
    target = int(megabytes * 1_000_000)
    written = 0
    with open(path, "wb") as f:
        while written < target:
            for line in pool:
                f.write(line)
                written += len(line)
                if written >= target:
                    break
    return written


def _strings(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)


def floor(path: Path, encode: Callable[[str], list[int]]) -> int:
    """Read line by line, json.loads each, encode every text: the least validation must do."""
    tokens = 0
    with open(path, "rb") as f:
        for line in f:
            texts: list[str] = []
            _strings(json.loads(line), texts)
            for text in texts:
                tokens += len(encode(text))
    return tokens


def _timed(fn: Callable[[], object]) -> Callable[[], float]:
    """fn's CPU seconds: both contenders are single-threaded, and CPU time is what the ~7 jobs
    sharing a 2-core machine do not steal (wall time there swings by 2x between rounds)."""

    def run() -> float:
        start = time.process_time()
        fn()
        return time.process_time() - start

    return run


def throughput(directory: Path) -> list[Row]:
    from ftjobs import validate_file
    from ftjobs._validate._tokens import TiktokenTokenizer, tokenizer

    tok = tokenizer("o200k_base")
    if not isinstance(tok, TiktokenTokenizer):
        raise SystemExit("bench.validate needs the tokens extra: pip install 'ftjobs[tokens]'")
    path = directory / "throughput.jsonl"
    size = make_file(path, THROUGHPUT_MB)
    samples = alternate(
        {
            "validate": _timed(lambda: validate_file(path, model="gpt-4o-mini-2024-07-18")),
            "floor": _timed(lambda: floor(path, tok.encode)),
        },
        ROUNDS,
    )
    ours, base = median(samples["validate"]), median(samples["floor"])
    mb = size / 1e6

    def seconds(x: float) -> str:
        return f"{x:.2f} CPU s"

    def rate(x: float) -> str:
        return f"{mb / x:.1f} MB/CPU s"

    return [
        compare(
            "7",
            f"validate {mb:.0f} MB: time vs floor (read+json.loads+encode)",
            ours,
            base,
            seconds,
            f"<= {TIME_GOAL:.2f}",
        ),
        Row(
            "7",
            f"validate {mb:.0f} MB: throughput (floor as peer)",
            rate(ours),
            rate(base),
            None,
            "info",
            None,
        ),
    ]


def memory(directory: Path, big_mb: float) -> list[Row]:
    small, big = directory / "small.jsonl", directory / "big.jsonl"
    make_file(small, SMALL_MB)
    size = make_file(big, big_mb)
    runs = {}
    for name, path in (("small", small), ("big", big)):
        child = run_child([PYTHON, "-m", "bench.validate", "--child", str(path)], timeout=3600)
        runs[name] = (child.maxrss_kib / 1024, child.wall, json.loads(child.stdout))
    grown = runs["big"][0] - runs["small"][0]
    label = f"{size / 1e9:.2f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"
    examples = runs["big"][2]["examples"]
    return [
        Row(
            "7",
            f"peak RSS validating {label} ({examples:,} examples) vs 1 MB",
            f"{runs['big'][0]:.0f} MB",
            f"{runs['small'][0]:.0f} MB",
            None,
            f"<= +{MEMORY_GOAL_MB} MB",
            grown <= MEMORY_GOAL_MB,
        ),
        Row(
            "7",
            f"validate {label} in a child: throughput",
            f"{size / 1e6 / runs['big'][1]:.1f} MB/s",
            "",
            None,
            "info",
            None,
        ),
    ]


def run(big_mb: float | None = None) -> list[Row]:
    """Both measurements, in a temporary directory removed afterwards."""
    big = big_mb if big_mb is not None else float(os.environ.get("FTJOBS_BENCH_VALIDATE_MB", BIG_MB))
    with tempfile.TemporaryDirectory(prefix="ftjobs-bench-validate-") as tmp:
        return throughput(Path(tmp)) + memory(Path(tmp), big)


def _child(path: str) -> None:
    from ftjobs import validate_file

    report = validate_file(path, model="gpt-4o-mini-2024-07-18")
    print(json.dumps({"examples": report.examples, "valid": report.valid}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--big-mb", type=float, help=f"size of the large file (default {BIG_MB})")
    parser.add_argument("--child", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child)
        return 0
    from ._common import table

    print(table(run(args.big_mb)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
