"""The project's one lenient JSON parser, for the spec's example texts (``x-oaiMeta`` responses).

Those texts are not always strict JSON: trailing commas, ``, { ... }`` placeholders for "more of
the same", Python literals (``None``, ``True``, ``False``). Old spec versions also have typos:
a missing comma at the end of a line, ``5768 | null`` written as a value. Repairs are made outside
string literals only, so no string value changes. Users: the local server's seed examples, the spec
lint (``ftjobs_spec.specdiff.lint``) and the tests that read examples from spec histories.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: A string literal, a run of anything else, or a lone quote (an unterminated string).
_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"|[^"]+|"')
_PLACEHOLDER = re.compile(r",\s*\{\s*\.\.\.\s*\}")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_PYTHON_LITERAL = re.compile(r"\b(?:None|True|False)\b")
_PYTHON_TO_JSON = {"None": "null", "True": "true", "False": "false"}
# Typos of old versions (``typos=True``): a value ending a line without its comma before the next
# key, and a type union written as a value (``5768 | null``).
_MISSING_COMMA = re.compile(r'("|\d|true|false|null|[}\]])([ \t]*\n\s*")')
_OR_NULL = re.compile(r"\s*\|\s*null\b")


def loads_lenient(text: str, *, typos: bool = False) -> tuple[Any, bool]:
    """``(value, strict)``: ``strict`` is whether ``text`` was JSON as it stands. The typo repairs
    (``typos=True``) are tried last. Raises ``ValueError`` (a ``json.JSONDecodeError``) when even
    the repaired text is not JSON."""
    try:
        return json.loads(text), True
    except ValueError:
        pass
    try:
        return _repaired(text, typos=False), False
    except ValueError:
        if not typos:
            raise
    return _repaired(_MISSING_COMMA.sub(r"\1,\2", text), typos=True), False


def _repaired(text: str, *, typos: bool) -> Any:
    parts: list[str] = []
    for token in _TOKENS.findall(text):
        part = token
        if not token.startswith('"'):
            part = _PLACEHOLDER.sub("", part)
            part = _TRAILING_COMMA.sub(r"\1", part)
            part = _PYTHON_LITERAL.sub(lambda match: _PYTHON_TO_JSON[match.group()], part)
            if typos:
                part = _OR_NULL.sub("", part)
        parts.append(part)
    return json.loads("".join(parts))


def parse_lenient(text: str, *, typos: bool = False) -> Any:
    """The value of an example text (see :func:`loads_lenient`)."""
    return loads_lenient(text, typos=typos)[0]
