"""Load only what the trim keeps from a large block-style spec: the chosen paths and their closure.

A 3 MB upstream spec takes a second or more to parse whole, while the fine-tuning paths and the
components they reference are a few percent of it. This module cuts the text into top-level entries,
path entries and component entries by indentation, parses only the entries the trim needs (each on
its own), and follows `$ref`s entry by entry. The result, trimmed by `trim.trim`, is the same as
trimming the whole parsed document (a test checks this on the real specs); whenever the text does
not have the expected simple shape (flow style at the top, directives, several documents, unusual
keys, an alias to an anchor in another entry, a ref into something other than a component), it
returns None and the caller parses the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..trim import SpecError, iter_refs
from .yamlload import load_yaml_fast

_KEY = re.compile(r"""(?:'((?:[^']|'')*)'|"([^"\\]*)"|([^'"#\s\-?:&*!|>%@`{\[][^#]*?))\s*:(?:\s|$)""")
_KEPT_TOP = ("openapi", "info", "servers", "security", "tags")
_TOP_KEYS = tuple(re.compile(rf"^{key}:", re.MULTILINE) for key in ("openapi", "paths", "components"))
MIN_SIZE = 200_000


class _Shape(Exception):
    """The text is not of the simple shape this loader handles."""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _children(lines: list[str], start: int, end: int, n: int) -> list[tuple[str, int, int]]:
    """The mapping entries at indentation n in lines[start:end]: (key, first line, end line)."""
    out: list[tuple[str, int, int]] = []
    for i in range(start, end):
        line = lines[i]
        if _is_blank_or_comment(line):
            continue
        ind = _indent(line)
        if ind < n:
            raise _Shape(f"line {i + 1}: less indented than its block")
        if ind > n or line[n:].startswith(("- ", "-\t")) or line[n:] == "-":
            continue
        if "\t" in line[:n]:
            raise _Shape("tabs")
        match = _KEY.match(line, n)
        if match is None:
            raise _Shape(f"line {i + 1}: not a simple mapping key")
        single, double, plain = match.groups()
        key = single.replace("''", "'") if single is not None else double if double is not None else plain
        out.append((key.rstrip(), i, end))
    fixed = [(key, s, out[j + 1][1] if j + 1 < len(out) else end) for j, (key, s, _) in enumerate(out)]
    if len({key for key, _, _ in fixed}) != len(fixed):
        raise _Shape("duplicate keys")
    return fixed


def _child_indent(lines: list[str], start: int, end: int) -> int:
    for i in range(start, end):
        if not _is_blank_or_comment(lines[i]):
            return _indent(lines[i])
    raise _Shape("empty block")


def _parse_entry(lines: list[str], key: str, start: int, end: int, n: int, name: str) -> Any:
    out = []
    for line in lines[start:end]:
        if _indent(line) >= n:
            out.append(line[n:])
        elif _is_blank_or_comment(line):
            out.append("")
        else:
            raise _Shape("dedent")
    try:
        value = load_yaml_fast("\n".join(out) + "\n", name)
    except SpecError as exc:
        raise _Shape(str(exc)) from exc
    if not isinstance(value, dict) or len(value) != 1 or str(next(iter(value))) != key:
        raise _Shape(f"entry {key!r} did not parse as itself")
    return next(iter(value.values()))


def load_sliced(text: str, name: str, prefixes: Sequence[str]) -> dict[str, Any] | None:
    """The document restricted to paths starting with prefixes and their closure; None if not sliceable."""
    if len(text) < MIN_SIZE or any(not p.strip("/") for p in prefixes):
        return None  # small, or every path is kept (`--paths /`): nothing to slice away
    if not all(top.search(text) for top in _TOP_KEYS):
        return None  # not a block-style OpenAPI document: the whole parse says what it is
    try:
        return _load(text.split("\n"), name, tuple(prefixes))
    except _Shape:
        return None


def _load(lines: list[str], name: str, prefixes: tuple[str, ...]) -> dict[str, Any] | None:
    if any(line.startswith(("%", "---", "...")) for line in lines):
        raise _Shape("directives or several documents")
    top = {key: (s, e) for key, s, e in _children(lines, 0, len(lines), 0)}
    if "paths" not in top or "components" not in top or "openapi" not in top:
        raise _Shape("no openapi/paths/components at the top")
    rest: dict[str, Any] = {}
    for key in _KEPT_TOP:
        if key in top:
            rest[key] = _parse_entry(lines, key, *top[key], 0, name)
    p_start, p_end = top["paths"]
    p_ind = _child_indent(lines, p_start + 1, p_end)
    path_entries = _children(lines, p_start + 1, p_end, p_ind)
    chosen = [(k, s, e) for k, s, e in path_entries if k.startswith(prefixes)]
    if not chosen or len(chosen) == len(path_entries):
        return None  # nothing to gain (or nothing to keep: let trim say so)
    paths = {k: _parse_entry(lines, k, s, e, p_ind, name) for k, s, e in chosen}

    c_start, c_end = top["components"]
    k_ind = _child_indent(lines, c_start + 1, c_end)
    kinds: dict[str, tuple[int, dict[str, tuple[int, int]]]] = {}
    for kind, s, e in _children(lines, c_start + 1, c_end, k_ind):
        n_ind = _child_indent(lines, s + 1, e)
        kinds[kind] = (n_ind, {nm: (ns, ne) for nm, ns, ne in _children(lines, s + 1, e, n_ind)})
    components: dict[str, dict[str, Any]] = {}

    def need(kind: str, item: str) -> Any:
        if kind not in kinds or item not in kinds[kind][1]:
            raise _Shape(f"#/components/{kind}/{item} not found")
        if item not in components.setdefault(kind, {}):
            ind, entries = kinds[kind]
            components[kind][item] = _parse_entry(lines, item, *entries[item], ind, name)
            pending.extend(iter_refs(components[kind][item]))
        return components[kind][item]

    pending = list(iter_refs(paths)) + list(iter_refs(rest.get("security") or []))
    if "securitySchemes" in kinds:  # small, and referenced by name rather than by $ref
        for scheme in kinds["securitySchemes"][1]:
            need("securitySchemes", scheme)
    while pending:
        ref = pending.pop()
        parts = ref.split("/")
        if len(parts) != 4 or parts[:2] != ["#", "components"]:
            raise _Shape(f"ref {ref!r}")
        need(parts[2].replace("~1", "/").replace("~0", "~"), parts[3].replace("~1", "/").replace("~0", "~"))
    return {**rest, "paths": paths, "components": components}
