"""The project's one lenient JSON parser (ftjobs._lenient): spec example texts, repaired outside strings."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ftjobs._lenient import loads_lenient, parse_lenient


@pytest.mark.parametrize(
    ("text", "value", "strict"),
    [
        ('{"a": 1}', {"a": 1}, True),
        ('{"a": [1, 2,], "b": {"c": 1,},}', {"a": [1, 2], "b": {"c": 1}}, False),
        ('{"a": [1, 2,],\n}', {"a": [1, 2]}, False),
        (
            '{"data": [{"id": 1}, { ... }, { ... }], "has_more": true}',
            {"data": [{"id": 1}], "has_more": True},
            False,
        ),
        ('{"a": None, "b": True, "c": False,}', {"a": None, "b": True, "c": False}, False),
        # Inside strings nothing changes.
        ('{"s": "a, }", "t": 1,}', {"s": "a, }", "t": 1}, False),
        ('{"s": "q\\", ]", "t": [1,]}', {"s": 'q", ]', "t": [1]}, False),
        ('{"a": None, "b": True, "c": "None, True,}"}', {"a": None, "b": True, "c": "None, True,}"}, False),
    ],
)
def test_repairs(text: str, value: Any, strict: bool) -> None:
    """Trailing commas, ``{ ... }`` placeholders and Python literals are repaired outside strings."""
    assert loads_lenient(text) == (value, strict)
    assert parse_lenient(text) == value


def test_typos_are_repaired_only_when_asked() -> None:
    """A missing end-of-line comma and ``X | null`` values (old versions) need ``typos=True``."""
    text = '{\n  "id": "x"\n  "n": 5768 | null,\n  "e": None,\n  "h": {"a": 1,},\n  "l": [1, { ... }]\n}'
    with pytest.raises(json.JSONDecodeError):
        parse_lenient(text)
    assert parse_lenient(text, typos=True) == {"id": "x", "n": 5768, "e": None, "h": {"a": 1}, "l": [1]}
    assert parse_lenient('{"s": "a | null"\n "t": 1}', typos=True) == {"s": "a | null", "t": 1}


@pytest.mark.parametrize("text", ["{ ... }", '{"a": ', '{"a": "unterminated}', ""])
def test_what_is_not_json_even_leniently_raises_a_value_error(text: str) -> None:
    """Unrepairable text raises ValueError (JSONDecodeError), never anything else."""
    with pytest.raises(ValueError, match=r"."):
        loads_lenient(text, typos=True)
