"""The seeded examples are the spec's examples, verbatim, and parse leniently."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ftjobs._server import _seed

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "fine_tuning.yaml"


@pytest.mark.parametrize("name", sorted(_seed.SOURCES))
def test_seed_text_matches_the_spec(name: str) -> None:
    """Each stored example text equals its x-oaiMeta example in openapi/fine_tuning.yaml."""
    path, method, title = _seed.SOURCES[name]
    examples = yaml.safe_load(SPEC_PATH.read_text())["paths"][path][method]["x-oaiMeta"]["examples"]
    if isinstance(examples, list):
        examples = next(example for example in examples if example["title"] == title)
    assert getattr(_seed, name) == examples["response"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": [1, 2,], "b": {"c": 1,},}', {"a": [1, 2], "b": {"c": 1}}),
        (
            '{"data": [{"id": 1}, { ... }, { ... }], "has_more": true}',
            {"data": [{"id": 1}], "has_more": True},
        ),
        ('{"s": "a, }"}', {"s": "a, }"}),
        ('{"s": "q\\", ]", "t": [1,]}', {"s": 'q", ]', "t": [1]}),
    ],
)
def test_parse_lenient(text: str, expected: object) -> None:
    """Trailing commas and ``{ ... }`` placeholders are dropped before parsing."""
    assert _seed.parse_lenient(text) == expected
