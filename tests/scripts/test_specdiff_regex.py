"""Patterns compared by the strings they accept (scripts/specdiff/regex_lang.py): ECMA-262 spellings,
anchors, what cannot be read, and the work budgets at their limits."""

from __future__ import annotations

import re

import interegular
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scripts.specdiff import regex_lang
from scripts.specdiff.regex_lang import Unreadable, compare, translate


@pytest.mark.parametrize(
    ("old", "new", "verdict"),
    [
        ("^[a-z0-9-]+$", "^[a-z0-9-]{1,40}$", "narrower"),  # the tightened request pattern
        ("^[a-z0-9-]{1,40}$", "^[a-z0-9-]+$", "wider"),
        ("^[a-z]+$", "^[a-z0-9]{1,8}$", "incomparable"),
        ("^[a-z]+$", "^(?:[a-z])+$", "equal"),
        ("abc", "^abc", "narrower"),  # unanchored: anywhere in the string
        ("abc", "[a][b][c]", "equal"),
        ("^a|b$", "^a$|^b$", "narrower"),  # anchors belong to each alternative
        ("^tunnel_[a-z0-9]{32}$", "^tunnel_[a-z0-9]{16,32}$", "wider"),
        ("^ft:[a-z]+$", "^ft:[a-z]+:[a-z]+$", "incomparable"),
    ],
)
def test_two_patterns_are_compared_by_their_languages(old: str, new: str, verdict: str) -> None:
    assert compare(old, new) == verdict


@pytest.mark.parametrize(
    ("ecma", "same_as"),
    [
        (r"^\d+$", "^[0-9]+$"),  # ECMA \d is ASCII only (Python's re would take any Unicode digit)
        (r"^\w$", "^[A-Za-z0-9_]$"),
        (r"^\u0041\x42$", "^AB$"),
        (r"^\cJ$", "^\n$"),
        ("^(?<year>[0-9]{4})-[0-9]{2}$", "^[0-9]{4}-[0-9]{2}$"),  # a named group (Python spells ?P<>)
        ("^a+?$", "^a+$"),  # lazy: the same strings
        ("^a{$", r"^a\{$"),  # a brace that starts no quantifier is a literal (Annex B)
        (r"^\/\-$", "^/-$"),  # identity escapes
        (r"^[\b]$", "^\b$"),  # \b in a class is a backspace
    ],
)
def test_ecma_spellings_mean_what_ecma_says(ecma: str, same_as: str) -> None:
    assert compare(ecma, same_as) == "equal"


def test_ecma_classes_and_dot_differ_from_python() -> None:
    """`[^]` is any character and `[]` none (Python rejects both); `.` excludes the line terminators."""
    assert compare("^[^]$", r"^[\s\S]$") == "equal"
    assert compare("^[^]$", "^.$") == "narrower"
    assert compare("^.$", "^[^\n\r\u2028\u2029]$") == "equal"
    assert compare("^x[]$", "^y[]$") == "equal"  # both accept nothing
    assert compare("^[]$", "^x$") == "wider"


def test_translation_anchors_each_alternative() -> None:
    assert translate("^a$|b") == r"(?:a)|[\s\S]*(?:b)[\s\S]*"
    assert re.fullmatch(translate("^a$|b"), "xbx")
    assert not re.fullmatch(translate("^a$|b"), "xa")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("^(?!admin)[a-z]+$", "lookarounds are not supported"),
        ("^(?<=a)b$", "lookarounds are not supported"),
        (r"^(a)\1$", "a backreference has no finite automaton"),
        (r"^(?<x>a)\k<x>$", "a named backreference has no finite automaton"),
        (r"^\bword$", r"word boundaries (\b) are not supported"),
        (r"^\p{L}+$", r"Unicode property escapes (\p{...}) are not supported"),
        (r"^\u{1F600}$", r"\u{...} needs the unicode flag"),
        ("(?i)abc", "inline flags and other (?...) groups are not ECMA-262 syntax"),
        ("^a$b", "'$' is only read at the start or end of an alternative"),
        ("^(a$", "unbalanced parenthesis"),
        ("^[a-z$", "unterminated character class"),
        ("^a{2,1}$", "a quantifier {m,n} needs m <= n"),
        ("^*a$", "nothing to repeat before '*'"),
    ],
)
def test_what_cannot_be_read_says_why_and_which_side(pattern: str, reason: str) -> None:
    with pytest.raises(Unreadable) as old:
        compare(pattern, "^a$")
    assert str(old.value).startswith("the old pattern: ")
    assert reason in str(old.value)
    with pytest.raises(Unreadable) as new:
        compare("^a$", pattern)
    assert str(new.value).startswith("the new pattern: ")


def test_the_state_budget_is_exact() -> None:
    """`a{600}` is at the budget (decided), `a{601}` one past it (not built); repetitions multiply."""
    assert regex_lang.STATE_BUDGET == 600
    assert translate("^a{600}$") == "(?:a{600})"
    with pytest.raises(Unreadable, match="would exceed 600 states"):
        translate("^a{601}$")
    with pytest.raises(Unreadable, match="would exceed 600 states"):
        translate("^(?:a{1,25}){1,25}$")  # 625
    assert translate("^(?:a{1,24}){1,25}$") == "(?:(?:a{1,24}){1,25})"  # 600


def test_a_determinisation_blow_up_stops_at_the_build_budget() -> None:
    """`[ab]*a[ab]{30}` is small written down, but its deterministic automaton has 2^31 states."""
    with pytest.raises(Unreadable, match="building the automata would take over 500000 steps"):
        compare("^[ab]*a[ab]{30}$", "^[ab]+$")
    # interegular is left as it was: the next comparison builds normally
    assert compare("^[ab]*a[ab]{2}$", "^[ab]+$") == "wider"  # [ab]+ also takes "b"


def test_the_pair_budget_stops_the_inclusion_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The inclusion check visits state pairs up to PAIR_BUDGET (lowered here to show the limit)."""
    regex_lang.clear_cache()
    monkeypatch.setattr(regex_lang, "PAIR_BUDGET", 10)  # one short of the 11 pairs a{10} needs
    with pytest.raises(Unreadable, match="over 10 state pairs"):
        compare("^a{10}$", "^a{1,10}$")
    monkeypatch.setattr(regex_lang, "PAIR_BUDGET", 11)  # a{10}: 11 states, each paired once
    regex_lang.clear_cache()
    assert compare("^a{10}$", "^a{1,10}$") == "wider"
    regex_lang.clear_cache()


# --- properties -------------------------------------------------------------------------------
# Over a subset where ECMA-262 and Python's re agree (letters, classes, groups, quantifiers,
# alternation, anchors at the ends), the translation full-matches exactly the strings the pattern
# finds anywhere, and interegular's automaton accepts exactly those.

_ATOMS = st.sampled_from(["a", "b", "[ab]", "[^a]", "(?:a|b)", "(?:ab)", "c"])
_QUANT = st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,3}", "{0,2}"])
_BRANCH = st.builds(
    lambda start, parts, end: ("^" if start else "") + "".join(parts) + ("$" if end else ""),
    st.booleans(),
    st.lists(st.builds(lambda a, q: a + q, _ATOMS, _QUANT), min_size=1, max_size=4),
    st.booleans(),
)
_PATTERNS = st.builds("|".join, st.lists(_BRANCH, min_size=1, max_size=2))
_TEXTS = st.text(alphabet="abc", max_size=6)


@settings(max_examples=200, deadline=None)
@given(_PATTERNS, st.lists(_TEXTS, min_size=1, max_size=8))
def test_translation_and_automaton_agree_with_a_search(pattern: str, texts: list[str]) -> None:
    full = translate(pattern)
    automaton = interegular.parse_pattern(full).to_fsm()
    for text in texts:
        found = re.search(pattern, text) is not None
        assert (re.fullmatch(full, text) is not None) == found, (pattern, text)
        assert automaton.accepts(text) == found, (pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab^$|()[]{}*+?.\\-,0123dwsuxcbpk<>=!:", max_size=10), _PATTERNS)
def test_any_text_is_decided_or_unreadable(junk: str, pattern: str) -> None:
    """Whatever is written as a pattern, the comparison gives a verdict or Unreadable, nothing else."""
    for old, new in ((junk, pattern), (pattern, junk)):
        try:
            assert compare(old, new) in ("equal", "narrower", "wider", "incomparable")
        except Unreadable as exc:
            assert str(exc)  # noqa: PT017 - either outcome is fine, an empty reason is not
