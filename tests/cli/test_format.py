"""Output escaping as a table: what a terminal gets for each unsafe character, and JSON that round-trips."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftjobs._cli._format import clean, json_line, table


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain é 日本", "plain é 日本"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\nb\rc\td", "a\\x0ab\\x0dc\\x09d"),
        ("\x00\x07\x7f", "\\x00\\x07\\x7f"),
        ("\x9b31m", "\\x9b31m"),
        ("\u202eevil", "\\u202eevil"),
        ("\u2028", "\\u2028"),
        ("\ud800", "\\ud800"),
        (42, "42"),
    ],
)
def test_clean_escapes_what_could_drive_or_crash_a_terminal(text: object, shown: str) -> None:
    """Controls, C1, DEL, bidi overrides, separators and lone surrogates become escapes; the rest stays."""
    assert clean(text) == shown
    clean(text).encode("utf-8")  # always encodable


@pytest.mark.parametrize(
    "value", ["\ud800", "\x1b[2J", "\x9b", "\u202e", "\u2028", "é", {"k\udfff": ["\x7f"]}]
)
def test_json_line_round_trips_and_encodes(value: object) -> None:
    """json_line is one line, valid UTF-8, ASCII-safe for controls, and parses back to the same value."""
    line = json_line({"v": value})
    assert "\n" not in line
    line.encode("utf-8")
    assert json.loads(line) == {"v": value}
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF for c in line)


def test_table_width_ignores_colour_and_survives_a_lone_escape() -> None:
    """Column widths count visible characters only; a cell with a bare ESC (already cleaned) is fine."""
    out = table(("A", "B"), [["\x1b[32mok\x1b[0m", clean("\x1b[")], ["long-cell", "x"]])
    assert out.splitlines()[1].startswith("\x1b[32mok\x1b[0m         ")


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(derandomize=True, database=None, deadline=None, max_examples=500)
@given(st.text())
def test_any_text_is_cleaned_to_safe_encodable_text(text: str) -> None:
    """Whatever the text, what reaches the terminal has no unsafe character and encodes as UTF-8."""
    shown = clean(text)
    assert not _UNSAFE.search(shown)
    shown.encode("utf-8")


@settings(derandomize=True, database=None, deadline=None, max_examples=500)
@given(_JSON)
def test_any_json_value_is_one_safe_line_that_parses_back(value: object) -> None:
    """Whatever the document, json_line writes one safe, encodable line that parses to the same value."""
    line = json_line(value)
    assert not _UNSAFE.search(line)
    line.encode("utf-8")
    assert json.loads(line) == value
