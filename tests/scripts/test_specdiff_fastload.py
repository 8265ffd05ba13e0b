"""Sliced loading of large specs gives exactly what parsing the whole file and trimming gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scripts import trim
from scripts.specdiff.fastload import load_sliced
from scripts.specdiff.sources import load_path

OPENAI = trim.UPSTREAM / "openai" / "openapi.yaml"
PORTKEY = trim.UPSTREAM / "portkey" / "openapi.yaml"


@pytest.fixture(scope="module")
def openai_text() -> str:
    if not OPENAI.is_file():
        pytest.skip("openapi/upstream is missing")
    return OPENAI.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def openai_whole(openai_text: str) -> dict[str, Any]:
    return trim.load_yaml_text(openai_text, "openai")  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "prefixes",
    [
        ("/fine_tuning/jobs",),
        ("/fine_tuning/",),
        ("/files", "/batches"),
        ("/chat/completions",),
        ("/responses",),
    ],
)
def test_sliced_equals_whole_then_trimmed(
    openai_text: str, openai_whole: dict[str, Any], prefixes: tuple[str, ...]
) -> None:
    """On the real OpenAI spec, for several path sets: slice then trim == parse whole then trim."""
    sliced = load_sliced(openai_text, "openai", prefixes)
    assert sliced is not None
    assert trim.trim(sliced, prefixes) == trim.trim(openai_whole, prefixes)


def test_load_path_uses_the_same_result(openai_whole: dict[str, Any]) -> None:
    """The diff's loader (sliced) returns the trimmed document trim would."""
    assert load_path(OPENAI) == trim.trim(openai_whole)


def test_fallbacks(openai_text: str) -> None:
    """Small texts, cross-entry YAML aliases (Portkey), odd shapes and unknown paths fall back (None)."""
    assert load_sliced("openapi: 3.1.0\npaths: {}\n", "t", ("/x",)) is None
    if PORTKEY.is_file():
        assert load_sliced(PORTKEY.read_text(encoding="utf-8"), "portkey", ("/fine_tuning/jobs",)) is None
    assert load_sliced(openai_text, "openai", ("/no/such/path",)) is None
    assert load_sliced("---\n" + openai_text, "openai", ("/fine_tuning/jobs",)) is None
    flow_paths = openai_text.replace("\npaths:\n", "\npaths: {}\nx-old-paths:\n", 1)
    assert load_sliced(flow_paths, "openai", ("/fine_tuning/jobs",)) is None


def test_missing_component_falls_back_to_the_whole_parse(tmp_path: Path, openai_text: str) -> None:
    """A dangling ref makes slicing give up; the whole parse then reports it as unusable input."""
    broken = openai_text.replace("\n    FineTuningJob:\n", "\n    FineTuningJobRenamed:\n", 1)
    assert load_sliced(broken, "openai", ("/fine_tuning/jobs",)) is None
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(trim.SpecError, match="FineTuningJob"):
        load_path(path)
