"""`make mutate` (scripts/mutate.py): its configuration stays true to the tree, and its verdicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scripts import mutate

ROOT = Path(__file__).resolve().parent.parent.parent


def test_every_configured_module_and_test_file_exists() -> None:
    """scripts/mutation.toml names modules and test files that exist, and every module has tests."""
    config = mutate.load_config()
    assert {m.path for m in config.modules} >= {"facade/ftjobs/_retry.py", "scripts/specdiff/rules"}
    for module in config.modules:
        assert (ROOT / module.path).exists(), module.path
        assert module.tests, module.path
        for test in module.tests:
            assert (ROOT / test).is_file(), test


def test_every_hand_written_mutant_still_applies() -> None:
    """Each [[hand]] mutant's text occurs exactly once in its file (else it would mutate nothing)."""
    config = mutate.load_config()
    assert len(config.hand) >= 15
    for hand in config.hand:
        assert (ROOT / hand.file).read_text().count(hand.old) == 1, hand.name
        assert hand.old != hand.new


def test_every_note_names_a_configured_file() -> None:
    """Notes point into the mutated modules, with a reason."""
    config = mutate.load_config()
    for note in mutate.load_notes():
        assert any(note.file.startswith(m.path) for m in config.modules), note.file
        assert note.kind in ("equivalent", "survivor") and note.reason


def _row(outcome: str, operator: str = "AddNot", diff: str = "a -> b", line: int = 1) -> dict[str, Any]:
    return {"file": "f.py", "line": line, "operator": operator, "outcome": outcome, "diff": diff}


def test_the_tally_counts_timeouts_as_killed_and_leaves_equivalents_out() -> None:
    """killed, timeout and incompetent are kills; a noted equivalent survivor is not in the rate."""
    notes = [mutate.Note("f.py", 2, "AddNot", "equivalent", "why")]
    result = {
        "mutants": [
            _row("killed"),
            _row("timeout"),
            _row("incompetent"),
            _row("survived"),
            _row("survived", line=2),
            _row("error"),
        ]
    }
    assert mutate.tally(result, notes) == {"killed": 3, "survived": 1, "equivalent": 1, "error": 1}


@pytest.mark.parametrize(
    ("operator", "diff", "equivalent"),
    [
        ("ReplaceBinaryOperator_Mul_Div", "*, -> /,", True),
        (
            "ReplaceBinaryOperator_Mul_Div",
            "def f(self, *, a: int) -> None: -> def f(self, /, a: int) -> None:",
            True,
        ),
        ("ReplaceBinaryOperator_Mul_Div", "x = a * b -> x = a / b", False),
        ("AddNot", "if TYPE_CHECKING: -> if not TYPE_CHECKING:", True),
        ("AddNot", "if ready: -> if not ready:", False),
    ],
)
def test_equivalent_by_construction(operator: str, diff: str, equivalent: bool) -> None:
    """A signature's bare * made /, and a negated TYPE_CHECKING block, are equivalent anywhere."""
    assert (mutate._known_equivalent(_row("survived", operator, diff)) is not None) is equivalent


def test_a_note_can_pick_one_of_two_mutants_on_a_line() -> None:
    """`mutated` tells apart two mutants of one operator on one line."""
    note = mutate.Note("f.py", 1, "ReplaceFalseWithTrue", "equivalent", "why", mutated="ensure_ascii=True")
    one = _row(
        "survived", "ReplaceFalseWithTrue", "dumps(x, ensure_ascii=False) -> dumps(x, ensure_ascii=True)"
    )
    other = _row("survived", "ReplaceFalseWithTrue", "dumps(x, allow_nan=False) -> dumps(x, allow_nan=True)")
    assert mutate._note_for(one, [note]) is note
    assert mutate._note_for(other, [note]) is None


def test_the_report_rates_each_module_and_lists_each_survivor() -> None:
    """render: one row per module with its rate and first-run rate, the survivors with their reason."""
    result = {
        "module": "f.py",
        "tests": ["tests/test_f.py"],
        "generated": 10,
        "selected": 4,
        "seconds": 3,
        "mutants": [_row("killed"), _row("killed"), _row("survived", line=7), _row("killed")],
    }
    first = {
        **result,
        "mutants": [_row("killed"), _row("survived"), _row("survived", line=7), _row("killed")],
    }
    notes = [mutate.Note("f.py", 7, "AddNot", "survivor", "a known gap")]
    text = mutate.render([result], [first], notes, [{"name": "a hand mutant", "outcome": "killed"}])
    assert "| f.py | test_f.py | 4 of 10 | 3 | 1 | 0 | 75% | 50% (2/4) | 3 s |" in text
    assert "- `f.py:7` AddNot: `a -> b`: a known gap" in text
    assert "1 of 1 killed" in text and "- killed: a hand mutant" in text
