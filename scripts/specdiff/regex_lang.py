"""Compare two `pattern`s by the strings they accept (interegular builds the automata).

OpenAPI patterns are ECMA-262 regular expressions that match anywhere in the string (`^`/`$` anchor
them). `translate` rewrites one into the Python-style syntax interegular reads, as a full match:
an unanchored side gets `[\\s\\S]*`, ECMA-only spellings are rewritten (`\\uXXXX`, `\\cX`, `[^]`, `[]`,
`(?<name>`, `.` without line terminators, a literal `{`), and what has no finite automaton or that
interegular cannot read (lookarounds, backreferences, `\\b`, `\\p{...}`, an anchor inside the pattern,
flags) raises Unreadable with the reason.

The work is bounded, so that a hostile pattern cannot stall a diff: a pattern whose automaton would
exceed STATE_BUDGET states before determinisation (bounded repetitions multiply: `(a{1,40}){1,40}`)
is not built; building the deterministic automata is stopped past BUILD_BUDGET steps (the states
interegular's `crawl` lists, each counted as often as that list is searched: `[ab]*a[ab]{14}` has
2^15 states), and the inclusion check visits at most PAIR_BUDGET state pairs; each limit gives
Unreadable. They count work, not time, so a verdict is the same on every machine (about 0.5 s at
worst per pattern pair here).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Literal

import interegular
from interegular import fsm as fsm_module
from interegular.fsm import FSM, Alphabet

Verdict = Literal["equal", "narrower", "wider", "incomparable"]

STATE_BUDGET = 600
BUILD_BUDGET = 500_000
PAIR_BUDGET = 20_000
_ANY = r"[\s\S]*"
_LINE_TERMINATORS = "\n\r\u2028\u2029"
_QUANTIFIER = re.compile(r"\{(\d+)(,(\d*))?\}")
_SIMPLE_ESCAPES = frozenset("dDwWsStnrvf")


class Unreadable(Exception):
    """The pattern cannot be compared: the reason says why (shown in the finding)."""


def _literal(char: str) -> str:
    """One character as interegular reads it literally (inside or outside a class)."""
    if char.isalnum() and char.isascii():
        return char
    if ord(char) < 0x100:
        return f"\\x{ord(char):02x}"
    return char  # interegular reads non-ASCII characters as themselves


class _Translator:
    """One ECMA-262 pattern (no flags) -> interegular syntax, with an estimate of its automaton size."""

    def __init__(self, pattern: str) -> None:
        self.src = pattern
        self.at = 0

    def peek(self, n: int = 1) -> str:
        return self.src[self.at : self.at + n]

    def escape(self, in_class: bool) -> str:
        """The escape after a backslash (at self.at), rewritten."""
        c = self.peek()
        if not c:
            raise Unreadable("a pattern cannot end with a backslash")
        self.at += 1
        if c == "u":
            if self.peek() == "{":
                raise Unreadable("\\u{...} needs the unicode flag, which OpenAPI patterns do not have")
            digits = self.peek(4)
            if len(digits) == 4 and all(d in "0123456789abcdefABCDEF" for d in digits):
                self.at += 4
                return _literal(chr(int(digits, 16)))
            return "u"
        if c == "x":
            digits = self.peek(2)
            if len(digits) == 2 and all(d in "0123456789abcdefABCDEF" for d in digits):
                self.at += 2
                return _literal(chr(int(digits, 16)))
            return "x"
        if c == "c" and self.peek().isascii() and self.peek().isalpha():
            letter = self.peek()
            self.at += 1
            return _literal(chr(ord(letter) % 32))
        if c == "0" and not self.peek().isdigit():
            return _literal("\0")
        if c.isdigit():
            raise Unreadable("a backreference has no finite automaton")
        if c == "b":
            if in_class:
                return _literal("\b")
            raise Unreadable("word boundaries (\\b) are not supported")
        if c == "B":
            raise Unreadable("word boundaries (\\B) are not supported")
        if c in "pP":
            raise Unreadable("Unicode property escapes (\\p{...}) are not supported")
        if c == "k":
            raise Unreadable("a named backreference has no finite automaton")
        if c in _SIMPLE_ESCAPES:
            return "\\" + c
        return _literal(c)  # an identity escape: `\/`, `\-`, `\.`...

    def char_class(self) -> tuple[str, int]:
        """A class after `[` (at self.at), rewritten; ECMA `[]` matches nothing and `[^]` anything."""
        negated = self.peek() == "^"
        if negated:
            self.at += 1
        parts: list[str] = []
        while True:
            c = self.peek()
            if not c:
                raise Unreadable("unterminated character class")
            self.at += 1
            if c == "]":
                break
            if c == "\\":
                parts.append(self.escape(in_class=True))
            elif c == "-" and parts and self.peek() not in ("]", ""):
                parts.append("-")
            else:
                parts.append(_literal(c))
        if not parts:
            return (r"[\s\S]" if negated else r"[^\s\S]"), 1
        return "[" + ("^" if negated else "") + "".join(parts) + "]", 1

    def sequence(self, depth: int) -> tuple[str, int]:
        """Alternatives up to the end or to the `)` closing the current group; returns the text and
        an upper estimate of its automaton's states."""
        out: list[str] = []
        size = 0
        last_size = 0
        while self.at < len(self.src):
            c = self.peek()
            if c == ")":
                if depth == 0:
                    raise Unreadable("unbalanced parenthesis")
                break
            self.at += 1
            if c == "|":
                out.append("|")
                last_size = 0
                continue
            if c in "*+?":
                if not out or out[-1] == "|":
                    raise Unreadable(f"nothing to repeat before {c!r}")
                out.append(c)
                if self.peek() == "?":  # lazy: the same language
                    self.at += 1
                continue
            if c == "{":
                match = _QUANTIFIER.match(self.src, self.at - 1)
                if match is None or not out or out[-1] == "|":
                    out.append(_literal("{"))  # ECMA (Annex B): a brace that starts no quantifier
                    size += 1
                    last_size = 1
                    continue
                self.at = match.end()
                low = int(match.group(1))
                high = low if match.group(2) is None else (int(match.group(3)) if match.group(3) else None)
                if high is not None and high < low:
                    raise Unreadable("a quantifier {m,n} needs m <= n")
                times = max(high if high is not None else low, 1)
                size += last_size * (times - 1)
                if size > STATE_BUDGET:
                    raise Unreadable(f"its automaton would exceed {STATE_BUDGET} states (budget)")
                out.append(match.group(0))
                if self.peek() == "?":
                    self.at += 1
                continue
            if c in "^$":
                raise Unreadable(f"{c!r} is only read at the start or end of an alternative")
            if c == "\\":
                out.append(self.escape(in_class=False))
                last_size = 1
            elif c == "[":
                text, last_size = self.char_class()
                out.append(text)
            elif c == "(":
                out.append(self.group(depth))
                last_size = self._group_size
            elif c == ".":
                out.append("[^" + "".join(_literal(t) for t in _LINE_TERMINATORS) + "]")
                last_size = 1
            elif c == "}":
                out.append(_literal("}"))
                last_size = 1
            else:
                out.append(_literal(c))
                last_size = 1
            size += last_size
            if size > STATE_BUDGET:
                raise Unreadable(f"its automaton would exceed {STATE_BUDGET} states (budget)")
        return "".join(out), size

    _group_size = 0

    def group(self, depth: int) -> str:
        if self.peek() == "?":
            kind = self.peek(3)
            if kind.startswith("?:"):
                self.at += 2
            elif kind[:2] in ("?=", "?!") or kind in ("?<=", "?<!"):
                raise Unreadable("lookarounds are not supported")
            elif kind.startswith("?<"):
                end = self.src.find(">", self.at)
                if end < 0:
                    raise Unreadable("unterminated group name")
                self.at = end + 1  # a named group accepts what the plain group accepts
            else:
                raise Unreadable("inline flags and other (?...) groups are not ECMA-262 syntax")
        inner, size = self.sequence(depth + 1)
        if self.peek() != ")":
            raise Unreadable("unbalanced parenthesis")
        self.at += 1
        self._group_size = size
        return "(?:" + inner + ")"


def _branches(pattern: str) -> list[str]:
    """The top-level alternatives (split at `|` outside groups and classes)."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":  # `[]`/`[^]` close at once in ECMA
                i += 1
                in_class = False
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _ends_with_anchor(branch: str) -> bool:
    """True if the alternative ends with an unescaped `$`."""
    if not branch.endswith("$"):
        return False
    backslashes = len(branch) - 1 - len(branch[:-1].rstrip("\\"))
    return backslashes % 2 == 0


def translate(pattern: str) -> str:
    """The ECMA-262 pattern as a full-match expression interegular reads; Unreadable if it cannot."""
    out: list[str] = []
    total = 0
    for branch in _branches(pattern):
        start = branch.startswith("^")
        end = _ends_with_anchor(branch[1:] if start else branch)
        body = branch[1 if start else 0 : len(branch) - 1 if end else len(branch)]
        text, size = _Translator(body).sequence(0)
        total += size
        if total > STATE_BUDGET:
            raise Unreadable(f"its automaton would exceed {STATE_BUDGET} states (budget)")
        out.append(("" if start else _ANY) + "(?:" + text + ")" + ("" if end else _ANY))
    return "|".join(out)


@contextmanager
def _bounded_build() -> Iterator[None]:
    """interegular builds every automaton with `fsm.crawl`, which lists the states it reaches and
    searches that list for each one: count that work, and stop it past BUILD_BUDGET."""
    original: Callable[..., FSM] = fsm_module.crawl
    work = 0

    def crawl(alphabet: Any, initial: Any, final: Callable[[Any], bool], follow: Any) -> FSM:
        listed = 0

        def counted(state: Any) -> bool:  # called once per state the crawl lists
            nonlocal work, listed
            listed += 1
            work += listed
            if work > BUILD_BUDGET:
                raise Unreadable(f"building the automata would take over {BUILD_BUDGET} steps (budget)")
            return final(state)

        return original(alphabet, initial, counted, follow)

    fsm_module.crawl = crawl
    try:
        yield
    finally:
        fsm_module.crawl = original


def _fsms(old: str, new: str) -> tuple[FSM, FSM]:
    patterns = []
    for which, source in (("old", old), ("new", new)):
        try:
            patterns.append(interegular.parse_pattern(translate(source)))
        except Unreadable as exc:
            raise Unreadable(f"the {which} pattern: {exc}") from None
        except Exception as exc:  # interegular's own parse errors (InvalidSyntax, Unsupported, ...)
            raise Unreadable(f"the {which} pattern: {type(exc).__name__}: {exc}") from None
    flags = interegular.REFlags(0)
    alphabet = Alphabet.union(*(p.get_alphabet(flags) for p in patterns))[0]
    with _bounded_build():
        first, second = (p.to_fsm(alphabet, (0, 0), flags) for p in patterns)
    return first, second


def _subset(a: FSM, b: FSM) -> bool:
    """Whether every string `a` accepts is accepted by `b` (both over the same alphabet)."""
    a_map: dict[Any, dict[Any, Any]] = a.map
    b_map: dict[Any, dict[Any, Any]] = b.map
    start: tuple[Any, Any] = (a.initial, b.initial)
    seen: set[tuple[Any, Any]] = {start}
    stack: list[tuple[Any, Any]] = [start]
    keys = list(a.alphabet.by_transition)
    while stack:
        sa, sb = stack.pop()
        if sa in a.finals and (sb is None or sb not in b.finals):
            return False
        a_next, b_next = a_map.get(sa, {}), (b_map.get(sb, {}) if sb is not None else {})
        for key in keys:
            na = a_next.get(key)
            if na is None:
                continue
            pair = (na, b_next.get(key))
            if pair not in seen:
                if len(seen) >= PAIR_BUDGET:
                    raise Unreadable(f"deciding it would visit over {PAIR_BUDGET} state pairs (budget)")
                seen.add(pair)
                stack.append(pair)
    return True


def compare(old: str, new: str) -> Verdict:
    """How the strings `new` accepts relate to those `old` accepts (Unreadable when undecidable here)."""
    verdict, reason = _compare(old, new)
    if verdict is None:
        raise Unreadable(reason)
    return verdict


@lru_cache(maxsize=1024)
def _compare(old: str, new: str) -> tuple[Verdict | None, str]:
    """compare(), memoised with its failures (a pattern over budget is not tried twice)."""
    try:
        a, b = _fsms(old, new)
        new_in_old, old_in_new = _subset(b, a), _subset(a, b)
    except Unreadable as exc:
        return None, str(exc)
    if new_in_old and old_in_new:
        return "equal", ""
    if new_in_old:
        return "narrower", ""
    if old_in_new:
        return "wider", ""
    return "incomparable", ""


def clear_cache() -> None:
    """Forget the verdicts decided so far (the benchmark decides them afresh on every run)."""
    _compare.cache_clear()
