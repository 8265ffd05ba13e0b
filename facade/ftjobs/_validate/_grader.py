"""The item fields a grader reads: every ``{{item.a.b}}`` in any of its strings (templates, inputs,
references, nested graders of a multi grader), as key paths."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_ITEM_REF = re.compile(r"\{\{\s*item\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)\s*\}\}")


def item_fields(grader: Any) -> list[tuple[str, ...]]:
    """The distinct ``item`` paths a grader's templates reference, in order of first use."""
    paths: dict[tuple[str, ...], None] = {}
    for text in _strings(grader):
        for match in _ITEM_REF.finditer(text):
            paths.setdefault(tuple(match.group(1).split(".")), None)
    return list(paths)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
