"""Every Python block of README.md runs as written against the local server.

Each block runs in a fresh interpreter with only the placeholder credentials (``sk-...``,
``pk-...``, ``vk-...``) replaced by the local server's key; the endpoint comes from the
environment variables the README documents (``OPENAI_BASE_URL`` and friends), so the text of the
code is not touched. A block that fails here fails for a reader too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ftjobs.testing import serve

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
PLACEHOLDERS = ("sk-...", "pk-...", "vk-...")
#: One lifecycle step every half second: a created job is running from 1 s to 4.5 s, long enough for
#: the README's pause example to see it running, short enough for its wait() to finish quickly.
STEP_SECONDS = 0.5


def python_blocks() -> list[tuple[int, str]]:
    """(line number, code) of each ```python block in README.md."""
    text = README.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 1, m.group(1)) for m in BLOCK.finditer(text)]


def test_the_readme_has_python_blocks() -> None:
    """The extraction finds the README's examples (an empty list would make the test below vacuous)."""
    blocks = python_blocks()
    assert len(blocks) >= 2
    assert any("client.jobs.retrieve" in code for _, code in blocks)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve(step_seconds=STEP_SECONDS, api_key="sk-readme-local") as url:
        yield url


@pytest.mark.parametrize(
    ("line", "code"), [pytest.param(line, code, id=f"line-{line}") for line, code in python_blocks()]
)
def test_readme_block_runs(server: str, line: int, code: str, tmp_path: Path) -> None:
    """The block at this README line exits 0 against the local server (only placeholder keys swapped)."""
    for placeholder in PLACEHOLDERS:
        code = code.replace(placeholder, "sk-readme-local")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PORTKEY_", "AZURE_OPENAI_"))}
    env.update(
        OPENAI_BASE_URL=server,
        PORTKEY_BASE_URL=server,
        AZURE_OPENAI_ENDPOINT=server.removesuffix("/v1"),
        NO_COLOR="1",
    )
    script = tmp_path / f"readme_line_{line}.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"README.md line {line} failed:\n{done.stderr[-3000:]}"
